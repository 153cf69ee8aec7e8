package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// signOut ends the session through the sign-out form.
func (b *Browser) signOut() {
	b.t.Helper()
	b.navigate("sign out", chromedp.Submit(chromedp.CSS(`form[action="/logout"]`)))
}

// act submits one of a request page's step forms and waits for the page
// that follows.
func (b *Browser) act(what, button string, fill ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(what+": fill", append([]chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(button))}, fill...)...)
	b.navigate(what, chromedp.Click(chromedp.CSS(button)))
}

// actConfirmed submits a step form that asks for confirmation: the
// button opens the page's confirm dialog, which must ask its question, and
// its confirm button sends the form.
func (b *Browser) actConfirmed(what, button string, fill ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.do(what+": fill", append([]chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(button))}, fill...)...)
	b.do(what+": ask", chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS("#confirm-dialog[open] #confirm-yes")))
	if q := b.text("#confirm-question"); q == "" {
		b.t.Fatalf("%s: the confirmation asks nothing", what)
	}
	b.screenshot("confirm-" + what)
	b.navigate(what, chromedp.Click(chromedp.CSS("#confirm-yes")))
}

func (b *Browser) status() string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.AttributeValue(chromedp.CSS("#request-status"), "data-status"))
	if err != nil {
		b.fail("read status", err)
	}
	return v.Value
}

// TestRequestJourney: a resident files a request with a photo on a
// phone-sized window; township staff dispatch it to the water company; the
// company returns it once; it is dispatched again, accepted and replied;
// the community worker calls back; the resident rates it on the phone and
// sees the whole timeline; the township's stats page counts it.
func TestRequestJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	water, unitName := waterCompany(t, e)
	resident := e.User(auth.Resident, apptest.Community)
	township := e.User(auth.TownshipStaff, apptest.Township)
	worker := e.User(auth.CommunityWorker, apptest.Community)
	photo := filepath.Join(t.TempDir(), "IMG_0002.jpg")
	if err := os.WriteFile(photo, gpsPhoto(t), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.URL, 390, 844)
	b.login(resident, apptest.Password)
	b.open("/requests/new")
	b.do("fill the request form",
		chromedp.WaitVisible(chromedp.CSS("#request-form")),
		chromedp.SetValue(chromedp.CSS("#f-category_code"), "utility.water"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "楼道水管漏水，地面全是水"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "游园小区 3 号楼 2 单元"),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "13812345678"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-photos"), []string{photo}),
	)
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the form is %dpx wide on a 390px phone", w)
	}
	b.screenshot("form-phone")
	b.navigate("submit the request", chromedp.Click(chromedp.CSS("#request-submit")))
	number := b.text("#request-number")
	id, _, ok := request.ParseNumber(number)
	if !ok || b.status() != request.StatusSubmitted {
		t.Fatalf("after filing: number %q, path %s, status %s", number, b.path(), b.status())
	}
	if n := eval[int](b, `document.querySelectorAll("img.thumb").length`); n != 1 {
		t.Errorf("%d photos shown", n)
	}
	b.screenshot("filed")
	path := b.path()
	if path != "/requests/"+itoa(id) {
		t.Fatalf("path %s for number %s", path, number)
	}
	b.signOut()

	// Township staff dispatch it from a desktop.
	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	as := func(name string) {
		b.login(name, apptest.Password)
		b.open(path)
	}
	as(township)
	b.act("dispatch", "#dispatch-submit", chromedp.SetValue(chromedp.CSS("#f-dispatch-unit"), itoa(water)))
	if st := b.status(); st != request.StatusDispatched {
		t.Fatalf("after dispatch: %s", st)
	}
	b.signOut()
	// The company returns it once, with a reason.
	as(unitName)
	if got := b.text("#request-contact"); !strings.Contains(got, "13812345678") {
		t.Errorf("the unit holding it sees %q", got)
	}
	// The page says which unit the account acts for and puts 签收 first;
	// 退单 and the rest are folded under 其他操作.
	if got := b.text("#acting-for"); !strings.Contains(got, "桃城区供水公司") {
		t.Errorf("acting for: %q", got)
	}
	if got := eval[string](b, `document.querySelector("#next-step").getAttribute("data-action")`); got != "accept" {
		t.Errorf("next step when dispatched: %q", got)
	}
	if vis := eval[bool](b, `document.getElementById("return-submit").checkVisibility()`); vis {
		t.Error("退单 is not folded")
	}
	b.screenshot("unit-dispatched")
	// Cancelling the confirmation sends nothing.
	b.do("accept, then cancel", chromedp.Click(chromedp.CSS("#accept-submit")), chromedp.WaitVisible(chromedp.CSS("#confirm-dialog[open] #confirm-no")),
		chromedp.Click(chromedp.CSS("#confirm-no")), chromedp.WaitNotVisible(chromedp.CSS("#confirm-dialog")))
	if st := b.status(); st != request.StatusDispatched {
		t.Fatalf("after a cancelled accept: %s", st)
	}
	b.do("open 其他操作", chromedp.Click(chromedp.CSS("#more-actions > summary")))
	b.actConfirmed("return", "#return-submit", chromedp.SendKeys(chromedp.CSS("#f-return-reason"), "需先由物业排查楼内管道"))
	if st := b.status(); st != request.StatusReturned || b.text("#request-returns") != "1" {
		t.Fatalf("after return: %s, returns %s", st, b.text("#request-returns"))
	}
	b.signOut()
	as(township)
	b.act("dispatch again", "#dispatch-submit", chromedp.SetValue(chromedp.CSS("#f-dispatch-unit"), itoa(water)),
		chromedp.SendKeys(chromedp.CSS("#f-dispatch-note"), "物业已排查，属供水管网"))
	b.signOut()
	as(unitName)
	b.actConfirmed("accept", "#accept-submit")
	if st := b.status(); st != request.StatusAccepted {
		t.Fatalf("after accept: %s", st)
	}
	if got := eval[string](b, `document.querySelector("#next-step").getAttribute("data-action")`); got != "reply" {
		t.Errorf("next step when accepted: %q", got)
	}
	b.actConfirmed("reply", "#reply-submit", chromedp.SendKeys(chromedp.CSS("#f-reply-note"), "已更换破损管段，供水恢复正常"))
	if st := b.status(); st != request.StatusReplied {
		t.Fatalf("after reply: %s", st)
	}
	b.signOut()
	// The community worker calls back.
	as(worker)
	b.act("callback", "#callback-submit", chromedp.SetValue(chromedp.CSS("#f-cb-satisfaction"), request.Satisfied),
		chromedp.SendKeys(chromedp.CSS("#f-cb-note"), "居民表示满意"))
	if st := b.status(); st != request.StatusClosed {
		t.Fatalf("after callback: %s", st)
	}
	b.signOut()
	// The resident rates it on the phone and follows the whole timeline.
	b.do("phone", chromedp.EmulateViewport(390, 844))
	as(resident)
	if got := b.text("#request-reply"); !strings.Contains(got, "已更换破损管段") {
		t.Errorf("reply shown to the resident: %q", got)
	}
	b.act("rate", "#rate-submit", chromedp.SetValue(chromedp.CSS("#f-rate-satisfaction"), request.BasicallySatisfied),
		chromedp.SendKeys(chromedp.CSS("#f-rate-note"), "修得挺快"))
	if got := b.text("#request-satisfaction"); got != "基本满意" {
		t.Errorf("satisfaction shown %q", got)
	}
	steps := eval[string](b, `Array.from(document.querySelectorAll("#request-timeline li")).map(li => li.dataset.action).join(" ")`)
	// The resident's timeline leaves out the handling's internals (the return).
	if want := "submit dispatch dispatch accept reply callback rate"; steps != want {
		t.Errorf("timeline %q, want %q", steps, want)
	}
	b.screenshot("rated-phone")
	b.signOut()

	// The township's 三率 show it at once: responded and resolved on
	// time, basically satisfied (the resident's rating came last), in the
	// community's row and the water company's.
	b.do("desktop again", chromedp.EmulateViewport(1280, 900))
	b.login(township, apptest.Password)
	b.open("/requests/stats")
	cells := func(row string) string {
		return eval[string](b, `Array.from(document.querySelectorAll("`+row+` td.num")).map(td => td.textContent.trim()).join(" ")`)
	}
	// One request is too few to rank (stats.DefaultMinRankSample): "—".
	if got, want := cells("#stats-"+apptest.Community), "— 1 100.0% 100.0% 90.0% 96.0"; got != want {
		t.Errorf("community row on the stats page: %q, want %q", got, want)
	}
	if got, want := cells("#stats-unit-"+itoa(water)), "— 1 100.0% 100.0% 90.0% 96.0"; got != want {
		t.Errorf("water company row on the stats page: %q, want %q", got, want)
	}
	b.do("stats chart drawn", chromedp.WaitVisible(chromedp.CSS(`.chart[data-chart="bar"][data-drawn="1"] canvas`)))
	b.screenshot("stats")
	// In the database: one request, rated, closed.
	var n int
	var status, sat string
	_ = e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT count(*), max(status), max(satisfaction) FROM requests`).Scan(&n, &status, &sat)
	if n != 1 || status != request.StatusClosed || sat != request.BasicallySatisfied {
		t.Errorf("stored: %d %s %s", n, status, sat)
	}
}

func itoa(n int64) string {
	const d = "0123456789"
	if n < 10 {
		return d[n : n+1]
	}
	return itoa(n/10) + d[n%10:n%10+1]
}

// waterCompany makes the county's water company, a handling unit, with
// the county's handling-unit account as its member: it returns the unit's
// id and the account's name.
func waterCompany(t *testing.T, e *apptest.Env) (int64, string) {
	t.Helper()
	water, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	name := e.User(auth.HandlingUnit, apptest.County)
	acc, err := e.App.Users.ByName(e.Ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Requests.AddMember(e.Ctx, water.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	return water.ID, name
}
