package partymember

import (
	"context"
	"io"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the registrations' export layout (no phones).
var Sheet = &xlsx.Spec{
	SheetZh: "在职党员报到", SheetEn: "Party members",
	Columns: []xlsx.Column{
		{Key: "division_code", Zh: "社区代码", En: "Community code", Width: 16},
		{Key: "division_name", Zh: "社区", En: "Community", Width: 20},
		{Key: "name", Zh: "姓名", En: "Name", Width: 12},
		{Key: "unit", Zh: "工作单位", En: "Work unit", Width: 28},
		{Key: "posts", Zh: "服务岗位", En: "Service posts", Width: 28},
		{Key: "status", Zh: "状态", En: "Status", Width: 12, Choice: &xlsx.Choice{Codes: Statuses, Label: "partymember.status."}},
		{Key: "hours", Zh: "今年服务时长", En: "Hours this year", Width: 14},
	},
}

// Export writes every registration the filter selects, with this year's
// hours, and audits it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	f.Page = 0
	ms, _, err := s.Store.members(ctx, f)
	if err != nil {
		return err
	}
	if err := s.withHours(ctx, ms); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		for _, m := range ms {
			if err := ex.Write(m.DivisionCode, m.DivisionName, m.Name, m.Unit, strings.Join(m.Posts, "、"), Sheet.Col("status").Label(lang, m.Status),
				m.Hours); err != nil {
				return err
			}
		}
		return nil
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "partymember.export", ObjectType: "party_member", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]string{"q": f.Q, "division": f.Division, "status": f.Status}}})
	})
}
