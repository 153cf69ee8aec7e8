package facility_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

func svc(e *apptest.Env) *facility.Service { return facility.NewService(e.App.DB, e.App.Audit) }

func ptr[T any](v T) *T { return &v }

var fullWeek = facility.Week{"08:30-12:00,13:30-18:00", "08:30-17:30", "08:30-17:30", "08:30-17:30", "08:30-17:30", "09:00-17:00", ""}

func TestRules(t *testing.T) {
	if facility.Week(fullWeek).Open8h() != true {
		t.Error("a week of 8.5-9 hour days on six days does not meet the 8-hour rule")
	}
	short := fullWeek
	short[5] = "09:00-12:00"
	if short.Open8h() {
		t.Error("a 3-hour Saturday meets the rule")
	}
	four := facility.Week{"00:00-24:00", "00:00-24:00", "00:00-24:00", "00:00-24:00"}
	if four.Open8h() {
		t.Error("four days a week meets the rule")
	}
	for _, bad := range []string{"8-17", "08:30-08:00", "09:00-12:00,11:00-13:00", "25:00-26:00", "08:3-09:00"} {
		if _, err := facility.DayMinutes(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if m, err := facility.DayMinutes("08:30-12:00，14:00-18:00"); err != nil || m != 450 {
		t.Errorf("full-width comma: %d %v", m, err)
	}
}

func TestCreateValidatesAndWarns(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	// Every bad field is named at once.
	_, err := s.Create(ctx, facility.FacilityInput{DivisionCode: ptr(apptest.SiblingCommunity), Kind: ptr("castle"), Name: ptr(""),
		FloorArea: ptr(-1.0), ActivityArea: ptr(5.0), Hours: &facility.Week{"9-5"}, Status: ptr("closed")})
	e2 := errs.As(err)
	want := []string{"kind", "name", "floor_area", "hours_mon", "close_reason", "division_code"}
	if e2.Code != errs.EINVALID || len(e2.Fields) != len(want) {
		t.Fatalf("err %v", err)
	}
	for i, f := range e2.Fields {
		if f.Field != want[i] {
			t.Errorf("field %d = %s, want %s", i, f.Field, want[i])
		}
	}
	// A township above a community worker is outside its area too.
	if _, err := s.Create(ctx, facility.FacilityInput{DivisionCode: ptr(apptest.Township), Kind: ptr("culture"), Name: ptr("x")}); errs.Code(err) != errs.EINVALID {
		t.Errorf("township above the worker: %v", err)
	}
	// A county is not served.
	if _, err := s.Create(e.As(auth.CityStaff, apptest.City), facility.FacilityInput{DivisionCode: ptr(apptest.County), Kind: ptr("culture"), Name: ptr("x")}); errs.Code(err) != errs.EINVALID {
		t.Errorf("county: %v", err)
	}
	sv, err := s.Create(ctx, facility.FacilityInput{DivisionCode: ptr(apptest.Community), Kind: ptr("comprehensive"), Name: ptr("游园社区党群服务中心"),
		FloorArea: ptr(450.5), ActivityArea: ptr(300.0), NewlyBuilt: ptr(true), Hours: &fullWeek})
	if err != nil {
		t.Fatal(err)
	}
	if sv.Facility.Status != facility.InUse || !sv.Facility.Open8h || len(sv.WarningKeys()) != 1 || sv.WarningKeys()[0] != "facility.warn_small" {
		t.Fatalf("saved %+v warnings %v", sv.Facility, sv.WarningKeys())
	}
	// Grid workers read but do not write; residents do neither.
	if _, err := s.Get(e.As(auth.GridWorker, apptest.Community), sv.Facility.ID); err != nil {
		t.Error(err)
	}
	if _, err := s.Create(e.As(auth.GridWorker, apptest.Community), facility.FacilityInput{}); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid worker create: %v", err)
	}
	if _, err := s.Get(e.As(auth.Resident, apptest.Community), sv.Facility.ID); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("resident get: %v", err)
	}
	// Outside the area it does not exist.
	if _, err := s.Get(e.As(auth.CommunityWorker, apptest.SiblingCommunity), sv.Facility.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling get: %v", err)
	}
	// Closing needs a reason, keeps the record, defaults the date.
	if _, err := s.Close(ctx, sv.Facility.ID, "", "", nil); errs.Code(err) != errs.EINVALID {
		t.Errorf("close without reason: %v", err)
	}
	if _, err := s.Close(ctx, sv.Facility.ID, "", "搬迁", ptr(7)); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale close: %v", err)
	}
	c, err := s.Close(ctx, sv.Facility.ID, "", "搬迁", ptr(1))
	if err != nil || c.Facility.Status != facility.Closed || c.Facility.ClosedOn == "" || c.Facility.Version != 2 {
		t.Fatalf("close: %+v %v", c, err)
	}
	list, _, err := s.List(ctx, facility.Filter{Status: facility.Closed}, 1, 50)
	if err != nil || len(list) != 1 {
		t.Fatalf("closed list %v %v", list, err)
	}
	var n int
	e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT count(*) FROM audit_log WHERE action IN ('facility.create','facility.close')`).Scan(&n)
	if n != 2 {
		t.Errorf("%d audit records of create and close", n)
	}
}

// fixture communities and townships, from the division file.
func places(t testing.TB) (comms, towns []string) {
	for _, l := range strings.Split(apptest.Fixture, "\n") {
		f := strings.Split(strings.TrimSpace(l), ",")
		if len(f) != 5 {
			continue
		}
		switch f[2] {
		case "community":
			comms = append(comms, f[0])
		case "township":
			towns = append(towns, f[0])
		}
	}
	return
}

// independent counts the numerators and denominators of the facility
// indicators under code straight from the facilities and divisions tables.
func independent(t *testing.T, e *apptest.Env, code string) map[string][2]float64 {
	ctx := context.Background()
	lvl, _ := e.App.Divisions.Store.Level(ctx, code)
	lo, hi := auth.AreaOf(code, lvl).Range()
	q := e.App.DB.Q(ctx)
	count := func(sql string, args ...any) float64 {
		var v float64
		if err := q.QueryRowContext(ctx, sql, append([]any{lo, hi}, args...)...).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	comp := `f.kind IN ('comprehensive','party_public_service_centre') AND f.status = 'in_use'`
	commWith := func(kindCond, cond string) float64 {
		return count(`SELECT count(*) FROM divisions d WHERE d.code BETWEEN $1 AND $2 AND d.level = 5 AND ` + kindCond +
			` AND EXISTS (SELECT 1 FROM facilities f WHERE f.division_code = d.code AND ` + cond + `)`)
	}
	comms := count(`SELECT count(*) FROM divisions WHERE code BETWEEN $1 AND $2 AND level = 5`)
	rural := count(`SELECT count(*) FROM divisions WHERE code BETWEEN $1 AND $2 AND level = 5 AND kind = 'rural'`)
	urban := count(`SELECT count(*) FROM divisions WHERE code BETWEEN $1 AND $2 AND level = 5 AND kind = 'urban'`)
	reloc := count(`SELECT count(*) FROM divisions d JOIN community_profiles p ON p.division_code = d.code WHERE d.code BETWEEN $1 AND $2 AND d.level = 5 AND p.relocation`)
	towns := count(`SELECT count(*) FROM divisions WHERE code BETWEEN $1 AND $2 AND level = 4`)
	return map[string][2]float64{
		"rural_facility_coverage":      {commWith("d.kind = 'rural'", comp), rural},
		"urban_facility_coverage":      {commWith("d.kind = 'urban'", comp), urban},
		"relocation_facility_coverage": {commWith("EXISTS (SELECT 1 FROM community_profiles p WHERE p.division_code = d.code AND p.relocation)", comp), reloc},
		"home_care_facility_coverage":  {commWith("1=1", "f.kind = 'home_elderly_care' AND f.status = 'in_use'"), comms},
		"fitness_circle_coverage":      {commWith("1=1", "f.fitness_circle AND f.status = 'in_use'"), comms},
		"self_service_coverage":        {commWith("d.kind = 'urban'", "f.terminals > 0 AND f.status = 'in_use'"), urban},
		"civilization_station_coverage": {commWith("1=1", "f.kind = 'civilization_practice_station' AND f.status = 'in_use'") -
			commWith("1=1", "f.kind = 'civilization_practice_station' AND f.status = 'in_use'") +
			commWith("EXISTS (SELECT 1 FROM facilities v WHERE v.division_code = d.code AND v.kind = 'volunteer_service_point' AND v.status = 'in_use')",
				"f.kind = 'civilization_practice_station' AND f.status = 'in_use'"), comms},
		"social_work_station_coverage": {count(`SELECT count(*) FROM divisions d WHERE d.code BETWEEN $1 AND $2 AND d.level = 4 AND EXISTS (SELECT 1 FROM facilities f
			WHERE f.division_code BETWEEN d.code AND substr(d.code, 1, 9) || '999' AND f.kind = 'social_work_station' AND f.status = 'in_use')`), towns},
		"facility_open_hours": {count(`SELECT count(*) FROM facilities f WHERE f.division_code BETWEEN $1 AND $2 AND f.open_8h AND ` + comp),
			count(`SELECT count(*) FROM facilities f WHERE f.division_code BETWEEN $1 AND $2 AND ` + comp)},
		"activity_area_ratio": {count(`SELECT COALESCE(sum(f.activity_area), 0) / 100.0 FROM facilities f WHERE f.division_code BETWEEN $1 AND $2 AND ` + comp),
			count(`SELECT COALESCE(sum(f.floor_area), 0) / 100.0 FROM facilities f WHERE f.division_code BETWEEN $1 AND $2 AND ` + comp)},
	}
}

func checkFigures(t *testing.T, e *apptest.Env, step string, codes []string) {
	t.Helper()
	for _, code := range codes {
		rep, err := e.App.Indicators.ForDivision(e.Ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		want := independent(t, e, code)
		seen := 0
		for _, f := range rep.Figures {
			w, ok := want[f.Indicator]
			if !ok {
				continue
			}
			seen++
			if f.Awaiting != "" {
				t.Fatalf("%s awaits %s", f.Indicator, f.Awaiting)
			}
			if math.Abs(f.Numerator-w[0]) > 1e-9 || math.Abs(f.Denominator-w[1]) > 1e-9 {
				t.Errorf("%s: %s at %s = %v/%v, independent count %v/%v", step, f.Indicator, code, f.Numerator, f.Denominator, w[0], w[1])
			}
		}
		if seen != len(want) {
			t.Fatalf("%d of %d indicators found", seen, len(want))
		}
	}
}

// The engine's figures equal an independent count from the registry after
// any sequence of creates, edits, moves and closes, at every level.
func TestIndicatorsFollowEveryWrite(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	comms, towns := places(t)
	targets := append(append([]string{}, comms...), towns...)
	r := rand.New(rand.NewPCG(3, 4))
	kinds := []string{"comprehensive", "party_public_service_centre", "home_elderly_care", "social_work_station",
		"civilization_practice_station", "volunteer_service_point", "sport_fitness", "culture"}
	statuses := []string{"in_use", "in_use", "in_use", "under_construction"}
	random := func() facility.FacilityInput {
		w := fullWeek
		if r.IntN(3) == 0 {
			w[1] = "09:00-12:00"
		}
		floor := float64(r.IntN(90000)) / 100
		return facility.FacilityInput{DivisionCode: ptr(targets[r.IntN(len(targets))]), Kind: ptr(kinds[r.IntN(len(kinds))]), Name: ptr("设施"),
			FloorArea: ptr(floor), ActivityArea: ptr(math.Floor(floor*float64(r.IntN(100))) / 100), Status: ptr(statuses[r.IntN(len(statuses))]),
			Hours: &w, Terminals: ptr(r.IntN(2)), FitnessCircle: ptr(r.IntN(2) == 0)}
	}
	codes := []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, apptest.Community, apptest.RuralCommunity}
	var ids []int64
	for i := 0; i < 120; i++ {
		switch op := r.IntN(10); {
		case op < 5 || len(ids) == 0:
			sv, err := s.Create(e.Ctx, random())
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, sv.Facility.ID)
		case op < 8:
			in := random()
			if r.IntN(2) == 0 {
				in.DivisionCode = nil // an edit in place
			}
			if _, err := s.Update(e.Ctx, ids[r.IntN(len(ids))], in); err != nil {
				t.Fatal(err)
			}
		default:
			if _, err := s.Close(e.Ctx, ids[r.IntN(len(ids))], "", "test", nil); err != nil {
				t.Fatal(err)
			}
		}
		if i%40 == 39 {
			checkFigures(t, e, fmt.Sprintf("after %d writes", i+1), codes)
		}
	}
	// A community becomes a relocation community: its coverage follows.
	for _, c := range comms[:3] {
		if _, err := e.App.Divisions.UpdateProfile(e.Ctx, c, division.ProfilePatch{Relocation: ptr(true)}); err != nil {
			t.Fatal(err)
		}
	}
	checkFigures(t, e, "after profile changes", codes)
	// A full rebuild gives the same figures.
	if err := s.RebuildMeasures(e.Ctx); err != nil {
		t.Fatal(err)
	}
	checkFigures(t, e, "after rebuild", codes)
}
