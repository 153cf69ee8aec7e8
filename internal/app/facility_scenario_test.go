package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
)

// facilityScenarios: the registry's API, route × role × own/sibling/parent/
// child. Each relative area holds one facility (made by the system); a role
// reads and edits inside its area, gets 404 outside it, and 403 when its
// role has no access at all.
func facilityScenarios(e *apptest.Env) []Scenario {
	// One facility at each community and township of the fixture's relations.
	at := map[string]int64{}
	for _, code := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity, apptest.Township, apptest.SiblingTownship} {
		s := facility.NewService(e.App.DB, e.App.Audit)
		kind, name := "comprehensive", "设施"+code
		sv, err := s.Create(e.Ctx, facility.FacilityInput{DivisionCode: &code, Kind: &kind, Name: &name})
		if err != nil {
			e.T.Fatal(err)
		}
		at[code] = sv.Facility.ID
	}
	// facilityIn is a facility at the relation's area (a county or the city
	// holds facilities only through its townships and communities).
	// For a parent, it is one under the parent but outside the caller's area.
	facilityIn := func(code, rel string) (int64, string) {
		pick := code
		switch {
		case code == apptest.City && rel == "parent":
			pick = apptest.FarCommunity
		case code == apptest.County && rel == "parent":
			pick = apptest.CousinCommunity
		case code == apptest.City || code == apptest.County:
			pick = apptest.Community
		case code == apptest.SiblingCounty:
			pick = apptest.FarCommunity
		}
		return at[pick], pick
	}
	out := []Scenario{
		{Name: "facilities anonymous", Method: "GET", Path: "/api/v1/facilities", Status: http.StatusUnauthorized},
		{Name: "facility anonymous patch", Method: "PATCH", Path: fmt.Sprintf("/api/v1/facilities/%d", at[apptest.Community]), Body: map[string]any{"name": "x"}, Status: http.StatusUnauthorized},
		{Name: "facility bad create", Method: "POST", Path: "/api/v1/facilities", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"division_code": apptest.Community, "kind": "castle", "floor_area": -1}, Status: http.StatusUnprocessableEntity,
			Contains: []string{`"location":"kind"`, `"location":"name"`, `"location":"floor_area"`}},
		{Name: "facility warning", Method: "POST", Path: "/api/v1/facilities", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"division_code": apptest.Community, "kind": "comprehensive", "name": "新建中心", "floor_area": 300, "newly_built": true}, Status: http.StatusCreated,
			Contains: []string{`"warnings":["新建城市社区综合服务设施`}},
		{Name: "facility close without reason", Method: "PATCH", Path: fmt.Sprintf("/api/v1/facilities/%d", at[apptest.Community]), Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"status": "closed"}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"close_reason"`}},
		{Name: "facility stale", Method: "PATCH", Path: fmt.Sprintf("/api/v1/facilities/%d", at[apptest.Community]), Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"name": "y", "version": 99}, Status: http.StatusConflict},
		{Name: "facility missing", Method: "GET", Path: "/api/v1/facilities/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
		{Name: "facilities filter outside", Method: "GET", Path: "/api/v1/facilities?division=" + apptest.SiblingTownship, Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusNotFound},
		{Name: "facilities bad kind", Method: "GET", Path: "/api/v1/facilities?kind=castle", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusUnprocessableEntity},
		{Name: "facilities openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/facilities/{id}`}},
	}
	for role, area := range home {
		allowedRead := slices.Contains(facility.ReadRoles, role)
		allowedEdit := slices.Contains(facility.EditRoles, role)
		listWant := http.StatusOK
		if !allowedRead {
			listWant = http.StatusForbidden
		}
		s := Scenario{Name: "facilities list " + string(role), Method: "GET", Path: "/api/v1/facilities?per_page=200", Role: role, Area: area, Status: listWant}
		if allowedRead && area != apptest.City {
			s.NotContains = []string{apptest.FarCommunity}
		}
		out = append(out, s)
		for rel, code := range relatives(area) {
			id, served := facilityIn(code, rel)
			inside := rel == "own" || rel == "child"
			read, edit, create := http.StatusOK, http.StatusOK, http.StatusCreated
			switch {
			case !allowedRead:
				read, edit, create = http.StatusForbidden, http.StatusForbidden, http.StatusForbidden
			case !allowedEdit:
				edit, create = http.StatusForbidden, http.StatusForbidden
				if !inside {
					read = http.StatusNotFound
				}
			case !inside:
				read, edit, create = http.StatusNotFound, http.StatusNotFound, http.StatusUnprocessableEntity
			}
			name := fmt.Sprintf("%s/%s", role, rel)
			var contains []string
			if read == http.StatusOK {
				contains = []string{fmt.Sprintf(`"id":%d`, id)}
			}
			path := fmt.Sprintf("/api/v1/facilities/%d", id)
			out = append(out,
				Scenario{Name: "facility get " + name, Method: "GET", Path: path, Role: role, Area: area, Status: read, Contains: contains},
				Scenario{Name: "facility patch " + name, Method: "PATCH", Path: path, Role: role, Area: area, Body: map[string]any{"terminals": 1 + len(out)%3}, Status: edit},
				Scenario{Name: "facility create " + name, Method: "POST", Path: "/api/v1/facilities", Role: role, Area: area,
					Body: map[string]any{"division_code": served, "kind": "culture", "name": "文化室"}, Status: create},
				Scenario{Name: "facility list filter " + name, Method: "GET", Path: "/api/v1/facilities?division=" + code, Role: role, Area: area,
					Status: map[bool]int{true: read, false: listWant}[allowedRead], Contains: contains},
			)
		}
	}
	return out
}

func TestFacilityAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario { return facilityScenarios(e) })
}
