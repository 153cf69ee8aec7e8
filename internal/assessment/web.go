package assessment

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "assessment", templates, web.NavItem{Key: "assessment.nav", Path: "/assessments", Roles: ReadRoles, Order: 15, Group: web.NavOverview})}
	srv.Page("GET /assessment/schemes", h.schemes)
	srv.Page("POST /assessment/schemes", h.createScheme)
	srv.Page("GET /assessment/schemes/{id}", h.scheme)
	srv.Page("POST /assessment/schemes/{id}/items", h.addItem)
	srv.Page("POST /assessment/schemes/{id}/items/{item}/delete", h.removeItem)
	srv.Page("POST /assessment/schemes/{id}/open", h.schemeStep(s.OpenScheme, "assessment.opened"))
	srv.Page("POST /assessment/schemes/{id}/publish", h.schemeStep(s.PublishResults, "assessment.published"))
	srv.Page("GET /assessment/schemes/{id}/ranking", h.ranking)
	srv.Page("GET /assessments", h.list)
	srv.Page("GET /assessments/export.xlsx", h.export)
	srv.Page("POST /assessments", h.start)
	srv.Page("GET /assessments/{id}", h.view)
	srv.Page("POST /assessments/{id}/items/{item}", h.score, web.MaxBody(Evidence.MaxBytes+1<<20))
	srv.Page("POST /assessments/{id}/submit", h.step(s.Submit, "assessment.submitted"))
	srv.Page("POST /assessments/{id}/review", h.step(s.Review, "assessment.reviewed"))
	srv.Page("POST /assessments/{id}/approve", h.step(s.Approve, "assessment.approved"))
	srv.Page("POST /assessments/{id}/return", h.returnIt)
	srv.Page("GET /assessments/{id}/evidence/{blob}", web.FileOf("id", "assessment.not_found", "blob", "error.not_found", s.EvidenceImage))
}

// form is what a page with a form shows again after a refusal.
type form struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (f *form) explain(r *http.Request, err error) {
	if err != nil {
		f.Summary, f.Errors = web.Explain(i18n.From(r.Context()), err)
	}
}

// invalid is whether err is one a form shows beside its fields.
func invalid(err error) bool {
	c := errs.Code(err)
	return c == errs.EINVALID || c == errs.ECONFLICT
}

type schemesData struct {
	form
	Items     []AssessmentScheme
	CanDefine bool
	Year      int
}

func (h *Web) schemes(w http.ResponseWriter, r *http.Request) error {
	return h.renderSchemes(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderSchemes(w http.ResponseWriter, r *http.Request, status int, values map[string]string, err error) error {
	items, lerr := h.S.Schemes(r.Context(), 0)
	if lerr != nil {
		return lerr
	}
	d := &schemesData{Items: items, CanDefine: auth.Has(r.Context(), DefineRoles...), Year: h.S.Year()}
	d.Values = values
	if d.Values == nil {
		d.Values = map[string]string{"year": strconv.Itoa(d.Year)}
	}
	d.explain(r, err)
	h.Srv.Render.Render(w, status, "assessment/schemes", h.Srv.NewPage(r, "assessment.schemes", d))
	return nil
}

func (h *Web) createScheme(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	in := AssessmentSchemeInput{Name: r.PostFormValue("name"), Year: year}
	sc, err := h.S.CreateScheme(r.Context(), in)
	if err == nil {
		return web.FlashRedirect(w, r, "assessment.scheme_created", "/assessment/schemes/"+id(sc.ID))
	}
	if !invalid(err) {
		return err
	}
	return h.renderSchemes(w, r, errs.Status(err), map[string]string{"name": in.Name, "year": r.PostFormValue("year")}, err)
}

type schemeData struct {
	form
	S        *AssessmentScheme
	Metrics  []AssessmentMetric
	Owner    bool
	CanStart bool
	Sum      int
}

func (h *Web) scheme(w http.ResponseWriter, r *http.Request) error {
	return h.renderScheme(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderScheme(w http.ResponseWriter, r *http.Request, status int, values map[string]string, err error) error {
	ctx := r.Context()
	sid, perr := web.PathID(r, "id", "assessment.scheme_not_found")
	if perr != nil {
		return perr
	}
	sc, gerr := h.S.Scheme(ctx, sid)
	if gerr != nil {
		return gerr
	}
	p := auth.From(ctx)
	d := &schemeData{S: sc, Metrics: h.S.Metrics(), Sum: sc.WeightSum(),
		Owner:    auth.Has(r.Context(), DefineRoles...) && p.Area.Code == sc.DivisionCode,
		CanStart: auth.Has(r.Context(), SelfRoles...) && sc.State == Open}
	d.Values = values
	if d.Values == nil {
		d.Values = map[string]string{"scoring": Hand, "rule": Linear}
	}
	d.explain(r, err)
	h.Srv.Render.Render(w, status, "assessment/scheme", h.Srv.NewPage(r, sc.Name, d))
	return nil
}

func optFloat(s string) *float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		v = 0
	}
	return &v
}

func (h *Web) addItem(w http.ResponseWriter, r *http.Request) error {
	sid, err := web.PathID(r, "id", "assessment.scheme_not_found")
	if err != nil {
		return err
	}
	weight, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("weight")))
	in := AssessmentItemInput{Name: r.PostFormValue("name"), Weight: weight, Method: r.PostFormValue("scoring"), Metric: r.PostFormValue("metric"),
		Rule: r.PostFormValue("rule"), Floor: optFloat(r.PostFormValue("floor")), Target: optFloat(r.PostFormValue("goal")),
		Steps: r.PostFormValue("steps"), Guidance: r.PostFormValue("guidance")}
	if _, err := h.S.AddItem(r.Context(), sid, in); err != nil {
		if !invalid(err) {
			return err
		}
		values := map[string]string{}
		for _, k := range []string{"name", "weight", "scoring", "metric", "rule", "floor", "goal", "steps", "guidance"} {
			values[k] = r.PostFormValue(k)
		}
		return h.renderScheme(w, r, errs.Status(err), values, err)
	}
	return web.FlashRedirect(w, r, "assessment.item_added", "/assessment/schemes/"+id(sid))
}

func (h *Web) removeItem(w http.ResponseWriter, r *http.Request) error {
	sid, err := web.PathID(r, "id", "assessment.scheme_not_found")
	if err != nil {
		return err
	}
	item, err := web.PathID(r, "item", "assessment.item_not_found", 0)
	if err != nil {
		return err
	}
	if _, err := h.S.RemoveItem(r.Context(), sid, item); err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "assessment.item_removed", "/assessment/schemes/"+id(sid))
}

func (h *Web) schemeStep(call func(ctx context.Context, id int64) (*AssessmentScheme, error), done string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		sid, err := web.PathID(r, "id", "assessment.scheme_not_found")
		if err != nil {
			return err
		}
		if _, err := call(r.Context(), sid); err != nil {
			if !invalid(err) {
				return err
			}
			return h.renderScheme(w, r, errs.Status(err), nil, err)
		}
		return web.FlashRedirect(w, r, done, "/assessment/schemes/"+id(sid))
	}
}

func (h *Web) ranking(w http.ResponseWriter, r *http.Request) error {
	sid, err := web.PathID(r, "id", "assessment.scheme_not_found")
	if err != nil {
		return err
	}
	rk, err := h.S.Ranking(r.Context(), sid, r.URL.Query().Get("division"))
	if err != nil {
		return err
	}
	name := h.S.Store.divisionName(r.Context(), rk.DivisionCode)
	h.Srv.Render.Render(w, http.StatusOK, "assessment/ranking", h.Srv.NewPage(r, "assessment.ranking",
		map[string]any{"R": rk, "Name": name, "Divisions": h.rankDivisions(r, rk.Scheme)}))
	return nil
}

// rankDivision is a ranking the caller can open.
type rankDivision struct{ Code, Name string }

// rankDivisions are the township and county rankings above or at the
// caller's area inside the scheme's division.
func (h *Web) rankDivisions(r *http.Request, sc *AssessmentScheme) []rankDivision {
	c := division.Code(auth.From(r.Context()).Area.Code)
	var out []rankDivision
	for _, l := range []int{division.Township, division.County} {
		if !division.ValidCode(string(c)) || c.Level() < l {
			continue
		}
		if code := c.At(l); strings.HasPrefix(code, division.Code(sc.DivisionCode).Prefix()) {
			out = append(out, rankDivision{code, h.S.Store.divisionName(r.Context(), code)})
		}
	}
	return out
}

func filterOf(q url.Values) Filter {
	year, _ := strconv.Atoi(q.Get("year"))
	sid, _ := strconv.ParseInt(q.Get("scheme_id"), 10, 64)
	return Filter{Year: year, SchemeID: sid, State: q.Get("state"), Q: q.Get("q"), Page: web.PageParam(q), PerPage: 50}
}

type listData struct {
	form
	web.Listing[Filter, Assessment]
	States   []string
	CanStart bool
	Year     int
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, nil)
}

func (h *Web) renderList(w http.ResponseWriter, r *http.Request, status int, err error) error {
	l, lerr := web.ListOf(r, filterOf, h.S.List)
	if lerr != nil {
		// A search refused shows the form with the reason, unless the
		// page already explains a refused start.
		if errs.Code(lerr) != errs.EINVALID {
			return lerr
		}
		if err == nil {
			err, status = lerr, errs.Status(lerr)
		}
	}
	d := &listData{Listing: l, States: states, CanStart: auth.Has(r.Context(), SelfRoles...), Year: h.S.Year()}
	d.explain(r, err)
	h.Srv.Render.Render(w, status, "assessment/list", h.Srv.NewPage(r, "assessment.title", d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, i18n.T(i18n.From(r.Context()), "assessment.export_file")+".xlsx", filterOf, h.S.Export)
}

func (h *Web) start(w http.ResponseWriter, r *http.Request) error {
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	a, err := h.S.Start(r.Context(), year)
	if err != nil {
		if c := errs.Code(err); !invalid(err) && c != errs.ENOTFOUND {
			return err
		}
		return h.renderList(w, r, errs.Status(err), err)
	}
	return web.FlashRedirect(w, r, "assessment.started", "/assessments/"+id(a.ID))
}

type viewData struct {
	form
	A          *Assessment
	Self       bool // the community may score and submit
	Review     bool // the township may score and end the review
	Approve    bool // the county may approve or return
	ItemID     int64
	MaxBytesMB int64
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, 0, nil, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, item int64, values map[string]string, err error) error {
	ctx := r.Context()
	aid, perr := web.PathID(r, "id", "assessment.not_found")
	if perr != nil {
		return perr
	}
	a, gerr := h.S.Get(ctx, aid)
	if gerr != nil {
		return gerr
	}
	d := &viewData{A: a, ItemID: item, MaxBytesMB: Evidence.MaxBytes >> 20,
		Self:    auth.Has(r.Context(), SelfRoles...) && (a.State == SelfAssessing || a.State == Returned),
		Review:  auth.Has(r.Context(), ReviewRoles...) && a.State == Submitted,
		Approve: auth.Has(r.Context(), ApproveRoles...) && a.State == Reviewed}
	d.Values = values
	d.explain(r, err)
	h.Srv.Render.Render(w, status, "assessment/view", h.Srv.NewPage(r, a.CommunityName+" "+strconv.Itoa(a.Year), d))
	return nil
}

func (h *Web) score(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	aid, err := web.PathID(r, "id", "assessment.not_found")
	if err != nil {
		return err
	}
	item, err := web.PathID(r, "item", "assessment.item_not_found", 0)
	if err != nil {
		return err
	}
	values := map[string]string{"points": r.PostFormValue("points"), "note": r.PostFormValue("note"), "change_reason": r.PostFormValue("change_reason")}
	err = h.scoreForm(r, aid, item, values)
	if err != nil {
		if !invalid(err) {
			return err
		}
		return h.renderView(w, r, errs.Status(err), item, values, err)
	}
	return web.FlashRedirect(w, r, i18n.T(i18n.From(ctx), "assessment.scored"), "/assessments/"+id(aid)+"#item-"+id(item))
}

// scoreForm saves a hand item's form: the points and note, and an
// evidence image when one is attached.
func (h *Web) scoreForm(r *http.Request, aid, item int64, values map[string]string) error {
	pts, perr := strconv.ParseFloat(strings.TrimSpace(values["points"]), 64)
	if perr != nil {
		return errs.Invalid(errs.Field("points", "assessment.points_number"))
	}
	var f *upload.File
	if _, hdr, ferr := r.FormFile("evidence"); ferr == nil && hdr.Size > 0 {
		var err error
		if f, err = Evidence.FormFile(r, "evidence"); err != nil {
			return err
		}
	}
	_, err := h.S.ScoreHand(r.Context(), aid, item, AssessmentHandInput{Points: pts, Note: values["note"], Reason: values["change_reason"]}, f)
	return err
}

func (h *Web) step(call func(ctx context.Context, id int64) (*Assessment, error), done string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		aid, err := web.PathID(r, "id", "assessment.not_found")
		if err != nil {
			return err
		}
		if _, err := call(r.Context(), aid); err != nil {
			if !invalid(err) {
				return err
			}
			return h.renderView(w, r, errs.Status(err), 0, nil, err)
		}
		return web.FlashRedirect(w, r, done, "/assessments/"+id(aid))
	}
}

func (h *Web) returnIt(w http.ResponseWriter, r *http.Request) error {
	aid, err := web.PathID(r, "id", "assessment.not_found")
	if err != nil {
		return err
	}
	reason := r.PostFormValue("return_reason")
	if _, err := h.S.Return(r.Context(), aid, reason); err != nil {
		if !invalid(err) {
			return err
		}
		return h.renderView(w, r, errs.Status(err), 0, map[string]string{"return_reason": reason}, err)
	}
	return web.FlashRedirect(w, r, "assessment.returned", "/assessments/"+id(aid))
}
