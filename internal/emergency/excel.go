package emergency

import (
	"context"
	"io"

	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// DrillSheet is the drills' Excel layout.
var DrillSheet = &xlsx.Spec{
	SheetZh: "应急演练", SheetEn: "Drills",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "村（社区）代码", En: "Community code", Width: 16},
		{Key: "community_name", Zh: "村（社区）", En: "Community", Width: 24},
		{Key: "held_on", Zh: "演练日期", En: "Held on", Width: 12},
		{Key: "kind", Zh: "类型", En: "Kind", Width: 12},
		{Key: "participants", Zh: "参加人数", En: "Participants", Width: 10},
		{Key: "note", Zh: "说明", En: "Note", Width: 40},
	},
	MaxRows: maxExport,
}

// TaskSheet is the layout of an alert's task list outcome.
var TaskSheet = &xlsx.Spec{
	SheetZh: "重点人员核查结果", SheetEn: "Vulnerable people reached",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "村（社区）代码", En: "Community code", Width: 16},
		{Key: "person_id", Zh: "人员编号", En: "Person id", Width: 10},
		{Key: "name_masked", Zh: "姓名", En: "Name", Width: 10},
		{Key: "reason", Zh: "类别", En: "Why listed", Width: 16},
		{Key: "status", Zh: "结果", En: "Outcome", Width: 10},
		{Key: "note", Zh: "说明", En: "Note", Width: 40},
		{Key: "marked_by", Zh: "核查人", En: "Marked by", Width: 14},
		{Key: "marked_at", Zh: "核查时间", En: "Marked at", Width: 18},
	},
	MaxRows: maxExport,
}

const maxExport = 50000

// ExportDrills writes the drills at or under code (the caller's area when
// empty) held in year as a workbook. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) ExportDrills(ctx context.Context, code string, year int, w io.Writer) error {
	lo, hi, err := s.area(ctx, code)
	if err != nil {
		return err
	}
	if year == 0 {
		year = s.Year()
	}
	lang := i18n.From(ctx)
	return DrillSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		var err error
		for page, more := 1, true; more && ex.Rows() < maxExport; page++ {
			var ds []DrillRecord
			if ds, more, err = s.Store.drills(ctx, lo, hi, year, page, 500); err != nil {
				return err
			}
			for _, d := range ds {
				if err := ex.Write(d.CommunityCode, d.CommunityName, d.HeldOn, i18n.T(lang, "emergency.kind."+d.Kind), d.Participants, d.Note); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil)
}

// ExportTasks writes the outcome of an alert's task list inside the
// caller's area as a workbook. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) ExportTasks(ctx context.Context, id int64, w io.Writer) error {
	if _, err := s.Alert(ctx, id); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return TaskSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.eachTask(ctx, id, func(t *Task) error {
			at := ""
			if t.MarkedAt != nil {
				at = t.MarkedAt.In(chinaZone).Format("2006-01-02 15:04")
			}
			return ex.Write(t.CommunityCode, t.PersonID, t.NameMasked, i18n.T(lang, "emergency.reason."+t.Reason),
				i18n.T(lang, "emergency.status."+t.Status), t.Note, t.MarkedBy, at)
		})
	}, nil)
}
