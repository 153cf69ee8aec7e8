// Package apptest starts the whole application for a test: a fresh
// database (SQLite, or PostgreSQL when SHEQU_TEST_POSTGRES is set) with a
// small real piece of the 衡水 division tree, a real HTTP server on
// 127.0.0.1, and helpers to act as any role in any area.
package apptest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/app"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/i18n"
)

// Fixture is the division file every test starts from: 衡水市, two
// counties, two townships in each, and one or two communities in each.
//
//go:embed fixture.csv
var Fixture string

// Codes of the fixture, named by their place in the tree.
const (
	City             = "131100000000" // 衡水市
	County           = "131102000000" // 桃城区
	SiblingCounty    = "131103000000" // 冀州区
	Township         = "131102001000" // 河西街道
	SiblingTownship  = "131102002000" // 河东街道
	Community        = "131102001045" // 游园社区 (urban)
	SiblingCommunity = "131102001046" // 萃景社区 (urban, same township)
	CousinCommunity  = "131102002018" // 桥东社区 (other township)
	RuralCommunity   = "131102002201" // 集贤街村 (rural)
	FarCommunity     = "131103100201" // 胡家庄村 (other county)
)

// A test binary that uses apptest starts the whole application hundreds
// of times, each building its routes, API schemas and templates: garbage
// at a high rate over a small live heap. It collects at five times the
// live heap instead of twice (GOGC=400): internal/app's tests take about
// a tenth less CPU (51 to 46 CPU-s on SQLite, 176 to 156 on PostgreSQL).
// A GOGC set in the environment wins.
func init() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	i18n.OnMissing(shownKeys.add)
}

// shownKeys holds the message keys that i18n.T was asked for and does not
// have, since an Env last ended: a page, an export or a message that
// would show a raw key ("field.topic_id") instead of words. Every Env
// fails its test when it ends with any (a test running alongside may
// have shown it: the key says where to look). T is also given data that
// is not a key (a community's name as a page title), so only what looks
// like a key of a registered namespace counts.
var shownKeys keySet

type keySet struct {
	mu   sync.Mutex
	keys map[string]bool
}

var keyLike = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]*)+$`)

// namespaces is the first part of every registered key ("field",
// "deliberation", …), read when the first missing key is seen.
var namespaces = sync.OnceValue(func() map[string]bool {
	ns := map[string]bool{}
	for _, k := range i18n.Keys() {
		first, _, _ := strings.Cut(k, ".")
		ns[first] = true
	}
	return ns
})

func (s *keySet) add(k string) {
	first, _, _ := strings.Cut(k, ".")
	if !keyLike.MatchString(k) || !namespaces()[first] {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]bool{}
	}
	s.keys[k] = true
}

// take answers the keys seen, sorted, and forgets them.
func (s *keySet) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.keys))
	for k := range s.keys {
		out = append(out, k)
	}
	s.keys = nil
	sort.Strings(out)
	return out
}

// Password is every test account's password.
const Password = "Test-Passw0rd-1"

// Env is a running application.
type Env struct {
	T      testing.TB
	App    *app.App
	Server *httptest.Server
	URL    string
	Ctx    context.Context // acts as the system

	cfg app.Config
	end func() error // closes the server and the application, once
	*state
}

// state is what the views of one Env (For) and its second nodes share.
type state struct {
	mu      sync.Mutex
	tokens  map[string]string
	pending map[string]*Client
}

// New starts an application on a fresh database with the fixture.
func New(t testing.TB) *Env {
	t.Helper()
	return NewWith(t, nil)
}

// NewWith is New with configuration set by configure (when not nil).
func NewWith(t testing.TB, configure func(*app.Config)) *Env {
	t.Helper()
	e := start(t, dbtest.Config(t), configure)
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(Fixture), nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// start opens the application on the database of cfg and serves it.
func start(t testing.TB, cfg db.Config, configure func(*app.Config)) *Env {
	t.Helper()
	ctx := context.Background()
	acfg := app.Config{DataDir: cfg.DataDir, DBURL: cfg.URL}
	if configure != nil {
		configure(&acfg)
	}
	a, err := app.Open(ctx, acfg)
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs last: after the server has answered
	// every request of the test.
	t.Cleanup(func() {
		if ks := shownKeys.take(); len(ks) > 0 {
			t.Errorf("apptest: a page or message of this test (or of one running alongside) showed message keys that are not registered, instead of words: %q", ks)
		}
	})
	srv, end := serve(t, a)
	return &Env{T: t, App: a, Server: srv, URL: srv.URL, Ctx: app.SystemContext(ctx), cfg: acfg, end: end,
		state: &state{tokens: map[string]string{}, pending: map[string]*Client{}}}
}

// serve serves a over HTTP until t ends or the returned end is called,
// then closes a.
func serve(t testing.TB, a *app.App) (*httptest.Server, func() error) {
	srv := httptest.NewServer(a.Handler())
	end := sync.OnceValue(func() error {
		srv.Close()
		return a.Close()
	})
	t.Cleanup(func() { _ = end() })
	return srv, end
}

// close stops e's server and closes its application before the test ends
// (its cleanup then does nothing), and lets go of both: an Env that a
// test's cleanup holds until its parallel subtests finish would otherwise
// keep a whole application in memory.
func (e *Env) close() error {
	err := e.end()
	e.App, e.Server = nil, nil
	return err
}

// For returns a view of e for test t (a subtest of e's test): the same
// application, with failures reported to t.
func (e *Env) For(t testing.TB) *Env {
	v := *e
	v.T = t
	return &v
}

// SecondNode starts another application on the same database, as a second
// `shequ serve` process would be: its own pools, its own HTTP server.
func (e *Env) SecondNode() *Env {
	e.T.Helper()
	a, err := app.Open(context.Background(), e.cfg)
	if err != nil {
		e.T.Fatal(err)
	}
	srv, end := serve(e.T, a)
	return &Env{T: e.T, App: a, Server: srv, URL: srv.URL, Ctx: e.Ctx, cfg: e.cfg, end: end,
		state: &state{tokens: e.tokens, pending: map[string]*Client{}}}
}

// Name is the account name of a role in an area.
func Name(role auth.Role, area string) string { return string(role) + "-" + area }

// As is a context acting as role in area, for calling a service directly:
// a principal with no stored account behind it (user 1, named role@area).
func (e *Env) As(role auth.Role, area string) context.Context {
	e.T.Helper()
	lvl, err := e.App.Divisions.Store.Level(e.Ctx, area)
	if err != nil {
		e.T.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: 1, Name: string(role) + "@" + area, Role: role, Area: auth.AreaOf(area, lvl)})
}

// User makes (once) an account of role in area, ready to use: no forced
// password change; roles that need TOTP get it enabled with a secret the
// test can read from TOTPSecret.
func (e *Env) User(role auth.Role, area string) string {
	e.T.Helper()
	name := Name(role, area)
	if _, err := e.App.Users.ByName(e.Ctx, name); err == nil {
		return name
	}
	id, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: name, Role: role, AreaCode: area, PasswordHash: PasswordHash()})
	if err != nil {
		e.T.Fatalf("create %s: %v", name, err)
	}
	if role.NeedsTOTP() {
		if err := e.App.Users.SetTOTP(e.Ctx, id, "", true); err != nil {
			e.T.Fatal(err)
		}
	}
	return name
}

// Token returns a bearer token for an account of role in area.
func (e *Env) Token(role auth.Role, area string) string {
	e.T.Helper()
	name := e.User(role, area)
	e.mu.Lock()
	defer e.mu.Unlock()
	if tok, ok := e.tokens[name]; ok {
		return tok
	}
	u, err := e.App.Users.ByName(e.Ctx, name)
	if err != nil {
		e.T.Fatal(err)
	}
	tok, _, err := e.App.Sessions.CreateToken(e.Ctx, u.ID, time.Hour)
	if err != nil {
		e.T.Fatal(err)
	}
	e.tokens[name] = tok
	return tok
}

// Client is a browser-like HTTP client with cookies.
type Client struct {
	E    *Env
	HTTP *http.Client
	Lang string
	// CSRFToken, when set, is sent as X-CSRF-Token by Send.
	CSRFToken string
}

// NewClient returns a client with no session.
func (e *Env) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{E: e, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Session returns a client signed in (through the login form) as role in
// area, its second factor already passed.
func (e *Env) Session(role auth.Role, area string) *Client {
	e.T.Helper()
	name := e.User(role, area)
	c := e.NewClient()
	res := c.PostForm("/login", url.Values{"name": {name}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d: %s", name, res.StatusCode, res.Body)
	}
	// Mark the session's second factor passed, as the TOTP page would.
	if _, err := e.App.DB.Writer().Exec(`UPDATE sessions SET mfa_ok = $1 WHERE user_id = (SELECT id FROM users WHERE name = $2)`, true, name); err != nil {
		e.T.Fatal(err)
	}
	return c
}

// Steps a pending session must take first (see PendingSession).
const (
	PendingTOTP     = "/login/totp"       // password passed, TOTP not
	PendingPassword = "/account/password" // must change its password
)

// PendingSession returns a client (one per role, area and step) signed in
// with an account of role in area that still has step to take:
// PendingTOTP (TOTP enabled, the password passed, the code not) or
// PendingPassword (a forced password change). The accounts are their own,
// not User's. Its CSRFToken is set.
func (e *Env) PendingSession(role auth.Role, area, step string) *Client {
	e.T.Helper()
	key := step + " " + Name(role, area)
	e.mu.Lock()
	c, ok := e.pending[key]
	e.mu.Unlock()
	if ok {
		v := *c
		v.E = e
		return &v
	}
	prefix := map[string]string{PendingTOTP: "p2f-", PendingPassword: "ppw-"}[step]
	if prefix == "" {
		e.T.Fatalf("unknown pending step %q", step)
	}
	name := prefix + Name(role, area)
	// On a copy of a database where it was made (RunIsolated), the account
	// is there, its step still to take: sign in again.
	if _, err := e.App.Users.ByName(e.Ctx, name); err != nil {
		id, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: name, Role: role, AreaCode: area, PasswordHash: PasswordHash(),
			MustChangePassword: step == PendingPassword})
		if err != nil {
			e.T.Fatalf("create %s: %v", name, err)
		}
		if step == PendingTOTP {
			if err := e.App.Users.SetTOTP(e.Ctx, id, "", true); err != nil {
				e.T.Fatal(err)
			}
		}
	}
	c = e.NewClient()
	res := c.PostForm("/login", url.Values{"name": {name}, "password": {Password}})
	if res.StatusCode != http.StatusSeeOther {
		e.T.Fatalf("login %s: status %d: %s", name, res.StatusCode, res.Body)
	}
	if loc := c.Get("/").Header.Get("Location"); loc != step {
		e.T.Fatalf("%s: sent to %q, want the pending step %s", name, loc, step)
	}
	m := csrfRE.FindStringSubmatch(c.Get("/login").Body)
	if m == nil {
		e.T.Fatalf("%s: no csrf token", name)
	}
	c.CSRFToken = m[1]
	e.mu.Lock()
	e.pending[key] = c
	e.mu.Unlock()
	return c
}

// Response is a finished request.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

// JSON decodes the body.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
}

func (c *Client) do(req *http.Request) *Response {
	c.E.T.Helper()
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		c.E.T.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{StatusCode: res.StatusCode, Header: res.Header, Body: string(b)}
}

// Get fetches a path.
func (c *Client) Get(path string) *Response {
	c.E.T.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.E.URL+path, nil)
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// CSRF reads the form token from a page, as a browser would.
func (c *Client) CSRF() string {
	c.E.T.Helper()
	p := "/login"
	res := c.Get("/")
	if res.StatusCode == http.StatusOK {
		p = "/"
	}
	m := csrfRE.FindStringSubmatch(c.Get(p).Body)
	if m == nil {
		c.E.T.Fatalf("no csrf token on %s", p)
	}
	return m[1]
}

// PostForm posts a form with the CSRF token added.
func (c *Client) PostForm(path string, v url.Values) *Response {
	c.E.T.Helper()
	if v == nil {
		v = url.Values{}
	}
	if v.Get("csrf") == "" {
		v.Set("csrf", c.CSRF())
	}
	req, _ := http.NewRequest(http.MethodPost, c.E.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// Send sends a request with the client's cookies: a JSON body when body
// is not nil, and its CSRFToken as a header.
func (c *Client) Send(method, path string, body any) *Response {
	c.E.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.E.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.E.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.CSRFToken != "" {
		req.Header.Set("X-CSRF-Token", c.CSRFToken)
	}
	return c.do(req)
}

// API sends a JSON request with a bearer token (empty for none).
func (e *Env) API(method, path, token string, body any) *Response {
	e.T.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &Client{E: e, HTTP: http.DefaultClient}
	return c.do(req)
}
