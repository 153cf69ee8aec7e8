package ledger

import (
	"context"
	"embed"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"shequ/internal/platform/auth"
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

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "ledger", templates, web.NavItem{Key: "ledger.nav", Path: "/ledger", Roles: ReadRoles, Order: 22, Group: web.NavOverview})}
	srv.Page("GET /ledger", h.list)
	srv.Page("GET /ledger/export.xlsx", h.export)
	srv.Page("GET /ledger/template.xlsx", h.template)
	srv.Page("POST /ledger/import", h.importFile, web.MaxBody(2*xlsx.DefaultMaxBytes))
	srv.Page("GET /ledger/rates", h.rates)
	srv.Page("GET /ledger/rates.xlsx", h.exportRates)
	srv.Page("GET /ledger/new", h.newForm)
	srv.Page("POST /ledger", h.create)
	srv.Page("GET /ledger/{id}", h.view)
	srv.Page("POST /ledger/{id}/items", h.addItem)
	srv.Page("POST /ledger/items/{id}/reports", h.report, web.MaxBody(s.photoMax()+(1<<20)))
	srv.Page("POST /ledger/reports/{id}/review", h.review)
	srv.Page("GET /ledger/{id}/photos/{photo}", web.FileOf("id", "ledger.task_not_found", "photo", "ledger.photo_not_found", s.Photo))
}

func (s *Service) photoMax() int64 {
	if s.Photos.MaxBytes > 0 {
		return s.Photos.MaxBytes
	}
	return upload.DefaultMaxBytes
}

func filterOf(q url.Values) Filter {
	return Filter{Period: q.Get("period"), Kind: q.Get("kind"), Q: q.Get("q"), Overdue: q.Get("overdue") == "1",
		Page: web.PageParam(q), PerPage: 50}
}

type listData struct {
	web.Listing[Filter, LedgerTask]
	Kinds     []string
	Periods   []string
	CanManage bool
	CanRate   bool
	Summary   []string
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
	ps, err := h.S.Periods.Periods(ctx)
	if err != nil {
		return err
	}
	d := &listData{Listing: l, Kinds: Kinds, Periods: ps, CanManage: auth.Has(ctx, ManageRoles...), CanRate: auth.Has(ctx, RateRoles...), Summary: summary}
	h.Srv.Render.Render(w, status, "ledger/list", h.Srv.NewPage(r, "ledger.title", d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, i18n.T(i18n.From(r.Context()), "ledger.export_file")+"-"+h.S.Today()+".xlsx", filterOf, h.S.Export)
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "ledger.export_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, out)
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), ManageRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/ledger", h.S.Import,
		func(lang string, n LedgerImport) string { return i18n.T(lang, "ledger.imported", n.Tasks, n.Items) },
		func(status int, summary []string) error { return h.renderList(w, r, status, summary) })
}

// period is the period a page shows: the query's, else the last one.
func (h *Web) period(ctx context.Context, q url.Values) (string, []string, error) {
	ps, err := h.S.Periods.Periods(ctx)
	if err != nil {
		return "", nil, err
	}
	p := q.Get("period")
	if p == "" && len(ps) > 0 {
		p = ps[len(ps)-1]
	}
	return p, ps, nil
}

func (h *Web) rates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	period, ps, err := h.period(ctx, q)
	if err != nil {
		return err
	}
	rs, err := h.S.Rates(ctx, period, q.Get("division"))
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "ledger/rates", h.Srv.NewPage(r, "ledger.rates",
		map[string]any{"R": rs, "Periods": ps, "Division": q.Get("division")}))
	return nil
}

func (h *Web) exportRates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	period, _, err := h.period(ctx, q)
	if err != nil {
		return err
	}
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "ledger.rates_file")+"-"+period+".xlsx", func(out io.Writer) error {
		return h.S.ExportRates(ctx, period, q.Get("division"), out)
	})
}

type formData struct {
	Values  map[string]string
	Units   []LedgerUnit
	Periods []string
	Kinds   []string
	Errors  map[string]string
	Summary []string
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, v map[string]string, err error) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return err
	}
	us, uerr := h.S.Units.All(ctx)
	if uerr != nil {
		return uerr
	}
	ps, perr := h.S.Periods.Periods(ctx)
	if perr != nil {
		return perr
	}
	d := &formData{Values: v, Units: us, Periods: ps, Kinds: Kinds}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "ledger/form", h.Srv.NewPage(r, "ledger.new", d))
	return nil
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, http.StatusOK, map[string]string{}, nil)
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	return n
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return errs.Invalid(errs.Field("form", "error.invalid"))
	}
	in := LedgerTaskInput{Period: r.PostFormValue("period"), Kind: r.PostFormValue("kind"), Code: r.PostFormValue("task_code"),
		Title: r.PostFormValue("title"), Section: r.PostFormValue("section"), LeadUnit: formInt(r, "lead_unit"),
		Divisions: split(r.PostFormValue("divisions")), Deadline: r.PostFormValue("deadline")}
	for _, c := range r.PostForm["co_units"] {
		if n, err := strconv.ParseInt(c, 10, 64); err == nil {
			in.CoUnits = append(in.CoUnits, n)
		}
	}
	t, err := h.S.CreateTask(r.Context(), in)
	if err == nil {
		return web.FlashRedirect(w, r, "ledger.created", "/ledger/"+id(t.ID))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	v := map[string]string{}
	for _, k := range []string{"period", "kind", "task_code", "title", "section", "lead_unit", "divisions", "deadline"} {
		v[k] = r.PostFormValue(k)
	}
	for _, c := range r.PostForm["co_units"] {
		v["co:"+c] = "1"
	}
	return h.form(w, r, errs.Status(err), v, err)
}

type viewData struct {
	T         *LedgerTask
	Items     []WorkItem
	Units     []LedgerUnitRef
	CanManage bool
	MyUnit    int64
	Values    map[string]string
	Errors    map[string]string
	Summary   []string
	// At is the item or report a failed form was about.
	At int64
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	tid, err := web.PathID(r, "id", "ledger.task_not_found")
	if err != nil {
		return err
	}
	return h.renderView(w, r, tid, http.StatusOK, 0, nil, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, tid int64, status int, at int64, v map[string]string, err error) error {
	ctx := r.Context()
	t, items, gerr := h.S.TaskItems(ctx, tid)
	if gerr != nil {
		return gerr
	}
	d := &viewData{T: t, Items: items, CanManage: auth.Has(ctx, ManageRoles...), Values: v, At: at,
		Units: append([]LedgerUnitRef{t.LeadUnit}, t.CoUnits...)}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if p := auth.From(ctx); p != nil && slices.Contains(ReportRoles, p.Role) {
		if d.MyUnit, gerr = h.S.Units.Mine(ctx); gerr != nil {
			return gerr
		}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "ledger/view", h.Srv.NewPage(r, t.Title, d))
	return nil
}

// failed shows the task's page again for a form refused as invalid or
// conflicting; other errors are returned.
func (h *Web) failed(w http.ResponseWriter, r *http.Request, tid, at int64, v map[string]string, err error) error {
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderView(w, r, tid, errs.Status(err), at, v, err)
}

func (h *Web) addItem(w http.ResponseWriter, r *http.Request) error {
	tid, err := web.PathID(r, "id", "ledger.task_not_found")
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	in := WorkItemInput{Year: year, Title: r.PostFormValue("title"), Unit: formInt(r, "unit_id"), DivisionCode: r.PostFormValue("division_code"),
		DueOn: r.PostFormValue("due_on")}
	if _, err := h.S.AddItem(r.Context(), tid, in); err != nil {
		v := map[string]string{"year": r.PostFormValue("year"), "title": in.Title, "division_code": in.DivisionCode, "due_on": in.DueOn}
		return h.failed(w, r, tid, 0, v, err)
	}
	return web.FlashRedirect(w, r, "ledger.item_added", "/ledger/"+id(tid))
}

func (h *Web) report(w http.ResponseWriter, r *http.Request) error {
	iid, err := web.PathID(r, "id", "ledger.item_not_found")
	if err != nil {
		return err
	}
	if _, err := auth.Require(r.Context(), ReportRoles...); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, h.S.photoMax()+(1<<20))
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return errs.Invalid(errs.Field("photo", "upload.too_large", h.S.photoMax()>>20))
	}
	it, err := h.S.Store.item(r.Context(), iid)
	if err != nil {
		return err
	}
	note := r.PostFormValue("note")
	// The photo is optional: a form without one reports the note alone.
	var photo *upload.File
	if _, _, ferr := r.FormFile("photo"); !errors.Is(ferr, http.ErrMissingFile) {
		if photo, err = h.S.Photos.FormFile(r, "photo"); err != nil {
			return h.failed(w, r, it.TaskID, iid, map[string]string{"note": note}, err)
		}
	}
	if _, err := h.S.Report(r.Context(), iid, note, photo); err != nil {
		return h.failed(w, r, it.TaskID, iid, map[string]string{"note": note}, err)
	}
	return web.FlashRedirect(w, r, "ledger.reported", "/ledger/"+id(it.TaskID)+"#item-"+id(iid))
}

func (h *Web) review(w http.ResponseWriter, r *http.Request) error {
	rid, err := web.PathID(r, "id", "ledger.report_not_found")
	if err != nil {
		return err
	}
	if _, err := auth.Require(r.Context(), ManageRoles...); err != nil {
		return err
	}
	rep, err := h.S.Store.report(r.Context(), rid)
	if err != nil {
		return err
	}
	it, err := h.S.Store.item(r.Context(), rep.ItemID)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("return_reason")
	if _, err := h.S.Review(r.Context(), rid, r.PostFormValue("decision"), reason); err != nil {
		return h.failed(w, r, it.TaskID, rid, map[string]string{"return_reason": reason}, err)
	}
	return web.FlashRedirect(w, r, "ledger.reviewed", "/ledger/"+id(it.TaskID)+"#item-"+id(it.ID))
}
