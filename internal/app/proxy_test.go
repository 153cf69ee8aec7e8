package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/web"
)

// Behind a trusted proxy (here on loopback, as SHEQU_TRUST_PROXY=1), a
// client that writes its own X-Forwarded-For entries neither changes the
// address the audit log records nor gets a fresh sign-in allowance per
// made-up address: the rightmost address the proxy added counts.
func TestSpoofedForwardedFor(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.App.Web.SetTrustedProxies(web.LoopbackProxies)
	c := e.NewClient()
	csrf := c.CSRF()
	const real = "203.0.113.9"
	limited := false
	for i := range 15 {
		v := url.Values{"csrf": {csrf}, "name": {"nobody"}, "password": {"wrong-password-1"}}
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/login", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("6.6.6.%d, %s", i, real))
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("15 failed sign-ins from one address behind spoofed X-Forwarded-For entries were never limited")
	}
	var client string
	if err := e.App.DB.Writer().QueryRow(`SELECT client_addr FROM audit_log WHERE action = 'auth.login' ORDER BY id DESC LIMIT 1`).Scan(&client); err != nil {
		t.Fatal(err)
	}
	if client != real {
		t.Errorf("audit recorded %q, want %q", client, real)
	}
}
