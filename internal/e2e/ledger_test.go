package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/ledger"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// TestLedgerJourney: city staff open a special action with two work items
// for a county department; the department's account sees them on its home
// page (the one past its day flagged), reports progress with a photo; the
// city returns the report once with a reason, then accepts the second;
// the completion rate moves from 0 to 50 %, and the overdue item shows
// flagged in the list and on the task's page.
func TestLedgerJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区民政局", Kind: request.UnitDepartment, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	unitName := e.User(auth.HandlingUnit, apptest.County)
	acc, _ := e.App.Users.ByName(e.Ctx, unitName)
	if err := e.App.Requests.AddMember(e.Ctx, unit.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	photo := filepath.Join(t.TempDir(), "evidence.jpg")
	if err := os.WriteFile(photo, gpsPhoto(t), 0o600); err != nil {
		t.Fatal(err)
	}
	today := e.App.Ledger.Today()
	year := today[:4]

	b, cityName := signedIn(t, e, auth.CityStaff, apptest.City, 1280, 900)
	passMFA(t, e, cityName)
	cityLogin := func() {
		b.login(cityName, apptest.Password)
		passMFA(t, e, cityName)
	}
	b.open("/ledger")
	b.navigate("new task", chromedp.Click(chromedp.CSS("#new-task")))
	b.navigate("save the task",
		chromedp.SetValue(chromedp.CSS("#f-kind"), ledger.SpecialAction),
		chromedp.SendKeys(chromedp.CSS("#f-task_code"), "SA-03"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "城乡社区未成年人关爱行动"),
		chromedp.SendKeys(chromedp.CSS("#f-section"), "四(二)专栏2-3"),
		chromedp.SetValue(chromedp.CSS("#f-lead_unit"), strconv.FormatInt(unit.ID, 10)),
		chromedp.SetValue(chromedp.CSS("#f-deadline"), year+"-12-31"),
		chromedp.SendKeys(chromedp.CSS("#f-divisions"), apptest.Community),
		chromedp.Click(chromedp.CSS("#save-task")),
	)
	if got := b.text("#lead-unit"); got != "桃城区民政局" {
		t.Fatalf("the task's lead unit: %q", got)
	}
	taskPath := b.path()
	addItem := func(title, due string) {
		b.navigate("add "+title,
			chromedp.SetValue(chromedp.CSS("#i-year"), year),
			chromedp.SendKeys(chromedp.CSS("#i-title"), title),
			chromedp.SetValue(chromedp.CSS("#i-due_on"), due),
			chromedp.Click(chromedp.CSS("#add-item")),
		)
	}
	addItem("建设社区儿童之家", year+"-12-31")
	addItem("开展儿童关爱培训", "2000-01-31")
	tid, _ := strconv.ParseInt(strings.TrimPrefix(taskPath, "/ledger/"), 10, 64)
	_, items, err := e.App.Ledger.TaskItems(e.Ctx, tid)
	if err != nil || len(items) != 2 {
		t.Fatalf("items: %v %v", items, err)
	}
	late, work := items[0], items[1] // by due day: the overdue one first
	if got := b.text("#item-" + strconv.FormatInt(late.ID, 10) + " .overdue-flag"); got != "已逾期" {
		t.Errorf("the overdue item's flag: %q", got)
	}
	city := auth.With(e.Ctx, &auth.Principal{Name: cityName, Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, division.City)})
	if r, err := e.App.Ledger.Rates(city, app.Plan20212025, ""); err != nil || r.Total.Items != 2 || r.Total.Percent != 0 {
		t.Errorf("completion before: %+v %v", r, err)
	}
	b.signOut()

	// The unit's home page, on a phone: both items to report, the late
	// one flagged.
	b.do("phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.login(unitName, apptest.Password)
	b.checkFits("the unit's home")
	queue := b.text(`[id="queue-ledger.home.items"]`)
	if !strings.Contains(queue, "建设社区儿童之家") || !strings.Contains(queue, "已逾期") {
		t.Fatalf("the unit's home queue: %q", queue)
	}
	report := func(note string) {
		id := strconv.FormatInt(work.ID, 10)
		b.open(taskPath)
		b.do("fill the report", chromedp.SendKeys(chromedp.CSS("#note-"+id), note),
			chromedp.SetUploadFiles(chromedp.CSS("#photo-"+id), []string{photo}))
		b.navigate("report", chromedp.Click(chromedp.CSS("#report-form-"+id+" .report-progress")))
		if got := b.text("#item-" + id + " .status"); got != "待审核" {
			t.Fatalf("after reporting: %q", got)
		}
	}
	report("儿童之家已完成选址，正在装修")
	b.checkFits("the task, reported")
	b.waitForImage("the evidence photo loads", "img.report-photo", 64)
	b.signOut()
	b.do("desktop", chromedp.EmulateViewport(1280, 900))

	review := func(decision, reason string) {
		b.open(taskPath)
		if reason != "" {
			b.do("reason", chromedp.SendKeys(chromedp.CSS(".review-form input[name=return_reason]"), reason))
		}
		b.navigate(decision, chromedp.Click(chromedp.CSS(".review-form ."+decision+"-report")))
	}
	cityLogin()
	review("return", "请补充竣工照片")
	if got := b.text("#item-" + strconv.FormatInt(work.ID, 10)); !strings.Contains(got, "已退回") || !strings.Contains(got, "请补充竣工照片") {
		t.Errorf("after returning: %q", got)
	}
	b.signOut()

	b.do("phone again", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile))
	b.login(unitName, apptest.Password)
	report("儿童之家已建成开放，附竣工照片")
	b.signOut()
	b.do("desktop", chromedp.EmulateViewport(1280, 900))

	cityLogin()
	review("accept", "")
	if got := b.text("#item-" + strconv.FormatInt(work.ID, 10) + " .status"); got != "已完成" {
		t.Errorf("after accepting: %q", got)
	}
	if got := b.text("#task-progress"); got != "1 / 2 项完成" {
		t.Errorf("the task's progress: %q", got)
	}
	b.open("/ledger/rates")
	if got := b.text("#total-percent"); got != "50.0%" {
		t.Errorf("completion after: %q", got)
	}
	if got := b.text("#rates-unit"); !strings.Contains(got, "桃城区民政局") {
		t.Errorf("rates by unit: %q", got)
	}
	b.open("/ledger?overdue=1")
	if got := b.text("#tasks"); !strings.Contains(got, "城乡社区未成年人关爱行动") || !strings.Contains(got, "1 项逾期") {
		t.Errorf("the overdue list: %q", got)
	}
	b.screenshot("ledger")
}
