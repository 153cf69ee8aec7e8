package account_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
)

var (
	secretRE  = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)</pre>`)
	pendingRE = regexp.MustCompile(`name="pending" value="([^"]+)"`)
)

// enrolPage opens /account/totp and reads the secret and the form's
// pending value from it, as a person with an authenticator app would.
func enrolPage(t *testing.T, c *apptest.Client) (secret, pending string) {
	t.Helper()
	res := c.Get("/account/totp")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/account/totp: %d", res.StatusCode)
	}
	if !strings.Contains(res.Body, `src="data:image/png;base64,`) {
		t.Error("no QR code image as a data: URL")
	}
	m, p := secretRE.FindStringSubmatch(res.Body), pendingRE.FindStringSubmatch(res.Body)
	if m == nil || p == nil {
		t.Fatalf("no secret or pending field on the page")
	}
	return strings.ReplaceAll(m[1], " ", ""), html.UnescapeString(p[1])
}

func code(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTOTPEnrolmentAndSignIn(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	clk := newClock()
	e.App.Users.Now = clk.Now
	const name = "county-officer"
	if _, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: "县民政", Role: auth.CountyStaff,
		AreaCode: apptest.County, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	c := e.NewClient()
	if res := login(c, name, apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	// County staff must enrol before anything else.
	if res := c.Get("/divisions"); res.Header.Get("Location") != "/account/totp" {
		t.Fatalf("before enrolment: %d to %q, want /account/totp", res.StatusCode, res.Header.Get("Location"))
	}
	secret, pending := enrolPage(t, c)

	wrong := c.PostForm("/account/totp", url.Values{"pending": {pending}, "code": {"000000"}})
	if wrong.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(wrong.Body, "动态验证码不正确") {
		t.Fatalf("wrong enrolment code: %d", wrong.StatusCode)
	}
	// A pending value from another page cannot be altered or reused for another account.
	other := e.Session(auth.CommunityWorker, apptest.Community)
	if res := other.PostForm("/account/totp", url.Values{"pending": {pending}, "code": {code(t, secret, clk.Now())}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("another account's pending secret: %d, want 422", res.StatusCode)
	}
	if res := c.PostForm("/account/totp", url.Values{"pending": {pending + "x"}, "code": {code(t, secret, clk.Now())}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("tampered pending secret: %d, want 422", res.StatusCode)
	}
	u, _ := e.App.Users.ByName(e.Ctx, name)
	if u.TOTPEnabled {
		t.Fatal("TOTP enabled by a wrong code")
	}

	ok := c.PostForm("/account/totp", url.Values{"pending": {pending}, "code": {code(t, secret, clk.Now())}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/account" {
		t.Fatalf("right enrolment code: %d to %q: %s", ok.StatusCode, ok.Header.Get("Location"), ok.Body)
	}
	if res := c.Get("/account"); res.StatusCode != http.StatusOK {
		t.Errorf("still held after enrolment: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	var stored string
	var enabled bool
	if err := e.App.DB.Writer().QueryRow(`SELECT totp_secret, totp_enabled FROM users WHERE name = $1`, name).Scan(&stored, &enabled); err != nil {
		t.Fatal(err)
	}
	if !enabled || stored == "" || strings.Contains(stored, secret) || !strings.HasPrefix(stored, "v1:") {
		t.Errorf("stored secret %q (enabled %v): want it sealed, not plaintext", stored, enabled)
	}
	if opened, err := e.App.Keys.Open(stored); err != nil || opened != secret {
		t.Errorf("stored secret does not open to the enrolled one: %v", err)
	}
	if n := auditCount(t, e, "auth.totp.enrol", name, audit.OK); n != 1 {
		t.Errorf("enrolment audited %d times", n)
	}

	// Sign in again: the code is asked for after the password.
	c = e.NewClient()
	res := login(c, name, apptest.Password)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login/totp") {
		t.Fatalf("login with TOTP: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	half := sessionCookie(t, c)
	if res := c.Get("/account"); res.Header.Get("Location") != "/login/totp" {
		t.Errorf("before the code: /account %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.Get("/login/totp?next=%2Faccount"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `name="code"`) {
		t.Fatalf("/login/totp: %d", res.StatusCode)
	}
	// The code just used for enrolment may not be used again.
	used := code(t, secret, clk.Now())
	if res := c.PostForm("/login/totp", url.Values{"code": {used}, "next": {"/account"}}); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("replayed code: %d, want 401", res.StatusCode)
	}
	next := code(t, secret, clk.Now().Add(30*time.Second))
	res = c.PostForm("/login/totp", url.Values{"code": {next}, "next": {"/account"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account" {
		t.Fatalf("right code: %d to %q: %s", res.StatusCode, res.Header.Get("Location"), res.Body)
	}
	full := sessionCookie(t, c)
	if full == half {
		t.Error("session id not renewed after the second factor")
	}
	wantLoginRedirect(t, "half-signed-in cookie after the code", getWithCookie(t, e, "/account", half))
	if res := c.Get("/account"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "已启用") {
		t.Errorf("after the code: /account %d", res.StatusCode)
	}
	if n := auditCount(t, e, "auth.totp", name, audit.OK); n != 1 {
		t.Errorf("TOTP sign-in audited %d times", n)
	}
	if n := auditCount(t, e, "auth.totp", name, audit.Denied); n != 1 {
		t.Errorf("replayed code audited %d times, want 1", n)
	}
}

func TestWrongTOTPCodesLockTheAccount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	clk := newClock()
	e.App.Users.Now = clk.Now
	const name = "city-officer"
	if _, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: "市民政", Role: auth.CityStaff,
		AreaCode: apptest.City, Password: apptest.Password}); err != nil {
		t.Fatal(err)
	}
	c := e.NewClient()
	login(c, name, apptest.Password)
	secret, pending := enrolPage(t, c)
	if res := c.PostForm("/account/totp", url.Values{"pending": {pending}, "code": {code(t, secret, clk.Now())}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("enrol: %d", res.StatusCode)
	}
	clk.Add(time.Minute)

	// Signing in again between wrong codes does not reset their count.
	for round := 0; round < 2; round++ {
		c = e.NewClient()
		if res := login(c, name, apptest.Password); !strings.HasPrefix(res.Header.Get("Location"), "/login/totp") {
			t.Fatalf("round %d: login %d to %q", round, res.StatusCode, res.Header.Get("Location"))
		}
		tries := 2
		if round == 1 {
			tries = 3
		}
		for i := 0; i < tries; i++ {
			res := c.PostForm("/login/totp", url.Values{"code": {"123456"}})
			want := http.StatusUnauthorized
			if round == 1 && i == 2 {
				want = http.StatusLocked
			}
			if res.StatusCode != want {
				t.Fatalf("round %d, wrong code %d: %d, want %d", round, i+1, res.StatusCode, want)
			}
		}
	}
	// The lock ends the half-signed-in session and refuses the password.
	if res := c.Get("/account"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("after the lock: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := login(e.NewClient(), name, apptest.Password); res.StatusCode != http.StatusLocked {
		t.Errorf("password while locked by codes: %d, want 423", res.StatusCode)
	}
	if n := auditCount(t, e, "auth.lockout", name, audit.Denied); n != 1 {
		t.Errorf("lockout audited %d times", n)
	}
	if n := auditCount(t, e, "auth.totp", name, audit.Denied); n != 5 {
		t.Errorf("wrong codes audited %d times, want 5", n)
	}
	clk.Add(31 * time.Minute)
	c = e.NewClient()
	login(c, name, apptest.Password)
	if res := c.PostForm("/login/totp", url.Values{"code": {code(t, secret, clk.Now())}, "next": {"/"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("right code after the lock passed: %d", res.StatusCode)
	}
}

func TestVoluntaryEnrolment(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	res := c.Get("/account")
	if !strings.Contains(res.Body, "未启用") || !strings.Contains(res.Body, `href="/account/totp"`) {
		t.Fatalf("my account page lacks the TOTP status and enrol link")
	}
	if !strings.Contains(res.Body, "游园社区") || !strings.Contains(res.Body, "社区工作者") {
		t.Errorf("my account page lacks the area or role")
	}
	secret, pending := enrolPage(t, c)
	if res := c.PostForm("/account/totp", url.Values{"pending": {pending}, "code": {code(t, secret, time.Now())}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("voluntary enrolment: %d", res.StatusCode)
	}
	if u, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.CommunityWorker, apptest.Community)); !u.TOTPEnabled {
		t.Error("not enabled")
	}
}

func TestDemoAccountMaySkipTOTP(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	if _, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: "demo-admin", Role: auth.Admin, AreaCode: apptest.City,
		Password: apptest.Password, Demo: true, MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	c := e.NewClient()
	login(c, "demo-admin", apptest.Password)
	if res := c.Get("/accounts"); res.StatusCode != http.StatusOK {
		t.Errorf("demo admin without TOTP: /accounts %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if res := c.Get("/account/totp"); res.StatusCode != http.StatusOK {
		t.Errorf("demo admin may still enrol: %d", res.StatusCode)
	}
}
