package certificate_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/auth"
)

// TestCertificateRequests: a volunteer asks the organisations that recorded
// their hours; staff of each organisation's area refuse (with a reason) or
// issue, also for a volunteer who lives outside their area; each side sees
// only its own.
func TestCertificateRequests(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	vtok, _, err := e.App.Sessions.CreateToken(e.Ctx, w.UserID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	ask := func(tok string, org int64, from, to string) (int, map[string]any, string) {
		t.Helper()
		res := e.API("POST", "/api/v1/certificate-requests", tok, map[string]any{"org_id": org, "from": from, "to": to, "note": "入学材料"})
		var out map[string]any
		if res.StatusCode < 300 {
			res.JSON(t, &out)
		}
		return res.StatusCode, out, res.Body
	}
	decide := func(tok string, id any, issue bool, reason string) (int, map[string]any, string) {
		t.Helper()
		res := e.API("POST", fmt.Sprintf("/api/v1/certificate-requests/%v/decision", id), tok, map[string]any{"issue": issue, "refuse_reason": reason})
		var out map[string]any
		if res.StatusCode < 300 {
			res.JSON(t, &out)
		}
		return res.StatusCode, out, res.Body
	}
	list := func(tok, query string) []any {
		t.Helper()
		res := e.API("GET", "/api/v1/certificate-requests"+query, tok, nil)
		if res.StatusCode != 200 {
			t.Fatalf("list %s: %d %s", query, res.StatusCode, res.Body)
		}
		var out struct{ Items []any }
		res.JSON(t, &out)
		return out.Items
	}
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	siblingWorker := e.Token(auth.CommunityWorker, apptest.SiblingCommunity)

	// Refusals at the door.
	for _, c := range []struct {
		name     string
		tok      string
		org      int64
		from, to string
		status   int
		has      string
	}{
		{"no records with the organisation in the period", vtok, w.SiblingOrg.ID, "2026-03-01", "2026-03-31", 422, "没有该组织记录的服务时长"},
		{"no organisation", vtok, 0, "2026-03-01", "2026-03-31", 422, "org_id"},
		{"an unknown organisation", vtok, 99999, "2026-03-01", "2026-03-31", 422, "99999"},
		{"the period backwards", vtok, w.Org.ID, "2026-03-31", "2026-03-01", 422, "不能早于起始日期"},
		{"a resident who is no volunteer", e.Token(auth.Resident, apptest.Community), w.Org.ID, "2026-03-01", "2026-03-31", 404, ""},
		{"staff", worker, w.Org.ID, "2026-03-01", "2026-03-31", 403, ""},
	} {
		if status, _, body := ask(c.tok, c.org, c.from, c.to); status != c.status || !strings.Contains(body, c.has) {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}

	status, first, body := ask(vtok, w.Org.ID, "2026-03-01", "2026-03-31")
	if status != 201 || first["status"] != "pending" || first["organization_name"] != w.Org.Name || first["volunteer_name"] != certtest.Name {
		t.Fatalf("ask: %d %s", status, body)
	}
	if status, _, body := ask(vtok, w.Org.ID, "2026-03-01", "2026-03-31"); status != 409 {
		t.Errorf("the same request twice: %d %s", status, body)
	}
	// Each side sees its own.
	if got := list(vtok, ""); len(got) != 1 {
		t.Errorf("the volunteer's requests: %v", got)
	}
	if got := list(worker, "?status=pending"); len(got) != 1 {
		t.Errorf("the organisation's area: %v", got)
	}
	if got := list(siblingWorker, ""); len(got) != 0 {
		t.Errorf("a sibling community sees %v", got)
	}
	if got := list(e.Token(auth.Resident, apptest.Community), ""); len(got) != 0 {
		t.Errorf("another resident sees %v", got)
	}
	if res := e.API("GET", "/api/v1/certificate-requests?status=lost", worker, nil); res.StatusCode != 422 {
		t.Errorf("a bad status: %d", res.StatusCode)
	}

	// Decisions: only staff who issue, only in the organisation's area.
	id := first["id"]
	if status, _, _ := decide(e.Token(auth.GridWorker, apptest.Community), id, true, ""); status != 403 {
		t.Errorf("a grid worker decides: %d", status)
	}
	if status, _, _ := decide(siblingWorker, id, true, ""); status != 404 {
		t.Errorf("a sibling community's worker decides: %d", status)
	}
	if status, _, body := decide(worker, id, false, " "); status != 422 || !strings.Contains(body, "refuse_reason") {
		t.Errorf("refused without a reason: %d %s", status, body)
	}
	status, refused, body := decide(worker, id, false, "请先补充服务记录")
	if status != 200 || refused["status"] != "refused" || refused["refuse_reason"] != "请先补充服务记录" || refused["number"] != nil {
		t.Fatalf("refuse: %d %s", status, body)
	}
	if status, _, _ := decide(worker, id, true, ""); status != 409 {
		t.Errorf("decided twice: %d", status)
	}

	// Asked again, issued: the certificate of the organisation's records.
	_, again, _ := ask(vtok, w.Org.ID, "2026-03-01", "2026-03-31")
	status, issued, body := decide(worker, again["id"], true, "")
	if status != 200 || issued["status"] != "issued" || issued["number"] == nil {
		t.Fatalf("issue: %d %s", status, body)
	}
	number := issued["number"].(string)
	res := e.API("GET", "/api/v1/certificates/"+number, worker, nil)
	var c map[string]any
	if res.StatusCode != 200 {
		t.Fatalf("the certificate: %d %s", res.StatusCode, res.Body)
	}
	res.JSON(t, &c)
	if c["hours"].(float64) != 3.5 || c["volunteer_name"] != certtest.Name {
		t.Errorf("the certificate issued on request: %s", res.Body)
	}

	// The sibling community's organisation certifies the volunteer's April,
	// though its staff cannot see the volunteer otherwise.
	if res := e.API("GET", fmt.Sprintf("/api/v1/volunteers/%d", w.Volunteer.ID), siblingWorker, nil); res.StatusCode != 404 {
		t.Fatalf("the sibling community's worker reads the volunteer: %d", res.StatusCode)
	}
	_, april, _ := ask(vtok, w.SiblingOrg.ID, "2026-04-01", "2026-04-30")
	if got := list(siblingWorker, "?status=pending"); len(got) != 1 {
		t.Errorf("the sibling community's pending requests: %v", got)
	}
	status, issued, body = decide(siblingWorker, april["id"], true, "")
	if status != 200 || issued["number"] == nil {
		t.Fatalf("issue across areas: %d %s", status, body)
	}
	if res := e.API("GET", "/api/v1/certificates/"+issued["number"].(string), siblingWorker, nil); res.StatusCode != 200 || !strings.Contains(res.Body, `"hours":3`) {
		t.Errorf("the sibling organisation's certificate: %d %s", res.StatusCode, res.Body)
	}
	if got := list(vtok, ""); len(got) != 3 {
		t.Errorf("the volunteer's three requests: %v", got)
	}
	// Each decision reached the volunteer's inbox, newest first.
	inbox := e.API("GET", "/api/v1/inbox", vtok, nil)
	if n := strings.Count(inbox.Body, `"link":"/certificates/mine"`); inbox.StatusCode != 200 || n != 3 ||
		!strings.Contains(inbox.Body, "未予出具：请先补充服务记录") || !strings.Contains(inbox.Body, "已出具，编号 "+number) {
		t.Errorf("the volunteer's inbox (%d decisions): %d %s", n, inbox.StatusCode, inbox.Body)
	}

	// The volunteer downloads their own certificate; nobody else does so.
	vol := e.NewClient()
	if r := vol.PostForm("/login", url.Values{"name": {w.UserName}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("volunteer login: %d %s", r.StatusCode, r.Body)
	}
	if p := vol.Get("/certificates/mine/" + number + ".pdf"); p.StatusCode != 200 || !strings.HasPrefix(p.Body, "%PDF-") {
		t.Errorf("the volunteer's PDF: %d %.60s", p.StatusCode, p.Body)
	}
	if p := e.Session(auth.Resident, apptest.Community).Get("/certificates/mine/" + number + ".pdf"); p.StatusCode != 404 {
		t.Errorf("another resident's download: %d", p.StatusCode)
	}
}

// TestRequestPages: the volunteer's page asks, the staff's list decides.
func TestRequestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	vol := e.NewClient()
	if r := vol.PostForm("/login", url.Values{"name": {w.UserName}, "password": {apptest.Password}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("volunteer login: %d %s", r.StatusCode, r.Body)
	}
	p := vol.Get("/certificates/mine")
	if p.StatusCode != 200 || !strings.Contains(p.Body, `id="ask-form"`) || !strings.Contains(p.Body, w.Org.Name) || !strings.Contains(p.Body, w.SiblingOrg.Name) {
		t.Fatalf("the volunteer's page: %d %s", p.StatusCode, p.Body)
	}
	if p := e.Session(auth.Resident, apptest.Community).Get("/certificates/mine"); p.StatusCode != 200 || !strings.Contains(p.Body, `id="not-volunteer"`) {
		t.Errorf("a resident who is no volunteer: %d", p.StatusCode)
	}
	r := vol.PostForm("/certificates/mine", url.Values{"org_id": {fmt.Sprint(w.Org.ID)}, "from": {"2026-03-31"}, "to": {"2026-03-01"}})
	if r.StatusCode != 422 || !strings.Contains(r.Body, "截止日期不能早于起始日期") || !strings.Contains(r.Body, `value="2026-03-31"`) {
		t.Fatalf("a bad period: %d", r.StatusCode)
	}
	r = vol.PostForm("/certificates/mine", url.Values{"org_id": {fmt.Sprint(w.Org.ID)}, "from": {"2026-03-01"}, "to": {"2026-03-31"}, "note": {"评优"}})
	if r.StatusCode != 303 {
		t.Fatalf("ask: %d %s", r.StatusCode, r.Body)
	}
	if p := vol.Get("/certificates/mine"); !strings.Contains(p.Body, "待出具") {
		t.Errorf("the request waits: %s", p.Body)
	}
	staff := e.Session(auth.CommunityWorker, apptest.Community)
	list := staff.Get("/certificates")
	if list.StatusCode != 200 || !strings.Contains(list.Body, `id="request-1"`) || !strings.Contains(list.Body, "评优") {
		t.Fatalf("the staff's list: %d %s", list.StatusCode, list.Body)
	}
	if r := staff.PostForm("/certificate-requests/1", url.Values{"decision": {"refuse"}}); r.StatusCode != 422 || !strings.Contains(r.Body, "不予出具的原因") {
		t.Errorf("refused without a reason: %d", r.StatusCode)
	}
	r = staff.PostForm("/certificate-requests/1", url.Values{"decision": {"issue"}})
	if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/certificates/") {
		t.Fatalf("issue: %d %s", r.StatusCode, r.Body)
	}
	number := strings.TrimPrefix(r.Header.Get("Location"), "/certificates/")
	if p := vol.Get("/certificates/mine"); !strings.Contains(p.Body, "已出具") || !strings.Contains(p.Body, "/certificates/mine/"+number+".pdf") {
		t.Errorf("the issued request: %s", p.Body)
	}
	if p := staff.Get("/certificates/mine"); p.StatusCode != 403 {
		t.Errorf("staff on the volunteer's page: %d", p.StatusCode)
	}
	// Both pages in English, every message translated.
	vol.Lang, staff.Lang = "en", "en"
	for _, p := range []*apptest.Response{vol.Get("/certificates/mine"), staff.Get("/certificates")} {
		if p.StatusCode != 200 || strings.Contains(p.Body, "certificate.") || strings.Contains(p.Body, "field.") || !strings.Contains(p.Body, "certificate") {
			t.Errorf("an English page: %d %s", p.StatusCode, p.Body)
		}
	}
	if p := vol.Get("/certificates/mine"); !strings.Contains(p.Body, "Ask for a certificate") || !strings.Contains(p.Body, "Issued") {
		t.Errorf("the volunteer's page in English: %s", p.Body)
	}
}

// TestAskTwiceAtOnce: of requests for the same period sent together, one
// waits and the others are told it does.
func TestAskTwiceAtOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	vtok, _, err := e.App.Sessions.CreateToken(e.Ctx, w.UserID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	codes := make(chan int, 6)
	for range 6 {
		go func() {
			codes <- e.API("POST", "/api/v1/certificate-requests", vtok, map[string]any{"org_id": w.Org.ID, "from": "2026-03-01", "to": "2026-03-31"}).StatusCode
		}()
	}
	got := map[int]int{}
	for range 6 {
		got[<-codes]++
	}
	if got[201] != 1 || got[409] != 5 {
		t.Errorf("statuses %v, want one 201 and five 409", got)
	}
}
