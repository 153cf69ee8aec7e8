package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/burden"
	"shequ/internal/platform/auth"
)

// The burden slice's API × every role × own and sibling area: lists are
// read by staff and departments, kept by county and city staff in their
// area; departments file admission requests and assign work in their
// area; the county decides; communities mark their share done, issue
// proofs asked by their verified residents and log seal uses.
func TestBurdenAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		e.Department(apptest.County, "区卫健局")
		e.Department(apptest.SiblingCounty, "冀州区卫健局")
		id := func(res *apptest.Response, what string) string {
			t.Helper()
			if res.StatusCode >= 300 {
				t.Fatalf("%s: %d %s", what, res.StatusCode, res.Body)
			}
			var v struct{ ID int64 }
			res.JSON(t, &v)
			return strconv.FormatInt(v.ID, 10)
		}
		admission, task, items := map[string]string{}, map[string]string{}, map[string]string{}
		for _, c := range []string{apptest.County, apptest.SiblingCounty} {
			dept := e.Token(auth.HandlingUnit, c)
			admission[c] = id(e.API("POST", "/api/v1/burden/admissions", dept, map[string]any{"division_code": c, "name": "入户核查" + c,
				"basis": "规范", "kind": "duty"}), "file")
			items[c] = id(e.API("POST", "/api/v1/burden/admissions/"+id(e.API("POST", "/api/v1/burden/admissions", dept, map[string]any{
				"division_code": c, "name": "随访" + c, "basis": "规范", "kind": "duty"}), "file")+"/decide", city, map[string]any{"admit": true}), "admit")
		}
		// items[c] is the admission's id; the item's is read from it.
		for c, aid := range items {
			res := e.API("GET", "/api/v1/burden/admissions/"+aid, city, nil)
			var a burden.BurdenAdmission
			res.JSON(t, &a)
			items[c] = strconv.FormatInt(a.ItemID, 10)
		}
		for _, c := range []string{apptest.Community, apptest.FarCommunity} {
			county := apptest.County
			if c == apptest.FarCommunity {
				county = apptest.SiblingCounty
			}
			task[c] = id(e.API("POST", "/api/v1/burden/tasks", e.Token(auth.HandlingUnit, county), map[string]any{"item_name": "随访" + county,
				"title": "随访", "target_area": c, "deadline": "2099-01-01"}), "assign")
		}
		e.API("POST", "/api/v1/burden/items", city, map[string]any{"list": "proof", "division_code": apptest.City, "name": "居住证明", "basis": "条例"})
		e.API("POST", "/api/v1/burden/items", city, map[string]any{"list": "seal", "division_code": apptest.City, "name": "证明材料", "basis": "组织法"})
		pending, issued := map[string]string{}, map[string]string{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			e.VerifiedResident(apptest.Name(auth.Resident, c), "居民"+c, c, true)
			res := e.Token(auth.Resident, c)
			pending[c] = id(e.API("POST", "/api/v1/burden/proofs", res, map[string]any{"item_name": "居住证明", "purpose": "入学"}), "ask")
			p := id(e.API("POST", "/api/v1/burden/proofs", res, map[string]any{"item_name": "居住证明", "purpose": "就业"}), "ask")
			issued[c] = id(e.API("POST", "/api/v1/burden/proofs/"+p+"/decide", city, map[string]any{"issue": true, "content": "兹证明"}), "issue")
		}

		var out []Scenario
		for role, area := range home {
			read := slices.Contains(burden.ReadRoles, role)
			edit := slices.Contains(burden.EditRoles, role)
			unit := role == auth.HandlingUnit
			staff := slices.Contains(burden.StaffRoles, role)
			issue := slices.Contains(burden.IssueRoles, role)
			worker := slices.Contains(burden.CommunityRoles, role)
			out = append(out,
				Scenario{Name: "items " + string(role), Method: "GET", Path: "/api/v1/burden/items?list=work", Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "tasks " + string(role), Method: "GET", Path: "/api/v1/burden/tasks", Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "admissions " + string(role), Method: "GET", Path: "/api/v1/burden/admissions", Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "figures " + string(role), Method: "GET", Path: "/api/v1/burden/figures", Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "proofs " + string(role), Method: "GET", Path: "/api/v1/burden/proofs", Role: role, Area: area,
					Status: expect(staff || role == auth.Resident, true, http.StatusOK, 0)},
				Scenario{Name: "seal uses " + string(role), Method: "GET", Path: "/api/v1/burden/seal-uses", Role: role, Area: area,
					Status: expect(staff, true, http.StatusOK, 0)},
				Scenario{Name: "ask " + string(role), Method: "POST", Path: "/api/v1/burden/proofs", Role: role, Area: area,
					Body: map[string]any{"item_name": "居住证明", "purpose": "办事"}, Status: expect(role == auth.Resident, true, http.StatusCreated, 0)},
				Scenario{Name: "log seal " + string(role), Method: "POST", Path: "/api/v1/burden/seal-uses", Role: role, Area: area,
					Body:   map[string]any{"item_name": "证明材料", "what": "证明", "for_whom": "居民", "approved_by": "书记", "used_on": "2026-01-02"},
					Status: expect(worker, true, http.StatusCreated, 0)},
			)
			for _, rel := range []string{"own", "sibling"} {
				name := fmt.Sprintf("%s/%s", role, rel)
				inside := rel == "own"
				// The county of the relation: own is the fixture's county
				// (or the city's staff's), sibling the other county.
				county := apptest.County
				if !inside {
					county = apptest.SiblingCounty
				}
				cityWide := area == apptest.City
				out = append(out,
					Scenario{Name: "add item " + name, Method: "POST", Path: "/api/v1/burden/items", Role: role, Area: area,
						Body:   map[string]any{"list": "proof", "division_code": county, "name": "新证明" + county, "basis": "法规"},
						Status: expect(edit, inside || cityWide, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "retire item " + name, Method: "POST", Path: "/api/v1/burden/items/" + items[county] + "/retire", Role: role, Area: area,
						Status: expect(edit, inside || cityWide, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "file " + name, Method: "POST", Path: "/api/v1/burden/admissions", Role: role, Area: area,
						Body:   map[string]any{"division_code": county, "name": "新事项", "basis": "规范", "kind": "autonomy"},
						Status: expect(unit, inside, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "decide " + name, Method: "POST", Path: "/api/v1/burden/admissions/" + admission[county] + "/decide", Role: role, Area: area,
						Body: map[string]any{"admit": false, "decision_reason": "不属于社区"}, Status: expect(edit, inside || cityWide, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "get admission " + name, Method: "GET", Path: "/api/v1/burden/admissions/" + admission[county], Role: role, Area: area,
						Status: expect(read, inside || cityWide, http.StatusOK, http.StatusNotFound)},
				)
				target := apptest.Township
				if !inside {
					target = apptest.FarCommunity
				}
				out = append(out, Scenario{Name: "assign " + name, Method: "POST", Path: "/api/v1/burden/tasks", Role: role, Area: area,
					Body:   map[string]any{"item_name": "随访" + apptest.County, "title": "随访", "target_area": target, "deadline": "2099-01-01"},
					Status: expect(unit, inside, http.StatusCreated, http.StatusNotFound)})
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				out = append(out,
					Scenario{Name: "get proof " + name, Method: "GET", Path: "/api/v1/burden/proofs/" + pending[code], Role: role, Area: area,
						Status: expect(staff || role == auth.Resident, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "decide proof " + name, Method: "POST", Path: "/api/v1/burden/proofs/" + pending[code] + "/decide", Role: role, Area: area,
						Body: map[string]any{"issue": false, "refuse_reason": "材料不全"}, Status: expect(issue, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "revoke proof " + name, Method: "POST", Path: "/api/v1/burden/proofs/" + issued[code] + "/revoke", Role: role, Area: area,
						Body: map[string]any{"revoke_reason": "迁出"}, Status: expect(issue, inside, http.StatusOK, http.StatusNotFound)},
				)
			}
			if worker {
				out = append(out,
					Scenario{Name: "done own " + string(role), Method: "POST", Path: "/api/v1/burden/tasks/" + task[apptest.Community] + "/done", Role: role, Area: area, Status: http.StatusOK},
					Scenario{Name: "done far " + string(role), Method: "POST", Path: "/api/v1/burden/tasks/" + task[apptest.FarCommunity] + "/done", Role: role, Area: area, Status: http.StatusNotFound})
			} else {
				out = append(out, Scenario{Name: "done " + string(role), Method: "POST", Path: "/api/v1/burden/tasks/" + task[apptest.Community] + "/done", Role: role, Area: area, Status: http.StatusForbidden})
			}
		}
		out = append(out,
			Scenario{Name: "anonymous items", Method: "GET", Path: "/api/v1/burden/items", Status: http.StatusUnauthorized},
			Scenario{Name: "anonymous assign", Method: "POST", Path: "/api/v1/burden/tasks", Body: map[string]any{"item_name": "x", "title": "x", "target_area": apptest.Township, "deadline": "2099-01-01"}, Status: http.StatusUnauthorized},
			Scenario{Name: "anonymous ask", Method: "POST", Path: "/api/v1/burden/proofs", Body: map[string]any{"item_name": "居住证明", "purpose": "x"}, Status: http.StatusUnauthorized},
			Scenario{Name: "assign off the list", Method: "POST", Path: "/api/v1/burden/tasks", Role: auth.HandlingUnit, Area: apptest.County,
				Body:   map[string]any{"item_name": "入户核查" + apptest.County, "title": "核查", "target_area": apptest.Township, "deadline": "2099-01-01"},
				Status: http.StatusUnprocessableEntity, Contains: []string{"入户核查" + apptest.County}, Setup: func(testing.TB, *apptest.Env) {}},
			Scenario{Name: "assign another county's item", Method: "POST", Path: "/api/v1/burden/tasks", Role: auth.HandlingUnit, Area: apptest.County,
				Body:   map[string]any{"item_id": mustInt(items[apptest.SiblingCounty]), "title": "随访", "target_area": apptest.Township, "deadline": "2099-01-01"},
				Status: http.StatusUnprocessableEntity, Setup: func(testing.TB, *apptest.Env) {}},
			Scenario{Name: "seal off the list", Method: "POST", Path: "/api/v1/burden/seal-uses", Role: auth.CommunityWorker, Area: apptest.Community,
				Body:   map[string]any{"item_name": "经济担保", "what": "担保函", "for_whom": "公司", "approved_by": "书记", "used_on": "2026-01-02"},
				Status: http.StatusUnprocessableEntity, Contains: []string{"经济担保"}, Setup: func(testing.TB, *apptest.Env) {}},
		)
		return out
	})
}

func mustInt(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
