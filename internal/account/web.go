// Package account is the user's side of accounts: signing in and out,
// changing one's password, enrolling and checking TOTP, preferences, and
// the management of accounts by admins and higher-level staff.
package account

import (
	"embed"
	"net/http"
	"net/url"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Handlers holds the account pages.
type Handlers struct {
	Srv      *web.Server
	Users    *auth.Users
	Sessions *auth.Sessions
	Audit    *audit.Log
	Service  *Service
	limiter  *ipLimiter
}

// Register adds the account pages.
func Register(srv *web.Server, users *auth.Users, sessions *auth.Sessions, a *audit.Log) *Handlers {
	h := &Handlers{Srv: srv, Users: users, Sessions: sessions, Audit: a, limiter: newIPLimiter(sessions.DB, 6*time.Second, 10),
		Service: &Service{DB: users.DB, Users: users, Audit: a}}
	srv.Render.AddPages("account", templates, "templates/*.html")
	srv.AddNav(web.NavItem{Key: "account.nav_manage", Path: "/accounts", Roles: ManagerRoles, Order: 90, Group: web.NavAdmin},
		web.NavItem{Key: "account.nav_me", Path: "/account", Roles: auth.Roles, Order: 99, Group: web.NavAdmin})
	srv.Public("GET /login", h.loginForm)
	srv.Public("POST /login", h.login)
	srv.Public("POST /logout", h.logout)
	srv.Public("POST /prefs/lang", h.prefLang)
	srv.Public("POST /prefs/elderly", h.prefElderly)
	srv.Page("GET /account/password", h.passwordForm)
	srv.Page("POST /account/password", h.changePassword)
	srv.Page("GET /account", h.me)
	srv.Page("GET /account/totp", h.totpForm)
	srv.Page("POST /account/totp", h.totpEnrol)
	srv.Page("GET /login/totp", h.loginTOTPForm)
	srv.Page("POST /login/totp", h.loginTOTP)
	srv.Page("GET /accounts", h.list)
	srv.Page("GET /accounts/new", h.newForm)
	srv.Page("GET /accounts/new/area", h.areaName)
	srv.Page("POST /accounts", h.create)
	srv.Page("GET /accounts/{name}", h.view)
	srv.Page("POST /accounts/{name}/{action}", h.act)
	return h
}

type loginData struct {
	Name   string
	Next   string
	Errors []string
}

// safeNext keeps redirects on this site.
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	return s
}

func (h *Handlers) loginForm(w http.ResponseWriter, r *http.Request) error {
	if auth.From(r.Context()) != nil && web.PendingStep(r.Context()) == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return nil
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/login", h.Srv.NewPage(r, "account.login", &loginData{Next: safeNext(r.URL.Query().Get("next"))}))
	return nil
}

func (h *Handlers) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang := i18n.From(ctx)
	name := strings.TrimSpace(r.PostFormValue("name"))
	pw := r.PostFormValue("password")
	data := &loginData{Name: name, Next: safeNext(r.PostFormValue("next"))}
	client := h.Srv.ClientAddr(r)
	actx := auth.With(ctx, &auth.Principal{Name: name, Role: "anonymous", Client: client})
	fail := func(status int, err error) error {
		data.Errors = []string{i18n.ErrorMessage(lang, err)}
		h.Srv.Render.Render(w, status, "account/login", h.Srv.NewPage(r, "account.login", data))
		return nil
	}
	allowed, err := h.limiter.Take(ctx, client)
	if err != nil {
		return err
	}
	if !allowed {
		_ = h.Audit.WriteAlone(actx, audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: name, Result: audit.Denied,
			Detail: map[string]string{"reason": "rate limit"}})
		return fail(http.StatusTooManyRequests, errs.E(errs.ETOOMANY, "error.too_many"))
	}
	if name == "" || pw == "" {
		return fail(http.StatusUnprocessableEntity, errs.E(errs.EUNAUTHORIZED, "auth.bad_credentials"))
	}
	// Every refusal is answered alike; the audit log keeps the cause.
	acc, err := h.Users.Authenticate(actx, name, pw)
	if err != nil {
		if acc != nil {
			actx = auth.With(ctx, acc.Principal(client, ""))
		}
		_ = h.Audit.WriteAlone(actx, audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: name, Result: audit.Denied,
			Detail: map[string]string{"reason": auth.SignInRefusal(err)}})
		h.auditLockout(actx, name, err)
		return fail(errs.Status(err), err)
	}
	if err := h.limiter.Give(ctx, client); err != nil {
		return err
	}
	// A new session id at every sign-in; the old session, if any, ends.
	if c, err := r.Cookie(web.CookieName(r, "shequ_sid")); err == nil && c.Value != "" {
		_ = h.Sessions.Delete(ctx, auth.HashToken(c.Value))
	}
	ses, err := h.Sessions.Create(ctx, acc.ID, !acc.TOTPEnabled, client, r.UserAgent())
	if err != nil {
		return err
	}
	p := acc.Principal(client, ses.IDHash)
	if err := h.Audit.Write(auth.With(ctx, p), audit.Entry{Action: "auth.login", ObjectType: "user", ObjectID: name}); err != nil {
		return err
	}
	web.SetSessionCookie(w, r, ses.Token)
	if acc.Lang != "" {
		web.SetPrefCookie(w, r, web.LangCookie, acc.Lang)
	}
	next := data.Next
	if acc.TOTPEnabled {
		next = "/login/totp?next=" + url.QueryEscape(next)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if p := auth.From(ctx); p != nil && p.Session != "" {
		if err := h.Sessions.Delete(ctx, p.Session); err != nil {
			return errs.Internal("account.Handlers.logout: Delete", err)
		}
		_ = h.Audit.Write(ctx, audit.Entry{Action: "auth.logout", ObjectType: "user", ObjectID: p.Name})
	}
	web.ClearSessionCookie(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (h *Handlers) prefLang(w http.ResponseWriter, r *http.Request) error {
	lang := r.PostFormValue("lang")
	if lang != i18n.ZH && lang != i18n.EN {
		return errs.Invalid(errs.Field("lang", "error.one_of", "zh-CN, en"))
	}
	web.SetPrefCookie(w, r, web.LangCookie, lang)
	if err := h.Users.SetPrefs(r.Context(), &lang, nil); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (h *Handlers) prefElderly(w http.ResponseWriter, r *http.Request) error {
	on := r.PostFormValue("elderly") == "1"
	v := "0"
	if on {
		v = "1"
	}
	web.SetPrefCookie(w, r, web.ElderlyCookie, v)
	if err := h.Users.SetPrefs(r.Context(), nil, &on); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

type passwordData struct {
	Forced  bool
	Errors  map[string]string
	Summary []string
}

func (h *Handlers) passwordForm(w http.ResponseWriter, r *http.Request) error {
	d := &passwordData{Forced: web.PendingStep(r.Context()) == "/account/password"}
	h.Srv.Render.Render(w, http.StatusOK, "account/password", h.Srv.NewPage(r, "account.password", d))
	return nil
}

func (h *Handlers) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := &passwordData{Forced: web.PendingStep(ctx) == "/account/password", Errors: map[string]string{}}
	old, nw, again := r.PostFormValue("old_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password_again")
	var err error
	var ses *auth.Session
	if nw != again {
		err = errs.Invalid(errs.Field("new_password_again", "account.password_mismatch"))
	} else {
		ses, err = h.Service.ChangePassword(ctx, old, nw)
	}
	if err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err
		}
		lang := i18n.From(ctx)
		e := errs.As(err)
		d.Summary = []string{i18n.ErrorMessage(lang, e)}
		for _, f := range e.Fields {
			d.Errors[f.Field] = i18n.T(lang, f.Key, append([]any(nil), f.Args...)...)
			d.Summary = append(d.Summary, i18n.FieldMessage(lang, f))
		}
		_ = h.Audit.WriteAlone(ctx, audit.Entry{Action: "auth.password.change", ObjectType: "user", ObjectID: auth.From(ctx).Name, Result: audit.Failed})
		h.Srv.Render.Render(w, http.StatusUnprocessableEntity, "account/password", h.Srv.NewPage(r, "account.password", d))
		return nil
	}
	if ses != nil {
		web.SetSessionCookie(w, r, ses.Token)
	}
	return web.FlashRedirect(w, r, "account.password_changed", "/")
}
