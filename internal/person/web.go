package person

import (
	"bytes"
	"context"
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "person", templates, web.NavItem{Key: "person.nav", Path: "/persons", Roles: KeepRoles, Order: 25, Group: web.NavRegistries})}
	srv.RegistryPages("/persons", web.RegistryRoutes{List: h.list, Export: h.export, Template: h.template, Import: h.importFile, ImportMax: Sheet.MaxBytes + 1<<20,
		New: h.newForm, Create: h.create, View: h.view, Edit: h.editForm, Save: h.save})
	srv.Page("POST /persons/export.xlsx", h.exportUnmasked)
	srv.Page("POST /persons/{id}/reveal", h.reveal)
}

func filterOf(q url.Values) Filter {
	page := web.PageParam(q)
	return Filter{Q: q.Get("q"), Community: strings.TrimSpace(q.Get("community")), Group: q.Get("group"),
		IDNumber: strings.TrimSpace(q.Get("id_number")), Phone: strings.TrimSpace(q.Get("phone")),
		Address: strings.TrimSpace(q.Get("address")), Reason: strings.TrimSpace(q.Get("reason")), Page: page, PerPage: 50}
}

type listData struct {
	web.Listing[Filter, Person]
	Groups    []string
	CanReveal bool
	Summary   []string // problems of a failed import or export
	Today     string
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
	d := &listData{Listing: l, Groups: Groups, CanReveal: CanReveal(auth.From(ctx)), Summary: summary, Today: h.S.today()}
	h.Srv.Render.Render(w, status, "person/list", h.Srv.NewPage(r, "person.title", d))
	return nil
}

type viewData struct {
	P         *Person
	History   []histRow
	CanReveal bool
	Revealed  *RevealedPerson
	Reason    string
	Summary   []string
	Errors    map[string]string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, &viewData{})
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, d *viewData) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	if d.P, err = h.S.Get(ctx, id); err != nil {
		return err
	}
	hs, err := h.S.History(ctx, id)
	if err != nil {
		return err
	}
	d.History = localize(i18n.From(ctx), hs)
	d.CanReveal = CanReveal(auth.From(ctx))
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	if d.Revealed != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	h.Srv.Render.Render(w, status, "person/view", h.Srv.NewPage(r, d.P.Name, d))
	return nil
}

func (h *Web) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	rv, err := h.S.Reveal(r.Context(), id, reason)
	if err == nil {
		return h.renderView(w, r, http.StatusOK, &viewData{Revealed: rv, Reason: reason})
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	return h.renderView(w, r, errs.Status(err), &viewData{Reason: reason, Summary: sum, Errors: by})
}

// histRow is a history entry for the page.
type histRow struct {
	PersonChange
	Fields []FieldChange
}

// localize shows the keys of groups, kinds and categories in the history
// by their names in lang.
func localize(lang string, hs []PersonChange) []histRow {
	var pairs []string
	for prefix, keys := range map[string][]string{"person.group.": Groups, "person.kind.": ElderlyKinds, "person.category.": DisabilityCategories} {
		for _, k := range keys {
			pairs = append(pairs, k, i18n.T(lang, prefix+k))
		}
	}
	rep := strings.NewReplacer(pairs...)
	out := make([]histRow, len(hs))
	for i, c := range hs {
		out[i] = histRow{PersonChange: c, Fields: c.Diff()}
		for j := range out[i].Fields {
			if f := &out[i].Fields[j]; f.Key == "groups" {
				f.Before, f.After = rep.Replace(f.Before), rep.Replace(f.After)
			}
		}
	}
	return out
}

// explain turns a validation error into a summary and messages by field.

// groupRow is one membership row of the form.
type groupRow struct {
	I                                  int
	Group, Category, Grade, Start, End string
	Basis                              string
	Kinds                              map[string]bool
}

type formData struct {
	ID         int64
	Values     map[string]string
	Rows       []groupRow
	Errors     map[string]string
	Summary    []string
	Groups     []string
	Kinds      []string
	Categories []string
	Grades     []string
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData) {
	d.Groups, d.Kinds, d.Categories, d.Grades = Groups, ElderlyKinds, DisabilityCategories, DisabilityGrades
	if d.Errors == nil {
		d.Errors = map[string]string{}
	}
	// One empty row to add a membership.
	d.Rows = append(d.Rows, groupRow{I: len(d.Rows), Kinds: map[string]bool{}})
	title := "person.new"
	if d.ID != 0 {
		title = "person.edit"
	}
	h.Srv.Render.Render(w, status, "person/form", h.Srv.NewPage(r, title, d))
}

// textFields of the person form, in order.
var textFields = []string{"community_code", "name", "id_number", "phone", "address", "household", "contact_name", "contact_phone"}

// sealedFields show masked in the form; left as shown, they stay.
var sealedFields = map[string]bool{"id_number": true, "phone": true, "address": true, "contact_phone": true}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return err
	}
	vals := map[string]string{}
	if p := auth.From(ctx); p != nil && len(p.Area.Code) == 12 && !strings.HasSuffix(p.Area.Code, "000") {
		vals["community_code"] = p.Area.Code
	}
	h.form(w, r, http.StatusOK, &formData{Values: vals})
	return nil
}

func rowsOf(gs []Membership) []groupRow {
	var out []groupRow
	for i, g := range gs {
		row := groupRow{I: i, Group: g.Group, Category: g.Category, Grade: g.Grade, Start: g.Start, End: g.End, Basis: g.Basis, Kinds: map[string]bool{}}
		for _, k := range g.Kinds {
			row.Kinds[k] = true
		}
		out = append(out, row)
	}
	return out
}

func (h *Web) editForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, err := h.S.Get(ctx, id)
	if err != nil {
		return err
	}
	vals := map[string]string{"community_code": p.CommunityCode, "name": p.Name, "id_number": p.IDNumber, "phone": p.Phone,
		"address": p.Address, "household": p.Household, "contact_name": p.ContactName, "contact_phone": p.ContactPhone,
		"version": strconv.Itoa(p.Version)}
	h.form(w, r, http.StatusOK, &formData{ID: id, Values: vals, Rows: rowsOf(p.Groups)})
	return nil
}

// parseForm reads the person form into a patch. A sealed field that still
// shows the mask is left unchanged.
func parseForm(r *http.Request) (PersonPatch, map[string]string, []groupRow) {
	_ = r.ParseForm()
	vals := map[string]string{}
	var p PersonPatch
	dst := map[string]**string{"community_code": &p.CommunityCode, "name": &p.Name, "id_number": &p.IDNumber, "phone": &p.Phone,
		"address": &p.Address, "household": &p.Household, "contact_name": &p.ContactName, "contact_phone": &p.ContactPhone}
	for _, f := range textFields {
		v := strings.TrimSpace(r.PostFormValue(f))
		vals[f] = v
		if sealedFields[f] && strings.Contains(v, "*") {
			continue
		}
		*dst[f] = &v
	}
	var gs []Membership
	var rows []groupRow
	for i := 0; i <= maxGroup; i++ {
		pre := "g" + strconv.Itoa(i) + "_"
		row := groupRow{I: len(rows), Group: r.PostFormValue(pre + "group"), Category: r.PostFormValue(pre + "category"),
			Grade: r.PostFormValue(pre + "grade"), Start: strings.TrimSpace(r.PostFormValue(pre + "start")),
			End: strings.TrimSpace(r.PostFormValue(pre + "end")), Basis: strings.TrimSpace(r.PostFormValue(pre + "basis")), Kinds: map[string]bool{}}
		if row.Group == "" {
			continue
		}
		m := Membership{Group: row.Group, Start: row.Start, End: row.End, Basis: row.Basis}
		if row.Group == GroupElderly {
			for _, k := range r.PostForm[pre+"kinds"] {
				row.Kinds[k] = true
				m.Kinds = append(m.Kinds, k)
			}
		}
		if row.Group == GroupDisability {
			m.Category, m.Grade = row.Category, row.Grade
		}
		gs = append(gs, m)
		rows = append(rows, row)
	}
	p.Groups = &gs
	vals["version"] = r.PostFormValue("version")
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &v
	}
	return p, vals, rows
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	p, vals, rows := parseForm(r)
	got, err := h.S.Create(r.Context(), p)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/persons/"+strconv.FormatInt(got.ID, 10))
	}
	return h.formError(w, r, 0, vals, rows, err)
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, vals, rows := parseForm(r)
	if _, err = h.S.Update(r.Context(), id, p); err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/persons/"+strconv.FormatInt(id, 10))
	}
	return h.formError(w, r, id, vals, rows, err)
}

func (h *Web) formError(w http.ResponseWriter, r *http.Request, id int64, vals map[string]string, rows []groupRow, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	h.form(w, r, errs.Status(err), &formData{ID: id, Values: vals, Rows: rows, Errors: by, Summary: sum})
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "person.export_file", h.S.Now()), filterOf, func(ctx context.Context, f Filter, out io.Writer) error {
		return h.S.Export(ctx, f, false, "", out)
	})
}

// exportUnmasked exports with the personal data in the clear: a POST with
// the reason, so that it carries the CSRF token and never sits in a link.
func (h *Web) exportUnmasked(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var buf bytes.Buffer
	err := h.S.Export(ctx, filterOf(r.URL.Query()), true, r.PostFormValue("reason"), &buf)
	if errs.Code(err) == errs.EINVALID {
		sum, _ := web.Explain(i18n.From(ctx), err)
		return h.renderList(w, r, errs.Status(err), sum)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	xlsx.Send(w, xlsx.ExportName(i18n.From(ctx), "person.export_file", h.S.Now()), buf.Bytes())
	return nil
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "person.export_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, out)
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), KeepRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, Sheet.MaxBytes+1<<20, "/persons", h.S.Import,
		func(lang string, n int) string { return i18n.T(lang, "person.imported", n) },
		func(status int, summary []string) error { return h.renderList(w, r, status, summary) })
}
