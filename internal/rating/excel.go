package rating

import (
	"context"
	"io"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

var sheet = xlsx.Spec{SheetZh: "好差评", SheetEn: "Ratings", Columns: []xlsx.Column{
	{Key: "id", Zh: "编号", En: "No."},
	{Key: "created_at", Zh: "评价时间", En: "Rated at", Width: 18},
	{Key: "division_code", Zh: "区划代码", En: "Division code", Width: 16},
	{Key: "division_name", Zh: "区划", En: "Division", Width: 20},
	{Key: "subject_kind", Zh: "对象类型", En: "Subject kind"},
	{Key: "subject_name", Zh: "评价对象", En: "Subject", Width: 24},
	{Key: "level", Zh: "评价", En: "Level", Width: 12},
	{Key: "comment", Zh: "意见", En: "Comment", Width: 40},
	{Key: "rectification", Zh: "整改", En: "Rectification"},
	{Key: "due_on", Zh: "整改期限", En: "Due on", Width: 12},
	{Key: "reply", Zh: "整改答复", En: "Reply", Width: 40},
}}

// Export writes every rating the filter selects in the caller's area as a
// workbook (never the rater) and audits it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := s.checkFilter(&f); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	today := s.Today()
	return sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.each(ctx, f, today, func(r *Rating) error {
			state := ""
			if r.Rectification != None {
				st := r.Rectification
				if st == Open && r.DueOn < today {
					st = Overdue
				}
				state = i18n.T(lang, "rating.rect."+st)
			}
			return ex.Write(r.ID, r.CreatedAt.In(calendar.China).Format("2006-01-02 15:04"), r.DivisionCode, r.DivisionName,
				i18n.T(lang, "rating.kind."+r.SubjectKind), r.SubjectName, i18n.T(lang, levelKey(r.Level)), r.Comment, state, r.DueOn, r.Reply)
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "rating.export", ObjectType: "rating", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "division": f.Division, "kind": f.Kind, "level": f.Level, "rectification": f.Rectification}})
	})
}
