package auditlog

import (
	"embed"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the auditor's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the auditor's navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "auditlog", templates, web.NavItem{Key: "auditlog.nav", Path: "/audit", Roles: Roles, Order: 90, Group: web.NavAdmin})}
	srv.Page("GET /audit", h.list)
	srv.Page("GET /audit/export.xlsx", h.export)
	srv.Page("POST /audit/verify", h.verify)
}

func queryOf(v url.Values) Query {
	page := web.PageParam(v)
	return Query{Actor: v.Get("actor"), Action: v.Get("action"), ObjectType: v.Get("object_type"), ObjectID: v.Get("object_id"),
		Result: v.Get("result"), From: v.Get("from"), To: v.Get("to"), Page: page}
}

type listData struct {
	Q         Query
	Results   []string
	Rows      []Row
	Page      int
	More      bool
	ExportURL string
	Errors    []string
	Bad       map[string]bool
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := queryOf(r.URL.Query())
	items, f, more, err := h.S.Search(ctx, q)
	d := &listData{Q: q, Results: resultsFor(), Page: f.Page, More: more, Bad: map[string]bool{}}
	if errs.Code(err) == errs.EINVALID {
		lang := i18n.From(ctx)
		e := errs.As(err)
		d.Errors = append(d.Errors, i18n.ErrorMessage(lang, e))
		for _, fe := range e.Fields {
			d.Errors = append(d.Errors, i18n.FieldMessage(lang, fe))
			d.Bad[fe.Field] = true
		}
		h.Srv.Render.Render(w, errs.Status(err), "auditlog/list", h.Srv.NewPage(r, "auditlog.title", d))
		return nil
	}
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	for _, it := range items {
		d.Rows = append(d.Rows, rowOf(lang, it))
	}
	v := r.URL.Query()
	v.Del("page")
	d.ExportURL = "/audit/export.xlsx"
	if enc := v.Encode(); enc != "" {
		d.ExportURL += "?" + enc
	}
	h.Srv.Render.Render(w, http.StatusOK, "auditlog/list", h.Srv.NewPage(r, "auditlog.title", d))
	return nil
}

func resultsFor() []string { return audit.Results }

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	x, _, err := h.S.Export(r.Context(), queryOf(r.URL.Query()))
	if err != nil {
		return err
	}
	defer x.Close()
	name := fmt.Sprintf("audit-%s.xlsx", h.S.Now().In(calendar.China).Format("20060102-150405"))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if _, err := x.WriteTo(w); err != nil {
		// The response has begun; a failure now can only cut the download.
		slog.WarnContext(r.Context(), "audit export cut short", "err", err)
	}
	return nil
}

type verifyData struct {
	Outcome *Outcome
	Local   string
	Message string
}

func (h *Web) verify(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	o, err := h.S.Verify(ctx)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	d := &verifyData{Outcome: o, Local: o.At.In(calendar.China).Format(localLayout)}
	if o.Broken != nil {
		d.Message = i18n.T(lang, o.Broken.Key, append([]any(nil), o.Broken.Args...)...)
	}
	h.Srv.Render.Render(w, http.StatusOK, "auditlog/verify", h.Srv.NewPage(r, "auditlog.verify", d))
	return nil
}
