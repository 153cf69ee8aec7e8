package emergency_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// post sends a multipart form with one file as the client (CSRF first,
// as a browser's form puts it).
func post(t *testing.T, e *apptest.Env, c *apptest.Client, path string, fields map[string]string, field, name string, file []byte) *apptest.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", c.CSRF())
	for k, v := range fields {
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile(field, name)
	_, _ = fw.Write(file)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &apptest.Response{StatusCode: res.StatusCode, Body: string(b), Header: res.Header}
}

// A plan's scan and a drill's photo go through the upload checks: an image
// is kept and shown to the community's staff only; anything else is
// refused and nothing is stored.
func TestScanAndPhotoUploads(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	img := apptest.PNG(t, 40, 30)
	w := e.Session(auth.CommunityWorker, apptest.Community)
	base := "/emergency/communities/" + apptest.Community
	if res := post(t, e, w, base+"/plans", map[string]string{"title": "防汛预案"}, "file", "plan.png", []byte("%PDF-1.4 not an image")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a PDF as the scan: %d", res.StatusCode)
	}
	if n := count(t, e, `SELECT count(*) FROM emergency_plans`); n != 0 {
		t.Fatalf("%d plans after a refused scan", n)
	}
	if res := post(t, e, w, base+"/plans", map[string]string{"title": "防汛预案"}, "file", "plan.png", img); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan with its scan: %d %s", res.StatusCode, res.Body)
	}
	if res := post(t, e, w, base+"/drills", map[string]string{"held_on": "2026-01-05", "kind": "flood", "participants": "40"}, "photo", "drill.png", img); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("drill with its photo: %d %s", res.StatusCode, res.Body)
	}
	var planID, drillID int64
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT (SELECT id FROM emergency_plans), (SELECT id FROM emergency_drills)`).Scan(&planID, &drillID)
	for _, p := range []string{"/emergency/plans/" + strconv.FormatInt(planID, 10) + "/file", "/emergency/drills/" + strconv.FormatInt(drillID, 10) + "/photo"} {
		if res := w.Get(p); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
			t.Errorf("%s: %d %s", p, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if res := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get(p); res.StatusCode != http.StatusNotFound {
			t.Errorf("%s from the sibling community: %d", p, res.StatusCode)
		}
	}
	if page := w.Get(base); !bytes.Contains([]byte(page.Body), []byte("/emergency/plans/"+strconv.FormatInt(planID, 10)+"/file")) {
		t.Errorf("the community's records do not link the scan")
	}
}
