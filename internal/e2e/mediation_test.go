package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/request"
)

// TestMediationJourney: a resident files a neighbours' dispute on a phone;
// a community worker opens it as a mediation case from the request's page,
// assigns the committee's mediator, logs a session and records the
// agreement signed yesterday, then the callback today; the worker may not
// close the case they mediated, a township officer does; the figures page
// counts the case, the agreement and that it was kept. Every page passes
// axe-core.
func TestMediationJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	city := e.Token(auth.CityStaff, apptest.City)
	var c mediation.Committee
	if res := e.API("POST", "/api/v1/mediation/committees", city, map[string]any{"community_code": apptest.Community,
		"name": "游园社区人民调解委员会", "established_on": "2020-03-01", "chair": "李主任"}); res.StatusCode != 201 {
		t.Fatalf("committee: %d %s", res.StatusCode, res.Body)
	} else {
		res.JSON(t, &c)
	}
	if res := e.API("POST", "/api/v1/mediation/committees/"+itoa(c.ID)+"/mediators", city, map[string]any{"name": "赵调解",
		"term_from": "2024-01-01", "term_to": "2099-12-31"}); res.StatusCode != 201 {
		t.Fatalf("mediator: %d %s", res.StatusCode, res.Body)
	}
	resident, worker, township := e.User(auth.Resident, apptest.Community), e.User(auth.CommunityWorker, apptest.Community),
		e.User(auth.TownshipStaff, apptest.Township)

	b := newBrowser(t, e.URL, 360, 740)
	b.login(resident, apptest.Password)
	b.open("/requests/new")
	b.do("fill the request form",
		chromedp.WaitVisible(chromedp.CSS("#request-form")),
		chromedp.SetValue(chromedp.CSS("#f-category_code"), "dispute.neighbour"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "楼上装修每天夜里施工，协商无果"),
	)
	b.navigate("submit the request", chromedp.Click(chromedp.CSS("#request-submit")))
	id, _, ok := request.ParseNumber(b.text("#request-number"))
	if !ok {
		t.Fatalf("no request number at %s", b.path())
	}
	number := b.text("#request-number")
	b.signOut()

	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(worker, apptest.Password)
	b.open("/requests/" + itoa(id))
	b.act("open a mediation case", "#open-case-submit")
	if !strings.HasPrefix(b.path(), "/mediation/cases/") || b.text("#case-request") != number {
		t.Fatalf("the case at %s shows the request %q, want %q", b.path(), b.text("#case-request"), number)
	}
	casePath := b.path()
	b.act("assign the mediator", "#assign-submit")
	if got := b.text("#case-mediators"); got != "赵调解" {
		t.Errorf("mediators %q", got)
	}
	b.act("log a session", "#step-submit", chromedp.SendKeys(chromedp.CSS("#f-step-note"), "双方到场，约定白天施工"))
	yesterday := time.Now().In(calendar.China).AddDate(0, 0, -1).Format(mediation.DateLayout)
	b.act("record the agreement", "#agreement-submit",
		chromedp.SendKeys(chromedp.CSS("#f-terms"), "施工限于每日 8:00–18:00，楼上承担楼下墙面修补费用"),
		chromedp.SetValue(chromedp.CSS("#f-signed"), yesterday))
	if got := b.text("#case-status"); got != "已达成协议" {
		t.Fatalf("after the agreement the case is %q", got)
	}
	b.act("record the callback", "#callback-submit", chromedp.SendKeys(chromedp.CSS("#f-fu-note"), "已按协议施工"))
	if got := b.text("#case-callback"); !strings.Contains(got, "已履行") {
		t.Errorf("callback %q", got)
	}
	// The mediator's own closing is refused with the reason on the page.
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#close-submit"))); err != nil {
		b.fail("close as the mediator", err)
	}
	if got := b.text(".errors"); !strings.Contains(got, "参与调解的人员不能审核结案") {
		t.Errorf("closing by the mediator says %q", got)
	}
	b.checkA11y("closing refused")
	b.signOut()

	b.login(township, apptest.Password)
	b.open(casePath)
	b.act("close the case", "#close-submit")
	if got := b.text("#case-status"); got != "已结案" {
		t.Fatalf("after closing the case is %q", got)
	}
	b.open("/requests/" + itoa(id))
	if got := b.text("#request-case"); got == "" {
		t.Errorf("the request's page does not show the case")
	}
	// The township's figures: its own area, a row per community.
	b.open("/mediation/figures")
	if got := b.text("#mediation-figures"); !strings.Contains(got, "游园社区居民委员会") {
		t.Errorf("the figures lack the community's row: %q", got)
	}
	cells := strings.Fields(b.text("#figures-total"))
	if len(cells) < 4 || cells[1] != "1" || cells[2] != "1" || cells[3] != "1" {
		t.Errorf("figures total %q, want 1 case, 1 agreement, 1 kept", cells)
	}
	b.open("/mediation/cases")
	if got := b.text("#cases"); !strings.Contains(got, number) {
		t.Errorf("the case list %q lacks the request number", got)
	}
}
