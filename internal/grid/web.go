package grid

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

// RegisterWeb adds the pages and the navigation entries (the figures are
// a tab of the grids' and the patrols' pages).
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "grid", templates,
		web.NavItem{Key: "grid.nav_patrol", Path: "/grid/patrols", Roles: ReadRoles, Order: 26, Group: web.NavCare},
		web.NavItem{Key: "grid.nav", Path: "/grids", Roles: ReadRoles, Order: 32, Group: web.NavRegistries},
	)}
	srv.RegistryPages("/grids", web.RegistryRoutes{List: h.list, Export: h.export, Template: h.template, Import: h.importFile, ImportMax: 2 * xlsx.DefaultMaxBytes,
		New: h.newForm, Create: h.create, View: h.view, Edit: h.editForm, Save: h.save})
	srv.Page("POST /grids/{id}/reveal", h.reveal)
	s.registerPatrolWeb(srv, h)
}

func gridFilterOf(q url.Values) GridFilter {
	return GridFilter{Q: q.Get("q"), Division: q.Get("division"), Page: web.PageParam(q), PerPage: 50}
}

type gridListData struct {
	web.Listing[GridFilter, Grid]
	CanEdit bool
	Summary []string
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, nil)
}

func (h *Web) renderList(w http.ResponseWriter, r *http.Request, status int, summary []string) error {
	l, err := web.ListOf(r, gridFilterOf, h.S.List)
	if summary, status, err = web.ShowRefusal(r.Context(), err, summary, status); err != nil {
		return err
	}
	d := &gridListData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), Summary: summary}
	h.Srv.Render.Render(w, status, "grid/list", h.Srv.NewPage(r, "grid.title", d))
	return nil
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil, nil)
}

// renderView shows a grid; revealed, when given, replaces its masked
// units; a refused reveal shows its error.
func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, revealed []GridUnit, rerr error) error {
	id, err := web.PathID(r, "id", "grid.not_found")
	if err != nil {
		return err
	}
	g, err := h.S.Get(r.Context(), id)
	if err != nil {
		return err
	}
	d := map[string]any{"G": g, "CanEdit": auth.Has(r.Context(), EditRoles...), "Revealed": revealed != nil}
	if revealed != nil {
		g.Units = revealed
	}
	if rerr != nil {
		d["Summary"], d["Errors"] = web.Explain(i18n.From(r.Context()), rerr)
	}
	h.Srv.Render.Render(w, status, "grid/view", h.Srv.NewPage(r, g.Name, d))
	return nil
}

func (h *Web) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "grid.not_found")
	if err != nil {
		return err
	}
	us, err := h.S.RevealHeads(r.Context(), id, r.PostFormValue("reason"))
	if errs.Code(err) == errs.EINVALID {
		return h.renderView(w, r, errs.Status(err), nil, err)
	}
	if err != nil {
		return err
	}
	return h.renderView(w, r, http.StatusOK, us, nil)
}

type gridFormData struct {
	ID      int64
	In      GridInput
	Errors  map[string]string
	Summary []string
	Kinds   []string
}

// blankUnits is how many empty unit rows a form offers.
const blankUnits = 3

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, fd *gridFormData) {
	fd.Kinds = UnitKinds
	for range blankUnits {
		fd.In.Units = append(fd.In.Units, GridUnit{})
	}
	title := "grid.new"
	if fd.ID != 0 {
		title = "grid.edit"
	}
	h.Srv.Render.Render(w, status, "grid/form", h.Srv.NewPage(r, title, fd))
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), EditRoles...)
	if err != nil {
		return err
	}
	in := GridInput{Number: 1}
	if p.Role == auth.CommunityWorker {
		in.CommunityCode = p.Area.Code
	}
	h.form(w, r, http.StatusOK, &gridFormData{In: in})
	return nil
}

func (h *Web) editForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	id, err := web.PathID(r, "id", "grid.not_found")
	if err != nil {
		return err
	}
	g, err := h.S.get(r.Context(), id, "grid.read")
	if err != nil {
		return err
	}
	in := GridInput{CommunityCode: g.CommunityCode, Number: g.Number, Name: g.Name, Units: g.Units, Version: g.Version}
	for _, wk := range g.Workers {
		in.Workers = append(in.Workers, wk.Login)
	}
	h.form(w, r, http.StatusOK, &gridFormData{ID: id, In: in})
	return nil
}

// parseForm reads the grid form; unit rows without a name are left out.
func parseForm(r *http.Request) (GridInput, errs.Fields) {
	var bad errs.Fields
	in := GridInput{CommunityCode: r.PostFormValue("community_code"), Name: r.PostFormValue("name"),
		Workers: strings.FieldsFunc(r.PostFormValue("workers"), func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' })}
	if n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("number"))); err == nil {
		in.Number = n
	} else {
		bad.Add("grid_number", "error.not_integer")
	}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	kinds, names, heads, phones := r.PostForm["unit_kind"], r.PostForm["unit_name"], r.PostForm["head_name"], r.PostForm["head_phone"]
	for i := range names {
		if strings.TrimSpace(names[i]) == "" || i >= len(kinds) || i >= len(heads) || i >= len(phones) {
			continue
		}
		in.Units = append(in.Units, GridUnit{Kind: kinds[i], Name: names[i], HeadName: heads[i], HeadPhone: phones[i]})
	}
	return in, bad
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	in, bad := parseForm(r)
	err := bad.Err()
	var g *Grid
	if err == nil {
		g, err = h.S.Create(r.Context(), in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/grids/"+strconv.FormatInt(g.ID, 10))
	}
	return h.formError(w, r, 0, in, err)
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	id, err := web.PathID(r, "id", "grid.not_found")
	if err != nil {
		return err
	}
	in, bad := parseForm(r)
	err = bad.Err()
	if err == nil {
		_, err = h.S.Update(r.Context(), id, in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/grids/"+strconv.FormatInt(id, 10))
	}
	return h.formError(w, r, id, in, err)
}

func (h *Web) formError(w http.ResponseWriter, r *http.Request, id int64, in GridInput, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.form(w, r, errs.Status(err), &gridFormData{ID: id, In: in, Errors: by, Summary: sum})
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "grid.export_file", h.S.Now().In(calendar.China)), gridFilterOf, h.S.Export)
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "grid.export_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, out)
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/grids", h.S.Import,
		func(lang string, n int) string { return i18n.T(lang, "grid.imported", n) },
		func(status int, summary []string) error { return h.renderList(w, r, status, summary) })
}
