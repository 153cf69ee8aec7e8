package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// TestInboxJourney: a resident files a request on a 360px phone and finds
// it on their home page; the township dispatches it to the water company,
// which accepts and replies; the resident's header then shows one unread
// message, and the inbox holds the reply, which opens (marked read) and
// links to the request. Every page passes axe-core.
func TestInboxJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Requests
	water, unitName := waterCompany(t, e)
	resident := e.User(auth.Resident, apptest.Community)
	if _, err := e.App.DB.W(e.Ctx).ExecContext(e.Ctx, `UPDATE users SET display_name = '王阿姨' WHERE name = $1`, resident); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.URL, 360, 740)
	b.login(resident, apptest.Password)
	if got := b.text("h1"); got != "欢迎，王阿姨" {
		t.Errorf("greeting %q", got)
	}
	b.checkA11y("resident home, empty")
	b.open("/requests/new")
	b.do("fill the request form",
		chromedp.WaitVisible(chromedp.CSS("#request-form")),
		chromedp.SetValue(chromedp.CSS("#f-category_code"), "utility.water"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "楼道水管漏水，地面全是水"),
	)
	b.navigate("submit the request", chromedp.Click(chromedp.CSS("#request-submit")))
	id, _, ok := request.ParseNumber(b.text("#request-number"))
	if !ok {
		t.Fatalf("no request number at %s", b.path())
	}
	path := "/requests/" + itoa(id)
	b.open("/")
	if got := b.text(`#queue-request\.home\.mine`); !strings.Contains(got, "楼道水管漏水") || !strings.Contains(got, "待派单") {
		t.Errorf("the resident's home shows %q", got)
	}
	// The acknowledgement of receipt is the first message.
	if got := b.text("#unread-count"); got != "1" {
		t.Errorf("unread after filing: %q", got)
	}
	b.checkA11y("resident home with a request")
	b.screenshot("inbox-home-phone")
	b.signOut()

	if _, err := s.Act(e.Ctx, id, request.Action{Action: request.ActDispatch, UnitID: water}); err != nil {
		t.Fatal(err)
	}
	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(unitName, apptest.Password)
	if got := b.text(`#queue-request\.home\.to_sign`); !strings.Contains(got, "楼道水管漏水") {
		t.Errorf("the unit's home shows %q", got)
	}
	b.checkA11y("unit home")
	b.open(path)
	b.actConfirmed("accept", "#accept-submit")
	b.actConfirmed("reply", "#reply-submit", chromedp.SendKeys(chromedp.CSS("#f-reply-note"), "已更换破损管段，供水恢复正常"))
	b.signOut()

	b.do("phone", chromedp.EmulateViewport(360, 740))
	b.login(resident, apptest.Password)
	if got := b.text("#unread-count"); got != "2" {
		t.Errorf("unread after the reply: %q", got)
	}
	b.navigate("open the inbox", chromedp.Click(chromedp.CSS("#inbox-link")))
	if got := b.text("#inbox li:first-child"); !strings.Contains(got, "已办理答复：已更换破损管段") {
		t.Errorf("the newest message reads %q", got)
	}
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the inbox is %dpx wide on a 360px phone", w)
	}
	b.checkA11y("inbox")
	b.screenshot("inbox-phone")
	b.navigate("open the reply", chromedp.Click(chromedp.CSS("#inbox li:first-child a")))
	if got := b.text("#message-text"); !strings.Contains(got, "已更换破损管段，供水恢复正常") {
		t.Errorf("the message reads %q", got)
	}
	if got := b.text("#unread-count"); got != "1" {
		t.Errorf("unread after opening the reply: %q", got)
	}
	b.checkA11y("message")
	b.navigate("open the request", chromedp.Click(chromedp.CSS("#message-object")))
	if b.path() != path {
		t.Errorf("the message links to %s, want %s", b.path(), path)
	}
	if got := b.text("#request-reply"); !strings.Contains(got, "已更换破损管段") {
		t.Errorf("the request shows the reply %q", got)
	}
}
