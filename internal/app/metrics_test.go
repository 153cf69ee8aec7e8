package app_test

import (
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// Request durations are labelled with the route pattern the mux matched,
// not with one catch-all label, so a slow route can be found.
func TestMetricsLabelRoutes(t *testing.T) {
	e := apptest.New(t)
	c := e.Session(auth.TownshipStaff, apptest.Township)
	c.Get("/divisions/" + apptest.Township)
	e.API("GET", "/api/v1/divisions/"+apptest.Township+"/children", e.Token(auth.TownshipStaff, apptest.Township), nil)
	res := e.NewClient().Get("/metrics")
	for _, want := range []string{`route="GET /divisions/{code}"`, `route="GET /api/v1/divisions/{code}/children"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if res := e.NewClient().Get("/healthz"); res.StatusCode != 200 || !strings.Contains(res.Body, "ok") {
		t.Errorf("/healthz: %d %q", res.StatusCode, res.Body)
	}
}
