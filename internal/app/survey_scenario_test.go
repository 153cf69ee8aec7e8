package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/survey"
)

// The survey slice's routes × every role × own and sibling community, and
// a round over the township above a community: rounds are read, answered
// and their results read only where they ask inside the caller's area;
// residents answer, staff enter interviews, only builders close.
func TestSurveyAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		res := e.API("POST", "/api/v1/questionnaires", city, map[string]any{"title": "满意度", "questions": []map[string]any{
			{"kind": "rating", "text": "总体满意吗？", "required": true}}})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("questionnaire: %d %s", res.StatusCode, res.Body)
		}
		var q survey.Questionnaire
		res.JSON(t, &q)
		today := e.App.Surveys.Today()
		rounds := map[string]string{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity, apptest.Township} {
			res := e.API("POST", "/api/v1/survey-rounds", city, map[string]any{"questionnaire_id": q.ID, "division_code": c, "title": "测评" + c,
				"opens_on": today, "closes_on": today, "min_responses": 1})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("round at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var r survey.Round
			res.JSON(t, &r)
			rounds[c] = strconv.FormatInt(r.ID, 10)
		}
		answer := map[string]any{"answers": []map[string]any{{"question_id": q.Questions[0].ID, "value": 4}}}
		qid := strconv.FormatInt(q.ID, 10)
		var out []Scenario
		for role, area := range home {
			read := slices.Contains(survey.ReadRoles, role)
			answerer := read || role == auth.Resident
			build := slices.Contains(survey.BuildRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				p := "/api/v1/survey-rounds/" + rounds[code]
				out = append(out,
					Scenario{Name: "get round " + name, Method: "GET", Path: p, Role: role, Area: area, Status: expect(answerer, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "answer " + name, Method: "POST", Path: p + "/responses", Role: role, Area: area, Body: answer,
						Status: expect(answerer, inside, http.StatusNoContent, http.StatusNotFound)},
					Scenario{Name: "results " + name, Method: "GET", Path: p + "/results", Role: role, Area: area, Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "close " + name, Method: "POST", Path: p + "/close", Role: role, Area: area, Status: expect(build, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "open round " + name, Method: "POST", Path: "/api/v1/survey-rounds", Role: role, Area: area,
						Body:   map[string]any{"questionnaire_id": q.ID, "division_code": code, "title": "新一轮", "opens_on": today, "closes_on": today},
						Status: expect(build, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				)
			}
			// The city's questionnaire and a township's round reach the communities below.
			if area == apptest.Community {
				p := "/api/v1/survey-rounds/" + rounds[apptest.Township]
				out = append(out,
					Scenario{Name: "get parent round " + string(role), Method: "GET", Path: p, Role: role, Area: area, Status: expect(answerer, true, http.StatusOK, 0)},
					Scenario{Name: "answer parent round " + string(role), Method: "POST", Path: p + "/responses", Role: role, Area: area, Body: answer,
						Status: expect(answerer, true, http.StatusNoContent, 0)},
					Scenario{Name: "close parent round " + string(role), Method: "POST", Path: p + "/close", Role: role, Area: area, Status: expect(build, false, 0, http.StatusNotFound)},
				)
			}
			out = append(out,
				Scenario{Name: "get questionnaire " + string(role), Method: "GET", Path: "/api/v1/questionnaires/" + qid, Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "build " + string(role), Method: "POST", Path: "/api/v1/questionnaires", Role: role, Area: area,
					Body: map[string]any{"title": "问卷 " + string(role), "questions": []map[string]any{{"kind": "text", "text": "建议"}}}, Status: expect(build, true, http.StatusCreated, 0)},
				Scenario{Name: "list rounds " + string(role), Method: "GET", Path: "/api/v1/survey-rounds", Role: role, Area: area,
					Status: expect(answerer, true, http.StatusOK, 0)},
			)
		}
		out = append(out,
			Scenario{Name: "anonymous rounds", Method: "GET", Path: "/api/v1/survey-rounds", Status: http.StatusUnauthorized},
			Scenario{Name: "anonymous answer", Method: "POST", Path: "/api/v1/survey-rounds/" + rounds[apptest.Community] + "/responses", Body: answer, Status: http.StatusUnauthorized},
			Scenario{Name: "resident list sees own round only", Method: "GET", Path: "/api/v1/survey-rounds", Role: auth.Resident, Area: apptest.Community,
				Status: http.StatusOK, Contains: []string{"测评" + apptest.Community, "测评" + apptest.Township}, NotContains: []string{"测评" + apptest.SiblingCommunity}},
			Scenario{Name: "results of a division outside", Method: "GET", Path: "/api/v1/survey-rounds/" + rounds[apptest.Township] + "/results?division=" + apptest.FarCommunity,
				Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusNotFound},
		)
		return out
	})
}
