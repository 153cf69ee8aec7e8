package indicator_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// summaryFixture: every village has 5G (100%, above the 80% target: met,
// the raw gap -20) and one urban community has 2,299,396.82 m² of
// buildings (the commercial area ratio's denominator).
func summaryFixture(t *testing.T) *apptest.Env {
	t.Helper()
	e := apptest.New(t)
	// 衡水's two zones, counties without a boundary of their own, one with a village.
	zones := "code,name,level,kind,parent_code\n131171000000,河北衡水高新技术产业开发区,county,,131100000000\n" +
		"131171100000,苏正街道,township,subdistrict,131171000000\n131171100201,王家庄村民委员会,community,rural,131171100000\n" +
		"131172000000,衡水滨湖新区,county,,131100000000\n"
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(zones), nil); err != nil {
		t.Fatal(err)
	}
	on := true
	for _, c := range []string{apptest.RuralCommunity, apptest.FarCommunity, "131103100202", "131103102201", "131103102202", "131171100201"} {
		if _, err := e.App.Divisions.UpdateProfile(e.Ctx, c, division.ProfilePatch{Has5G: &on}); err != nil {
			t.Fatal(err)
		}
	}
	area := 2299396.82
	if _, err := e.App.Divisions.UpdateProfile(e.Ctx, apptest.Community, division.ProfilePatch{BuildingArea: &area}); err != nil {
		t.Fatal(err)
	}
	return e
}

// row is the table row of an indicator on a dashboard page.
func row(t *testing.T, body, ind string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr id="ind-` + ind + `".*?</tr>`).FindString(body)
	if m == "" {
		t.Fatalf("no row for %s", ind)
	}
	return m
}

var numCell = regexp.MustCompile(`<td class="num">([^<]*)</td>`)

// The dashboard opens with a summary: the count of indicators at risk, on
// track and met equals the statuses of the figures, each tile links to its
// indicator, worst first; numbers have grouped digits and a met indicator's
// gap is 0, not how far it overshoots; the city's counties are on its map,
// and the zones without a boundary of their own are listed beside it.
func TestDashboardSummary(t *testing.T) {
	e := summaryFixture(t)
	city := e.Session(auth.CityStaff, apptest.City)
	r := city.Get("/indicators/" + apptest.City)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", r.StatusCode)
	}
	// Grouped digits.
	if cells := numCell.FindAllStringSubmatch(row(t, r.Body, "commercial_service_area_ratio"), -1); len(cells) < 2 || cells[1][1] != "2,299,396.82" {
		t.Errorf("commercial area ratio's denominator: %q, want 2,299,396.82", cells)
	}
	// A met indicator's gap is 0.
	g := row(t, r.Body, "village_5g_rate")
	cells := numCell.FindAllStringSubmatch(g, -1)
	if !strings.Contains(g, `class="status-met"`) || len(cells) != 6 || cells[5][1] != "0" {
		t.Errorf("village 5G row: gap %q, want 0 (met)", cells)
	}
	if d := city.Get("/indicators/" + apptest.City + "/village_5g_rate"); !strings.Contains(d.Body, `<dd id="fig-gap">0</dd>`) {
		t.Error("the drill-down shows a met indicator's gap below 0")
	}

	var list struct {
		Figures []struct {
			Indicator string `json:"indicator"`
			Status    string `json:"status"`
		} `json:"figures"`
	}
	e.API("GET", "/api/v1/indicators?division="+apptest.City, e.Token(auth.CityStaff, apptest.City), nil).JSON(t, &list)
	want := map[string]int{}
	for _, f := range list.Figures {
		want[f.Status]++
	}
	if want["met"] == 0 || len(list.Figures) != 23 {
		t.Fatalf("fixture: statuses %v of %d figures", want, len(list.Figures))
	}
	kpi := regexp.MustCompile(`<div class="kpi status-(\w+)" id="kpi-(\w+)"><span class="kpi-count">(\d+)</span>`)
	found := kpi.FindAllStringSubmatch(r.Body, -1)
	if len(found) != 3 || found[0][1] != "at_risk" || found[1][1] != "on_track" || found[2][1] != "met" {
		t.Fatalf("KPI tiles: %d, want at risk, on track, met in that order", len(found))
	}
	tiles := regexp.MustCompile(`<a class="tile status-(\w+)" id="tile-(\w+)" href="/indicators/`+apptest.City+`/(\w+)"`).FindAllStringSubmatch(r.Body, -1)
	got := map[string]int{}
	rank := map[string]int{"at_risk": 0, "on_track": 1, "met": 2}
	for i, tl := range tiles {
		got[tl[1]]++
		if tl[2] != tl[3] {
			t.Errorf("tile %s links to %s", tl[2], tl[3])
		}
		if i > 0 && rank[tl[1]] < rank[tiles[i-1][1]] {
			t.Errorf("tile %s (%s) after %s (%s): not worst first", tl[2], tl[1], tiles[i-1][2], tiles[i-1][1])
		}
	}
	for _, k := range found {
		n, _ := strconv.Atoi(k[3])
		if n != want[k[1]] || got[k[1]] != n {
			t.Errorf("%s: KPI says %d, %d tiles, the figures %d", k[1], n, got[k[1]], want[k[1]])
		}
	}
	if !strings.Contains(r.Body, `<a class="tile status-met" id="tile-village_5g_rate"`) {
		t.Error("village 5G (100% against 80%) is not among the met tiles")
	}
	if !strings.Contains(r.Body, `data-target="80"`) && !strings.Contains(r.Body, `data-target="100"`) {
		t.Error("the map has no target to colour against")
	}

	// The map: 衡水's counties, its two zones beside it.
	if !strings.Contains(r.Body, `data-map-url="/static/vendor/echarts-china-cities/131100.json"`) {
		t.Fatal("no county map on the city's dashboard")
	}
	if s := city.Get("/static/vendor/echarts-china-cities/131100.json"); s.StatusCode != http.StatusOK || !strings.Contains(s.Body, "桃城区") {
		t.Errorf("map file: %d", s.StatusCode)
	}
	un := regexp.MustCompile(`(?s)<aside class="map-unplaced" id="map-unplaced">.*?</aside>`).FindString(r.Body)
	for _, code := range []string{"131171000000", "131172000000"} {
		if !strings.Contains(un, `data-code="`+code+`"`) {
			t.Errorf("zone %s is not listed beside the map", code)
		}
	}
	if strings.Contains(un, apptest.County) {
		t.Error("a county with a boundary is listed beside the map")
	}
	if !strings.Contains(r.Body, `&#34;name&#34;:&#34;桃城区&#34;,&#34;code&#34;:&#34;`+apptest.County+`&#34;`) {
		t.Error("the map data has no 桃城区")
	}
	m := city.Get("/indicators/" + apptest.City + "?map=village_5g_rate")
	if !strings.Contains(m.Body, `<option value="village_5g_rate" selected>`) || !strings.Contains(m.Body, `data-href="/indicators/{code}/village_5g_rate"`) {
		t.Error("?map= does not choose the map's indicator")
	}
	if z := regexp.MustCompile(`(?s)data-code="131171000000">.*?</li>`).FindString(m.Body); !strings.Contains(z, "100 %") || !strings.Contains(z, "status-met") {
		t.Errorf("the zone's value is not beside its name: %q", z)
	}
	// A county has no map file: no map, the summary still.
	c := city.Get("/indicators/" + apptest.County)
	if strings.Contains(c.Body, "map-section") || !strings.Contains(c.Body, `id="kpi-met"`) {
		t.Error("a county's dashboard: a map without a file, or no summary")
	}
}

// Excel exports carry number formats: percentages as 0.0%, areas with two
// grouped decimals, counts as whole grouped numbers; a met gap is 0.
func TestExportNumberFormats(t *testing.T) {
	e := summaryFixture(t)
	city := e.Session(auth.CityStaff, apptest.City)
	x, err := excelize.OpenReader(strings.NewReader(city.Get("/indicators/" + apptest.City + "/export.xlsx").Body))
	if err != nil {
		t.Fatal(err)
	}
	sh := x.GetSheetList()[0]
	rows, _ := x.GetRows(sh)
	at := map[string]int{}
	for i, r := range rows {
		at[r[0]] = i + 1
	}
	format := func(sheet, cell string) string {
		t.Helper()
		id, err := x.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil || st.CustomNumFmt == nil {
			t.Fatalf("%s: style %d has no number format (%v)", cell, id, err)
		}
		return *st.CustomNumFmt
	}
	value := func(sheet, cell string) string {
		t.Helper()
		v, err := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	g5 := strconv.Itoa(at["village_5g_rate"])
	com := strconv.Itoa(at["commercial_service_area_ratio"])
	for _, c := range []struct{ cell, fmt, value string }{
		{"D" + g5, "0.0%", "1"},     // the value, 100%
		{"F" + g5, "#,##0", "6"},    // villages with 5G
		{"I" + g5, "0.0%", ""},      // this year's target
		{"J" + g5, "0.0%", "0.8"},   // the 2025 target, 80%
		{"K" + g5, "0.0%", "0"},     // the gap: met, 0
		{"G" + com, "#,##0.00", ""}, // m² of buildings
	} {
		if f := format(sh, c.cell); f != c.fmt {
			t.Errorf("%s: format %q, want %q", c.cell, f, c.fmt)
		}
		if c.value != "" {
			if v := value(sh, c.cell); v != c.value {
				t.Errorf("%s: %q, want %s", c.cell, v, c.value)
			}
		}
	}
	if v, _ := x.GetCellValue(sh, "G"+com); v != "2,299,396.82" {
		t.Errorf("the area shows %q, want 2,299,396.82", v)
	}
	// The children's sheet: one column per indicator in its format.
	kids := x.GetSheetList()[1]
	col, _ := excelize.ColumnNumberToName(2 + at["village_5g_rate"] - 1)
	if f := format(kids, col+"2"); f != "0.0%" {
		t.Errorf("children's 5G column: %q", f)
	}
	// A drill-down's export too.
	x, err = excelize.OpenReader(strings.NewReader(city.Get("/indicators/" + apptest.City + "/village_5g_rate/export.xlsx").Body))
	if err != nil {
		t.Fatal(err)
	}
	if f := format(x.GetSheetList()[0], "C2"); f != "0.0%" {
		t.Errorf("drill export value: %q", f)
	}
}
