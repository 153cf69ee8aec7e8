package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestSurveyJourney: county staff build a questionnaire and open a round
// for a community with a minimum of two responses; a resident answers it
// on a 360px phone and a worker enters an interview; the county closes the
// round and the township's satisfaction_survey_coverage on the dashboard
// moves from 0 to 1 community. Then the resident gives a facility a 差评
// from the community page, the community's worker replies to the
// rectification, and the resident reads the reply. Every page passes axe.
func TestSurveyJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	county := e.User(auth.CountyStaff, apptest.County)
	resident := e.User(auth.Resident, apptest.Community)
	worker := e.User(auth.CommunityWorker, apptest.Community)
	res := e.API("POST", "/api/v1/facilities", e.Token(auth.CityStaff, apptest.City), map[string]any{"division_code": apptest.Community, "kind": "culture",
		"name": "游园文化活动室", "status": "in_use", "hours": []string{"09:00-17:00", "", "", "", "", "", ""}})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
	}

	b := newBrowser(t, e.URL, 1280, 900)
	b.login(county, apptest.Password)
	passMFA(t, e, county)
	coverage := func() string {
		b.open("/indicators/" + apptest.Township)
		return b.text("#ind-satisfaction_survey_coverage td:nth-child(3)")
	}
	before := coverage()
	b.open("/surveys")
	b.checkA11y("surveys, empty")
	b.navigate("new questionnaire", chromedp.Click(chromedp.CSS("#new-questionnaire")))
	b.do("build it",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "2026 年社区服务满意度"),
		chromedp.SendKeys(chromedp.CSS("#text1"), "您对社区服务总体是否满意？"),
		chromedp.SetValue(chromedp.CSS("#kind1"), "rating"),
		chromedp.Click(chromedp.CSS("#required1")),
		chromedp.SendKeys(chromedp.CSS("#text2"), "您多久去一次服务大厅？"),
		chromedp.SetValue(chromedp.CSS("#kind2"), "single"),
		chromedp.SendKeys(chromedp.CSS("#options2"), "每周\n每月\n很少"),
	)
	b.checkA11y("questionnaire builder")
	b.navigate("save it", chromedp.Click(chromedp.CSS("#save-questionnaire")))
	if got := b.text("#questions"); !strings.Contains(got, "您多久去一次服务大厅？") || !strings.Contains(got, "很少") {
		t.Fatalf("questionnaire shows %q at %s", got, b.path())
	}
	b.checkA11y("questionnaire")
	b.navigate("open a round", chromedp.Click(chromedp.CSS("#open-round")))
	b.do("fill the round",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "游园社区 2026 年度测评"),
		chromedp.SetValue(chromedp.CSS("#f-division_code"), apptest.Community),
		chromedp.SetValue(chromedp.CSS("#f-min_responses"), "2"),
	)
	b.checkA11y("round form")
	b.navigate("save the round", chromedp.Click(chromedp.CSS("#save-round")))
	round := b.path()
	if !strings.HasPrefix(round, "/surveys/rounds/") {
		t.Fatalf("the round opened at %s: %s", round, b.text("main"))
	}
	b.checkA11y("round, staff")
	b.signOut()

	// The resident answers on a phone.
	b.do("phone", chromedp.EmulateViewport(360, 740))
	b.login(resident, apptest.Password)
	b.open("/surveys")
	b.navigate("open the round", chromedp.Click(chromedp.CSS("#rounds a")))
	b.checkA11y("round, resident")
	b.do("answer", chromedp.Click(chromedp.CSS(`#question-1 input[value="5"]`)), chromedp.Click(chromedp.CSS(`#question-2 input[value="1"]`)))
	b.navigate("submit", chromedp.Click(chromedp.CSS("#submit-answers")))
	if got := b.text("#answered"); got == "" {
		t.Errorf("after answering the round says %q", b.text("main"))
	}
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the round is %dpx wide on a 360px phone", w)
	}
	b.checkA11y("round, answered")
	b.screenshot("survey-phone")
	b.signOut()

	// The worker enters an interview.
	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(worker, apptest.Password)
	b.open(round)
	b.do("interview", chromedp.Click(chromedp.CSS(`#question-1 input[value="3"]`)))
	b.navigate("submit the interview", chromedp.Click(chromedp.CSS("#submit-answers")))
	b.signOut()

	// The county closes the round: the community is surveyed.
	b.login(county, apptest.Password)
	passMFA(t, e, county)
	b.open(round)
	b.navigate("close", chromedp.Click(chromedp.CSS("#close-round button")))
	if got := b.text("#total-responses"); got != "2" {
		t.Errorf("results count %q responses", got)
	}
	if got := b.text("#result-1 .average"); got != "4.00" {
		t.Errorf("average %q", got)
	}
	b.checkA11y("results")
	if after := coverage(); before != "0" || after != "1" {
		t.Errorf("satisfaction_survey_coverage numerator %q → %q, want 0 → 1", before, after)
	}
	b.signOut()

	// A 差评 from the community page (a browser of its own: each has a
	// deadline for its part of the journey).
	b = newBrowser(t, e.URL, 360, 740)
	b.login(resident, apptest.Password)
	b.open("/communities/" + apptest.Community)
	b.navigate("rate the facility", chromedp.Click(chromedp.CSS(".rate-facility")))
	b.checkA11y("rating form")
	b.do("rate", chromedp.Click(chromedp.CSS("#level-1")), chromedp.SendKeys(chromedp.CSS("#f-comment"), "晚上七点就关门了"))
	b.navigate("submit the rating", chromedp.Click(chromedp.CSS("#submit-rating")))
	rating := b.path()
	if got := b.text("#rectification"); !strings.Contains(got, "整改中") {
		t.Errorf("the rating shows %q at %s", got, rating)
	}
	b.checkA11y("rating, open")
	b.signOut()

	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(worker, apptest.Password)
	b.open("/ratings")
	b.checkA11y("ratings list")
	b.open(rating)
	b.do("reply", chromedp.SendKeys(chromedp.CSS("#f-reply"), "已延长开放至晚上九点"))
	b.navigate("send", chromedp.Click(chromedp.CSS("#submit-reply")))
	b.signOut()

	b.do("phone", chromedp.EmulateViewport(360, 740))
	b.login(resident, apptest.Password)
	if got := b.text("#unread-count"); got == "" || got == "0" {
		t.Errorf("unread after the reply: %q", got)
	}
	b.open(rating)
	if got := b.text("#rectification-reply"); got != "已延长开放至晚上九点" {
		t.Errorf("the resident reads %q", got)
	}
	b.checkA11y("rating, replied")
}
