package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// A new resident signs up on a 360 px phone with the code the app's SMS
// box received, finds their community by typing part of its name, sees
// that they are not verified yet, and a worker of the community verifies
// them from the queue. Every page passes axe-core.
func TestResidentSignsUpOnAPhone(t *testing.T) {
	e := apptest.New(t)
	const phoneNumber = "13912345678"
	phone := newBrowser(t, e.URL, 360, 740, chromedp.EmulateMobile)
	phone.open("/login")
	phone.navigate("to sign-up", chromedp.Click(chromedp.CSS("#signup-link")))
	if p := phone.path(); p != "/signup" {
		t.Fatalf("the sign-up link led to %s", p)
	}
	phone.do("type the number", chromedp.SendKeys(chromedp.CSS("#f-phone"), phoneNumber))
	phone.navigate("send the code", chromedp.Click(chromedp.CSS("#send-code")))
	if s := phone.text("#code-sent"); !strings.Contains(s, "验证码已发出") {
		t.Fatalf("after asking for a code: %q", s)
	}
	m, ok := e.App.SMSBox.Last(phoneNumber)
	if !ok || len(m.Params["code"]) != 6 {
		t.Fatalf("the SMS box holds %+v", m)
	}
	community := fmt.Sprintf(`#picker-community-results input[name="community"][value="%s"]`, apptest.Community)
	phone.do("fill the form",
		chromedp.SendKeys(chromedp.CSS("#f-code"), m.Params["code"]),
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "李秀英"),
		// htmx fetches the matches as the name is typed.
		chromedp.SendKeys(chromedp.CSS("#picker-community-q"), "游园"),
		chromedp.WaitVisible(chromedp.CSS(community)),
		chromedp.Click(chromedp.CSS(community)),
	)
	phone.checkA11y("the picker's results")
	phone.checkFits("sign-up form")
	phone.navigate("sign up", chromedp.Click(chromedp.CSS("#signup-submit")))
	if p := phone.path(); p != "/residents/me" {
		t.Fatalf("after signing up: %s", p)
	}
	if s := phone.text("#resident-me"); !strings.Contains(s, "李秀英") || !strings.Contains(s, "游园社区") || !strings.Contains(s, "待认证") {
		t.Fatalf("own page: %s", s)
	}
	if strings.Contains(phone.text("main"), phoneNumber) {
		t.Fatal("the whole number is on the page")
	}
	phone.checkFits("own page")
	phone.screenshot("unverified")

	desk := newBrowser(t, e.URL, 1280, 900)
	desk.login(e.User(auth.CommunityWorker, apptest.Community), apptest.Password)
	desk.open("/residents")
	if s := desk.text("#resident-queue"); !strings.Contains(s, "李秀英") || !strings.Contains(s, "139****5678") {
		t.Fatalf("the queue: %s", s)
	}
	desk.screenshot("queue")
	desk.navigate("verify", chromedp.Click(chromedp.CSS(`#resident-queue button[id^="verify-"]`)))
	if s := desk.text("main"); !strings.Contains(s, "已认证该居民") {
		t.Fatalf("after verifying: %s", s)
	}

	phone.open("/residents/me")
	if s := phone.text("#resident-status"); !strings.Contains(s, "已认证") {
		t.Fatalf("after verification the resident sees %q", s)
	}
	phone.screenshot("verified")
}
