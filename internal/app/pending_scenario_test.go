package app_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// openToPending are the routes a session with a step still to take may
// use as anyone may: signing in and out, the display preferences, static
// files and health, the public certificate verification, the community
// page, Open311's service list, the API's own description and the offline
// visit form's worker script. Its own step is open to it too. Every other route (a new one
// included, since the rows come from the mux) must refuse it.
var openToPending = map[string]bool{
	"/":                             true, // the not-found catch-all
	"GET /static/":                  true,
	"GET /healthz":                  true,
	"GET /login":                    true,
	"POST /login":                   true,
	"POST /logout":                  true,
	"POST /prefs/lang":              true,
	"POST /prefs/elderly":           true,
	"GET /verify":                   true,
	"GET /verify/{number}":          true,
	"GET /api/v1/verify/{number}":   true,
	"GET /open311/v2/services.json": true,
	"GET /open311/v2/services.xml":  true,
	"GET /api/v1/openapi.json":      true,
	"GET /api/v1/openapi.yaml":      true,
	"GET /api/v1/openapi-3.0.json":  true,
	"GET /api/v1/openapi-3.0.yaml":  true,
	"GET /api/v1/schemas/{schema}":  true,
	"GET /visits/sw.js":             true,
	// The community page, its catalogue and current notices: published
	// information anyone may read.
	"GET /communities/{code}":                  true,
	"GET /communities/{code}/catalogue.xlsx":   true,
	"GET /api/v1/communities/{code}":           true,
	"GET /api/v1/communities/{code}/notices":   true,
	"GET /api/v1/communities/{code}/catalogue": true,
	// Deliberation decisions while published (公示): anyone may read them.
	"GET /communities/{code}/decisions":        true,
	"GET /decisions/{id}":                      true,
	"GET /api/v1/communities/{code}/decisions": true,
	// Residents' own way in, and the division picker it uses.
	"GET /signup":                  true,
	"POST /signup/send":            true,
	"POST /signup":                 true,
	"GET /login/code":              true,
	"POST /login/code/send":        true,
	"POST /login/code":             true,
	"GET /login/recover":           true,
	"POST /login/recover/send":     true,
	"POST /login/recover":          true,
	"GET /divisions/pick":          true,
	"GET /api/v1/divisions/search": true,
	"POST /api/v1/signup/code":     true,
	"POST /api/v1/signup":          true,
	"POST /api/v1/signin/code":     true,
	"POST /api/v1/recover":         true,
}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// pendingScenarios are one row per registered route and pending step for
// role: pages send the session to its step, the API and Open311 refuse it.
func pendingScenarios(t *testing.T, e *apptest.Env, role auth.Role, step string) []Scenario {
	area := home[role]
	var out []Scenario
	for _, pattern := range e.App.Web.Mux.Patterns() {
		method, path, ok := strings.Cut(pattern, " ")
		if !ok {
			method, path = http.MethodGet, pattern
		}
		if openToPending[pattern] || path == step {
			continue
		}
		path = strings.ReplaceAll(path, "{$}", "")
		path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
			switch w {
			case "{code}":
				return area
			case "{file}":
				return "1.json"
			}
			return "1"
		})
		s := Scenario{Name: "pending " + step + " " + pattern, Method: method, Path: path, Role: role, Area: area, Pending: step}
		switch {
		case path == "/visits/session":
			s.Status = http.StatusUnauthorized
		case strings.HasPrefix(path, "/api/"):
			s.Status, s.Contains = http.StatusForbidden, []string{`"code":"EFORBIDDEN"`}
		case strings.HasPrefix(path, "/open311/"):
			s.Status = http.StatusForbidden
		default:
			s.Status, s.Location = http.StatusSeeOther, step
		}
		if method != http.MethodGet {
			s.Body = map[string]any{}
		}
		out = append(out, s)
	}
	if len(out) < 50 {
		t.Fatalf("only %d routes registered?", len(out))
	}
	return out
}

// A session that has passed the password but not TOTP, or that must still
// change its password, reaches nothing but its step on any surface: pages,
// downloads, the API and Open311.
func TestPendingSessionScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for role := range home {
		for _, step := range []string{apptest.PendingTOTP, apptest.PendingPassword} {
			apptest.RunScenarios(t, e, pendingScenarios(t, e, role, step))
		}
	}
	// Its own step is open to it, and it can sign out.
	c := e.PendingSession(auth.CountyStaff, apptest.County, apptest.PendingTOTP)
	if res := c.Get(apptest.PendingTOTP); res.StatusCode != http.StatusOK {
		t.Errorf("its TOTP step: %d", res.StatusCode)
	}
	if res := c.Get("/open311/v2/services.json"); res.StatusCode != http.StatusOK {
		t.Errorf("public Open311 services: %d", res.StatusCode)
	}
	if res := c.Send("POST", "/logout", nil); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("logout: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
}
