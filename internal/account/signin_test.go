package account_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/account"
	"shequ/internal/app/apptest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
)

// clock is a settable time for Users.Now and Sessions.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now().UTC()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// auditCount counts the records of an action on an account, with a result
// ("" for any).
func auditCount(t *testing.T, e *apptest.Env, action, name, result string) int {
	t.Helper()
	recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{Action: action, ObjectType: "user", ObjectID: name, PerPage: 1000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Action == action && (result == "" || r.Result == result) {
			n++
		}
	}
	return n
}

func login(c *apptest.Client, name, pw string) *apptest.Response {
	return c.PostForm("/login", url.Values{"name": {name}, "password": {pw}})
}

func sessionCookie(t *testing.T, c *apptest.Client) string {
	t.Helper()
	u, _ := url.Parse(c.E.URL)
	for _, ck := range c.HTTP.Jar.Cookies(u) {
		if ck.Name == "__Host-shequ_sid" {
			return ck.Value
		}
	}
	return ""
}

// getWithCookie fetches a path with only the given session cookie, as an
// attacker holding an old cookie would.
func getWithCookie(t *testing.T, e *apptest.Env, path, sid string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.URL+path, nil)
	req.AddCookie(&http.Cookie{Name: "__Host-shequ_sid", Value: sid})
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

func wantLoginRedirect(t *testing.T, what string, res *http.Response) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("%s: status %d to %q, want a redirect to /login", what, res.StatusCode, res.Header.Get("Location"))
	}
}

func TestFiveWrongPasswordsLockTheAccount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	clk := newClock()
	e.App.Users.Now = clk.Now
	name := e.User(auth.CommunityWorker, apptest.Community)
	c := e.NewClient()
	for i := 1; i <= 5; i++ {
		res := login(c, name, "Wrong-Passw0rd-"+string(rune('0'+i)))
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i, res.StatusCode)
		}
	}
	// Locked: answered as a wrong password is, so that a lock tells nothing.
	res := login(c, name, apptest.Password)
	if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "账号或密码不正确") {
		t.Fatalf("right password while locked: status %d, want 401 with the one refusal message", res.StatusCode)
	}
	if n := auditCount(t, e, "auth.lockout", name, audit.Denied); n != 1 {
		t.Errorf("lockout audited %d times, want 1", n)
	}
	if n := auditCount(t, e, "auth.login", name, audit.Denied); n != 6 {
		t.Errorf("%d refused sign-ins audited, want 6", n)
	}
	clk.Add(29 * time.Minute)
	if res := login(c, name, apptest.Password); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("after 29 minutes: status %d, want still locked", res.StatusCode)
	}
	clk.Add(2 * time.Minute)
	if res := login(c, name, apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the lock passed: status %d, want 303: %s", res.StatusCode, res.Body)
	}
}

func TestPerIPLimiter(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.NewClient()
	limited := 0
	for i := 0; i < 14; i++ {
		// Unknown names, so that no account's lockout is what stops us.
		res := login(c, "nobody-"+string(rune('a'+i)), "Wrong-Passw0rd-1")
		if res.StatusCode == http.StatusTooManyRequests {
			if i < 10 {
				t.Fatalf("attempt %d limited; the burst is 10", i+1)
			}
			if !strings.Contains(res.Body, "请求过于频繁") {
				t.Errorf("429 without its message: %s", res.Body)
			}
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("14 quick attempts from one address were never limited")
	}
	recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{Action: "auth.login", PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if strings.Contains(r.Detail, "rate limit") {
			n++
		}
	}
	if n != limited {
		t.Errorf("%d rate-limited attempts audited, want %d", n, limited)
	}
}

// TestPerIPLimiterAcrossNodes: attempts from one address spread over two
// nodes draw on one bucket; a successful sign-in gives its attempt back.
func TestPerIPLimiterAcrossNodes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	nodes := []*apptest.Env{e, e.SecondNode()}
	name := e.User(auth.CommunityWorker, apptest.Community)
	if res := login(e.NewClient(), name, apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good sign-in: %d", res.StatusCode)
	}
	limited := 0
	for i := 0; i < 14; i++ {
		res := login(nodes[i%2].NewClient(), "nobody-"+string(rune('a'+i)), "Wrong-Passw0rd-1")
		if res.StatusCode == http.StatusTooManyRequests {
			if i < 10 {
				t.Fatalf("attempt %d limited; the burst is 10 and the good sign-in gave its attempt back", i+1)
			}
			limited++
		}
	}
	if limited < 3 {
		t.Fatalf("14 quick attempts over two nodes limited %d times, want the last ones", limited)
	}
	if n, err := account.PurgeSignInBuckets(e.Ctx, e.App.DB, time.Now().Add(time.Minute)); err != nil || n != 1 {
		t.Errorf("purge: %d %v", n, err)
	}
}

func TestSessionIDRotatesAtLogin(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	old := sessionCookie(t, c)
	if old == "" {
		t.Fatal("no __Host-shequ_sid cookie after sign-in")
	}
	if res := c.Get("/account"); res.StatusCode != http.StatusOK {
		t.Fatalf("signed in: /account status %d", res.StatusCode)
	}
	if res := login(c, apptest.Name(auth.CommunityWorker, apptest.Community), apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("second sign-in: %d", res.StatusCode)
	}
	nw := sessionCookie(t, c)
	if nw == "" || nw == old {
		t.Fatalf("session id not changed at sign-in: %q then %q", old, nw)
	}
	wantLoginRedirect(t, "old cookie after re-login", getWithCookie(t, e, "/account", old))
	if res := getWithCookie(t, e, "/account", nw); res.StatusCode != http.StatusOK {
		t.Errorf("new cookie: status %d", res.StatusCode)
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	clk := newClock()
	e.App.Sessions.Now = clk.Now
	c := e.Session(auth.CommunityWorker, apptest.Community)
	sid := sessionCookie(t, c)
	clk.Add(29 * time.Minute)
	if res := getWithCookie(t, e, "/account", sid); res.StatusCode != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", res.StatusCode)
	}
	clk.Add(29 * time.Minute) // active 29 minutes ago: still alive
	if res := getWithCookie(t, e, "/account", sid); res.StatusCode != http.StatusOK {
		t.Fatalf("29 minutes after the last request: %d", res.StatusCode)
	}
	clk.Add(31 * time.Minute)
	wantLoginRedirect(t, "after 31 idle minutes", getWithCookie(t, e, "/account", sid))
	// The expired session is gone, not only refused.
	var n int
	if err := e.App.DB.Writer().QueryRow(`SELECT count(*) FROM sessions WHERE id_hash = $1`, auth.HashToken(sid)).Scan(&n); err != nil || n != 0 {
		t.Errorf("expired session still stored (%d, %v)", n, err)
	}

	// Absolute limit: busy all day, the session still ends after 8 hours.
	c = e.Session(auth.CommunityWorker, apptest.Community)
	sid = sessionCookie(t, c)
	for elapsed := 20 * time.Minute; elapsed < 8*time.Hour; elapsed += 20 * time.Minute {
		clk.Add(20 * time.Minute)
		if res := getWithCookie(t, e, "/account", sid); res.StatusCode != http.StatusOK {
			t.Fatalf("after %v of use: %d", elapsed, res.StatusCode)
		}
	}
	clk.Add(21 * time.Minute)
	wantLoginRedirect(t, "after 8 hours", getWithCookie(t, e, "/account", sid))
}

func TestForcedPasswordChangeBlocksOtherPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	if _, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: "newcomer", DisplayName: "新同事", Role: auth.TownshipStaff,
		AreaCode: apptest.Township, Password: apptest.Password, MustChangePassword: true}); err != nil {
		t.Fatal(err)
	}
	c := e.NewClient()
	if res := login(c, "newcomer", apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", res.StatusCode)
	}
	for _, p := range []string{"/", "/account", "/accounts", "/accounts/new", "/divisions"} {
		res := c.Get(p)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/account/password" {
			t.Errorf("GET %s before the change: %d to %q, want /account/password", p, res.StatusCode, res.Header.Get("Location"))
		}
	}
	// A POST elsewhere is sent to the password page too and changes nothing.
	e.User(auth.CommunityWorker, apptest.Community)
	res := c.PostForm("/accounts/"+apptest.Name(auth.CommunityWorker, apptest.Community)+"/disable", url.Values{})
	if res.Header.Get("Location") != "/account/password" {
		t.Errorf("POST before the change: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	if u, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.CommunityWorker, apptest.Community)); u.Disabled {
		t.Error("a forced-change session disabled an account")
	}
	if res := c.Get("/account/password"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "请先设置新密码") {
		t.Fatalf("password page: %d", res.StatusCode)
	}
	bad := c.PostForm("/account/password", url.Values{"old_password": {apptest.Password}, "new_password": {"short"}, "new_password_again": {"short"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "新密码") {
		t.Errorf("weak new password: %d", bad.StatusCode)
	}
	if res := c.Get("/"); res.Header.Get("Location") != "/account/password" {
		t.Error("a refused change lifted the block")
	}
	ok := c.PostForm("/account/password", url.Values{"old_password": {apptest.Password}, "new_password": {"Another-Passw0rd"}, "new_password_again": {"Another-Passw0rd"}})
	if ok.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", ok.StatusCode, ok.Body)
	}
	if res := c.Get("/accounts"); res.StatusCode != http.StatusOK {
		t.Errorf("after the change: /accounts %d", res.StatusCode)
	}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestCSRFIsRequired(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	admin := e.Session(auth.Admin, apptest.City)
	target := e.User(auth.CommunityWorker, apptest.Community)
	post := func(form url.Values) int {
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/accounts/"+target+"/disable", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := admin.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := post(url.Values{}); st != http.StatusForbidden {
		t.Errorf("no token: %d, want 403", st)
	}
	if st := post(url.Values{"csrf": {"not-the-token-of-this-session-at-all-0000"}}); st != http.StatusForbidden {
		t.Errorf("wrong token: %d, want 403", st)
	}
	// Another session's token is wrong too.
	other := e.Session(auth.Admin, apptest.County)
	if st := post(url.Values{"csrf": {other.CSRF()}}); st != http.StatusForbidden {
		t.Errorf("another session's token: %d, want 403", st)
	}
	if u, _ := e.App.Users.ByName(e.Ctx, target); u.Disabled {
		t.Fatal("a refused POST disabled the account")
	}
	m := csrfField.FindStringSubmatch(admin.Get("/accounts/" + target).Body)
	if m == nil {
		t.Fatal("no csrf field on the account page")
	}
	if st := post(url.Values{"csrf": {m[1]}}); st != http.StatusSeeOther {
		t.Errorf("right token: %d, want 303", st)
	}
	if u, _ := e.App.Users.ByName(e.Ctx, target); !u.Disabled {
		t.Error("the POST with the right token did not disable the account")
	}
	// Sign-in is protected too (login CSRF).
	c := e.NewClient()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/login", strings.NewReader(url.Values{"name": {target}, "password": {apptest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("login without a token: %d, want 403", res.StatusCode)
	}
}

func TestCookiesAndHeaders(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	name := e.User(auth.CommunityWorker, apptest.Community)
	c := e.NewClient()
	form := c.Get("/login")
	checkHeaders(t, "GET /login", form.Header)
	csrfSet := strings.Join(form.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(csrfSet, "__Host-shequ_csrf=") || !strings.Contains(csrfSet, "SameSite=Strict") {
		t.Errorf("CSRF cookie: %q", csrfSet)
	}
	res := login(c, name, apptest.Password)
	checkHeaders(t, "POST /login", res.Header)
	var sid string
	for _, v := range res.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, "__Host-shequ_sid=") {
			sid = v
		}
	}
	if sid == "" {
		t.Fatalf("no __Host-shequ_sid cookie: %q", res.Header.Values("Set-Cookie"))
	}
	for _, want := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sid, want) {
			t.Errorf("session cookie %q lacks %s", sid, want)
		}
	}
	if strings.Contains(sid, "Domain=") {
		t.Errorf("session cookie %q has a Domain", sid)
	}
	checkHeaders(t, "GET /account", c.Get("/account").Header)
}

func checkHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"frame-ancestors 'none'", "default-src 'self'", "img-src 'self' data:", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %s", what, csp, want)
		}
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", what)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, h.Get("Cache-Control"))
	}
}

// TestPasswordChangeEndsOtherSessions: a password change signs the
// account out everywhere else, and gives the browser that made it a new
// session id (the old cookie no longer works) without signing it out.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	other := e.Session(auth.CommunityWorker, apptest.Community) // e.g. a stolen session
	bystander := e.Session(auth.GridWorker, apptest.Community)
	old := sessionCookie(t, c)
	res := c.PostForm("/account/password", url.Values{"old_password": {apptest.Password}, "new_password": {"Changed-Passw0rd-7"},
		"new_password_again": {"Changed-Passw0rd-7"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("change: %d %s", res.StatusCode, res.Body)
	}
	nw := sessionCookie(t, c)
	if nw == "" || nw == old {
		t.Fatalf("the session was not rotated: %q then %q", old, nw)
	}
	if r := c.Get("/account"); r.StatusCode != http.StatusOK {
		t.Errorf("the changing browser after the change: %d, want still signed in", r.StatusCode)
	}
	wantLoginRedirect(t, "the old cookie of the changing browser", getWithCookie(t, e, "/account", old))
	if r := other.Get("/account"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("another session of the account survived the change: %d", r.StatusCode)
	}
	if r := bystander.Get("/account"); r.StatusCode != http.StatusOK {
		t.Errorf("another account's session ended: %d", r.StatusCode)
	}
	if n := auditCount(t, e, "auth.password.change", apptest.Name(auth.CommunityWorker, apptest.Community), audit.OK); n != 1 {
		t.Errorf("change audited %d times", n)
	}
}

// fromAddr makes c's requests come from addr, as a trusted proxy says.
type fromAddr struct {
	addr string
	rt   http.RoundTripper
}

func (f fromAddr) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-For", f.addr)
	return f.rt.RoundTrip(r)
}

func clientFrom(e *apptest.Env, addr string) *apptest.Client {
	c := e.NewClient()
	c.HTTP.Transport = fromAddr{addr, http.DefaultTransport}
	return c
}

var csrfValue = regexp.MustCompile(`value="[A-Za-z0-9_-]{20,}"`)

// TestLockoutFromOneAddressOnly: an attacker's five wrong passwords lock
// the administrator out of sign-in from the attacker's address only; the
// administrator signs in from the office; the refusals of an unknown
// account, a locked one and a wrong password are the same page.
func TestLockoutFromOneAddressOnly(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.App.Web.SetTrustProxy(true)
	admin := e.User(auth.Admin, apptest.City)
	attacker := clientFrom(e, "203.0.113.9")
	page := func(res *apptest.Response, name string) string {
		return csrfValue.ReplaceAllString(strings.ReplaceAll(res.Body, name, "NAME"), `value="X"`)
	}
	wrong := login(attacker, admin, "Wrong-Passw0rd-1")
	for i := 2; i <= 5; i++ {
		login(attacker, admin, "Wrong-Passw0rd-"+string(rune('0'+i)))
	}
	locked := login(attacker, admin, apptest.Password)
	unknown := login(attacker, "no-such-admin", apptest.Password)
	for what, res := range map[string]*apptest.Response{"wrong password": wrong, "locked": locked, "unknown account": unknown} {
		if res.StatusCode != http.StatusUnauthorized || !strings.Contains(res.Body, "账号或密码不正确") {
			t.Errorf("%s: %d, want 401 with the one refusal message", what, res.StatusCode)
		}
	}
	if page(locked, admin) != page(wrong, admin) || page(unknown, "no-such-admin") != page(wrong, admin) {
		t.Error("the refusal pages differ between a wrong password, a locked account and an unknown one")
	}
	if n := auditCount(t, e, "auth.lockout", admin, audit.Denied); n != 1 {
		t.Errorf("lockout audited %d times", n)
	}
	office := clientFrom(e, "198.51.100.7")
	if res := login(office, admin, apptest.Password); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the administrator from the office while the attacker's address is locked: %d", res.StatusCode)
	}
	// The administrators' page shows the lock; unlocking lets the address in again.
	root := e.Session(auth.Admin, apptest.County)
	other := e.User(auth.CommunityWorker, apptest.Community)
	attacker = clientFrom(e, "203.0.113.10") // a fresh per-address rate limit
	for i := 0; i < 5; i++ {
		login(attacker, other, "Wrong-Passw0rd-1")
	}
	if r := root.Get("/accounts/" + other); !strings.Contains(r.Body, "已锁定") || !strings.Contains(r.Body, `id="act-unlock"`) {
		t.Error("the account page does not show the lock and the unlock button")
	}
	if r := root.PostForm("/accounts/"+other+"/unlock", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("unlock: %d", r.StatusCode)
	}
	if r := login(attacker, other, apptest.Password); r.StatusCode != http.StatusSeeOther {
		t.Errorf("after the unlock, from the locked address: %d", r.StatusCode)
	}
	if n := auditCount(t, e, "user.unlock", other, audit.OK); n != 1 {
		t.Errorf("unlock audited %d times", n)
	}
}
