package volunteer

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/boombuler/barcode"
	"github.com/boombuler/barcode/qr"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "volunteer", templates, web.NavItem{Key: "volunteer.nav_me", Path: "/volunteer", Roles: []auth.Role{auth.Resident}, Order: 40, Group: web.NavVolunteers}, web.NavItem{Key: "volunteer.nav_activities", Path: "/activities", Roles: append([]auth.Role{auth.Resident}, StaffRoles...), Order: 41, Group: web.NavVolunteers}, web.NavItem{Key: "volunteer.nav_list", Path: "/volunteers", Roles: StaffRoles, Order: 42, Group: web.NavVolunteers})}
	srv.Page("GET /volunteer", h.me)
	srv.Page("POST /volunteer", h.register)
	srv.Page("POST /volunteer/records/{id}/correction", h.askCorrection)
	srv.Page("GET /volunteer/corrections", h.corrections)
	srv.Page("POST /volunteer/corrections/{id}", h.decide)
	srv.Page("GET /volunteers", h.list)
	srv.Page("GET /volunteers/new", h.newVolunteer)
	srv.Page("POST /volunteers", h.registerFor)
	srv.Page("GET /volunteer-orgs", h.orgs)
	srv.Page("POST /volunteer-orgs", h.createOrg)
	srv.Page("GET /volunteer-orgs/{id}", h.org)
	srv.Page("POST /volunteer-orgs/{id}/members", h.addMember)
	srv.Page("GET /activities", h.activities)
	srv.Page("GET /activities/new", h.newActivity)
	srv.Page("POST /activities", h.publish)
	srv.Page("GET /activities/{id}", h.activity)
	srv.Page("POST /activities/{id}/signup", h.signup)
	srv.Page("POST /activities/{id}/cancel", h.cancel)
	srv.Page("GET /activities/{id}/checkin", h.activity)
	srv.Page("POST /activities/{id}/checkin", h.checkin)
	srv.Page("POST /activities/{id}/attendance", h.confirm)
	srv.Page("POST /activities/{id}/close", h.close)
	srv.Page("GET /activities/{id}/code", h.codePage)
	srv.Page("GET /activities/{id}/code.json", h.codeJSON)
}

// explain turns a validation or conflict error into a summary and
// messages by field; other errors are returned for the error page.
func explain(lang string, err error) ([]string, map[string]string, error) {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return nil, nil, err
	}
	sum, by := web.Explain(lang, err)
	return sum, by, nil
}

type meData struct {
	V       *Volunteer
	Signups []Activity
	Records []Record
	Stars   []int
	Next    int // hours to the next star; 0 at the top
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) me(w http.ResponseWriter, r *http.Request) error {
	return h.renderMe(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderMe(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	d := &meData{Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if ferr != nil {
		var err error
		if d.Summary, d.Errors, err = explain(i18n.From(ctx), ferr); err != nil {
			return err
		}
	}
	v, err := h.S.Me(ctx)
	if err != nil && errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	if v != nil {
		d.V = v
		if d.Records, err = h.S.Records(ctx, v.ID, time.Time{}, time.Time{}); err != nil {
			return err
		}
		if d.Signups, err = h.S.MySignups(ctx); err != nil {
			return err
		}
		if d.Stars, err = h.S.Stars(ctx); err != nil {
			return err
		}
		if v.Star < len(d.Stars) {
			d.Next = d.Stars[v.Star] - int(v.HoursCenti/100)
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/me", h.Srv.NewPage(r, "volunteer.me_title", d))
	return nil
}

func (h *Web) register(w http.ResponseWriter, r *http.Request) error {
	f := form(r)
	opt := func(k string) *string { v := f.Get(k); return &v }
	in := Registration{Name: opt("real_name"), IDNumber: opt("id_number"), Phone: opt("phone"), Skills: []string{f.Get("skills")},
		Availability: opt("availability"), ServiceAreas: opt("service_areas")}
	if _, err := h.S.Register(r.Context(), in); err != nil {
		vals := map[string]string{}
		for _, k := range []string{"real_name", "phone", "skills", "availability", "service_areas"} {
			vals[k] = f.Get(k)
		}
		return h.renderMe(w, r, http.StatusUnprocessableEntity, vals, err)
	}
	return web.FlashRedirect(w, r, "volunteer.registered", "/volunteer")
}

func (h *Web) askCorrection(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	hours, perr := strconv.ParseFloat(strings.TrimSpace(form(r).Get("service_hours")), 64)
	if perr != nil {
		return h.renderMe(w, r, http.StatusUnprocessableEntity, nil, errs.Invalid(errs.Field("service_hours", "error.not_number")))
	}
	if _, err := h.S.AskCorrection(r.Context(), id, hours, form(r).Get("correction_reason")); err != nil {
		return h.renderMe(w, r, http.StatusUnprocessableEntity, nil, err)
	}
	return web.FlashRedirect(w, r, "volunteer.correction_asked", "/volunteer")
}

type correctionsData struct {
	Items   []Correction
	Summary []string
}

func (h *Web) corrections(w http.ResponseWriter, r *http.Request) error {
	return h.renderCorrections(w, r, http.StatusOK, nil)
}

func (h *Web) renderCorrections(w http.ResponseWriter, r *http.Request, status int, ferr error) error {
	items, err := h.S.Corrections(r.Context())
	if err != nil {
		return err
	}
	d := &correctionsData{Items: items}
	if ferr != nil {
		if d.Summary, _, err = explain(i18n.From(r.Context()), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/corrections", h.Srv.NewPage(r, "volunteer.corrections_title", d))
	return nil
}

func (h *Web) decide(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	if _, err := h.S.Decide(r.Context(), id, form(r).Get("approve") == "1", form(r).Get("decision_reason")); err != nil {
		return h.renderCorrections(w, r, http.StatusUnprocessableEntity, err)
	}
	return web.FlashRedirect(w, r, "volunteer.decided", "/volunteer/corrections")
}

type listData struct {
	Summary []string // problems of a bad search
	F       Filter
	Items   []Volunteer
	Page    int
	More    bool
	Figures *Figures
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	page := web.PageParam(q)
	f := Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), IDNumber: strings.TrimSpace(q.Get("id_number")),
		Reason: strings.TrimSpace(q.Get("reason")), Active: q.Get("active") == "1", Page: page, PerPage: 50}
	items, more, err := h.S.List(ctx, f)
	summary, status, err := web.ShowRefusal(ctx, err, nil, http.StatusOK)
	if err != nil {
		return err
	}
	fig, err := h.S.Figures(ctx, "")
	if err != nil {
		return err
	}
	p, _ := db.Paging(f.Page, f.PerPage)
	h.Srv.Render.Render(w, status, "volunteer/list", h.Srv.NewPage(r, "volunteer.list_title", &listData{F: f, Items: items, Page: p, More: more, Figures: fig, Summary: summary}))
	return nil
}

type activitiesData struct {
	F          ActivityFilter
	Items      []Activity
	Page       int
	More       bool
	CanPublish bool
}

func (h *Web) activities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	page := web.PageParam(q)
	f := ActivityFilter{Division: strings.TrimSpace(q.Get("division")), Date: strings.TrimSpace(q.Get("date")), Page: page, PerPage: 30}
	items, more, err := h.S.Activities(ctx, f)
	if err != nil {
		if _, _, e := explain(i18n.From(ctx), err); e != nil {
			return e
		}
		f = ActivityFilter{}
		items, more, _ = h.S.Activities(ctx, f)
	}
	orgs, err := h.S.LedOrgs(ctx)
	if err != nil {
		return err
	}
	p, _ := db.Paging(f.Page, f.PerPage)
	h.Srv.Render.Render(w, http.StatusOK, "volunteer/activities", h.Srv.NewPage(r, "volunteer.activities_title",
		&activitiesData{F: f, Items: items, Page: p, More: more, CanPublish: len(orgs) > 0}))
	return nil
}

type publishData struct {
	Orgs    []Org
	Targets []string
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) newActivity(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	day := h.S.Now().In(calendar.China).AddDate(0, 0, 1).Format(DateLayout)
	vals := map[string]string{"starts_at": day + "T09:00", "ends_at": day + "T11:00", "slots": "10", "counts_hours": "1", "target": "elderly"}
	if p != nil && len(p.Area.Code) == 12 && strings.TrimRight(p.Area.Code[9:], "0") != "" {
		vals["community_code"] = p.Area.Code
	}
	return h.renderPublish(w, r, http.StatusOK, vals, nil)
}

func (h *Web) renderPublish(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	orgs, err := h.S.LedOrgs(ctx)
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return errs.Forbidden()
	}
	d := &publishData{Orgs: orgs, Targets: Targets, Values: vals, Errors: map[string]string{}}
	if ferr != nil {
		if d.Summary, d.Errors, err = explain(i18n.From(ctx), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/publish", h.Srv.NewPage(r, "volunteer.publish_title", d))
	return nil
}

// localTime reads a datetime-local field, in China time.
func localTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(s), calendar.China)
	if err != nil {
		return time.Time{}
	}
	return t
}

func (h *Web) publish(w http.ResponseWriter, r *http.Request) error {
	f := form(r)
	vals := map[string]string{}
	for _, k := range []string{"org_id", "community_code", "title", "content", "target", "place", "starts_at", "ends_at", "slots", "skills", "counts_hours"} {
		vals[k] = f.Get(k)
	}
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	slots, serr := strconv.Atoi(strings.TrimSpace(f.Get("slots")))
	counts := f.Get("counts_hours") == "1"
	in := ActivityInput{OrgID: org, CommunityCode: strings.TrimSpace(f.Get("community_code")), Title: f.Get("title"), Content: f.Get("content"),
		Target: f.Get("target"), Place: f.Get("place"), StartsAt: localTime(f.Get("starts_at")), EndsAt: localTime(f.Get("ends_at")),
		Slots: slots, Skills: []string{f.Get("skills")}, CountsHours: &counts}
	if serr != nil {
		return h.renderPublish(w, r, http.StatusUnprocessableEntity, vals, errs.Invalid(errs.Field("slots", "error.not_integer")))
	}
	a, err := h.S.Publish(r.Context(), in)
	if err != nil {
		return h.renderPublish(w, r, http.StatusUnprocessableEntity, vals, err)
	}
	return web.FlashRedirect(w, r, "volunteer.published", "/activities/"+idStr(a.ID))
}

type activityData struct {
	A          *Activity
	Registered bool
	Signups    []Signup
	Values     map[string]string
	Errors     map[string]string
	Summary    []string
}

func (h *Web) activity(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	vals := map[string]string{"direction": In}
	if q.Get("dir") == Out {
		vals["direction"] = Out
	}
	vals["checkin_code"] = q.Get("code")
	return h.renderActivity(w, r, http.StatusOK, vals, nil)
}

func (h *Web) renderActivity(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	a, err := h.S.Activity(ctx, id)
	if err != nil {
		return err
	}
	d := &activityData{A: a, Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{"direction": In}
	}
	me, err := h.S.myVolunteer(ctx)
	if err != nil {
		return err
	}
	d.Registered = me != 0
	if a.CanOrganise {
		if d.Signups, err = h.S.Signups(ctx, id); err != nil {
			return err
		}
	}
	if ferr != nil {
		if d.Summary, d.Errors, err = explain(i18n.From(ctx), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/activity", h.Srv.NewPage(r, a.Title, d))
	return nil
}

func (h *Web) act(w http.ResponseWriter, r *http.Request, flash string, fn func(ctx context.Context, id int64) error) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	if err := fn(r.Context(), id); err != nil {
		vals := map[string]string{}
		for k := range form(r) {
			vals[k] = form(r).Get(k)
		}
		return h.renderActivity(w, r, http.StatusUnprocessableEntity, vals, err)
	}
	return web.FlashRedirect(w, r, flash, "/activities/"+idStr(id))
}

func (h *Web) signup(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "volunteer.signed_up", func(ctx context.Context, id int64) error {
		_, err := h.S.SignUp(ctx, id)
		return err
	})
}

func (h *Web) cancel(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "volunteer.cancelled", h.S.Cancel)
}

func (h *Web) checkin(w http.ResponseWriter, r *http.Request) error {
	dir := form(r).Get("direction")
	flash := "volunteer.checked_in"
	if dir == Out {
		flash = "volunteer.checked_out"
	}
	return h.act(w, r, flash, func(ctx context.Context, id int64) error {
		_, err := h.S.CheckIn(ctx, id, dir, form(r).Get("checkin_code"))
		return err
	})
}

func (h *Web) confirm(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "volunteer.confirmed", func(ctx context.Context, id int64) error {
		vid, _ := strconv.ParseInt(form(r).Get("volunteer_id"), 10, 64)
		return h.S.Confirm(ctx, id, Attendance{VolunteerID: vid, CheckinAt: localTime(form(r).Get("checkin_at")),
			CheckoutAt: localTime(form(r).Get("checkout_at")), Reason: form(r).Get("manual_reason")})
	})
}

func (h *Web) close(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "volunteer.closed", func(ctx context.Context, id int64) error {
		_, err := h.S.Close(ctx, id)
		return err
	})
}

// codeView is what the lead's screen shows: the code as text and as a QR
// code of the check-in page's address, so a phone's camera opens it.
type codeView struct {
	A         *Activity
	Direction string
	Code      string
	QR        template.URL
	ExpiresAt time.Time
}

func (h *Web) code(r *http.Request) (*codeView, error) {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return nil, err
	}
	dir := r.URL.Query().Get("dir")
	if dir != Out {
		dir = In
	}
	c, err := h.S.CurrentCode(r.Context(), id, dir)
	if err != nil {
		return nil, err
	}
	a, err := h.S.Activity(r.Context(), id)
	if err != nil {
		return nil, err
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	link := scheme + "://" + r.Host + "/activities/" + idStr(id) + "/checkin?" + url.Values{"dir": {dir}, "code": {c.Code}}.Encode()
	q, err := qr.Encode(link, qr.M, qr.Auto)
	if err != nil {
		return nil, errs.Internal("volunteer.Web.code: Encode", err)
	}
	img, err := barcode.Scale(q, 320, 320)
	if err != nil {
		return nil, errs.Internal("volunteer.Web.code: Scale", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, errs.Internal("volunteer.Web.code: Encode", err)
	}
	return &codeView{A: a, Direction: dir, Code: c.Code, ExpiresAt: c.ExpiresAt,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))}, nil
}

func (h *Web) codePage(w http.ResponseWriter, r *http.Request) error {
	c, err := h.code(r)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "volunteer/code", h.Srv.NewPage(r, "volunteer.code_title", c))
	return nil
}

// codeJSON is polled by checkin.js on the lead's screen.
func (h *Web) codeJSON(w http.ResponseWriter, r *http.Request) error {
	c, err := h.code(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(map[string]any{"code": c.Code, "qr": string(c.QR), "expires_at": c.ExpiresAt})
}

// form is the posted form (already parsed by the CSRF check).
func form(r *http.Request) url.Values {
	_ = r.ParseForm()
	return r.PostForm
}

type registerForData struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) newVolunteer(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), StaffRoles...); err != nil {
		return err
	}
	vals := map[string]string{}
	if p := auth.From(r.Context()); p != nil && len(p.Area.Code) == 12 && strings.TrimRight(p.Area.Code[9:], "0") != "" {
		vals["community_code"] = p.Area.Code
	}
	return h.renderRegisterFor(w, r, http.StatusOK, vals, nil)
}

func (h *Web) renderRegisterFor(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	d := &registerForData{Values: vals, Errors: map[string]string{}}
	if ferr != nil {
		var err error
		if d.Summary, d.Errors, err = explain(i18n.From(r.Context()), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/register_for", h.Srv.NewPage(r, "volunteer.register_for", d))
	return nil
}

// registerFor registers a volunteer on a resident's behalf (staff).
func (h *Web) registerFor(w http.ResponseWriter, r *http.Request) error {
	f := form(r)
	opt := func(k string) *string { v := f.Get(k); return &v }
	in := Registration{CommunityCode: opt("community_code"), Name: opt("real_name"), IDNumber: opt("id_number"), Phone: opt("phone"),
		Skills: []string{f.Get("skills")}, Availability: opt("availability"), ServiceAreas: opt("service_areas")}
	if _, err := h.S.Register(r.Context(), in); err != nil {
		vals := map[string]string{}
		for _, k := range []string{"community_code", "real_name", "phone", "skills", "availability", "service_areas"} {
			vals[k] = f.Get(k)
		}
		return h.renderRegisterFor(w, r, http.StatusUnprocessableEntity, vals, err)
	}
	return web.FlashRedirect(w, r, "volunteer.registered_for", "/volunteers")
}

type orgsData struct {
	Items []Org
	// Above marks the organisations above the caller's area (a
	// township's station on a community worker's list): staff organise
	// activities for them, but their pages, with members from elsewhere,
	// are their own area's to open.
	Above   map[int64]bool
	CanEdit bool
	Kinds   []string
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) orgs(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"kind": "volunteer_team"}
	if p := auth.From(r.Context()); p != nil {
		vals["division_code"] = p.Area.Code
	}
	return h.renderOrgs(w, r, http.StatusOK, vals, nil)
}

func (h *Web) renderOrgs(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return err
	}
	items, err := h.S.LedOrgs(ctx)
	if err != nil {
		return err
	}
	_, perr := auth.Require(ctx, OrgRoles...)
	d := &orgsData{Items: items, Above: map[int64]bool{}, CanEdit: perr == nil, Kinds: OrgKinds, Values: vals, Errors: map[string]string{}}
	for _, o := range items {
		if !inScope(ctx, o.DivisionCode) {
			d.Above[o.ID] = true
		}
	}
	if ferr != nil {
		if d.Summary, d.Errors, err = explain(i18n.From(ctx), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/orgs", h.Srv.NewPage(r, "volunteer.orgs_title", d))
	return nil
}

func (h *Web) createOrg(w http.ResponseWriter, r *http.Request) error {
	f := form(r)
	in := OrgInput{DivisionCode: f.Get("division_code"), Name: f.Get("name"), Kind: f.Get("kind")}
	o, err := h.S.CreateOrg(r.Context(), in)
	if err != nil {
		return h.renderOrgs(w, r, http.StatusUnprocessableEntity, map[string]string{"division_code": in.DivisionCode, "name": in.Name, "kind": in.Kind}, err)
	}
	return web.FlashRedirect(w, r, "volunteer.org_created", "/volunteer-orgs/"+idStr(o.ID))
}

type orgData struct {
	O       *Org
	Members []Member
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) org(w http.ResponseWriter, r *http.Request) error {
	return h.renderOrg(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderOrg(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	members, err := h.S.Members(ctx, id)
	if err != nil {
		return err
	}
	o, err := h.S.Org(ctx, id)
	if err != nil {
		return err
	}
	d := &orgData{O: o, Members: members, Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if ferr != nil {
		if d.Summary, d.Errors, err = explain(i18n.From(ctx), ferr); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "volunteer/org", h.Srv.NewPage(r, o.Name, d))
	return nil
}

// addMember adds a volunteer, found by their ID number, to an organisation.
func (h *Web) addMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	f := form(r)
	num := strings.TrimSpace(f.Get("id_number"))
	lead := f.Get("lead") == "1"
	fail := func(err error) error {
		return h.renderOrg(w, r, http.StatusUnprocessableEntity, map[string]string{"lead": f.Get("lead")}, err)
	}
	if num == "" {
		return fail(errs.Invalid(errs.Field("id_number", "error.required")))
	}
	// Finding the volunteer is a search by a sealed field: the whole
	// number, counted and audited, with the action as its reason.
	found, _, err := h.S.List(ctx, Filter{IDNumber: num, Reason: fmt.Sprintf("add a member to volunteer organisation %d", id), PerPage: 2})
	if c := errs.Code(err); c == errs.EINVALID {
		return fail(err)
	} else if err != nil {
		return err
	}
	if len(found) != 1 {
		return fail(errs.Invalid(errs.Field("id_number", "volunteer.no_such_volunteer")))
	}
	if err := h.S.SetMember(ctx, id, found[0].ID, lead); err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "volunteer.member_added", "/volunteer-orgs/"+idStr(id))
}
