package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// A new resident signs up on a 360 px phone with the code the app's SMS
// box received, finds their community by typing part of its name, sees
// that they are not verified yet, and a worker of the community verifies
// them from the queue (the sign-up first waits on the worker's home page).
// The resident then turns on SMS for their messages, files a request,
// choosing 游园社区 by name, finds it on their home page, and reads the
// handling unit's reply in their inbox (and gets it by SMS).
// Every page passes axe-core.
func TestResidentSignsUpOnAPhone(t *testing.T) {
	t.Parallel()
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
	phone.do("fill the form",
		chromedp.SendKeys(chromedp.CSS("#f-code"), m.Params["code"]),
		chromedp.SendKeys(chromedp.CSS("#f-display_name"), "李秀英"),
	)
	// htmx fetches the matches as the name is typed.
	phone.pickPlace("community", "游园", apptest.Community)
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

	desk, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	if s := desk.text(`#queue-resident\.home\.to_verify`); !strings.Contains(s, "李秀英") {
		t.Errorf("the worker's home shows the sign-ups to verify as %q", s)
	}
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
	// They choose to get their messages by SMS too.
	phone.navigate("turn SMS on", chromedp.Click(chromedp.CSS("#sms-toggle")))
	if s := phone.text("#sms-state"); !strings.Contains(s, "同时以短信") {
		t.Fatalf("after turning SMS on the page says %q", s)
	}

	// The first request: the community is chosen by typing its name.
	phone.open("/requests/new")
	phone.do("fill the request form",
		chromedp.WaitVisible(chromedp.CSS("#request-form")),
		chromedp.SetValue(chromedp.CSS("#f-category_code"), "utility.water"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "楼道水管漏水，地面全是水"),
	)
	phone.pickPlace("division_code", "游园", apptest.Community)
	if got := eval[string](phone, `document.querySelector("#f-contact_name").value`); got != "李秀英" {
		t.Errorf("the form's contact name is %q, want the resident's own", got)
	}
	phone.checkA11y("request form with the picker")
	phone.checkFits("request form")
	phone.navigate("submit the request", chromedp.Click(chromedp.CSS("#request-submit")))
	id, _, ok := request.ParseNumber(phone.text("#request-number"))
	if !ok {
		t.Fatalf("no request number at %s: %s", phone.path(), phone.text("main"))
	}
	got, err := e.App.Requests.Get(e.Ctx, id)
	if err != nil || got.DivisionCode != apptest.Community {
		t.Fatalf("the request was filed at %v (%v), want %s", got, err, apptest.Community)
	}
	phone.open("/")
	if s := phone.text(`#queue-request\.home\.mine`); !strings.Contains(s, "楼道水管漏水") {
		t.Errorf("the resident's home shows %q", s)
	}
	phone.checkFits("resident home")

	// A unit takes it and replies; the reply reaches the resident's inbox.
	water, unitName := waterCompany(t, e)
	if _, err := e.App.Requests.Act(e.Ctx, id, request.Action{Action: request.ActDispatch, UnitID: water}); err != nil {
		t.Fatal(err)
	}
	desk.signOut()
	desk.login(unitName, apptest.Password)
	desk.open("/requests/" + itoa(id))
	desk.actConfirmed("accept", "#accept-submit")
	desk.actConfirmed("reply", "#reply-submit", chromedp.SendKeys(chromedp.CSS("#f-reply-note"), "已更换破损管段，供水恢复正常"))

	if _, err := e.App.Notify.Deliver(e.Ctx, 100); err != nil {
		t.Fatal(err)
	}
	if m, ok := e.App.SMSBox.Last(phoneNumber); !ok || !strings.Contains(m.Text, "已更换破损管段") {
		t.Errorf("the reply by SMS: %+v", m)
	}
	phone.open("/inbox")
	if s := phone.text("#inbox li:first-child"); !strings.Contains(s, "已更换破损管段") {
		t.Errorf("the newest message in the inbox reads %q", s)
	}
	phone.checkA11y("inbox")
	phone.checkFits("inbox")
	phone.screenshot("signup-inbox")
}

// pickPlace types q into the division picker of field and chooses code
// among the matches for the whole of q. Each pause in the typing may
// fetch matches of its own (a slow machine pauses more), and a click on a
// row of an earlier answer misses when a later answer replaces it: so it
// waits for the answer that names q, with no fetch still under way.
func (b *Browser) pickPlace(field, q, code string) {
	b.t.Helper()
	input := "#picker-" + field + "-q"
	radio := fmt.Sprintf(`#picker-%s-results input[name="%s"][value="%s"]`, field, field, code)
	b.do("type "+q+" in the picker", chromedp.SendKeys(chromedp.CSS(input), q))
	b.waitFor("the matches for "+q, fmt.Sprintf(`(() => {
		const results = document.getElementById(%q);
		return !document.querySelector(%q).classList.contains("htmx-request") &&
			results.textContent.includes("“" + %q + "”") && results.querySelector(%q) !== null;
	})()`, "picker-"+field+"-results", input, q, radio), 30*time.Second)
	b.do("choose "+code, chromedp.Click(chromedp.CSS(radio)))
}
