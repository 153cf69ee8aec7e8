package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// requestStatsScenarios: the 三率, proactive alerts, top categories and
// Open311 routes, route × role × relation. Stats roles (community worker
// and above) read their area and its children, get 404 for a sibling or
// parent, and every other role 403. Open311 reads with a bearer token
// follow the request reach: the resident their own, staff their area, a
// unit without dispatches nothing; admins and auditors are refused in
// Open311's error format.
func requestStatsScenarios(t *testing.T, e *apptest.Env) []Scenario {
	s := e.App.Requests
	e.User(auth.Resident, apptest.Community)
	ra, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.Resident, apptest.Community))
	ctx := auth.With(context.Background(), &auth.Principal{UserID: ra.ID, Name: ra.Name, Role: auth.Resident, Area: auth.AreaOf(apptest.Community, division.Community)})
	r, err := s.Create(ctx, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.garbage", Description: "楼下垃圾三天没清运", Phone: "13812345670"})
	if err != nil {
		t.Fatal(err)
	}
	out := []Scenario{
		{Name: "stats anonymous", Method: "GET", Path: "/api/v1/requests/stats", Status: http.StatusUnauthorized},
		{Name: "proactive anonymous", Method: "GET", Path: "/api/v1/requests/proactive", Status: http.StatusUnauthorized},
		{Name: "top anonymous", Method: "GET", Path: "/api/v1/requests/top-categories", Status: http.StatusUnauthorized},
		{Name: "stats bad month", Method: "GET", Path: "/api/v1/requests/stats?month=2026-13", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity, Contains: []string{"month"}},
		{Name: "stats bad code", Method: "GET", Path: "/api/v1/requests/stats?division=12", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
		{Name: "stats counts the request", Method: "GET", Path: "/api/v1/requests/stats?division=" + apptest.Township, Role: auth.TownshipStaff, Area: apptest.Township,
			Status: http.StatusOK, Contains: []string{`"code":"` + apptest.Community + `","name":"游园社区居民委员会","total":1`}},
		{Name: "open311 services anonymous", Method: "GET", Path: "/open311/v2/services.json", Status: http.StatusOK, Contains: []string{`"service_code":"city.garbage"`}},
		{Name: "open311 services xml", Method: "GET", Path: "/open311/v2/services.xml", Status: http.StatusOK, Contains: []string{"<service_code>city.garbage</service_code>"}},
		{Name: "open311 list anonymous", Method: "GET", Path: "/open311/v2/requests.json", Status: http.StatusForbidden, Contains: []string{`"code":403`}},
		{Name: "open311 one anonymous", Method: "GET", Path: "/open311/v2/requests/" + r.Number + ".xml", Status: http.StatusForbidden, Contains: []string{"<code>403</code>"}},
		{Name: "open311 post anonymous", Method: "POST", Path: "/open311/v2/requests.json", Status: http.StatusForbidden},
	}
	for role, area := range home {
		for rel, code := range relatives(area) {
			want := http.StatusOK
			switch {
			case !slices.Contains(request.StatsRoles, role):
				want = http.StatusForbidden
			case rel != "own" && rel != "child":
				want = http.StatusNotFound
			}
			name := fmt.Sprintf("%s/%s", role, rel)
			var stats, alerts []string
			if want == http.StatusOK {
				stats, alerts = []string{`"code":"` + code + `"`}, []string{`"division":"` + code + `"`}
			}
			out = append(out,
				Scenario{Name: "stats " + name, Method: "GET", Path: "/api/v1/requests/stats?division=" + code, Role: role, Area: area, Status: want, Contains: stats},
				Scenario{Name: "proactive " + name, Method: "GET", Path: "/api/v1/requests/proactive?division=" + code, Role: role, Area: area, Status: want, Contains: alerts},
				Scenario{Name: "top " + name, Method: "GET", Path: "/api/v1/requests/top-categories?division=" + code, Role: role, Area: area, Status: want, Contains: alerts},
			)
		}
		// Open311 with the role's token: who sees the request.
		list := Scenario{Name: "open311 list " + string(role), Method: "GET", Path: "/open311/v2/requests.json", Role: role, Area: area, Status: http.StatusOK}
		one := Scenario{Name: "open311 one " + string(role), Method: "GET", Path: "/open311/v2/requests/" + r.Number + ".json", Role: role, Area: area, Status: http.StatusOK}
		switch {
		case !slices.Contains(request.ReadRoles, role):
			list.Status, one.Status = http.StatusForbidden, http.StatusForbidden
			list.Contains = []string{`"code":403`}
		case role == auth.HandlingUnit:
			list.NotContains = []string{r.Number}
			one.Status = http.StatusNotFound
		default:
			list.Contains = []string{`"service_request_id":"` + r.Number + `"`}
			one.Contains = []string{`"expected_datetime":"`, `"address_id":"` + apptest.Community + `"`}
		}
		out = append(out, list, one)
	}
	return out
}

func TestRequestStatsAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		// The routes are in the OpenAPI document.
		return append(requestStatsScenarios(t, e), Scenario{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK,
			Contains: []string{`"/api/v1/requests/stats"`, `"/api/v1/requests/proactive"`, `"/api/v1/requests/top-categories"`}})
	})
}
