package grid

import (
	"context"
	"io"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Figures returns a month's patrols and events at a division of the
// caller's area (its own when code is empty) and at each division under
// it, or at a community each of its grids. Errors: EINVALID, ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code, mon string) (*GridFigures, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	if mon == "" {
		mon = month(s.Now())
	}
	var bad errs.Fields
	if _, err := time.Parse("2006-01", mon); err != nil {
		bad.Add("month", "grid.month_format")
	}
	if !division.ValidCode(code) {
		bad.Add("division", "grid.code_format")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	name, err := s.Store.community(ctx, code)
	if err != nil {
		return nil, err
	}
	level := division.Code(code).Level()
	digits := 0
	if level < division.Community {
		digits = division.PrefixLen[level+1]
	}
	lo, hi := divisionRange(code)
	counts, err := s.Store.figures(ctx, digits, lo, hi, mon)
	if err != nil {
		return nil, err
	}
	parts, err := s.Store.parts(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &GridFigures{Month: mon, Total: GridFigureRow{Code: code, Name: name}, Rows: make([]GridFigureRow, 0, len(parts))}
	for _, pt := range parts {
		key := pt[0]
		if digits > 0 {
			key = key[:digits]
		}
		row := GridFigureRow{Code: pt[0], Name: pt[1], DrillDown: level+1 <= division.Community && digits > 0}
		if c := counts[key]; c != nil {
			row.Patrols, row.Events, row.Reported, row.Resolved = c.Patrols, c.Events, c.Reported, c.Resolved
		}
		out.Total.Patrols += row.Patrols
		out.Total.Events += row.Events
		out.Total.Reported += row.Reported
		out.Total.Resolved += row.Resolved
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// FigureSheet is the figures' export layout.
var FigureSheet = &xlsx.Spec{
	SheetZh: "网格巡查统计", SheetEn: "Grid patrol figures",
	Columns: []xlsx.Column{
		{Key: "code", Zh: "代码", En: "Code", Width: 16},
		{Key: "name", Zh: "名称", En: "Name", Width: 24},
		{Key: "month", Zh: "月份", En: "Month"},
		{Key: "patrols", Zh: "巡查次数", En: "Patrols"},
		{Key: "events", Zh: "发现事件", En: "Events found"},
		{Key: "reported", Zh: "上报诉求", En: "Reported as requests"},
		{Key: "resolved", Zh: "就地解决", En: "Resolved on the spot"},
	},
}

// ExportFigures writes the figures as a workbook (the division's total
// first) and audits it. Errors as Figures.
func (s *Service) ExportFigures(ctx context.Context, code, mon string, w io.Writer) error {
	f, err := s.Figures(ctx, code, mon)
	if err != nil {
		return err
	}
	return FigureSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		for _, r := range append([]GridFigureRow{f.Total}, f.Rows...) {
			if err := ex.Write(r.Code, r.Name, f.Month, r.Patrols, r.Events, r.Reported, r.Resolved); err != nil {
				return err
			}
		}
		return nil
	}, func(int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.figures_export", ObjectType: "grid", ObjectID: f.Total.Code,
			Detail: map[string]string{"month": f.Month}})
	})
}
