package residentunit_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
)

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A community worker records a unit, an agreement with its scanned copy
// and a venue it opens; bad input changes nothing and names the field; the
// contact is sealed; the venue shows in the three lists' resources until
// it is withdrawn; the pages read in both languages; another community's
// worker finds none of it.
func TestUnitAgreementAndResourceThroughThePages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	follow := func(res *apptest.Response) *apptest.Response {
		t.Helper()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("want a redirect, got %d: %s", res.StatusCode, res.Body)
		}
		return c.Get(res.Header.Get("Location"))
	}
	res := c.PostForm("/resident-units", url.Values{"division_code": {apptest.SiblingCommunity}, "name": {"第三中学"}, "kind": {"bank"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "第三中学") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Fatalf("bad unit: %d", res.StatusCode)
	}
	if n := count(t, e, `SELECT count(*) FROM resident_units`); n != 0 {
		t.Fatalf("a refused form stored %d units", n)
	}
	res = follow(c.PostForm("/resident-units", url.Values{"division_code": {apptest.Community}, "name": {"第三中学"}, "kind": {"school"},
		"contact": {"13912345678"}, "address": {"人民路 8 号"}}))
	if !strings.Contains(res.Body, "13912345678") || !strings.Contains(res.Body, "学校") {
		t.Fatalf("unit page: %d", res.StatusCode)
	}
	id := strconv.Itoa(count(t, e, `SELECT id FROM resident_units`))

	// The agreement with a scanned copy; one ending before it starts is refused.
	post := func(v map[string]string, file []byte) *apptest.Response {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("csrf", c.CSRF())
		for k, x := range v {
			_ = mw.WriteField(k, x)
		}
		if file != nil {
			fw, _ := mw.CreateFormFile("copy", "copy.png")
			_, _ = fw.Write(file)
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/resident-units/"+id+"/agreements", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		hres, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer hres.Body.Close()
		return &apptest.Response{StatusCode: hres.StatusCode, Header: hres.Header}
	}
	if r := post(map[string]string{"title": "共建协议", "signed_on": "2026-01-05", "starts_on": "2026-03-01", "ends_on": "2026-02-01"}, nil); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("agreement ending before it starts: %d", r.StatusCode)
	}
	if r := post(map[string]string{"title": "共建协议", "signed_on": "2026-01-05", "starts_on": "2026-01-05"}, []byte("not an image")); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a copy that is not an image: %d", r.StatusCode)
	}
	if n := count(t, e, `SELECT count(*) FROM resident_unit_agreements`); n != 0 {
		t.Fatalf("refused agreements stored %d", n)
	}
	if r := post(map[string]string{"title": "场地共享共建协议", "content": "周末开放操场", "signed_on": "2026-01-05", "starts_on": "2026-01-05"}, apptest.PNG(t, 40, 30)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("agreement: %d", r.StatusCode)
	}
	res = c.Get("/resident-units/" + id)
	if !strings.Contains(res.Body, "场地共享共建协议") || !strings.Contains(res.Body, "/copy") {
		t.Fatalf("the agreement on the unit's page")
	}
	aid := strconv.Itoa(count(t, e, `SELECT id FROM resident_unit_agreements`))
	if r := c.Get("/resident-units/" + id + "/agreements/" + aid + "/copy"); r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the scanned copy: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}

	// A venue it opens, after a refused one.
	res = c.PostForm("/resident-units/"+id+"/resources", url.Values{"name": {"操场"}, "kind": {"venue"}, "capacity": {"many"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "操场") {
		t.Fatalf("bad capacity: %d", res.StatusCode)
	}
	res = follow(c.PostForm("/resident-units/"+id+"/resources", url.Values{"name": {"周末开放操场"}, "kind": {"venue"}, "capacity": {"200"},
		"hours": {"周六、周日 8:00-18:00"}, "serves": {"culture_sport"}, "contact": {"13912345679"}}))
	if !strings.Contains(res.Body, "周末开放操场") || !strings.Contains(res.Body, "周六、周日 8:00-18:00") {
		t.Fatalf("the resource on the unit's page")
	}
	if res = c.Get("/resources?source=unit"); !strings.Contains(res.Body, "周末开放操场") {
		t.Fatalf("the venue is not in the three lists' resources")
	}
	if e.App.DB.Dialect == db.SQLite {
		e.CheckSealed(nil, []string{"13912345678", "13912345679"}, "周末开放操场")
	}

	// Another community's worker finds none of it, and the refusal is audited.
	other := e.Session(auth.CommunityWorker, apptest.SiblingCommunity)
	if r := other.Get("/resident-units/" + id); r.StatusCode != http.StatusNotFound {
		t.Errorf("a sibling reads the unit: %d", r.StatusCode)
	}
	if r := other.Get("/resources"); strings.Contains(r.Body, "周末开放操场") {
		t.Errorf("a sibling sees the venue")
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'residentunit.read' AND result = 'denied'`); n != 1 {
		t.Errorf("%d refusals audited", n)
	}

	for _, lang := range []string{"zh-CN", "en"} {
		c.Lang = lang
		for _, p := range []string{"/resident-units", "/resident-units/new", "/resident-units/" + id} {
			if r := c.Get(p); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "residentunit.") {
				t.Errorf("%s %s: %d (an untranslated key?)", lang, p, r.StatusCode)
			}
		}
	}
	c.Lang = "zh-CN"
	res = c.Get("/resident-units/export.xlsx")
	x, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), "第三中学") || strings.Contains(strings.Join(rows[1], "|"), "139") {
		t.Errorf("export rows %v (%v)", rows, err)
	}

	// Withdrawn: off the three lists' resources, kept on the unit's page.
	rid := strconv.Itoa(count(t, e, `SELECT id FROM resident_unit_resources`))
	follow(c.PostForm("/resident-units/"+id+"/resources/"+rid+"/withdraw", url.Values{"reason": {"操场翻修"}}))
	if res = c.Get("/resources?source=unit"); strings.Contains(res.Body, "周末开放操场") {
		t.Errorf("a withdrawn venue is still listed")
	}
}
