package facility

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the registry's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "facility", templates, web.NavItem{Key: "facility.nav", Path: "/facilities", Roles: ReadRoles, Order: 20, Group: web.NavRegistries})}
	srv.RegistryPages("/facilities", web.RegistryRoutes{List: h.list, Export: h.export, Template: h.template, Import: h.importFile, ImportMax: Sheet.MaxBytes + 1<<20,
		New: h.newForm, Create: h.create, View: h.view, Edit: h.editForm, Save: h.update})
	srv.Page("GET /facilities/import", h.importForm)
	srv.Page("POST /facilities/{id}/close", h.close)
}

func filterOf(q url.Values) Filter {
	return Filter{Q: strings.TrimSpace(q.Get("q")), Kind: q.Get("kind"), Status: q.Get("status"), Division: strings.TrimSpace(q.Get("division"))}
}

type listData struct {
	Filter   Filter
	Items    []Facility
	Page     int
	More     bool
	Kinds    []string
	Statuses []string
	CanEdit  bool
	Export   string // the export link: the list's filter
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	f := filterOf(r.URL.Query())
	page := web.PageParam(r.URL.Query())
	page, per := db.Paging(page, 50)
	items, more, err := h.S.List(r.Context(), f, page, per)
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "kind": f.Kind, "status": f.Status, "division": f.Division} {
		if v != "" {
			q.Set(k, v)
		}
	}
	d := &listData{Filter: f, Items: items, Page: page, More: more, Kinds: Kinds, Statuses: Statuses, CanEdit: auth.Has(r.Context(), EditRoles...),
		Export: "/facilities/export.xlsx?" + q.Encode()}
	h.Srv.Render.Render(w, http.StatusOK, "facility/list", h.Srv.NewPage(r, "facility.list", d))
	return nil
}

type viewData struct {
	F        *Facility
	Warnings []string
	CanEdit  bool
	Weekdays []string
	Errors   map[string]string
	Summary  []string
	Values   map[string]string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "facility.not_found", r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := h.S.Get(r.Context(), id)
	if err != nil {
		return err
	}
	h.renderView(w, r, f, http.StatusOK, nil, nil)
	return nil
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, f *Facility, status int, e error, vals map[string]string) {
	d := &viewData{F: f, CanEdit: auth.Has(r.Context(), EditRoles...), Weekdays: Weekdays, Errors: map[string]string{}, Values: vals}
	if p, err := h.S.Store.Place(r.Context(), f.DivisionCode); err == nil {
		d.Warnings = f.Warnings(p.Kind)
	}
	if d.Values == nil {
		d.Values = map[string]string{"closed_on": h.S.today()}
	}
	if e != nil {
		d.Summary, d.Errors = explain(r, e)
	}
	h.Srv.Render.Render(w, status, "facility/view", h.Srv.NewPage(r, f.Name, d))
}

// explain says an error in the user's language: a summary and a message
// per field.
func explain(r *http.Request, err error) ([]string, map[string]string) {
	return web.Explain(i18n.From(r.Context()), err)
}

type formData struct {
	ID       int64
	Version  int
	Values   map[string]string
	Errors   map[string]string
	Summary  []string
	Kinds    []string
	Statuses []string
	Weekdays []string
}

// values renders a facility for the form.
func values(f *Facility) map[string]string {
	m := flat(f)
	for _, k := range []string{"floor_area", "activity_area", "commercial_area", "terminals", "year_opened"} {
		if m[k] == "0" {
			m[k] = ""
		}
	}
	return m
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData) {
	d.Kinds, d.Statuses, d.Weekdays = Kinds, Statuses, Weekdays
	title := "facility.new"
	if d.ID != 0 {
		title = "facility.edit"
	}
	h.Srv.Render.Render(w, status, "facility/form", h.Srv.NewPage(r, title, d))
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	f := Facility{Status: InUse, DivisionCode: r.URL.Query().Get("division"), Kind: r.URL.Query().Get("kind")}
	if f.Kind == "" {
		f.Kind = "comprehensive"
	}
	h.form(w, r, http.StatusOK, &formData{Values: values(&f), Errors: map[string]string{}})
	return nil
}

func (h *Web) editForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	id, err := web.PathID(r, "id", "facility.not_found", r.PathValue("id"))
	if err != nil {
		return err
	}
	f, err := h.S.Get(r.Context(), id)
	if err != nil {
		return err
	}
	h.form(w, r, http.StatusOK, &formData{ID: f.ID, Version: f.Version, Values: values(f), Errors: map[string]string{}})
	return nil
}

// parseForm reads the facility form into a full input, collecting cells
// that do not parse.
func parseForm(r *http.Request) (FacilityInput, map[string]string, errs.Fields) {
	vals := map[string]string{}
	var bad errs.Fields
	var in FacilityInput
	str := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		return &v
	}
	num := func(name string) *float64 {
		v, reason := xlsx.Float(*str(name))
		if reason != "" {
			bad.Add(name, reason)
			return nil
		}
		return &v
	}
	integer := func(name string) *int {
		v, reason := xlsx.Int(*str(name))
		if reason != "" {
			bad.Add(name, reason)
			return nil
		}
		n := int(v)
		return &n
	}
	flag := func(name string) *bool {
		v := r.PostFormValue(name) == "1"
		vals[name] = strconv.FormatBool(v)
		return &v
	}
	in.DivisionCode, in.Kind, in.Name, in.Address, in.Status = str("division_code"), str("kind"), str("name"), str("address"), str("status")
	in.FloorArea, in.ActivityArea, in.CommercialArea = num("floor_area"), num("activity_area"), num("commercial_area")
	in.YearOpened, in.Terminals, in.Capacity = integer("year_opened"), integer("terminals"), integer("capacity")
	in.NewlyBuilt, in.Online24h, in.BarrierFree, in.AgeFriendly, in.FitnessCircle = flag("newly_built"), flag("online_24h"), flag("barrier_free"), flag("age_friendly"), flag("fitness_circle")
	var week Week
	for i, d := range Weekdays {
		week[i] = *str("hours_" + d)
	}
	in.Hours = &week
	if *in.Status == Closed {
		in.ClosedOn, in.CloseReason = str("closed_on"), str("close_reason")
	}
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		in.Version = &v
	}
	return in, vals, bad
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	in, vals, bad := parseForm(r)
	var sv *SavedFacility
	err := bad.Err()
	if err == nil {
		sv, err = h.S.Create(r.Context(), in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/facilities/"+strconv.FormatInt(sv.Facility.ID, 10))
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	sum, by := explain(r, err)
	h.form(w, r, errs.Status(err), &formData{Values: vals, Errors: by, Summary: sum})
	return nil
}

func (h *Web) update(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "facility.not_found", r.PathValue("id"))
	if err != nil {
		return err
	}
	in, vals, bad := parseForm(r)
	if err = bad.Err(); err == nil {
		_, err = h.S.Update(r.Context(), id, in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/facilities/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := explain(r, err)
	d := &formData{ID: id, Values: vals, Errors: by, Summary: sum}
	if in.Version != nil {
		d.Version = *in.Version
	}
	h.form(w, r, errs.Status(err), d)
	return nil
}

func (h *Web) close(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "facility.not_found", r.PathValue("id"))
	if err != nil {
		return err
	}
	var version *int
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		version = &v
	}
	on, reason := strings.TrimSpace(r.PostFormValue("closed_on")), strings.TrimSpace(r.PostFormValue("close_reason"))
	_, err = h.S.Close(r.Context(), id, on, reason, version)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/facilities/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	f, gerr := h.S.Get(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	h.renderView(w, r, f, errs.Status(err), err, map[string]string{"closed_on": on, "close_reason": reason})
	return nil
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	return xlsx.Download(w, i18n.T(i18n.From(r.Context()), "facility.list")+".xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(r.Context(), out)
	})
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return xlsx.Download(w, i18n.T(i18n.From(r.Context()), "facility.list")+"-"+h.S.today()+".xlsx", func(out io.Writer) error {
		_, err := h.S.Export(r.Context(), filterOf(r.URL.Query()), out)
		return err
	})
}

type importData struct {
	Summary  []string
	Result   *ImportResult
	Done     string
	Warnings []string
}

func (h *Web) importForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "facility/import", h.Srv.NewPage(r, "facility.import", &importData{}))
	return nil
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	var res *ImportResult
	file, _, err := r.FormFile("file")
	if err != nil {
		err = errs.Invalid(errs.Field("upload", "xlsx.empty"))
	} else {
		defer file.Close()
		res, err = h.S.Import(ctx, file)
	}
	lang := i18n.From(ctx)
	d := &importData{}
	status := http.StatusOK
	if err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err
		}
		status = errs.Status(err)
		d.Summary = []string{i18n.T(lang, "facility.import_failed")}
		for _, fe := range errs.As(err).Fields {
			d.Summary = append(d.Summary, i18n.FieldMessage(lang, fe))
		}
	} else {
		d.Result = res
		d.Done = i18n.T(lang, "facility.import_done", res.Rows, res.Created, res.Updated)
		d.Warnings = res.Warnings
	}
	h.Srv.Render.Render(w, status, "facility/import", h.Srv.NewPage(r, "facility.import", d))
	return nil
}
