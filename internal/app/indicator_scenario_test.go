package app_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/indicator"
	"shequ/internal/platform/auth"
)

// indicatorScenarios: every indicator route × role × own/child/sibling/parent.
func indicatorScenarios(year int) []Scenario {
	const ind = "village_broadband_rate"
	var out []Scenario
	for role, area := range home {
		for rel, code := range relatives(area) {
			inside := rel == "own" || rel == "child"
			read, write := http.StatusOK, http.StatusOK
			if !slices.Contains(indicator.ReadRoles, role) {
				read = http.StatusForbidden
			} else if !inside {
				read = http.StatusNotFound
			}
			if !slices.Contains(indicator.TargetRoles, role) {
				write = http.StatusForbidden
			} else if !inside {
				write = http.StatusNotFound
			}
			name := fmt.Sprintf("%s/%s", role, rel)
			var has, listHas, not []string
			if read == http.StatusOK {
				has = []string{`"code":"` + code + `"`}
				listHas = append(slices.Clone(has), `"indicator":"`+ind+`"`)
			} else {
				not = []string{`"figures"`, `"figure"`, `"items"`}
			}
			out = append(out,
				Scenario{Name: "indicators " + name, Method: "GET", Path: "/api/v1/indicators?division=" + code, Role: role, Area: area,
					Status: read, Contains: listHas, NotContains: not},
				Scenario{Name: "drill " + name, Method: "GET", Path: "/api/v1/indicators/" + ind + "?children=true&division=" + code, Role: role, Area: area,
					Status: read, Contains: has, NotContains: not},
				Scenario{Name: "missing " + name, Method: "GET", Path: "/api/v1/indicators/" + ind + "/missing?division=" + code, Role: role, Area: area,
					Status: read, Contains: has, NotContains: not},
				Scenario{Name: "trend " + name, Method: "GET", Path: "/api/v1/indicators/" + ind + "/trend?division=" + code, Role: role, Area: area,
					Status: read, NotContains: not},
				Scenario{Name: "target " + name, Method: "PUT", Path: "/api/v1/indicators/" + ind + "/targets", Role: role, Area: area,
					Body: map[string]any{"division": code, "year": year, "value": 91.5}, Status: write},
			)
			if write == http.StatusNotFound {
				// Outside the area a bad value still answers 404: nothing is learnt.
				out = append(out, Scenario{Name: "bad target " + name, Method: "PUT", Path: "/api/v1/indicators/" + ind + "/targets", Role: role, Area: area,
					Body: map[string]any{"division": code, "year": year, "value": 500}, Status: http.StatusNotFound})
			}
		}
	}
	return out
}

func TestIndicatorAPIScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	year := e.App.Indicators.Engine.Year()
	city := func(s Scenario) Scenario { s.Role, s.Area = auth.CityStaff, apptest.City; return s }
	fixed := []Scenario{
		{Name: "anonymous", Method: "GET", Path: "/api/v1/indicators?division=" + apptest.City, Status: http.StatusUnauthorized},
		{Name: "anonymous target", Method: "PUT", Path: "/api/v1/indicators/village_5g_rate/targets", Body: map[string]any{"division": apptest.City, "year": year, "value": 1}, Status: http.StatusUnauthorized},
		city(Scenario{Name: "both languages, every slice wired", Method: "GET", Path: "/api/v1/indicators?division=" + apptest.City, Status: http.StatusOK,
			Contains: []string{`"name_zh":"行政村通宽带比例"`, `"name_en":"Administrative villages with broadband"`, `"indicator":"proxy_service_coverage"`,
				`"baseline_2020":65`, `"target_2025":80`, `"has_missing_list":true`}, NotContains: []string{`"status":"awaiting"`}}),
		city(Scenario{Name: "children of the list", Method: "GET", Path: "/api/v1/indicators?children=true&division=" + apptest.City, Status: http.StatusOK,
			Contains: []string{`"children":[`, apptest.County, apptest.SiblingCounty}}),
		city(Scenario{Name: "no division", Method: "GET", Path: "/api/v1/indicators", Status: http.StatusUnprocessableEntity, Contains: []string{"division"}}),
		city(Scenario{Name: "bad code", Method: "GET", Path: "/api/v1/indicators?division=12345", Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"code"`}}),
		city(Scenario{Name: "unknown division", Method: "GET", Path: "/api/v1/indicators?division=131199999999", Status: http.StatusNotFound}),
		city(Scenario{Name: "unknown indicator", Method: "GET", Path: "/api/v1/indicators/nope?division=" + apptest.City, Status: http.StatusNotFound}),
		city(Scenario{Name: "bad sort", Method: "GET", Path: "/api/v1/indicators/village_5g_rate?children=true&sort=size&division=" + apptest.City, Status: http.StatusUnprocessableEntity}),
		city(Scenario{Name: "sort by name", Method: "GET", Path: "/api/v1/indicators/village_5g_rate?children=true&sort=name&division=" + apptest.County, Status: http.StatusOK}),
		city(Scenario{Name: "no list for a ratio", Method: "GET", Path: "/api/v1/indicators/workers_per_10k_urban/missing?division=" + apptest.City, Status: http.StatusNotFound,
			Contains: []string{"workers_per_10k_urban"}}),
		city(Scenario{Name: "target above 100%", Method: "PUT", Path: "/api/v1/indicators/village_5g_rate/targets", Body: map[string]any{"division": apptest.County, "year": year, "value": 150},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"value"`}}),
		city(Scenario{Name: "target year", Method: "PUT", Path: "/api/v1/indicators/village_5g_rate/targets", Body: map[string]any{"division": apptest.County, "year": 2019, "value": 50},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"year"`}}),
		city(Scenario{Name: "target of an unknown indicator", Method: "PUT", Path: "/api/v1/indicators/nope/targets", Body: map[string]any{"division": apptest.County, "year": year, "value": 50},
			Status: http.StatusNotFound}),
		city(Scenario{Name: "target set", Method: "PUT", Path: "/api/v1/indicators/village_5g_rate/targets", Body: map[string]any{"division": apptest.County, "year": year, "value": 77.25},
			Status: http.StatusOK, Contains: []string{`"year_target":77.25`}}),
		city(Scenario{Name: "target seen", Method: "GET", Path: "/api/v1/indicators/village_5g_rate?division=" + apptest.County, Status: http.StatusOK, Contains: []string{`"year_target":77.25`}}),
		{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK,
			Contains: []string{`/api/v1/indicators/{indicator}/missing`, `/api/v1/indicators/{indicator}/targets`}},
	}
	apptest.RunScenarios(t, e, append(fixed, indicatorScenarios(year)...))
	// Each accepted target is in the audit log; refused ones changed nothing.
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, "indicator.target.set").Scan(&n); err != nil {
		t.Fatal(err)
	}
	var targets int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM indicator_targets`).Scan(&targets); err != nil {
		t.Fatal(err)
	}
	// city staff: city+county; county staff: county+township; plus "target set".
	if n != 5 || targets != 4 {
		t.Errorf("%d audited target changes and %d targets, want 5 and 4", n, targets)
	}
}

// apiFigure is the part of the API's figure the checks read.
type apiFigure struct {
	Indicator   string   `json:"indicator"`
	Value       *float64 `json:"value"`
	Numerator   float64  `json:"numerator"`
	Denominator float64  `json:"denominator"`
	YearTarget  float64  `json:"year_target"`
	Gap         *float64 `json:"gap"`
	Status      string   `json:"status"`
}

// independentCoverage counts, straight from the tree and the profiles, the
// rural communities under a prefix and those whose flag is set, and lists
// those without it.
func independentCoverage(t *testing.T, e *apptest.Env, prefix, flag string) (num, den float64, missing []string) {
	t.Helper()
	rows, err := e.App.DB.Q(e.Ctx).QueryContext(e.Ctx, `SELECT d.code, COALESCE(p.`+flag+`, $1) FROM divisions d
		LEFT JOIN community_profiles p ON p.division_code = d.code WHERE d.level = 5 AND d.kind = 'rural' AND d.code LIKE $2`, false, prefix+"%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var on bool
		if err := rows.Scan(&c, &on); err != nil {
			t.Fatal(err)
		}
		den++
		if on {
			num++
		} else {
			missing = append(missing, c)
		}
	}
	sort.Strings(missing)
	return num, den, missing
}

// The API's figures and lists equal independent counts for random
// divisions, after random changes, on both engines.
func TestIndicatorAPIMatchesIndependentCounts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	comms, err := e.App.Divisions.Store.Communities(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		if err := e.App.Divisions.Store.InsertProfiles(ctx, demo.Profiles(comms, 20000, 11), "test", time.Now().UTC()); err != nil {
			return err
		}
		return e.App.Divisions.RebuildMeasures(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	tok := e.Token(auth.CityStaff, apptest.City)
	codes := []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship,
		"131103100000", "131103102000", apptest.RuralCommunity, apptest.Community}
	var rural []string
	for _, c := range comms {
		if c.Kind == "rural" {
			rural = append(rural, c.Code)
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	year := e.App.Indicators.Engine.Year()
	for round := 0; round < 5; round++ {
		for _, n := range r.Perm(len(codes))[:5] {
			code := codes[n]
			prefix := code[:division.PrefixLen[division.LevelFromCode(code)]]
			var list struct {
				Figures []apiFigure `json:"figures"`
			}
			res := e.API("GET", "/api/v1/indicators?division="+code, tok, nil)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("list at %s: %d %s", code, res.StatusCode, res.Body)
			}
			res.JSON(t, &list)
			if len(list.Figures) != len(e.App.Indicators.Engine.Defs) {
				t.Fatalf("%d figures, want %d", len(list.Figures), len(e.App.Indicators.Engine.Defs))
			}
			for _, f := range list.Figures {
				flag := map[string]string{"village_broadband_rate": "broadband", "village_5g_rate": "has_5g"}[f.Indicator]
				if flag == "" {
					continue
				}
				num, den, missing := independentCoverage(t, e, prefix, flag)
				if f.Numerator != num || f.Denominator != den {
					t.Fatalf("round %d, %s at %s: API %v/%v, independent %v/%v", round, f.Indicator, code, f.Numerator, f.Denominator, num, den)
				}
				def, _ := e.App.Indicators.Engine.Def(f.Indicator)
				if den == 0 {
					if f.Value != nil || f.Status != indicator.NoData {
						t.Fatalf("%s at %s with nothing to count: %+v", f.Indicator, code, f)
					}
				} else {
					v := num / den * 100
					if f.Value == nil || math.Abs(*f.Value-v) > 1e-9 || math.Abs(*f.Gap-(def.Target-v)) > 1e-9 {
						t.Fatalf("%s at %s: value %v gap %v, want %v", f.Indicator, code, f.Value, f.Gap, v)
					}
					want := indicator.AtRisk
					switch {
					case v >= def.Target:
						want = indicator.Met
					case v >= f.YearTarget:
						want = indicator.OnTrack
					}
					if f.Status != want {
						t.Fatalf("%s at %s: status %s, want %s (value %v, year target %v)", f.Indicator, code, f.Status, want, v, f.YearTarget)
					}
				}
				if f.YearTarget != def.Target { // no baseline: the line is flat at the target
					t.Fatalf("%s year target %v without a target set", f.Indicator, f.YearTarget)
				}
				// The list behind the number, two at a time.
				var got []string
				for page := 1; page < 100; page++ {
					var m struct {
						Items []struct {
							Code string `json:"code"`
						} `json:"items"`
						Total   int  `json:"total"`
						Counted int  `json:"counted"`
						More    bool `json:"more"`
					}
					res := e.API("GET", fmt.Sprintf("/api/v1/indicators/%s/missing?division=%s&per_page=2&page=%d", f.Indicator, code, page), tok, nil)
					if res.StatusCode != http.StatusOK {
						t.Fatalf("missing: %d %s", res.StatusCode, res.Body)
					}
					res.JSON(t, &m)
					if m.Total != len(missing) || float64(m.Counted) != den {
						t.Fatalf("missing %s at %s: total %d counted %d, want %d of %v", f.Indicator, code, m.Total, m.Counted, len(missing), den)
					}
					for _, it := range m.Items {
						got = append(got, it.Code)
					}
					if !m.More {
						break
					}
				}
				if strings.Join(got, ",") != strings.Join(missing, ",") {
					t.Fatalf("missing %s at %s: API %v, independent %v", f.Indicator, code, got, missing)
				}
			}
		}
		// Change a few villages through the API; the next read sees it.
		for i := 0; i < 3; i++ {
			c := rural[r.IntN(len(rural))]
			b, g := r.IntN(2) == 1, r.IntN(2) == 1
			res := e.API("PATCH", "/api/v1/divisions/"+c+"/profile", tok, map[string]any{"broadband": b, "has_5g": g})
			if res.StatusCode != http.StatusOK {
				t.Fatalf("patch %s: %d %s", c, res.StatusCode, res.Body)
			}
		}
	}
	// A target moves the status, and the drill-down's children add up.
	res := e.API("PUT", "/api/v1/indicators/village_broadband_rate/targets", tok, map[string]any{"division": apptest.County, "year": year, "value": 0})
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `"year_target":0`) {
		t.Fatalf("target 0: %d %s", res.StatusCode, res.Body)
	}
	var dr struct {
		Figure   apiFigure `json:"figure"`
		Children []struct {
			Figure apiFigure `json:"figure"`
		} `json:"children"`
	}
	res = e.API("GET", "/api/v1/indicators/village_broadband_rate?children=true&division="+apptest.County, tok, nil)
	res.JSON(t, &dr)
	var sn, sd float64
	for _, c := range dr.Children {
		sn += c.Figure.Numerator
		sd += c.Figure.Denominator
	}
	if sn != dr.Figure.Numerator || sd != dr.Figure.Denominator {
		t.Fatalf("children sum to %v/%v, the county has %v/%v", sn, sd, dr.Figure.Numerator, dr.Figure.Denominator)
	}
	if dr.Figure.Value != nil && *dr.Figure.Value < 100 && dr.Figure.Status != indicator.OnTrack {
		t.Fatalf("with a year target of 0 the county is %s", dr.Figure.Status)
	}
}
