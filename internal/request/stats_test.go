package request_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/request"
)

func statsAs(t testing.TB, e *apptest.Env, role auth.Role, area string) context.Context {
	t.Helper()
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	lvl := map[int]int{4: 2, 6: 3, 9: 4, 12: 5}
	n := 12
	for n > 0 && acc.AreaCode[n-1] == '0' {
		n--
	}
	for _, k := range []int{4, 6, 9, 12} {
		if n <= k {
			n = k
			break
		}
	}
	return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: acc.Role, Area: auth.AreaOf(acc.AreaCode, lvl[n])})
}

// statsFixture inserts rows straight into the tables the core keeps, so that
// the figures are known by hand.
type statsFixture struct {
	t   testing.TB
	e   *apptest.Env
	cat string
}

func newStatsFixture(t testing.TB, e *apptest.Env, cat string) *statsFixture {
	f := &statsFixture{t: t, e: e, cat: cat}
	f.exec(`INSERT INTO request_categories (code, name_zh, name_en, urgency, sort) VALUES ($1, $2, $3, 'general', 0)`, cat, "测试类"+cat, "Test "+cat)
	return f
}

func (f *statsFixture) exec(q string, args ...any) {
	f.t.Helper()
	if _, err := f.e.App.DB.W(f.e.Ctx).ExecContext(f.e.Ctx, q, args...); err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
}

func (f *statsFixture) unit(name, code string) int64 {
	f.t.Helper()
	f.exec(`INSERT INTO request_units (name, kind, division_code, active, created_at) VALUES ($1, 'department', $2, $3, $4)`, name, code, true, time.Now().UTC())
	var id int64
	if err := f.e.App.DB.Q(f.e.Ctx).QueryRowContext(f.e.Ctx, `SELECT id FROM request_units WHERE name = $1`, name).Scan(&id); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// req is one request: created at, deadlines after it, and what happened.
type statsReq struct {
	code          string
	created       time.Time
	respondAfter  time.Duration // 0: not responded
	resolveAfter  time.Duration // 0: not resolved
	resolutionDue time.Duration // 0: 7 days
	satisfaction  string
	unit, first   int64
	excluded      bool
}

func statsTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func statsID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (f *statsFixture) add(rs ...statsReq) {
	f.t.Helper()
	for _, r := range rs {
		var responded, resolved time.Time
		if r.respondAfter > 0 {
			responded = r.created.Add(r.respondAfter)
		}
		if r.resolveAfter > 0 {
			resolved = r.created.Add(r.resolveAfter)
		}
		due := r.resolutionDue
		if due == 0 {
			due = 7 * 24 * time.Hour
		}
		f.exec(`INSERT INTO requests (division_code, category_code, urgency, status, channel, title, description, unit_id, first_unit_id,
				response_due, resolution_due, responded_at, resolved_at, excluded, satisfaction, created_at, created_by, updated_at)
			VALUES ($1, $2, 'general', 'accepted', 'web', 't', 'd', $3, $4, $5, $6, $7, $8, $9, $10, $11, 'test', $11)`,
			r.code, f.cat, statsID(r.unit), statsID(r.first), r.created.Add(24*time.Hour), r.created.Add(due), statsTime(responded), statsTime(resolved),
			r.excluded, r.satisfaction, r.created)
	}
	f.rebuild()
}

// rebuild: the rows bypassed the service, which keeps the summary.
func (f *statsFixture) rebuild() {
	f.t.Helper()
	if err := request.NewStatsService(f.e.App.DB).RebuildSummary(f.e.Ctx); err != nil {
		f.t.Fatal(err)
	}
}

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

func statsRow(t *testing.T, rows []request.StatsRow, code string, unit int64) request.StatsRow {
	t.Helper()
	for _, r := range rows {
		if (code != "" && r.Code == code) || (unit != 0 && r.UnitID == unit) {
			return r
		}
	}
	t.Fatalf("no row %s %d in %+v", code, unit, rows)
	return request.StatsRow{}
}

// TestStatsTrendKeepsAYear: the trend shows every month of the last year
// that has requests. The measures job kept only this month and the last,
// so a month six months back read empty ([null ×10, 68.3, 100] in the demo)
// while choosing it in the month picker showed its rates.
func TestStatsTrendKeepsAYear(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := newStatsFixture(t, e, "year")
	u := f.unit("单位一", apptest.County)
	f.add(statsReq{code: apptest.Community, created: time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC), respondAfter: time.Hour,
		resolveAfter: time.Hour, satisfaction: request.Satisfied, unit: u, first: u})
	f.add(statsReq{code: apptest.Community, created: time.Date(2026, 8, 10, 2, 0, 0, 0, time.UTC), respondAfter: time.Hour,
		resolveAfter: time.Hour, satisfaction: request.Satisfied, unit: u, first: u})
	s := request.NewStatsService(e.App.DB)
	ts := statsAs(t, e, auth.TownshipStaff, apptest.Township)
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
	// A run at 10:00 on 15 September keeps August, September and, in turn,
	// July; March's turn comes at minute 4.
	s.Now = func() time.Time { return time.Date(2026, 9, 15, 2, 0, 0, 0, time.UTC) }
	if _, err := s.SyncStatsMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if tr := trendOf("2026-09"); tr["2026-08"] != 1 || tr["2026-03"] != 0 {
		t.Fatalf("after the first run: %v", tr)
	}
	s.Now = func() time.Time { return time.Date(2026, 9, 15, 2, 4, 0, 0, time.UTC) }
	if _, err := s.SyncStatsMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	if tr := trendOf("2026-09"); tr["2026-03"] != 1 || tr["2026-08"] != 1 {
		t.Fatalf("after March's turn: %v", tr)
	}
	// After a bulk load every month at once.
	f.add(statsReq{code: apptest.Community, created: time.Date(2026, 5, 10, 2, 0, 0, 0, time.UTC), respondAfter: time.Hour,
		resolveAfter: time.Hour, satisfaction: request.Satisfied, unit: u, first: u})
	f.rebuild()
	if _, err := s.SyncAllStatsMeasures(e.Ctx); err != nil {
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
	f := newStatsFixture(t, e, "hand")
	u1, u2 := f.unit("单位一", apptest.County), f.unit("单位二", apptest.County)
	h := time.Hour
	mar := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	f.add(
		// Community: A1 on time, satisfied; A2 late, basically; A3 never
		// answered, deadlines past; A4 excluded on appeal; A5 arrived
		// 00:30 on 1 March China time, responded, resolution not due.
		statsReq{code: apptest.Community, created: mar, respondAfter: h, resolveAfter: 48 * h, satisfaction: request.Satisfied, unit: u1, first: u1},
		statsReq{code: apptest.Community, created: mar, respondAfter: 30 * h, resolveAfter: 8 * 24 * h, satisfaction: request.BasicallySatisfied, unit: u1, first: u1},
		statsReq{code: apptest.Community, created: mar, unit: u2},
		statsReq{code: apptest.Community, created: mar, respondAfter: h, resolveAfter: h, satisfaction: request.Satisfied, unit: u1, first: u1, excluded: true},
		statsReq{code: apptest.Community, created: time.Date(2026, 2, 28, 16, 30, 0, 0, time.UTC), respondAfter: h, resolutionDue: 51 * 24 * h},
		// 01:00 on 1 April China time: April's, not March's.
		statsReq{code: apptest.Community, created: time.Date(2026, 3, 31, 17, 0, 0, 0, time.UTC), respondAfter: h, resolveAfter: h, satisfaction: request.Satisfied, unit: u1, first: u1},
		statsReq{code: apptest.SiblingCommunity, created: mar, respondAfter: h, resolveAfter: h, satisfaction: request.NotSatisfied, unit: u2, first: u2},
		statsReq{code: apptest.CousinCommunity, created: mar, respondAfter: h, resolveAfter: h, satisfaction: request.BasicallySatisfied, unit: u1, first: u1},
		statsReq{code: apptest.FarCommunity, created: mar, respondAfter: h, resolveAfter: h, satisfaction: request.Satisfied, unit: u2, first: u2},
	)
	s := request.NewStatsService(e.App.DB)
	s.Now = func() time.Time { return time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC) }
	s.MinRankSample = 1 // this fixture's rows have a handful of requests each

	ts := statsAs(t, e, auth.TownshipStaff, apptest.Township)
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
	if st, err = request.NewStatsService(e.App.DB).Rates(ts, "", "2026-03", false); err != nil {
		t.Fatal(err)
	}
	for _, r := range append(st.Children, st.Units...) {
		if r.Rank != 0 {
			t.Errorf("%s ranked %d with %d requests (minimum %d)", r.Name, r.Rank, r.Total, request.DefaultMinRankSample)
		}
	}
	s.MinRankSample = 1

	// The city by county: 桃城区 has both townships, 冀州区 the far one.
	cs, err := s.Rates(statsAs(t, e, auth.CityStaff, apptest.City), apptest.City, "2026-03", false)
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
	f.exec(`INSERT INTO request_settings (key, value, updated_at, updated_by) VALUES ('stats_weight_response', 1, $1, 't'), ('stats_weight_resolution', 0, $1, 't'), ('stats_weight_satisfaction', 0, $1, 't')`, time.Now().UTC())
	st2, _ := s.Rates(ts, "", "2026-03", false)
	statsApprox(t, "composite = response with weights 1/0/0", st2.Division.Composite, 60)
	f.exec(`DELETE FROM request_settings`)

	// The measures job writes the same counts, and the trend reads them.
	n, err := s.SyncStatsMeasures(e.Ctx)
	if err != nil || n == 0 {
		t.Fatalf("sync: %d %v", n, err)
	}
	ms := &measure.Store{DB: e.App.DB}
	tot, err := ms.Totals(e.Ctx, []string{measure.Key(request.MeasureTotal, "2026-03"), measure.Key(request.MeasureSatisfiedX10, "2026-03"),
		measure.Key(request.MeasureRespondedOnTime, "2026-03")}, []string{apptest.Township, apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	if v := tot[apptest.Township]; v[measure.Key(request.MeasureTotal, "2026-03")] != 5 || v[measure.Key(request.MeasureSatisfiedX10, "2026-03")] != 19 ||
		v[measure.Key(request.MeasureRespondedOnTime, "2026-03")] != 3 {
		t.Errorf("township measures %v", v)
	}
	if tot[apptest.City][measure.Key(request.MeasureTotal, "2026-03")] != 7 {
		t.Errorf("city measures %v", tot[apptest.City])
	}
	// Satisfaction was collected in four communities this year, two of
	// them in the township: the plan's survey coverage counts them.
	surveyed := measure.Key(request.MeasureCommunitiesSurveyed, "2026")
	if tot, err = ms.Totals(e.Ctx, []string{surveyed}, []string{apptest.Township, apptest.City}); err != nil ||
		tot[apptest.Township][surveyed] != 2 || tot[apptest.City][surveyed] != 4 {
		t.Errorf("surveyed communities %v %v", tot, err)
	}
	if n, err := s.SyncStatsMeasures(e.Ctx); err != nil || n != 0 {
		t.Errorf("second sync changed %d: %v", n, err)
	}
	// An appeal approved later drops A1 from the measures on the next run.
	f.exec(`UPDATE requests SET excluded = $1 WHERE division_code = $2 AND satisfaction = 'satisfied' AND created_at < $3`, true, apptest.Community, time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC))
	f.rebuild()
	if _, err := s.SyncStatsMeasures(e.Ctx); err != nil {
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
	if _, err := s.Rates(statsAs(t, e, auth.Resident, apptest.Community), "", "", false); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("resident: %v", err)
	}
	if _, err := s.Rates(ts, "", "2026-3", false); errs.Code(err) != errs.EINVALID {
		t.Errorf("bad month: %v", err)
	}
	_ = fmt.Sprint
}
