package certificate_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate/certtest"
	"shequ/internal/platform/auth"
)

// section is the part of an HTML page from the element whose opening tag
// contains open to the next "</form>" or "</tr>" (whichever closes it).
func section(t *testing.T, body, open, end string) string {
	t.Helper()
	i := strings.Index(body, open)
	if i < 0 {
		t.Fatalf("no %s in the page: %s", open, body)
	}
	j := strings.Index(body[i:], end)
	if j < 0 {
		t.Fatalf("%s is not closed", open)
	}
	return body[i : i+j]
}

// TestListPageFormsKeepTheirErrors: each form of the certificates page
// shows its own errors and no other's; a seal upload with no organisation
// chosen is a field error of the seal form (422), not a missing page; an
// organisation select with one choice comes chosen.
func TestListPageFormsKeepTheirErrors(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	w := certtest.Seed(e)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	const noSeal = "该组织尚未上传印章图片"

	// A volunteer's request to the organisation with no seal yet: issuing
	// it fails in its own row, and the issue form below stays clean.
	vtok, _, err := e.App.Sessions.CreateToken(e.Ctx, w.UserID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res := e.API("POST", "/api/v1/certificate-requests", vtok, map[string]any{"org_id": w.OtherOrg.ID, "from": "2026-03-01", "to": "2026-03-31"})
	var q struct{ ID int64 }
	if res.StatusCode != 201 {
		t.Fatalf("ask: %d %s", res.StatusCode, res.Body)
	}
	res.JSON(t, &q)
	res = c.PostForm(fmt.Sprintf("/certificate-requests/%d", q.ID), url.Values{"decision": {"issue"}})
	if res.StatusCode != 422 {
		t.Fatalf("issue a request with no seal: %d %s", res.StatusCode, res.Body)
	}
	row := section(t, res.Body, fmt.Sprintf(`id="request-%d"`, q.ID), "</tr>")
	issueForm := section(t, res.Body, `id="issue-form"`, "</form>")
	sealForm := section(t, res.Body, `id="seal-form"`, "</form>")
	if !strings.Contains(row, noSeal) || strings.Contains(issueForm, noSeal) || strings.Contains(issueForm, "field-error") || strings.Contains(sealForm, noSeal) {
		t.Errorf("a decision's error outside its row:\nrow %s\nissue form %s\nseal form %s", row, issueForm, sealForm)
	}

	// The issue form's error is on the issue form.
	res = c.PostForm("/certificates", url.Values{"volunteer_id": {fmt.Sprint(w.Volunteer.ID)}, "org_id": {fmt.Sprint(w.OtherOrg.ID)}, "from": {"2026-03-01"}, "to": {"2026-03-31"}})
	if res.StatusCode != 422 {
		t.Fatalf("issue with no seal: %d %s", res.StatusCode, res.Body)
	}
	issueForm = section(t, res.Body, `id="issue-form"`, "</form>")
	sealForm = section(t, res.Body, `id="seal-form"`, "</form>")
	if !strings.Contains(issueForm, noSeal) || !strings.Contains(issueForm, `id="e-org_id"`) || strings.Contains(sealForm, noSeal) {
		t.Errorf("the issue form's error:\nissue form %s\nseal form %s", issueForm, sealForm)
	}

	seal := func(org string, data []byte) *apptest.Response {
		t.Helper()
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", c.CSRF())
		mw.WriteField("seal_org_id", org)
		fw, _ := mw.CreateFormFile("seal", "seal.png")
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest("POST", e.URL+"/certificate-seals", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if c.Lang != "" {
			req.Header.Set("Accept-Language", c.Lang)
		}
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return &apptest.Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(body)}
	}
	// A bad seal image: the message is in the seal form, not the issue form.
	res = seal(fmt.Sprint(w.OtherOrg.ID), []byte("<svg>not an image</svg>"))
	if res.StatusCode != 422 {
		t.Fatalf("bad seal: %d %s", res.StatusCode, res.Body)
	}
	issueForm = section(t, res.Body, `id="issue-form"`, "</form>")
	sealForm = section(t, res.Body, `id="seal-form"`, "</form>")
	if !strings.Contains(sealForm, `class="errors"`) || !strings.Contains(sealForm, `id="e-seal"`) || strings.Contains(issueForm, `class="errors"`) {
		t.Errorf("a seal's error outside the seal form:\nissue form %s\nseal form %s", issueForm, sealForm)
	}
	// No organisation chosen: a field error on the seal form, in both
	// languages, with the file's own error if it has one.
	for _, org := range []string{"", "x"} {
		res = seal(org, certtest.SealPNG())
		sealForm = section(t, res.Body, `id="seal-form"`, "</form>")
		if res.StatusCode != 422 || !strings.Contains(sealForm, `id="e-seal_org_id"`) || !strings.Contains(sealForm, "请选择要上传印章的组织") {
			t.Fatalf("seal with organisation %q: %d %s", org, res.StatusCode, sealForm)
		}
	}
	res = seal("", []byte("GIF89a"))
	if sealForm = section(t, res.Body, `id="seal-form"`, "</form>"); res.StatusCode != 422 || !strings.Contains(sealForm, `id="e-seal_org_id"`) || !strings.Contains(sealForm, `id="e-seal"`) {
		t.Fatalf("no organisation and a bad file: %d %s", res.StatusCode, sealForm)
	}
	c.Lang = "en"
	if res = seal("", certtest.SealPNG()); res.StatusCode != 422 || !strings.Contains(res.Body, "choose the organisation the seal belongs to") {
		t.Fatalf("in English: %d %s", res.StatusCode, res.Body)
	}

	// The sibling community's worker has one organisation: both of its
	// selects come with it chosen. With two, none is chosen for them.
	sib := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get("/certificates")
	chosen := fmt.Sprintf(`<option value="%d" selected>`, w.SiblingOrg.ID)
	if sib.StatusCode != 200 || strings.Count(sib.Body, chosen) != 2 {
		t.Errorf("one organisation not chosen: %d %s", sib.StatusCode, sib.Body)
	}
	if p := c.Get("/certificates"); strings.Contains(p.Body, " selected>") {
		t.Errorf("one of two organisations chosen: %s", p.Body)
	}
}
