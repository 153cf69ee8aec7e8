package division

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "division", templates, web.NavItem{Key: "division.nav", Path: "/divisions", Roles: TreeRoles, Order: 10, Group: web.NavOverview})}
	srv.Page("GET /divisions", h.roots)
	srv.Page("GET /divisions/search", h.search)
	srv.Page("GET /divisions/{code}", h.view)
	srv.Page("GET /divisions/{code}/profile/edit", h.editForm)
	srv.Page("POST /divisions/{code}/profile", h.save)
	srv.Page("GET /divisions/{code}/history", h.history)
	h.registerRosterWeb(srv)
}

func (h *Web) roots(w http.ResponseWriter, r *http.Request) error {
	roots, err := h.S.Roots(r.Context())
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return errs.NotFound("division.none")
	}
	http.Redirect(w, r, "/divisions/"+roots[0].Code, http.StatusSeeOther)
	return nil
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	v, err := h.S.View(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	pg := h.Srv.NewPage(r, v.Division.Name, v)
	h.Srv.Render.Render(w, http.StatusOK, "division/view", pg)
	return nil
}

type searchData struct {
	Q     string
	Items []Division
	Page  int
	More  bool
}

func (h *Web) search(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query().Get("q")
	page := web.PageParam(r.URL.Query())
	page, per := db.Paging(page, 50)
	items, more, err := h.S.Search(r.Context(), q, page, per)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "division/search", h.Srv.NewPage(r, "division.search", &searchData{Q: q, Items: items, Page: page, More: more}))
	return nil
}

// formData is the profile form: the values as typed, so a bad one is shown
// back to the user with its message.
type formData struct {
	Division Division
	Values   map[string]string
	Parts    []string
	Version  int
	Errors   map[string]string
	Summary  []string
}

func (h *Web) editForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, ProfileEditRoles...); err != nil {
		return err
	}
	p, d, err := h.S.Profile(ctx, r.PathValue("code"))
	if err != nil {
		return err
	}
	fd := &formData{Division: *d, Values: map[string]string{}, Parts: PartsFor(d.Kind), Version: p.Version}
	for k, v := range flat(p) {
		fd.Values[k] = v
	}
	for _, o := range p.Organisations {
		fd.Values["org."+o.Part+".exists"] = "1"
		fd.Values["org."+o.Part+".name"] = o.Name
		fd.Values["org."+o.Part+".head"] = o.Head
	}
	h.Srv.Render.Render(w, http.StatusOK, "division/edit", h.Srv.NewPage(r, "division.edit", fd))
	return nil
}

// parseForm reads the profile form into a full patch, collecting bad fields.
func parseForm(r *http.Request, kind string) (ProfilePatch, map[string]string, errs.Fields) {
	vals := map[string]string{}
	var f errs.Fields
	var pt ProfilePatch
	intField := func(name string) *int64 {
		s := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(name), ",", ""))
		vals[name] = s
		if s == "" {
			v := int64(0)
			return &v
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			f.Add(name, "error.not_integer")
			return nil
		}
		return &v
	}
	floatField := func(name string) *float64 {
		s := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(name), ",", ""))
		vals[name] = s
		if s == "" {
			v := 0.0
			return &v
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			f.Add(name, "error.not_number")
			return nil
		}
		return &v
	}
	boolField := func(name string) *bool {
		v := r.PostFormValue(name) == "1"
		if v {
			vals[name] = "true"
		} else {
			vals[name] = "false"
		}
		return &v
	}
	pt.Population = intField("population")
	pt.UrbanPopulation = intField("urban_population")
	pt.Households = intField("households")
	pt.BuildingArea = floatField("building_area")
	pt.CommercialArea = floatField("commercial_area")
	pt.Relocation = boolField("relocation")
	pt.Broadband = boolField("broadband")
	pt.Has5G = boolField("has_5g")
	orgs := []Organisation{}
	for _, part := range PartsFor(kind) {
		name := strings.TrimSpace(r.PostFormValue("org." + part + ".name"))
		head := strings.TrimSpace(r.PostFormValue("org." + part + ".head"))
		exists := r.PostFormValue("org."+part+".exists") == "1"
		vals["org."+part+".name"], vals["org."+part+".head"] = name, head
		if exists {
			vals["org."+part+".exists"] = "1"
			orgs = append(orgs, Organisation{Part: part, Name: name, Head: head})
		}
	}
	pt.Organisations = &orgs
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		pt.Version = &v
	}
	return pt, vals, f
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PathValue("code")
	d, err := h.S.Get(ctx, code)
	if err != nil {
		return err
	}
	pt, vals, bad := parseForm(r, d.Kind)
	if err = bad.Err(); err == nil {
		_, err = h.S.UpdateProfile(ctx, code, pt)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/divisions/"+code)
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	fd := &formData{Division: *d, Values: vals, Parts: PartsFor(d.Kind)}
	if pt.Version != nil {
		fd.Version = *pt.Version
	}
	fd.Summary, fd.Errors = web.Explain(i18n.From(ctx), err)
	h.Srv.Render.Render(w, errs.Status(err), "division/edit", h.Srv.NewPage(r, "division.edit", fd))
	return nil
}

type historyData struct {
	Division Division
	Items    []Change
	Page     int
	More     bool
}

func (h *Web) history(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PathValue("code")
	page := web.PageParam(r.URL.Query())
	page, per := db.Paging(page, 50)
	items, more, err := h.S.History(ctx, code, page, per)
	if err != nil {
		return err
	}
	d, err := h.S.Get(ctx, code)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "division/history", h.Srv.NewPage(r, "division.history", &historyData{Division: *d, Items: items, Page: page, More: more}))
	return nil
}
