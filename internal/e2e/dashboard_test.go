package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// TestDashboardJourney: city staff open the city's plan indicators, drill
// down from the city to a county and a township for village broadband,
// see the charts drawn, open the list of villages not yet covered and go
// on to one of them; a target above 100% is refused beside its field.
// (The facility part of the journey, adding a facility and seeing the
// coverage rise, waits for the facility registry's pages.)
func TestDashboardJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	// Every village has broadband but 集贤街村.
	for _, c := range []string{apptest.RuralCommunity, apptest.FarCommunity, "131103100202", "131103102201", "131103102202"} {
		on := c != apptest.RuralCommunity
		if _, err := e.App.Divisions.UpdateProfile(e.Ctx, c, division.ProfilePatch{Broadband: &on}); err != nil {
			t.Fatal(err)
		}
	}
	// 衡水's two zones, counties on paper without a boundary on the map.
	zones := "code,name,level,kind,parent_code\n131171000000,河北衡水高新技术产业开发区,county,,131100000000\n131172000000,衡水滨湖新区,county,,131100000000\n"
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(zones), nil); err != nil {
		t.Fatal(err)
	}
	name := e.User(auth.CityStaff, apptest.City)
	signIn := func(w, h int64) *Browser {
		b := newBrowser(t, e.URL, w, h)
		b.login(name, apptest.Password)
		// The second factor is tested elsewhere; pass it as the TOTP page would.
		passMFA(t, e, name)
		return b
	}
	b := signIn(1280, 900)

	// The navigation entry opens the city's dashboard.
	b.open("/")
	b.navigate("nav entry", chromedp.Click(chromedp.CSS(`.main-nav a[href="/indicators"]`)))
	if p, want := b.path(), "/indicators/"+apptest.City; p != want {
		t.Fatalf("the dashboard opened at %s, want %s", p, want)
	}
	if got := b.text("#ind-village_broadband_rate .value"); !strings.HasPrefix(got, "80") {
		t.Errorf("city broadband shows %q, want 80 %% (4 of 5 villages)", got)
	}
	// 政务代办 is wired: with no case yet its coverage is a value, 0.
	if got := b.text("#ind-proxy_service_coverage"); strings.Contains(got, "等待") || !strings.HasPrefix(b.text("#ind-proxy_service_coverage .value"), "0") {
		t.Errorf("proxy service coverage with no case reads %q, want 0 %%", got)
	}
	b.screenshot("city")

	// The summary a leader reads first: the tiles, and the counties on the
	// map drawn from the vendored map file; the zones beside it.
	b.do("map drawn", chromedp.WaitVisible(chromedp.CSS(`#division-map[data-drawn="1"] canvas`)))
	if n := eval[int](b, `document.querySelectorAll("#map-unplaced li").length`); n != 2 {
		t.Errorf("%d zones beside the map, want 2", n)
	}
	if got := eval[int](b, `[...document.querySelectorAll(".kpi-count")].reduce((s, e) => s + Number(e.textContent), 0) +
		document.querySelectorAll("#ind-proxy_service_coverage.status-awaiting").length`); got < 2 {
		t.Errorf("the tiles count %d indicators", got)
	}
	// Status badges stay on one line.
	if bad := eval[[]string](b, `[...document.querySelectorAll(".badge")].filter(e => getComputedStyle(e).whiteSpace !== "nowrap" || e.getClientRects().length !== 1).map(e => e.textContent)`); len(bad) > 0 {
		t.Errorf("badges that break: %q", bad)
	}
	b.screenshot("summary-desktop")
	// Another indicator on the map: the picker submits itself.
	b.navigate("map pick", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(() => { const s = document.querySelector("#map-ind"); s.value = "village_broadband_rate"; s.dispatchEvent(new Event("change")); return true; })()`)(ctx, tg)
		return err
	}))
	b.do("map redrawn", chromedp.WaitVisible(chromedp.CSS(`#division-map[data-drawn="1"] canvas`)))
	if got := eval[string](b, `location.search`); got != "?map=village_broadband_rate" {
		t.Errorf("after the pick the page is at %q", got)
	}
	if b.text("#map-title") == "" || eval[bool](b, `document.querySelector("#map-show").offsetParent !== null`) {
		t.Error("the map's title is empty, or the picker's button shows beside the script")
	}
	b.screenshot("summary-map-pick")

	// City → county → township.
	b.navigate("drill city", chromedp.Click(chromedp.CSS(`#ind-village_broadband_rate a`)))
	b.do("bar chart drawn", chromedp.WaitVisible(chromedp.CSS(`#chart-children[data-drawn="1"] canvas`)))
	b.screenshot("drill-city")
	b.navigate("drill county", chromedp.Click(chromedp.CSS(`#children tr[data-code="`+apptest.County+`"] a`)))
	b.navigate("drill township", chromedp.Click(chromedp.CSS(`#children tr[data-code="`+apptest.SiblingTownship+`"] a`)))
	if p, want := b.path(), "/indicators/"+apptest.SiblingTownship+"/village_broadband_rate"; p != want {
		t.Fatalf("at %s, want %s", p, want)
	}
	if got := b.text("#fig-ratio"); got != "0 / 1" {
		t.Errorf("township ratio %q, want 0 / 1", got)
	}
	b.screenshot("drill-township")

	// The villages not yet covered, one click away, and on to the village.
	b.navigate("missing link", chromedp.Click(chromedp.CSS("#missing-link")))
	rows := eval[[]string](b, `[...document.querySelectorAll("#missing tbody tr td.code")].map(td => td.textContent.trim())`)
	if len(rows) != 1 || rows[0] != apptest.RuralCommunity {
		t.Fatalf("villages not covered: %q, want [%s]", rows, apptest.RuralCommunity)
	}
	b.screenshot("missing")
	b.navigate("village link", chromedp.Click(chromedp.CSS("#missing tbody a")))
	if p, want := b.path(), "/divisions/"+apptest.RuralCommunity; p != want {
		t.Fatalf("at %s, want %s", p, want)
	}

	// A target above 100% is refused beside its field, nothing saved.
	b.open("/indicators/" + apptest.County + "/village_broadband_rate")
	b.do("bad target",
		chromedp.Clear(chromedp.CSS("#t-value")),
		chromedp.SendKeys(chromedp.CSS("#t-value"), "150"),
		chromedp.Click(chromedp.CSS("#target-submit")),
		chromedp.WaitVisible(chromedp.CSS("#e-value")),
	)
	if got := eval[string](b, `document.querySelector("#t-value").getAttribute("aria-invalid")`); got != "true" {
		t.Errorf("the bad field is not marked: aria-invalid=%q", got)
	}
	b.screenshot("bad-target")
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM indicator_targets`).Scan(&n); err != nil || n != 0 {
		t.Errorf("targets after a refused one: %d %v", n, err)
	}

	// The printable view has no navigation.
	b.open("/indicators/" + apptest.City + "?print=1")
	if eval[bool](b, `document.querySelector(".main-nav") !== null`) {
		t.Error("the printable view has the navigation")
	}
	b.screenshot("print")

	// On a phone the summary fits the width and the map draws.
	phone := signIn(390, 844)
	phone.open("/indicators/" + apptest.City)
	phone.do("phone map drawn", chromedp.WaitVisible(chromedp.CSS(`#division-map[data-drawn="1"] canvas`)))
	if w := eval[int](phone, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the phone's page is %d px wide", w)
	}
	phone.screenshot("summary-phone")
}
