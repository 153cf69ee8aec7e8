package stats_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/request"
	"shequ/internal/request/requesttest"
	"shequ/internal/request/stats"
)

func statsApprox(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: nil, want %.4f", what, want)
		return
	}
	if math.Abs(*got-want) > 1e-6 {
		t.Errorf("%s: %.6f, want %.6f", what, *got, want)
	}
}

func statsRow(t *testing.T, rows []stats.StatsRow, code string, unit int64) stats.StatsRow {
	t.Helper()
	for _, r := range rows {
		if (code != "" && r.Code == code) || (unit != 0 && r.UnitID == unit) {
			return r
		}
	}
	t.Fatalf("no row %s %d in %+v", code, unit, rows)
	return stats.StatsRow{}
}

// TestStatsTrendKeepsAYear: the trend shows every month of the last year
// that has requests. The measures job kept only this month and the last,
// so a month six months back read empty ([null ×10, 68.3, 100] in the demo)
// while choosing it in the month picker showed its rates. The month asked
// for is live.
func TestStatsTrendKeepsAYear(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := requesttest.NewFixture(t, e, "year")
	u := f.Unit("单位一", apptest.County)
	f.Add(requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), RespondAfter: time.Hour,
		ResolveAfter: time.Hour, Satisfaction: request.Satisfied, Unit: u, First: u})
	f.Add(requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 8, 10, 2, 0, 0, 0, time.UTC), RespondAfter: time.Hour,
		ResolveAfter: time.Hour, Satisfaction: request.Satisfied, Unit: u, First: u})
	s := stats.NewService(e.App.DB)
	ts := requesttest.As(t, e, auth.TownshipStaff, apptest.Township)
	trendOf := func(month string) map[string]int64 {
		t.Helper()
		st, err := s.Rates(ts, "", "2026-09", true)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, r := range st.Trend {
			out[r.Month] = r.Total
		}
		return out
	}
	// Before any run of the job, the month asked for is counted live: a
	// request made a minute ago shows in the chart, as in the table.
	f.Add(requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 9, 14, 2, 0, 0, 0, time.UTC), Unit: u, First: u})
	f.Rebuild()
	if tr := trendOf("2026-09"); tr["2026-09"] != 1 || tr["2026-08"] != 0 {
		t.Fatalf("before the job ran: %v", tr)
	}
	// A run at 10:00 on 15 September keeps August, September and, in turn,
	// July; March's turn comes at minute 4.
	s.Now = func() time.Time { return time.Date(2026, 9, 15, 2, 0, 0, 0, time.UTC) }
	if _, err := s.SyncMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if tr := trendOf("2026-09"); tr["2026-08"] != 1 || tr["2026-03"] != 0 {
		t.Fatalf("after the first run: %v", tr)
	}
	s.Now = func() time.Time { return time.Date(2026, 9, 15, 2, 4, 0, 0, time.UTC) }
	if _, err := s.SyncMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if tr := trendOf("2026-09"); tr["2026-03"] != 1 || tr["2026-08"] != 1 {
		t.Fatalf("after March's turn: %v", tr)
	}
	// After a bulk load every month at once.
	f.Add(requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC), RespondAfter: time.Hour,
		ResolveAfter: time.Hour, Satisfaction: request.Satisfied, Unit: u, First: u})
	f.Rebuild()
	if _, err := s.SyncAllMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if tr := trendOf("2026-09"); tr["2026-03"] != 1 || tr["2026-05"] != 1 || tr["2026-08"] != 1 || len(tr) != 12 {
		t.Fatalf("after syncing every month: %v", tr)
	}
}

// TestStatsHandCount checks the 三率 of March 2026 against figures
// counted by hand (in the comments), at community, township, county and
// city level and by handling unit, with the China-time month boundary, an
// excluded request and a request not yet due resolution.
func TestStatsHandCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := requesttest.NewFixture(t, e, "hand")
	u1, u2 := f.Unit("单位一", apptest.County), f.Unit("单位二", apptest.County)
	h := time.Hour
	mar := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	f.Add(
		// Community: A1 on time, satisfied; A2 late, basically; A3 never
		// answered, deadlines past; A4 excluded on appeal; A5 arrived
		// 00:30 on 1 March China time, responded, resolution not due.
		requesttest.Req{Code: apptest.Community, Created: mar, RespondAfter: h, ResolveAfter: 48 * h, Satisfaction: request.Satisfied, Unit: u1, First: u1},
		requesttest.Req{Code: apptest.Community, Created: mar, RespondAfter: 30 * h, ResolveAfter: 8 * 24 * h, Satisfaction: request.BasicallySatisfied, Unit: u1, First: u1},
		requesttest.Req{Code: apptest.Community, Created: mar, Unit: u2},
		requesttest.Req{Code: apptest.Community, Created: mar, RespondAfter: h, ResolveAfter: h, Satisfaction: request.Satisfied, Unit: u1, First: u1, Excluded: true},
		requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC), RespondAfter: h, ResolutionDue: 51 * 24 * h},
		// 01:00 on 1 April China time: April's, not March's.
		requesttest.Req{Code: apptest.Community, Created: time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC), RespondAfter: h, ResolveAfter: h, Satisfaction: request.Satisfied, Unit: u1, First: u1},
		requesttest.Req{Code: apptest.SiblingCommunity, Created: mar, RespondAfter: h, ResolveAfter: h, Satisfaction: request.NotSatisfied, Unit: u2, First: u2},
		requesttest.Req{Code: apptest.CousinCommunity, Created: mar, RespondAfter: h, ResolveAfter: h, Satisfaction: request.BasicallySatisfied, Unit: u1, First: u1},
		requesttest.Req{Code: apptest.FarCommunity, Created: mar, RespondAfter: h, ResolveAfter: h, Satisfaction: request.Satisfied, Unit: u2, First: u2},
	)
	s := stats.NewService(e.App.DB)
	s.Now = func() time.Time { return time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC) }
	s.MinRankSample = 1 // this fixture's rows have a handful of requests each

	ts := requesttest.As(t, e, auth.TownshipStaff, apptest.Township)
	st, err := s.Rates(ts, "", "2026-03", false)
	if err != nil {
		t.Fatal(err)
	}
	a := statsRow(t, st.Children, apptest.Community, 0)
	// Community: 4 requests; response 2/4; resolution 1/3 (A5 not due);
	// satisfaction (1 + 0.9)/2; composite (10×50 + 50×33.33 + 40×95)/100.
	if a.Total != 4 || a.DueResponse != 4 || a.RespondedOnTime != 2 || a.DueResolution != 3 || a.ResolvedOnTime != 1 || a.ValidCallbacks != 2 {
		t.Errorf("community counts %+v", a.StatsCounts)
	}
	statsApprox(t, "community response", a.ResponseRate, 50)
	statsApprox(t, "community resolution", a.ResolutionRate, 100.0/3)
	statsApprox(t, "community satisfaction", a.SatisfactionRate, 95)
	statsApprox(t, "community composite", a.Composite, 5+50.0/3+38)
	b := statsRow(t, st.Children, apptest.SiblingCommunity, 0)
	statsApprox(t, "sibling satisfaction", b.SatisfactionRate, 0)
	statsApprox(t, "sibling composite", b.Composite, 60)
	if b.Rank != 1 || a.Rank != 2 {
		t.Errorf("ranks: sibling %d, community %d", b.Rank, a.Rank)
	}
	// Township: 5 requests; response 3/5; resolution 2/4; satisfaction
	// 1.9/3; composite 6 + 25 + 25.33.
	d := st.Division
	if d.Total != 5 {
		t.Errorf("township total %d", d.Total)
	}
	statsApprox(t, "township response", d.ResponseRate, 60)
	statsApprox(t, "township resolution", d.ResolutionRate, 50)
	statsApprox(t, "township satisfaction", d.SatisfactionRate, 190.0/3)
	statsApprox(t, "township composite", d.Composite, 6+25+40*1.9/3)
	// Units (first receiver, else the holder): U1 has A1, A2; U2 has A3
	// (holder only) and B1. A5 was not dispatched.
	r1, r2 := statsRow(t, st.Units, "", u1), statsRow(t, st.Units, "", u2)
	if len(st.Units) != 2 || r1.Total != 2 || r2.Total != 2 {
		t.Errorf("units %+v", st.Units)
	}
	statsApprox(t, "unit 1 composite", r1.Composite, 5+25+38)
	statsApprox(t, "unit 2 composite", r2.Composite, 5+25)
	if r1.Rank != 1 || r2.Rank != 2 || st.Units[0].UnitID != u1 || r1.Name != "单位一" {
		t.Errorf("unit ranking %+v", st.Units)
	}
	// With a minimum sample of 2, the sibling community (one request, a
	// composite of 60) is not ranked and sorts after the community ranked
	// first with its 4; by default (10) nothing in this fixture is ranked.
	s.MinRankSample = 2
	if st, err = s.Rates(ts, "", "2026-03", false); err != nil {
		t.Fatal(err)
	}
	a, b = statsRow(t, st.Children, apptest.Community, 0), statsRow(t, st.Children, apptest.SiblingCommunity, 0)
	if a.Rank != 1 || b.Rank != 0 || st.Children[0].Code != apptest.Community || st.MinRankSample != 2 {
		t.Errorf("ranks with a minimum of 2: community %d, sibling %d, first row %s", a.Rank, b.Rank, st.Children[0].Code)
	}
	if st, err = stats.NewService(e.App.DB).Rates(ts, "", "2026-03", false); err != nil {
		t.Fatal(err)
	}
	for _, r := range append(st.Children, st.Units...) {
		if r.Rank != 0 {
			t.Errorf("%s ranked %d with %d requests (minimum %d)", r.Name, r.Rank, r.Total, stats.DefaultMinRankSample)
		}
	}
	s.MinRankSample = 1

	// The city by county: 桃城区 has both townships, 冀州区 the far one.
	cs, err := s.Rates(requesttest.As(t, e, auth.CityStaff, apptest.City), apptest.City, "2026-03", false)
	if err != nil {
		t.Fatal(err)
	}
	c := statsRow(t, cs.Children, apptest.County, 0)
	if c.Total != 6 || c.ValidCallbacks != 4 || c.Satisfied != 1 || c.Basically != 2 {
		t.Errorf("county counts %+v", c.StatsCounts)
	}
	statsApprox(t, "county satisfaction", c.SatisfactionRate, 280.0/4)
	statsApprox(t, "sibling county composite", statsRow(t, cs.Children, apptest.SiblingCounty, 0).Composite, 100)
	if cs.Division.Total != 7 {
		t.Errorf("city total %d", cs.Division.Total)
	}
	// April holds the request from 01:00 on 1 April China time.
	ap, err := s.Rates(ts, "", "2026-04", false)
	if err != nil || ap.Division.Total != 1 {
		t.Errorf("april: %v %+v", err, ap)
	}

	// Weights from the settings.
	f.Exec(`INSERT INTO request_settings (key, value, updated_at, updated_by) VALUES ('stats_weight_response', 1, $1, 't'), ('stats_weight_resolution', 0, $1, 't'), ('stats_weight_satisfaction', 0, $1, 't')`, time.Now().UTC())
	st2, _ := s.Rates(ts, "", "2026-03", false)
	statsApprox(t, "composite = response with weights 1/0/0", st2.Division.Composite, 60)
	f.Exec(`DELETE FROM request_settings`)

	// The measures job writes the same counts, and the trend reads them.
	n, err := s.SyncMeasures(e.Ctx)
	if err != nil || n == 0 {
		t.Fatalf("sync: %d %v", n, err)
	}
	ms := &measure.Store{DB: e.App.DB}
	tot, err := ms.Totals(e.Ctx, []string{measure.Key(stats.MeasureTotal, "2026-03"), measure.Key(stats.MeasureSatisfiedX10, "2026-03"),
		measure.Key(stats.MeasureRespondedOnTime, "2026-03")}, []string{apptest.Township, apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	if v := tot[apptest.Township]; v[measure.Key(stats.MeasureTotal, "2026-03")] != 5 || v[measure.Key(stats.MeasureSatisfiedX10, "2026-03")] != 19 ||
		v[measure.Key(stats.MeasureRespondedOnTime, "2026-03")] != 3 {
		t.Errorf("township measures %v", v)
	}
	if tot[apptest.City][measure.Key(stats.MeasureTotal, "2026-03")] != 7 {
		t.Errorf("city measures %v", tot[apptest.City])
	}
	if n, err := s.SyncMeasures(e.Ctx); err != nil || n != 0 {
		t.Errorf("second sync changed %d: %v", n, err)
	}
	// An appeal approved later drops A1 from the measures on the next run.
	f.Exec(`UPDATE requests SET excluded = $1 WHERE division_code = $2 AND satisfaction = 'satisfied' AND created_at < $3`, true, apptest.Community, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC))
	f.Rebuild()
	if _, err := s.SyncMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	tr, err := s.Rates(ts, "", "2026-03", true)
	if err != nil {
		t.Fatal(err)
	}
	last := tr.Trend[len(tr.Trend)-1]
	if last.Month != "2026-03" || last.Total != 4 || len(tr.Trend) != 12 {
		t.Errorf("trend %+v", tr.Trend)
	}
	statsApprox(t, "trend composite = live composite", last.Composite, *tr.Division.Composite)

	// Area: a township cannot read its sibling; a resident cannot read at all.
	if _, err := s.Rates(ts, apptest.SiblingTownship, "2026-03", false); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling township: %v", err)
	}
	if _, err := s.Rates(requesttest.As(t, e, auth.Resident, apptest.Community), "", "", false); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("resident: %v", err)
	}
	if _, err := s.Rates(ts, "", "2026-3", false); errs.Code(err) != errs.EINVALID {
		t.Errorf("bad month: %v", err)
	}
	_ = fmt.Sprint
}
