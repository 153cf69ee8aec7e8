package stats_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/request/requesttest"
	"shequ/internal/request/stats"
)

// TestStatsPages: the stats page (tables, chart data for the static
// script) and its Excel export, over HTTP with a session; a resident is
// refused. (The proactive page: request's TestProactivePage.)
func TestStatsPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := requesttest.NewFixture(t, e, "web")
	u := f.Unit("网页单位", apptest.County)
	now := time.Now().UTC()
	for i := 0; i < stats.DefaultMinRankSample; i++ { // enough to be ranked
		f.Add(requesttest.Req{Code: apptest.Community, Created: now.Add(-time.Duration(i+1) * time.Minute), RespondAfter: time.Second, ResolveAfter: time.Second,
			Satisfaction: "satisfied", Unit: u, First: u})
	}
	c := e.Session(auth.TownshipStaff, apptest.Township)
	res := c.Get("/requests/stats")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stats page %d", res.StatusCode)
	}
	for _, want := range []string{`id="stats-divisions"`, `id="stats-` + apptest.Community + `"`, `id="stats-units"`, "网页单位", `data-chart="bar"`,
		`data-chart="line"`, "/static/js/dashboard.js", "100.0%", `href="/requests/stats/export?division=` + apptest.Township} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("stats page lacks %q", want)
		}
	}
	if strings.Contains(res.Body, "<script>") {
		t.Error("inline script on the stats page")
	}
	res = c.Get("/requests/stats/export?division=" + apptest.Township + "&month=" + now.In(calendar.China).Format("2006-01"))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("export %d %v", res.StatusCode, res.Header)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 5 { // header, total, two communities, one unit
		t.Fatalf("export rows %v %v", rows, err)
	}
	if rows[1][2] != "河西街道" || rows[1][4] != "10" || rows[1][15] != "100" || rows[4][2] != "网页单位" || rows[4][3] != "1" {
		t.Errorf("export %v", rows)
	}
	if r := e.Session(auth.Resident, apptest.Community).Get("/requests/stats"); r.StatusCode != http.StatusForbidden {
		t.Errorf("resident: %d", r.StatusCode)
	}
}
