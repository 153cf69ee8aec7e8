package indicator_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// The pages answer inside the area only, the exports open in Excel with a
// row per indicator (and per child), and the printable view has no navigation.
func TestPagesExportsAndPrint(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	city := e.Session(auth.CityStaff, apptest.City)
	for _, p := range []string{"/indicators/" + apptest.City, "/indicators/" + apptest.City + "?order=plan",
		"/indicators/" + apptest.County + "/village_broadband_rate?sort=name", "/indicators/" + apptest.County + "/village_broadband_rate/missing"} {
		if r := city.Get(p); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "main-nav") {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	if r := city.Get("/indicators/" + apptest.County + "/village_broadband_rate?sort=size"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("unknown sort: %d", r.StatusCode)
	}
	if r := city.Get("/indicators/" + apptest.City + "/workers_per_10k_urban/missing"); r.StatusCode != http.StatusNotFound {
		t.Errorf("missing list of a ratio: %d", r.StatusCode)
	}
	r := city.Get("/indicators/" + apptest.City + "?print=1")
	if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "main-nav") || !strings.Contains(r.Body, `class="print-view"`) {
		t.Errorf("print view: %d, nav or layout wrong", r.StatusCode)
	}
	// Exports.
	r = city.Get("/indicators/" + apptest.City + "/export.xlsx")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	x, err := excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheets := x.GetSheetList()
	rows, _ := x.GetRows(sheets[0])
	kids, _ := x.GetRows(sheets[1])
	if len(sheets) != 2 || len(rows) != 24 || len(kids) != 3 || rows[1][0] != "rural_facility_coverage" {
		t.Errorf("export: sheets %v, %d indicator rows, %d child rows", sheets, len(rows), len(kids))
	}
	r = city.Get("/indicators/" + apptest.County + "/village_broadband_rate/export.xlsx?sort=name")
	x, err = excelize.OpenReader(strings.NewReader(r.Body))
	if err != nil {
		t.Fatalf("drill export %d: %v", r.StatusCode, err)
	}
	rows, _ = x.GetRows(x.GetSheetList()[0])
	if len(rows) != 4 || rows[1][0] != apptest.County || rows[2][0] != apptest.Township && rows[2][0] != apptest.SiblingTownship {
		t.Errorf("drill export rows: %q", rows)
	}
	// Outside the area: not found; a resident: forbidden.
	tw := e.Session(auth.TownshipStaff, apptest.Township)
	for _, p := range []string{"/indicators/" + apptest.County, "/indicators/" + apptest.SiblingTownship + "/village_5g_rate", "/indicators/" + apptest.County + "/export.xlsx"} {
		if r := tw.Get(p); r.StatusCode != http.StatusNotFound {
			t.Errorf("township staff at %s: %d", p, r.StatusCode)
		}
	}
	if r := tw.Get("/indicators"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/indicators/"+apptest.Township {
		t.Errorf("township staff's dashboard: %d to %q", r.StatusCode, r.Header.Get("Location"))
	}
	if r := e.Session(auth.Resident, apptest.Community).Get("/indicators/" + apptest.Community); r.StatusCode != http.StatusForbidden {
		t.Errorf("resident: %d", r.StatusCode)
	}
	// Township staff see no target form; a target form post is refused.
	if r := tw.Get("/indicators/" + apptest.Township + "/village_5g_rate"); strings.Contains(r.Body, "target-form") {
		t.Error("township staff see the target form")
	}
}
