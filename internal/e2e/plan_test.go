package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/ledger"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// planWorkbook fills the downloaded template with a 2026–2030 plan; bad
// puts an unknown measure in the second indicator's numerator (row 3).
func planWorkbook(t *testing.T, template []byte, bad bool) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		t.Fatalf("the template is not a workbook: %v", err)
	}
	defer x.Close()
	sheet := x.GetSheetName(0)
	num := "care.elderly_visited"
	if bad {
		num = "care.no_such_measure"
	}
	rows := [][]any{
		{"village_5g_rate", "行政村5G通达率", "Village 5G rate", "主要指标", 80, 98, "预期性", "不低于", "%", "villages", "", "division.rural_5g", "division.rural_communities", 100, ""},
		{"elderly_visits", "老年人月探访率", "Elderly visited monthly", "专栏3", "", 95, "约束性", "不低于", "%", "elderly", "", num, "care.elderly_due", 100, "月"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	f := filepath.Join(t.TempDir(), map[bool]string{true: "bad.xlsx", false: "good.xlsx"}[bad])
	if err := x.SaveAs(f); err != nil {
		t.Fatal(err)
	}
	return f
}

// savePDF keeps a PDF under test-artifacts/e2e for a look by eye.
func savePDF(t *testing.T, name string, b []byte) {
	t.Helper()
	dir, err := artifactDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPlanJourney: city staff download the template, upload a 2026–2030
// workbook with a bad row (refused, the row named on the page, nothing
// saved), then a good one; the dashboard switches between 2021–2025 and
// 2026–2030; 2025 is frozen and the 2021–2025 final evaluation is shown
// and its PDF generated for the city and a county, with the indicators'
// names and figures in its text.
func TestPlanJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	// The task ledger holds one special action of the period with a work
	// item in the county, done: the evaluation's section on the special
	// actions and projects reads it.
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "衡水市民政局", Kind: request.UnitDepartment, DivisionCode: apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	task, err := e.App.Ledger.CreateTask(e.Ctx, ledger.LedgerTaskInput{Period: "2021-2025", Kind: ledger.SpecialAction, Code: "SA-01",
		Title: "社区服务能力提升行动", LeadUnit: unit.ID, Divisions: []string{apptest.County}, Deadline: "2025-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Ledger.AddItem(e.Ctx, task.ID, ledger.WorkItemInput{Year: 2025, Title: "建成社区综合服务设施", DueOn: "2025-12-31"}); err != nil {
		t.Fatal(err)
	}
	b, _ := signedIn(t, e, auth.CityStaff, apptest.City, 1280, 900)
	web := e.Session(auth.CityStaff, apptest.City)

	b.open("/plan-periods")
	href := eval[string](b, `document.querySelector("#plan-template").getAttribute("href")`)
	tpl := web.Get(href)
	if tpl.StatusCode != 200 || !strings.Contains(tpl.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("template: %d %s", tpl.StatusCode, tpl.Header.Get("Content-Type"))
	}
	fill := func(file string) {
		b.do("fill the period", chromedp.SendKeys(chromedp.CSS("#p-base"), "2025"), chromedp.SendKeys(chromedp.CSS("#p-end"), "2030"),
			chromedp.SendKeys(chromedp.CSS("#p-zh"), "“十五五”城乡社区服务体系建设规划"), chromedp.SendKeys(chromedp.CSS("#p-en"), "15th five-year plan for community services"),
			chromedp.SetUploadFiles(chromedp.CSS("#p-file"), []string{file}))
	}
	fill(planWorkbook(t, []byte(tpl.Body), true))
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#load-submit")))
	if err != nil || res.Status != 422 {
		t.Fatalf("the bad workbook: %v %v", res, err)
	}
	b.checkA11y("bad workbook refused")
	if got := b.text("main .errors"); !strings.Contains(got, "第 3 行") || !strings.Contains(got, "分子统计量") || !strings.Contains(got, "care.no_such_measure") {
		t.Errorf("the refusal does not name the row and field: %q", got)
	}
	if n := eval[int](b, `document.querySelectorAll("#plan-periods tbody tr").length`); n != 1 {
		t.Fatalf("%d periods after a refused file", n)
	}
	b.screenshot("refused")
	b.open("/plan-periods")
	fill(planWorkbook(t, []byte(tpl.Body), false))
	b.navigate("load the good workbook", chromedp.Click(chromedp.CSS("#load-submit")))
	if got := b.text("#period-2026-2030"); !strings.Contains(got, "十五五") || !strings.Contains(got, "当前") {
		t.Fatalf("the new period: %q", got)
	}

	// The dashboard: the current period is 2026–2030; 2021–2025 is kept.
	b.open("/indicators/" + apptest.City)
	has := func(id string) bool { return eval[bool](b, `document.getElementById("`+id+`") !== null`) }
	if !has("ind-elderly_visits") || has("ind-rural_facility_coverage") {
		t.Error("the dashboard does not open on 2026-2030")
	}
	pick := func(period string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(() => { const s = document.querySelector("#period-pick"); s.value = "`+period+`"; s.dispatchEvent(new Event("change")); return true; })()`)(ctx, tg)
			return err
		})
	}
	b.navigate("switch to 2021-2025", pick("2021-2025"))
	if !has("ind-rural_facility_coverage") || has("ind-elderly_visits") {
		t.Error("the dashboard did not switch to 2021-2025")
	}
	// A drill-down keeps the period (its indicator is not in 2026–2030).
	b.navigate("drill into 2021-2025", chromedp.Click(chromedp.CSS("#ind-rural_facility_coverage a")))
	if got := b.text("h1"); !strings.Contains(got, "农村社区综合服务设施覆盖率") {
		t.Errorf("the 2021-2025 drill-down: %q", got)
	}
	b.open("/indicators/" + apptest.City + "?period=2021-2025")
	b.navigate("back to 2026-2030", pick("2026-2030"))
	if !has("ind-village_5g_rate") || has("ind-rural_facility_coverage") {
		t.Error("the dashboard did not switch back to 2026-2030")
	}

	// Freeze 2025 and evaluate 2021–2025.
	b.open("/plan-periods")
	b.do("choose 2025", chromedp.SetValue(chromedp.CSS("#f-period"), "2021-2025"), chromedp.SetValue(chromedp.CSS("#f-year"), "2025"))
	b.navigate("freeze", chromedp.Click(chromedp.CSS("#freeze-submit")))
	if got := b.text("h1"); !strings.Contains(got, "终期评估") {
		t.Fatalf("after the freeze: %q", got)
	}
	b.screenshot("evaluation-city")
	check := func(who, name string) {
		t.Helper()
		value := b.text("#eval-village_broadband_rate td:nth-child(4)")
		pdfHref := eval[string](b, `document.querySelector("#eval-pdf").getAttribute("href")`)
		r := web.Get(pdfHref)
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("%s PDF: %d", who, r.StatusCode)
		}
		savePDF(t, "TestPlanJourney-evaluation-"+who+".pdf", []byte(r.Body))
		// The text with the title's wrapped lines joined.
		text := pdfText([]byte(r.Body))
		text += "\n" + strings.ReplaceAll(text, "\n", "")
		for _, want := range []string{name, "终期评估", "农村社区综合服务设施覆盖率", "行政村通宽带比例", value, "SA-01 社区服务能力提升行动：完成 0 项，共 1 项"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s PDF lacks %q: %.600s", who, want, text)
			}
		}
	}
	check("city", "衡水市")
	b.navigate("the county", chromedp.SetValue(chromedp.CSS("#e-division"), apptest.County), chromedp.Click(chromedp.CSS("#eval-show")))
	if got := b.text("h1"); !strings.Contains(got, "桃城区") {
		t.Fatalf("county evaluation: %q", got)
	}
	b.screenshot("evaluation-county")
	check("county", "桃城区")
}
