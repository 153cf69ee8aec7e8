package indicator

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

// registerPlanWeb adds the plan periods' page, the load and freeze forms
// and the evaluation's page and downloads.
func (h *Web) registerPlanWeb(srv *web.Server) {
	srv.AddNav(web.NavItem{Key: "indicator.plans.nav", Path: "/plan-periods", Roles: EvalRoles, Order: 21, Group: web.NavOverview})
	srv.Page("GET /plan-periods", h.plans)
	srv.Page("GET /plan-periods/template.xlsx", h.template)
	srv.Page("POST /plan-periods", h.load, web.MaxBody(2*planSpec.MaxBytes))
	srv.Page("POST /plan-periods/freeze", h.freeze)
	srv.Page("GET /plan-periods/{period}/evaluation", h.evaluation)
	srv.Page("GET /plan-periods/{period}/evaluation.pdf", h.evaluationPDF)
	srv.Page("GET /plan-periods/{period}/evaluation.xlsx", h.evaluationXLSX)
}

// periodFromQuery chooses the plan period a dashboard page reads.
func periodFromQuery(r *http.Request) *http.Request {
	return r.WithContext(WithPeriod(r.Context(), r.URL.Query().Get("period")))
}

type plansData struct {
	Plans    []*Plan
	Current  string
	Area     string
	CanLoad  bool
	LastYear int
	Form     map[string]string
	Summary  []string
}

func (h *Web) plansPage(w http.ResponseWriter, r *http.Request, status int, form map[string]string, summary []string) error {
	ctx := r.Context()
	p, err := auth.Require(ctx, EvalRoles...)
	if err != nil {
		return err
	}
	ps, err := h.S.Plans(ctx)
	if err != nil {
		return err
	}
	_, lerr := auth.Require(ctx, PlanRoles...)
	d := &plansData{Plans: ps, Current: current(ps, h.S.Engine.Year()).Code, Area: p.Area.Code, CanLoad: lerr == nil,
		LastYear: h.S.Engine.Year() - 1, Form: form, Summary: summary}
	h.Srv.Render.Render(w, status, "indicator/plans", h.Srv.NewPage(r, "indicator.plans.title", d))
	return nil
}

func (h *Web) plans(w http.ResponseWriter, r *http.Request) error {
	return h.plansPage(w, r, http.StatusOK, map[string]string{}, nil)
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), PlanRoles...); err != nil {
		return err
	}
	lang := i18n.From(r.Context())
	return xlsx.Download(w, i18n.T(lang, "indicator.plans.template_file")+".xlsx", func(w io.Writer) error { return WriteTemplate(w, lang) })
}

// load reads the new period's form and file; a refused file shows the page
// again with every problem named by row and field.
func (h *Web) load(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), PlanRoles...); err != nil {
		return err
	}
	form := map[string]string{}
	read := func(ctx context.Context, f io.Reader) (*Plan, error) {
		for _, k := range []string{"base_year", "end_year", "name_zh", "name_en"} {
			form[k] = strings.TrimSpace(r.PostFormValue(k))
		}
		var bad errs.Fields
		base, err1 := strconv.Atoi(form["base_year"])
		if err1 != nil {
			bad.Add("period_base_year", "error.not_integer")
		}
		end, err2 := strconv.Atoi(form["end_year"])
		if err2 != nil {
			bad.Add("period_end_year", "error.not_integer")
		}
		if err := bad.Err(); err != nil {
			return nil, err
		}
		return h.S.ImportPlan(ctx, PeriodInput{BaseYear: base, EndYear: end, NameZh: form["name_zh"], NameEn: form["name_en"]}, f)
	}
	return web.ImportFile(w, r, 2*planSpec.MaxBytes, "/plan-periods", read, importDone, func(status int, summary []string) error {
		return h.plansPage(w, r, status, form, summary)
	})
}

func (h *Web) freeze(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	if err != nil {
		return h.plansPage(w, r, http.StatusUnprocessableEntity, map[string]string{}, []string{i18n.T(i18n.From(r.Context()), "error.not_integer")})
	}
	res, err := h.S.Freeze(r.Context(), r.PostFormValue("period"), year)
	if errs.Code(err) == errs.EINVALID {
		sum, _ := web.Explain(i18n.From(r.Context()), err)
		return h.plansPage(w, r, errs.Status(err), map[string]string{}, sum)
	}
	if err != nil {
		return err
	}
	web.Flash(w, r, "indicator.plans.frozen")
	http.Redirect(w, r, "/plan-periods/"+res.Period+"/evaluation?year="+strconv.Itoa(res.Year)+"&division="+h.area(r), http.StatusSeeOther)
	return nil
}

func (h *Web) area(r *http.Request) string {
	if p := auth.From(r.Context()); p != nil {
		return p.Area.Code
	}
	return ""
}

// evalFromQuery reads the evaluation a page or download asks for.
func (h *Web) evalFromQuery(r *http.Request) (*Evaluation, error) {
	q := r.URL.Query()
	year := 0
	if y := q.Get("year"); y != "" {
		var err error
		if year, err = strconv.Atoi(y); err != nil {
			return nil, errs.Invalid(errs.Field("year", "error.not_integer"))
		}
	}
	code := q.Get("division")
	if code == "" {
		code = h.area(r)
	}
	return h.S.Evaluate(r.Context(), r.PathValue("period"), year, code)
}

type evalLineView struct {
	Code, Name, Baseline, Target, Value, Result, How string
}

type evalData struct {
	Eval      *Evaluation
	Title     string
	Years     []int
	Divisions []division.Division
	Lines     []evalLineView
	Counties  bool
}

func (h *Web) evaluation(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evalFromQuery(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	lang := i18n.From(ctx)
	d := &evalData{Eval: ev, Title: evalTitle(lang, ev), Years: ev.Plan.Years(), Counties: len(ev.Counties) > 0}
	if p := auth.From(ctx); p != nil {
		top, err := h.S.Divisions.Get(ctx, p.Area.Code)
		if err != nil {
			return err
		}
		if top.Level <= division.County {
			d.Divisions = append(d.Divisions, *top)
		}
		if top.Level == division.City {
			kids, err := h.S.children(ctx, top.Code)
			if err != nil {
				return err
			}
			d.Divisions = append(d.Divisions, kids...)
		}
	}
	for _, l := range ev.Main.Lines {
		v := evalLineView{Code: l.Code, Name: defName(lang, l.Def), Baseline: fmtOpt(l.Baseline), Target: num(l.Target), Value: fmtOpt(l.Value),
			Result: metText(lang, l)}
		if l.Obtained != "" {
			v.How = i18n.T(lang, "indicator.eval.obtained."+l.Obtained)
		}
		d.Lines = append(d.Lines, v)
	}
	h.Srv.Render.Render(w, http.StatusOK, "indicator/evaluation", h.Srv.NewPage(r, d.Title, d))
	return nil
}

func (h *Web) evaluationPDF(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evalFromQuery(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, ev, time.Now()); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": evalFile(ev) + ".pdf"}))
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (h *Web) evaluationXLSX(w http.ResponseWriter, r *http.Request) error {
	ev, err := h.evalFromQuery(r)
	if err != nil {
		return err
	}
	lang := i18n.From(r.Context())
	return xlsx.Download(w, evalFile(ev)+".xlsx", func(w io.Writer) error { return WriteXLSX(w, lang, ev) })
}

func evalFile(ev *Evaluation) string {
	return "evaluation-" + ev.Period + "-" + strconv.Itoa(ev.Year) + "-" + ev.Main.Division.Code
}
