package app_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/web"
)

// bigMultipart is a multipart body of about size bytes: the CSRF token
// first (as our forms send it), then one file of zeros. It is generated as
// it is read, and counts what the server read of it.
type bigMultipart struct {
	r    io.Reader
	read atomic.Int64
	ct   string
	size int64
}

func newBigMultipart(csrf string, size int64) *bigMultipart {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	_ = mw.WriteField("csrf", csrf)
	_, _ = mw.CreateFormFile("file", "big.bin")
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), io.LimitReader(zeros{}, size), strings.NewReader(tail))
	return &bigMultipart{r: body, ct: mw.FormDataContentType(), size: int64(head.Len()) + size + int64(len(tail))}
}

func (b *bigMultipart) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func multipartTemps(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "multipart-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

const testCSRF = "0123456789abcdef0123456789abcdef-csrf"

// A 40 MB multipart post to /login or /logout without signing in (with a
// valid double-submit token, so the CSRF check would have parsed it) is
// refused with 413 before anything reads it, and leaves no temporary file.
func TestOversizedBodyBeforeSignIn(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := apptest.New(t)
	for _, path := range []string{"/logout", "/login"} {
		for _, lang := range []string{"zh-CN", "en"} {
			b := newBigMultipart(testCSRF, 40<<20)
			req, _ := http.NewRequest(http.MethodPost, e.URL+path, b)
			req.ContentLength = b.size
			req.Header.Set("Content-Type", b.ct)
			req.Header.Set("Accept-Language", lang)
			req.AddCookie(&http.Cookie{Name: "__Host-shequ_csrf", Value: testCSRF})
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: status %d, want 413", path, res.StatusCode)
			}
			want := map[string]string{"zh-CN": "提交的内容过大", "en": "too large"}[lang]
			if !strings.Contains(string(body), want) {
				t.Errorf("%s in %s: the error page lacks %q", path, lang, want)
			}
		}
	}
	// The API answers a problem document.
	b := newBigMultipart(testCSRF, 40<<20)
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/requests", b)
	req.ContentLength = b.size
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), `"code":"ETOOLARGE"`) {
		t.Errorf("API: %d %s, want a 413 problem", res.StatusCode, body)
	}
	if m := multipartTemps(t, tmp); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// Eight parallel 64 MB posts of unknown length (chunked) read no more than
// the cap each, so memory stays flat and nothing reaches the disk.
func TestOversizedBodiesInParallel(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := apptest.New(t)
	h := e.App.Handler()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	bodies := make([]*bigMultipart, 8)
	for i := range bodies {
		bodies[i] = newBigMultipart(testCSRF, 64<<20)
		path := []string{"/login", "/logout"}[i%2]
		wg.Go(func() {
			req := httptest.NewRequest(http.MethodPost, path, bodies[i])
			req.ContentLength = -1
			req.Header.Set("Content-Type", bodies[i].ct)
			req.AddCookie(&http.Cookie{Name: "shequ_csrf", Value: testCSRF})
			h.ServeHTTP(httptest.NewRecorder(), req)
		})
	}
	wg.Wait()
	runtime.ReadMemStats(&after)
	for i, b := range bodies {
		if n := b.read.Load(); n > web.AnonymousMaxBody+(64<<10) {
			t.Errorf("post %d: the server read %d bytes, cap %d", i, n, web.AnonymousMaxBody)
		}
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("8 oversized posts allocated %d MB", d>>20)
	}
	if m := multipartTemps(t, tmp); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// Signed in, a form route keeps the default cap and an upload route takes
// its declared one; a multipart upload's token is read from its first
// field, and its temporary files are removed after the handler.
func TestBodyCapsSignedIn(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	e := apptest.New(t)
	c := e.Session(auth.CountyStaff, apptest.County)
	csrf := c.CSRF()
	post := func(path string, size int64) (int, string) {
		t.Helper()
		b := newBigMultipart(csrf, size)
		req, _ := http.NewRequest(http.MethodPost, e.URL+path, b)
		req.ContentLength = b.size
		req.Header.Set("Content-Type", b.ct)
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	if st, _ := post("/account/password", 2<<20); st != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MB to a form: %d, want 413", st)
	}
	// 40 MB (over ParseMultipartForm's memory, so it goes to a temporary
	// file) to the people import: read, refused as a workbook, cleaned up.
	st, body := post("/persons/import", 40<<20)
	if st == http.StatusRequestEntityTooLarge || st == http.StatusForbidden || st >= 500 {
		t.Errorf("40 MB to the import: %d: %.300s", st, body)
	}
	if m := multipartTemps(t, tmp); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	// A token after the file is not looked for.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "a.xlsx")
	_, _ = fw.Write([]byte("x"))
	_ = mw.WriteField("csrf", csrf)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/persons/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("token after the file: %d, want 403", res.StatusCode)
	}
}
