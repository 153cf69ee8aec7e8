package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
)

// The mediation slice's routes × every role × own and sibling area (and
// the figures at every relative): records are read by area staff and kept
// by office staff inside their area; outside it they are not found.
func TestMediationAPIScenarios(t *testing.T) {
	apptest.RunIsolated(t, mediationScenarios)
}

func mediationScenarios(t *testing.T, e *apptest.Env) []Scenario {
	city := e.Token(auth.CityStaff, apptest.City)
	today := e.App.Mediation.Today()
	ids := map[string]map[string]string{}
	create := func(path string, body map[string]any) string {
		res := e.API("POST", path, city, body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Body)
		}
		var v struct{ ID int64 }
		res.JSON(t, &v)
		return strconv.FormatInt(v.ID, 10)
	}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		ids[c] = map[string]string{
			"committee": create("/api/v1/mediation/committees", map[string]any{"community_code": c, "name": "调委会" + c, "established_on": "2020-01-01", "chair": "主任"}),
			"case": create("/api/v1/mediation/cases", map[string]any{"community_code": c, "kind": "family", "summary": "案件" + c,
				"parties": []map[string]any{{"name": "当事人"}}}),
			"adviser": create("/api/v1/legal-advisers", map[string]any{"community_code": c, "name": "顾问" + c, "firm": "律所", "phone": "13700000000",
				"term_from": "2025-01-01", "term_to": "2099-12-31"}),
			"literate": create("/api/v1/legal-literates", map[string]any{"community_code": c, "name": "明白人" + c}),
		}
		// A second case, settled with its agreement's scanned copy.
		committee, _ := strconv.ParseInt(ids[c]["committee"], 10, 64)
		cm, err := e.App.Mediation.AddMediator(e.Ctx, committee, mediation.MediatorInput{Name: "调解员" + c, TermFrom: "2025-01-01", TermTo: "2099-12-31"})
		if err != nil || len(cm.Mediators) == 0 {
			t.Fatal(cm, err)
		}
		mc, err := e.App.Mediation.OpenCase(e.Ctx, mediation.MediationCaseInput{CommunityCode: c, Kind: "neighbours", Summary: "已调解案件" + c,
			Parties: []mediation.CasePartyInput{{Name: "甲"}, {Name: "乙"}}, MediatorIDs: []int64{cm.Mediators[0].ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.App.Mediation.Agree(e.Ctx, mc.ID, mediation.AgreementInput{Terms: "双方和解", SignedOn: today}, apptest.Photo(t)); err != nil {
			t.Fatal(err)
		}
		ids[c]["agreed"] = strconv.FormatInt(mc.ID, 10)
	}
	var out []Scenario
	for role, area := range home {
		read, edit := slices.Contains(mediation.ReadRoles, role), slices.Contains(mediation.EditRoles, role)
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			inside := rel == "own"
			name := fmt.Sprintf("%s/%s", role, rel)
			id := ids[code]
			get := expect(read, inside, http.StatusOK, http.StatusNotFound)
			change := expect(edit, inside, http.StatusOK, http.StatusNotFound)
			added := expect(edit, inside, http.StatusCreated, http.StatusNotFound)
			var has []string
			if get == http.StatusOK {
				has = []string{"案件" + code}
			}
			out = append(out,
				Scenario{Name: "get case " + name, Method: "GET", Path: "/api/v1/mediation/cases/" + id["case"], Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "step " + name, Method: "POST", Path: "/api/v1/mediation/cases/" + id["case"] + "/steps", Role: role, Area: area,
					Body: map[string]any{"on": today, "kind": "call", "note": "电话沟通 " + name}, Status: change},
				Scenario{Name: "party " + name, Method: "POST", Path: "/api/v1/mediation/cases/" + id["case"] + "/parties", Role: role, Area: area,
					Body: map[string]any{"name": "新当事人"}, Status: change},
				Scenario{Name: "failure " + name, Method: "POST", Path: "/api/v1/mediation/cases/" + id["case"] + "/failure", Role: role, Area: area,
					Body: map[string]any{"referral": "court", "note": "引导诉讼"}, Status: change},
				Scenario{Name: "reveal " + name, Method: "POST", Path: "/api/v1/mediation/cases/" + id["case"] + "/reveal", Role: role, Area: area,
					Body: map[string]any{"reason": "核实身份"}, Status: expect(slices.Contains(mediation.RevealRoles, role), inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "open case " + name, Method: "POST", Path: "/api/v1/mediation/cases", Role: role, Area: area,
					Body:   map[string]any{"community_code": code, "kind": "land", "summary": "新案件", "parties": []map[string]any{{"name": "甲"}}},
					Status: expect(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "agreement copy " + name, Method: "GET", Path: "/mediation/cases/" + id["agreed"] + "/agreement", Role: role, Area: area, Status: get},
				Scenario{Name: "agreement copy of a case without one " + name, Method: "GET", Path: "/mediation/cases/" + id["case"] + "/agreement", Role: role, Area: area,
					Status: expect(read, inside, http.StatusNotFound, http.StatusNotFound)},
				Scenario{Name: "get committee " + name, Method: "GET", Path: "/api/v1/mediation/committees/" + id["committee"], Role: role, Area: area, Status: get},
				Scenario{Name: "add mediator " + name, Method: "POST", Path: "/api/v1/mediation/committees/" + id["committee"] + "/mediators", Role: role, Area: area,
					Body: map[string]any{"name": "志愿者", "term_from": "2025-01-01", "term_to": "2099-12-31"}, Status: added},
				Scenario{Name: "get adviser " + name, Method: "GET", Path: "/api/v1/legal-advisers/" + id["adviser"], Role: role, Area: area, Status: get},
				Scenario{Name: "log service " + name, Method: "POST", Path: "/api/v1/legal-advisers/" + id["adviser"] + "/services", Role: role, Area: area,
					Body: map[string]any{"on": today, "kind": "consultation", "people": 3}, Status: added},
				Scenario{Name: "get literate " + name, Method: "GET", Path: "/api/v1/legal-literates/" + id["literate"], Role: role, Area: area, Status: get},
				Scenario{Name: "training " + name, Method: "POST", Path: "/api/v1/legal-literates/" + id["literate"] + "/trainings", Role: role, Area: area,
					Body: map[string]any{"on": today, "course": "普法", "hours": 2}, Status: added},
				Scenario{Name: "create adviser " + name, Method: "POST", Path: "/api/v1/legal-advisers", Role: role, Area: area,
					Body:   map[string]any{"community_code": code, "name": "新顾问", "firm": "所", "phone": "13700000001", "term_from": "2025-01-01", "term_to": "2099-12-31"},
					Status: expect(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
			)
		}
		for rel, code := range relatives(area) {
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			out = append(out,
				Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/mediation/figures?division=" + code, Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "list cases " + name, Method: "GET", Path: "/api/v1/mediation/cases?division=" + code, Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
			)
		}
		list := Scenario{Name: "list all " + string(role), Method: "GET", Path: "/api/v1/mediation/cases?per_page=200", Role: role, Area: area,
			Status: expect(read, true, http.StatusOK, 0)}
		if list.Status == http.StatusOK {
			list.Contains = []string{"案件" + apptest.Community}
			if area != apptest.City {
				list.NotContains = []string{"案件" + apptest.FarCommunity}
			}
		}
		out = append(out, list,
			Scenario{Name: "list advisers " + string(role), Method: "GET", Path: "/api/v1/legal-advisers", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
			Scenario{Name: "list literates " + string(role), Method: "GET", Path: "/api/v1/legal-literates", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
			Scenario{Name: "list committees " + string(role), Method: "GET", Path: "/api/v1/mediation/committees", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
			Scenario{Name: "list services " + string(role), Method: "GET", Path: "/api/v1/legal-adviser-services", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
		)
	}
	out = append(out,
		Scenario{Name: "anonymous cases", Method: "GET", Path: "/api/v1/mediation/cases", Status: http.StatusUnauthorized},
		Scenario{Name: "anonymous figures", Method: "GET", Path: "/api/v1/mediation/figures", Status: http.StatusUnauthorized},
		Scenario{Name: "anonymous open", Method: "POST", Path: "/api/v1/mediation/cases", Body: map[string]any{"community_code": apptest.Community, "kind": "land", "summary": "x", "parties": []map[string]any{{"name": "甲"}}}, Status: http.StatusUnauthorized},
		Scenario{Name: "case at a township", Method: "POST", Path: "/api/v1/mediation/cases", Role: auth.TownshipStaff, Area: apptest.Township,
			Body:   map[string]any{"community_code": apptest.Township, "kind": "land", "summary": "x", "parties": []map[string]any{{"name": "甲"}}},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"community_code"`}},
		Scenario{Name: "agree without a mediator", Method: "POST", Path: "/api/v1/mediation/cases/" + ids[apptest.Community]["case"] + "/agreement",
			Role: auth.CommunityWorker, Area: apptest.Community, Body: map[string]any{"terms": "和解", "signed_on": today},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"mediator_ids"`}},
		Scenario{Name: "search by ID number", Method: "POST", Path: "/api/v1/mediation/cases/search", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"id_number": "110101199003074477", "reason": "核查以往纠纷"}, Status: http.StatusOK, Contains: []string{`"items":[]`}},
		Scenario{Name: "search by ID number as a resident", Method: "POST", Path: "/api/v1/mediation/cases/search", Role: auth.Resident, Area: apptest.Community,
			Body: map[string]any{"id_number": "110101199003074477", "reason": "核查以往纠纷"}, Status: http.StatusForbidden},
		Scenario{Name: "from a missing request", Method: "POST", Path: "/api/v1/mediation/cases/from-request", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"request_id": 999999}, Status: http.StatusNotFound},
	)
	return out
}
