package worker

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/division"
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
	h := &Web{web.NewPages(srv, s, "worker", templates, web.NavItem{Key: "worker.nav", Path: "/workers", Roles: ReadRoles, Order: 30, Group: web.NavRegistries})}
	srv.RegistryPages("/workers", web.RegistryRoutes{List: h.list, Export: h.export, Template: h.template, Import: h.importFile, ImportMax: 2 * xlsx.DefaultMaxBytes,
		New: h.newForm, Create: h.create, View: h.view, Edit: h.editForm, Save: h.save})
	srv.Page("POST /workers/{id}/close", h.close)
	srv.Page("POST /workers/{id}/trainings", h.addTraining)
	srv.Page("POST /workers/{id}/trainings/{tid}/delete", h.removeTraining)
}

func filterOf(q url.Values) Filter {
	page := web.PageParam(q)
	return Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Post: q.Get("post"), Status: q.Get("status"),
		Phone: strings.TrimSpace(q.Get("phone")), IDNumber: strings.TrimSpace(q.Get("id_number")),
		Reason: strings.TrimSpace(q.Get("reason")), Page: page, PerPage: 50}
}

type listData struct {
	web.Listing[Filter, Worker]
	CanEdit bool
	Posts   []string
	States  []string
	Summary []string // problems of a failed import
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
	d := &listData{Listing: l, CanEdit: perr == nil, Posts: Posts, States: Statuses, Summary: summary}
	h.Srv.Render.Render(w, status, "worker/list", h.Srv.NewPage(r, "worker.title", d))
	return nil
}

type viewData struct {
	W       *Worker
	CanEdit bool
	Levels  []string
	Today   string
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil, nil)
}

// renderView shows a worker; a failed training or close form comes back
// with its values and errors.
func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, err error) error {
	ctx := r.Context()
	id, gerr := web.PathID(r, "id", "error.not_found")
	if gerr != nil {
		return gerr
	}
	wk, gerr := h.S.Get(ctx, id)
	if gerr != nil {
		return gerr
	}
	_, perr := auth.Require(ctx, EditRoles...)
	d := &viewData{W: wk, CanEdit: perr == nil, Levels: Levels, Today: h.S.today(), Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{"date": d.Today, "level": "district", "in_post_to": d.Today}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "worker/view", h.Srv.NewPage(r, wk.Name, d))
	return nil
}

// explain turns a validation error into a summary and messages by field.

type formData struct {
	ID      int64
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Posts   []string
}

// fields of the worker form, in order.
var textFields = []string{"community_code", "name", "phone", "id_number", "in_post_from", "in_post_to"}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	vals := map[string]string{"in_post_from": h.S.today()}
	if p := auth.From(ctx); p != nil && len(p.Area.Code) == 12 && division.Code(p.Area.Code).Level() == division.Community {
		vals["community_code"] = p.Area.Code
	}
	h.Srv.Render.Render(w, http.StatusOK, "worker/form", h.Srv.NewPage(r, "worker.new", &formData{Values: vals, Posts: Posts}))
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
	cur, err := h.S.get(ctx, id, "worker.read")
	if err != nil {
		return err
	}
	rec, err := h.S.Store.open(cur)
	if err != nil {
		return err
	}
	// The form shows the phone and ID number masked; left as shown, they
	// stay as they are.
	vals := flat(&rec)
	vals["version"] = strconv.Itoa(rec.Version)
	h.Srv.Render.Render(w, http.StatusOK, "worker/form", h.Srv.NewPage(r, "worker.edit", &formData{ID: id, Values: vals, Posts: Posts}))
	return nil
}

// parseForm reads the worker form into a patch. A phone or ID number that
// still shows the mask is left unchanged.
func parseForm(r *http.Request) (WorkerPatch, map[string]string) {
	vals := map[string]string{}
	var p WorkerPatch
	for _, f := range textFields {
		v := strings.TrimSpace(r.PostFormValue(f))
		vals[f] = v
		if (f == "phone" || f == "id_number") && strings.Contains(v, "*") {
			continue
		}
		switch f {
		case "community_code":
			p.CommunityCode = &v
		case "name":
			p.Name = &v
		case "phone":
			p.Phone = &v
		case "id_number":
			p.IDNumber = &v
		case "in_post_from":
			p.InPostFrom = &v
		case "in_post_to":
			p.InPostTo = &v
		}
	}
	post := r.PostFormValue("post")
	vals["post"] = post
	p.Post = &post
	for _, f := range []string{"certified_social_worker", "disaster_officer"} {
		b := r.PostFormValue(f) == "1"
		vals[f] = strconv.FormatBool(b)
		if f == "certified_social_worker" {
			p.CertifiedSocialWorker = &b
		} else {
			p.DisasterOfficer = &b
		}
	}
	vals["version"] = r.PostFormValue("version")
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		p.Version = &v
	}
	return p, vals
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	p, vals := parseForm(r)
	wk, err := h.S.Create(r.Context(), p)
	if err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/workers/"+strconv.FormatInt(wk.ID, 10))
	}
	return h.formError(w, r, 0, vals, err)
}

func (h *Web) save(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	p, vals := parseForm(r)
	if _, err = h.S.Update(r.Context(), id, p); err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/workers/"+strconv.FormatInt(id, 10))
	}
	return h.formError(w, r, id, vals, err)
}

func (h *Web) formError(w http.ResponseWriter, r *http.Request, id int64, vals map[string]string, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, by := web.Explain(i18n.From(r.Context()), err)
	title := "worker.new"
	if id != 0 {
		title = "worker.edit"
	}
	h.Srv.Render.Render(w, errs.Status(err), "worker/form", h.Srv.NewPage(r, title, &formData{ID: id, Values: vals, Errors: by, Summary: sum, Posts: Posts}))
	return nil
}

func (h *Web) close(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	var version *int
	if v, err := strconv.Atoi(r.PostFormValue("version")); err == nil {
		version = &v
	}
	on := r.PostFormValue("in_post_to")
	if _, err = h.S.Close(r.Context(), id, on, version); err == nil {
		return web.FlashRedirect(w, r, "worker.closed", "/workers/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderView(w, r, errs.Status(err), map[string]string{"in_post_to": on, "level": "district"}, err)
}

func (h *Web) addTraining(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, f := range []string{"course", "hours", "date", "level"} {
		vals[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	in := TrainingInput{Course: vals["course"], Date: vals["date"], Level: vals["level"]}
	var bad errs.Fields
	if vals["hours"] != "" {
		if in.Hours, err = strconv.ParseFloat(vals["hours"], 64); err != nil {
			bad.Add("hours", "error.not_number")
		}
	}
	err = bad.Err()
	if err == nil {
		_, err = h.S.AddTraining(r.Context(), id, in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "worker.training_added", "/workers/"+strconv.FormatInt(id, 10)+"#trainings")
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	return h.renderView(w, r, errs.Status(err), vals, err)
}

func (h *Web) removeTraining(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "error.not_found")
	if err != nil {
		return err
	}
	tid, err := web.PathID(r, "tid", "error.not_found")
	if err != nil {
		return err
	}
	if err := h.S.RemoveTraining(r.Context(), id, tid); err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "worker.training_removed", "/workers/"+strconv.FormatInt(id, 10)+"#trainings")
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, xlsx.ExportName(i18n.From(r.Context()), "worker.export_file", h.S.Now().In(calendar.China)), filterOf, h.S.Export)
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "worker.export_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, out)
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/workers", h.S.Import,
		func(lang string, n ImportResult) string {
			return i18n.T(lang, "worker.imported", n.Created, n.Updated, n.Unchanged)
		},
		func(status int, summary []string) error { return h.renderList(w, r, status, summary) })
}
