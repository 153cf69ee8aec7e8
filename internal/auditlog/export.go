package auditlog

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// ExportInfo says what an export holds.
type ExportInfo struct {
	Rows int
	Cut  bool
}

// exportColumns are the sheet's columns: header key and width.
var exportColumns = []struct {
	Key   string
	Width float64
}{
	{"auditlog.id", 10}, {"auditlog.at", 20}, {"auditlog.actor", 18}, {"auditlog.role", 16}, {"auditlog.area", 14},
	{"auditlog.action", 26}, {"auditlog.object_type", 14}, {"auditlog.object_id", 16}, {"auditlog.result", 10},
	{"auditlog.client", 16}, {"auditlog.detail", 60}, {"auditlog.prev_hash", 20}, {"auditlog.hash", 20},
}

// maxCell is the most characters Excel keeps in one cell.
const maxCell = 32767

// Export writes the records q selects, newest first, into a workbook,
// streamed row by row and at most ExportMax of them (the sheet ends with a
// note when cut), then records the export in the log. Errors:
// EUNAUTHORIZED, EFORBIDDEN, EINVALID, EINTERNAL.
func (s *Service) Export(ctx context.Context, q Query) (*excelize.File, *ExportInfo, error) {
	if err := s.require(ctx, "audit.export"); err != nil {
		return nil, nil, err
	}
	f, err := q.Filter()
	if err != nil {
		return nil, nil, err
	}
	lang := i18n.From(ctx)
	x := excelize.NewFile()
	info, err := s.fill(ctx, x, lang, f)
	if err != nil {
		_ = x.Close()
		return nil, nil, err
	}
	// Recorded once the rows are read and before any byte leaves, so an
	// export that reaches anyone is always in the log.
	if err := s.Log.Write(ctx, audit.Entry{Action: "audit.export", ObjectType: "audit_log", ObjectID: "*",
		Detail: map[string]any{"filter": q, "rows": info.Rows, "cut": info.Cut}}); err != nil {
		_ = x.Close()
		return nil, nil, errs.Internal("auditlog.Service.Export: Write", err)
	}
	return x, info, nil
}

func (s *Service) fill(ctx context.Context, x *excelize.File, lang string, f audit.Filter) (*ExportInfo, error) {
	sheet := i18n.T(lang, "auditlog.sheet")
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, errs.Internal("auditlog.Service.fill: SetSheetName", err)
	}
	guard, err := xlsx.NewGuard(x)
	if err != nil {
		return nil, errs.Internal("auditlog.Service.fill: NewGuard", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return nil, errs.Internal("auditlog.Service.fill: NewStreamWriter", err)
	}
	header := make([]any, len(exportColumns))
	for i, c := range exportColumns {
		header[i] = i18n.T(lang, c.Key)
		if err := sw.SetColWidth(i+1, i+1, c.Width); err != nil {
			return nil, errs.Internal("auditlog.Service.fill: SetColWidth", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, errs.Internal("auditlog.Service.fill: SetPanes", err)
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, errs.Internal("auditlog.Service.fill: SetRow", err)
	}
	row := 1
	max := s.exportMax()
	n, cut, err := s.Log.Each(ctx, f, max, func(r *audit.Record) error {
		row++
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return sw.SetRow(cell, guard.Row([]any{r.ID, r.At.In(calendar.China).Format(localLayout), r.ActorName, roleLabel(lang, r.Role),
			r.Area, r.Action, r.ObjectType, r.ObjectID, resultLabel(lang, r.Result), r.ClientAddr, clip(r.Detail),
			r.PrevHash, r.Hash}))
	})
	if err != nil {
		return nil, errs.As(err)
	}
	if cut {
		cell, _ := excelize.CoordinatesToCellName(1, row+2)
		if err := sw.SetRow(cell, []any{i18n.T(lang, "auditlog.export_cut", max)}); err != nil {
			return nil, errs.Internal("auditlog.Service.fill: SetRow", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, errs.Internal("auditlog.Service.fill: Flush", err)
	}
	info := &ExportInfo{Rows: n, Cut: cut}
	if err := s.about(ctx, x, guard, lang, f, info); err != nil {
		return nil, errs.Internal("auditlog.Service.fill: about", err)
	}
	return info, nil
}

// about adds a second sheet that says who exported what, when.
func (s *Service) about(ctx context.Context, x *excelize.File, guard *xlsx.Guard, lang string, f audit.Filter, info *ExportInfo) error {
	sheet := i18n.T(lang, "auditlog.sheet_about")
	if _, err := x.NewSheet(sheet); err != nil {
		return err
	}
	anything := i18n.T(lang, "auditlog.any")
	cond := func(v string) string {
		if v == "" {
			return anything
		}
		return v
	}
	from, to := anything, anything
	if !f.From.IsZero() {
		from = f.From.In(calendar.China).Format(localLayout)
	}
	if !f.To.IsZero() {
		to = f.To.In(calendar.China).Format(localLayout)
	}
	who := ""
	if p := auth.From(ctx); p != nil {
		who = p.Name
	}
	rows := [][2]string{
		{i18n.T(lang, "auditlog.exported_by"), who},
		{i18n.T(lang, "auditlog.exported_at"), s.Now().In(calendar.China).Format(localLayout)},
		{i18n.T(lang, "auditlog.actor"), cond(f.Actor)},
		{i18n.T(lang, "auditlog.action"), cond(f.Action)},
		{i18n.T(lang, "auditlog.object_type"), cond(f.ObjectType)},
		{i18n.T(lang, "auditlog.object_id"), cond(f.ObjectID)},
		{i18n.T(lang, "auditlog.result"), cond(f.Result)},
		{i18n.T(lang, "auditlog.from"), from},
		{i18n.T(lang, "auditlog.to_exclusive"), to},
		{i18n.T(lang, "auditlog.rows"), fmt.Sprint(info.Rows)},
	}
	if info.Cut {
		rows = append(rows, [2]string{i18n.T(lang, "auditlog.note"), i18n.T(lang, "auditlog.export_cut", s.exportMax())})
	}
	for i, r := range rows {
		if err := guard.SetSheetRow(x, sheet, fmt.Sprintf("A%d", i+1), []any{r[0], r[1]}); err != nil {
			return err
		}
	}
	return x.SetColWidth(sheet, "A", "B", 30)
}

func (s *Service) exportMax() int {
	if s.ExportMax <= 0 {
		return DefaultExportMax
	}
	return s.ExportMax
}

// clip keeps a detail within what one cell holds.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	r := []rune(s)
	return string(r[:maxCell-1]) + "…"
}
