package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestCommunityNoticeOnAPhone: on a 360 px phone a community worker
// publishes a notice from the community page; a visitor with no account
// opens the page and reads it, with the service hall's opening hours. The
// workers' notice list is a stack of cards with the status on each.
func TestCommunityNoticeOnAPhone(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	city := e.Token(auth.CityStaff, apptest.City)
	week := "08:30-12:00,14:00-18:00"
	if res := e.API("POST", "/api/v1/facilities", city, map[string]any{"division_code": apptest.Community, "kind": "comprehensive",
		"name": "游园社区党群服务中心", "address": "河西街道游园路 8 号", "status": "in_use",
		"hours": []string{week, week, week, week, week, "09:00-12:00", ""}}); res.StatusCode != http.StatusCreated {
		t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
	}
	page := "/communities/" + apptest.Community
	b, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 360, 740, chromedp.EmulateMobile)
	b.open(page)
	b.checkFits("community page, worker")
	b.navigate("new notice", chromedp.Click(chromedp.CSS("#new-notice")))
	today := e.App.Communities.Today()
	b.navigate("publish",
		chromedp.SetValue(chromedp.CSS("#f-kind"), "public_notice"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "2026 年低保名单公示"),
		chromedp.SendKeys(chromedp.CSS("#f-body"), "名单见社区公示栏，如有异议请于七日内向社区反映。"),
		chromedp.SetValue(chromedp.CSS("#f-ends_on"), today),
		chromedp.Click(chromedp.CSS("#save-notice")),
	)
	if p := b.path(); p != page {
		t.Fatalf("after publishing: at %s, want %s", p, page)
	}
	b.checkFits("community page after publishing")
	b.open("/notices?division=" + apptest.Community)
	b.checkFits("notice list")
	card := eval[string](b, `getComputedStyle(document.querySelector("#notice-list tbody tr")).display`)
	label := eval[string](b, `getComputedStyle(document.querySelector("#notice-list td.status"), "::before").content`)
	head := eval[float64](b, `document.querySelector("#notice-list thead").getBoundingClientRect().height`)
	if card != "block" || !strings.Contains(label, "状态") || head > 1 {
		t.Errorf("the list is not cards on a phone: row %q, status label %q, head %vpx", card, label, head)
	}
	touch := eval[float64](b, `document.querySelector("#notice-list button").getBoundingClientRect().height`)
	if touch < 44 {
		t.Errorf("the withdraw button is %vpx tall, want at least 44", touch)
	}
	b.screenshot("notice list cards")

	// The registries and work lists: cards that fit the phone too.
	if res := e.API("POST", "/api/v1/organizations", city, map[string]any{"division_code": apptest.Community, "name": "游园社区邻里互助会",
		"registration": "filed", "registration_number": "F-1", "type": "mutual_help"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("organization: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", "/api/v1/workers", city, map[string]any{"community_code": apptest.Community, "name": "张网格",
		"phone": "13900000001", "post": "grid_worker", "in_post_from": "2022-01-01"}); res.StatusCode != http.StatusCreated {
		t.Fatalf("worker: %d %s", res.StatusCode, res.Body)
	}
	for _, list := range []string{"/organizations", "/facilities", "/workers", "/requests", "/visits", "/activities", "/persons"} {
		b.open(list)
		b.checkFits(list)
		rows := eval[[]string](b, `[...document.querySelectorAll("main table.list tbody tr")].map(tr => getComputedStyle(tr).display)`)
		for _, d := range rows {
			if d != "block" {
				t.Errorf("%s: a row shows as %q on a phone, want a card", list, d)
				break
			}
		}
		if strings.Contains(list, "organizations") || strings.Contains(list, "workers") {
			if len(rows) == 0 {
				t.Errorf("%s: no rows to check", list)
			}
			b.screenshot(list + " cards")
		}
	}
	b.signOut()

	// A visitor: no account.
	b.open(page)
	if got := b.text("#notices"); !strings.Contains(got, "2026 年低保名单公示") || !strings.Contains(got, "公示") {
		t.Errorf("the visitor does not see the notice: %q", got)
	}
	if got := strings.Join(strings.Fields(b.text("#hall-hours")), " "); !strings.Contains(got, "08:30-12:00,14:00-18:00") || !strings.Contains(got, "周六 09:00-12:00") || !strings.Contains(got, "休息") {
		t.Errorf("the hall's hours: %q", got)
	}
	if got := b.text("#hall"); !strings.Contains(got, "河西街道游园路 8 号") {
		t.Errorf("the hall's address: %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("#hall-phone-form, #new-notice").length`); n != 0 {
		t.Errorf("a visitor sees the workers' forms")
	}
	b.checkFits("community page, visitor")
	b.screenshot("visitor")
}
