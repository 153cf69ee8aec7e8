package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestFacilityJourney: city staff open rural facility coverage on the
// dashboard, drill down to a township, open the villages without a
// comprehensive facility, register one for a village from that list, and
// see the township's coverage rise; then a workbook with two bad rows is
// refused with both rows named and nothing imported.
func TestFacilityJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b, name := signedIn(t, e, auth.CityStaff, apptest.City, 1280, 900)
	passMFA(t, e, name)

	b.open("/indicators/" + apptest.City)
	b.navigate("rural coverage", chromedp.Click(chromedp.CSS(`#ind-rural_facility_coverage a`)))
	b.navigate("drill county", chromedp.Click(chromedp.CSS(`#children tr[data-code="`+apptest.County+`"] a`)))
	b.navigate("drill township", chromedp.Click(chromedp.CSS(`#children tr[data-code="`+apptest.SiblingTownship+`"] a`)))
	if got := b.text("#fig-ratio"); got != "0 / 1" {
		t.Fatalf("township rural coverage before: %q, want 0 / 1", got)
	}
	b.screenshot("before")
	b.navigate("missing link", chromedp.Click(chromedp.CSS("#missing-link")))
	rows := eval[[]string](b, `[...document.querySelectorAll("#missing tbody tr td.code")].map(td => td.textContent.trim())`)
	if len(rows) != 1 || rows[0] != apptest.RuralCommunity {
		t.Fatalf("villages without a facility: %q, want [%s]", rows, apptest.RuralCommunity)
	}
	b.navigate("register a facility", chromedp.Click(chromedp.CSS("#missing tbody a.remedy")))
	if got := eval[string](b, `document.querySelector("#f-division_code").value`); got != apptest.RuralCommunity {
		t.Fatalf("the form is not for the village: %q", got)
	}
	if got := eval[string](b, `document.querySelector("#f-kind").value`); got != "comprehensive" {
		t.Fatalf("the form's kind: %q", got)
	}
	b.navigate("save facility",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "集贤街村综合服务站"),
		chromedp.SendKeys(chromedp.CSS("#f-floor_area"), "320"),
		chromedp.SendKeys(chromedp.CSS("#f-activity_area"), "200"),
		chromedp.Click(chromedp.CSS("#facility-save")),
	)
	b.screenshot("saved")
	b.open("/indicators/" + apptest.SiblingTownship + "/rural_facility_coverage")
	if got := b.text("#fig-ratio"); got != "1 / 1" {
		t.Fatalf("township rural coverage after: %q, want 1 / 1", got)
	}
	b.screenshot("after")

	// A workbook with two bad rows: both named, nothing imported.
	book := excelize.NewFile()
	sh := book.GetSheetName(0)
	_ = book.SetSheetRow(sh, "A1", &[]any{"服务的村(社区)或乡镇(街道)代码", "设施类型", "设施名称", "建筑面积(m²)"})
	_ = book.SetSheetRow(sh, "A2", &[]any{apptest.Community, "综合服务设施", "游园社区党群服务中心", 650})
	_ = book.SetSheetRow(sh, "A3", &[]any{apptest.SiblingCommunity, "城堡", "萃景社区服务站", 300})     // row 3: bad kind
	_ = book.SetSheetRow(sh, "A4", &[]any{apptest.CousinCommunity, "综合服务设施", "桥东社区服务站", "很大"}) // row 4: bad area
	path := filepath.Join(t.TempDir(), "facilities.xlsx")
	if err := book.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	var before int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM facilities`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	b.open("/facilities/import")
	b.do("upload", chromedp.SetUploadFiles(chromedp.CSS(`#facility-import-file`), []string{path}))
	b.do("import", chromedp.Click(chromedp.CSS("#facility-import-submit")), chromedp.WaitVisible(chromedp.CSS("#import-errors")))
	errors := b.text("#import-errors")
	for _, want := range []string{"第 3 行", "第 4 行"} {
		if !strings.Contains(errors, want) {
			t.Errorf("import errors do not name %s: %q", want, errors)
		}
	}
	b.screenshot("import-refused")
	var after int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM facilities`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Fatalf("a refused workbook changed the registry: %d → %d facilities", before, after)
	}
	_ = os.Remove(path)
}
