package indicator

import (
	"embed"
	"encoding/json"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing/fstest"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html templates/_print.tmpl
var templateFiles embed.FS

// templates are the pages, each with the shared partials of _print.tmpl
// appended (the renderer parses every page file on its own).
var templates = func() fs.FS {
	partials, err := templateFiles.ReadFile("templates/_print.tmpl")
	if err != nil {
		panic(err)
	}
	pages, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := fstest.MapFS{}
	for _, p := range pages {
		b, err := templateFiles.ReadFile(p)
		if err != nil {
			panic(err)
		}
		out[p] = &fstest.MapFile{Data: append(append(b, '\n'), partials...), Mode: 0o444}
	}
	return out
}()

// Web holds the dashboard's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the dashboard pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "indicator", templates, web.NavItem{Key: "indicator.nav", Path: "/indicators", Roles: ReadRoles, Order: 20, Group: web.NavOverview})}
	srv.Page("GET /indicators", h.root)
	// Every dashboard page reads the plan period of its ?period= (default
	// the current one).
	p := func(f func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
		return func(w http.ResponseWriter, r *http.Request) error { return f(w, periodFromQuery(r)) }
	}
	srv.Page("GET /indicators/{code}", p(h.dashboard))
	srv.Page("GET /indicators/{code}/export.xlsx", p(h.exportTable))
	srv.Page("GET /indicators/{code}/{indicator}", p(h.drill))
	srv.Page("GET /indicators/{code}/{indicator}/export.xlsx", p(h.exportDrill))
	srv.Page("GET /indicators/{code}/{indicator}/missing", p(h.missing))
	srv.Page("POST /indicators/{code}/{indicator}/target", h.setTarget)
	h.registerPlanWeb(srv)
}

// root opens the dashboard at the top of the caller's area.
func (h *Web) root(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), ReadRoles...)
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/indicators/"+p.Area.Code, http.StatusSeeOther)
	return nil
}

// num shows a figure with at most two decimals, its digits grouped
// (2,299,396.82).
func num(v float64) string { return web.Decimal(v, 2) }

// plain is a figure with at most two decimals and no grouping, for a form's
// value or a chart's data attribute.
func plain(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func optNum(v *float64) string {
	if v == nil {
		return "—"
	}
	return num(*v)
}

// unitLabel is an indicator's unit in lang.
func unitLabel(lang, unit string) string {
	return i18n.T(lang, "indicator.unit."+strings.ReplaceAll(unit, " ", "_"))
}

// sourceLabel names the part of the plan an indicator comes from.
func sourceLabel(lang, src string) string {
	if src == "主要指标" {
		return i18n.T(lang, "indicator.source_main")
	}
	if n, ok := strings.CutPrefix(src, "专栏"); ok {
		return i18n.T(lang, "indicator.source_box", n)
	}
	if lang == i18n.ZH {
		return i18n.T(lang, "indicator.source_part", src)
	}
	// 四(三)3 → 4(3)3 for English readers.
	digits := strings.NewReplacer("一", "1", "二", "2", "三", "3", "四", "4", "五", "5", "六", "6", "七", "7", "八", "8", "九", "9", "十", "10")
	return i18n.T(lang, "indicator.source_part", digits.Replace(src))
}

// FigView is a figure ready to show.
type FigView struct {
	Code                                               string
	Name                                               string
	Unit                                               string
	Value, Num, Den, Baseline, YearTarget, Target, Gap string
	Status, StatusText, Awaiting, Period               string
	HasList                                            bool
	Raw                                                Figure
}

func (h *Web) figView(lang string, f Figure) FigView {
	d := h.S.defOf(f)
	v := FigView{Code: d.Code, Name: d.NameZh, Unit: unitLabel(lang, d.Unit), Value: optNum(f.Value), Num: num(f.Numerator), Den: num(f.Denominator),
		Baseline: optNum(f.Baseline), YearTarget: num(f.YearTarget), Target: num(f.Target), Gap: optNum(shownGap(f.Gap)), Status: f.Status,
		StatusText: i18n.T(lang, "indicator.status."+f.Status), Period: f.Period, HasList: d.ListLevel() > 0, Raw: f}
	if lang != i18n.ZH {
		v.Name = d.NameEn
	}
	if f.Awaiting != "" {
		v.Awaiting = i18n.T(lang, "indicator.awaiting."+f.Awaiting)
	}
	if f.Status == Awaiting || f.Status == NoData {
		v.Num, v.Den = "—", "—"
	}
	return v
}

// shownGap is the gap a page or an export shows: what is still to close,
// never below zero (a met indicator's gap is 0, not how far it overshoots).
func shownGap(g *float64) *float64 {
	if g == nil || *g >= 0 {
		return g
	}
	z := 0.0
	return &z
}

// printable pages render without navigation when ?print=1.
type printable struct{ Print bool }

// Fragment picks the print layout.
func (p printable) Fragment() string {
	if p.Print {
		return "print"
	}
	return ""
}

func isPrint(r *http.Request) bool { return r.URL.Query().Get("print") == "1" }

type group struct {
	Label string
	Rows  []FigView
}

type childSummary struct {
	Division division.Division
	Counts   map[string]int
}

type dashData struct {
	printable
	Table     *Table
	Year      int
	Groups    []group
	PlanOrder bool
	Children  []childSummary
	Statuses  []string
	Summary   *summary
	Plans     []*Plan
	// PeriodQuery keeps a period other than the current one on the links
	// to the drill-downs.
	PeriodQuery string
}

func (h *Web) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := h.S.Table(ctx, r.PathValue("code"), true)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	d := &dashData{printable: printable{isPrint(r)}, Table: t, Year: h.S.Engine.Year(), PlanOrder: r.URL.Query().Get("order") == "plan",
		Statuses: []string{Met, OnTrack, AtRisk, NoData, Awaiting}}
	idx := map[string]int{}
	for _, f := range t.Figures {
		def := h.S.defOf(f)
		key := def.Source
		if d.PlanOrder {
			key = ""
		}
		i, ok := idx[key]
		if !ok {
			i = len(d.Groups)
			idx[key] = i
			label := ""
			if key != "" {
				label = sourceLabel(lang, key)
			}
			d.Groups = append(d.Groups, group{Label: label})
		}
		d.Groups[i].Rows = append(d.Groups[i].Rows, h.figView(lang, f))
	}
	for _, c := range t.Children {
		cs := childSummary{Division: c.Division, Counts: map[string]int{}}
		for _, f := range c.Figures {
			cs.Counts[f.Status]++
		}
		d.Children = append(d.Children, cs)
	}
	d.Summary = h.summary(r, lang, t)
	if d.Plans, err = h.S.Plans(ctx); err != nil {
		return err
	}
	if t.Period != current(d.Plans, h.S.Engine.Year()).Code {
		d.PeriodQuery = "?period=" + t.Period
	}
	h.Srv.Render.Render(w, http.StatusOK, "indicator/dashboard", h.Srv.NewPage(r, t.Division.Name, d))
	return nil
}

type rowView struct {
	Division division.Division
	Fig      FigView
}

type drillData struct {
	printable
	Drill     *Drill
	Ancestors []division.Division
	Fig       FigView
	Rows      []rowView
	Sort      string
	Sorts     []string
	ListLevel string
	ChartBar  chartData
	ChartLine chartData
	CanTarget bool
	Year      int
	Form      map[string]string
	Errors    map[string]string
	Summary   []string
}

type chartData struct {
	Labels, Values string // JSON arrays
	Target         string
	Unit           string
	Empty          bool
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (h *Web) drillData(r *http.Request) (*drillData, error) {
	ctx := r.Context()
	code, ind := r.PathValue("code"), r.PathValue("indicator")
	dr, err := h.S.Drilldown(ctx, ind, code, true)
	if err != nil {
		return nil, err
	}
	sortBy := r.URL.Query().Get("sort")
	if sortBy == "" {
		sortBy = "gap"
	}
	if err := SortRows(dr.Children, sortBy); err != nil {
		return nil, err
	}
	anc, err := h.S.Divisions.Store.Ancestors(ctx, &dr.Division)
	if err != nil {
		return nil, err
	}
	pts, err := h.S.Trend(ctx, ind, code)
	if err != nil {
		return nil, err
	}
	lang := i18n.From(ctx)
	d := &drillData{printable: printable{isPrint(r)}, Drill: dr, Ancestors: anc, Fig: h.figView(lang, dr.Figure), Sort: sortBy, Sorts: Sorts,
		Year: h.S.Engine.Year(), Errors: map[string]string{}}
	if lvl := dr.Def.ListLevel(); lvl > dr.Division.Level {
		d.ListLevel = division.LevelNames[lvl]
	}
	var labels []string
	var values []*float64
	for _, c := range dr.Children {
		d.Rows = append(d.Rows, rowView{Division: c.Division, Fig: h.figView(lang, c.Figure)})
		labels = append(labels, c.Division.Name)
		values = append(values, round2(c.Figure.Value))
	}
	d.ChartBar = chartData{Labels: jsonString(labels), Values: jsonString(values), Target: plain(dr.Figure.YearTarget), Unit: d.Fig.Unit, Empty: len(labels) == 0}
	var months []string
	var tv []*float64
	for _, p := range pts {
		months = append(months, p.Month)
		tv = append(tv, round2(p.Value))
	}
	d.ChartLine = chartData{Labels: jsonString(months), Values: jsonString(tv), Target: plain(dr.Figure.Target), Unit: d.Fig.Unit, Empty: len(months) == 0}
	_, terr := auth.Require(ctx, TargetRoles...)
	d.CanTarget = terr == nil
	d.Form = map[string]string{"year": strconv.Itoa(d.Year), "value": plain(dr.Figure.YearTarget)}
	return d, nil
}

func round2(v *float64) *float64 {
	if v == nil {
		return nil
	}
	x := math.Round(*v*100) / 100
	return &x
}

func (h *Web) drill(w http.ResponseWriter, r *http.Request) error {
	d, err := h.drillData(r)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "indicator/drill", h.Srv.NewPage(r, d.Fig.Name, d))
	return nil
}

// setTarget saves the target form; a bad value is shown beside its field.
func (h *Web) setTarget(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code, ind := r.PathValue("code"), r.PathValue("indicator")
	yearS, valueS := strings.TrimSpace(r.PostFormValue("year")), strings.TrimSpace(r.PostFormValue("value"))
	var bad errs.Fields
	year, yerr := strconv.Atoi(yearS)
	if yerr != nil {
		bad.Add("year", "error.not_integer")
	}
	value, verr := strconv.ParseFloat(strings.ReplaceAll(valueS, ",", ""), 64)
	if verr != nil {
		bad.Add("value", "error.not_number")
	}
	err := bad.Err()
	if err == nil {
		err = h.S.SetTarget(ctx, ind, code, year, value)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "indicator.target_saved", "/indicators/"+code+"/"+ind)
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	d, derr := h.drillData(r)
	if derr != nil {
		return derr
	}
	lang := i18n.From(ctx)
	d.Form = map[string]string{"year": yearS, "value": valueS}
	e := errs.As(err)
	d.Summary = append(d.Summary, i18n.ErrorMessage(lang, e))
	for _, fe := range e.Fields {
		d.Errors[fe.Field] = i18n.T(lang, fe.Key, append([]any(nil), fe.Args...)...)
		d.Summary = append(d.Summary, i18n.FieldMessage(lang, fe))
	}
	h.Srv.Render.Render(w, errs.Status(err), "indicator/drill", h.Srv.NewPage(r, d.Fig.Name, d))
	return nil
}

type missingData struct {
	printable
	List  *MissingList
	Fig   FigView
	Query url.Values
}

func (h *Web) missing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	page := web.PageParam(r.URL.Query())
	m, err := h.S.Missing(ctx, r.PathValue("indicator"), r.PathValue("code"), page, 50)
	if err != nil {
		return err
	}
	dr, err := h.S.Drilldown(ctx, m.Def.Code, m.Division.Code, false)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	d := &missingData{printable: printable{isPrint(r)}, List: m, Fig: h.figView(lang, dr.Figure)}
	h.Srv.Render.Render(w, http.StatusOK, "indicator/missing", h.Srv.NewPage(r, "indicator.missing_title."+m.Level, d))
	return nil
}
