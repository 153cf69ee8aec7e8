package community

import (
	"bytes"
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry. The community page
// and its catalogue export are public; the rest is the workers'.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "community", templates)}
	srv.AddNav(web.NavItem{Key: "community.nav", Path: "/notices", Roles: ReadRoles, Order: 5, Group: web.NavOverview},
		web.NavItem{Key: "community.mine", Path: "/community", Roles: MineRoles, Order: 4, Group: web.NavOverview})
	srv.Page("GET /community", h.mine)
	srv.Public("GET /communities/{code}", h.page)
	srv.Public("GET /communities/{code}/catalogue.xlsx", h.export)
	srv.Page("POST /communities/{code}/hall", h.saveHall)
	srv.Page("GET /notices", h.list)
	srv.Page("GET /notices/new", h.newForm)
	srv.Page("POST /notices", h.create)
	srv.Page("GET /notices/{id}/edit", h.editForm)
	srv.Page("POST /notices/{id}", h.save)
	srv.Page("POST /notices/{id}/withdraw", h.withdraw)
	srv.Page("GET /catalogue", h.catalogue)
	srv.Page("POST /catalogue", h.createItem)
	srv.Page("GET /catalogue/{id}/edit", h.editItem)
	srv.Page("POST /catalogue/{id}", h.saveItem)
	srv.Page("POST /catalogue/{id}/withdraw", h.withdrawItem)
}

// MineRoles have one community, whose page "my community" opens.
var MineRoles = []auth.Role{auth.Resident, auth.GridWorker, auth.CommunityWorker}

// mine sends an account of one community to its page, any other to the
// notices of its area.
func (h *Web) mine(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if p != nil && len(p.Area.Code) == 12 && division.LevelFromCode(p.Area.Code) == division.Community {
		http.Redirect(w, r, "/communities/"+p.Area.Code, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/notices", http.StatusSeeOther)
	return nil
}

type pageData struct {
	Summary  []string
	P        *CommunityPage
	Weekdays []string
	CanEdit  bool
	Page     int
	Query    url.Values
}

var weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// canEdit says whether the caller may keep this community's records.
func canEdit(r *http.Request, code string) bool {
	p := auth.From(r.Context())
	if p == nil {
		return false
	}
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return false
	}
	lo, hi, err := auth.Scope(r.Context())
	return err == nil && code >= lo && code <= hi
}

func (h *Web) page(w http.ResponseWriter, r *http.Request) error {
	return h.renderPage(w, r, http.StatusOK, nil)
}

func (h *Web) renderPage(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	ctx := r.Context()
	code := r.PathValue("code")
	p, err := h.S.Page(ctx, code)
	if err != nil {
		return err
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page > 1 {
		if p.Notices, p.MoreNotices, err = h.S.CurrentNotices(ctx, code, page, NoticePage); err != nil {
			return err
		}
	}
	page, _ = Paging(page, NoticePage)
	d := &pageData{P: p, Weekdays: weekdays, CanEdit: canEdit(r, code), Page: page}
	if failure != nil {
		d.Summary, _ = web.Explain(i18n.From(ctx), failure)
	}
	h.Srv.Render.Render(w, status, "community/page", h.Srv.NewPage(r, p.Name, d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var buf bytes.Buffer
	if err := h.S.ExportCatalogue(ctx, r.PathValue("code"), &buf); err != nil {
		return err
	}
	xlsx.Send(w, i18n.T(i18n.From(ctx), "community.export_file")+"-"+r.PathValue("code")+".xlsx", buf.Bytes())
	return nil
}

func (h *Web) saveHall(w http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	err := h.S.SaveHallPhone(r.Context(), code, r.PostFormValue("phone"), v)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/communities/"+code)
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderPage(w, r, errs.Status(err), err)
}

type listData struct {
	F        NoticeFilter
	Items    []Notice
	Page     int
	More     bool
	CanEdit  bool
	Kinds    []string
	Statuses []string
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := NoticeFilter{Division: strings.TrimSpace(q.Get("division")), Kind: q.Get("kind"), Status: q.Get("status"), Page: page, PerPage: NoticePage}
	items, more, err := h.S.ListNotices(ctx, f)
	if err != nil {
		return err
	}
	f.Page, _ = Paging(f.Page, f.PerPage)
	_, perr := auth.Require(ctx, EditRoles...)
	d := &listData{F: f, Items: items, Page: f.Page, More: more, CanEdit: perr == nil, Kinds: Kinds, Statuses: Statuses}
	h.Srv.Render.Render(w, http.StatusOK, "community/notices", h.Srv.NewPage(r, "community.notice_list", d))
	return nil
}

type formData struct {
	ID      int64
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Kinds   []string
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, fd *formData) {
	fd.Kinds = Kinds
	title := "community.new_notice"
	if fd.ID != 0 {
		title = "community.edit_notice"
	}
	h.Srv.Render.Render(w, status, "community/notice_form", h.Srv.NewPage(r, title, fd))
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return err
	}
	code := r.URL.Query().Get("division")
	if code == "" {
		code = p.Area.Code
	}
	h.form(w, r, http.StatusOK, &formData{Values: map[string]string{"division_code": code, "kind": "announcement", "starts_on": h.S.today()}})
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
	n, err := h.S.GetNotice(ctx, id)
	if err != nil {
		return err
	}
	vals := flatNotice(n)
	vals["version"] = strconv.Itoa(n.Version)
	h.form(w, r, http.StatusOK, &formData{ID: id, Values: vals})
	return nil
}

func parseNotice(r *http.Request) (NoticePatch, map[string]string) {
	vals := map[string]string{}
	var p NoticePatch
	str := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		return &v
	}
	p.DivisionCode = str("division_code")
	p.Kind = str("kind")
	p.Title = str("title")
	p.Body = str("body")
	p.StartsOn = str("starts_on")
	p.EndsOn = str("ends_on")
	vals["version"] = r.PostFormValue("version")
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &v
	}
	return p, vals
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	p, vals := parseNotice(r)
	n, err := h.S.CreateNotice(r.Context(), p)
	if err == nil {
		return web.FlashRedirect(w, r, "community.published", "/communities/"+n.DivisionCode)
	}
	return h.formError(w, r, 0, vals, err)
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, vals := parseNotice(r)
	p.DivisionCode = nil
	n, err := h.S.UpdateNotice(r.Context(), id, p)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/notices?division="+n.DivisionCode)
	}
	return h.formError(w, r, id, vals, err)
}

func (h *Web) formError(w http.ResponseWriter, r *http.Request, id int64, vals map[string]string, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.form(w, r, errs.Status(err), &formData{ID: id, Values: vals, Errors: by, Summary: sum})
	return nil
}

func version(r *http.Request) *int {
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		return &v
	}
	return nil
}

func (h *Web) withdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	n, err := h.S.WithdrawNotice(r.Context(), id, version(r))
	if err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "community.withdrawn", "/notices?division="+n.DivisionCode)
}

type catalogueData struct {
	Code    string
	Items   []CatalogueItem
	CanEdit bool
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) catalogue(w http.ResponseWriter, r *http.Request) error {
	return h.renderCatalogue(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderCatalogue(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, err error) error {
	ctx := r.Context()
	p, aerr := auth.Require(ctx, ReadRoles...)
	if aerr != nil {
		return aerr
	}
	code := strings.TrimSpace(r.URL.Query().Get("division"))
	if vals != nil {
		code = vals["division_code"]
	}
	if code == "" {
		code = p.Area.Code
	}
	items, ierr := h.S.Items(ctx, code)
	if ierr != nil {
		return ierr
	}
	_, perr := auth.Require(ctx, EditRoles...)
	d := &catalogueData{Code: code, Items: items, CanEdit: perr == nil, Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{"division_code": code}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "community/catalogue", h.Srv.NewPage(r, "community.catalogue_manage", d))
	return nil
}

func parseItem(r *http.Request) (ItemPatch, map[string]string) {
	vals := map[string]string{}
	str := func(name string) *string {
		v := strings.TrimSpace(r.PostFormValue(name))
		vals[name] = v
		return &v
	}
	p := ItemPatch{DivisionCode: str("division_code"), Name: str("name"), Description: str("details"), Materials: str("materials"),
		ServiceHours: str("times"), Place: str("venue"), Version: version(r)}
	vals["version"] = r.PostFormValue("version")
	return p, vals
}

type itemFormData struct {
	ID      int64
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) itemForm(w http.ResponseWriter, r *http.Request, status int, d *itemFormData) {
	h.Srv.Render.Render(w, status, "community/item_form", h.Srv.NewPage(r, "community.edit_item", d))
}

func (h *Web) editItem(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	it, err := h.S.GetItem(ctx, id)
	if err != nil {
		return err
	}
	vals := flatItem(it)
	vals["version"] = strconv.Itoa(it.Version)
	h.itemForm(w, r, http.StatusOK, &itemFormData{ID: id, Values: vals})
	return nil
}

func (h *Web) saveItem(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, vals := parseItem(r)
	p.DivisionCode = nil
	it, err := h.S.UpdateItem(r.Context(), id, p)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/catalogue?division="+it.DivisionCode)
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.itemForm(w, r, errs.Status(err), &itemFormData{ID: id, Values: vals, Errors: by, Summary: sum})
	return nil
}

func (h *Web) createItem(w http.ResponseWriter, r *http.Request) error {
	p, vals := parseItem(r)
	p.Version = nil
	_, err := h.S.CreateItem(r.Context(), p)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/catalogue?division="+vals["division_code"])
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderCatalogue(w, r, errs.Status(err), vals, err)
}

func (h *Web) withdrawItem(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	st := Withdrawn
	it, err := h.S.UpdateItem(r.Context(), id, ItemPatch{Status: &st, Version: version(r)})
	if err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "community.withdrawn", "/catalogue?division="+it.DivisionCode)
}
