package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// Request durations are labelled with the route pattern the mux matched,
// not with one catch-all label, so a slow route can be found. The metrics
// are served on a listener of their own (`shequ serve --metrics-addr`),
// not on the main one.
func TestMetricsLabelRoutes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.TownshipStaff, apptest.Township)
	c.Get("/divisions/" + apptest.Township)
	e.API("GET", "/api/v1/divisions/"+apptest.Township+"/children", e.Token(auth.TownshipStaff, apptest.Township), nil)
	ms := httptest.NewServer(e.App.Web.MetricsHandler())
	t.Cleanup(ms.Close)
	res, err := http.Get(ms.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`route="GET /divisions/{code}"`, `route="GET /api/v1/divisions/{code}/children"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if res := e.NewClient().Get("/healthz"); res.StatusCode != 200 || !strings.Contains(res.Body, "ok") {
		t.Errorf("/healthz: %d %q", res.StatusCode, res.Body)
	}
	for _, c := range []*apptest.Client{e.NewClient(), e.Session(auth.Admin, apptest.City)} {
		if res := c.Get("/metrics"); res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, "shequ_http_request_duration_seconds") {
			t.Errorf("/metrics on the main listener: %d", res.StatusCode)
		}
	}
}

// The static files are served, their directories are not listed.
func TestStaticNoListing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.NewClient()
	if res := c.Get("/static/css/app.css"); res.StatusCode != http.StatusOK {
		t.Errorf("a static file: %d", res.StatusCode)
	}
	for _, p := range []string{"/static/", "/static/vendor/", "/static/vendor", "/static/js/", "/static/vendor/htmx/"} {
		res := c.Get(p)
		if res.StatusCode != http.StatusNotFound || strings.Contains(res.Body, `<a href="`+"htmx") || strings.Contains(res.Body, "<pre>") {
			t.Errorf("%s: %d %.200s", p, res.StatusCode, res.Body)
		}
	}
}
