package proxy

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "proxy", templates, web.NavItem{Key: "proxy.nav", Path: "/proxy", Roles: ReadRoles, Order: 33, Group: web.NavRequests})}
	srv.Page("GET /proxy", h.list)
	srv.Page("GET /proxy/export.xlsx", h.export)
	srv.Page("GET /proxy/figures", h.figures)
	srv.Page("GET /proxy/services", h.services)
	srv.Page("POST /proxy/services", h.addService)
	srv.Page("GET /proxy/offerings", h.offerings)
	srv.Page("POST /proxy/offerings", h.saveOfferings)
	srv.Page("POST /proxy/offerings/all", h.offerAll)
	srv.Page("GET /proxy/cases/new", h.newForm)
	srv.Page("POST /proxy/cases", h.create)
	srv.Page("GET /proxy/cases/{id}", h.view)
	srv.Page("POST /proxy/cases/{id}/act", h.act)
	srv.Page("POST /proxy/cases/{id}/rate", h.rate)
	srv.Page("POST /proxy/cases/{id}/reveal", h.reveal)
}

func filterOf(q url.Values) Filter {
	return Filter{Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Overdue: q.Get("overdue") == "1",
		Q: q.Get("q"), Page: web.PageParam(q), PerPage: 50}
}

func isStaff(r *http.Request) bool {
	p := auth.From(r.Context())
	return p != nil && p.Role.Staff()
}

type listData struct {
	F        Filter
	Items    []Case
	Page     int
	More     bool
	Staff    bool
	CanTake  bool
	Statuses []string
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	f := filterOf(r.URL.Query())
	items, more, err := h.S.List(r.Context(), f)
	if err != nil {
		return err
	}
	page, _ := db.Paging(f.Page, f.PerPage)
	d := &listData{F: f, Items: items, Page: page, More: more, Staff: isStaff(r), CanTake: auth.Has(r.Context(), append(HandleRoles, auth.Resident)...), Statuses: Statuses}
	title := "proxy.title"
	if !d.Staff {
		title = "proxy.mine"
	}
	h.Srv.Render.Render(w, http.StatusOK, "proxy/list", h.Srv.NewPage(r, title, d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := xlsx.ExportName(i18n.From(ctx), "proxy.export_file", h.S.Now())
	return xlsx.Download(w, name, func(out io.Writer) error { return h.S.Export(ctx, filterOf(r.URL.Query()), out) })
}

type figuresData struct {
	F        *CaseFigures
	Statuses []string
	Min      int
}

func (h *Web) figures(w http.ResponseWriter, r *http.Request) error {
	f, err := h.S.Figures(r.Context(), strings.TrimSpace(r.URL.Query().Get("division")))
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "proxy/figures", h.Srv.NewPage(r, "proxy.figures", &figuresData{F: f, Statuses: Statuses, Min: MinOffered}))
	return nil
}

type servicesData struct {
	Items   []ServiceEntry
	CanAdd  bool
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) services(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"days": "5"}
	if p := auth.From(r.Context()); p != nil {
		vals["division_code"] = p.Area.Code
	}
	return h.renderServices(w, r, http.StatusOK, vals, nil)
}

func (h *Web) renderServices(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, err error) error {
	items, lerr := h.S.Services(r.Context())
	if lerr != nil {
		return lerr
	}
	d := &servicesData{Items: items, CanAdd: auth.Has(r.Context(), CatalogueRoles...), Values: vals, Errors: map[string]string{}}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	}
	h.Srv.Render.Render(w, status, "proxy/services", h.Srv.NewPage(r, "proxy.catalogue", d))
	return nil
}

func (h *Web) addService(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{}
	for _, k := range []string{"division_code", "name", "department", "days", "materials"} {
		vals[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := ServiceEntryInput{DivisionCode: vals["division_code"], Name: vals["name"], Department: vals["department"], Materials: strings.Split(vals["materials"], "\n")}
	days, derr := strconv.Atoi(vals["days"])
	in.Days = days
	var err error
	if derr != nil {
		err = errs.Invalid(errs.Field("days", "error.not_integer"))
	} else {
		_, err = h.S.AddService(r.Context(), in)
	}
	if err == nil {
		web.Flash(w, r, "proxy.saved")
		http.Redirect(w, r, "/proxy/services", http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderServices(w, r, errs.Status(err), vals, err)
}

type offeringsData struct {
	Community string
	Items     []ServiceEntry
	CanEdit   bool
	Min       int
	Summary   []string
}

func (h *Web) offerings(w http.ResponseWriter, r *http.Request) error {
	return h.renderOfferings(w, r, http.StatusOK, strings.TrimSpace(r.URL.Query().Get("community")), nil)
}

func (h *Web) renderOfferings(w http.ResponseWriter, r *http.Request, status int, community string, err error) error {
	d := &offeringsData{Community: community, CanEdit: auth.Has(r.Context(), OfferRoles...), Min: MinOffered}
	if community == "" {
		if p := auth.From(r.Context()); p != nil && p.Area.Code != "" && division.Code(p.Area.Code).Level() == 5 {
			d.Community = p.Area.Code
		}
	}
	if d.Community != "" {
		items, lerr := h.S.Offerings(r.Context(), d.Community)
		if lerr != nil && errs.Code(lerr) != errs.EINVALID {
			return lerr
		}
		if lerr != nil && err == nil {
			err, status = lerr, errs.Status(lerr)
		}
		d.Items = items
	} else if _, aerr := auth.Require(r.Context(), auth.AreaStaff()...); aerr != nil {
		return aerr
	}
	if err != nil {
		d.Summary, _ = web.Explain(i18n.From(r.Context()), err)
	}
	h.Srv.Render.Render(w, status, "proxy/offerings", h.Srv.NewPage(r, "proxy.offerings", d))
	return nil
}

func (h *Web) saveOfferings(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.Invalid(errs.Field("service_ids", "error.required"))
	}
	community := strings.TrimSpace(r.PostFormValue("community"))
	var ids []int64
	for _, v := range r.PostForm["service_id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.Invalid(errs.Field("service_ids", "error.not_integer"))
		}
		ids = append(ids, id)
	}
	err := h.S.SetOfferings(r.Context(), community, ids)
	if err == nil {
		web.Flash(w, r, "proxy.saved")
		http.Redirect(w, r, "/proxy/offerings?community="+url.QueryEscape(community), http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderOfferings(w, r, errs.Status(err), community, err)
}

func (h *Web) offerAll(w http.ResponseWriter, r *http.Request) error {
	code := strings.TrimSpace(r.PostFormValue("division_code"))
	n, err := h.S.OfferAll(r.Context(), code)
	if err == nil {
		web.Flash(w, r, i18n.T(i18n.From(r.Context()), "proxy.offered_added", n))
		http.Redirect(w, r, "/proxy/offerings", http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderOfferings(w, r, errs.Status(err), "", err)
}

type formData struct {
	Items   []ServiceEntry
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Staff   bool
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, append(HandleRoles, auth.Resident)...); err != nil {
		return err
	}
	items, err := h.S.Choices(ctx)
	if err != nil {
		return err
	}
	d.Items, d.Staff = items, isStaff(r)
	title := "proxy.new"
	if !d.Staff {
		title = "proxy.apply"
	}
	h.Srv.Render.Render(w, status, "proxy/new", h.Srv.NewPage(r, title, d))
	return nil
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{"request_number": strings.TrimSpace(r.URL.Query().Get("request"))}
	if p := auth.From(r.Context()); p != nil && p.Role.Staff() && vals["request_number"] == "" {
		vals["community_code"] = p.Area.Code
	}
	return h.form(w, r, http.StatusOK, &formData{Values: vals, Errors: map[string]string{}})
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{}
	for _, k := range []string{"community_code", "service_id", "name", "phone", "id_number", "note", "request_number"} {
		vals[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	sid, _ := strconv.ParseInt(vals["service_id"], 10, 64)
	c, err := h.S.Create(r.Context(), CaseIntake{CommunityCode: vals["community_code"], ServiceID: sid, Name: vals["name"], Phone: vals["phone"],
		IDNumber: vals["id_number"], Note: vals["note"], RequestNumber: vals["request_number"]})
	if err == nil {
		web.Flash(w, r, "proxy.saved")
		http.Redirect(w, r, "/proxy/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	d := &formData{Values: vals}
	d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	return h.form(w, r, errs.Status(err), d)
}

type viewData struct {
	C         *Case
	Staff     bool
	CanHandle bool
	CanReveal bool
	CanRate   bool
	Revealed  *Revealed
	Ratings   []int
	Errors    map[string]string
	Summary   []string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, rev *Revealed, err error) error {
	ctx := r.Context()
	id, gerr := web.PathID(r, "id", "proxy.not_found")
	if gerr != nil {
		return gerr
	}
	c, gerr := h.S.Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	p := auth.From(ctx)
	d := &viewData{C: c, Staff: isStaff(r), CanHandle: auth.Has(r.Context(), HandleRoles...), CanReveal: auth.Has(r.Context(), RevealRoles...), Revealed: rev,
		CanRate: p.Role == auth.Resident && c.Finished() && c.Rating == 0, Ratings: []int{5, 4, 3, 2, 1}, Errors: map[string]string{}}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "proxy/view", h.Srv.NewPage(r, c.ServiceName, d))
	return nil
}

func (h *Web) act(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "proxy.not_found")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.Invalid(errs.Field("action", "error.required"))
	}
	t := Transition{Action: r.PostFormValue("action"), Checked: r.PostForm["checked"], Reason: r.PostFormValue("reason")}
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		t.Version = &v
	}
	return h.after(w, r, id, func() error { _, err := h.S.Act(r.Context(), id, t); return err })
}

func (h *Web) rate(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "proxy.not_found")
	if err != nil {
		return err
	}
	level, _ := strconv.Atoi(r.PostFormValue("rating"))
	return h.after(w, r, id, func() error { _, err := h.S.Rate(r.Context(), id, level); return err })
}

// after runs a change and shows the case again: redirected when it
// worked, with the problems when it was refused.
func (h *Web) after(w http.ResponseWriter, r *http.Request, id int64, fn func() error) error {
	err := fn()
	if err == nil {
		web.Flash(w, r, "proxy.saved")
		http.Redirect(w, r, "/proxy/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderView(w, r, errs.Status(err), nil, err)
}

func (h *Web) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "proxy.not_found")
	if err != nil {
		return err
	}
	rev, err := h.S.Reveal(r.Context(), id, r.PostFormValue("reason"))
	if err != nil && errs.Code(err) != errs.EINVALID {
		return err
	}
	status := http.StatusOK
	if err != nil {
		status = errs.Status(err)
	}
	return h.renderView(w, r, status, rev, err)
}
