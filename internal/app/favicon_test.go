package app_test

import (
	"net/http"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestFavicon: every page links the SVG favicon, which is ours, served as
// SVG, and refers to nothing outside.
func TestFavicon(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const link = `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`
	anon, worker := e.NewClient(), e.Session(auth.CommunityWorker, apptest.Community)
	for _, c := range []struct {
		c    *apptest.Client
		path string
	}{{anon, "/login"}, {anon, "/no-such-page"}, {worker, "/"}, {worker, "/divisions/" + apptest.Community}} {
		if res := c.c.Get(c.path); !strings.Contains(res.Body, link) {
			t.Errorf("%s (%d) does not link the favicon", c.path, res.StatusCode)
		}
	}
	res := e.NewClient().Get("/static/favicon.svg")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "image/svg+xml") {
		t.Fatalf("favicon: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if strings.Count(res.Body, "http") != 1 || !strings.Contains(res.Body, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("the favicon refers to something outside: %s", res.Body)
	}
}
