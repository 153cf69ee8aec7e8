package proxy_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// TestPagesFromRequest: a resident's request page offers the worker a
// link to take a proxy case from it; the form keeps the request's number,
// the case links back to it and belongs to the resident, who sees it among
// their cases. Every page of the slice renders for the roles that use it.
func TestPagesFromRequest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	worker := e.Session(auth.CommunityWorker, apptest.Community)
	cat := offerFive(t, e, e.Token(auth.CommunityWorker, apptest.Community), apptest.Community)
	rtok := e.Token(auth.Resident, apptest.Community)
	res := e.API("POST", "/api/v1/requests", rtok, map[string]any{"division_code": apptest.Community, "category_code": "other",
		"description": "想办理高龄津贴，但腿脚不便，能否代办"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("file: %d %s", res.StatusCode, res.Body)
	}
	var req request.Request
	res.JSON(t, &req)
	page := worker.Get("/requests/" + strconv.FormatInt(req.ID, 10))
	link := "/proxy/cases/new?request=" + url.QueryEscape(req.Number)
	if !strings.Contains(page.Body, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) {
		t.Fatalf("the request page has no link to take a proxy case: %s", page.Body)
	}
	form := worker.Get(link)
	if form.StatusCode != http.StatusOK || !strings.Contains(form.Body, req.Number) {
		t.Fatalf("the form: %d", form.StatusCode)
	}
	// The form offers what the community offers, not the whole catalogue.
	if !strings.Contains(form.Body, cat[0].Name) || strings.Contains(form.Body, cat[len(cat)-1].Name) {
		t.Errorf("the intake form's services are not the community's offerings")
	}
	// A bad form names its fields and keeps the number.
	bad := worker.PostForm("/proxy/cases", url.Values{"request_number": {req.Number}, "service_id": {strconv.FormatInt(cat[0].ID, 10)}, "name": {"刘玉梅"}, "phone": {"1390000"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, req.Number) || !strings.Contains(bad.Body, "e-phone") {
		t.Fatalf("bad form: %d", bad.StatusCode)
	}
	done := worker.PostForm("/proxy/cases", url.Values{"request_number": {req.Number}, "service_id": {strconv.FormatInt(cat[0].ID, 10)},
		"name": {"刘玉梅"}, "phone": {"13900001111"}, "id_number": {idNumber("19400202")}})
	if done.StatusCode != http.StatusSeeOther {
		t.Fatalf("take the case: %d %s", done.StatusCode, done.Body)
	}
	view := worker.Get(done.Header.Get("Location"))
	if !strings.Contains(view.Body, `id="proxy-request"`) || !strings.Contains(view.Body, req.Number) {
		t.Fatalf("the case page: %d %s", view.StatusCode, view.Body)
	}
	// The community's public page lists the services it offers to handle.
	if pub := e.NewClient().Get("/communities/" + apptest.Community); !strings.Contains(pub.Body, `id="proxy-items"`) || !strings.Contains(pub.Body, cat[0].Name) ||
		strings.Contains(pub.Body, cat[len(cat)-1].Name) {
		t.Errorf("the community page does not list exactly the offered services")
	}
	mine := e.Session(auth.Resident, apptest.Community).Get("/proxy")
	if !strings.Contains(mine.Body, cat[0].Name) {
		t.Errorf("the resident's cases do not show the case: %s", mine.Body)
	}
	for _, p := range []string{"/proxy", "/proxy/services", "/proxy/offerings", "/proxy/offerings?community=" + apptest.Community, "/proxy/figures", "/proxy/cases/new"} {
		if r := worker.Get(p); r.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, r.StatusCode)
		}
	}
	county := e.Session(auth.CountyStaff, apptest.County)
	if r := county.Get("/proxy/services"); !strings.Contains(r.Body, `id="proxy-service-form"`) {
		t.Errorf("the county cannot add a service")
	}
	if r := county.PostForm("/proxy/services", url.Values{"division_code": {apptest.County}, "name": {"农机购置补贴申请"}, "department": {"区农业农村局"}, "days": {"10"},
		"materials": {"居民身份证\n购机发票"}}); r.StatusCode != http.StatusSeeOther || !strings.Contains(county.Get("/proxy/services").Body, "农机购置补贴申请") {
		t.Errorf("add a service: %d", r.StatusCode)
	}
	if r := e.Session(auth.TownshipStaff, apptest.Township).PostForm("/proxy/offerings/all", url.Values{"division_code": {apptest.Township}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("offer all: %d", r.StatusCode)
	}
	if r := worker.Get("/proxy/export.xlsx"); r.StatusCode != http.StatusOK || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheet") {
		t.Errorf("export: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
