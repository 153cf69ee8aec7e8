package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
)

// TestPartyMemberJourney: a Party member, a verified resident, registers
// on a 360 px phone with their community, their work unit a resident unit
// and a service post; the community confirms it; they serve in a volunteer
// activity (the volunteer slice's own flow, set up through its service)
// and the hours show as Party-member service on their page and in the
// community's figures; the resident unit's opened venue is in the three
// lists' resources.
func TestPartyMemberJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	township := e.Token(auth.TownshipStaff, apptest.Township)
	res := e.API("POST", "/api/v1/resident-units", township, map[string]any{"division_code": apptest.Community, "name": "衡水市供电公司",
		"kind": "enterprise"})
	var unit struct{ ID int64 }
	if res.JSON(t, &unit); res.StatusCode != http.StatusCreated {
		t.Fatalf("unit: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/resident-units/%d/resources", unit.ID), township, map[string]any{"name": "职工活动中心",
		"kind": "venue", "hours": "周六、周日 9:00-17:00", "capacity": 80}); res.StatusCode != http.StatusCreated {
		t.Fatalf("venue: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", "/api/v1/party-posts", township, map[string]any{"division_code": apptest.Community, "name": "环境整治岗",
		"details": "每月清理楼道"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("post: %d %s", res.StatusCode, res.Body)
	}
	uid := e.VerifiedResident("dangyuan", "王党员", apptest.Community, true)

	phone := newBrowser(t, e.URL, 360, 740)
	phone.login("dangyuan", apptest.Password)
	phone.open("/party/me")
	phone.checkA11y("the registration form")
	phone.checkFits("party registration on a phone")
	phone.navigate("register",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "王党员"),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "13700001111"),
		chromedp.SetValue(chromedp.CSS("#f-resident_unit_id"), fmt.Sprint(unit.ID)),
		chromedp.Click(chromedp.CSS("#party-posts input[name=post]")),
		chromedp.Click(chromedp.CSS("#register-party")),
	)
	if got := phone.text("#my-party-status"); got != "待确认" {
		t.Fatalf("after registering: %q", got)
	}
	if got := phone.text("#my-party-registration"); !strings.Contains(got, "衡水市供电公司") || !strings.Contains(got, "环境整治岗") {
		t.Errorf("the registration: %q", got)
	}
	phone.checkA11y("the member's own page")

	worker, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	worker.open("/party/members?status=pending")
	worker.checkA11y("the community's list")
	worker.navigate("open the registration", chromedp.Click(chromedp.CSS("#party-members a")))
	worker.navigate("confirm", chromedp.Click(chromedp.CSS("#confirm-party")))
	if got := worker.text("#party-status"); got != "已确认" {
		t.Fatalf("after confirming: %q", got)
	}

	// The member serves two hours in a volunteer activity today.
	e.VolunteerService(uid, "dangyuan", apptest.Township, apptest.Community, time.Now().In(calendar.China), 2)
	phone.open("/party/me")
	if got := phone.text("#my-party-hours"); got != "2.00" {
		t.Errorf("the member's hours: %q", got)
	}
	if got := phone.text("#my-party-status"); got != "已确认" {
		t.Errorf("the member's status: %q", got)
	}
	phone.checkFits("the member's page on a phone")

	worker.open("/party/figures")
	worker.checkA11y("the figures")
	if got := worker.text("#party-total-serving"); got != "1" {
		t.Errorf("members serving: %q", got)
	}
	if got := worker.text("#party-by-units"); !strings.Contains(got, "衡水市供电公司") || !strings.Contains(got, "100.0%") {
		t.Errorf("coverage by unit: %q", got)
	}
	worker.open("/party/members")
	if got := worker.text("#party-members"); !strings.Contains(got, "2.00") {
		t.Errorf("the hours in the community's list: %q", got)
	}
	worker.open("/resources")
	if got := worker.text("main"); !strings.Contains(got, "职工活动中心") || !strings.Contains(got, "衡水市供电公司") {
		t.Errorf("the resident unit's venue is not in the resources list: %q", got)
	}
	worker.open(fmt.Sprintf("/resident-units/%d", unit.ID))
	worker.checkA11y("the resident unit")
	worker.screenshot("resident-unit")
}
