package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// requestMemberScenarios: who may let a handling-unit account act for a
// unit, and end it. City and county staff only; the unit and the account
// both inside the caller's area (own); a unit of a sibling county or of the
// city above is not found; an account of another county is invalid; a
// member of another unit is a conflict, whoever asks.
func requestMemberScenarios(t *testing.T, e *apptest.Env) []Scenario {
	s := e.App.Requests
	units := map[string]*request.Unit{}
	for rel, code := range map[string]string{"own": apptest.County, "sibling": apptest.SiblingCounty, "parent": apptest.City} {
		u, err := s.CreateUnit(e.Ctx, request.Unit{Name: "成员测试单位" + code[:6], Kind: request.UnitDepartment, DivisionCode: code})
		if err != nil {
			t.Fatal(err)
		}
		units[rel] = u
	}
	n := 0
	// account makes a fresh handling-unit account in area, a member of
	// unit when not nil.
	account := func(area string, unit *request.Unit) int64 {
		n++
		name := fmt.Sprintf("hu-member-%d", n)
		id, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: name, Role: auth.HandlingUnit, AreaCode: area, Password: apptest.Password})
		if err != nil {
			t.Fatal(err)
		}
		if unit != nil {
			if err := s.AddMember(e.Ctx, unit.ID, id); err != nil {
				t.Fatal(err)
			}
		}
		return id
	}
	add := func(u *request.Unit) string { return fmt.Sprintf("/api/v1/requests/units/%d/members", u.ID) }
	remove := func(u *request.Unit, id int64) string {
		return fmt.Sprintf("/api/v1/requests/units/%d/members/%d", u.ID, id)
	}
	var out []Scenario
	for role, area := range home {
		for _, rel := range []string{"own", "sibling", "parent"} {
			u := units[rel]
			name := fmt.Sprintf("%s/%s", role, rel)
			addWant, removeWant := http.StatusForbidden, http.StatusForbidden
			switch {
			case role == auth.CityStaff:
				addWant, removeWant = http.StatusNoContent, http.StatusNoContent
			case role == auth.CountyStaff && rel == "own":
				addWant, removeWant = http.StatusNoContent, http.StatusNoContent
			case role == auth.CountyStaff:
				addWant, removeWant = http.StatusNotFound, http.StatusNotFound
			}
			// The account sits where the unit does (the city's unit takes
			// one of the county: inside the city staff's area).
			at := u.DivisionCode
			if rel == "parent" {
				at = apptest.County
			}
			out = append(out,
				Scenario{Name: "add member " + name, Method: "POST", Path: add(u), Role: role, Area: area,
					Body: map[string]any{"user_id": account(at, nil)}, Status: addWant},
				Scenario{Name: "remove member " + name, Method: "DELETE", Path: remove(u, account(at, u)), Role: role, Area: area, Status: removeWant},
			)
		}
		if role != auth.CityStaff && role != auth.CountyStaff {
			continue
		}
		// An account of the sibling county into our own unit: invalid for
		// the county, fine for the city.
		far := http.StatusUnprocessableEntity
		if role == auth.CityStaff {
			far = http.StatusNoContent
		}
		out = append(out,
			Scenario{Name: "add far account " + string(role), Method: "POST", Path: add(units["own"]), Role: role, Area: area,
				Body: map[string]any{"user_id": account(apptest.SiblingCounty, nil)}, Status: far, Contains: nil},
			// A member of another unit is never moved, whoever asks.
			Scenario{Name: "move member " + string(role), Method: "POST", Path: add(units["own"]), Role: role, Area: area,
				Body: map[string]any{"user_id": account(apptest.County, units["parent"])}, Status: http.StatusConflict,
				Contains: []string{"ECONFLICT", units["parent"].Name}},
			Scenario{Name: "remove non-member " + string(role), Method: "DELETE", Path: remove(units["own"], account(apptest.County, nil)), Role: role, Area: area,
				Status: http.StatusNotFound},
		)
	}
	out = append(out,
		Scenario{Name: "add member anonymous", Method: "POST", Path: add(units["own"]), Body: map[string]any{"user_id": account(apptest.County, nil)}, Status: http.StatusUnauthorized},
		Scenario{Name: "remove member anonymous", Method: "DELETE", Path: remove(units["own"], account(apptest.County, units["own"])), Status: http.StatusUnauthorized},
	)
	return out
}

func TestRequestMemberAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, requestMemberScenarios)
}
