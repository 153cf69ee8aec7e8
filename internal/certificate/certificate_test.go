package certificate_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
)

func issue(t *testing.T, e *apptest.Env, w *certtest.World, tok string, org int64, from, to string) (int, map[string]any, string) {
	t.Helper()
	res := e.API("POST", "/api/v1/certificates", tok, map[string]any{"volunteer_id": w.Volunteer.ID, "org_id": org, "from": from, "to": to})
	var out map[string]any
	if res.StatusCode == 201 {
		res.JSON(t, &out)
	}
	return res.StatusCode, out, res.Body
}

func TestIssueVerifyRevoke(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	tok := e.Token(auth.CommunityWorker, apptest.Community)
	status, c, body := issue(t, e, w, tok, w.Org.ID, "2026-03-01", "2026-03-31")
	if status != 201 {
		t.Fatalf("issue: %d %s", status, body)
	}
	number := c["number"].(string)
	if certificate.NormalizeNumber(number) != number {
		t.Fatalf("number %q", number)
	}
	// Only the organisation's own records of the period, hours summed.
	if c["hours"].(float64) != 3.5 || len(c["items"].([]any)) != 2 || c["organization_name"] != w.Org.Name {
		t.Fatalf("certificate: %s", body)
	}
	if c["id_number"] != "****************77" || strings.Contains(body, certtest.IDNumber) {
		t.Errorf("ID number not masked: %s", body)
	}
	for _, fee := range []string{"fee", "price", "charge", "amount", "费"} {
		if strings.Contains(strings.ToLower(body), fee) {
			t.Errorf("a certificate is free of charge, but the response has %q: %s", fee, body)
		}
	}
	if strings.Contains(body, "居民议事会会务") {
		t.Error("another organisation's record was certified")
	}

	// Read back, list, PDF.
	res := e.API("GET", "/api/v1/certificates/"+strings.ToLower(strings.ReplaceAll(number, "-", "")), tok, nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"number":"`+number+`"`) || !strings.Contains(res.Body, "社区环境清洁") {
		t.Fatalf("get: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("GET", "/api/v1/certificates", tok, nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, number) {
		t.Fatalf("list: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("GET", "/api/v1/certificates/"+number+".pdf", tok, nil)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF-") || !strings.Contains(res.Body, number) {
		t.Fatalf("pdf: %d %s %.40q", res.StatusCode, res.Header.Get("Content-Type"), res.Body)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		f := t.TempDir() + "/c.pdf"
		os.WriteFile(f, []byte(res.Body), 0o600)
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", f, "-").Output()
		text := strings.Join(strings.Fields(string(out)), "")
		if err != nil || !strings.Contains(text, certtest.Name) || !strings.Contains(text, w.Org.Name) || !strings.Contains(text, "/verify/"+number) ||
			!strings.Contains(text, "累计服务时长3.5小时") {
			t.Errorf("PDF text (%v): %s", err, out)
		}
	}
	// The QR code printed in the PDF reads as this server's verification
	// page of the number.
	if _, err := exec.LookPath("pdfimages"); err == nil {
		if read, want := pdfQRCodes(t, res.Body), e.URL+"/verify/"+number; len(read) != 1 || read[0] != want {
			t.Errorf("QR codes in the PDF read %q, want [%s]", read, want)
		}
	}

	// Public verification, JSON and HTML, with no sign-in: masked, and
	// nothing of the records.
	res = e.API("GET", "/api/v1/verify/"+number, "", nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"valid"`) || !strings.Contains(res.Body, `"volunteer_name":"张*明"`) ||
		!strings.Contains(res.Body, `"id_number":"****************77"`) || !strings.Contains(res.Body, `"hours":3.5`) ||
		!strings.Contains(res.Body, `"from":"2026-03-01"`) || !strings.Contains(res.Body, w.Org.Name) {
		t.Fatalf("verify: %d %s", res.StatusCode, res.Body)
	}
	for _, leak := range []string{certtest.Name, "为独居老人", "volunteer_id", "issued_by", "items"} {
		if strings.Contains(res.Body, leak) {
			t.Errorf("verification shows %q: %s", leak, res.Body)
		}
	}
	anon := e.NewClient()
	page := anon.Get("/verify/" + number)
	if page.StatusCode != 200 || !strings.Contains(page.Body, "证明真实有效") || !strings.Contains(page.Body, "张*明") || strings.Contains(page.Body, certtest.Name) ||
		page.Header.Get("X-Robots-Tag") != "noindex" || page.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("verify page: %d %s", page.StatusCode, page.Body)
	}
	en := e.NewClient()
	en.Lang = "en"
	if p := en.Get("/verify/" + number); p.StatusCode != 200 || !strings.Contains(p.Body, "This certificate is genuine and valid") {
		t.Errorf("English verify page: %d", p.StatusCode)
	}
	if p := anon.Get("/verify?number=" + strings.ToLower(number)); p.StatusCode != 303 || p.Header.Get("Location") != "/verify/"+number {
		t.Errorf("verify form: %d %s", p.StatusCode, p.Header.Get("Location"))
	}

	// Unknown and malformed numbers get the same answer, naming no other.
	for _, n := range []string{"0000-0000-0000-0000", "not-a-number", number[:len(number)-1] + "Z"} {
		if n == number {
			continue
		}
		res := e.API("GET", "/api/v1/verify/"+n, "", nil)
		if res.StatusCode != 404 || !strings.Contains(res.Body, "没有这个证明编号") || strings.Contains(res.Body, number) {
			t.Errorf("verify %s: %d %s", n, res.StatusCode, res.Body)
		}
		p := anon.Get("/verify/" + n)
		if p.StatusCode != 404 || !strings.Contains(p.Body, "没有这个证明编号") {
			t.Errorf("verify page %s: %d", n, p.StatusCode)
		}
	}

	// Revocation: a reason is required; then the certificate shows as
	// revoked with its date; revoking twice conflicts.
	path := "/api/v1/certificates/" + number + "/revoke"
	if res := e.API("POST", path, tok, map[string]any{"revoke_reason": "  "}); res.StatusCode != 422 || !strings.Contains(res.Body, "撤销原因") {
		t.Fatalf("revoke without reason: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path, e.Token(auth.CommunityWorker, apptest.SiblingCommunity), map[string]any{"revoke_reason": "x"}); res.StatusCode != 404 {
		t.Fatalf("revoke from a sibling community: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("POST", path, tok, map[string]any{"revoke_reason": "服务时长登记有误"})
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"revoke_reason":"服务时长登记有误"`) {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("POST", path, tok, map[string]any{"revoke_reason": "again"}); res.StatusCode != 409 {
		t.Fatalf("revoke twice: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("GET", "/api/v1/verify/"+number, "", nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"status":"revoked"`) || !strings.Contains(res.Body, `"revoked_on":"20`) || strings.Contains(res.Body, "登记有误") {
		t.Fatalf("verify revoked: %d %s", res.StatusCode, res.Body)
	}
	if p := anon.Get("/verify/" + number); !strings.Contains(p.Body, "撤销，不再有效") || strings.Contains(p.Body, "证明真实有效") {
		t.Errorf("verify page of a revoked certificate: %s", p.Body)
	}
	recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{ObjectType: "certificate", ObjectID: number})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Action+" "+r.Result] = true
	}
	for _, want := range []string{"certificate.issue ok", "certificate.revoke ok", "certificate.revoke denied"} {
		if !seen[want] {
			t.Errorf("no audit record %q: %v", want, seen)
		}
	}
}

func TestIssueRefusals(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	tok := e.Token(auth.CommunityWorker, apptest.Community)
	for _, c := range []struct {
		name     string
		org      int64
		from, to string
		status   int
		want     string
	}{
		{"no seal", w.OtherOrg.ID, "2026-03-01", "2026-03-31", 422, "尚未上传印章"},
		{"no records", w.Org.ID, "2026-05-01", "2026-05-31", 422, "没有该组织记录的服务时长"},
		{"reversed", w.Org.ID, "2026-03-31", "2026-03-01", 422, "截止日期不能早于起始日期"},
		{"bad date", w.Org.ID, "2026-3-1", "2026-03-31", 422, "日期格式"},
		{"future", w.Org.ID, "2026-03-01", "2999-01-01", 422, "不能晚于今天"},
		{"outside area", w.SiblingOrg.ID, "2026-03-01", "2026-04-30", 404, ""},
		{"no such org", 999999, "2026-03-01", "2026-03-31", 404, ""},
	} {
		status, _, body := issue(t, e, w, tok, c.org, c.from, c.to)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s", c.name, status, body)
		}
	}
	// No organisation named: refused while two recorded hours in the
	// period, taken when only one did.
	noOrg := func(from, to string) *apptest.Response {
		return e.API("POST", "/api/v1/certificates", tok, map[string]any{"volunteer_id": w.Volunteer.ID, "from": from, "to": to})
	}
	if res := noOrg("2026-03-01", "2026-03-31"); res.StatusCode != 422 || !strings.Contains(res.Body, w.Org.Name+"、"+w.OtherOrg.Name) {
		t.Errorf("two organisations: %d %s", res.StatusCode, res.Body)
	}
	res := e.API("GET", "/api/v1/certificates", tok, nil)
	if !strings.Contains(res.Body, `"items":[]`) {
		t.Errorf("a refused request left a certificate: %s", res.Body)
	}
	if res := noOrg("2026-03-06", "2026-03-31"); res.StatusCode != 201 || !strings.Contains(res.Body, `"organization_name":"`+w.Org.Name+`"`) || !strings.Contains(res.Body, `"hours":1.5`) {
		t.Errorf("one organisation: %d %s", res.StatusCode, res.Body)
	}
	// The sibling community's organisation is not the community worker's
	// to certify, even when it is the only one with hours.
	if res := noOrg("2026-04-01", "2026-04-30"); res.StatusCode != 422 || !strings.Contains(res.Body, "没有该组织记录的服务时长") {
		t.Errorf("only an organisation outside the area: %d %s", res.StatusCode, res.Body)
	}
	// A bad seal is refused by content and names the field.
	res = e.API("PUT", fmt.Sprintf("/api/v1/certificate-seals/%d", w.OtherOrg.ID), tok, map[string]any{"image": []byte("GIF89a......")})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "印章图片") {
		t.Errorf("bad seal: %d %s", res.StatusCode, res.Body)
	}
}

func TestVerifyRateLimited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	limited := 0
	for range 40 {
		res := e.API("GET", "/api/v1/verify/0000-0000-0000-0000", "", nil)
		if res.StatusCode == 429 {
			limited++
		} else if res.StatusCode != 404 {
			t.Fatalf("verify: %d %s", res.StatusCode, res.Body)
		}
	}
	if limited < 5 {
		t.Errorf("40 checks in a row from one address: %d refused", limited)
	}
	if p := e.NewClient().Get("/verify/0000-0000-0000-0000"); p.StatusCode != 429 || !strings.Contains(p.Body, "核验过于频繁") {
		t.Errorf("page after the limit: %d", p.StatusCode)
	}
}

// TestPages: the staff pages issue with field errors in the user's
// language, take a seal as a multipart upload refusing a non-image, and
// keep others out.
func TestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	res := c.PostForm("/certificates", url.Values{"volunteer_id": {fmt.Sprint(w.Volunteer.ID)}, "org_id": {fmt.Sprint(w.Org.ID)}, "from": {"2026-03-31"}, "to": {"2026-03-01"}})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "截止日期不能早于起始日期") || !strings.Contains(res.Body, `value="2026-03-31"`) {
		t.Fatalf("bad period: %d %s", res.StatusCode, res.Body)
	}
	res = c.PostForm("/certificates", url.Values{"volunteer_id": {fmt.Sprint(w.Volunteer.ID)}, "org_id": {fmt.Sprint(w.Org.ID)}, "from": {"2026-03-01"}, "to": {"2026-03-31"}})
	if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/certificates/") {
		t.Fatalf("issue: %d %s", res.StatusCode, res.Body)
	}
	number := strings.TrimPrefix(res.Header.Get("Location"), "/certificates/")
	if p := c.Get("/certificates/" + number); p.StatusCode != 200 || !strings.Contains(p.Body, "社区环境清洁") || !strings.Contains(p.Body, "/verify/"+number) {
		t.Fatalf("view: %d", p.StatusCode)
	}
	if p := c.Get("/certificates"); p.StatusCode != 200 || !strings.Contains(p.Body, number) {
		t.Fatalf("list: %d", p.StatusCode)
	}
	// The view page's PDF link works with the browser's session.
	if p := c.Get("/api/v1/certificates/" + number + ".pdf"); p.StatusCode != 200 || !strings.HasPrefix(p.Body, "%PDF-") {
		t.Fatalf("PDF by session: %d %.60s", p.StatusCode, p.Body)
	}
	res = c.PostForm("/certificates/"+number+"/revoke", url.Values{"revoke_reason": {""}})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "撤销原因") {
		t.Fatalf("revoke without reason: %d", res.StatusCode)
	}
	if p := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get("/certificates/" + number); p.StatusCode != 404 {
		t.Errorf("a sibling community's worker reads it: %d", p.StatusCode)
	}
	if p := e.Session(auth.Resident, apptest.Community).Get("/certificates"); p.StatusCode != 403 {
		t.Errorf("a resident lists certificates: %d", p.StatusCode)
	}

	seal := func(org int64, name string, data []byte) *apptest.Response {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", c.CSRF())
		mw.WriteField("seal_org_id", fmt.Sprint(org))
		fw, _ := mw.CreateFormFile("seal", name)
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", e.URL+"/certificate-seals", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return &apptest.Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(body)}
	}
	if r := seal(w.OtherOrg.ID, "seal.png", []byte("<svg>not an image</svg>")); r.StatusCode != 422 || !strings.Contains(r.Body, "印章图片") {
		t.Fatalf("bad seal: %d %s", r.StatusCode, r.Body)
	}
	if r := seal(w.OtherOrg.ID, "seal.png", certtest.SealPNG()); r.StatusCode != 303 {
		t.Fatalf("seal: %d %s", r.StatusCode, r.Body)
	}
	// With its seal the other organisation may now certify its hours.
	status, out, body := issue(t, e, w, e.Token(auth.CommunityWorker, apptest.Community), w.OtherOrg.ID, "2026-03-01", "2026-03-31")
	if status != 201 || out["hours"].(float64) != 1 {
		t.Fatalf("issue after the seal: %d %s", status, body)
	}
}
