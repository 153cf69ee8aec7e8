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

// The organisations' rosters: every role × its own, a sibling and the
// parent area, a session that has not finished signing in, and anonymous.
func TestRosterAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		members := map[string]int64{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			res := e.API("POST", "/api/v1/roster-members", city, map[string]any{"division_code": c, "part": "party_branch",
				"name": "成员" + c, "position": "书记", "phone": "13900001111", "term_start": "2024-01-01"})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("member at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var m division.RosterMember
			res.JSON(t, &m)
			members[c] = m.ID
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(division.ProfileReadRoles, role), slices.Contains(division.RosterEditRoles, role)
			for _, rel := range []string{"own", "sibling", "parent"} {
				code := communityIn(area, rel)
				if rel == "parent" {
					code = relatives(area)["parent"]
				}
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				list := Scenario{Name: "list " + name, Method: "GET", Path: "/api/v1/roster-members?division=" + code, Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)}
				if list.Status == http.StatusOK {
					list.Contains = []string{"成员" + code, `"phone":"139****1111"`}
				}
				if rel == "parent" {
					// Above the caller's area: the division is out of reach.
					out = append(out, list,
						Scenario{Name: "add at parent " + name, Method: "POST", Path: "/api/v1/roster-members", Role: role, Area: area,
							Body:   map[string]any{"division_code": code, "part": "party_branch", "name": "新成员", "position": "委员", "term_start": "2025-01-01"},
							Status: expect(edit, false, 0, http.StatusNotFound)})
					continue
				}
				member := fmt.Sprintf("/api/v1/roster-members/%d", members[code])
				body := map[string]any{"part": "party_branch", "name": "成员" + code, "position": "书记", "phone": "139****1111",
					"term_start": "2024-01-01", "version": 1}
				out = append(out, list,
					Scenario{Name: "get " + name, Method: "GET", Path: member, Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound), Contains: containsIf(read && inside, "成员"+code)},
					Scenario{Name: "add " + name, Method: "POST", Path: "/api/v1/roster-members", Role: role, Area: area,
						Body:   map[string]any{"division_code": code, "part": "party_branch", "name": "新成员", "position": "委员", "term_start": "2025-01-01"},
						Status: expect(edit, inside, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "update " + name, Method: "PUT", Path: member, Role: role, Area: area, Body: body,
						Status: expect(edit, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "end " + name, Method: "POST", Path: member + "/end", Role: role, Area: area,
						Body:   map[string]any{"term_end": "2025-12-31", "version": 1},
						Status: expect(edit, inside, http.StatusOK, http.StatusNotFound), Contains: containsIf(edit && inside, `"ended":true`)},
				)
			}
			all := Scenario{Name: "area list " + string(role), Method: "GET", Path: "/api/v1/roster-members?per_page=200", Role: role, Area: area,
				Status: expect(read, true, http.StatusOK, 0)}
			if read {
				all.Contains = []string{"成员" + apptest.Community}
				if area != apptest.City {
					all.NotContains = []string{"成员" + apptest.FarCommunity}
				}
			}
			out = append(out, all,
				Scenario{Name: "pending " + string(role), Method: "GET", Path: "/api/v1/roster-members", Role: role, Area: area,
					Pending: apptest.PendingTOTP, Status: http.StatusForbidden})
		}
		return append(out,
			Scenario{Name: "anonymous list", Method: "GET", Path: "/api/v1/roster-members", Status: http.StatusUnauthorized},
			Scenario{Name: "unknown member", Method: "GET", Path: "/api/v1/roster-members/999999", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusNotFound},
			Scenario{Name: "invalid member", Method: "POST", Path: "/api/v1/roster-members", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": apptest.Community, "part": "castle", "name": "", "position": "x", "phone": "12", "term_start": "2025-02-30"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"part"`, `"location":"name"`, `"location":"phone"`, `"location":"term_start"`}},
			Scenario{Name: "stale version", Method: "PUT", Path: fmt.Sprintf("/api/v1/roster-members/%d", members[apptest.Community]),
				Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusConflict,
				Body: map[string]any{"part": "party_branch", "name": "成员", "position": "书记", "term_start": "2024-01-01", "version": 7}},
			Scenario{Name: "ended filter", Method: "GET", Path: "/api/v1/roster-members?ended=true", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusOK, NotContains: []string{"成员" + apptest.FarCommunity}},
		)
	})
}
