package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/organization"
	"shequ/internal/platform/auth"
)

func TestOrganizationAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		ids := map[string]string{}
		for _, c := range []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship,
			apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			res := e.API("POST", "/api/v1/organizations", city, map[string]any{"division_code": c, "name": "组织" + c, "registration": "registered",
				"registration_number": "R" + c, "type": "charity", "full_time_staff": 2})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var o organization.Organization
			res.JSON(t, &o)
			ids[c] = strconv.FormatInt(o.ID, 10)
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(organization.ReadRoles, role), slices.Contains(organization.EditRoles, role)
			for rel, code := range relatives(area) {
				inside := rel == "own" || rel == "child"
				get := expect(read, inside, http.StatusOK, http.StatusNotFound)
				patch := expect(edit, inside, http.StatusOK, http.StatusNotFound)
				name := fmt.Sprintf("%s/%s", role, rel)
				path := "/api/v1/organizations/" + ids[code]
				var has []string
				if get == http.StatusOK {
					has = []string{`"division_code":"` + code + `"`}
				}
				create := http.StatusCreated
				switch {
				case !edit:
					create = http.StatusForbidden
				case !inside:
					create = http.StatusUnprocessableEntity
				}
				out = append(out,
					Scenario{Name: "get organization " + name, Method: "GET", Path: path, Role: role, Area: area, Status: get, Contains: has},
					Scenario{Name: "patch organization " + name, Method: "PATCH", Path: path, Role: role, Area: area, Body: map[string]any{"full_time_staff": 5}, Status: patch},
					Scenario{Name: "create organization " + name, Method: "POST", Path: "/api/v1/organizations", Role: role, Area: area,
						Body: map[string]any{"division_code": code, "name": "新组织", "registration": "filed", "registration_number": "F1", "type": "mutual_help"}, Status: create},
				)
			}
			list := http.StatusOK
			if !read {
				list = http.StatusForbidden
			}
			s := Scenario{Name: "list organizations " + string(role), Method: "GET", Path: "/api/v1/organizations?per_page=200", Role: role, Area: area, Status: list}
			if list == http.StatusOK {
				s.Contains = []string{"组织" + apptest.Community}
				if area != apptest.City {
					s.NotContains = []string{"组织" + apptest.City, "组织" + apptest.FarCommunity}
				}
			}
			out = append(out, s)
		}
		fixed := []Scenario{
			{Name: "anonymous list", Method: "GET", Path: "/api/v1/organizations", Status: http.StatusUnauthorized},
			{Name: "unknown", Method: "GET", Path: "/api/v1/organizations/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
			{Name: "invalid", Method: "POST", Path: "/api/v1/organizations", Role: auth.CountyStaff, Area: apptest.County,
				Body:   map[string]any{"division_code": apptest.County, "name": "", "registration": "x", "registration_number": "", "type": "y", "full_time_staff": -2},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"name"`, `"location":"registration"`, `"location":"type"`, `"location":"full_time_staff"`}},
			{Name: "deregister", Method: "PATCH", Path: "/api/v1/organizations/" + ids[apptest.Township], Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"status": "deregistered", "deregistered_on": "2026-01-05"}, Status: http.StatusOK, Contains: []string{`"status":"deregistered"`, `"deregistered_on":"2026-01-05"`}},
			{Name: "filter by status", Method: "GET", Path: "/api/v1/organizations?status=deregistered", Role: auth.CountyStaff, Area: apptest.County,
				Status: http.StatusOK, Contains: []string{"组织" + apptest.Township}, NotContains: []string{"组织" + apptest.Community}},
			{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/organizations/{id}`}},
		}
		apptest.Needs(fixed, "filter by status", "deregister")
		return append(out, fixed...)
	})
}
