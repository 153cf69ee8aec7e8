package indicator

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/go-pdf/fpdf"

	"shequ/internal/platform/calendar"
	"shequ/internal/platform/cjkfont"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// evalTitle is the report's title: 终期评估 for the final year, else 中期评估.
func evalTitle(lang string, ev *Evaluation) string {
	if ev.Final {
		return i18n.T(lang, "indicator.eval.final_title", ev.Main.Division.Name, ev.Plan.Name(lang))
	}
	return i18n.T(lang, "indicator.eval.mid_title", ev.Main.Division.Name, ev.Plan.Name(lang), ev.Year)
}

func fmtOpt(v *float64) string {
	if v == nil {
		return "—"
	}
	return num(*v)
}

func metText(lang string, l EvalLine) string {
	switch {
	case !l.Frozen:
		return i18n.T(lang, "indicator.eval.not_frozen")
	case l.Met == nil:
		return i18n.T(lang, "indicator.status.no_data")
	case *l.Met:
		return i18n.T(lang, "indicator.eval.met")
	}
	return i18n.T(lang, "indicator.eval.not_met")
}

func defName(lang string, d *Def) string {
	if lang == i18n.EN {
		return d.NameEn
	}
	return d.NameZh
}

// WritePDF writes the evaluation as a Chinese PDF report: the indicators'
// table, a bar chart of value against target for each indicator, one per
// indicator across the counties (for the city), and the task ledger's
// completion.
func WritePDF(w io.Writer, ev *Evaluation, at time.Time) error {
	const lang = i18n.ZH
	pdf := fpdf.New("P", "mm", "A4", "")
	title := evalTitle(lang, ev)
	pdf.SetTitle(title, true)
	pdf.SetCreator("shequ", true)
	pdf.SetCreationDate(at)
	pdf.SetModificationDate(at)
	cjkfont.Add(pdf)
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 18)
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(cjkfont.Name, "", 8)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s    第 %d 页 共 {nb} 页", ev.Main.Division.Name, pdf.PageNo()), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AliasNbPages("{nb}")
	pdf.AddPage()
	pdf.SetFont(cjkfont.Name, "", 16)
	lines(pdf, 8, title, "C")
	pdf.SetFont(cjkfont.Name, "", 9)
	pdf.CellFormat(0, 6, i18n.T(lang, "indicator.eval.generated", at.In(calendar.China).Format("2006-01-02 15:04"), ev.Year), "", 1, "C", false, 0, "")
	if !ev.Frozen {
		pdf.SetTextColor(200, 0, 0)
		lines(pdf, 6, i18n.T(lang, "indicator.eval.none_frozen", ev.Year), "L")
		pdf.SetTextColor(0, 0, 0)
	}
	pdf.Ln(2)
	// The table.
	widths := []float64{70, 22, 22, 22, 22, 22}
	head := []string{i18n.T(lang, "indicator.name"), i18n.T(lang, "indicator.eval.baseline"), i18n.T(lang, "indicator.eval.target"),
		i18n.T(lang, "indicator.eval.value"), i18n.T(lang, "indicator.eval.result"), i18n.T(lang, "indicator.unit")}
	pdf.SetFont(cjkfont.Name, "", 8.5)
	pdf.SetFillColor(230, 236, 245)
	for i, h := range head {
		pdf.CellFormat(widths[i], 7, h, "1", 0, "C", true, 0, "")
	}
	pdf.Ln(-1)
	for _, l := range ev.Main.Lines {
		name := defName(lang, l.Def)
		if pdf.GetStringWidth(name) > widths[0]-2 {
			for pdf.GetStringWidth(name+"…") > widths[0]-2 {
				r := []rune(name)
				name = string(r[:len(r)-1])
			}
			name += "…"
		}
		cells := []string{name, fmtOpt(l.Baseline), num(l.Target), fmtOpt(l.Value), metText(lang, l), unitLabel(lang, l.Def.Unit)}
		for i, c := range cells {
			align := "R"
			if i == 0 || i == 4 {
				align = "L"
			}
			pdf.CellFormat(widths[i], 6, c, "1", 0, align, false, 0, "")
		}
		pdf.Ln(-1)
	}
	pdf.Ln(2)
	pdf.SetFont(cjkfont.Name, "", 10)
	pdf.CellFormat(0, 7, i18n.T(lang, "indicator.eval.met_count", ev.Main.Met, len(ev.Main.Lines)), "", 1, "L", false, 0, "")

	// Value against target, each indicator.
	pdf.AddPage()
	heading(pdf, i18n.T(lang, "indicator.eval.chart_indicators"))
	for _, l := range ev.Main.Lines {
		bars(pdf, defName(lang, l.Def), []string{ev.Main.Division.Name}, []*float64{l.Value}, l.Target)
	}
	// Each indicator across the counties.
	if len(ev.Counties) > 0 {
		pdf.AddPage()
		heading(pdf, i18n.T(lang, "indicator.eval.chart_counties"))
		for i, l := range ev.Main.Lines {
			names := make([]string, len(ev.Counties))
			vals := make([]*float64, len(ev.Counties))
			for j, c := range ev.Counties {
				names[j], vals[j] = c.Division.Name, c.Lines[i].Value
			}
			bars(pdf, defName(lang, l.Def), names, vals, l.Target)
		}
	}
	// The task ledger.
	pdf.AddPage()
	heading(pdf, i18n.T(lang, "indicator.eval.tasks"))
	pdf.SetFont(cjkfont.Name, "", 9)
	switch {
	case !ev.Connected:
		lines(pdf, 6, i18n.T(lang, "indicator.eval.tasks_not_connected"), "L")
	case len(ev.Tasks) == 0:
		lines(pdf, 6, i18n.T(lang, "indicator.eval.tasks_none"), "L")
	default:
		for _, t := range ev.Tasks {
			pdf.CellFormat(0, 6, i18n.T(lang, "indicator.eval.task_line", t.Name, t.Done, t.Total), "", 1, "L", false, 0, "")
		}
	}
	if err := pdf.Output(w); err != nil {
		return errs.Internal("indicator.WritePDF: Output", err)
	}
	return nil
}

// lines writes s across the page's width, wrapped by character (fpdf's
// MultiCell drops the character at a break in CJK text).
func lines(pdf *fpdf.Fpdf, h float64, s, align string) {
	pageW, _ := pdf.GetPageSize()
	left, _, right, _ := pdf.GetMargins()
	width := pageW - left - right - 2
	var line []rune
	for _, r := range s {
		if len(line) > 0 && pdf.GetStringWidth(string(append(line, r))) > width {
			pdf.CellFormat(0, h, string(line), "", 1, align, false, 0, "")
			line = line[:0]
		}
		line = append(line, r)
	}
	pdf.CellFormat(0, h, string(line), "", 1, align, false, 0, "")
}

func heading(pdf *fpdf.Fpdf, s string) {
	pdf.SetFont(cjkfont.Name, "", 13)
	pdf.CellFormat(0, 9, s, "", 1, "L", false, 0, "")
}

// bars draws a horizontal bar chart: one bar per label, scaled to the
// largest of the values and the target, the target a red line.
func bars(pdf *fpdf.Fpdf, title string, labels []string, vals []*float64, target float64) {
	const barH, labelW, chartW = 4.5, 40.0, 120.0
	h := 7 + barH*float64(len(labels)) + 3
	_, pageH := pdf.GetPageSize()
	if pdf.GetY()+h > pageH-20 {
		pdf.AddPage()
	}
	pdf.SetFont(cjkfont.Name, "", 9)
	pdf.CellFormat(0, 6, title, "", 1, "L", false, 0, "")
	top := pdf.GetY()
	left, _, _, _ := pdf.GetMargins()
	scale := target
	for _, v := range vals {
		if v != nil && *v > scale {
			scale = *v
		}
	}
	if scale <= 0 {
		scale = 1
	}
	x0 := left + labelW
	pdf.SetFont(cjkfont.Name, "", 7.5)
	for i, lab := range labels {
		y := top + barH*float64(i)
		pdf.SetXY(left, y)
		pdf.CellFormat(labelW-2, barH, lab, "", 0, "R", false, 0, "")
		if v := vals[i]; v != nil {
			pdf.SetFillColor(66, 114, 196)
			pdf.Rect(x0, y+0.6, chartW*max(*v, 0)/scale, barH-1.2, "F")
			pdf.SetXY(x0+chartW*max(*v, 0)/scale+1, y)
			pdf.CellFormat(20, barH, num(*v), "", 0, "L", false, 0, "")
		} else {
			pdf.SetXY(x0+1, y)
			pdf.CellFormat(20, barH, "—", "", 0, "L", false, 0, "")
		}
	}
	tx := x0 + chartW*target/scale
	pdf.SetDrawColor(200, 30, 30)
	pdf.SetLineWidth(0.5)
	pdf.Line(tx, top-0.5, tx, top+barH*float64(len(labels))+0.5)
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.2)
	pdf.SetXY(tx-10, top+barH*float64(len(labels)))
	pdf.SetTextColor(200, 30, 30)
	pdf.CellFormat(20, 3.5, "目标 "+num(target), "", 0, "C", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetXY(left, top+barH*float64(len(labels))+4)
}

// evalSpec is the evaluation workbook's sheet.
var evalSpec = &xlsx.Spec{SheetZh: "评估", SheetEn: "Evaluation", Columns: []xlsx.Column{
	{Key: "division", Zh: "区划", En: "Division"}, {Key: "indicator", Zh: "指标代码", En: "Indicator code"},
	{Key: "name", Zh: "指标", En: "Indicator"}, {Key: "unit", Zh: "单位", En: "Unit"},
	{Key: "baseline", Zh: "基期值", En: "Baseline"}, {Key: "target", Zh: "目标值", En: "Target"},
	{Key: "value", Zh: "年末值", En: "Year-end value"}, {Key: "result", Zh: "评估结果", En: "Result"},
	{Key: "obtained", Zh: "取值方式", En: "How obtained"},
}}

// WriteXLSX writes the evaluation as a workbook: one row per indicator at
// the division, then at each county.
func WriteXLSX(w io.Writer, lang string, ev *Evaluation) error {
	return evalSpec.Export(w, lang, func(x *xlsx.Exporter) error {
		for _, dv := range append([]EvalDivision{ev.Main}, ev.Counties...) {
			for _, l := range dv.Lines {
				var base, val any
				if l.Baseline != nil {
					base = *l.Baseline
				}
				if l.Value != nil {
					val = round(*l.Value)
				}
				how := ""
				if l.Obtained != "" {
					how = i18n.T(lang, "indicator.eval.obtained."+l.Obtained)
				}
				if err := x.Write(dv.Division.Name, l.Code, defName(lang, l.Def), unitLabel(lang, l.Def.Unit), base, l.Target, val, metText(lang, l), how); err != nil {
					return err
				}
			}
		}
		return nil
	}, nil)
}

func round(v float64) float64 { return math.Round(v*100) / 100 }
