package survey

import (
	"embed"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// builderSlots is how many question rows the questionnaire form offers;
// rows left empty are not questions.
const builderSlots = 8

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "survey", templates, web.NavItem{Key: "survey.nav", Path: "/surveys", Roles: append(slices.Clone(ReadRoles), AnswerRoles...), Order: 47, Group: web.NavRequests})}
	srv.Page("GET /surveys", h.list)
	srv.Page("GET /surveys/questionnaires/new", h.newQuestionnaire)
	srv.Page("POST /surveys/questionnaires", h.createQuestionnaire)
	srv.Page("GET /surveys/questionnaires/{id}", h.questionnaire)
	srv.Page("GET /surveys/rounds/new", h.newRound)
	srv.Page("POST /surveys/rounds", h.createRound)
	srv.Page("GET /surveys/rounds/{id}", h.round)
	srv.Page("POST /surveys/rounds/{id}/responses", h.answer)
	srv.Page("POST /surveys/rounds/{id}/close", h.close)
	srv.Page("GET /surveys/rounds/{id}/results", h.results)
	srv.Page("GET /surveys/rounds/{id}/results.xlsx", h.export)
}

type listData struct {
	F              RoundFilter
	Rounds         []Round
	Page           int
	More           bool
	Questionnaires []Questionnaire
	CanBuild       bool
	Staff          bool
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := RoundFilter{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Page: web.PageParam(q), PerPage: 50}
	rounds, more, err := h.S.Rounds(ctx, f)
	if err != nil {
		return err
	}
	d := &listData{F: f, Rounds: rounds, More: more, CanBuild: auth.Has(r.Context(), BuildRoles...), Staff: auth.Has(r.Context(), ReadRoles...)}
	d.Page, _ = db.Paging(f.Page, f.PerPage)
	if d.Staff {
		if d.Questionnaires, _, err = h.S.Questionnaires(ctx, "", 1, 20); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, http.StatusOK, "survey/list", h.Srv.NewPage(r, "survey.title", d))
	return nil
}

type slot struct {
	N                   int
	Kind, Text, Options string
	Required            bool
}

type questionnaireForm struct {
	Values  map[string]string
	Slots   []slot
	Kinds   []string
	Errors  map[string]string
	Summary []string
}

func (h *Web) newQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), BuildRoles...); err != nil {
		return err
	}
	d := &questionnaireForm{Values: map[string]string{}, Kinds: Kinds}
	for i := 1; i <= builderSlots; i++ {
		d.Slots = append(d.Slots, slot{N: i, Kind: Rating})
	}
	h.Srv.Render.Render(w, http.StatusOK, "survey/questionnaire_form", h.Srv.NewPage(r, "survey.questionnaire_new", d))
	return nil
}

func (h *Web) createQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	in := QuestionnaireInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description")}
	d := &questionnaireForm{Values: map[string]string{"title": in.Title, "description": in.Description}, Kinds: Kinds}
	for i := 1; i <= builderSlots; i++ {
		n := strconv.Itoa(i)
		sl := slot{N: i, Kind: r.PostFormValue("kind" + n), Text: r.PostFormValue("text" + n), Options: r.PostFormValue("options" + n),
			Required: r.PostFormValue("required"+n) == "1"}
		d.Slots = append(d.Slots, sl)
		if strings.TrimSpace(sl.Text) == "" {
			continue
		}
		in.Questions = append(in.Questions, QuestionInput{Kind: sl.Kind, Text: sl.Text, Required: sl.Required, Options: strings.Split(sl.Options, "\n")})
	}
	q, err := h.S.CreateQuestionnaire(r.Context(), in)
	if err == nil {
		web.Flash(w, r, "layout.saved")
		http.Redirect(w, r, "/surveys/questionnaires/"+id(q.ID), http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	h.Srv.Render.Render(w, errs.Status(err), "survey/questionnaire_form", h.Srv.NewPage(r, "survey.questionnaire_new", d))
	return nil
}

func (h *Web) questionnaire(w http.ResponseWriter, r *http.Request) error {
	qid, err := web.PathID(r, "id", "survey.questionnaire_not_found")
	if err != nil {
		return err
	}
	q, err := h.S.Questionnaire(r.Context(), qid)
	if err != nil {
		return err
	}
	d := map[string]any{"Q": q, "CanBuild": auth.Has(r.Context(), BuildRoles...)}
	h.Srv.Render.Render(w, http.StatusOK, "survey/questionnaire", h.Srv.NewPage(r, q.Title, d))
	return nil
}

type roundForm struct {
	Values         map[string]string
	Questionnaires []Questionnaire
	Errors         map[string]string
	Summary        []string
}

func (h *Web) roundForm(w http.ResponseWriter, r *http.Request, status int, d *roundForm) error {
	qs, _, err := h.S.Questionnaires(r.Context(), "", 1, 200)
	if err != nil {
		return err
	}
	d.Questionnaires = qs
	h.Srv.Render.Render(w, status, "survey/round_form", h.Srv.NewPage(r, "survey.round_new", d))
	return nil
}

func (h *Web) newRound(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), BuildRoles...)
	if err != nil {
		return err
	}
	today := h.S.Today()
	vals := map[string]string{"division_code": p.Area.Code, "opens_on": today, "closes_on": today[:4] + "-12-31",
		"min_responses": strconv.Itoa(DefaultMinResponses), "questionnaire_id": r.URL.Query().Get("questionnaire")}
	return h.roundForm(w, r, http.StatusOK, &roundForm{Values: vals})
}

func (h *Web) createRound(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{}
	for _, k := range []string{"questionnaire_id", "division_code", "title", "opens_on", "closes_on", "min_responses"} {
		vals[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := RoundInput{DivisionCode: vals["division_code"], Title: vals["title"], OpensOn: vals["opens_on"], ClosesOn: vals["closes_on"]}
	var bad errs.Fields
	in.QuestionnaireID, _ = strconv.ParseInt(vals["questionnaire_id"], 10, 64)
	if m, err := strconv.Atoi(vals["min_responses"]); err != nil && vals["min_responses"] != "" {
		bad.Add("min_responses", "error.not_integer")
	} else {
		in.MinResponses = m
	}
	err := bad.Err()
	var rd *Round
	if err == nil {
		rd, err = h.S.CreateRound(r.Context(), in)
	}
	if err == nil {
		web.Flash(w, r, "layout.saved")
		http.Redirect(w, r, "/surveys/rounds/"+id(rd.ID), http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	d := &roundForm{Values: vals}
	d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	return h.roundForm(w, r, errs.Status(err), d)
}

type roundData struct {
	F         *Form
	Resident  bool
	CanBuild  bool
	CanClose  bool
	Community string
	Summary   []string
}

func (h *Web) round(w http.ResponseWriter, r *http.Request) error {
	return h.renderRound(w, r, http.StatusOK, nil)
}

func (h *Web) renderRound(w http.ResponseWriter, r *http.Request, status int, err error) error {
	ctx := r.Context()
	rid, gerr := web.PathID(r, "id", "survey.round_not_found")
	if gerr != nil {
		return gerr
	}
	f, gerr := h.S.Form(ctx, rid)
	if gerr != nil {
		return gerr
	}
	p := auth.From(ctx)
	d := &roundData{F: f, Resident: p.Role == auth.Resident, CanBuild: auth.Has(r.Context(), BuildRoles...), Community: r.PostFormValue("community")}
	d.CanClose = d.CanBuild && f.Round.Status == Open && p.Area.Contains(f.Round.DivisionCode)
	if d.Community == "" && p.Role != auth.Resident {
		d.Community = p.Area.Code
	}
	if err != nil {
		d.Summary, _ = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "survey/round", h.Srv.NewPage(r, f.Round.Title, d))
	return nil
}

// answersOf reads the answer form: q<ID> holds a choice's option number,
// a rating or a text; a multiple choice sends q<ID> once per option.
func answersOf(r *http.Request, qs []Question) []Answer {
	var out []Answer
	for _, q := range qs {
		key := "q" + id(q.ID)
		a := Answer{QuestionID: q.ID}
		switch q.Kind {
		case Multiple:
			for _, v := range r.PostForm[key] {
				n, err := strconv.Atoi(v)
				if err != nil {
					n = -1
				}
				a.Values = append(a.Values, n)
			}
		case Text:
			a.Text = r.PostFormValue(key)
		default:
			if v := r.PostFormValue(key); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					n = -1
				}
				a.Value = n
			}
		}
		out = append(out, a)
	}
	return out
}

func (h *Web) answer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rid, err := web.PathID(r, "id", "survey.round_not_found")
	if err != nil {
		return err
	}
	f, err := h.S.Form(ctx, rid)
	if err != nil {
		return err
	}
	_ = r.ParseForm()
	err = h.S.Answer(ctx, rid, ResponseInput{Community: strings.TrimSpace(r.PostFormValue("community")), Answers: answersOf(r, f.Questions)})
	if err == nil {
		web.Flash(w, r, "survey.thanks")
		http.Redirect(w, r, "/surveys/rounds/"+id(rid), http.StatusSeeOther)
		return nil
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderRound(w, r, errs.Status(err), err)
}

func (h *Web) close(w http.ResponseWriter, r *http.Request) error {
	rid, err := web.PathID(r, "id", "survey.round_not_found")
	if err != nil {
		return err
	}
	if _, err := h.S.Close(r.Context(), rid); err != nil {
		if errs.Code(err) != errs.ECONFLICT {
			return err
		}
		return h.renderRound(w, r, errs.Status(err), err)
	}
	web.Flash(w, r, "survey.closed")
	http.Redirect(w, r, "/surveys/rounds/"+id(rid)+"/results", http.StatusSeeOther)
	return nil
}

type resultsData struct {
	R     *Results
	Texts map[int64][]TextAnswer
}

func (h *Web) results(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rid, err := web.PathID(r, "id", "survey.round_not_found")
	if err != nil {
		return err
	}
	res, err := h.S.Results(ctx, rid, r.URL.Query().Get("division"))
	if err != nil {
		return err
	}
	d := &resultsData{R: res, Texts: map[int64][]TextAnswer{}}
	for _, q := range res.Questions {
		if q.Question.Kind == Text && q.Answered > 0 {
			if d.Texts[q.Question.ID], _, err = h.S.Texts(ctx, rid, q.Question.ID, res.Division.Code, 1, 20); err != nil {
				return err
			}
		}
	}
	h.Srv.Render.Render(w, http.StatusOK, "survey/results", h.Srv.NewPage(r, res.Round.Title, d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rid, err := web.PathID(r, "id", "survey.round_not_found")
	if err != nil {
		return err
	}
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "survey.export_file")+"-"+id(rid)+".xlsx", func(out io.Writer) error {
		return h.S.Export(ctx, rid, r.URL.Query().Get("division"), out)
	})
}
