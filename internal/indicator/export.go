package indicator

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// figureColumns are the columns of a sheet of figures, after the ones that
// name the row: header key and width.
var figureColumns = []struct {
	Key   string
	Width float64
}{
	{"indicator.value", 12}, {"indicator.unit", 16}, {"indicator.numerator", 14}, {"indicator.denominator", 14},
	{"indicator.baseline", 12}, {"indicator.year_target", 14}, {"indicator.target", 12}, {"indicator.gap", 12},
	{"indicator.status", 14},
}

// numFmts are a workbook's number formats: a percentage indicator's
// figures are Excel percentages (0.0%), others two decimals, counts whole
// numbers, all with grouped digits.
type numFmts struct{ pct, dec, count int }

func newNumFmts(x *excelize.File) (*numFmts, error) {
	var n numFmts
	for _, s := range []struct {
		id  *int
		fmt string
	}{{&n.pct, "0.0%"}, {&n.dec, "#,##0.00"}, {&n.count, "#,##0"}} {
		f := s.fmt
		id, err := x.NewStyle(&excelize.Style{CustomNumFmt: &f})
		if err != nil {
			return nil, fmt.Errorf("indicator.numFmts: %w", err)
		}
		*s.id = id
	}
	return &n, nil
}

// figure is one of an indicator's figures (value, baseline, target, gap)
// in its format, or an empty cell.
func (n *numFmts) figure(d *Def, v *float64) any {
	if v == nil {
		return nil
	}
	if d.Unit == "percent" {
		return excelize.Cell{StyleID: n.pct, Value: *v / 100}
	}
	return excelize.Cell{StyleID: n.dec, Value: *v}
}

// amount is a numerator or denominator: a count, or an area with decimals.
func (n *numFmts) amount(v float64) any {
	if v == math.Trunc(v) {
		return excelize.Cell{StyleID: n.count, Value: v}
	}
	return excelize.Cell{StyleID: n.dec, Value: v}
}

func figureCells(lang string, n *numFmts, d *Def, f Figure) []any {
	status := i18n.T(lang, "indicator.status."+f.Status)
	if f.Awaiting != "" {
		status += " (" + i18n.T(lang, "indicator.awaiting."+f.Awaiting) + ")"
	}
	var num, den any = n.amount(f.Numerator), n.amount(f.Denominator)
	if f.Status == Awaiting || f.Status == NoData {
		num, den = nil, nil
	}
	return []any{n.figure(d, f.Value), unitLabel(lang, d.Unit), num, den, n.figure(d, f.Baseline), n.figure(d, &f.YearTarget),
		n.figure(d, &f.Target), n.figure(d, shownGap(f.Gap)), status}
}

// sheet streams a header and rows into a new or renamed sheet.
func sheet(x *excelize.File, name string, first bool, head []any, widths []float64, rows [][]any) error {
	if first {
		if err := x.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := x.NewSheet(name); err != nil {
		return err
	}
	guard, err := xlsx.NewGuard(x)
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, guard.Row(r)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func (s *Service) defName(lang string, d *Def) string {
	if lang == i18n.ZH {
		return d.NameZh
	}
	return d.NameEn
}

// ExportTable writes every indicator at a division into a workbook, and a
// second sheet with each child's values. Errors: those of Table.
func (s *Service) ExportTable(ctx context.Context, code string) (*excelize.File, string, error) {
	t, err := s.Table(ctx, code, true)
	if err != nil {
		return nil, "", err
	}
	lang := i18n.From(ctx)
	head := []any{i18n.T(lang, "indicator.code"), i18n.T(lang, "indicator.name"), i18n.T(lang, "indicator.source")}
	widths := []float64{30, 50, 14}
	for _, c := range figureColumns {
		head = append(head, i18n.T(lang, c.Key))
		widths = append(widths, c.Width)
	}
	x := excelize.NewFile()
	fail := func(err error) (*excelize.File, string, error) {
		_ = x.Close()
		return nil, "", errs.Internal("indicator.Service.ExportTable", err)
	}
	nf, err := newNumFmts(x)
	if err != nil {
		return fail(err)
	}
	var rows [][]any
	for _, f := range t.Figures {
		d := s.defOf(f)
		rows = append(rows, append([]any{d.Code, s.defName(lang, d), sourceLabel(lang, d.Source)}, figureCells(lang, nf, d, f)...))
	}
	if err := sheet(x, i18n.T(lang, "indicator.sheet_figures"), true, head, widths, rows); err != nil {
		return fail(err)
	}
	if len(t.Children) > 0 {
		// One row per child, one column per indicator's value.
		chead := []any{i18n.T(lang, "indicator.division_code"), i18n.T(lang, "indicator.division_name")}
		cw := []float64{14, 24}
		for _, f := range t.Figures {
			d := s.defOf(f)
			chead = append(chead, s.defName(lang, d))
			cw = append(cw, 16)
		}
		var crows [][]any
		for _, c := range t.Children {
			r := []any{c.Division.Code, c.Division.Name}
			for _, f := range c.Figures {
				d := s.defOf(f)
				r = append(r, nf.figure(d, f.Value))
			}
			crows = append(crows, r)
		}
		if err := sheet(x, i18n.T(lang, "indicator.sheet_children"), false, chead, cw, crows); err != nil {
			return fail(err)
		}
	}
	return x, fmt.Sprintf("indicators-%s-%d.xlsx", t.Division.Code, s.Engine.Year()), nil
}

// ExportDrill writes one indicator at a division and each child (in the
// order sort gives) into a workbook. Errors: those of Drilldown and SortRows.
func (s *Service) ExportDrill(ctx context.Context, indicator, code, sortBy string) (*excelize.File, string, error) {
	dr, err := s.Drilldown(ctx, indicator, code, true)
	if err != nil {
		return nil, "", err
	}
	if err := SortRows(dr.Children, sortBy); err != nil {
		return nil, "", err
	}
	lang := i18n.From(ctx)
	head := []any{i18n.T(lang, "indicator.division_code"), i18n.T(lang, "indicator.division_name")}
	widths := []float64{14, 24}
	for _, c := range figureColumns {
		head = append(head, i18n.T(lang, c.Key))
		widths = append(widths, c.Width)
	}
	x := excelize.NewFile()
	nf, err := newNumFmts(x)
	if err != nil {
		_ = x.Close()
		return nil, "", errs.Internal("indicator.Service.ExportDrill: newNumFmts", err)
	}
	rows := [][]any{append([]any{dr.Division.Code, dr.Division.Name}, figureCells(lang, nf, dr.Def, dr.Figure)...)}
	for _, c := range dr.Children {
		rows = append(rows, append([]any{c.Division.Code, c.Division.Name}, figureCells(lang, nf, dr.Def, c.Figure)...))
	}
	name := s.defName(lang, dr.Def)
	if r := []rune(name); len(r) > 31 { // Excel's limit on sheet names
		name = string(r[:31])
	}
	if err := sheet(x, name, true, head, widths, rows); err != nil {
		_ = x.Close()
		return nil, "", errs.Internal("indicator.Service.ExportDrill: sheet", err)
	}
	return x, fmt.Sprintf("%s-%s-%d.xlsx", indicator, code, s.Engine.Year()), nil
}

func sendWorkbook(w http.ResponseWriter, r *http.Request, x *excelize.File, name string) {
	defer x.Close()
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+url.PathEscape(name)+`"`)
	if _, err := x.WriteTo(w); err != nil {
		// The response has begun; a failure now can only cut the download.
		slog.WarnContext(r.Context(), "indicator export cut short", "err", err)
	}
}

func (h *Web) exportTable(w http.ResponseWriter, r *http.Request) error {
	x, name, err := h.S.ExportTable(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	sendWorkbook(w, r, x, name)
	return nil
}

func (h *Web) exportDrill(w http.ResponseWriter, r *http.Request) error {
	x, name, err := h.S.ExportDrill(r.Context(), r.PathValue("indicator"), r.PathValue("code"), r.URL.Query().Get("sort"))
	if err != nil {
		return err
	}
	sendWorkbook(w, r, x, name)
	return nil
}
