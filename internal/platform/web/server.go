// Package web is the HTTP side of the platform: the server and its
// middleware (security headers, logging, metrics, language, sign-in, CSRF),
// page rendering and error pages.
package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Cookie names. The __Host- prefix makes the browser insist on Secure, path
// "/" and no Domain; plain-HTTP deployments off loopback fall back to the
// bare names (see secureRequest).
const (
	sessionCookie = "shequ_sid"
	csrfCookie    = "shequ_csrf"
	LangCookie    = "shequ_lang"
	ElderlyCookie = "shequ_elderly"
)

// Server is the web server with its routes.
type Server struct {
	Mux      *Mux
	Render   *Renderer
	Sessions *auth.Sessions
	DB       *db.DB
	Demo     bool
	Version  string
	Static   fs.FS
	// Unread counts the caller's unread messages for the header's inbox
	// link (package notify sets it); nil: no link.
	Unread func(ctx context.Context) (int, error)
	// trusted: the proxies whose X-Forwarded-For and X-Forwarded-Proto
	// are believed (SetTrustedProxies).
	trusted TrustedProxies

	navMu sync.RWMutex
	nav   []NavItem

	routeMu   sync.RWMutex
	routeOpts map[string]routeOptions

	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
}

// New makes a server.
func New(d *db.DB, sessions *auth.Sessions, static fs.FS) *Server {
	s := &Server{Mux: NewMux(), Render: NewRenderer(), Sessions: sessions, DB: d, Static: static}
	s.Render.AddPages("web", pagesFS, "pages/*.html")
	s.reg = prometheus.NewRegistry()
	s.reg.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "shequ_http_request_duration_seconds",
		Help:    "Time to serve HTTP requests, by route pattern and status class.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "code"})
	s.reg.MustRegister(s.duration)
	s.Mux.HandleFunc("GET /healthz", s.healthz)
	// Anything no route matches gets the translated not-found page (or a
	// problem document under /api/), not the mux's bare text.
	s.Mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, errs.NotFound("error.not_found"))
	})
	if static != nil {
		fsrv := http.FileServerFS(static)
		s.Mux.Handle("GET /static/", http.StripPrefix("/static/", s.filesOnly(cacheForever(fsrv))))
	}
	return s
}

// Registry is the Prometheus registry, for slices' own metrics.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// MetricsHandler serves the Prometheus metrics. It is not on the main
// handler: `shequ serve --metrics-addr` serves it on a listener of its own.
func (s *Server) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// filesOnly answers not found for a directory of the static files, so
// their listing is not served.
func (s *Server) filesOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Path
		if name == "" || strings.HasSuffix(name, "/") {
			s.Error(w, r, errs.NotFound("error.not_found"))
			return
		}
		if st, err := fs.Stat(s.Static, name); err == nil && st.IsDir() {
			s.Error(w, r, errs.NotFound("error.not_found"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// AddNav adds navigation entries. An entry whose key has no message is a
// programming error (the menu would show the raw key), so it panics: any
// test that opens the app finds it.
func (s *Server) AddNav(items ...NavItem) {
	for _, it := range items {
		if _, ok := i18n.Lookup(it.Key); !ok {
			panic(fmt.Sprintf("web.AddNav: no message for the menu key %q (%s)", it.Key, it.Path))
		}
	}
	s.navMu.Lock()
	defer s.navMu.Unlock()
	s.nav = append(s.nav, items...)
	sort.SliceStable(s.nav, func(i, j int) bool { return s.nav[i].Order < s.nav[j].Order })
}

// NavFor returns the entries a principal may see.
func (s *Server) NavFor(p *auth.Principal) []NavItem {
	if p == nil {
		return nil
	}
	s.navMu.RLock()
	defer s.navMu.RUnlock()
	var out []NavItem
	for _, n := range s.nav {
		for _, r := range n.Roles {
			if r == p.Role {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// HandlerFunc is a page handler that may fail; Page renders the failure.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Page registers an HTML route. Pages need a signed-in user unless public.
// Options: MaxBody for a route that takes uploads.
func (s *Server) Page(pattern string, h HandlerFunc, opts ...RouteOption) {
	s.setRouteOptions(pattern, opts)
	s.Mux.Handle(pattern, s.wrap(h, false))
}

// Public registers an HTML route that anyone may open.
func (s *Server) Public(pattern string, h HandlerFunc) {
	s.Mux.Handle(pattern, s.wrap(h, true))
}

func (s *Server) wrap(h HandlerFunc, public bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := auth.From(r.Context())
		if !public {
			if st := pendingStep(r.Context()); st != "" && !allowedWhilePending(st, r.URL.Path) {
				http.Redirect(w, r, st, http.StatusSeeOther)
				return
			}
			if p == nil {
				next := r.URL.RequestURI()
				http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
				return
			}
		}
		if err := h(w, r); err != nil {
			s.Error(w, r, err)
		}
	})
}

// allowedWhilePending: a session with a step to take first (pass TOTP,
// change the password, enrol TOTP) reaches its own step, sign-out and the
// display preferences, and nothing else; not even another step (a session
// that has not passed TOTP must not enrol a new secret).
func allowedWhilePending(step, path string) bool {
	switch path {
	case step, "/logout", "/prefs/lang", "/prefs/elderly":
		return true
	}
	return false
}

type pendingKey struct{}

// pendingStep is the page a signed-in user must go to before anything else.
func pendingStep(ctx context.Context) string {
	s, _ := ctx.Value(pendingKey{}).(string)
	return s
}

// NewPage starts the common page data for a request.
func (s *Server) NewPage(r *http.Request, title string, data any) *Page {
	p := auth.From(r.Context())
	pg := &Page{
		Lang:       i18n.From(r.Context()),
		Title:      title,
		User:       p,
		CSRF:       CSRFToken(r.Context()),
		NavGroups:  groupNav(s.NavFor(p)),
		Path:       r.URL.Path,
		Query:      r.URL.Query(),
		Demo:       s.Demo,
		Data:       data,
		Version:    s.Version,
		Now:        time.Now(),
		Restricted: pendingStep(r.Context()) != "",
	}
	for _, g := range pg.NavGroups {
		pg.Nav = append(pg.Nav, g.Items...)
	}
	pg.Elderly = elderly(r)
	if p != nil && p.UserID != 0 {
		pg.Elderly = p.Elderly
	}
	pg.Flash, _ = r.Context().Value(flashKey{}).(string)
	if s.Unread != nil && p != nil && p.UserID != 0 && !pg.Restricted {
		pg.Inbox = true
		n, err := s.Unread(r.Context())
		if err != nil {
			slog.Error("web: unread count", "err", err)
		}
		pg.Unread = n
	}
	return pg
}

func elderly(r *http.Request) bool {
	c, err := r.Cookie(ElderlyCookie)
	return err == nil && c.Value == "1"
}

// Flash stores a one-shot message key shown on the next page.
func Flash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: "shequ_flash", Value: url.QueryEscape(msg), Path: "/", MaxAge: 10,
		HttpOnly: true, Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// Handler returns the whole middleware chain around the mux.
func (s *Server) Handler() http.Handler {
	var h http.Handler = recordPattern(s.Mux)
	h = s.csrf(h)
	h = s.limitBody(h)
	h = s.authenticate(h)
	h = s.language(h)
	h = s.headers(h)
	h = s.observe(h)
	return h
}

// secureRequest: TLS, a trusted proxy that saw TLS, or loopback (which
// browsers treat as a secure context, so Secure cookies work there).
func secureRequest(r *http.Request) bool {
	if r.TLS != nil || forwardedHTTPS(r) {
		return true
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CookieName gives a cookie its __Host- prefix on secure requests.
func CookieName(r *http.Request, name string) string {
	if secureRequest(r) {
		return "__Host-" + name
	}
	return name
}

// SetSessionCookie sends the session token.
func SetSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName(r, sessionCookie), Value: token, Path: "/", HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes it.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: CookieName(r, sessionCookie), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// SetPrefCookie remembers a preference for a browser.
func SetPrefCookie(w http.ResponseWriter, r *http.Request, name, value string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
		Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
}

// ClientAddr is the caller's address (see clientAddr for proxies).
func (s *Server) ClientAddr(r *http.Request) string {
	return clientAddr(r, s.trusted)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// routeKey holds the pattern the mux matched. The middleware hands the mux
// copies of the request (WithContext), so the outer layers cannot read
// r.Pattern; the innermost layer copies it into this holder.
type routeKey struct{}

func recordPattern(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(routeKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		route := new(string)
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, route))
		defer func() {
			if rec := recover(); rec != nil {
				slog.Error("panic", "path", r.URL.Path, "panic", rec)
				if sw.status == 0 {
					http.Error(sw, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
				}
			}
			d := time.Since(start)
			route := *route
			if route == "" {
				route = "unmatched" // static files, health and metrics, or refused before routing
			}
			code := sw.status
			if code == 0 {
				code = http.StatusOK
			}
			s.duration.WithLabelValues(route, statusClass(code)).Observe(d.Seconds())
			lvl := slog.LevelDebug
			if code >= 500 || d > time.Second {
				lvl = slog.LevelWarn
			}
			slog.Log(r.Context(), lvl, "http", "method", r.Method, "path", r.URL.Path, "status", code, "ms", d.Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

func statusClass(code int) string {
	return string(rune('0'+code/100)) + "xx"
}

func (s *Server) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.withProxies(r)
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if r.TLS != nil || forwardedHTTPS(r) {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) language(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := ""
		if c, err := r.Cookie(LangCookie); err == nil {
			lang = c.Value
		}
		if lang == "" {
			lang = r.Header.Get("Accept-Language")
		}
		ctx := i18n.With(r.Context(), i18n.Normalize(lang))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

type csrfKey struct{}

// CSRFToken is the token that forms of this request must carry.
func CSRFToken(ctx context.Context) string {
	t, _ := ctx.Value(csrfKey{}).(string)
	return t
}

type bearerKey struct{}

type flashKey struct{}

func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		// A flash message is shown once: the page that reads it clears it.
		if c, err := r.Cookie("shequ_flash"); err == nil && r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/static/") {
			if v, err := url.QueryUnescape(c.Value); err == nil {
				ctx = context.WithValue(ctx, flashKey{}, v)
			}
			http.SetCookie(w, &http.Cookie{Name: "shequ_flash", Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
				Secure: secureRequest(r), SameSite: http.SameSiteLaxMode})
		}
		client := s.ClientAddr(r)
		if strings.HasPrefix(r.URL.Path, "/static/") || r.URL.Path == "/healthz" {
			next.ServeHTTP(w, r)
			return
		}
		if authz := r.Header.Get("Authorization"); strings.HasPrefix(authz, "Bearer ") {
			acc, err := s.Sessions.ResolveToken(ctx, strings.TrimPrefix(authz, "Bearer "))
			if err != nil {
				s.Error(w, r, err)
				return
			}
			p := acc.Principal(client, "")
			if p.Lang != "" && r.Header.Get("Accept-Language") == "" {
				ctx = i18n.With(ctx, p.Lang)
			}
			ctx = context.WithValue(auth.With(ctx, p), bearerKey{}, true)
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if c, err := r.Cookie(CookieName(r, sessionCookie)); err == nil && c.Value != "" {
			ses, acc, err := s.Sessions.Resolve(ctx, c.Value)
			switch {
			case err == nil:
				p := acc.Principal(client, ses.IDHash)
				ctx = context.WithValue(ctx, csrfKey{}, ses.CSRFSecret)
				if p.Lang != "" {
					ctx = i18n.With(ctx, p.Lang)
				}
				// The one place a session becomes a principal, for every
				// surface (pages, API, Open311, downloads): a session with a
				// step to take first is nobody except on that step.
				step := pendingFor(acc, ses)
				if step != "" {
					ctx = context.WithValue(ctx, pendingKey{}, step)
				}
				if step == "" || allowedWhilePending(step, r.URL.Path) {
					ctx = auth.With(ctx, p)
				}
			case errs.Code(err) == errs.EUNAUTHORIZED:
				ClearSessionCookie(w, r)
			default:
				s.Error(w, r, err)
				return
			}
		}
		if CSRFToken(ctx) == "" {
			tok := ""
			if c, err := r.Cookie(CookieName(r, csrfCookie)); err == nil && len(c.Value) >= 32 {
				tok = c.Value
			} else {
				tok = auth.RandomToken(32)
				http.SetCookie(w, &http.Cookie{Name: CookieName(r, csrfCookie), Value: tok, Path: "/", HttpOnly: true,
					Secure: secureRequest(r), SameSite: http.SameSiteStrictMode})
			}
			ctx = context.WithValue(ctx, csrfKey{}, tok)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// pendingFor says which step a signed-in account must take first. Demo
// accounts may skip the password change and TOTP enrolment.
func pendingFor(acc *auth.Account, ses *auth.Session) string {
	switch {
	case acc.TOTPEnabled && !ses.MFAOK:
		return "/login/totp"
	case acc.Demo:
		return ""
	case acc.MustChangePassword:
		return "/account/password"
	case acc.Role.NeedsTOTP() && !acc.TOTPEnabled:
		return "/account/totp"
	}
	return ""
}

// PendingStep is exported for the API, which refuses restricted sessions.
func PendingStep(ctx context.Context) string { return pendingStep(ctx) }

func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		// Bearer tokens are not sent by browsers on their own, and an API
		// call with no credentials at all is refused further on.
		if b, _ := r.Context().Value(bearerKey{}).(bool); b || (IsAPI(r) && auth.From(r.Context()) == nil) {
			next.ServeHTTP(w, r)
			return
		}
		want := CSRFToken(r.Context())
		got := r.Header.Get("X-CSRF-Token")
		if got == "" {
			var err error
			if got, err = formCSRF(r); err != nil && isTooLarge(err) {
				s.Error(w, r, TooLarge())
				return
			}
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.Error(w, r, errs.E(errs.EFORBIDDEN, "error.csrf"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// IsAPI reports whether a request wants JSON.
func IsAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/open311/")
}

// TLS names a certificate and key to serve HTTPS with; empty serves HTTP.
type TLS struct{ CertFile, KeyFile string }

// Serve runs the server until ctx ends, then shuts down gracefully.
func Serve(ctx context.Context, addr string, h http.Handler, ready func(net.Addr)) error {
	return ServeTLS(ctx, addr, h, TLS{}, ready)
}

// ServeTLS is Serve with optional TLS.
func ServeTLS(ctx context.Context, addr string, h http.Handler, tls TLS, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 1 << 20}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() {
		if tls.CertFile != "" {
			errc <- srv.ServeTLS(ln, tls.CertFile, tls.KeyFile)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
