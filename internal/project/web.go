package project

import (
	"context"
	"embed"
	"errors"
	"io"
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
	h := &Web{web.NewPages(srv, s, "project", templates, web.NavItem{Key: "project.nav", Path: "/needs", Roles: ReadRoles, Order: 36, Group: web.NavRegistries})}
	srv.Page("GET /needs", h.needs)
	srv.Page("GET /needs/export.xlsx", h.exportNeeds)
	srv.Page("GET /needs/new", h.needForm)
	srv.Page("POST /needs", h.createNeed)
	srv.Page("POST /needs/recurring", h.recurring)
	srv.Page("GET /needs/{id}", h.need)
	srv.Page("POST /needs/{id}/match", h.match)
	srv.Page("POST /needs/{id}/close", h.closeNeed)
	srv.Page("GET /resources", h.resources)
	srv.Page("GET /resources/export.xlsx", h.exportResources)
	srv.Page("GET /projects", h.projects)
	srv.Page("GET /projects/export.xlsx", h.exportProjects)
	srv.Page("GET /projects/new", h.projectForm)
	srv.Page("POST /projects", h.createProject)
	srv.Page("GET /projects/figures", h.figures)
	srv.Page("GET /projects/figures/export.xlsx", h.exportFigures)
	srv.Page("GET /projects/{id}", h.project)
	srv.Page("POST /projects/{id}/start", h.start)
	srv.Page("POST /projects/{id}/milestones", h.addMilestone)
	srv.Page("POST /projects/{id}/milestones/{mid}/done", h.milestoneDone)
	srv.Page("POST /projects/{id}/progress", h.report, web.MaxBody(s.Photos.MaxBytes+(1<<20)))
	srv.Page("POST /projects/{id}/accept", h.accept)
	srv.Page("GET /projects/{id}/photos/{photo}", web.FileOf("id", "project.not_found", "photo", "error.not_found", s.Photo))
}

// page is what every page of the slice gets beside its own data.
type page struct {
	CanEdit bool
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) base(r *http.Request, err error) page {
	_, perr := auth.Require(r.Context(), EditRoles...)
	p := page{CanEdit: perr == nil, Values: map[string]string{}, Errors: map[string]string{}}
	if err != nil {
		p.Summary, p.Errors = web.Explain(i18n.From(r.Context()), err)
	}
	return p
}

// shown reports whether an error is one a form shows rather than an error page.
func shown(err error) bool {
	var e *errs.Error
	c := errs.Code(err)
	return c == errs.EINVALID || c == errs.ECONFLICT || errors.As(err, &e) && e.Key == "project.own_project"
}

func values(r *http.Request, keys ...string) map[string]string {
	v := map[string]string{}
	for _, k := range keys {
		v[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return v
}

func atoi(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// yuanToFen reads an amount in yuan (up to two decimals) as fen.
func yuanToFen(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, true
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e11 {
		return 0, false
	}
	return w*100 + f, true
}

func (h *Web) redirect(w http.ResponseWriter, r *http.Request, flash, to string) error {
	web.Flash(w, r, flash)
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (h *Web) download(w http.ResponseWriter, r *http.Request, list string, write func(io.Writer) error) error {
	return xlsx.Download(w, xlsx.ExportName(i18n.From(r.Context()), "project.file."+list, h.S.Now().In(calendar.China)), write)
}

// listData is a list page's data: its filter, one page of items and the
// codes of its closed filter fields.
type listData[F, T any] struct {
	page
	web.Listing[F, T]
	Choices map[string][]string
}

// renderList renders one page of a list.
func renderList[F, T any](h *Web, w http.ResponseWriter, r *http.Request, status int, err error, name string,
	filter func(url.Values) F, list func(context.Context, F) ([]T, bool, error), choices map[string][]string) error {
	l, lerr := web.ListOf(r, filter, list)
	if errs.Code(lerr) == errs.EINVALID && err == nil {
		// A refused search shows the list's form again with its reasons.
		err, status = lerr, errs.Status(lerr)
	} else if lerr != nil {
		return lerr
	}
	d := &listData[F, T]{page: h.base(r, err), Listing: l, Choices: choices}
	h.Srv.Render.Render(w, status, "project/"+name, h.Srv.NewPage(r, "project."+name, d))
	return nil
}

// ---- needs

func needFilterOf(q url.Values) NeedFilter {
	return NeedFilter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Kind: q.Get("kind"), Status: q.Get("status"),
		Page: web.PageParam(q), PerPage: 50}
}

func (h *Web) needs(w http.ResponseWriter, r *http.Request) error {
	return h.renderNeeds(w, r, http.StatusOK, nil)
}

func (h *Web) renderNeeds(w http.ResponseWriter, r *http.Request, status int, err error) error {
	return renderList(h, w, r, status, err, "needs", needFilterOf, h.S.Needs, map[string][]string{"kind": NeedKinds, "status": NeedStatuses})
}

func (h *Web) exportNeeds(w http.ResponseWriter, r *http.Request) error {
	return h.download(w, r, "needs", func(out io.Writer) error { return h.S.ExportNeeds(r.Context(), needFilterOf(r.URL.Query()), out) })
}

type needFormData struct {
	page
	Kinds, Sources, Groups []string
}

func (h *Web) needForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	d := &needFormData{page: h.base(r, nil)}
	d.Values["division_code"] = auth.From(r.Context()).Area.Code
	return h.renderNeedForm(w, r, http.StatusOK, d)
}

func (h *Web) renderNeedForm(w http.ResponseWriter, r *http.Request, status int, d *needFormData) error {
	d.Kinds, d.Sources, d.Groups = NeedKinds, Sources, Groups
	h.Srv.Render.Render(w, status, "project/need_form", h.Srv.NewPage(r, "project.need_new", d))
	return nil
}

func (h *Web) createNeed(w http.ResponseWriter, r *http.Request) error {
	v := values(r, "division_code", "title", "details", "kind", "source", "source_ref", "group", "affected")
	in := NeedInput{DivisionCode: v["division_code"], Title: v["title"], Details: v["details"], Kind: v["kind"], Source: v["source"],
		SourceRef: v["source_ref"], Group: v["group"]}
	var err error
	if n, ok := atoi(v["affected"]); !ok {
		err = errs.Invalid(errs.Field("affected", "error.not_integer"))
	} else {
		in.Affected = int(n)
	}
	var n Need
	if err == nil {
		n, err = h.S.RaiseNeed(r.Context(), in)
	}
	if err == nil {
		return h.redirect(w, r, "layout.saved", "/needs/"+idString(n.ID))
	}
	if !shown(err) {
		return err
	}
	d := &needFormData{page: h.base(r, err)}
	d.Values = v
	return h.renderNeedForm(w, r, errs.Status(err), d)
}

func (h *Web) recurring(w http.ResponseWriter, r *http.Request) error {
	ids, err := h.S.RaiseRecurring(r.Context(), strings.TrimSpace(r.PostFormValue("division")), RecurringMin)
	if err != nil {
		if !shown(err) {
			return err
		}
		return h.renderNeeds(w, r, errs.Status(err), err)
	}
	return h.redirect(w, r, i18n.T(i18n.From(r.Context()), "project.recurring_raised", len(ids)), "/needs")
}

type needData struct {
	page
	N       *Need
	Matches []Match
}

func (h *Web) need(w http.ResponseWriter, r *http.Request) error {
	return h.renderNeed(w, r, http.StatusOK, nil)
}

func (h *Web) renderNeed(w http.ResponseWriter, r *http.Request, status int, err error) error {
	id, gerr := web.PathID(r, "id", "project.need_not_found")
	if gerr != nil {
		return gerr
	}
	n, gerr := h.S.Need(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	d := &needData{page: h.base(r, err), N: n}
	if n.Status == NeedOpen {
		if d.Matches, gerr = h.S.Matches(r.Context(), id); gerr != nil {
			return gerr
		}
	}
	h.Srv.Render.Render(w, status, "project/need", h.Srv.NewPage(r, n.Title, d))
	return nil
}

func (h *Web) match(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "project.need_not_found")
	if err != nil {
		return err
	}
	if _, err = h.S.ConfirmMatch(r.Context(), id, r.PostFormValue("resource")); err == nil {
		return h.redirect(w, r, "project.matched", "/needs/"+idString(id))
	}
	if !shown(err) {
		return err
	}
	return h.renderNeed(w, r, errs.Status(err), err)
}

func (h *Web) closeNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "project.need_not_found")
	if err != nil {
		return err
	}
	if _, err = h.S.CloseNeed(r.Context(), id, r.PostFormValue("reason")); err == nil {
		return h.redirect(w, r, "project.closed", "/needs/"+idString(id))
	}
	if !shown(err) {
		return err
	}
	return h.renderNeed(w, r, errs.Status(err), err)
}

// ---- resources

func resourceFilterOf(q url.Values) ResourceFilter {
	return ResourceFilter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Kind: q.Get("kind"), Source: q.Get("source"),
		Page: web.PageParam(q), PerPage: 50}
}

func (h *Web) resources(w http.ResponseWriter, r *http.Request) error {
	return renderList(h, w, r, http.StatusOK, nil, "resources", resourceFilterOf, h.S.Resources, map[string][]string{"kind": ResourceKinds, "source": ResourceSources})
}

func (h *Web) exportResources(w http.ResponseWriter, r *http.Request) error {
	return h.download(w, r, "resources", func(out io.Writer) error {
		return h.S.ExportResources(r.Context(), resourceFilterOf(r.URL.Query()), out)
	})
}

// ---- projects

func projectFilterOf(q url.Values) ProjectFilter {
	return ProjectFilter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Funding: q.Get("funding"), Status: q.Get("status"),
		Page: web.PageParam(q), PerPage: 50}
}

func (h *Web) projects(w http.ResponseWriter, r *http.Request) error {
	return renderList(h, w, r, http.StatusOK, nil, "projects", projectFilterOf, h.S.Projects, map[string][]string{"funding": Fundings, "status": ProjectStatuses})
}

func (h *Web) exportProjects(w http.ResponseWriter, r *http.Request) error {
	return h.download(w, r, "projects", func(out io.Writer) error {
		return h.S.ExportProjects(r.Context(), projectFilterOf(r.URL.Query()), out)
	})
}

type projectFormData struct {
	page
	Fundings  []string
	Needs     []Need
	Resources []Resource
	Chosen    map[string]bool
}

func (h *Web) projectForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	d := &projectFormData{page: h.base(r, nil), Chosen: map[string]bool{}}
	d.Values["division_code"] = auth.From(r.Context()).Area.Code
	if id, ok := atoi(r.URL.Query().Get("need")); ok && id > 0 {
		n, err := h.S.Need(r.Context(), id)
		if err != nil {
			return err
		}
		d.Values["division_code"], d.Values["title"] = n.DivisionCode, n.Title
		d.Chosen["need:"+idString(id)] = true
		if n.ResourceKey != "" {
			d.Chosen[n.ResourceKey] = true
		}
	}
	return h.renderProjectForm(w, r, http.StatusOK, d)
}

func (h *Web) renderProjectForm(w http.ResponseWriter, r *http.Request, status int, d *projectFormData) error {
	ctx := r.Context()
	d.Fundings = Fundings
	for _, st := range []string{NeedOpen, NeedMatched} {
		ns, _, err := h.S.Needs(ctx, NeedFilter{Status: st, PerPage: 200})
		if err != nil {
			return err
		}
		d.Needs = append(d.Needs, ns...)
	}
	rs, _, err := h.S.Resources(ctx, ResourceFilter{PerPage: 200})
	if err != nil {
		return err
	}
	d.Resources = rs
	h.Srv.Render.Render(w, status, "project/project_form", h.Srv.NewPage(r, "project.project_new", d))
	return nil
}

func (h *Web) createProject(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.Invalid(errs.Field("form", "error.invalid"))
	}
	v := values(r, "division_code", "title", "description", "owner", "funding", "budget")
	in := ProjectInput{DivisionCode: v["division_code"], Title: v["title"], Description: v["description"], Owner: v["owner"], Funding: v["funding"]}
	chosen := map[string]bool{}
	for _, s := range r.PostForm["need"] {
		if id, ok := atoi(s); ok && id > 0 {
			in.Needs = append(in.Needs, id)
			chosen["need:"+s] = true
		}
	}
	for _, s := range r.PostForm["resource"] {
		in.Resources = append(in.Resources, s)
		chosen[s] = true
	}
	var err error
	if fen, ok := yuanToFen(v["budget"]); !ok {
		err = errs.Invalid(errs.Field("budget", "project.budget_format"))
	} else {
		in.Budget = fen
	}
	var p *ProjectDetail
	if err == nil {
		p, err = h.S.CreateProject(r.Context(), in)
	}
	if err == nil {
		return h.redirect(w, r, "layout.saved", "/projects/"+idString(p.ID))
	}
	if !shown(err) {
		return err
	}
	d := &projectFormData{page: h.base(r, err), Chosen: chosen}
	d.Values = v
	return h.renderProjectForm(w, r, errs.Status(err), d)
}

type projectData struct {
	page
	P        *ProjectDetail
	Today    string
	Fundings []string
}

func (h *Web) project(w http.ResponseWriter, r *http.Request) error {
	return h.renderProject(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderProject(w http.ResponseWriter, r *http.Request, status int, err error, vals map[string]string) error {
	id, gerr := web.PathID(r, "id", "project.not_found")
	if gerr != nil {
		return gerr
	}
	p, gerr := h.S.Project(r.Context(), id)
	if gerr != nil {
		return gerr
	}
	d := &projectData{page: h.base(r, err), P: p, Today: h.S.today(), Fundings: Fundings}
	if vals != nil {
		d.Values = vals
	}
	h.Srv.Render.Render(w, status, "project/project", h.Srv.NewPage(r, p.Title, d))
	return nil
}

// act runs a project action and shows the project again.
func (h *Web) act(w http.ResponseWriter, r *http.Request, flash string, vals map[string]string, fn func(id int64) error) error {
	id, err := web.PathID(r, "id", "project.not_found")
	if err != nil {
		return err
	}
	if err = fn(id); err == nil {
		return h.redirect(w, r, flash, "/projects/"+idString(id))
	}
	if !shown(err) {
		return err
	}
	return h.renderProject(w, r, errs.Status(err), err, vals)
}

func (h *Web) start(w http.ResponseWriter, r *http.Request) error {
	v := values(r, "owner", "funding", "budget")
	return h.act(w, r, "project.started", v, func(id int64) error {
		fen, ok := yuanToFen(v["budget"])
		if !ok {
			return errs.Invalid(errs.Field("budget", "project.budget_format"))
		}
		_, err := h.S.Start(r.Context(), id, v["owner"], v["funding"], fen)
		return err
	})
}

func (h *Web) addMilestone(w http.ResponseWriter, r *http.Request) error {
	v := values(r, "title", "due_on")
	return h.act(w, r, "layout.saved", v, func(id int64) error {
		_, err := h.S.AddMilestone(r.Context(), id, MilestoneInput{Title: v["title"], DueOn: v["due_on"]})
		return err
	})
}

func (h *Web) milestoneDone(w http.ResponseWriter, r *http.Request) error {
	return h.act(w, r, "layout.saved", nil, func(id int64) error {
		mid, err := web.PathID(r, "mid", "project.milestone_not_found")
		if err != nil {
			return err
		}
		return h.S.MilestoneDone(r.Context(), id, mid, r.PostFormValue("done_on"))
	})
}

func (h *Web) report(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, h.S.Photos.MaxBytes+(1<<20))
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return errs.Invalid(errs.Field("photo", "upload.too_large", h.S.Photos.MaxBytes>>20))
	}
	v := values(r, "note")
	return h.act(w, r, "project.reported", v, func(id int64) error {
		var photo *upload.File
		if r.MultipartForm != nil {
			if hs := r.MultipartForm.File["photo"]; len(hs) > 0 && (hs[0].Size > 0 || hs[0].Filename != "") {
				f, err := hs[0].Open()
				if err != nil {
					return errs.Invalid(errs.Field("photo", "upload.unreadable"))
				}
				defer f.Close()
				if photo, err = h.S.Photos.Header(hs[0], f, "photo"); err != nil {
					return err
				}
			}
		}
		_, err := h.S.Report(r.Context(), id, v["note"], photo)
		return err
	})
}

func (h *Web) accept(w http.ResponseWriter, r *http.Request) error {
	v := values(r, "note")
	return h.act(w, r, "project.accepted", v, func(id int64) error {
		_, err := h.S.Accept(r.Context(), id, v["note"])
		return err
	})
}

// ---- figures

type figuresData struct {
	page
	Total    *ListFigures
	Rows     []ListFigures
	Fundings []string
}

func (h *Web) figures(w http.ResponseWriter, r *http.Request) error {
	total, rows, err := h.S.Figures(r.Context(), strings.TrimSpace(r.URL.Query().Get("division")))
	if err != nil {
		return err
	}
	d := &figuresData{page: h.base(r, nil), Total: total, Rows: rows, Fundings: Fundings}
	h.Srv.Render.Render(w, http.StatusOK, "project/figures", h.Srv.NewPage(r, "project.figures", d))
	return nil
}

func (h *Web) exportFigures(w http.ResponseWriter, r *http.Request) error {
	return h.download(w, r, "figures", func(out io.Writer) error {
		return h.S.ExportFigures(r.Context(), strings.TrimSpace(r.URL.Query().Get("division")), out)
	})
}
