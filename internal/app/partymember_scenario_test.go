package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/partymember"
	"shequ/internal/platform/auth"
)

// 在职党员报到's API: every role × its own and a sibling community; a
// resident registers only themselves; the four-eyes rule on confirming.
func TestPartyMemberAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		posts, members := map[string]int64{}, map[string]int64{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			res := e.API("POST", "/api/v1/party-posts", city, map[string]any{"division_code": c, "name": "岗位" + c})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("post at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var p partymember.PartyPost
			res.JSON(t, &p)
			posts[c] = p.ID
			res = e.API("POST", "/api/v1/party-members", city, map[string]any{"division_code": c, "name": "党员" + c, "work_unit": "单位",
				"post_ids": []int64{p.ID}})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("member at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var m partymember.PartyMember
			res.JSON(t, &m)
			members[c] = m.ID
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(partymember.ReadRoles, role), slices.Contains(partymember.EditRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				member := fmt.Sprintf("/api/v1/party-members/%d", members[code])
				create := http.StatusCreated
				switch {
				case role == auth.Resident:
					// A resident's registration is always their own
					// community's; this one is not verified.
					create = http.StatusForbidden
				case !edit:
					create = http.StatusForbidden
				case !inside:
					create = http.StatusUnprocessableEntity
				}
				// The city's staff entered every member, so may not confirm one.
				decide := areaStatus(http.StatusOK, inside, edit)
				if role == auth.CityStaff && decide == http.StatusOK {
					decide = http.StatusForbidden
				}
				out = append(out,
					Scenario{Name: "get member " + name, Method: "GET", Path: member, Role: role, Area: area, Status: areaStatus(http.StatusOK, inside, read)},
					Scenario{Name: "decide " + name, Method: "POST", Path: member + "/decision", Role: role, Area: area,
						Body: map[string]any{"confirm": true}, Status: decide},
					Scenario{Name: "register " + name, Method: "POST", Path: "/api/v1/party-members", Role: role, Area: area,
						Body: map[string]any{"division_code": code, "name": "新党员", "work_unit": "某单位", "post_ids": []int64{posts[code]}}, Status: create},
					Scenario{Name: "add post " + name, Method: "POST", Path: "/api/v1/party-posts", Role: role, Area: area,
						Body: map[string]any{"division_code": code, "name": "新岗位"}, Status: create},
					Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/party-figures?division=" + code, Role: role, Area: area,
						Status: areaStatus(http.StatusOK, true, read)},
				)
			}
			list := Scenario{Name: "list " + string(role), Method: "GET", Path: "/api/v1/party-members?per_page=200", Role: role, Area: area,
				Status: http.StatusForbidden}
			if read {
				list.Status, list.Contains = http.StatusOK, []string{"党员" + apptest.Community}
				if area != apptest.City {
					list.NotContains = []string{"党员" + apptest.FarCommunity}
				}
				if area == apptest.Community {
					list.NotContains = append(list.NotContains, "党员"+apptest.SiblingCommunity)
				}
			}
			postsRow := Scenario{Name: "posts " + string(role), Method: "GET", Path: "/api/v1/party-posts", Role: role, Area: area,
				Status: http.StatusForbidden}
			if read || role == auth.Resident {
				postsRow.Status, postsRow.Contains = http.StatusOK, []string{"岗位" + apptest.Community}
				if area == apptest.Community {
					postsRow.NotContains = []string{"岗位" + apptest.SiblingCommunity}
				}
			}
			mine := http.StatusForbidden
			if role == auth.Resident {
				mine = http.StatusNotFound
			}
			out = append(out, list, postsRow,
				Scenario{Name: "mine " + string(role), Method: "GET", Path: "/api/v1/party-members/mine", Role: role, Area: area, Status: mine})
		}
		return append(out,
			Scenario{Name: "anonymous members", Method: "GET", Path: "/api/v1/party-members", Status: http.StatusUnauthorized},
			Scenario{Name: "unknown member", Method: "GET", Path: "/api/v1/party-members/999999", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusNotFound},
			Scenario{Name: "invalid registration", Method: "POST", Path: "/api/v1/party-members", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": apptest.Township, "name": "", "phone": "12", "post_ids": []int64{}},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"division_code"`, `"location":"name"`, `"location":"phone"`,
					`"location":"work_unit"`, `"location":"post_ids"`}},
			Scenario{Name: "refuse without a reason", Method: "POST", Path: fmt.Sprintf("/api/v1/party-members/%d/decision", members[apptest.Community]),
				Role: auth.TownshipStaff, Area: apptest.Township, Body: map[string]any{"confirm": false},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"reason"`}},
		)
	})
}
