package facility_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// workbook writes a facilities sheet with the given data rows under the
// Chinese headers of the spec's columns named in cols.
func workbook(t testing.TB, cols []string, rows [][]any) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	byKey := map[string]string{}
	for _, c := range facility.Sheet.Columns {
		byKey[c.Key] = c.Zh
	}
	sw, _ := x.NewStreamWriter("Sheet1")
	h := make([]any, len(cols))
	for i, c := range cols {
		h[i] = byKey[c]
	}
	sw.SetRow("A1", h)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}

var importCols = []string{"division_code", "kind", "name", "floor_area", "activity_area", "status", "hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "terminals", "newly_built"}

func count(t *testing.T, e *apptest.Env) int {
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT count(*) FROM facilities`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A workbook with two bad rows names both, with row and column, in the
// user's language, and imports nothing; fixed, it imports every row and
// the indicators follow.
func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	h := "08:30-17:30"
	rows := [][]any{
		{apptest.Community, "综合服务设施", "游园社区党群服务中心", 650, 400, "在用", h, h, h, h, h, 1, "否"},
		{apptest.SiblingCommunity, "home_elderly_care", "萃景日间照料中心", 300, 200, "", h, h, h, h, h, 0, "是"},
		{apptest.CousinCommunity, "综合服务设施", "桥东社区服务站", "很大", 0, "在用", h, h, h, h, h, 0, ""},  // outside the township, bad area
		{apptest.Township, "社会工作服务站", "河西街道社工站", 120, 100, "开着", "9点到5点", h, h, h, h, 0, ""}, // bad status, bad hours
	}
	_, err := s.Import(ctx, workbook(t, importCols, rows))
	e2 := errs.As(err)
	if e2.Code != errs.EINVALID {
		t.Fatalf("err %v", err)
	}
	want := map[string]bool{"4/floor_area": true, "4/division_code": true, "5/status": true, "5/hours_mon": true}
	for _, f := range e2.Fields {
		k := fmt.Sprintf("%d/%s", f.Row, f.Field)
		if !want[k] {
			t.Errorf("unexpected problem %s %s", k, f.Key)
		}
		delete(want, k)
	}
	if len(want) > 0 {
		t.Errorf("problems not named: %v", want)
	}
	if m := i18n.FieldMessage(i18n.EN, e2.Fields[0]); !strings.HasPrefix(m, "Row 4, ") {
		t.Errorf("message %q", m)
	}
	if n := count(t, e); n != 0 {
		t.Fatalf("%d facilities after a failed import", n)
	}
	rows[2][0], rows[2][3] = apptest.Community, 700
	rows[3][5], rows[3][6] = "在用", h
	res, err := s.Import(ctx, workbook(t, importCols, rows))
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 4 || count(t, e) != 4 {
		t.Fatalf("result %+v", res)
	}
	checkFigures(t, e, "after import", []string{apptest.City, apptest.Township, apptest.Community})

	// The export of the list imports back as changes of the same rows.
	var out bytes.Buffer
	info, err := s.Export(ctx, facility.Filter{Kind: "comprehensive"}, &out)
	if err != nil || info.Rows != 2 {
		t.Fatalf("export %+v %v", info, err)
	}
	x, _ := excelize.OpenReader(bytes.NewReader(out.Bytes()))
	v, _ := x.GetCellValue("服务设施", "E2")
	k, _ := x.GetCellValue("服务设施", "D2")
	x.Close()
	if v != "游园社区党群服务中心" || k != "综合服务设施" {
		t.Errorf("export row: %q %q", v, k)
	}
	res, err = s.Import(ctx, bytes.NewReader(out.Bytes()))
	if err != nil || res.Created != 0 || res.Updated != 0 {
		t.Fatalf("re-import of an unchanged export: %+v %v", res, err)
	}
	// A sibling township's worker cannot change them by ID.
	_, err = s.Import(e.As(auth.TownshipStaff, apptest.SiblingTownship), bytes.NewReader(out.Bytes()))
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("sibling import: %v", err)
	}
}

// The import page names the bad rows and imports nothing; the template and
// export download; the pages render for readers and refuse residents.
func TestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	for _, p := range []string{"/facilities", "/facilities/new?division=" + apptest.Community, "/facilities/import"} {
		if r := c.Get(p); r.StatusCode != 200 {
			t.Fatalf("%s: %d", p, r.StatusCode)
		}
	}
	if r := c.Get("/facilities/template.xlsx"); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("template: %d", r.StatusCode)
	}
	form := url.Values{"division_code": {apptest.Community}, "kind": {"comprehensive"}, "name": {"游园社区服务中心"}, "floor_area": {"500"},
		"status": {"in_use"}, "newly_built": {"1"}, "hours_mon": {"08:00-18:00"}}
	r := c.PostForm("/facilities", form)
	if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/facilities/") {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	if r = c.Get(r.Header.Get("Location")); !strings.Contains(r.Body, "游园社区服务中心") || !strings.Contains(r.Body, `id="facility-warnings"`) {
		t.Fatalf("view: %d %s", r.StatusCode, r.Body)
	}
	form.Set("floor_area", "abc")
	if r := c.PostForm("/facilities", form); r.StatusCode != 422 || !strings.Contains(r.Body, "应为数字") {
		t.Fatalf("bad create: %d", r.StatusCode)
	}
	if r := c.Get("/facilities?kind=comprehensive"); !strings.Contains(r.Body, `id="facilities-table"`) || !strings.Contains(r.Body, "游园社区服务中心") {
		t.Fatal("list lacks the new facility")
	}
	if r := c.Get("/facilities/export.xlsx?kind=comprehensive"); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("export: %d", r.StatusCode)
	}
	if r := e.Session(auth.Resident, apptest.Community).Get("/facilities"); r.StatusCode != 403 {
		t.Fatalf("resident list: %d", r.StatusCode)
	}
	if r := e.Session(auth.GridWorker, apptest.Community).Get("/facilities/new"); r.StatusCode != 403 {
		t.Fatalf("grid worker new: %d", r.StatusCode)
	}
}

// BenchmarkImport20k imports 20,000 facilities from one workbook into the
// fixture's communities (go test -run '^$' -bench Import ./internal/facility/).
func BenchmarkImport20k(b *testing.B) {
	comms, towns := places(nil)
	targets := append(comms, towns...)
	h := "08:30-17:30"
	kinds := []string{"综合服务设施", "居家养老服务设施", "体育健身设施", "志愿服务点", "新时代文明实践所(站)", "社会工作服务站"}
	var rows [][]any
	for i := 0; i < 20000; i++ {
		rows = append(rows, []any{targets[i%len(targets)], kinds[i%len(kinds)], fmt.Sprintf("设施%05d", i), 100 + i%900, 50 + i%50, "在用", h, h, h, h, h, i % 2, "否"})
	}
	data := workbook(b, importCols, rows).Bytes()
	b.ReportMetric(float64(len(data))/1e6, "MB")
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := apptest.New(b)
		b.StartTimer()
		res, err := svc(e).Import(e.Ctx, bytes.NewReader(data))
		if err != nil || res.Created != 20000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
