package mediation_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
)

// The agreement's scanned copy goes through platform/upload (a text file
// named like an image is refused and changes nothing), is served to the
// case's area only, and the case says it has one.
func TestMediationAgreementCopy(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Token(auth.CommunityWorker, apptest.Community)
	ms := committee(t, e, staff)
	var c mediation.MediationCase
	post(t, e, staff, "/api/v1/mediation/cases", map[string]any{"community_code": apptest.Community, "kind": "damages", "summary": "车辆剐蹭",
		"parties": []map[string]any{{"name": "甲"}, {"name": "乙"}}, "mediator_ids": []int64{ms[0]}}, http.StatusCreated).JSON(t, &c)
	path := "/mediation/cases/" + strconv.FormatInt(c.ID, 10)
	s := e.Session(auth.CommunityWorker, apptest.Community)
	csrf := s.CSRF()
	send := func(name string, file []byte) *apptest.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf", csrf)
		_ = mw.WriteField("terms", "赔偿修车费 800 元")
		_ = mw.WriteField("signed_on", e.App.Mediation.Today())
		fw, _ := mw.CreateFormFile("copy", name)
		_, _ = fw.Write(file)
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+path+"/agreement", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := s.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return &apptest.Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
	}
	if res := send("协议.png", []byte("<script>alert(1)</script>")); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("fake image: %d", res.StatusCode)
	}
	if got := e.API("GET", "/api/v1"+path, staff, nil).Body; !strings.Contains(got, `"status":"open"`) {
		t.Fatalf("a refused copy changed the case: %s", got)
	}
	if res := send("协议.png", apptest.PNG(t, 40, 20)); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("agreement with a copy: %d %s", res.StatusCode, res.Body)
	}
	if got := e.API("GET", "/api/v1"+path, staff, nil).Body; !strings.Contains(got, `"agreement_copy":true`) || !strings.Contains(got, `"status":"agreed"`) {
		t.Fatalf("the case after the agreement: %s", got)
	}
	if res := s.Get(path + "/agreement"); res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("the copy: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get(path + "/agreement"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the copy from the sibling community: %d", res.StatusCode)
	}
}
