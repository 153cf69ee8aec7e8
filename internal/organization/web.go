package organization

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "organization", templates, web.NavItem{Key: "organization.nav", Path: "/organizations", Roles: ReadRoles, Order: 31, Group: web.NavRegistries})}
	srv.RegistryPages("/organizations", web.RegistryRoutes{List: h.list, Export: h.export, Template: h.template, Import: h.importFile, ImportMax: 2 * xlsx.DefaultMaxBytes,
		New: h.newForm, Create: h.create, View: h.view, Edit: h.editForm, Save: h.save})
	srv.Page("POST /organizations/{id}/deregister", h.deregister)
}

func filterOf(q url.Values) Filter {
	page := web.PageParam(q)
	return Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Type: q.Get("type"), Status: q.Get("status"), Page: page, PerPage: 50}
}

type listData struct {
	web.Listing[Filter, Organization]
	CanEdit bool
	Types   []string
	States  []string
	Summary []string
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, nil)
}

func (h *Web) renderList(w http.ResponseWriter, r *http.Request, status int, summary []string) error {
	ctx := r.Context()
	l, err := web.ListOf(r, filterOf, h.S.List)
	if summary, status, err = web.ShowRefusal(ctx, err, summary, status); err != nil {
		return err
	}
	_, perr := auth.Require(ctx, EditRoles...)
	d := &listData{Listing: l, CanEdit: perr == nil, Types: Types, States: Statuses, Summary: summary}
	h.Srv.Render.Render(w, status, "organization/list", h.Srv.NewPage(r, "organization.title", d))
	return nil
}

type viewData struct {
	O       *Organization
	CanEdit bool
	Today   string
	Errors  map[string]string
	Summary []string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, err error) error {
	ctx := r.Context()
	id, gerr := web.PathID(r, "id", "error.not_found")
	if gerr != nil {
		return gerr
	}
	o, gerr := h.S.Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	_, perr := auth.Require(ctx, EditRoles...)
	d := &viewData{O: o, CanEdit: perr == nil, Today: h.S.today(), Errors: map[string]string{}}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "organization/view", h.Srv.NewPage(r, o.Name, d))
	return nil
}

type formData struct {
	ID            int64
	Values        map[string]string
	Errors        map[string]string
	Summary       []string
	Types         []string
	Registrations []string
}

func (h *Web) form(r *http.Request, status int, w http.ResponseWriter, fd *formData) {
	fd.Types, fd.Registrations = Types, Registrations
	title := "organization.new"
	if fd.ID != 0 {
		title = "organization.edit"
	}
	h.Srv.Render.Render(w, status, "organization/form", h.Srv.NewPage(r, title, fd))
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	vals := map[string]string{"full_time_staff": "0"}
	if p := auth.From(ctx); p != nil {
		vals["division_code"] = p.Area.Code
	}
	h.form(r, http.StatusOK, w, &formData{Values: vals})
	return nil
}

func (h *Web) editForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	o, err := h.S.get(ctx, id, "organization.read")
	if err != nil {
		return err
	}
	vals := flat(o)
	vals["version"] = strconv.Itoa(o.Version)
	h.form(r, http.StatusOK, w, &formData{ID: id, Values: vals})
	return nil
}

// parseForm reads the organisation form into a patch; status is changed
// only by deregistering.
func parseForm(r *http.Request) (OrganizationPatch, map[string]string, errs.Fields) {
	vals := map[string]string{}
	var p OrganizationPatch
	var bad errs.Fields
	str := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		return &v
	}
	p.DivisionCode = str("division_code")
	p.Name = str("name")
	p.Registration = str("registration")
	p.RegistrationNumber = str("registration_number")
	p.Type = str("type")
	staff := strings.TrimSpace(r.PostFormValue("full_time_staff"))
	vals["full_time_staff"] = staff
	if staff == "" {
		staff = "0"
	}
	if n, err := strconv.ParseInt(staff, 10, 64); err != nil {
		bad.Add("full_time_staff", "error.not_integer")
	} else {
		p.FullTimeStaff = &n
	}
	b := r.PostFormValue("incubation_base") == "1"
	vals["incubation_base"] = strconv.FormatBool(b)
	p.IncubationBase = &b
	vals["version"] = r.PostFormValue("version")
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &v
	}
	return p, vals, bad
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	p, vals, bad := parseForm(r)
	err := bad.Err()
	var o *Organization
	if err == nil {
		o, err = h.S.Create(r.Context(), p)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/organizations/"+strconv.FormatInt(o.ID, 10))
	}
	return h.formError(w, r, 0, vals, err)
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, vals, bad := parseForm(r)
	err = bad.Err()
	if err == nil {
		_, err = h.S.Update(r.Context(), id, p)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/organizations/"+strconv.FormatInt(id, 10))
	}
	return h.formError(w, r, id, vals, err)
}

func (h *Web) formError(w http.ResponseWriter, r *http.Request, id int64, vals map[string]string, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.form(r, errs.Status(err), w, &formData{ID: id, Values: vals, Errors: by, Summary: sum})
	return nil
}

func (h *Web) deregister(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	var version *int
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		version = &v
	}
	if _, err = h.S.Deregister(r.Context(), id, strings.TrimSpace(r.PostFormValue("deregistered_on")), version); err == nil {
		return web.FlashRedirect(w, r, "organization.deregistered", "/organizations/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderView(w, r, errs.Status(err), err)
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "organization.export_file", h.S.Now().In(calendar.China)), filterOf, h.S.Export)
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "organization.export_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, out)
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/organizations", h.S.Import,
		func(lang string, n int) string { return i18n.T(lang, "organization.imported", n) },
		func(status int, summary []string) error { return h.renderList(w, r, status, summary) })
}
