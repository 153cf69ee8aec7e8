package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/volunteer"
)

// TestVolunteerJourney: a community worker publishes an activity for the
// township's civilisation practice station; a resident on a phone-sized
// window registers as a volunteer, signs up, and checks in and out by
// typing the code on the organiser's screen; the organiser closes the
// activity and the hours (clipped to the activity's window) appear on the
// volunteer's page.
func TestVolunteerJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := volunteer.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	if _, err := s.CreateOrg(e.Ctx, volunteer.OrgInput{DivisionCode: apptest.Township, Name: "河西街道新时代文明实践站", Kind: "practice_station"}); err != nil {
		t.Fatal(err)
	}
	org, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)

	// Publish: started two hours ago, ends in an hour.
	now := time.Now().In(calendar.China)
	org.open("/activities")
	org.navigate("new activity", chromedp.Click(chromedp.CSS("#new-activity")))
	if got := eval[string](org, `document.querySelector("#f-community_code").value`); got != apptest.Community {
		t.Fatalf("community prefilled: %q", got)
	}
	org.do("fill activity",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "为独居老人理发"),
		chromedp.SendKeys(chromedp.CSS("#f-place"), "游园社区活动室"),
		chromedp.SendKeys(chromedp.CSS("#f-content"), "义务理发、量血压"),
		chromedp.SetValue(chromedp.CSS("#f-starts_at"), now.Add(-2*time.Hour).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS("#f-ends_at"), now.Add(time.Hour).Format("2006-01-02T15:04")),
		chromedp.SetValue(chromedp.CSS("#f-slots"), "2"),
	)
	org.navigate("publish", chromedp.Click(chromedp.CSS("#publish")))
	id := strings.TrimPrefix(org.path(), "/activities/")
	if got := org.text("#places"); got != "2 / 2" {
		t.Fatalf("places after publishing: %q", got)
	}
	org.screenshot("published")

	// The volunteer, on a phone.
	vol, _ := signedIn(t, e, auth.Resident, apptest.Community, 390, 844, chromedp.EmulateMobile)
	vol.open("/volunteer")
	vol.do("fill registration",
		chromedp.SendKeys(chromedp.CSS("#f-real_name"), "王秀兰"),
		chromedp.SendKeys(chromedp.CSS("#f-id_number"), "110101199003074477"),
		chromedp.SendKeys(chromedp.CSS("#f-phone"), "13800138000"),
		chromedp.SendKeys(chromedp.CSS("#f-skills"), "理发、陪伴"),
	)
	vol.navigate("register", chromedp.Click(chromedp.CSS("#register")))
	if got := vol.text("#my-star"); !strings.Contains(got, "尚未评星") {
		t.Fatalf("star before serving: %q", got)
	}
	if html := eval[string](vol, `document.body.innerHTML`); strings.Contains(html, "110101199003074477") || strings.Contains(html, "13800138000") {
		t.Fatal("the volunteer page shows the ID number or phone in full")
	}
	vol.open("/activities")
	vol.navigate("open the activity", chromedp.Click(chromedp.CSS(`#activities a[href="/activities/`+id+`"]`)))
	vol.navigate("sign up", chromedp.Click(chromedp.CSS("#signup")))
	if got := vol.text("#my-signup"); got != "已报名" {
		t.Fatalf("sign-up status: %q", got)
	}
	vol.screenshot("signed-up")
	vol.open("/volunteer")
	if got := vol.text("#my-signups"); !strings.Contains(got, "为独居老人理发") || !strings.Contains(got, "已报名") {
		t.Fatalf("my sign-ups: %q", got)
	}
	vol.navigate("back to the activity", chromedp.Click(chromedp.CSS(`#my-signups a`)))

	// The organiser shows the check-in code; the volunteer types it. A
	// wrong code is refused on the field first.
	org.open("/activities/" + id)
	org.navigate("show code", chromedp.Click(chromedp.CSS("#show-code-in")))
	code := org.text("#checkin-code")
	if len(code) != volunteer.CodeLen || !strings.HasPrefix(eval[string](org, `document.querySelector("#checkin-qr").src`), "data:image/png;base64,") {
		t.Fatalf("code screen: %q", code)
	}
	org.screenshot("code")
	vol.do("wrong code", chromedp.SendKeys(chromedp.CSS("#f-checkin_code"), "ABCDEFGH"))
	vol.do("submit wrong code", chromedp.Click(chromedp.CSS("#checkin")), chromedp.WaitVisible(chromedp.CSS("#e-checkin_code")))
	if got := vol.text("#e-checkin_code"); !strings.Contains(got, "签到码不正确") {
		t.Fatalf("wrong code message: %q", got)
	}
	// The screen follows the 30-second windows by itself (checkin.js):
	// wait for the next code, and check in with it.
	// The code and its QR are read together: the screen may have moved to
	// the next window since the code was read above.
	pair := eval[[]string](org, `[document.querySelector("#checkin-code").innerText, document.querySelector("#checkin-qr").src]`)
	first, firstQR := pair[0], pair[1]
	code = first
	deadline := time.Now().Add(40 * time.Second)
	for code == first && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		code = org.text("#checkin-code")
	}
	if code == first {
		t.Fatalf("the code screen did not change within 40 s: %q", code)
	}
	if qr := eval[string](org, `document.querySelector("#checkin-qr").src`); !strings.HasPrefix(qr, "data:image/png;base64,") || qr == firstQR {
		t.Fatalf("QR after refresh: %.40q", qr)
	}
	eval[bool](vol, `(document.querySelector("#f-checkin_code").value = "", true)`)
	vol.do("type code", chromedp.SendKeys(chromedp.CSS("#f-checkin_code"), strings.ToLower(code)))
	vol.navigate("check in", chromedp.Click(chromedp.CSS("#checkin")))
	if got := vol.text(".flash"); got != "签到成功。" {
		t.Fatalf("check-in flash: %q", got)
	}
	vol.checkFits("after check-in")
	// Checking out straight away is refused: no attendance of 0.00 h.
	org.open(fmt.Sprintf("/activities/%s/code?dir=out", id))
	code = org.text("#checkin-code")
	eval[bool](vol, `(document.querySelector("#f-direction").value = "out", true)`)
	vol.do("type check-out code at once", chromedp.SendKeys(chromedp.CSS("#f-checkin_code"), code))
	vol.do("check out at once", chromedp.Click(chromedp.CSS("#checkin")), chromedp.WaitVisible(chromedp.CSS(".errors")))
	if got := vol.text(".errors"); !strings.Contains(got, "服务满 15 分钟才能签退") {
		t.Fatalf("check-out at once: %q", got)
	}
	org.open("/activities/" + id)
	if got := org.text("#signups .attendance"); got != "已签到" {
		t.Fatalf("organiser's list after check-in: %q", got)
	}
	// Three hours pass (the clock cannot wait in a test): the check-in
	// moves back to before the activity's start, so closing clips it.
	if _, err := e.App.DB.Writer().Exec(`UPDATE volunteer_signups SET checkin_at = $1 WHERE activity_id = $2`, time.Now().Add(-3*time.Hour).UTC(), id); err != nil {
		t.Fatal(err)
	}
	org.open(fmt.Sprintf("/activities/%s/code?dir=out", id))
	code = org.text("#checkin-code")
	eval[bool](vol, `(document.querySelector("#f-direction").value = "out", true)`)
	eval[bool](vol, `(document.querySelector("#f-checkin_code").value = "", true)`)
	vol.do("type check-out code", chromedp.SendKeys(chromedp.CSS("#f-checkin_code"), code))
	vol.navigate("check out", chromedp.Click(chromedp.CSS("#checkin")))
	if got := vol.text(".flash"); got != "签退成功。" {
		t.Fatalf("check-out flash: %q", got)
	}

	// The organiser closes; the hours appear, counted from the start (not
	// the earlier check-in) to the check-out.
	org.open("/activities/" + id)
	org.navigate("close", chromedp.Click(chromedp.CSS("#close-activity")))
	if got := org.text("#activity-status"); got != "已结束" {
		t.Fatalf("status after close: %q", got)
	}
	var starts, in, out time.Time
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT a.starts_at, s.checkin_at, s.checkout_at FROM volunteer_activities a
		JOIN volunteer_signups s ON s.activity_id = a.id WHERE a.id = $1`, id).Scan(&starts, &in, &out); err != nil {
		t.Fatal(err)
	}
	// Served from the start (the minute of now-2h) to the check-out: a
	// little over two hours, not the three since the check-in.
	want := fmt.Sprintf("%.2f", float64(int64(out.Sub(starts)/(36*time.Second)))/100)
	if !in.Before(starts) || want < "2.00" || want > "2.05" {
		t.Fatalf("check-in %v, start %v, check-out %v: %s hours", in, starts, out, want)
	}
	// The organiser's list shows the check-out with those hours.
	if got := org.text("#signups .attendance"); got != "已签退（"+want+" 小时）" {
		t.Fatalf("organiser's list after check-out: %q, want %s hours", got, want)
	}
	vol.open("/volunteer")
	if got := vol.text("#my-hours"); got != want {
		t.Fatalf("hours on the volunteer's page: %q, want %s", got, want)
	}
	if got := vol.text("#my-records .record-hours"); got != want {
		t.Fatalf("record hours: %q, want %s", got, want)
	}
	vol.checkFits("records")
	vol.screenshot("hours")
}
