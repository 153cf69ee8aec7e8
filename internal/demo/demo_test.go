package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/data"
	"shequ/internal/app/apptest"
	"shequ/internal/certificate"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/project"
)

func TestProfilesSumToTheCensusAndArePlausible(t *testing.T) {
	b, err := data.FS.ReadFile("divisions/hengshui.csv")
	if err != nil {
		t.Fatal(err)
	}
	var comms []division.Division
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) == 5 && f[2] == "community" {
			comms = append(comms, division.Division{Code: f[0], Name: f[1], Kind: f[3], Level: division.Community})
		}
	}
	if len(comms) != 5118 {
		t.Fatalf("衡水 has %d communities in the shipped file, want 5118", len(comms))
	}
	ps := demo.Profiles(comms, demo.CensusPopulation, 1)
	var pop, urbanPop int64
	for i, p := range ps {
		pop += p.Population
		urbanPop += p.UrbanPopulation
		if err := p.Validate(comms[i].Kind); err != nil {
			t.Fatalf("%s: synthetic profile fails validation: %v", p.Code, err)
		}
		if p.Population <= 0 || p.Households <= 0 || p.BuildingArea <= 0 {
			t.Fatalf("%s: empty profile %+v", p.Code, p)
		}
	}
	if pop != demo.CensusPopulation {
		t.Fatalf("population sums to %d, want %d", pop, demo.CensusPopulation)
	}
	if urbanPop <= 0 || urbanPop >= pop {
		t.Fatalf("urban population %d of %d", urbanPop, pop)
	}
	again := demo.Profiles(comms, demo.CensusPopulation, 1)
	if again[100].Population != ps[100].Population || again[100].Organisations[0].Head != ps[100].Organisations[0].Head {
		t.Fatal("the same seed gave different profiles")
	}
}

func TestBuildThenReuse(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	dir := t.TempDir()
	b := &demo.Builder{DB: e.App.DB, Divisions: e.App.Divisions, Users: e.App.Users, Audit: e.App.Audit, Indicators: e.App.Indicators,
		Emergencies: e.App.Emergencies, Ledger: e.App.Ledger, DataDir: dir}
	accs, built, err := b.Ensure(e.Ctx)
	if err != nil || !built || len(accs) != 9 {
		t.Fatalf("first build: %d accounts, built=%v, %v", len(accs), built, err)
	}
	for _, a := range accs {
		if _, err := e.App.Users.Authenticate(e.Ctx, a.Name, a.Password); err != nil {
			t.Fatalf("%s cannot sign in with its printed password: %v", a.Name, err)
		}
	}
	// The task ledger: the plan's 14 special actions and 3 projects, each
	// with its lead unit from the catalogue and its 2025 work item.
	var actions, projects, items int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT (SELECT COUNT(*) FROM ledger_tasks WHERE kind = 'special_action'),
		(SELECT COUNT(*) FROM ledger_tasks WHERE kind = 'project'), (SELECT COUNT(*) FROM ledger_items)`).Scan(&actions, &projects, &items); err != nil ||
		actions != 14 || projects != 3 || items != 17 {
		t.Errorf("task ledger: %d special actions, %d projects, %d items (%v)", actions, projects, items, err)
	}
	// The three lists: needs in the demo community and its neighbours, one served by an
	// accepted project.
	var needComms, served, accepted int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(DISTINCT division_code), COALESCE(SUM(CASE WHEN status = 'served' THEN 1 ELSE 0 END), 0),
		(SELECT COUNT(*) FROM projects WHERE status = 'accepted') FROM project_needs`).Scan(&needComms, &served, &accepted); err != nil ||
		needComms < 2 || served != 1 || accepted != 1 {
		t.Errorf("the three lists: needs in %d communities, %d served, %d accepted projects (%v)", needComms, served, accepted, err)
	}
	// The demo's requests are counted in the 三率 summary.
	var requests, counted int64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM requests WHERE NOT excluded`).Scan(&requests); err != nil {
		t.Fatal(err)
	}
	// The demo's closed survey round counts some communities of its
	// county as surveyed and not all; the resident's 差评 awaits a reply.
	var surveyed, communities, open int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT t.surveyed, t.communities FROM survey_tally t JOIN survey_rounds r ON r.id = t.round_id
		WHERE r.status = 'closed' AND t.level = 3`).Scan(&surveyed, &communities); err != nil || surveyed == 0 || surveyed >= communities {
		t.Errorf("demo survey: %d of %d communities surveyed (%v)", surveyed, communities, err)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM ratings WHERE rectification = 'open'`).Scan(&open); err != nil || open != 1 {
		t.Errorf("demo ratings: %d open rectifications (%v)", open, err)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COALESCE(SUM(total), 0) FROM request_stats`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if requests == 0 || counted != requests {
		t.Errorf("%d demo requests, %d in the 三率 summary", requests, counted)
	}
	// The demo resident is a volunteer of their own community, with hours.
	var hours int64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT v.hours_centi FROM volunteers v JOIN users u ON u.id = v.user_id
		WHERE u.name = 'demo-resident' AND v.community_code = u.area_code`).Scan(&hours); err != nil || hours <= 0 {
		t.Errorf("the demo resident as a volunteer: %d hours, %v", hours, err)
	}
	// 政务代办: the demo resident has a finished case to rate, and cases
	// in other statuses surround it.
	var mine, statuses int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM proxy_cases c JOIN users u ON u.id = c.resident_user_id
		WHERE u.name = 'demo-resident' AND c.status = 'done'`).Scan(&mine); err != nil || mine != 1 {
		t.Errorf("the demo resident's proxy cases to rate: %d (%v)", mine, err)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(DISTINCT status) FROM proxy_cases`).Scan(&statuses); err != nil || statuses != 5 {
		t.Errorf("the demo's proxy cases are in %d statuses (%v), want all 5", statuses, err)
	}
	// Every volunteer organisation has a seal, so the first certificate
	// works: the demo township's staff certify the demo resident's hours.
	var unsealed int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM volunteer_orgs o
		WHERE NOT EXISTS (SELECT 1 FROM certificate_seals s WHERE s.org_id = o.id)`).Scan(&unsealed); err != nil || unsealed != 0 {
		t.Errorf("%d volunteer organisations without a seal (%v)", unsealed, err)
	}
	var vid, oid int64
	var from string
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT r.volunteer_id, r.org_id, MIN(r.date) FROM volunteer_records r
		JOIN volunteers v ON v.id = r.volunteer_id JOIN users u ON u.id = v.user_id
		WHERE u.name = 'demo-resident' AND r.hours_centi > 0 GROUP BY r.volunteer_id, r.org_id ORDER BY r.org_id LIMIT 1`).Scan(&vid, &oid, &from); err != nil {
		t.Fatal(err)
	}
	for _, a := range accs {
		if a.Role != auth.TownshipStaff {
			continue
		}
		ctx := auth.With(context.Background(), &auth.Principal{Name: a.Name, Role: a.Role, Area: auth.AreaOf(a.Area, division.Township)})
		c, err := e.App.Certificates.Issue(ctx, certificate.IssueInput{VolunteerID: vid, OrgID: oid, From: from, To: time.Now().In(calendar.China).Format("2006-01-02")})
		if err != nil || c.Hours <= 0 {
			t.Errorf("the demo's first certificate: %v %v", c, err)
		}
	}
	// A year of history: every month of the 三率 trend has requests, and
	// the indicator trend has twelve points.
	city := auth.With(context.Background(), &auth.Principal{Name: "city", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	st, err := e.App.RequestStats.Rates(city, apptest.City, "", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range st.Trend {
		if m.Total == 0 || m.Composite == nil {
			t.Errorf("三率 trend month %s: %d requests, composite %v", m.Month, m.Total, m.Composite)
		}
	}
	// The city's resource list holds every facility in use (over 20,000
	// in the demo) and every active organisation.
	var inUse, active int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT (SELECT count(*) FROM facilities WHERE status = 'in_use'),
		(SELECT count(*) FROM organizations WHERE status = 'active')`).Scan(&inUse, &active); err != nil {
		t.Fatal(err)
	}
	for src, want := range map[string]int{project.FromFacility: inUse, project.FromOrganization: active} {
		rs, err := e.App.Projects.AllResources(city, project.ResourceFilter{Source: src})
		if err != nil || len(rs) != want || want == 0 {
			t.Errorf("the city's resources from %s: %d, want %d (%v)", src, len(rs), want, err)
		}
	}
	pts, err := e.App.Indicators.Trend(city, "village_broadband_rate", apptest.City)
	if err != nil || len(pts) != 12 || pts[0].Value == nil || *pts[0].Value >= *pts[11].Value {
		t.Errorf("indicator trend %v %v", pts, err)
	}
	// The demo community has two plan versions and two drills; the
	// county's alert reached its township's residents, and its grid worker
	// has worked through part of the list.
	var plans, drills, alerts, done, pending int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT (SELECT count(*) FROM emergency_plans), (SELECT count(*) FROM emergency_drills),
		(SELECT count(*) FROM emergency_alerts WHERE residents > 0), (SELECT count(*) FROM emergency_tasks WHERE status <> 'pending'),
		(SELECT count(*) FROM emergency_tasks WHERE status = 'pending')`).Scan(&plans, &drills, &alerts, &done, &pending); err != nil {
		t.Fatal(err)
	}
	if plans != 2 || drills != 2 || alerts != 1 || done == 0 || pending == 0 {
		t.Errorf("demo emergencies: %d plans, %d drills, %d alerts, %d tasks done, %d pending", plans, drills, alerts, done, pending)
	}
	again, built, err := b.Ensure(e.Ctx)
	if err != nil || built || len(again) != 9 || again[0].Password != accs[0].Password {
		t.Fatalf("second run: built=%v %v", built, err)
	}
}

// TestFacilitiesNearThePlanBaseline: the demo's facilities read near the
// plan's 2020 baselines, as a real city's would: about 23.6 m² of
// comprehensive facility per 100 households (it read 99.7), and most
// comprehensive facilities open at least 8 hours a day (it read 0 %: the
// hours added up to 7.5).
func TestFacilitiesNearThePlanBaseline(t *testing.T) {
	b, err := data.FS.ReadFile("divisions/hengshui.csv")
	if err != nil {
		t.Fatal(err)
	}
	var comms, towns []division.Division
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Split(line, ",")
		if len(f) == 5 && f[2] == "community" {
			comms = append(comms, division.Division{Code: f[0], Name: f[1], Kind: f[3], Level: division.Community})
		}
		if len(f) == 5 && f[2] == "township" {
			towns = append(towns, division.Division{Code: f[0], Name: f[1]})
		}
	}
	households := map[string]int64{}
	var allHouseholds int64
	for _, p := range demo.Profiles(comms, demo.CensusPopulation, 2026) {
		households[p.Code] = p.Households
		allHouseholds += p.Households
	}
	var area float64
	var inUse, open8h int
	for _, f := range demo.DemoFacilities(comms, households, towns, 2026) {
		if f.Kind != "comprehensive" || f.Status != facility.InUse {
			continue
		}
		area += f.FloorArea
		inUse++
		if f.Open8h {
			open8h++
		}
	}
	per100 := area / float64(allHouseholds) * 100
	t.Logf("%.1f m² per 100 households; %d of %d comprehensive facilities open 8 hours a day", per100, open8h, inUse)
	if per100 < 20 || per100 > 32 {
		t.Errorf("comprehensive facility area per 100 households %.1f m², want near the 2020 baseline 23.6 (20 to 32)", per100)
	}
	if share := float64(open8h) / float64(inUse) * 100; share < 50 || share > 95 {
		t.Errorf("%.1f %% of comprehensive facilities open 8 hours a day, want 50 to 95", share)
	}
}
