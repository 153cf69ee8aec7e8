package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/auth"
)

// TestCertificateIssuedAndVerified: a community worker issues a volunteer
// service certificate on the certificates page; anyone, not signed in, then
// verifies its number on the public page, typed as a person reads it off
// paper (lower case, spaces); after a revocation the page says so.
func TestCertificateIssuedAndVerified(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	b, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	b.open("/certificates")
	b.do("fill issue form",
		chromedp.WaitVisible(chromedp.CSS("#issue-form")),
		chromedp.SendKeys(chromedp.CSS("#f-volunteer_id"), fmt.Sprint(w.Volunteer.ID)),
		chromedp.SetValue(chromedp.CSS("#f-org_id"), fmt.Sprint(w.Org.ID)),
	)
	eval[bool](b, `(document.querySelector('#f-from').value = '2026-03-01', document.querySelector('#f-to').value = '2026-03-31', true)`)
	b.screenshot("certificate-issue")
	b.navigate("issue", chromedp.Click(chromedp.CSS("#issue-button")))
	number := b.text("#cert-number")
	if certificate.NormalizeNumber(number) != number || !strings.HasPrefix(b.path(), "/certificates/"+number) {
		t.Fatalf("after issuing at %s with number %q", b.path(), number)
	}
	if items := b.text("#items"); !strings.Contains(items, "为独居老人上门送餐") || !strings.Contains(items, "社区环境清洁") || strings.Contains(items, "居民议事会会务") {
		t.Errorf("certified records: %s", items)
	}
	b.screenshot("certificate-view")
	b.navigate("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	// The public page, signed out.
	b.open("/verify")
	spaced := strings.ToLower(strings.ReplaceAll(number, "-", " "))
	b.do("type number", chromedp.SendKeys(chromedp.CSS("#f-number"), spaced))
	b.navigate("verify", chromedp.Click(chromedp.CSS("#verify-button")))
	if p := b.path(); p != "/verify/"+number {
		t.Fatalf("verification at %s", p)
	}
	if s := b.text("#verify-status"); s != "证明真实有效" {
		t.Errorf("status %q", s)
	}
	for sel, want := range map[string]string{"#v-name": "张*明", "#v-id": "****************77", "#v-hours": "3.5",
		"#v-period": "2026-03-01 至 2026-03-31", "#v-org": w.Org.Name} {
		if got := b.text(sel); got != want {
			t.Errorf("%s: %q, want %q", sel, got, want)
		}
	}
	if body := b.text("main"); strings.Contains(body, certtest.Name) || strings.Contains(body, "为独居老人") {
		t.Errorf("the public page shows more than it should: %s", body)
	}
	b.screenshot("certificate-verified")

	// Revoked by the organisation: the same page says so.
	res := e.API("POST", "/api/v1/certificates/"+number+"/revoke", e.Token(auth.CommunityWorker, apptest.Community), map[string]any{"revoke_reason": "重复出具"})
	if res.StatusCode != 200 {
		t.Fatalf("revoke: %d %s", res.StatusCode, res.Body)
	}
	b.open("/verify/" + number)
	if s := b.text("#verify-status"); !strings.Contains(s, "撤销，不再有效") {
		t.Errorf("revoked status %q", s)
	}
	b.screenshot("certificate-revoked")
}

// TestCertificateAskedOnAPhone: a volunteer asks, on a phone, the
// organisation that recorded their hours for a certificate; its community
// worker issues it from the certificates page; the volunteer then finds it
// issued, with the PDF to download.
func TestCertificateAskedOnAPhone(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	phone := newBrowser(t, e.URL, 390, 844)
	phone.login(w.UserName, apptest.Password)
	phone.open("/certificates/mine")
	phone.do("fill the request",
		chromedp.WaitVisible(chromedp.CSS("#ask-form")),
		chromedp.SetValue(chromedp.CSS("#f-org_id"), fmt.Sprint(w.Org.ID)),
		chromedp.SendKeys(chromedp.CSS("#f-note"), "入学材料"),
	)
	eval[bool](phone, `(document.querySelector('#f-from').value = '2026-03-01', document.querySelector('#f-to').value = '2026-03-31', true)`)
	phone.screenshot("ask")
	phone.navigate("send", chromedp.Click(chromedp.CSS("#ask-button")))
	if s := phone.text("#my-requests"); !strings.Contains(s, "待出具") || !strings.Contains(s, w.Org.Name) {
		t.Fatalf("after asking: %s", s)
	}

	desk, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	desk.open("/certificates")
	if s := desk.text("#requests"); !strings.Contains(s, certtest.Name) || !strings.Contains(s, "入学材料") {
		t.Fatalf("the pending request: %s", s)
	}
	desk.screenshot("pending")
	desk.navigate("issue", chromedp.Click(chromedp.CSS("#requests .issue-request")))
	number := desk.text("#cert-number")
	if certificate.NormalizeNumber(number) != number {
		t.Fatalf("issued %q at %s", number, desk.path())
	}

	phone.open("/certificates/mine")
	if s := phone.text("#my-requests"); !strings.Contains(s, "已出具") || !strings.Contains(s, number) {
		t.Errorf("after issuing: %s", s)
	}
	if !eval[bool](phone, fmt.Sprintf(`document.querySelector('#my-requests a[href="/certificates/mine/%s.pdf"]') !== null`, number)) {
		t.Error("no download link")
	}
	phone.screenshot("issued")
}
