// Package app wires the platform and the slices into one program: the
// database, the services, the routes and the background jobs. cmd/shequ
// calls it; tests start it the same way.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/account"
	"shequ/internal/division"
	"shequ/internal/indicator"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/jobs"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/web"
	webassets "shequ/web"
)

// Version is set at build time with -ldflags "-X shequ/internal/app.Version=…".
var Version = "dev"

// Config is how the program was started.
type Config struct {
	DataDir    string
	DBURL      string
	Demo       bool
	TrustProxy bool // SHEQU_TRUST_PROXY=1: a reverse proxy on loopback
	// TrustedProxies (SHEQU_TRUSTED_PROXIES): the reverse proxies'
	// addresses and CIDR prefixes, comma-separated, whose X-Forwarded-For
	// and X-Forwarded-Proto are believed.
	TrustedProxies string
}

// App is the running program.
type App struct {
	Cfg       Config
	DB        *db.DB
	Audit     *audit.Log
	Sessions  *auth.Sessions
	Users     *auth.Users
	Keys      *pii.Ring // seals personal data and TOTP secrets; see package pii
	Divisions *division.Service
	// Measures lists the measures the wired slices keep; the indicator
	// engine reads them by name and says which are still awaited.
	Measures   *measure.Registry
	Indicators *indicator.Service
	Web        *web.Server
	API        huma.API
	Jobs       *jobs.Runner
}

// Open opens and migrates the database and builds the services and routes.
func Open(ctx context.Context, cfg Config) (*App, error) {
	proxies, err := web.ParseTrustedProxies(cfg.TrustedProxies)
	if err != nil {
		return nil, fmt.Errorf("SHEQU_TRUSTED_PROXIES: %w", err)
	}
	if cfg.TrustProxy {
		proxies = append(proxies, web.LoopbackProxies...)
	}
	d, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DBURL})
	if err != nil {
		return nil, err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	keys, err := pii.Load(cfg.DataDir)
	if err == nil {
		err = keys.Bind(ctx, d)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	a := &App{Cfg: cfg, DB: d, Keys: keys}
	a.Audit = audit.New(d)
	a.Sessions = auth.NewSessions(d)
	a.Users = auth.NewUsers(d, a.Sessions)
	a.Users.Secrets = keys
	a.Divisions = division.NewService(d, a.Audit)
	a.Measures = measure.NewRegistry()
	a.Measures.Register(division.Measures...)
	eng, err := indicator.NewEngine(d, a.Measures)
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Indicators = &indicator.Service{DB: d, Engine: eng, Divisions: a.Divisions, Audit: a.Audit}
	a.Web = web.New(d, a.Sessions, webassets.Static)
	a.Web.Demo = cfg.Demo
	a.Web.Version = Version
	a.Web.SetTrustedProxies(proxies)
	a.API = a.Web.NewAPI(Version)
	a.Jobs = jobs.New(d)
	a.routes()
	return a, nil
}

// routes registers every slice's pages, API and jobs.
func (a *App) routes() {
	a.Web.Page("GET /{$}", a.home)
	account.Register(a.Web, a.Users, a.Sessions, a.Audit)
	a.Divisions.RegisterWeb(a.Web)
	a.Divisions.RegisterAPI(a.API)
	a.Jobs.Every("sessions.purge", 10*time.Minute, func(ctx context.Context) error {
		n, err := a.Sessions.Purge(ctx)
		if n > 0 {
			slog.Info("purged expired sessions", "count", n)
		}
		if err != nil {
			return err
		}
		_, err = account.PurgeSignInBuckets(ctx, a.DB, time.Now().Add(-time.Hour))
		return err
	})
	// The audit chain's head, hourly, to the log and to
	// SHEQU_AUDIT_ANCHOR_FILE when set: anchors kept where the database's
	// administrators cannot change them (`shequ audit verify --anchors`).
	a.Jobs.Every("audit.anchor", time.Hour, func(ctx context.Context) error {
		return a.Audit.Anchor(ctx, os.Getenv("SHEQU_AUDIT_ANCHOR_FILE"))
	})
	// This month's figures of every indicator down to townships, for the
	// trend charts; a node that was down catches up on its next run.
	a.Jobs.Every("indicator.snapshot", 6*time.Hour, func(ctx context.Context) error {
		_, err := a.Indicators.Snapshot(ctx)
		return err
	})
	for _, r := range extraRoutes {
		r(a)
	}
}

// extraRoutes lets each slice's wiring live in a file of its own in this
// package (wire_<slice>.go): it registers the slice's pages, API, jobs and
// measures (a.Measures.Register) without editing routes.
var extraRoutes []func(a *App)

func (a *App) home(w http.ResponseWriter, r *http.Request) error {
	a.Web.Render.Render(w, http.StatusOK, "web/home", a.Web.NewPage(r, "home.title", nil))
	return nil
}

// Handler is the whole HTTP handler.
func (a *App) Handler() http.Handler { return a.Web.Handler() }

// Serve runs the web server and the background jobs until ctx ends.
func (a *App) Serve(ctx context.Context, addr string, ready func(net.Addr)) error {
	return a.ServeTLS(ctx, addr, web.TLS{}, ready)
}

// ServeTLS is Serve over HTTPS when tls names a certificate and key.
func (a *App) ServeTLS(ctx context.Context, addr string, tls web.TLS, ready func(net.Addr)) error {
	jctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go a.Jobs.Run(jctx)
	return web.ServeTLS(ctx, addr, a.Handler(), tls, ready)
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }

// SystemContext is ctx acting as the system (the CLI and jobs).
func SystemContext(ctx context.Context) context.Context {
	return auth.With(ctx, auth.SystemPrincipal)
}

// Describe says where the data lives, for start-up logs.
func (a *App) Describe() string {
	if a.DB.Dialect == db.Postgres {
		return "PostgreSQL"
	}
	return fmt.Sprintf("SQLite %s", a.DB.Path)
}
