package account

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// enrolFor is how long a secret shown on the enrolment page stays good.
const enrolFor = 15 * time.Minute

type totpData struct {
	Enabled bool
	Forced  bool
	QR      template.URL // a data: URL; the CSP allows img-src data:
	Secret  string       // grouped by four for reading aloud or typing
	Pending string       // the secret sealed for this account, carried by the form
	Errors  []string
	Invalid bool
}

// pendingSecret seals the key's URL with the account id and the time, so
// that the form can carry it without the server keeping state and nobody
// can enrol another account's secret or an old one.
func (h *Handlers) pendingSecret(uid int64, key *otp.Key) (string, error) {
	return h.Users.Secrets.Seal(fmt.Sprintf("%d|%d|%s", uid, h.Users.Now().Unix(), key.URL()))
}

var errPendingBad = errors.New("pending TOTP secret not good")

func (h *Handlers) openPending(uid int64, sealed string) (*otp.Key, error) {
	s, err := h.Users.Secrets.Open(sealed)
	if err != nil {
		return nil, errPendingBad
	}
	parts := strings.SplitN(s, "|", 3)
	if len(parts) != 3 || parts[0] != strconv.FormatInt(uid, 10) {
		return nil, errPendingBad
	}
	at, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || h.Users.Now().Sub(time.Unix(at, 0)) > enrolFor {
		return nil, errPendingBad
	}
	return otp.NewKeyFromURL(parts[2])
}

func (h *Handlers) totpPage(r *http.Request, key *otp.Key, pending string) (*totpData, error) {
	p := auth.From(r.Context())
	img, err := key.Image(220, 220)
	if err != nil {
		return nil, errs.Internal("account.Handlers.totpPage: Image", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, errs.Internal("account.Handlers.totpPage: Encode", err)
	}
	acc, err := h.Sessions.LoadAccount(r.Context(), p.UserID)
	if err != nil {
		return nil, err
	}
	var groups []string
	sec := key.Secret()
	for i := 0; i < len(sec); i += 4 {
		groups = append(groups, sec[i:min(i+4, len(sec))])
	}
	return &totpData{
		Enabled: acc.TOTPEnabled,
		Forced:  web.PendingStep(r.Context()) == "/account/totp",
		QR:      template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())),
		Secret:  strings.Join(groups, " "),
		Pending: pending,
	}, nil
}

func (h *Handlers) newTOTPPage(r *http.Request) (*totpData, error) {
	p := auth.From(r.Context())
	if p.UserID == 0 {
		return nil, errs.Forbidden()
	}
	key, err := auth.NewTOTPKey(i18n.T(i18n.From(r.Context()), "app.name"), p.Name)
	if err != nil {
		return nil, errs.Internal("account.Handlers.newTOTPPage: NewTOTPKey", err)
	}
	pending, err := h.pendingSecret(p.UserID, key)
	if err != nil {
		return nil, errs.Internal("account.Handlers.newTOTPPage: pendingSecret", err)
	}
	return h.totpPage(r, key, pending)
}

func (h *Handlers) totpForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.newTOTPPage(r)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/totp", h.Srv.NewPage(r, "account.totp", d))
	return nil
}

// totpEnrol checks the first code of a new secret and turns TOTP on.
func (h *Handlers) totpEnrol(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.From(ctx)
	lang := i18n.From(ctx)
	code := strings.TrimSpace(r.PostFormValue("code"))
	key, err := h.openPending(p.UserID, r.PostFormValue("pending"))
	if err != nil {
		// Expired or tampered: start again with a new secret.
		d, err := h.newTOTPPage(r)
		if err != nil {
			return err
		}
		d.Errors = []string{i18n.T(lang, "account.totp_expired")}
		h.Srv.Render.Render(w, http.StatusUnprocessableEntity, "account/totp", h.Srv.NewPage(r, "account.totp", d))
		return nil
	}
	err = h.Users.DB.WithTx(ctx, func(ctx context.Context) error {
		if code == "" {
			return errs.Invalid(errs.Field("totp_code", "error.required"))
		}
		if err := h.Users.EnableTOTP(ctx, key.Secret(), code); err != nil {
			return err
		}
		return h.Audit.Write(ctx, audit.Entry{Action: "auth.totp.enrol", ObjectType: "user", ObjectID: p.Name})
	})
	if err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err
		}
		_ = h.Audit.WriteAlone(ctx, audit.Entry{Action: "auth.totp.enrol", ObjectType: "user", ObjectID: p.Name, Result: audit.Failed})
		d, derr := h.totpPage(r, key, r.PostFormValue("pending"))
		if derr != nil {
			return derr
		}
		d.Invalid = true
		d.Errors = fieldSummary(lang, err)
		h.Srv.Render.Render(w, http.StatusUnprocessableEntity, "account/totp", h.Srv.NewPage(r, "account.totp", d))
		return nil
	}
	return web.FlashRedirect(w, r, "account.totp_enabled", "/account")
}

type loginTOTPData struct {
	Next   string
	Errors []string
}

func (h *Handlers) loginTOTPForm(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if web.PendingStep(r.Context()) != "/login/totp" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	h.Srv.Render.Render(w, http.StatusOK, "account/login_totp", h.Srv.NewPage(r, "account.login_totp", &loginTOTPData{Next: next}))
	return nil
}

// loginTOTP is the second sign-in step. A right code starts a new session
// (a new id for the higher privilege) marked as having passed; a wrong one
// counts toward the lockout, and the lockout ends the half-signed-in session.
func (h *Handlers) loginTOTP(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.From(ctx)
	lang := i18n.From(ctx)
	d := &loginTOTPData{Next: safeNext(r.PostFormValue("next"))}
	if web.PendingStep(ctx) != "/login/totp" {
		http.Redirect(w, r, d.Next, http.StatusSeeOther)
		return nil
	}
	code := strings.TrimSpace(r.PostFormValue("code"))
	err := h.Users.VerifyTOTP(ctx, p.UserID, code)
	if err != nil {
		if c := errs.Code(err); c != errs.EUNAUTHORIZED && c != errs.ELOCKED {
			return err
		}
		_ = h.Audit.WriteAlone(ctx, audit.Entry{Action: "auth.totp", ObjectType: "user", ObjectID: p.Name, Result: audit.Denied,
			Detail: map[string]string{"reason": errs.As(err).Key}})
		h.auditLockout(ctx, p.Name, err)
		if errs.Code(err) == errs.ELOCKED {
			if derr := h.Sessions.Delete(ctx, p.Session); derr != nil {
				return errs.Internal("account.Handlers.loginTOTP: Delete", derr)
			}
			web.ClearSessionCookie(w, r)
			ld := &loginData{Name: p.Name, Next: d.Next, Errors: []string{i18n.ErrorMessage(lang, err)}}
			h.Srv.Render.Render(w, errs.Status(err), "account/login", h.Srv.NewPage(r, "account.login", ld))
			return nil
		}
		d.Errors = []string{i18n.ErrorMessage(lang, err)}
		h.Srv.Render.Render(w, http.StatusUnauthorized, "account/login_totp", h.Srv.NewPage(r, "account.login_totp", d))
		return nil
	}
	ses, err := h.Sessions.Create(ctx, p.UserID, true, p.Client, r.UserAgent())
	if err != nil {
		return err
	}
	if err := h.Sessions.Delete(ctx, p.Session); err != nil {
		return errs.Internal("account.Handlers.loginTOTP: Delete", err)
	}
	np := *p
	np.Session = ses.IDHash
	if err := h.Audit.Write(auth.With(ctx, &np), audit.Entry{Action: "auth.totp", ObjectType: "user", ObjectID: p.Name}); err != nil {
		return err
	}
	web.SetSessionCookie(w, r, ses.Token)
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
	return nil
}

// auditLockout records the moment an account gets locked.
func (h *Handlers) auditLockout(ctx context.Context, name string, err error) {
	if errors.Is(err, auth.ErrLockedNow) {
		_ = h.Audit.WriteAlone(ctx, audit.Entry{Action: "auth.lockout", ObjectType: "user", ObjectID: name, Result: audit.Denied,
			Detail: map[string]any{"failures": auth.MaxFailedLogins, "minutes": int(auth.LockoutFor.Minutes())}})
	}
}

// fieldSummary says an EINVALID error and its fields, for the top of a form.
func fieldSummary(lang string, err error) []string {
	e := errs.As(err)
	out := []string{i18n.ErrorMessage(lang, e)}
	for _, f := range e.Fields {
		out = append(out, i18n.FieldMessage(lang, f))
	}
	return out
}
