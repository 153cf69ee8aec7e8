package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// TestEmergencyJourney: county staff send a flood alert to a township; a
// resident there finds it in their inbox on a phone; the community's grid
// worker, on a 360px phone, opens the task list from their inbox and marks
// everyone reached; the sender's coverage page, left open, fills in by
// itself to 100 %. Every page passes axe-core.
func TestEmergencyJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	ps := person.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	for i, kind := range []string{"living_alone", "disabled", "living_alone"} {
		first := fmt.Sprintf("13110219380707%03d", 700+i)
		id, name, code := first+string(idcard.CheckChar(first)), []string{"张桂兰", "王秀英", "李长顺"}[i], apptest.Community
		groups := []person.Membership{{Group: person.GroupElderly, Kinds: []string{kind}, Start: "2026-01-01", Basis: "民政认定"}}
		if _, err := ps.Create(e.Ctx, person.Patch{CommunityCode: &code, Name: &name, IDNumber: &id, Groups: &groups}); err != nil {
			t.Fatal(err)
		}
	}
	sender := e.User(auth.CountyStaff, apptest.County)
	resident := e.User(auth.Resident, apptest.Community)
	grid := e.User(auth.GridWorker, apptest.Community)

	b := newBrowser(t, e.URL, 1280, 900)
	b.login(sender, apptest.Password)
	passMFA(t, e, sender)
	b.open("/emergency/alerts/new")
	b.checkA11y("alert form")
	b.do("fill the alert",
		chromedp.WaitVisible(chromedp.CSS("#alert-form")),
		chromedp.SetValue(chromedp.CSS("#f-area_code"), apptest.Township),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "flood"),
		chromedp.SetValue(chromedp.CSS("#f-level"), "orange"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "滏阳河水位超警戒，低洼地带居民请立即转移至河西街道应急避难场所"),
	)
	b.navigate("send the alert", chromedp.Click(chromedp.CSS("#send-alert")))
	alertPath := b.path()
	if !strings.HasPrefix(alertPath, "/emergency/alerts/") {
		t.Fatalf("after sending: %s", alertPath)
	}
	if got := b.text("#alert-residents"); got != "1" {
		t.Errorf("residents notified %q, want 1", got)
	}
	if got := b.text("#coverage-percent"); got != "0" {
		t.Errorf("coverage before anyone was reached %q", got)
	}
	b.checkA11y("coverage")

	// A second browser: the phone, while the sender's page stays open.
	phone := newBrowser(t, e.URL, 360, 740)
	phone.login(resident, apptest.Password)
	phone.navigate("open the inbox", chromedp.Click(chromedp.CSS("#inbox-link")))
	if got := phone.text("#inbox li:first-child"); !strings.Contains(got, "橙色洪涝预警") || !strings.Contains(got, "滏阳河水位超警戒") {
		t.Errorf("the resident's newest message reads %q", got)
	}
	phone.checkA11y("resident inbox")
	phone.signOut()

	phone.login(grid, apptest.Password)
	phone.navigate("open the inbox", chromedp.Click(chromedp.CSS("#inbox-link")))
	phone.navigate("open the alert's message", chromedp.Click(chromedp.CSS("#inbox li:first-child a")))
	phone.navigate("open the task list", chromedp.Click(chromedp.CSS("#message-object")))
	if n := eval[int](phone, `document.querySelectorAll("#tasks li").length`); n != 3 {
		t.Fatalf("the grid worker's list holds %d people, want 3", n)
	}
	if got := phone.text("#tasks"); strings.Contains(got, "桂兰") || strings.Contains(got, "秀英") {
		t.Errorf("names are not masked: %q", got)
	}
	phone.checkA11y("task list")
	phone.checkFits("emergency-tasks-phone")
	for i := 0; i < 3; i++ {
		phone.navigate("mark reached", chromedp.Click(chromedp.CSS("#tasks li.task-pending .mark-reached")))
	}
	if n := eval[int](phone, `document.querySelectorAll("#tasks li.task-reached").length`); n != 3 {
		t.Errorf("%d marked reached on the list, want 3", n)
	}
	phone.checkA11y("task list done")

	// The sender's page fills in by itself.
	b.waitFor("coverage reaches 100 %", `document.getElementById("coverage-percent")?.innerText === "100"`, 20*time.Second)
	b.checkA11y("coverage complete")
	b.screenshot("emergency-coverage")
	// The records: the county's figures and the community's page with its forms.
	b.open("/emergency")
	if got := b.text("#fig-alerts"); got != "1" {
		t.Errorf("alerts in the county's figures %q", got)
	}
	b.checkA11y("emergency figures")
	b.open("/emergency/communities/" + apptest.Community)
	b.do("open the forms", chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("details").forEach(d => d.open = true)`))
	b.checkA11y("community emergency records")
}
