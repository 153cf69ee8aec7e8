package auditlog_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/auditlog"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
)

// records returns what the log holds for a filter, read as an auditor.
func records(t *testing.T, e *apptest.Env, f audit.Filter) []audit.Record {
	t.Helper()
	ctx := auth.With(e.Ctx, &auth.Principal{Name: "test-auditor", Role: auth.Auditor})
	f.PerPage = 1000
	recs, _, err := e.App.Audit.Search(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func must(t *testing.T, res *apptest.Response, status int, contains ...string) {
	t.Helper()
	if res.StatusCode != status {
		t.Fatalf("status %d, want %d: %.2000s", res.StatusCode, status, res.Body)
	}
	for _, c := range contains {
		if !strings.Contains(res.Body, c) {
			t.Errorf("body lacks %q: %.3000s", c, res.Body)
		}
	}
}

// change makes a profile update, so that the log has a before/after record.
func change(t *testing.T, e *apptest.Env, population int) {
	t.Helper()
	res := e.API("PATCH", "/api/v1/divisions/"+apptest.Community+"/profile", e.Token(auth.CommunityWorker, apptest.Community),
		map[string]any{"population": population})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("patch profile: %d %s", res.StatusCode, res.Body)
	}
}

func TestOnlyTheAuditorSeesTheLog(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	aud := e.Session(auth.Auditor, apptest.City)
	must(t, aud.Get("/"), http.StatusOK, `href="/audit"`)
	must(t, aud.Get("/audit"), http.StatusOK, "审计日志", `id="audit-records"`, "auth.login")
	for _, role := range []auth.Role{auth.Admin, auth.CityStaff, auth.TownshipStaff} {
		area := apptest.City
		if role == auth.TownshipStaff {
			area = apptest.Township
		}
		c := e.Session(role, area)
		if strings.Contains(c.Get("/").Body, `href="/audit"`) {
			t.Errorf("%s sees the audit log in the navigation", role)
		}
		must(t, c.Get("/audit"), http.StatusForbidden)
		must(t, c.Get("/audit/export.xlsx"), http.StatusForbidden)
		if res := c.PostForm("/audit/verify", url.Values{}); res.StatusCode != http.StatusForbidden {
			t.Errorf("%s verify: status %d", role, res.StatusCode)
		}
		// The attempt is itself recorded.
		denied := records(t, e, audit.Filter{Actor: apptest.Name(role, area), Action: "audit.", Result: audit.Denied})
		if len(denied) != 3 {
			t.Errorf("%s: %d denied audit records, want 3 (read, export, verify): %+v", role, len(denied), denied)
		}
	}
	res := e.NewClient().Get("/audit")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}

func TestSearchShowsReadableRecords(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	change(t, e, 4321)
	worker := apptest.Name(auth.CommunityWorker, apptest.Community)
	aud := e.Session(auth.Auditor, apptest.City)
	res := aud.Get("/audit?action=division.profile&actor=" + worker)
	must(t, res, http.StatusOK, "division.profile.update", "修改社区概况", worker, "社区工作者", apptest.Community, "4321", `class="changed"`, "成功", "127.0.0.1")
	if strings.Contains(res.Body, `<small class="code muted">auth.login</small>`) {
		t.Error("the action filter let other actions through")
	}
	// The export link carries the filter.
	must(t, res, http.StatusOK, `href="/audit/export.xlsx?action=division.profile&amp;actor=`+worker+`"`)
	must(t, aud.Get("/audit?actor=nobody"), http.StatusOK, "没有符合条件的记录")
	must(t, aud.Get("/audit?object_type=division&object_id="+apptest.Community+"&result=ok"), http.StatusOK, "4321")
	must(t, aud.Get("/audit?from=2000-01-01&to=2000-01-02"), http.StatusOK, "没有符合条件的记录")

	aud.Lang = "en"
	res = aud.Get("/audit?from=yesterday&result=maybe&object_id=5")
	must(t, res, http.StatusUnprocessableEntity, "from: must be a date", "result: must be one of: ok, denied, failed",
		"object type: is required when an object id is given", `aria-invalid="true"`)
	if strings.Contains(res.Body, `id="audit-records"`) {
		t.Error("a bad filter still listed records")
	}
	aud.Lang = ""
	must(t, aud.Get("/audit?to=2025-01-01&from=2025-02-01"), http.StatusUnprocessableEntity, "截止日期：不能早于起始日期")
}

func TestExport(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for i := range 3 {
		change(t, e, 100+i)
	}
	aud := e.Session(auth.Auditor, apptest.City)
	res := aud.Get("/audit/export.xlsx?action=division.profile")
	must(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("content type %q", ct)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("审计日志")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3 records: %v", len(rows), rows)
	}
	if rows[0][0] != "序号" || rows[0][5] != "操作" || rows[0][10] != "详情" {
		t.Errorf("header %v", rows[0])
	}
	if rows[1][5] != "division.profile.update" || !strings.Contains(rows[1][10], `"population":"102"`) || rows[1][8] != "成功" {
		t.Errorf("newest record first, readable: %v", rows[1])
	}
	about, _ := x.GetRows("导出说明")
	if len(about) < 2 || about[0][1] != apptest.Name(auth.Auditor, apptest.City) {
		t.Errorf("about sheet %v", about)
	}
	exp := records(t, e, audit.Filter{Action: "audit.export"})
	if len(exp) != 1 || !strings.Contains(exp[0].Detail, `"rows":3`) || !strings.Contains(exp[0].Detail, `"action":"division.profile"`) {
		t.Fatalf("export audit %+v", exp)
	}

	// A capped export says so in the file, in English here.
	s := auditlog.New(e.App.Audit)
	s.ExportMax = 2
	ctx := auth.With(e.Ctx, &auth.Principal{Name: "aud", Role: auth.Auditor})
	ctx = withLang(ctx, "en")
	x2, info, err := s.Export(ctx, auditlog.Query{Action: "division.profile"})
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	if info.Rows != 2 || !info.Cut {
		t.Fatalf("info %+v", info)
	}
	rows, _ = x2.GetRows("Audit log")
	last := rows[len(rows)-1]
	if len(rows) != 5 || !strings.Contains(last[0], "newest 2 records") {
		t.Errorf("cut export rows %v", rows)
	}
	about, _ = x2.GetRows("About this export")
	if !strings.Contains(about[len(about)-1][1], "cut") {
		t.Errorf("about sheet of a cut export %v", about)
	}
	if _, _, err := s.Export(ctx, auditlog.Query{From: "soon"}); err == nil {
		t.Error("export with a bad filter went ahead")
	}
}

func TestVerifyButton(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	change(t, e, 77)
	aud := e.Session(auth.Auditor, apptest.City)
	must(t, aud.Get("/audit"), http.StatusOK, `action="/audit/verify"`, `id="audit-verify"`)
	must(t, aud.PostForm("/audit/verify", url.Values{}), http.StatusOK, "审计日志完整")

	target := records(t, e, audit.Filter{Action: "division.profile.update"})[0].ID
	on := ""
	if e.App.DB.Dialect == db.Postgres {
		on = " ON audit_log"
	}
	w := e.App.DB.Writer()
	for _, q := range []string{"DROP TRIGGER audit_log_no_update" + on, "DROP TRIGGER audit_log_no_delete" + on} {
		if _, err := w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Exec(`UPDATE audit_log SET detail = '{"after":{"population":1}}' WHERE id = $1`, target); err != nil {
		t.Fatal(err)
	}
	aud.Lang = "en"
	res := aud.PostForm("/audit/verify", url.Values{})
	must(t, res, http.StatusOK, "has been tampered with, at record "+itoa(target), "(edited)")
	failed := records(t, e, audit.Filter{Action: "audit.verify", Result: audit.Failed})
	if len(failed) != 1 || !strings.Contains(failed[0].Detail, `"broken_id":`+itoa(target)) {
		t.Errorf("verify audit %+v", failed)
	}
}

// TestExportGuardsFormulas: what others typed (a name, an object id, a
// filter) that would start a formula is exported as text in the Text
// format, on both sheets; the record's id stays a number.
func TestExportGuardsFormulas(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	evil := `=HYPERLINK("http://evil.example","x")`
	ctx := auth.With(e.Ctx, &auth.Principal{Name: evil, Role: auth.CommunityWorker})
	if err := e.App.Audit.Write(ctx, audit.Entry{Action: "test.formula", ObjectType: "x", ObjectID: "+1"}); err != nil {
		t.Fatal(err)
	}
	res := e.Session(auth.Auditor, apptest.City).Get("/audit/export.xlsx?object_type=x&object_id=" + url.QueryEscape("+1"))
	must(t, res, http.StatusOK)
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	check := func(sheet, cell, want string, format int) {
		t.Helper()
		v, _ := x.GetCellValue(sheet, cell)
		f, _ := x.GetCellFormula(sheet, cell)
		id, _ := x.GetCellStyle(sheet, cell)
		st, _ := x.GetStyle(id)
		if v != want || f != "" || st.NumFmt != format {
			t.Errorf("%s!%s: %q (formula %q) in format %d, want %q in format %d", sheet, cell, v, f, st.NumFmt, want, format)
		}
	}
	check("审计日志", "C2", evil, 49)
	check("审计日志", "H2", "+1", 49)
	check("审计日志", "F2", "test.formula", 0)
	if typ, _ := x.GetCellType("审计日志", "A2"); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
		t.Errorf("the record's id is text")
	}
	check("导出说明", "B6", "+1", 49)
}
