package indicator_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/indicator"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// planCSV is a 2026–2030 plan: two indicators over measures the
// registries keep.
const planCSV = "ind_code,ind_name_zh,ind_name_en,ind_source,ind_baseline,ind_target,ind_attribute,ind_direction,ind_unit,ind_numerator,ind_denominator,ind_factor,ind_period_kind\n" +
	"village_5g_rate,行政村5G通达率,Village 5G rate,主要指标,80,98,预期性,at_least,percent,division.rural_5g,division.rural_communities,100,\n" +
	"elderly_visits,老年人月探访率,Elderly visited monthly,专栏3,,95,binding,不低于,%,care.elderly_visited,care.elderly_due,100,month\n"

func next(context.Context) indicator.PeriodInput {
	return indicator.PeriodInput{BaseYear: 2025, EndYear: 2030, NameZh: "“十五五”规划", NameEn: "15th five-year plan"}
}

// The shipped 2021–2025 plan is stored as data with the formulas the Go
// map had, every measure it names is one a registry keeps, and it is the
// current period until a later one is loaded.
func TestPlanPeriodsShipped(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Indicators
	ps, err := s.Plans(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || ps[0].Code != indicator.ShippedCode || len(ps[0].Defs) != 23 {
		t.Fatalf("periods %+v, want the shipped 2021-2025 with 23 indicators", ps)
	}
	for i, d := range ps[0].Defs {
		want := s.Engine.Defs[i]
		if d.Code != want.Code || !slices.Equal(d.Formula.Num, want.Formula.Num) || !slices.Equal(d.Formula.Den, want.Formula.Den) ||
			d.Formula.Factor != want.Formula.Factor || d.Formula.Period != want.Formula.Period || d.Target != want.Target || d.Direction != want.Direction {
			t.Errorf("stored %s differs from the plan file: %+v vs %+v", d.Code, d, want)
		}
		if bad := d.Formula.Unknown(s.Engine.Known); len(bad) > 0 {
			t.Errorf("%s names unknown measures %v", d.Code, bad)
		}
	}
	if p, _ := s.Plan(e.Ctx, ""); p.Code != indicator.ShippedCode {
		t.Errorf("current period %s", p.Code)
	}
}

// A new period is all or nothing: an unknown measure, a target out of
// range, a bad direction and a duplicate code are each named by row and
// field, in the user's language, and nothing is saved; the good file
// loads and becomes the current period, the dashboard still reading
// 2021–2025 when asked.
func TestPlanImport(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Indicators
	city := auth.With(e.Ctx, &auth.Principal{Name: "c", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	county := auth.With(e.Ctx, &auth.Principal{Name: "k", Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, 3)})
	if _, err := s.ImportPlan(county, next(county), strings.NewReader(planCSV)); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("county staff loading a plan: %v", err)
	}
	bad := planCSV +
		"no_such,未知,Unknown,主要指标,1,2,预期性,at_least,percent,division.nothing_here,division.rural_communities,100,\n" +
		"too_high,过高,Too high,主要指标,1,120,预期性,at_least,percent,division.rural_5g,division.rural_communities,100,\n" +
		"sideways,方向,Direction,主要指标,1,2,预期性,sideways,percent,division.rural_5g,division.rural_communities,100,\n" +
		"village_5g_rate,重复,Duplicate,主要指标,1,2,预期性,at_least,percent,division.rural_5g,division.rural_communities,100,\n"
	_, err := s.ImportPlan(i18n.With(city, i18n.EN), next(city), strings.NewReader(bad))
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad file: %v", err)
	}
	got := map[string]int{}
	for _, f := range errs.As(err).Fields {
		got[f.Field] = f.Row
	}
	want := map[string]int{"ind_numerator": 4, "ind_target": 5, "ind_direction": 6, "ind_code": 7}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("error on %s at row %d, want row %d (all: %v)", k, got[k], v, got)
		}
	}
	if ps, _ := s.Plans(city); len(ps) != 1 {
		t.Fatalf("a refused file saved a period: %d periods", len(ps))
	}
	p, err := s.ImportPlan(city, next(city), strings.NewReader(planCSV))
	if err != nil {
		t.Fatal(err)
	}
	if p.Code != "2026-2030" || len(p.Defs) != 2 || p.Defs[1].Attribute != "约束性" || p.Defs[1].Unit != "percent" || p.Defs[1].Formula.Period != "month" {
		t.Fatalf("loaded %+v", p)
	}
	if _, err := s.ImportPlan(city, next(city), strings.NewReader(planCSV)); errs.Code(err) != errs.EINVALID {
		t.Errorf("loading the same years twice: %v", err)
	}
	cur, _ := s.Plan(city, "")
	if cur.Code != "2026-2030" {
		t.Errorf("current period %s, want 2026-2030", cur.Code)
	}
	now, err := s.Table(city, apptest.City, false)
	if err != nil || now.Period != "2026-2030" || len(now.Figures) != 2 {
		t.Fatalf("dashboard of the current period: %v %+v", err, now)
	}
	old, err := s.Table(indicator.WithPeriod(city, indicator.ShippedCode), apptest.City, false)
	if err != nil || old.Period != indicator.ShippedCode || len(old.Figures) != 23 {
		t.Fatalf("dashboard of 2021-2025: %v", err)
	}
	// The template lists every column.
	var buf bytes.Buffer
	if err := indicator.WriteTemplate(&buf, i18n.ZH); err != nil || buf.Len() == 0 {
		t.Fatal(err)
	}
}

// Freezing 2025 takes December 2025's snapshot where there is one and
// computes the rest now, saying which; a second freeze keeps every value,
// and when the registries change the frozen values and the evaluation do
// not. County staff see their own county's evaluation only.
func TestFreezeAndEvaluate(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Indicators
	city := auth.With(e.Ctx, &auth.Principal{Name: "c", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	county := auth.With(e.Ctx, &auth.Principal{Name: "k", Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, 3)})
	if _, err := s.Freeze(county, indicator.ShippedCode, 2025); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("county staff freezing: %v", err)
	}
	if _, err := s.Freeze(city, indicator.ShippedCode, 2031); errs.Code(err) != errs.EINVALID {
		t.Fatalf("freezing a year outside the period: %v", err)
	}
	// December 2025: 3 of 4 villages had 5G in the city.
	five := indicator.Figure{Indicator: "village_5g_rate", Numerator: 3, Denominator: 4}
	if _, err := s.SaveSnapshots(city, "2025-12", map[string][]indicator.Figure{apptest.City: {five}}); err != nil {
		t.Fatal(err)
	}
	res, err := s.Freeze(city, indicator.ShippedCode, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if res.FromSnapshot != 1 || res.Computed == 0 || res.Kept != 0 {
		t.Fatalf("freeze: %+v", res)
	}
	ev, err := s.Evaluate(city, indicator.ShippedCode, 0, apptest.City)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.Final || ev.Year != 2025 || !ev.Frozen || len(ev.Counties) == 0 || !ev.Connected || len(ev.Tasks) != 0 {
		t.Fatalf("evaluation: final %v year %d frozen %v counties %d connected %v", ev.Final, ev.Year, ev.Frozen, len(ev.Counties), ev.Connected)
	}
	lines := map[string]indicator.EvalLine{}
	for _, l := range ev.Main.Lines {
		lines[l.Code] = l
	}
	if l := lines["village_5g_rate"]; l.Value == nil || *l.Value != 75 || l.Obtained != indicator.FromSnapshot || l.Met == nil || *l.Met || l.Target != 80 {
		t.Errorf("village 5G: %+v (want 75 from the snapshot, not met against 80)", l)
	}
	bb := lines["village_broadband_rate"]
	if bb.Obtained != indicator.Computed || bb.Value == nil {
		t.Fatalf("village broadband: %+v", bb)
	}
	before := *bb.Value
	// The registries change: every village gets broadband.
	on := true
	for _, c := range []string{apptest.RuralCommunity, apptest.FarCommunity, "131103100202", "131103102201", "131103102202"} {
		if _, err := e.App.Divisions.UpdateProfile(e.Ctx, c, division.ProfilePatch{Broadband: &on}); err != nil {
			t.Fatal(err)
		}
	}
	again, err := s.Freeze(city, indicator.ShippedCode, 2025)
	if err != nil || again.Computed != 0 || again.FromSnapshot != 0 || again.Kept != res.Computed+res.FromSnapshot {
		t.Fatalf("second freeze: %v %+v", err, again)
	}
	ev2, _ := s.Evaluate(city, indicator.ShippedCode, 2025, apptest.City)
	for _, l := range ev2.Main.Lines {
		if l.Code == "village_broadband_rate" && (l.Value == nil || *l.Value != before) {
			t.Errorf("frozen broadband value changed with the registries: %v, was %v", l.Value, before)
		}
	}
	now, _ := s.Drilldown(city, "village_broadband_rate", apptest.City, false)
	if now.Figure.Value == nil || *now.Figure.Value == before {
		t.Errorf("the live value should have changed (fixture): %v", now.Figure.Value)
	}
	// Mid-term: 2023, nothing frozen.
	mid, err := s.Evaluate(city, indicator.ShippedCode, 2023, apptest.City)
	if err != nil || mid.Final || mid.Frozen {
		t.Errorf("mid-term 2023: %v %+v", err, mid)
	}
	// County staff: their own county, not the city nor a sibling.
	if _, err := s.Evaluate(county, indicator.ShippedCode, 0, apptest.County); err != nil {
		t.Errorf("county staff, own county: %v", err)
	}
	for _, c := range []string{apptest.City, apptest.SiblingCounty} {
		if _, err := s.Evaluate(county, indicator.ShippedCode, 0, c); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("county staff evaluating %s: %v", c, err)
		}
	}
	if _, err := s.Evaluate(city, indicator.ShippedCode, 0, apptest.Township); errs.Code(err) != errs.EINVALID {
		t.Errorf("evaluating a township: %v", err)
	}
	// The report.
	var pdf bytes.Buffer
	if err := indicator.WritePDF(&pdf, ev, e.App.Indicators.Engine.Now()); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF")) {
		t.Fatalf("pdf: %v", err)
	}
	var x bytes.Buffer
	if err := indicator.WriteXLSX(&x, i18n.ZH, ev); err != nil || x.Len() == 0 {
		t.Fatalf("xlsx: %v", err)
	}
}
