package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
)

// TestProxyJourney: a community offers five 政务代办 services; a worker at
// the hall takes a resident's 高龄津贴 case, checks the materials, submits
// it to the department and records the result, and the community's
// proxy service coverage goes from 0 to 100%. The resident, on a 360 px
// phone, finds the result in the inbox, opens the case and rates it.
// Every page passes axe-core.
func TestProxyJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	all, err := e.App.Proxy.Offerings(e.Ctx, apptest.Community)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, v := range all[:5] {
		ids = append(ids, v.ID)
	}
	if err := e.App.Proxy.SetOfferings(e.Ctx, apptest.Community, ids); err != nil {
		t.Fatal(err)
	}
	service := all[4] // 高龄津贴申领
	// The resident signed up with their mobile number.
	resident := e.User(auth.Resident, apptest.Community)
	acc, err := e.App.Users.ByName(e.Ctx, resident)
	if err != nil {
		t.Fatal(err)
	}
	phone := "13933186622"
	sealed, err := e.App.Keys.Seal(phone)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Residents.Store.Insert(e.Ctx, acc.ID, apptest.Community, sealed, e.App.Keys.Index(phone), "", "", time.Now()); err != nil {
		t.Fatal(err)
	}
	id := "13110219380506002"
	id += string(idcard.CheckChar(id))

	b := newBrowser(t, e.URL, 1280, 900)
	b.login(e.User(auth.CommunityWorker, apptest.Community), apptest.Password)
	dash := "/indicators/" + apptest.Community
	b.open(dash)
	if got := b.text("#ind-proxy_service_coverage"); strings.Contains(got, "等待") || !strings.HasPrefix(b.text("#ind-proxy_service_coverage .value"), "0") {
		t.Errorf("before any case the coverage reads %q, want 0", got)
	}
	b.open("/proxy")
	b.checkA11y("proxy cases, none")
	b.navigate("new case", chromedp.Click(chromedp.CSS("#new-proxy-case")))
	b.checkA11y("intake form")
	b.navigate("take the case",
		chromedp.SetValue(chromedp.CSS("#f-service_id"), strconv.FormatInt(service.ID, 10)),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "王秀英"),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), phone),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), id),
		chromedp.Click(chromedp.CSS("#proxy-submit")),
	)
	if got := b.text("#proxy-status"); got != "已受理" {
		t.Fatalf("after intake the case is %q at %s", got, b.path())
	}
	if got := b.text("#proxy-applicant"); strings.Contains(got, phone) || strings.Contains(got, id) {
		t.Errorf("the case page shows personal data in full: %q", got)
	}
	casePath := b.path()
	b.checkA11y("case received")
	if n := eval[int](b, `(() => { const cs = document.querySelectorAll("#act-check input[type=checkbox]"); cs.forEach(c => c.checked = true); return cs.length; })()`); n != len(service.Materials) {
		t.Errorf("%d materials to check, want %d", n, len(service.Materials))
	}
	b.navigate("check the materials", chromedp.Click(chromedp.CSS("#check-submit")))
	b.navigate("submit", chromedp.Click(chromedp.CSS("#submit-submit")))
	if got := b.text("#proxy-status"); got != "已报送" {
		t.Fatalf("after submitting the case is %q", got)
	}
	b.navigate("done", chromedp.Click(chromedp.CSS("#done-submit")))
	b.checkA11y("case done")
	b.navigate("close", chromedp.Click(chromedp.CSS("#close-submit")))
	if got := b.text("#proxy-status"); got != "已结案" {
		t.Fatalf("after closing the case is %q", got)
	}
	b.open(dash)
	if got := b.text("#ind-proxy_service_coverage .value"); !strings.HasPrefix(got, "100") {
		t.Errorf("after the case the coverage reads %q, want 100 %%", got)
	}
	b.checkA11y("indicators after")
	b.signOut()

	b.do("phone", chromedp.EmulateViewport(360, 740))
	b.login(resident, apptest.Password)
	if got := b.text("#unread-count"); got != "1" {
		t.Errorf("unread after the result: %q", got)
	}
	b.navigate("open the inbox", chromedp.Click(chromedp.CSS("#inbox-link")))
	if got := b.text("#inbox li:first-child"); !strings.Contains(got, "已办结") || !strings.Contains(got, service.Name) {
		t.Errorf("the newest message reads %q", got)
	}
	b.checkA11y("inbox")
	b.navigate("open the message", chromedp.Click(chromedp.CSS("#inbox li:first-child a")))
	b.navigate("open the case", chromedp.Click(chromedp.CSS("#message-object")))
	if b.path() != casePath {
		t.Fatalf("the message links to %s, want %s", b.path(), casePath)
	}
	b.checkFits("case on a phone")
	b.checkA11y("case, resident")
	b.navigate("rate", chromedp.Click(chromedp.CSS("#rating-5")), chromedp.Click(chromedp.CSS("#rate-submit")))
	if got := b.text("#proxy-rating"); got != "非常满意" {
		t.Errorf("the rating reads %q", got)
	}
	b.open("/proxy")
	if got := b.text("#proxy-cases"); !strings.Contains(got, service.Name) {
		t.Errorf("the resident's cases read %q", got)
	}
	b.checkFits("my cases on a phone")
	b.checkA11y("my cases")
}
