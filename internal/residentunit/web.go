package residentunit

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "residentunit", templates, web.NavItem{Key: "residentunit.nav", Path: "/resident-units", Roles: ReadRoles, Order: 32, Group: web.NavRegistries})}
	srv.Page("GET /resident-units", h.list)
	srv.Page("GET /resident-units/export.xlsx", h.export)
	srv.Page("GET /resident-units/new", h.newForm)
	srv.Page("POST /resident-units", h.create)
	srv.Page("GET /resident-units/{id}", h.view)
	srv.Page("POST /resident-units/{id}/agreements", h.addAgreement, web.MaxBody(s.Copies.MaxBytes+(1<<20)))
	srv.Page("GET /resident-units/{id}/agreements/{aid}/copy", web.FileOf("id", "error.not_found", "aid", "error.not_found", s.AgreementCopy))
	srv.Page("POST /resident-units/{id}/resources", h.addResource)
	srv.Page("POST /resident-units/{id}/resources/{rid}/withdraw", h.withdraw)
}

func filterOf(q url.Values) Filter {
	return Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Kind: q.Get("kind"), Page: web.PageParam(q), PerPage: 50}
}

type listData struct {
	web.Listing[Filter, ResidentUnit]
	CanEdit bool
	Kinds   []string
	Summary []string // a refused search's reasons
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	l, err := web.ListOf(r, filterOf, h.S.List)
	summary, status, err := web.ShowRefusal(r.Context(), err, nil, http.StatusOK)
	if err != nil {
		return err
	}
	d := &listData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), Kinds: Kinds, Summary: summary}
	h.Srv.Render.Render(w, status, "residentunit/list", h.Srv.NewPage(r, "residentunit.title", d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "residentunit.export_file", h.S.Now().In(calendar.China)), filterOf, h.S.Export)
}

type formData struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Kinds   []string
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	vals := map[string]string{"division_code": auth.From(r.Context()).Area.Code}
	h.Srv.Render.Render(w, http.StatusOK, "residentunit/form", h.Srv.NewPage(r, "residentunit.new", &formData{Values: vals, Kinds: Kinds}))
	return nil
}

func values(r *http.Request, names ...string) map[string]string {
	v := map[string]string{}
	for _, n := range names {
		v[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return v
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	v := values(r, "division_code", "name", "kind", "address", "contact")
	u, err := h.S.Create(r.Context(), ResidentUnitInput{DivisionCode: v["division_code"], Name: v["name"], Kind: v["kind"], Address: v["address"],
		Contact: v["contact"]})
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/resident-units/"+strconv.FormatInt(u.ID, 10))
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.Srv.Render.Render(w, errs.Status(err), "residentunit/form", h.Srv.NewPage(r, "residentunit.new",
		&formData{Values: v, Errors: by, Summary: sum, Kinds: Kinds}))
	return nil
}

type viewData struct {
	U             *UnitDetail
	CanEdit       bool
	Form          string // the form that failed: agreement or resource
	Values        map[string]string
	Errors        map[string]string
	Summary       []string
	ResourceKinds []string
	Serves        []string
	ServesLabel   string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, "", nil, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, form string, vals map[string]string, err error) error {
	ctx := r.Context()
	id, gerr := web.PathID(r, "id", "error.not_found")
	if gerr != nil {
		return gerr
	}
	u, gerr := h.S.Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	d := &viewData{U: u, CanEdit: auth.Has(r.Context(), EditRoles...), Form: form, Values: vals, Errors: map[string]string{}, ResourceKinds: ResourceKinds,
		Serves: h.S.Serves, ServesLabel: h.S.ServesLabel}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "residentunit/view", h.Srv.NewPage(r, u.Name, d))
	return nil
}

// formFailed shows the unit's page again with a form's errors, or passes
// on an error that is not about the input.
func (h *Web) formFailed(w http.ResponseWriter, r *http.Request, form string, vals map[string]string, err error) error {
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderView(w, r, errs.Status(err), form, vals, err)
}

func (h *Web) addAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	var copy *upload.File
	if _, fh, ferr := r.FormFile("copy"); ferr == nil && fh.Size > 0 {
		copy, err = h.S.Copies.FormFile(r, "copy")
	}
	v := values(r, "title", "content", "signed_on", "starts_on", "ends_on")
	if err == nil {
		_, err = h.S.AddAgreement(r.Context(), id, UnitAgreementInput{Title: v["title"], Content: v["content"], SignedOn: v["signed_on"],
			StartsOn: v["starts_on"], EndsOn: v["ends_on"]}, copy)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/resident-units/"+strconv.FormatInt(id, 10))
	}
	return h.formFailed(w, r, "agreement", v, err)
}

func (h *Web) addResource(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	v := values(r, "name", "kind", "serves", "hours", "capacity", "details", "contact")
	in := UnitResourceInput{Name: v["name"], Kind: v["kind"], Serves: v["serves"], Hours: v["hours"], Details: v["details"], Contact: v["contact"]}
	if v["capacity"] != "" {
		n, perr := strconv.ParseInt(v["capacity"], 10, 64)
		if perr != nil {
			return h.formFailed(w, r, "resource", v, errs.Invalid(errs.FieldError{Field: "capacity", Key: "error.not_integer"}))
		}
		in.Capacity = n
	}
	if _, err = h.S.AddResource(r.Context(), id, in); err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/resident-units/"+strconv.FormatInt(id, 10))
	}
	return h.formFailed(w, r, "resource", v, err)
}

func (h *Web) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	rid, err := web.PathID(r, "rid", "error.not_found")
	if err != nil {
		return err
	}
	if err := h.S.WithdrawResource(r.Context(), id, rid, r.PostFormValue("reason")); err != nil {
		return h.formFailed(w, r, "withdraw", nil, err)
	}
	return web.FlashRedirect(w, r, "residentunit.withdrawn_flash", "/resident-units/"+strconv.FormatInt(id, 10))
}
