package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/grid"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// TestGridPatrolJourney: on a 360 px phone a grid worker starts a patrol
// of their grid, adds a note with a photo, reports a hazard (it becomes a
// request) and resolves a dispute on the spot, then ends the patrol; the
// township dispatches the request, whose page links back to the patrol,
// and the township's figures count the patrol and both events. Every page
// passes axe-core.
func TestGridPatrolJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区应急管理局", Kind: request.UnitDepartment, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	login := e.User(auth.GridWorker, apptest.Community)
	var g grid.Grid
	if res := e.API("POST", "/api/v1/grids", e.Token(auth.CommunityWorker, apptest.Community), map[string]any{"community_code": apptest.Community,
		"grid_number": 1, "name": "游园第一网格", "workers": []string{login},
		"units": []map[string]any{{"kind": "building", "name": "3号楼", "head_name": "王秀兰", "head_phone": "13912345678"}}}); res.StatusCode != 201 {
		t.Fatalf("grid: %d %s", res.StatusCode, res.Body)
	} else {
		res.JSON(t, &g)
	}
	photo := filepath.Join(t.TempDir(), "IMG_0003.jpg")
	if err := os.WriteFile(photo, gpsPhoto(t), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.URL, 360, 740)
	b.login(login, apptest.Password)
	b.open("/grid/patrols")
	b.act("start the patrol", "#start")
	if !strings.HasPrefix(b.path(), "/grid/patrols/") || b.text("#patrol-state") != "进行中" {
		t.Fatalf("after starting: %s, state %q", b.path(), b.text("#patrol-state"))
	}
	patrolPath := b.path()
	b.act("add a note with a photo", "#add-note",
		chromedp.SendKeys(chromedp.CSS("#f-note"), "3号楼东侧消防通道巡查"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-note-photo"), []string{photo}))
	if n := eval[int](b, `document.querySelectorAll("#patrol-notes img").length`); n != 1 || !strings.Contains(b.text("#patrol-notes"), "消防通道") {
		t.Errorf("note: %d photos, %q", n, b.text("#patrol-notes"))
	}
	b.act("report a hazard", "#report-event",
		chromedp.SetValue(chromedp.CSS("#f-kind"), "hazard"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "3号楼楼道堆放杂物，堵塞消防通道"))
	number := b.text("#patrol-events a")
	id, _, ok := request.ParseNumber(number)
	if !ok {
		t.Fatalf("no request number among the events: %q", b.text("#patrol-events"))
	}
	b.act("resolve a dispute on the spot", "#resolve-event",
		chromedp.SetValue(chromedp.CSS("#f-kind"), "dispute"),
		chromedp.SendKeys(chromedp.CSS("#f-description"), "两户邻居因占用车位争吵"),
		chromedp.SendKeys(chromedp.CSS("#f-resolution"), "当场劝解，约定轮流使用"))
	if got := b.text("#patrol-events"); !strings.Contains(got, "就地解决") || !strings.Contains(got, "轮流使用") {
		t.Errorf("events: %q", got)
	}
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the patrol page is %dpx wide on a 360px phone: %s", w, eval[string](b, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 360 && e.tagName == "DIV").map(e => e.outerHTML.slice(0, 150) + " R=" + e.getBoundingClientRect().right).join(" ")`))
	}
	b.screenshot("patrol-phone")
	b.act("end the patrol", "#end-patrol")
	if st := b.text("#patrol-state"); st == "进行中" || st == "" {
		t.Errorf("after ending: %q", st)
	}
	if n := eval[int](b, `document.querySelectorAll("#event-form, #note-form").length`); n != 0 {
		t.Errorf("an ended patrol still offers %d forms", n)
	}
	b.signOut()

	// The township dispatches the request the hazard became.
	b.do("desktop", chromedp.EmulateViewport(1280, 900))
	b.login(e.User(auth.TownshipStaff, apptest.Township), apptest.Password)
	b.open("/requests/" + itoa(id))
	if href := eval[string](b, `(document.querySelector("#request-onward a[href^='/grid/patrols/']") || {}).getAttribute?.("href") || ""`); href != patrolPath {
		t.Errorf("the request links to the patrol %q, want %q", href, patrolPath)
	}
	b.act("dispatch", "#dispatch-submit", chromedp.SetValue(chromedp.CSS("#f-dispatch-unit"), itoa(unit.ID)))
	if st := b.status(); st != request.StatusDispatched {
		t.Fatalf("after dispatch: %s", st)
	}
	b.open("/grid/figures")
	cells := strings.Fields(b.text("#figures-total"))
	if strings.Join(cells, " ") != "合计 1 2 1 1" {
		t.Errorf("township figures total %q", cells)
	}
	b.open("/grid/figures?division=" + apptest.Community)
	if got := b.text("#grid-figures"); !strings.Contains(got, g.Code) {
		t.Errorf("community figures lack the grid %s: %q", g.Code, got)
	}
	b.screenshot("figures")
}
