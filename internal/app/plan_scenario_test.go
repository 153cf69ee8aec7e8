package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/indicator"
	"shequ/internal/platform/auth"
)

// The plan periods' routes × every role × own, child, sibling and parent
// division: the periods are read by area staff; the evaluation by city
// staff (the city and any county) and county staff (their own county);
// a freeze by city staff only.
func TestPlanAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		out := []Scenario{
			{Name: "periods anonymous", Method: "GET", Path: "/api/v1/plan-periods", Status: http.StatusUnauthorized},
			{Name: "evaluation anonymous", Method: "GET", Path: "/api/v1/plan-periods/2021-2025/evaluation?division=" + apptest.City, Status: http.StatusUnauthorized},
			{Name: "freeze anonymous", Method: "POST", Path: "/api/v1/plan-periods/2021-2025/freeze", Body: map[string]any{"year": 2025}, Status: http.StatusUnauthorized},
			{Name: "evaluation unknown period", Method: "GET", Path: "/api/v1/plan-periods/2031-2035/evaluation?division=" + apptest.City,
				Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
			{Name: "evaluation of a township", Method: "GET", Path: "/api/v1/plan-periods/2021-2025/evaluation?division=" + apptest.Township,
				Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
			{Name: "freeze a year outside", Method: "POST", Path: "/api/v1/plan-periods/2021-2025/freeze", Body: map[string]any{"year": 2019},
				Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
		}
		for role, area := range home {
			read := slices.Contains(indicator.ReadRoles, role)
			eval := slices.Contains(indicator.EvalRoles, role)
			plan := slices.Contains(indicator.PlanRoles, role)
			periods := Scenario{Name: "periods " + string(role), Method: "GET", Path: "/api/v1/plan-periods", Role: role, Area: area,
				Status: expect(read, true, http.StatusOK, 0)}
			if read {
				periods.Contains = []string{`"code":"2021-2025"`, `"indicators":23`}
			}
			freeze := Scenario{Name: "freeze " + string(role), Method: "POST", Path: "/api/v1/plan-periods/2021-2025/freeze", Body: map[string]any{"year": 2025},
				Role: role, Area: area, Status: expect(plan, true, http.StatusOK, 0)}
			if plan {
				freeze.Check = func(t testing.TB, e *apptest.Env, res *apptest.Response) {
					var r indicator.FreezeResult
					res.JSON(t, &r)
					if r.Computed == 0 || r.Year != 2025 {
						t.Errorf("freeze: %+v", r)
					}
					again := e.API("POST", "/api/v1/plan-periods/2021-2025/freeze", e.Token(role, area), map[string]any{"year": 2025})
					var r2 indicator.FreezeResult
					again.JSON(t, &r2)
					if r2.Computed != 0 || r2.Kept != r.Computed {
						t.Errorf("second freeze changed values: %+v", r2)
					}
				}
			}
			out = append(out, periods, freeze)
			for rel, code := range relatives(area) {
				inside := rel == "own" || rel == "child"
				lvl := strings.TrimRight(code, "0")
				if len(lvl) > 6 { // below a county: refused whoever asks
					continue
				}
				ok := http.StatusOK
				if role == auth.CountyStaff && rel == "child" {
					continue
				}
				out = append(out, Scenario{Name: fmt.Sprintf("evaluation %s/%s", role, rel), Method: "GET",
					Path: "/api/v1/plan-periods/2021-2025/evaluation?division=" + code, Role: role, Area: area,
					Status: expect(eval, inside, ok, http.StatusNotFound), Contains: containsIf(eval && inside, `"tasks_connected":true`)})
			}
		}
		return out
	})
}

// The plan pages: city staff load and freeze; county staff see the
// periods and their own county's evaluation, never the city's, and are
// refused the template and the forms; community workers are refused.
func TestPlanWebScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	city := e.Session(auth.CityStaff, apptest.City)
	county := e.Session(auth.CountyStaff, apptest.County)
	worker := e.Session(auth.CommunityWorker, apptest.Community)
	for _, c := range []struct {
		name   string
		c      *apptest.Client
		path   string
		status int
		has    string
	}{
		{"city periods", city, "/plan-periods", http.StatusOK, `id="load-form"`},
		{"city template", city, "/plan-periods/template.xlsx", http.StatusOK, ""},
		{"city evaluation", city, "/plan-periods/2021-2025/evaluation?division=" + apptest.City, http.StatusOK, `id="eval-counties"`},
		{"city county evaluation", city, "/plan-periods/2021-2025/evaluation?division=" + apptest.County, http.StatusOK, `id="eval-table"`},
		{"city pdf", city, "/plan-periods/2021-2025/evaluation.pdf?division=" + apptest.City, http.StatusOK, "%PDF"},
		{"city xlsx", city, "/plan-periods/2021-2025/evaluation.xlsx?division=" + apptest.City, http.StatusOK, ""},
		{"city dashboard of 2021-2025", city, "/indicators/" + apptest.City + "?period=2021-2025", http.StatusOK, "rural_facility_coverage"},
		{"city drill-down of 2021-2025", city, "/indicators/" + apptest.City + "/rural_facility_coverage?period=2021-2025", http.StatusOK, "fig-gap"},
		{"city dashboard unknown period", city, "/indicators/" + apptest.City + "?period=1990-1995", http.StatusNotFound, ""},
		{"county periods", county, "/plan-periods", http.StatusOK, `id="plan-periods"`},
		{"county template", county, "/plan-periods/template.xlsx", http.StatusForbidden, ""},
		{"county own evaluation", county, "/plan-periods/2021-2025/evaluation?division=" + apptest.County, http.StatusOK, `id="eval-table"`},
		{"county city evaluation", county, "/plan-periods/2021-2025/evaluation?division=" + apptest.City, http.StatusNotFound, ""},
		{"county sibling pdf", county, "/plan-periods/2021-2025/evaluation.pdf?division=" + apptest.SiblingCounty, http.StatusNotFound, ""},
		{"worker periods", worker, "/plan-periods", http.StatusForbidden, ""},
		{"worker evaluation", worker, "/plan-periods/2021-2025/evaluation?division=" + apptest.County, http.StatusForbidden, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.c.Get(c.path)
			if r.StatusCode != c.status || !strings.Contains(r.Body, c.has) {
				t.Errorf("%s: %d, want %d with %q: %.300s", c.path, r.StatusCode, c.status, c.has, r.Body)
			}
		})
	}
	// The forms: county staff may not freeze or load; city staff freeze.
	if r := county.PostForm("/plan-periods/freeze", map[string][]string{"period": {"2021-2025"}, "year": {"2025"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("county freeze: %d", r.StatusCode)
	}
	if r := city.PostForm("/plan-periods/freeze", map[string][]string{"period": {"2021-2025"}, "year": {"2025"}}); r.StatusCode != http.StatusSeeOther ||
		!strings.Contains(r.Header.Get("Location"), "/plan-periods/2021-2025/evaluation?year=2025") {
		t.Errorf("city freeze: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := city.Get("/plan-periods/2021-2025/evaluation?division=" + apptest.City); strings.Contains(r.Body, `id="eval-none"`) {
		t.Error("the evaluation after a freeze says nothing is frozen")
	}
}
