package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestThreeListsJourney: a community worker records a need, sees a
// resident unit's resource suggested and confirms it, starts a project
// serving the need with a government-purchase budget and reports progress
// with a photo; a township member of staff accepts it. The need shows as
// served and the figures page moves.
func TestThreeListsJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	township := e.Token(auth.TownshipStaff, apptest.Township)
	res := e.API("POST", "/api/v1/resident-units", township, map[string]any{"division_code": apptest.Community, "name": "衡水市供电公司",
		"kind": "enterprise"})
	var unit struct{ ID int64 }
	if res.JSON(t, &unit); res.StatusCode != http.StatusCreated {
		t.Fatalf("unit: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", fmt.Sprintf("/api/v1/resident-units/%d/resources", unit.ID), township, map[string]any{"name": "职工食堂午餐",
		"kind": "services", "serves": "elderly_care", "hours": "周一至周五 11:30-13:00", "capacity": 40}); res.StatusCode != http.StatusCreated {
		t.Fatalf("resource: %d %s", res.StatusCode, res.Body)
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		img.Set(x, x%48, color.RGBA{G: 160, A: 255})
	}
	var raw bytes.Buffer
	if err := png.Encode(&raw, img); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "progress.png")
	if err := os.WriteFile(photo, raw.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, e.URL, 1280, 900)
	b.login(e.User(auth.CommunityWorker, apptest.Community), apptest.Password)
	b.open("/needs")
	b.navigate("new need", chromedp.Click(chromedp.CSS("#new-need")))
	b.navigate("record the need",
		chromedp.SendKeys(chromedp.CSS("#f-title"), "独居老人午餐无人照料"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "elderly_care"),
		chromedp.SetValue(chromedp.CSS("#f-group"), "elderly_special"),
		chromedp.Click(chromedp.CSS("#save-need")),
	)
	if got := b.text("#match-list"); !strings.Contains(got, "职工食堂午餐") || !strings.Contains(got, "本社区") {
		t.Fatalf("the suggested resources: %q", got)
	}
	b.navigate("confirm the match", chromedp.Click(chromedp.CSS("#match-list .confirm-match")))
	if got := b.text("#need-status"); got != "已对接" {
		t.Errorf("the need after matching: %q", got)
	}
	b.navigate("start a project", chromedp.Click(chromedp.CSS("#start-project")))
	if !eval[bool](b, `document.querySelector("#project-needs input[name=need]:checked") !== null`) {
		t.Errorf("the project form does not carry the need")
	}
	b.navigate("save the project",
		chromedp.SendKeys(chromedp.CSS("#f-owner"), "幸福里社工服务中心"),
		chromedp.SetValue(chromedp.CSS("#f-funding"), "purchase"),
		chromedp.SendKeys(chromedp.CSS("#f-budget"), "12345.50"),
		chromedp.Click(chromedp.CSS("#save-project")),
	)
	if got := b.text("#project-status"); got != "实施中" {
		t.Fatalf("the new project: %q", got)
	}
	b.do("fill the report", chromedp.SendKeys(chromedp.CSS("#p-note"), "长者食堂已开餐，每日供餐 40 份"),
		chromedp.SetUploadFiles(chromedp.CSS("#p-photo"), []string{photo}))
	b.navigate("report progress", chromedp.Click(chromedp.CSS("#report-progress")))
	if n := eval[int](b, `document.querySelectorAll("#progress img.progress-photo").length`); n != 1 {
		t.Fatalf("%d photos in the progress", n)
	}
	b.waitForImage("the progress photo loads", "#progress img.progress-photo", 64)
	projectPath := b.path()
	// The worker who ran it may not accept it.
	b.do("own acceptance", chromedp.SendKeys(chromedp.CSS("#a-note"), "自己验收"))
	if res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#accept-project"))); err != nil || res.Status != http.StatusForbidden {
		t.Fatalf("the runner's acceptance: %v %v", res, err)
	}
	b.checkA11y("own acceptance refused")
	if got := b.text("main .errors"); !strings.Contains(got, "不能验收") {
		t.Errorf("the refusal: %q", got)
	}
	b.signOut()

	b.login(e.User(auth.TownshipStaff, apptest.Township), apptest.Password)
	b.open("/projects/figures")
	if got := b.text("#fig-served"); got != "0" {
		t.Errorf("served before acceptance: %q", got)
	}
	b.open(projectPath)
	b.do("acceptance note", chromedp.SendKeys(chromedp.CSS("#a-note"), "现场查验，供餐正常，验收合格"))
	b.navigate("accept", chromedp.Click(chromedp.CSS("#accept-project")))
	if got := b.text("#project-status"); got != "已验收" {
		t.Errorf("after acceptance: %q", got)
	}
	if got := b.text("#project-needs .linked-need-status"); got != "已满足" {
		t.Errorf("the need after acceptance: %q", got)
	}
	b.open("/projects/figures")
	if got := b.text("#fig-served"); got != "1" {
		t.Errorf("served after acceptance: %q", got)
	}
	if got := b.text("#fig-money-purchase"); got != "12345.50" {
		t.Errorf("government purchase: %q", got)
	}
	if got := b.text("#figures"); !strings.Contains(got, "游园社区") {
		t.Errorf("the drill-down rows: %q", got)
	}
	b.open("/resources")
	b.open("/projects")
	b.screenshot("projects")
}
