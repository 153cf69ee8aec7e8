package partymember

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
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "partymember", templates, web.NavItem{Key: "partymember.nav", Path: "/party/members", Roles: ReadRoles, Order: 43, Group: web.NavVolunteers},
		web.NavItem{Key: "partymember.nav_me", Path: "/party/me", Roles: []auth.Role{auth.Resident}, Order: 43, Group: web.NavVolunteers})}
	srv.Page("GET /party/me", h.me)
	srv.Page("POST /party/me", h.registerSelf)
	srv.Page("GET /party/members", h.list)
	srv.Page("GET /party/members/export.xlsx", h.export)
	srv.Page("GET /party/members/new", h.newForm)
	srv.Page("POST /party/members", h.create)
	srv.Page("GET /party/members/{id}", h.view)
	srv.Page("POST /party/members/{id}/confirm", h.decide(true))
	srv.Page("POST /party/members/{id}/refuse", h.decide(false))
	srv.Page("GET /party/posts", h.posts)
	srv.Page("POST /party/posts", h.addPost)
	srv.Page("GET /party/figures", h.figures)
}

// ---- a resident's own page and form

type formData struct {
	Staff   bool
	Values  map[string]string
	Chosen  map[int64]bool
	Errors  map[string]string
	Summary []string
	Posts   []PartyPost
	Units   []UnitChoice
	Mine    *PartyMember
}

// form renders the registration form (or, for a resident with a
// registration, their page).
func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData, err error) error {
	ctx := r.Context()
	code := d.Values["division_code"]
	if !d.Staff {
		code = auth.From(ctx).Area.Code
	}
	if code != "" {
		posts, perr := h.S.Posts(ctx, code)
		if perr != nil && errs.Code(perr) != errs.EINVALID {
			return perr
		}
		d.Posts = posts
		if d.Units, perr = h.S.UnitsIn(ctx, code); perr != nil {
			return perr
		}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	title := "partymember.new"
	if !d.Staff {
		title = "partymember.me_title"
	}
	h.Srv.Render.Render(w, status, "partymember/form", h.Srv.NewPage(r, title, d))
	return nil
}

func (h *Web) me(w http.ResponseWriter, r *http.Request) error {
	m, err := h.S.Mine(r.Context())
	if err != nil && errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	return h.form(w, r, http.StatusOK, &formData{Values: map[string]string{}, Chosen: map[int64]bool{}, Mine: m}, nil)
}

func parseMember(r *http.Request) (PartyMemberInput, map[string]string, map[int64]bool, errs.Fields) {
	_ = r.ParseForm()
	v := map[string]string{}
	for _, n := range []string{"division_code", "name", "phone", "resident_unit_id", "work_unit", "user_id"} {
		v[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	in := PartyMemberInput{DivisionCode: v["division_code"], Name: v["name"], Phone: v["phone"], Unit: v["work_unit"]}
	var bad errs.Fields
	for _, f := range []struct {
		name string
		dst  *int64
	}{{"resident_unit_id", &in.UnitID}, {"user_id", &in.UserID}} {
		if v[f.name] == "" {
			continue
		}
		n, err := strconv.ParseInt(v[f.name], 10, 64)
		if err != nil {
			bad.Add(f.name, "error.not_integer")
		}
		*f.dst = n
	}
	chosen := map[int64]bool{}
	for _, p := range r.PostForm["post"] {
		if id, err := strconv.ParseInt(p, 10, 64); err == nil {
			in.PostIDs = append(in.PostIDs, id)
			chosen[id] = true
		}
	}
	return in, v, chosen, bad
}

func (h *Web) registerSelf(w http.ResponseWriter, r *http.Request) error {
	in, v, chosen, bad := parseMember(r)
	err := bad.Err()
	if err == nil {
		_, err = h.S.Register(r.Context(), in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "partymember.registered_flash", "/party/me")
	}
	if c := errs.Code(err); c != errs.EINVALID {
		return err
	}
	return h.form(w, r, errs.Status(err), &formData{Values: v, Chosen: chosen}, err)
}

// ---- staff pages

func filterOf(q url.Values) Filter {
	return Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Page: web.PageParam(q), PerPage: 50}
}

type listData struct {
	web.Listing[Filter, PartyMember]
	CanEdit  bool
	Statuses []string
	Summary  []string // a refused search's reasons
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	l, err := web.ListOf(r, filterOf, h.S.List)
	summary, status, err := web.ShowRefusal(r.Context(), err, nil, http.StatusOK)
	if err != nil {
		return err
	}
	d := &listData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), Statuses: Statuses, Summary: summary}
	h.Srv.Render.Render(w, status, "partymember/list", h.Srv.NewPage(r, "partymember.title", d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "partymember.export_file", h.S.Now().In(calendar.China)), filterOf, h.S.Export)
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	code := strings.TrimSpace(r.URL.Query().Get("division_code"))
	if code == "" {
		code = auth.From(r.Context()).Area.Code
	}
	return h.form(w, r, http.StatusOK, &formData{Staff: true, Values: map[string]string{"division_code": code}, Chosen: map[int64]bool{}}, nil)
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	in, v, chosen, bad := parseMember(r)
	err := bad.Err()
	var m *PartyMember
	if err == nil {
		m, err = h.S.Register(r.Context(), in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/party/members/"+strconv.FormatInt(m.ID, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.form(w, r, errs.Status(err), &formData{Staff: true, Values: v, Chosen: chosen}, err)
}

type viewData struct {
	M       *PartyMember
	CanEdit bool
	Errors  map[string]string
	Summary []string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, err error) error {
	id, perr := web.PathID(r, "id", "error.not_found")
	if perr != nil {
		return perr
	}
	m, gerr := h.S.Member(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	d := &viewData{M: m, CanEdit: auth.Has(r.Context(), EditRoles...), Errors: map[string]string{}}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	}
	h.Srv.Render.Render(w, status, "partymember/view", h.Srv.NewPage(r, m.Name, d))
	return nil
}

func (h *Web) decide(confirm bool) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := web.PathID(r, "id", "error.not_found")
		if err != nil {
			return err
		}
		if _, err = h.S.Decide(r.Context(), id, confirm, r.PostFormValue("reason")); err == nil {
			flash := "partymember.refused_flash"
			if confirm {
				flash = "partymember.confirmed_flash"
			}
			return web.FlashRedirect(w, r, flash, "/party/members/"+strconv.FormatInt(id, 10))
		}
		if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT && !(c == errs.EFORBIDDEN && auth.Has(r.Context(), EditRoles...)) {
			return err
		}
		return h.renderView(w, r, errs.Status(err), err)
	}
}

type postsData struct {
	Posts   []PartyPost
	CanEdit bool
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) renderPosts(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, err error) error {
	ctx := r.Context()
	if _, rerr := auth.Require(ctx, ReadRoles...); rerr != nil {
		return rerr
	}
	posts, perr := h.S.Posts(ctx, "")
	if perr != nil {
		return perr
	}
	if vals == nil {
		vals = map[string]string{"division_code": auth.From(ctx).Area.Code}
	}
	d := &postsData{Posts: posts, CanEdit: auth.Has(r.Context(), EditRoles...), Values: vals, Errors: map[string]string{}}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "partymember/posts", h.Srv.NewPage(r, "partymember.posts_title", d))
	return nil
}

func (h *Web) posts(w http.ResponseWriter, r *http.Request) error {
	return h.renderPosts(w, r, http.StatusOK, nil, nil)
}

func (h *Web) addPost(w http.ResponseWriter, r *http.Request) error {
	v := map[string]string{}
	for _, n := range []string{"division_code", "name", "details"} {
		v[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	_, err := h.S.AddPost(r.Context(), PartyPostInput{DivisionCode: v["division_code"], Name: v["name"], Details: v["details"]})
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/party/posts")
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderPosts(w, r, errs.Status(err), v, err)
}

func (h *Web) figures(w http.ResponseWriter, r *http.Request) error {
	fs, err := h.S.Figures(r.Context(), strings.TrimSpace(r.URL.Query().Get("division")))
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "partymember/figures", h.Srv.NewPage(r, "partymember.figures", fs))
	return nil
}
