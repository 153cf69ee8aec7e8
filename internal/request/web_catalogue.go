package request

import (
	"embed"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

//go:embed templates/catalogue.html
var catalogueTemplates embed.FS

type catalogueData struct {
	Categories []Category
	Policies   []Policy
	Units      []Unit
	Urgencies  []string
	Kinds      []string
	CanEdit    bool
	CanUnits   bool
	Errors     []string
	Values     map[string]string
	Today      string
}

// registerCatalogue adds the dispatch catalogue page: staff read it; city
// staff add rules and calendar days; city and county staff add units.
func (h *Web) registerCatalogue(srv *web.Server) {
	srv.Render.AddPages("request", catalogueTemplates, "templates/catalogue.html")
	srv.AddNav(web.NavItem{Key: "request.catalogue", Path: "/requests/catalogue", Roles: []auth.Role{auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}, Order: 31, Group: web.NavRequests})
	srv.Page("GET /requests/catalogue", h.catalogue)
	srv.Page("POST /requests/catalogue/policies", h.addPolicy)
	srv.Page("POST /requests/catalogue/units", h.addUnit)
	srv.Page("POST /requests/catalogue/calendar", h.addDay)
}

func (h *Web) catalogue(w http.ResponseWriter, r *http.Request) error {
	return h.renderCatalogue(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderCatalogue(w http.ResponseWriter, r *http.Request, status int, problems []string, vals map[string]string) error {
	p, err := auth.Require(r.Context(), StaffRoles...)
	if err != nil {
		return err
	}
	d := &catalogueData{Urgencies: Urgencies, Kinds: UnitKinds, Errors: problems, Values: vals,
		CanEdit: p.Role == auth.CityStaff, CanUnits: p.Role == auth.CityStaff || p.Role == auth.CountyStaff,
		Today: time.Now().In(china).Format(time.DateOnly)}
	if d.Values == nil {
		d.Values = map[string]string{"division_code": p.Area.Code}
	}
	if d.Categories, err = h.S.Categories(r.Context()); err != nil {
		return err
	}
	if d.Policies, err = h.S.Policies(r.Context(), ""); err != nil {
		return err
	}
	if d.Units, err = h.S.Units(r.Context(), ""); err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "request/catalogue", h.Srv.NewPage(r, "request.catalogue", d))
	return nil
}

func (h *Web) catalogueResult(w http.ResponseWriter, r *http.Request, err error, vals map[string]string) error {
	if err == nil {
		return web.FlashRedirect(w, r, "request.done", "/requests/catalogue")
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT && c != errs.ENOTFOUND {
		return err
	}
	sum, _ := explain(r, err)
	return h.renderCatalogue(w, r, errs.Status(err), sum, vals)
}

func formValues(r *http.Request, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		out[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return out
}

func (h *Web) addPolicy(w http.ResponseWriter, r *http.Request) error {
	v := formValues(r, "category_code", "division_code", "effective_from", "unit_id")
	in := PolicyInput{CategoryCode: v["category_code"], DivisionCode: v["division_code"], Limits: map[string]string{}}
	for _, u := range Urgencies {
		v["limit_"+u] = strings.TrimSpace(r.PostFormValue("limit_" + u))
		if v["limit_"+u] != "" {
			in.Limits[u] = v["limit_"+u]
		}
	}
	in.UnitID, _ = strconv.ParseInt(v["unit_id"], 10, 64)
	if v["effective_from"] != "" {
		t, err := time.ParseInLocation(time.DateOnly, v["effective_from"], china)
		if err != nil {
			return h.catalogueResult(w, r, errs.Invalid(errs.Field("effective_from", "request.bad_day")), v)
		}
		in.EffectiveFrom = t
	}
	_, err := h.S.SetPolicy(r.Context(), in)
	return h.catalogueResult(w, r, err, v)
}

func (h *Web) addUnit(w http.ResponseWriter, r *http.Request) error {
	v := formValues(r, "name", "kind", "division_code")
	_, err := h.S.CreateUnit(r.Context(), Unit{Name: v["name"], Kind: v["kind"], DivisionCode: v["division_code"]})
	return h.catalogueResult(w, r, err, v)
}

func (h *Web) addDay(w http.ResponseWriter, r *http.Request) error {
	v := formValues(r, "day", "kind", "name")
	err := h.S.SetCalendarDay(r.Context(), v["day"], v["kind"], v["name"])
	return h.catalogueResult(w, r, err, v)
}

// LimitOf shows a policy's limits of an urgency as "2h/7d".
func (p Policy) LimitOf(u string) string {
	l, ok := p.Limits[u]
	if !ok {
		return ""
	}
	return l.Response.String() + "/" + l.Resolution.String()
}
