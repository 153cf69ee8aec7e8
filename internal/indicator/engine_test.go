package indicator_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/indicator"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/measure"
	"shequ/internal/survey"
)

func setup(t *testing.T) (*apptest.Env, *indicator.Service) {
	t.Helper()
	e := apptest.New(t)
	comms, err := e.App.Divisions.Store.Communities(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	ps := demo.Profiles(comms, 20000, 7)
	if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		if err := e.App.Divisions.Store.InsertProfiles(ctx, ps, "test", time.Now().UTC()); err != nil {
			return err
		}
		return e.App.Divisions.RebuildMeasures(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	reg := measure.NewRegistry()
	reg.Register(division.Measures...)
	eng, err := indicator.NewEngine(e.App.DB, reg)
	if err != nil {
		t.Fatal(err)
	}
	return e, &indicator.Service{DB: e.App.DB, Engine: eng, Divisions: e.App.Divisions, Audit: e.App.Audit}
}

// independent counts rural communities (with broadband) under a code prefix
// straight from the profiles.
func independent(t *testing.T, e *apptest.Env, prefix, flag string) (num, den float64) {
	t.Helper()
	q := `SELECT count(*), COALESCE(sum(CASE WHEN p.` + flag + ` THEN 1 ELSE 0 END), 0) FROM divisions d
		LEFT JOIN community_profiles p ON p.division_code = d.code WHERE d.level = 5 AND d.kind = 'rural' AND d.code LIKE $1`
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, q, prefix+"%").Scan(&den, &num); err != nil {
		t.Fatal(err)
	}
	return num, den
}

func prefixOf(code string) string {
	return code[:division.PrefixLen[division.LevelFromCode(code)]]
}

func TestEngineMatchesIndependentCounts(t *testing.T) {
	t.Parallel()
	e, svc := setup(t)
	cityCtx := auth.With(context.Background(), &auth.Principal{Name: "city", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	codes := []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, apptest.RuralCommunity}
	r := rand.New(rand.NewPCG(3, 4))
	rural := []string{apptest.RuralCommunity, apptest.FarCommunity, "131103100202", "131103102201", "131103102202"}
	for round := 0; round < 6; round++ {
		for _, code := range codes {
			rep, err := svc.ForDivision(cityCtx, code)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Figures {
				switch f.Indicator {
				case "village_broadband_rate", "village_5g_rate":
					flag := "broadband"
					if f.Indicator == "village_5g_rate" {
						flag = "has_5g"
					}
					num, den := independent(t, e, prefixOf(code), flag)
					if f.Numerator != num || f.Denominator != den {
						t.Fatalf("round %d, %s at %s: engine %v/%v, independent %v/%v", round, f.Indicator, code, f.Numerator, f.Denominator, num, den)
					}
					if den > 0 && math.Abs(*f.Value-num/den*100) > 1e-9 {
						t.Fatalf("%s value %v", f.Indicator, *f.Value)
					}
				case "rural_facility_coverage", "workers_per_10k_urban":
					if f.Status != indicator.Awaiting || f.Value != nil {
						t.Fatalf("%s without its slice: %+v", f.Indicator, f)
					}
				}
			}
		}
		// A change is seen on the next read, at every level.
		c := rural[r.IntN(len(rural))]
		b := r.IntN(2) == 1
		if _, err := e.App.Divisions.UpdateProfile(e.Ctx, c, division.ProfilePatch{Broadband: &b, Has5G: &b}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStatusTargetsAndDrilldown(t *testing.T) {
	t.Parallel()
	e, svc := setup(t)
	county := auth.With(context.Background(), &auth.Principal{Name: "county", Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, 3)})
	d, err := svc.Drilldown(county, "village_broadband_rate", apptest.County, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Children) != 2 {
		t.Fatalf("children: %+v", d.Children)
	}
	for i := 1; i < len(d.Children); i++ {
		a, b := d.Children[i-1].Figure.Gap, d.Children[i].Figure.Gap
		if a != nil && b != nil && *a < *b {
			t.Fatalf("children not sorted by gap: %v < %v", *a, *b)
		}
	}
	// Outside the county: not found.
	if _, err := svc.Drilldown(county, "village_broadband_rate", apptest.SiblingCounty, true); err == nil {
		t.Fatal("sibling county readable")
	}
	// A township worker may not set targets; county staff may, audited.
	tw := auth.With(context.Background(), &auth.Principal{Name: "tw", Role: auth.TownshipStaff, Area: auth.AreaOf(apptest.Township, 4)})
	if err := svc.SetTarget(tw, "village_broadband_rate", apptest.Township, 2026, 90); err == nil {
		t.Fatal("township staff set a target")
	}
	if err := svc.SetTarget(county, "village_broadband_rate", apptest.Township, 2026, 150); err == nil {
		t.Fatal("a percentage above 100 accepted")
	}
	year := svc.Engine.Year()
	if err := svc.SetTarget(county, "village_broadband_rate", apptest.SiblingTownship, year, 99.5); err != nil {
		t.Fatal(err)
	}
	rep, err := svc.ForDivision(county, apptest.SiblingTownship)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Figures {
		if f.Indicator == "village_broadband_rate" && f.YearTarget != 99.5 {
			t.Fatalf("year target %v, want 99.5", f.YearTarget)
		}
	}
	// The straight line: rural facility coverage 65 (2020) → 80 (2025).
	def, _ := svc.Engine.Def("rural_facility_coverage")
	if v := def.LineTarget(2023); math.Abs(v-74) > 1e-9 {
		t.Fatalf("2023 line target %v, want 74", v)
	}
	if n, err := svc.Snapshot(e.Ctx); err != nil || n == 0 {
		t.Fatalf("snapshot: %d %v", n, err)
	}
	if n, err := svc.Snapshot(e.Ctx); err != nil || n == 0 {
		t.Fatalf("second snapshot of the month: %d %v", n, err)
	}
	pts, err := svc.Trend(county, "village_broadband_rate", apptest.County)
	if err != nil || len(pts) != 1 || pts[0].Value == nil {
		t.Fatalf("trend: %+v %v", pts, err)
	}
}

// TestYearlyOverStanding: a yearly indicator divides a measure kept per
// year by one kept standing. satisfaction_survey_coverage (communities that
// ran a survey this year / all communities) read 0 communities before,
// since the year was applied to the denominator too, so it never had a value.
func TestYearlyOverStanding(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	svc := e.App.Indicators
	year := svc.Engine.Period("year")
	ms := &measure.Store{DB: e.App.DB}
	if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		return ms.Set(ctx, measure.Key(survey.CommunitiesSurveyed, year), apptest.Community, 1)
	}); err != nil {
		t.Fatal(err)
	}
	var communities float64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM divisions WHERE level = 5 AND code LIKE '131102001%'`).Scan(&communities); err != nil {
		t.Fatal(err)
	}
	city := auth.With(context.Background(), &auth.Principal{Name: "city", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	rep, err := svc.ForDivision(city, apptest.Township)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Figures {
		if f.Indicator != "satisfaction_survey_coverage" {
			continue
		}
		if f.Value == nil || f.Numerator != 1 || f.Denominator != communities || math.Abs(*f.Value-100/communities) > 1e-9 || f.Period != year {
			t.Fatalf("satisfaction_survey_coverage at the township: %+v (want 1 of %v communities, period %s)", f, communities, year)
		}
		return
	}
	t.Fatal("no satisfaction_survey_coverage figure")
}
