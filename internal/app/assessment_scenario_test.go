package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/assessment"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// assessmentFixture is what the assessment matrix shares: an open county
// scheme (and the city's, which FarCommunity's county falls back on), a
// draft of the county's for next year, a draft of the sibling county's,
// and every fixture community's self-assessment submitted.
type assessmentFixture struct {
	open, draft, siblingDraft, city string
	hand, draftItem, siblingItem    string
	ids                             map[string]string // by community
	evidence                        map[string]string // an evidence image of each community's assessment
	year                            int
}

func seedAssessment(t *testing.T, e *apptest.Env) *assessmentFixture {
	t.Helper()
	f := &assessmentFixture{ids: map[string]string{}, evidence: map[string]string{}, year: e.App.Assessments.Year()}
	call := func(method, path, tok string, body any, want int, out any) {
		t.Helper()
		res := e.API(method, path, tok, body)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, res.Body)
		}
		if out != nil {
			res.JSON(t, out)
		}
	}
	items := []map[string]any{
		{"name": "月探访率", "weight": 40, "scoring": "computed", "metric": "indicator:elderly_monthly_visit_rate", "rule": "linear", "floor": 50, "goal": 100},
		{"name": "议事协商", "weight": 60, "scoring": "hand"},
	}
	mk := func(tok string, year int, items []map[string]any, open bool) (string, assessment.AssessmentScheme) {
		var sc assessment.AssessmentScheme
		body := map[string]any{"year": year, "name": fmt.Sprintf("方案%d", year)}
		if open {
			body["items"] = items
		}
		call("POST", "/api/v1/assessment-schemes", tok, body, http.StatusCreated, &sc)
		id := strconv.FormatInt(sc.ID, 10)
		if open {
			call("POST", "/api/v1/assessment-schemes/"+id+"/open", tok, nil, http.StatusOK, nil)
		} else { // a draft, item by item
			for _, it := range items {
				call("POST", "/api/v1/assessment-schemes/"+id+"/items", tok, it, http.StatusOK, &sc)
			}
		}
		return id, sc
	}
	county := e.Token(auth.CountyStaff, apptest.County)
	var sc assessment.AssessmentScheme
	f.open, sc = mk(county, f.year, items, true)
	f.hand = strconv.FormatInt(sc.Items[1].ID, 10)
	f.city, _ = mk(e.Token(auth.CityStaff, apptest.City), f.year, items, true)
	f.draft, sc = mk(county, f.year+1, items[1:2], false)
	f.draftItem = strconv.FormatInt(sc.Items[0].ID, 10)
	f.siblingDraft, sc = mk(e.Token(auth.CountyStaff, apptest.SiblingCounty), f.year, items[1:2], false)
	f.siblingItem = strconv.FormatInt(sc.Items[0].ID, 10)
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		cw := e.Token(auth.CommunityWorker, c)
		var a assessment.Assessment
		call("POST", "/api/v1/assessments", cw, map[string]any{"year": f.year}, http.StatusCreated, &a)
		f.ids[c] = strconv.FormatInt(a.ID, 10)
		// The hand item scored with an evidence image, as the worker.
		acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.CommunityWorker, c))
		worker := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.CommunityWorker, Area: auth.AreaOf(c, division.Community)})
		scored, err := e.App.Assessments.ScoreHand(worker, a.ID, a.Scores[1].Item.ID, assessment.AssessmentHandInput{Points: 50}, apptest.Photo(t))
		if err != nil || len(scored.Scores[1].Evidence) != 1 {
			t.Fatal(scored, err)
		}
		f.evidence[c] = strconv.FormatInt(scored.Scores[1].Evidence[0], 10)
		call("POST", "/api/v1/assessments/"+f.ids[c]+"/submit", cw, nil, http.StatusOK, nil)
	}
	return f
}

// reviewed brings a community's assessment to review by its township.
func (f *assessmentFixture) reviewed(code string) func(testing.TB, *apptest.Env) {
	return func(t testing.TB, e *apptest.Env) {
		t.Helper()
		town := code[:9] + "000"
		if res := e.API("POST", "/api/v1/assessments/"+f.ids[code]+"/review", e.Token(auth.TownshipStaff, town), nil); res.StatusCode != http.StatusOK {
			t.Fatalf("review: %d %s", res.StatusCode, res.Body)
		}
	}
}

// The assessment routes × every role × own and sibling areas: county (and
// city) staff define schemes of their own division; a community worker
// self-assesses their community; township staff review their township's;
// county staff approve or return their county's; rankings are read by
// staff of the area, by communities once published.
func TestAssessmentAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		f := seedAssessment(t, e)
		var out []Scenario
		for role, area := range home {
			read := slices.Contains(assessment.ReadRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				p := "/api/v1/assessments/" + f.ids[code]
				score := Scenario{Name: "score " + name, Method: "PUT", Path: p + "/items/" + f.hand, Role: role, Area: area,
					Body: map[string]any{"points": 40, "change_reason": "佐证不足"}, Status: http.StatusForbidden}
				submit := Scenario{Name: "submit " + name, Method: "POST", Path: p + "/submit", Role: role, Area: area, Status: http.StatusForbidden}
				switch role {
				case auth.TownshipStaff:
					score.Status = expect(true, inside, http.StatusOK, http.StatusNotFound)
				case auth.CommunityWorker:
					score.Status = expect(true, inside, http.StatusConflict, http.StatusNotFound) // submitted already
					submit.Status = expect(true, inside, http.StatusConflict, http.StatusNotFound)
				}
				approve := Scenario{Name: "approve " + name, Method: "POST", Path: p + "/approve", Role: role, Area: area,
					Status: expect(role == auth.CountyStaff, inside, http.StatusOK, http.StatusNotFound)}
				ret := Scenario{Name: "return " + name, Method: "POST", Path: p + "/return", Role: role, Area: area, Body: map[string]any{"return_reason": "佐证不全"},
					Status: expect(role == auth.CountyStaff, inside, http.StatusOK, http.StatusNotFound)}
				if role == auth.CountyStaff {
					approve.Setup, ret.Setup = f.reviewed(code), f.reviewed(code)
				}
				out = append(out, score, submit, approve, ret,
					Scenario{Name: "get " + name, Method: "GET", Path: p, Role: role, Area: area, Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "review " + name, Method: "POST", Path: p + "/review", Role: role, Area: area,
						Status: expect(role == auth.TownshipStaff, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "page " + name, Method: "GET", Path: "/assessments/" + f.ids[code], Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					// Evidence is served only through an assessment the caller
					// may read; an image it does not hold is not found.
					Scenario{Name: "evidence of no record " + name, Method: "GET", Path: "/assessments/" + f.ids[code] + "/evidence/999999", Role: role, Area: area,
						Status: expect(read, inside, http.StatusNotFound, http.StatusNotFound)},
					Scenario{Name: "evidence " + name, Method: "GET", Path: "/assessments/" + f.ids[code] + "/evidence/" + f.evidence[code], Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					// The far community's image, through the own assessment.
					Scenario{Name: "evidence through another assessment " + name, Method: "GET", Role: role, Area: area,
						Path:   "/assessments/" + f.ids[apptest.Community] + "/evidence/" + f.evidence[apptest.FarCommunity],
						Status: expect(read, true, http.StatusNotFound, 0)},
				)
			}
			// Schemes: the county's open one and next year's draft; the
			// sibling county's draft.
			define := role == auth.CountyStaff
			schemeRows := []Scenario{
				{Name: "scheme own " + string(role), Method: "GET", Path: "/api/v1/assessment-schemes/" + f.open, Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				{Name: "scheme sibling " + string(role), Method: "GET", Path: "/api/v1/assessment-schemes/" + f.siblingDraft, Role: role, Area: area,
					Status: expect(read, role == auth.CityStaff, http.StatusOK, http.StatusNotFound)},
				{Name: "scheme page " + string(role), Method: "GET", Path: "/assessment/schemes/" + f.open, Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				{Name: "add item own " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes/" + f.draft + "/items", Role: role, Area: area,
					Body: map[string]any{"name": "四零活动", "weight": 40, "scoring": "hand"}, Status: schemeStatus(role, define, true)},
				{Name: "add item sibling " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes/" + f.siblingDraft + "/items", Role: role, Area: area,
					Body: map[string]any{"name": "四零活动", "weight": 40, "scoring": "hand"}, Status: schemeStatus(role, define, false)},
				{Name: "remove item own " + string(role), Method: "DELETE", Path: "/api/v1/assessment-schemes/" + f.draft + "/items/" + f.draftItem, Role: role, Area: area,
					Status: schemeStatus(role, define, true)},
				{Name: "remove item sibling " + string(role), Method: "DELETE", Path: "/api/v1/assessment-schemes/" + f.siblingDraft + "/items/" + f.siblingItem, Role: role, Area: area,
					Status: schemeStatus(role, define, false)},
				{Name: "open own " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes/" + f.draft + "/open", Role: role, Area: area,
					Status: schemeStatus(role, define, true)},
				{Name: "publish own " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes/" + f.open + "/publish", Role: role, Area: area,
					Status: schemeStatus(role, define, true)},
				{Name: "publish sibling " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes/" + f.siblingDraft + "/publish", Role: role, Area: area,
					Status: schemeStatus(role, define, false)},
				{Name: "create " + string(role), Method: "POST", Path: "/api/v1/assessment-schemes", Role: role, Area: area,
					Body:   map[string]any{"year": f.year + 2, "name": "后年方案"},
					Status: expect(slices.Contains(assessment.DefineRoles, role), true, http.StatusCreated, 0)},
				{Name: "start " + string(role), Method: "POST", Path: "/api/v1/assessments", Role: role, Area: area, Body: map[string]any{"year": f.year},
					Status: expect(role == auth.CommunityWorker, true, http.StatusConflict, 0)},
				{Name: "list " + string(role), Method: "GET", Path: "/api/v1/assessments", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0),
					Contains: containsIf(read, `"community_code":"`+apptest.Community+`"`), NotContains: containsIf(area != apptest.City, `"community_code":"`+apptest.FarCommunity+`"`)},
				{Name: "schemes page " + string(role), Method: "GET", Path: "/assessment/schemes", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0),
					Contains: containsIf(read, "方案")},
				{Name: "ranking page " + string(role), Method: "GET", Path: "/assessment/schemes/" + f.open + "/ranking", Role: role, Area: area,
					Status: expect(read, role != auth.CommunityWorker, http.StatusOK, http.StatusNotFound)},
				{Name: "list page " + string(role), Method: "GET", Path: "/assessments", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
				{Name: "schemes " + string(role), Method: "GET", Path: "/api/v1/assessment-schemes", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
				{Name: "metrics " + string(role), Method: "GET", Path: "/api/v1/assessment-metrics", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
				{Name: "export " + string(role), Method: "GET", Path: "/assessments/export.xlsx", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)},
			}
			// Rankings: staff of the area see them; a community only once published.
			rank := Scenario{Name: "ranking " + string(role), Method: "GET", Path: "/api/v1/assessment-schemes/" + f.open + "/ranking", Role: role, Area: area,
				Status: expect(read, role != auth.CommunityWorker, http.StatusOK, http.StatusNotFound)}
			out = append(out, append(schemeRows, rank)...)
			if role == auth.CommunityWorker {
				out = append(out, Scenario{Name: "ranking published " + string(role), Method: "GET", Path: "/api/v1/assessment-schemes/" + f.open + "/ranking",
					Role: role, Area: area, Status: http.StatusOK,
					Setup: func(t testing.TB, e *apptest.Env) {
						if res := e.API("POST", "/api/v1/assessment-schemes/"+f.open+"/publish", e.Token(auth.CountyStaff, apptest.County), nil); res.StatusCode != http.StatusOK {
							t.Fatalf("publish: %d %s", res.StatusCode, res.Body)
						}
					}})
			}
		}
		for i := range out {
			if out[i].Name == "open own "+string(auth.CountyStaff) {
				out[i].Status, out[i].Contains = http.StatusUnprocessableEntity, []string{"100"} // the draft's weights sum to 60
			}
		}
		out = append(out,
			Scenario{Name: "anonymous list", Method: "GET", Path: "/api/v1/assessments", Status: http.StatusUnauthorized},
			Scenario{Name: "anonymous schemes", Method: "GET", Path: "/api/v1/assessment-schemes", Status: http.StatusUnauthorized},
			Scenario{Name: "veto refused", Method: "POST", Path: "/api/v1/assessment-schemes/" + f.draft + "/items", Role: auth.CountyStaff, Area: apptest.County,
				Body:   map[string]any{"name": "安全稳定", "weight": 40, "scoring": "computed", "metric": "indicator:elderly_monthly_visit_rate", "rule": "veto"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"rule"`}},
			Scenario{Name: "weights over 100", Method: "POST", Path: "/api/v1/assessment-schemes/" + f.draft + "/items", Role: auth.CountyStaff, Area: apptest.County,
				Body: map[string]any{"name": "四零活动", "weight": 41, "scoring": "hand"}, Status: http.StatusUnprocessableEntity},
			Scenario{Name: "hand points over weight", Method: "PUT", Path: "/api/v1/assessments/" + f.ids[apptest.Community] + "/items/" + f.hand,
				Role: auth.TownshipStaff, Area: apptest.Township, Body: map[string]any{"points": 61, "change_reason": "x"}, Status: http.StatusUnprocessableEntity},
			Scenario{Name: "township change without reason", Method: "PUT", Path: "/api/v1/assessments/" + f.ids[apptest.Community] + "/items/" + f.hand,
				Role: auth.TownshipStaff, Area: apptest.Township, Body: map[string]any{"points": 30}, Status: http.StatusUnprocessableEntity,
				Contains: []string{"change_reason"}},
			Scenario{Name: "return without reason", Method: "POST", Path: "/api/v1/assessments/" + f.ids[apptest.Community] + "/return",
				Role: auth.CountyStaff, Area: apptest.County, Body: map[string]any{"return_reason": ""}, Status: http.StatusUnprocessableEntity,
				Setup: f.reviewed(apptest.Community)},
			Scenario{Name: "approve unreviewed", Method: "POST", Path: "/api/v1/assessments/" + f.ids[apptest.Community] + "/approve",
				Role: auth.CountyStaff, Area: apptest.County, Status: http.StatusConflict},
			Scenario{Name: "no scheme next year", Method: "POST", Path: "/api/v1/assessments", Role: auth.CommunityWorker, Area: apptest.Community,
				Body: map[string]any{"year": f.year + 1}, Status: http.StatusNotFound},
		)
		return out
	})
}

// schemeStatus is a change to a scheme: county staff change their own
// county's (404 for another county's), city staff may read a county's but
// not change it (403), every other role is refused (403).
func schemeStatus(role auth.Role, define, own bool) int {
	switch {
	case define && own:
		return http.StatusOK
	case define:
		return http.StatusNotFound
	}
	return http.StatusForbidden
}
