package survey_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/measure"
	"shequ/internal/survey"
)

// questionnaire builds one of each kind as county staff.
func questionnaire(t *testing.T, e *apptest.Env) survey.Questionnaire {
	t.Helper()
	res := e.API("POST", "/api/v1/questionnaires", e.Token(auth.CountyStaff, apptest.County), map[string]any{
		"title": "2026 年社区服务满意度", "questions": []map[string]any{
			{"kind": "rating", "text": "您对社区服务总体是否满意？", "required": true},
			{"kind": "single", "text": "您多久去一次服务大厅？", "options": []string{"每周", "每月", "很少"}},
			{"kind": "multiple", "text": "您用过哪些服务？", "options": []string{"养老", "托育", "文体"}},
			{"kind": "text", "text": "您的建议"},
		}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("questionnaire: %d %s", res.StatusCode, res.Body)
	}
	var q survey.Questionnaire
	res.JSON(t, &q)
	if len(q.Questions) != 4 || q.Questions[1].Options[2] != "很少" || q.DivisionCode != apptest.County {
		t.Fatalf("questionnaire %+v", q)
	}
	return q
}

func openRound(t *testing.T, e *apptest.Env, q survey.Questionnaire, area string, min int) survey.Round {
	t.Helper()
	today := e.App.Surveys.Today()
	res := e.API("POST", "/api/v1/survey-rounds", e.Token(auth.CountyStaff, apptest.County), map[string]any{
		"questionnaire_id": q.ID, "division_code": area, "title": "2026 年度测评", "opens_on": today, "closes_on": today, "min_responses": min})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("round: %d %s", res.StatusCode, res.Body)
	}
	var r survey.Round
	res.JSON(t, &r)
	return r
}

func path(r survey.Round, rest string) string {
	return "/api/v1/survey-rounds/" + strconv.FormatInt(r.ID, 10) + rest
}

// A round over a township: a resident answers once online, a worker enters
// an interview, the results count both per question and per community,
// and closing the round counts the community as surveyed for the year.
func TestRoundAnswersResultsAndCoverage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	q := questionnaire(t, e)
	r := openRound(t, e, q, apptest.Township, 2)
	if r.MinResponses != 2 || r.Status != survey.Open {
		t.Fatalf("round %+v", r)
	}
	qs := q.Questions
	resident := e.Token(auth.Resident, apptest.Community)
	answers := []map[string]any{{"question_id": qs[0].ID, "value": 5}, {"question_id": qs[1].ID, "value": 2},
		{"question_id": qs[2].ID, "values": []int{1, 3}}, {"question_id": qs[3].ID, "text": "希望增加夜间开放时间"}}
	if res := e.API("POST", path(r, "/responses"), resident, map[string]any{"answers": answers}); res.StatusCode != http.StatusNoContent {
		t.Fatalf("answer: %d %s", res.StatusCode, res.Body)
	}
	// Once per account per round.
	if res := e.API("POST", path(r, "/responses"), resident, map[string]any{"answers": answers}); res.StatusCode != http.StatusConflict {
		t.Fatalf("second answer: %d %s", res.StatusCode, res.Body)
	}
	var form survey.Form
	e.API("GET", path(r, ""), resident, nil).JSON(t, &form)
	if !form.Answered || len(form.Questions) != 4 {
		t.Fatalf("form %+v", form)
	}
	// A required question left out, an option that does not exist.
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	for _, bad := range [][]map[string]any{{{"question_id": qs[1].ID, "value": 1}}, {{"question_id": qs[0].ID, "value": 3}, {"question_id": qs[1].ID, "value": 4}}} {
		if res := e.API("POST", path(r, "/responses"), worker, map[string]any{"answers": bad}); res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad answer %v: %d %s", bad, res.StatusCode, res.Body)
		}
	}
	// The worker's interview, for their community.
	if res := e.API("POST", path(r, "/responses"), worker, map[string]any{"answers": []map[string]any{{"question_id": qs[0].ID, "value": 2}}}); res.StatusCode != http.StatusNoContent {
		t.Fatalf("interview: %d %s", res.StatusCode, res.Body)
	}
	// A resident of another township does not see the round at all.
	if res := e.API("POST", path(r, "/responses"), e.Token(auth.Resident, apptest.CousinCommunity), map[string]any{"answers": answers}); res.StatusCode != http.StatusNotFound {
		t.Fatalf("outside resident: %d %s", res.StatusCode, res.Body)
	}
	var got survey.Results
	res := e.API("GET", path(r, "/results"), e.Token(auth.CountyStaff, apptest.County), nil)
	res.JSON(t, &got)
	if got.Division.Code != apptest.Township || got.Division.Responses != 2 || got.Division.Interviews != 1 || got.Division.Surveyed != 1 {
		t.Fatalf("results %+v", got.Division)
	}
	rating := got.Questions[0]
	if rating.Answered != 2 || rating.Average != 3.5 || rating.Options[4].Count != 1 || rating.Options[1].Count != 1 || rating.Options[4].Share != 50 {
		t.Fatalf("rating %+v", rating)
	}
	if m := got.Questions[2]; m.Answered != 1 || m.Options[0].Count != 1 || m.Options[1].Count != 0 || m.Options[2].Count != 1 {
		t.Fatalf("multiple %+v", m)
	}
	found := false
	for _, c := range got.Children {
		if c.Code == apptest.Community {
			found = c.Responses == 2 && c.Surveyed == 1
		} else if c.Responses != 0 {
			t.Fatalf("child %+v", c)
		}
	}
	if !found {
		t.Fatalf("children %+v", got.Children)
	}
	// Free text inside the area only.
	texts := path(r, "/questions/"+strconv.FormatInt(qs[3].ID, 10)+"/texts")
	if res := e.API("GET", texts, e.Token(auth.TownshipStaff, apptest.Township), nil); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "夜间开放") {
		t.Fatalf("texts: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("GET", texts, e.Token(auth.CommunityWorker, apptest.SiblingCommunity), nil); res.StatusCode != http.StatusOK || strings.Contains(res.Body, "夜间开放") {
		t.Fatalf("texts from a sibling: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("GET", texts+"?division="+apptest.Community, e.Token(auth.CommunityWorker, apptest.SiblingCommunity), nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("texts of another community: %d %s", res.StatusCode, res.Body)
	}
	// The pages: the results with the drill-down, the export, the
	// resident's view of a round already answered.
	county := e.Session(auth.CountyStaff, apptest.County)
	if res := county.Get("/surveys/rounds/" + strconv.FormatInt(r.ID, 10) + "/results?division=" + apptest.Township); res.StatusCode != http.StatusOK ||
		!strings.Contains(res.Body, "游园社区") || !strings.Contains(res.Body, "夜间开放") {
		t.Fatalf("results page: %d %.500s", res.StatusCode, res.Body)
	}
	if x := county.Get("/surveys/rounds/" + strconv.FormatInt(r.ID, 10) + "/results.xlsx"); x.StatusCode != http.StatusOK || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("export: %d %s", x.StatusCode, x.Header.Get("Content-Type"))
	}
	if res := e.Session(auth.Resident, apptest.Community).Get("/surveys/rounds/" + strconv.FormatInt(r.ID, 10)); res.StatusCode != http.StatusOK ||
		!strings.Contains(res.Body, `id="answered"`) || strings.Contains(res.Body, "/results") {
		t.Fatalf("resident's round page: %d %.500s", res.StatusCode, res.Body)
	}
	// Workers cannot close; the township can, early.
	if res := e.API("POST", path(r, "/close"), worker, nil); res.StatusCode != http.StatusForbidden {
		t.Fatalf("worker close: %d", res.StatusCode)
	}
	if res := e.API("POST", path(r, "/close"), e.Token(auth.TownshipStaff, apptest.SiblingTownship), nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sibling township close: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path(r, "/close"), e.Token(auth.TownshipStaff, apptest.Township), nil); res.StatusCode != http.StatusOK {
		t.Fatalf("close: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path(r, "/responses"), e.Token(auth.GridWorker, apptest.Community), map[string]any{"answers": answers}); res.StatusCode != http.StatusConflict {
		t.Fatalf("answer after close: %d %s", res.StatusCode, res.Body)
	}
	year := e.App.Surveys.Today()[:4]
	tot, err := (&measure.Store{DB: e.App.DB}).Totals(e.Ctx, []string{measure.Key(survey.CommunitiesSurveyed, year)}, []string{apptest.Community, apptest.SiblingCommunity, apptest.Township})
	if err != nil {
		t.Fatal(err)
	}
	key := measure.Key(survey.CommunitiesSurveyed, year)
	if tot[apptest.Community][key] != 1 || tot[apptest.SiblingCommunity][key] != 0 || tot[apptest.Township][key] != 1 {
		t.Fatalf("surveyed %v", tot)
	}
	// The indicator reads it.
	rep, err := e.App.Indicators.ForDivision(e.Ctx, apptest.Township)
	if err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, f := range rep.Figures {
		if f.Indicator == "satisfaction_survey_coverage" {
			seen = true
			if f.Numerator != 1 {
				t.Fatalf("coverage %+v", f)
			}
		}
	}
	if !seen {
		t.Fatal("no satisfaction_survey_coverage figure")
	}
	// The measure survives a rebuild from the rounds.
	if err := e.App.Surveys.Reconcile(e.Ctx, true); err != nil {
		t.Fatal(err)
	}
	if v, _ := (&measure.Store{DB: e.App.DB}).Totals(e.Ctx, []string{key}, []string{apptest.Township}); v[apptest.Township][key] != 1 {
		t.Fatalf("after rebuild %v", v)
	}
}

// A round below its minimum counts nothing; the job closes rounds past
// their last day, on that day.
func TestCloseDueBelowMinimum(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	q := questionnaire(t, e)
	r := openRound(t, e, q, apptest.Community, 2)
	if res := e.API("POST", path(r, "/responses"), e.Token(auth.Resident, apptest.Community),
		map[string]any{"answers": []map[string]any{{"question_id": q.Questions[0].ID, "value": 4}}}); res.StatusCode != http.StatusNoContent {
		t.Fatalf("answer: %d %s", res.StatusCode, res.Body)
	}
	if n, err := e.App.Surveys.CloseDue(e.Ctx); err != nil || n != 0 {
		t.Fatalf("nothing due yet: %d %v", n, err)
	}
	later := time.Now().Add(48 * time.Hour)
	e.App.Surveys.Now = func() time.Time { return later }
	if n, err := e.App.Surveys.CloseDue(e.Ctx); err != nil || n != 1 {
		t.Fatalf("due: %d %v", n, err)
	}
	got, err := e.App.Surveys.Round(e.Ctx, r.ID)
	if err != nil || got.Status != survey.Closed || got.ClosedOn != r.ClosesOn {
		t.Fatalf("closed %+v %v", got, err)
	}
	key := measure.Key(survey.CommunitiesSurveyed, r.ClosesOn[:4])
	if v, _ := (&measure.Store{DB: e.App.DB}).Totals(e.Ctx, []string{key}, []string{apptest.Community}); v[apptest.Community][key] != 0 {
		t.Fatalf("one response of two counted: %v", v)
	}
}

// Building: bad questionnaires and rounds change nothing; who may build.
func TestBuildRules(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	county := e.Token(auth.CountyStaff, apptest.County)
	for _, body := range []map[string]any{
		{"title": "空问卷", "questions": []map[string]any{}},
		{"title": "一个选项", "questions": []map[string]any{{"kind": "single", "text": "是否？", "options": []string{"是"}}}},
		{"title": "", "questions": []map[string]any{{"kind": "rating", "text": "满意吗？"}}},
		{"title": "外区", "division_code": apptest.FarCommunity, "questions": []map[string]any{{"kind": "rating", "text": "满意吗？"}}},
	} {
		if res := e.API("POST", "/api/v1/questionnaires", county, body); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d %s", body["title"], res.StatusCode, res.Body)
		}
	}
	if res := e.API("POST", "/api/v1/questionnaires", e.Token(auth.CommunityWorker, apptest.Community),
		map[string]any{"title": "x", "questions": []map[string]any{{"kind": "rating", "text": "满意吗？"}}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("worker builds: %d", res.StatusCode)
	}
	var list struct{ Items []survey.Questionnaire }
	e.API("GET", "/api/v1/questionnaires", county, nil).JSON(t, &list)
	if len(list.Items) != 0 {
		t.Fatalf("bad input kept: %+v", list.Items)
	}
	q := questionnaire(t, e)
	// A township reuses the county's questionnaire; a sibling county does not see it.
	if res := e.API("GET", "/api/v1/questionnaires/"+strconv.FormatInt(q.ID, 10), e.Token(auth.TownshipStaff, apptest.Township), nil); res.StatusCode != http.StatusOK {
		t.Errorf("township reads the county's: %d", res.StatusCode)
	}
	if res := e.API("GET", "/api/v1/questionnaires/"+strconv.FormatInt(q.ID, 10), e.Token(auth.CountyStaff, apptest.SiblingCounty), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("sibling county reads it: %d", res.StatusCode)
	}
	today := e.App.Surveys.Today()
	for _, body := range []map[string]any{
		{"questionnaire_id": q.ID, "division_code": apptest.FarCommunity, "title": "外区", "opens_on": today, "closes_on": today},
		{"questionnaire_id": q.ID, "division_code": apptest.Community, "title": "倒序", "opens_on": today, "closes_on": "2000-01-01"},
		{"questionnaire_id": q.ID, "division_code": apptest.Community, "title": "负数", "opens_on": today, "closes_on": today, "min_responses": -1},
	} {
		if res := e.API("POST", "/api/v1/survey-rounds", county, body); res.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%v: %d %s", body["title"], res.StatusCode, res.Body)
		}
	}
	r := openRound(t, e, q, apptest.Community, 0)
	if r.MinResponses != survey.DefaultMinResponses {
		t.Errorf("default minimum %d", r.MinResponses)
	}
}

// No table that holds answers names an account: who answered is kept
// apart (survey_respondents), and responses carry only their community.
func TestAnswersAreAnonymous(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for _, table := range []string{"survey_responses", "survey_answers", "survey_summary", "survey_tally"} {
		rows, err := e.App.DB.Q(context.Background()).QueryContext(context.Background(), `SELECT * FROM `+table+` WHERE 1 = 0`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		for _, c := range cols {
			if strings.Contains(c, "user") || strings.Contains(c, "account") || c == "created_at" {
				t.Errorf("%s.%s could link an answer to an account", table, c)
			}
		}
	}
}

// A bulk load counts as the same interviews answered one at a time: every
// division's totals and every option's count agree, over three loads: the
// second brings a community to the round's minimum, the third another, and
// adds to the first.
func TestLoadCountsAsAnswersDo(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	q := questionnaire(t, e)
	qs := q.Questions
	round := func() survey.Round {
		r, err := e.App.Surveys.CreateRound(e.Ctx, survey.RoundInput{QuestionnaireID: q.ID, DivisionCode: apptest.City, Title: "全市测评",
			OpensOn: e.App.Surveys.Today(), ClosesOn: e.App.Surveys.Today(), MinResponses: 3})
		if err != nil {
			t.Fatal(err)
		}
		return *r
	}
	one, bulk := round(), round()
	var responses []survey.ResponseInput
	for i, c := range []string{apptest.Community, apptest.Community, apptest.SiblingCommunity, apptest.FarCommunity,
		apptest.Community, apptest.Community, apptest.CousinCommunity, apptest.FarCommunity, apptest.FarCommunity, apptest.Community} {
		in := survey.ResponseInput{Community: c, Answers: []survey.Answer{{QuestionID: qs[0].ID, Value: 1 + i%5}}}
		if i%2 == 0 {
			in.Answers = append(in.Answers, survey.Answer{QuestionID: qs[1].ID, Value: 1 + i%3}, survey.Answer{QuestionID: qs[2].ID, Values: []int{1, 2 + i%2}})
		}
		if i%3 == 0 {
			in.Answers = append(in.Answers, survey.Answer{QuestionID: qs[3].ID, Text: "建议" + strconv.Itoa(i)})
		}
		responses = append(responses, in)
	}
	city := e.Token(auth.CityStaff, apptest.City)
	for i, in := range responses {
		if res := e.API("POST", path(one, "/responses"), city, in); res.StatusCode != http.StatusNoContent {
			t.Fatalf("answer %d: %d %s", i, res.StatusCode, res.Body)
		}
	}
	for _, part := range [][]survey.ResponseInput{responses[:4], responses[4:7], responses[7:]} {
		if err := e.App.Surveys.Load(e.Ctx, bulk.ID, part, e.App.Surveys.Today()); err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, "131103100000",
		apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		want, err := e.App.Surveys.Results(e.Ctx, one.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.App.Surveys.Results(e.Ctx, bulk.ID, code)
		if err != nil {
			t.Fatal(err)
		}
		want.Round, got.Round = nil, nil
		if w, g := fmt.Sprintf("%+v", *want), fmt.Sprintf("%+v", *got); w != g {
			t.Errorf("%s: answered one at a time\n%s\nloaded\n%s", code, w, g)
		}
	}
	if r, _ := e.App.Surveys.Results(e.Ctx, bulk.ID, apptest.City); r.Division.Responses != 10 || r.Division.Surveyed != 2 || r.Division.Communities != 4 {
		t.Fatalf("city %+v", r.Division)
	}
}
