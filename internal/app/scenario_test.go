package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// Scenario is a row of an API matrix (apptest.Scenario).
type Scenario = apptest.Scenario

// home is where each role's test account sits.
var home = map[auth.Role]string{
	auth.CityStaff: apptest.City, auth.Admin: apptest.City, auth.Auditor: apptest.City,
	auth.CountyStaff: apptest.County, auth.HandlingUnit: apptest.County,
	auth.TownshipStaff:   apptest.Township,
	auth.CommunityWorker: apptest.Community, auth.GridWorker: apptest.Community, auth.Resident: apptest.Community,
}

// expect is the status a row of a matrix wants: 403 for a role not
// allowed, the outside status for a record outside the caller's area, ok
// otherwise.
func expect(allowed, inside bool, ok, outside int) int {
	switch {
	case !allowed:
		return http.StatusForbidden
	case !inside:
		return outside
	}
	return ok
}

// relatives of an area in the fixture: own, child, sibling, parent ("" when none).
func relatives(area string) map[string]string {
	switch area {
	case apptest.City:
		return map[string]string{"own": apptest.City, "child": apptest.County}
	case apptest.County:
		return map[string]string{"own": apptest.County, "child": apptest.Township, "sibling": apptest.SiblingCounty, "parent": apptest.City}
	case apptest.Township:
		return map[string]string{"own": apptest.Township, "child": apptest.Community, "sibling": apptest.SiblingTownship, "parent": apptest.County}
	}
	return map[string]string{"own": apptest.Community, "sibling": apptest.SiblingCommunity, "parent": apptest.Township}
}

// communityIn returns a community at the given relation, for profile routes.
// areaStatus is the status a call answers with: ok when the role may make
// it and the record is inside the caller's area, 403 when the role may not,
// 404 when the record is outside.
func areaStatus(ok int, inside, may bool) int {
	switch {
	case !may:
		return http.StatusForbidden
	case !inside:
		return http.StatusNotFound
	}
	return ok
}

func communityIn(area, rel string) string {
	switch rel {
	case "own", "child":
		if area == apptest.City || area == apptest.County || area == apptest.Township || area == apptest.Community {
			return apptest.Community
		}
	case "sibling":
		switch area {
		case apptest.County:
			return apptest.FarCommunity
		case apptest.Township:
			return apptest.CousinCommunity
		case apptest.Community:
			return apptest.SiblingCommunity
		}
	}
	return ""
}

func divisionScenarios() []Scenario {
	var out []Scenario
	inside := func(rel string) bool { return rel == "own" || rel == "child" }
	for role, area := range home {
		for rel, code := range relatives(area) {
			want := http.StatusOK
			switch {
			case !slices.Contains(division.TreeRoles, role):
				want = http.StatusForbidden
			case !inside(rel):
				want = http.StatusNotFound
			}
			name := fmt.Sprintf("%s/%s", role, rel)
			var contains []string
			if want == http.StatusOK {
				contains = []string{`"code":"` + code + `"`}
			}
			out = append(out,
				Scenario{Name: "get " + name, Method: "GET", Path: "/api/v1/divisions/" + code, Role: role, Area: area, Status: want, Contains: contains},
				Scenario{Name: "children " + name, Method: "GET", Path: "/api/v1/divisions/" + code + "/children", Role: role, Area: area, Status: want, Contains: contains},
			)
		}
		// Search never leaves the area: a search for the sibling county's
		// name finds nothing below the city.
		searchWant := http.StatusOK
		if !slices.Contains(division.TreeRoles, role) {
			searchWant = http.StatusForbidden
		}
		s := Scenario{Name: "search " + string(role), Method: "GET", Path: "/api/v1/divisions?q=" + "%E5%86%80%E5%B7%9E", Role: role, Area: area, Status: searchWant}
		if searchWant == http.StatusOK && area != apptest.City {
			s.NotContains = []string{apptest.SiblingCounty}
		}
		if searchWant == http.StatusOK && area == apptest.City {
			s.Contains = []string{apptest.SiblingCounty}
		}
		out = append(out, s)
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			read, edit := http.StatusOK, http.StatusOK
			if !slices.Contains(division.ProfileReadRoles, role) {
				read = http.StatusForbidden
			} else if rel != "own" {
				read = http.StatusNotFound
			}
			if !slices.Contains(division.ProfileEditRoles, role) {
				edit = http.StatusForbidden
			} else if rel != "own" {
				edit = http.StatusNotFound
			}
			name := fmt.Sprintf("%s/%s", role, rel)
			out = append(out,
				Scenario{Name: "profile " + name, Method: "GET", Path: "/api/v1/divisions/" + code + "/profile", Role: role, Area: area, Status: read},
				Scenario{Name: "history " + name, Method: "GET", Path: "/api/v1/divisions/" + code + "/history", Role: role, Area: area, Status: read},
				Scenario{Name: "patch " + name, Method: "PATCH", Path: "/api/v1/divisions/" + code + "/profile", Role: role, Area: area,
					Body: map[string]any{"households": 100 + len(out)}, Status: edit},
			)
		}
	}
	return out
}

func TestAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		return append(divisionFixedScenarios(), divisionScenarios()...)
	})
}

func divisionFixedScenarios() []Scenario {
	fixed := []Scenario{
		{Name: "anonymous get", Method: "GET", Path: "/api/v1/divisions/" + apptest.City, Status: http.StatusUnauthorized, Contains: []string{`"code":"EUNAUTHORIZED"`}},
		{Name: "anonymous patch", Method: "PATCH", Path: "/api/v1/divisions/" + apptest.Community + "/profile", Body: map[string]any{"population": 1}, Status: http.StatusUnauthorized},
		{Name: "bad code", Method: "GET", Path: "/api/v1/divisions/12345", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"code"`}},
		{Name: "unknown code", Method: "GET", Path: "/api/v1/divisions/131199999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
		{Name: "profile of a township", Method: "GET", Path: "/api/v1/divisions/" + apptest.Township + "/profile", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
		{Name: "children counts", Method: "GET", Path: "/api/v1/divisions/" + apptest.County + "/children", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusOK,
			Contains: []string{`"code":"` + apptest.Township + `"`, `"communities":2`}},
		{Name: "search by code prefix", Method: "GET", Path: "/api/v1/divisions?q=1311020010", Role: auth.CountyStaff, Area: apptest.County, Status: http.StatusOK,
			Contains: []string{apptest.Community, apptest.SiblingCommunity}, NotContains: []string{apptest.CousinCommunity}},
		{Name: "invalid patch", Method: "PATCH", Path: "/api/v1/divisions/" + apptest.Community + "/profile", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"population": 10, "urban_population": 20, "commercial_area": -1}, Status: http.StatusUnprocessableEntity,
			Contains: []string{`"location":"urban_population"`, `"location":"commercial_area"`}},
		{Name: "rural part on urban community", Method: "PATCH", Path: "/api/v1/divisions/" + apptest.Community + "/profile", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"organisations": []map[string]string{{"part": "economic_cooperative", "name": "x", "head": "y"}}}, Status: http.StatusUnprocessableEntity},
		{Name: "stale version", Method: "PATCH", Path: "/api/v1/divisions/" + apptest.RuralCommunity + "/profile", Role: auth.TownshipStaff, Area: apptest.SiblingTownship,
			Body: map[string]any{"population": 5, "version": 7}, Status: http.StatusConflict},
		{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`"openapi":"3.1.0"`, `/api/v1/divisions/{code}/children`}},
	}
	return fixed
}

// containsIf is want when a row answers 200 (ok), else nothing.
func containsIf(ok bool, want ...string) []string {
	if ok {
		return want
	}
	return nil
}
