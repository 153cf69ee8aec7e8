package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/residentunit"
)

// unitWithResource records a resident unit at code with one venue it
// opens, through the API as token's holder, and returns their ids.
func unitWithResource(t *testing.T, e *apptest.Env, token, code, unit, resource string) (unitID, resourceID int64) {
	t.Helper()
	res := e.API("POST", "/api/v1/resident-units", token, map[string]any{"division_code": code, "name": unit, "kind": "enterprise",
		"contact": "13800138000"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("unit at %s: %d %s", code, res.StatusCode, res.Body)
	}
	var u residentunit.UnitDetail
	res.JSON(t, &u)
	res = e.API("POST", fmt.Sprintf("/api/v1/resident-units/%d/resources", u.ID), token, map[string]any{"name": resource, "kind": "venue",
		"hours": "周六 9:00-17:00", "capacity": 30})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("resource at %s: %d %s", code, res.StatusCode, res.Body)
	}
	var r residentunit.UnitResource
	res.JSON(t, &r)
	return u.ID, r.ID
}

// The resident-unit registry's API: every role × its own and a sibling
// area, the list clipped to the caller's area.
func TestResidentUnitAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		units, resources, agreements := map[string]int64{}, map[string]int64{}, map[string]int64{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			units[c], resources[c] = unitWithResource(t, e, city, c, "单位"+c, "场地"+c)
			a, err := e.App.ResidentUnits.AddAgreement(e.Ctx, units[c], residentunit.UnitAgreementInput{Title: "共建协议" + c, SignedOn: "2026-01-05",
				StartsOn: "2026-01-05", EndsOn: "2027-01-04"}, apptest.Photo(t))
			if err != nil {
				t.Fatal(err)
			}
			agreements[c] = a.ID
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(residentunit.ReadRoles, role), slices.Contains(residentunit.EditRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				unit := fmt.Sprintf("/api/v1/resident-units/%d", units[code])
				get := Scenario{Name: "get unit " + name, Method: "GET", Path: unit, Role: role, Area: area, Status: areaStatus(http.StatusOK, inside, read)}
				if get.Status == http.StatusOK {
					get.Contains = []string{`"division_code":"` + code + `"`, `"contact":"13800138000"`}
				}
				create := http.StatusCreated
				switch {
				case !edit:
					create = http.StatusForbidden
				case !inside:
					create = http.StatusUnprocessableEntity
				}
				out = append(out, get,
					// An agreement's scanned copy is served only through a unit
					// the caller may read; one the unit does not have is not found.
					Scenario{Name: "copy of no record " + name, Method: "GET", Path: fmt.Sprintf("/resident-units/%d/agreements/999999/copy", units[code]),
						Role: role, Area: area, Status: areaStatus(http.StatusNotFound, inside, read)},
					Scenario{Name: "copy " + name, Method: "GET", Path: fmt.Sprintf("/resident-units/%d/agreements/%d/copy", units[code], agreements[code]),
						Role: role, Area: area, Status: areaStatus(http.StatusOK, inside, read)},
					// The far unit's copy, through the caller's own unit.
					Scenario{Name: "copy through another unit " + name, Method: "GET", Role: role, Area: area,
						Path:   fmt.Sprintf("/resident-units/%d/agreements/%d/copy", units[apptest.Community], agreements[apptest.FarCommunity]),
						Status: areaStatus(http.StatusNotFound, true, read)},
					Scenario{Name: "create unit " + name, Method: "POST", Path: "/api/v1/resident-units", Role: role, Area: area,
						Body: map[string]any{"division_code": code, "name": "新单位", "kind": "school"}, Status: create},
					Scenario{Name: "agreement " + name, Method: "POST", Path: unit + "/agreements", Role: role, Area: area,
						Body:   map[string]any{"title": "共建协议", "signed_on": "2026-01-05", "starts_on": "2026-01-05", "ends_on": "2027-01-04"},
						Status: areaStatus(http.StatusCreated, inside, edit)},
					Scenario{Name: "resource " + name, Method: "POST", Path: unit + "/resources", Role: role, Area: area,
						Body: map[string]any{"name": "夜间车位", "kind": "parking", "capacity": 20}, Status: areaStatus(http.StatusCreated, inside, edit)},
					Scenario{Name: "withdraw " + name, Method: "POST", Path: fmt.Sprintf("%s/resources/%d/withdraw", unit, resources[code]), Role: role,
						Area: area, Body: map[string]any{"reason": "单位搬迁"}, Status: areaStatus(http.StatusNoContent, inside, edit)},
				)
			}
			s := Scenario{Name: "list " + string(role), Method: "GET", Path: "/api/v1/resident-units?per_page=200", Role: role, Area: area,
				Status: http.StatusForbidden}
			if read {
				s.Status, s.Contains = http.StatusOK, []string{"单位" + apptest.Community}
				if area != apptest.City {
					s.NotContains = []string{"单位" + apptest.FarCommunity}
				}
				if area == apptest.Community {
					s.NotContains = append(s.NotContains, "单位"+apptest.SiblingCommunity)
				}
			}
			out = append(out, s)
		}
		return append(out,
			Scenario{Name: "anonymous units", Method: "GET", Path: "/api/v1/resident-units", Status: http.StatusUnauthorized},
			Scenario{Name: "unknown unit", Method: "GET", Path: "/api/v1/resident-units/999999", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusNotFound},
			Scenario{Name: "invalid unit", Method: "POST", Path: "/api/v1/resident-units", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": "12", "name": "", "kind": "bank"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"division_code"`, `"location":"name"`, `"location":"kind"`}},
			Scenario{Name: "duplicate unit", Method: "POST", Path: "/api/v1/resident-units", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": apptest.Community, "name": "单位" + apptest.Community, "kind": "school"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"name"`}},
			Scenario{Name: "agreement ends before it starts", Method: "POST", Path: fmt.Sprintf("/api/v1/resident-units/%d/agreements", units[apptest.Community]),
				Role: auth.CommunityWorker, Area: apptest.Community,
				Body:   map[string]any{"title": "协议", "signed_on": "2026-01-05", "starts_on": "2026-03-01", "ends_on": "2026-02-01"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"ends_on"`}},
			Scenario{Name: "resource of a bad kind", Method: "POST", Path: fmt.Sprintf("/api/v1/resident-units/%d/resources", units[apptest.Community]),
				Role: auth.CommunityWorker, Area: apptest.Community, Body: map[string]any{"name": "x", "kind": "gold", "serves": "nope", "capacity": -1},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"kind"`, `"location":"serves"`, `"location":"capacity"`}},
		)
	})
}
