package project_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// The pages in both languages, a form that refuses bad input and keeps
// what was typed, and each list's Excel export.
func TestPagesFormsAndExports(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	follow := func(res *apptest.Response) *apptest.Response {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("want a redirect, got %d", res.StatusCode)
		}
		return c.Get(res.Header.Get("Location"))
	}
	res := c.PostForm("/needs", url.Values{"division_code": {apptest.Community}, "title": {"楼道灯坏了没人修"}, "kind": {"nope"}, "affected": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "楼道灯坏了没人修") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("bad need: %d", res.StatusCode)
	}
	if n := count(t, e, `SELECT count(*) FROM project_needs`); n != 0 {
		t.Fatalf("a refused form stored %d needs", n)
	}
	res = follow(c.PostForm("/needs", url.Values{"division_code": {apptest.Community}, "title": {"楼道灯坏了没人修"}, "kind": {"facilities"}, "affected": {"60"}}))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "楼道灯坏了没人修") || !strings.Contains(res.Body, "待对接") {
		t.Fatalf("need page after saving: %d", res.StatusCode)
	}
	// A resident unit's resource is recorded in its registry and shows in
	// the resource list.
	res = follow(c.PostForm("/resident-units", url.Values{"division_code": {apptest.Community}, "name": {"农商银行"}, "kind": {"enterprise"}}))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "农商银行") {
		t.Fatalf("unit page after saving: %d", res.StatusCode)
	}
	unit := strconv.Itoa(count(t, e, `SELECT id FROM resident_units`))
	res = follow(c.PostForm("/resident-units/"+unit+"/resources", url.Values{"name": {"夜间共享车位"}, "kind": {"parking"}, "capacity": {"25"},
		"hours": {"每天 19:00-次日 07:30"}}))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "夜间共享车位") {
		t.Fatalf("unit page after a resource: %d", res.StatusCode)
	}
	if res = c.Get("/resources"); !strings.Contains(res.Body, "夜间共享车位") {
		t.Fatalf("resource list: %d", res.StatusCode)
	}
	res = c.PostForm("/projects", url.Values{"division_code": {apptest.Community}, "title": {"楼道照明改造"}, "owner": {"物业"},
		"funding": {"social"}, "budget": {"12.345"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "最多两位小数") {
		t.Fatalf("budget with three decimals: %d", res.StatusCode)
	}
	res = follow(c.PostForm("/projects", url.Values{"division_code": {apptest.Community}, "title": {"楼道照明改造"}, "owner": {"物业"},
		"funding": {"social"}, "budget": {"8000.5"}}))
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "8000.50") {
		t.Fatalf("project page: %d", res.StatusCode)
	}
	// A progress report without a photo is a plain form; a file that is
	// not an image is refused and stores nothing.
	pid := strconv.Itoa(count(t, e, `SELECT id FROM projects`))
	if res := follow(c.PostForm("/projects/"+pid+"/progress", url.Values{"note": {"灯具已采购"}})); !strings.Contains(res.Body, "灯具已采购") {
		t.Errorf("progress without a photo: %d", res.StatusCode)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("csrf", c.CSRF())
	_ = mw.WriteField("note", "附照片")
	fw, _ := mw.CreateFormFile("photo", "a.jpg")
	_, _ = fw.Write([]byte("not an image at all"))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/projects/"+pid+"/progress", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	hres, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hres.Body.Close()
	if hres.StatusCode != http.StatusUnprocessableEntity || count(t, e, `SELECT count(*) FROM project_progress`) != 1 {
		t.Errorf("a file that is not an image: %d, %d reports", hres.StatusCode, count(t, e, `SELECT count(*) FROM project_progress`))
	}
	for _, lang := range []string{"zh-CN", "en"} {
		c.Lang = lang
		for _, p := range []string{"/needs", "/resources", "/projects", "/projects/figures", "/needs/new", "/projects/new"} {
			res := c.Get(p)
			if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "project.") {
				t.Errorf("%s %s: %d (an untranslated key?)", lang, p, res.StatusCode)
			}
		}
	}
	c.Lang = "zh-CN"
	for path, want := range map[string]string{"/needs/export.xlsx": "楼道灯坏了没人修", "/resources/export.xlsx": "夜间共享车位",
		"/projects/export.xlsx": "8000.50", "/projects/figures/export.xlsx": "游园社区"} {
		res := c.Get(path)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, res.StatusCode)
		}
		x, err := excelize.OpenReader(strings.NewReader(res.Body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil || len(rows) < 2 || !strings.Contains(strings.Join(rows[1], "|"), want) {
			t.Errorf("%s: rows %v (%v), want %q in the first", path, rows, err, want)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action LIKE 'project.%export'`); n != 4 {
		t.Errorf("%d exports audited", n)
	}
	// Another community's worker finds none of it.
	other := e.Session(auth.CommunityWorker, apptest.SiblingCommunity)
	if res := other.Get("/needs"); strings.Contains(res.Body, "楼道灯坏了没人修") {
		t.Errorf("a sibling community's worker sees the need")
	}
}
