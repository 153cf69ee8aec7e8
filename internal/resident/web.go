package resident

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages: sign-up, code sign-in and recovery (public),
// the resident's own state, and the workers' queue.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "resident", templates)}
	srv.AddNav(web.NavItem{Key: "resident.nav_queue", Path: "/residents", Roles: VerifyRoles, Order: 40, Group: web.NavRegistries},
		web.NavItem{Key: "resident.nav_me", Path: "/residents/me", Roles: []auth.Role{auth.Resident}, Order: 98, Group: web.NavAdmin})
	for _, m := range modes {
		srv.Public("GET "+m.Path, h.form(m))
		srv.Public("POST "+m.Path+"/send", h.send(m))
		srv.Public("POST "+m.Path, h.submit(m))
	}
	srv.Page("GET /residents/me", h.me)
	srv.Page("POST /residents/me/sms", h.setSMS)
	srv.Page("GET /residents", h.queue)
	srv.Page("POST /residents/{id}/verify", h.decide(true))
	srv.Page("POST /residents/{id}/refuse", h.decide(false))
}

// mode is one of the three code forms.
type mode struct {
	Purpose string
	Path    string
	Title   string
	Submit  string
	Intro   string
}

var modes = []mode{
	{PurposeSignUp, "/signup", "resident.signup", "resident.signup_submit", "resident.signup_intro"},
	{PurposeSignIn, "/login/code", "resident.login_code", "resident.login_code_submit", ""},
	{PurposeRecover, "/login/recover", "resident.recover", "resident.recover_submit", "resident.recover_intro"},
}

type formData struct {
	Mode        mode
	Phone       string
	DisplayName string
	IDNumber    string
	Picker      *division.Picker
	Sent        bool
	Errors      map[string]string
	Summary     []string
}

// render shows a mode's form with what was typed (never the code or a
// password).
func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, m mode, d *formData) error {
	d.Mode = m
	if m.Purpose == PurposeSignUp && d.Picker == nil {
		p, err := h.S.Divisions.FormPicker(r, "community", "picker.legend", "")
		if err != nil {
			return err
		}
		d.Picker = p
	}
	if d.Picker != nil && d.Errors["community"] != "" {
		d.Picker.Error = "division.pick_a_community"
	}
	h.Srv.Render.Render(w, status, "resident/form", h.Srv.NewPage(r, m.Title, d))
	return nil
}

func typed(r *http.Request) *formData {
	return &formData{Phone: strings.TrimSpace(r.PostFormValue("phone")), DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		IDNumber: strings.TrimSpace(r.PostFormValue("id_number"))}
}

func (h *Web) form(m mode) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.render(w, r, http.StatusOK, m, &formData{})
	}
}

// send sends a code and shows the form again, saying the same whatever
// the number.
func (h *Web) send(m mode) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		d := typed(r)
		err := h.S.SendCode(r.Context(), h.Srv.ClientAddr(r), d.Phone, m.Purpose)
		if c := errs.Code(err); c == errs.EINVALID || c == errs.ETOOMANY {
			d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
			return h.render(w, r, errs.Status(err), m, d)
		} else if err != nil {
			return err
		}
		d.Sent = true
		return h.render(w, r, http.StatusOK, m, d)
	}
}

func (h *Web) submit(m mode) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		d := typed(r)
		d.Sent = true
		if m.Purpose == PurposeSignUp && division.PickerStep(r, "community") {
			return h.render(w, r, http.StatusOK, m, d)
		}
		client := h.Srv.ClientAddr(r)
		var acc *auth.Account
		var err error
		action, flash := "auth.login_code", ""
		switch m.Purpose {
		case PurposeSignUp:
			acc, err = h.S.SignUp(ctx, client, SignUp{Phone: d.Phone, Code: r.PostFormValue("sms_code"), DisplayName: d.DisplayName,
				Community: r.PostFormValue("community"), IDNumber: d.IDNumber, Password: r.PostFormValue("password")})
			action, flash = "", "resident.signed_up_flash"
		case PurposeSignIn:
			acc, err = h.S.SignInWithCode(ctx, client, d.Phone, r.PostFormValue("sms_code"))
		case PurposeRecover:
			acc, err = h.S.Recover(ctx, client, d.Phone, r.PostFormValue("sms_code"), r.PostFormValue("password"))
			action, flash = "", "resident.recovered_flash"
		}
		if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT || c == errs.ETOOMANY {
			d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
			return h.render(w, r, errs.Status(err), m, d)
		} else if err != nil {
			return err
		}
		if err := h.startSession(w, r, acc, action); err != nil {
			return err
		}
		if flash != "" {
			web.Flash(w, r, flash)
		}
		http.Redirect(w, r, "/residents/me", http.StatusSeeOther)
		return nil
	}
}

// startSession signs acc in on this browser: a new session id (the old
// session, if any, ends), as the password sign-in does. action, when set,
// is audited as the sign-in.
func (h *Web) startSession(w http.ResponseWriter, r *http.Request, acc *auth.Account, action string) error {
	ctx := r.Context()
	if c, err := r.Cookie(web.CookieName(r, "shequ_sid")); err == nil && c.Value != "" {
		_ = h.S.Sessions.Delete(ctx, auth.HashToken(c.Value))
	}
	// Residents have no second factor: the code was one.
	ses, err := h.S.Sessions.Create(ctx, acc.ID, true, h.Srv.ClientAddr(r), r.UserAgent())
	if err != nil {
		return err
	}
	if action != "" {
		p := acc.Principal(h.Srv.ClientAddr(r), ses.IDHash)
		if err := h.S.Audit.Write(auth.With(ctx, p), audit.Entry{Action: action, ObjectType: "user", ObjectID: acc.Name}); err != nil {
			return err
		}
	}
	web.SetSessionCookie(w, r, ses.Token)
	if acc.Lang != "" {
		web.SetPrefCookie(w, r, web.LangCookie, acc.Lang)
	}
	return nil
}

func (h *Web) me(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	me, err := h.S.Me(ctx)
	var d meData
	switch {
	case errs.Code(err) == errs.ENOTFOUND:
		// An account staff opened has no sign-up to show: the page says
		// so, with the account's own facts, instead of an error.
		p := auth.From(ctx)
		d = meData{Resident: &Resident{Name: p.Name, DisplayName: p.Display(), CommunityCode: p.Area.Code}, StaffMade: true}
		if o, err := h.S.Divisions.PickOption(ctx, p.Area.Code); err == nil {
			d.CommunityPath = o.Path
		}
	case err != nil:
		return err
	default:
		d = meData{Resident: me, SMSOffered: me.SMS != nil, SMSOn: me.SMS != nil && *me.SMS}
	}
	h.Srv.Render.Render(w, http.StatusOK, "resident/me", h.Srv.NewPage(r, "resident.me", d))
	return nil
}

// meData is the resident's own page: their record and their SMS choice
// (a template reads a *bool as set or not, so the choice is plain bools);
// StaffMade, for an account staff opened, which has no sign-up record.
type meData struct {
	*Resident
	SMSOffered, SMSOn bool
	StaffMade         bool
}

// setSMS turns the resident's SMS copies of their messages on or off.
func (h *Web) setSMS(w http.ResponseWriter, r *http.Request) error {
	on := r.PostFormValue("sms") == "on"
	if _, err := h.S.SetSMS(r.Context(), on); err != nil {
		return err
	}
	if on {
		web.Flash(w, r, "resident.sms_on_flash")
	} else {
		web.Flash(w, r, "resident.sms_off_flash")
	}
	http.Redirect(w, r, "/residents/me", http.StatusSeeOther)
	return nil
}

type queueData struct {
	Status   string
	Statuses []string
	Items    []Resident
	Page     int
	More     bool
	Errors   map[string]string
	Summary  []string
	Failed   int64 // the row whose refusal failed
}

func (h *Web) queueData(r *http.Request) (*queueData, error) {
	q := r.URL.Query()
	d := &queueData{Status: q.Get("status"), Statuses: Statuses}
	if d.Status == "" {
		d.Status = Unverified
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	var err error
	d.Page, _ = db.Paging(d.Page, 50)
	d.Items, d.More, err = h.S.Queue(r.Context(), d.Status, d.Page, 50)
	return d, err
}

func (h *Web) queue(w http.ResponseWriter, r *http.Request) error {
	d, err := h.queueData(r)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "resident/queue", h.Srv.NewPage(r, "resident.queue", d))
	return nil
}

func (h *Web) decide(verify bool) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			return errs.NotFound("resident.not_found")
		}
		_, err = h.S.Decide(r.Context(), id, verify, r.PostFormValue("refusal_reason"))
		if errs.Code(err) == errs.EINVALID {
			d, qerr := h.queueData(r)
			if qerr != nil {
				return qerr
			}
			d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
			d.Failed = id
			h.Srv.Render.Render(w, http.StatusUnprocessableEntity, "resident/queue", h.Srv.NewPage(r, "resident.queue", d))
			return nil
		}
		if err != nil {
			return err
		}
		if verify {
			web.Flash(w, r, "resident.verified_flash")
		} else {
			web.Flash(w, r, "resident.refused_flash")
		}
		http.Redirect(w, r, "/residents", http.StatusSeeOther)
		return nil
	}
}

func auditEntry(action, name string) audit.Entry {
	return audit.Entry{Action: action, ObjectType: "user", ObjectID: name}
}
