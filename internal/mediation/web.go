package mediation

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
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
	h := &Web{web.NewPages(srv, s, "mediation", templates, web.NavItem{Key: "mediation.nav", Path: "/mediation/cases", Roles: ReadRoles, Order: 45, Group: web.NavRequests}, web.NavItem{Key: "mediation.figures", Path: "/mediation/figures", Roles: ReadRoles, Order: 46, Group: web.NavRequests})}
	srv.Page("GET /mediation/figures", h.figures)
	srv.Page("GET /mediation/cases", h.cases)
	srv.Page("GET /mediation/cases/export.xlsx", h.exportCases)
	srv.Page("POST /mediation/cases", h.openCase)
	srv.Page("POST /mediation/from-request/{id}", h.fromRequest)
	srv.Page("GET /mediation/cases/{id}", h.caseView)
	srv.Page("POST /mediation/cases/{id}/parties", h.addParty)
	srv.Page("POST /mediation/cases/{id}/mediators", h.assign)
	srv.Page("POST /mediation/cases/{id}/steps", h.logStep)
	srv.Page("POST /mediation/cases/{id}/agreement", h.agree, web.MaxBody(s.Copies.MaxBytes+(1<<20)))
	srv.Page("GET /mediation/cases/{id}/agreement", web.File("id", "mediation.case_not_found", s.AgreementCopy))
	srv.Page("POST /mediation/cases/{id}/failure", h.fail)
	srv.Page("POST /mediation/cases/{id}/callback", h.callback)
	srv.Page("POST /mediation/cases/{id}/close", h.closeCase)
	srv.Page("POST /mediation/cases/{id}/reveal", h.reveal)
	srv.Page("GET /mediation/committees", h.committees)
	srv.Page("POST /mediation/committees", h.createCommittee)
	srv.Page("GET /mediation/committees/{id}", h.committee)
	srv.Page("POST /mediation/committees/{id}/mediators", h.addMediator)
	srv.Page("GET /mediation/advisers", h.advisers)
	srv.Page("GET /mediation/advisers/services.xlsx", h.exportServices)
	srv.Page("POST /mediation/advisers", h.createAdviser)
	srv.Page("GET /mediation/advisers/{id}", h.adviser)
	srv.Page("POST /mediation/advisers/{id}/services", h.logService)
	srv.Page("GET /mediation/literates", h.literates)
	srv.Page("GET /mediation/literates/export.xlsx", h.exportLiterates)
	srv.Page("POST /mediation/literates", h.createLiterate)
	srv.Page("GET /mediation/literates/{id}", h.literate)
	srv.Page("POST /mediation/literates/{id}/trainings", h.addTraining)
}

// problem is what a page shows of a refused form.
type problem = web.Refused

// after ends a form: on success a flash and a redirect; on an error the
// user can correct (invalid, conflict, four eyes) the page again with it.
func (h *Web) after(w http.ResponseWriter, r *http.Request, err error, to string, again func(int, *problem) error) error {
	return web.FormDone(w, r, err, "layout.saved", to, again, func(err error) bool {
		return errs.Code(err) == errs.EFORBIDDEN && errs.As(err).Key == "mediation.four_eyes"
	})
}

func form(r *http.Request, k string) string { return strings.TrimSpace(r.PostFormValue(k)) }

func formInt(r *http.Request, k string) int64 {
	n, _ := strconv.ParseInt(form(r, k), 10, 64)
	return n
}

func areaOf(r *http.Request) string {
	if p := auth.From(r.Context()); p != nil {
		return p.Area.Code
	}
	return ""
}

// --- figures ---

type figuresData struct {
	Total *MediationFigures
	Rows  []MediationFigures
}

func (h *Web) figures(w http.ResponseWriter, r *http.Request) error {
	total, rows, err := h.S.Figures(r.Context(), strings.TrimSpace(r.URL.Query().Get("division")))
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "mediation/figures", h.Srv.NewPage(r, "mediation.figures", &figuresData{Total: total, Rows: rows}))
	return nil
}

// --- cases ---

func caseFilter(q url.Values) CaseFilter {
	return CaseFilter{Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Kind: q.Get("kind"), Q: q.Get("q"),
		Page: web.PageParam(q), PerPage: 50}
}

type casesData struct {
	web.Listing[CaseFilter, MediationCase]
	CanEdit  bool
	Kinds    []string
	Statuses []string
	Area     string
	P        *problem
}

func (h *Web) cases(w http.ResponseWriter, r *http.Request) error {
	return h.renderCases(w, r, http.StatusOK, nil)
}

func (h *Web) renderCases(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	l, err := web.ListOf(r, caseFilter, h.S.Cases)
	if p, status, err = web.RefusedSearch(r.Context(), err, p, status); err != nil {
		return err
	}
	d := &casesData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), Kinds: Kinds, Statuses: Statuses, Area: areaOf(r), P: p}
	h.Srv.Render.Render(w, status, "mediation/cases", h.Srv.NewPage(r, "mediation.cases", d))
	return nil
}

func (h *Web) exportCases(w http.ResponseWriter, r *http.Request) error {
	name := i18n.T(i18n.From(r.Context()), "mediation.cases_file") + "-" + h.S.Today() + ".xlsx"
	return web.ExportList(w, r, name, caseFilter, h.S.ExportCases)
}

func (h *Web) openCase(w http.ResponseWriter, r *http.Request) error {
	in := MediationCaseInput{CommunityCode: form(r, "community_code"), Kind: form(r, "kind"), Summary: form(r, "summary")}
	for i := 1; i <= 2; i++ {
		n := strconv.Itoa(i)
		if p := (CasePartyInput{Name: form(r, "party"+n+"_name"), Phone: form(r, "party"+n+"_phone"), IDNumber: form(r, "party"+n+"_id_number")}); p != (CasePartyInput{}) {
			in.Parties = append(in.Parties, p)
		}
	}
	c, err := h.S.OpenCase(r.Context(), in)
	to := ""
	if err == nil {
		to = "/mediation/cases/" + id10(c.ID)
	}
	return h.after(w, r, err, to, func(status int, p *problem) error { return h.renderCases(w, r, status, p) })
}

// fromRequest opens a case from the request page.
func (h *Web) fromRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "request.not_found")
	if err != nil {
		return err
	}
	c, err := h.S.OpenFromRequest(r.Context(), id, form(r, "kind"), nil)
	if err != nil {
		if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
			return err
		}
		web.Flash(w, r, "mediation.from_request_failed")
		http.Redirect(w, r, "/requests/"+id10(id), http.StatusSeeOther)
		return nil
	}
	web.Flash(w, r, "mediation.opened")
	http.Redirect(w, r, "/mediation/cases/"+id10(c.ID), http.StatusSeeOther)
	return nil
}

type caseData struct {
	C          *MediationCase
	CanEdit    bool
	CanReveal  bool
	Revealed   []RevealedParty
	Available  []Mediator
	Today      string
	StepKinds  []string
	Referrals  []string
	P          *problem
	MaxCopyMiB int64
}

func (h *Web) caseView(w http.ResponseWriter, r *http.Request) error {
	return h.renderCase(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderCase(w http.ResponseWriter, r *http.Request, status int, p *problem, revealed []RevealedParty) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "mediation.case_not_found")
	if err != nil {
		return err
	}
	c, err := h.S.Case(ctx, id)
	if err != nil {
		return err
	}
	d := &caseData{C: c, CanEdit: auth.Has(r.Context(), EditRoles...), CanReveal: CanRevealParties(auth.From(ctx)), Revealed: revealed, Today: h.S.Today(),
		StepKinds: StepKinds, Referrals: Referrals, P: p, MaxCopyMiB: h.S.Copies.MaxBytes >> 20}
	if d.CanEdit && c.Status == Open {
		ms, err := h.S.Store.communityMediators(ctx, c.CommunityCode)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.TermFrom <= d.Today && m.TermTo >= d.Today {
				d.Available = append(d.Available, m)
			}
		}
	}
	h.Srv.Render.Render(w, status, "mediation/case", h.Srv.NewPage(r, "mediation.case", d))
	return nil
}

// caseForm runs a case action from the case page.
func (h *Web) caseForm(w http.ResponseWriter, r *http.Request, do func(id int64) error) error {
	id, err := web.PathID(r, "id", "mediation.case_not_found")
	if err != nil {
		return err
	}
	return h.after(w, r, do(id), "/mediation/cases/"+id10(id), func(status int, p *problem) error {
		return h.renderCase(w, r, status, p, nil)
	})
}

func version0(r *http.Request) int { return int(formInt(r, "version")) }

func (h *Web) addParty(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.AddParty(r.Context(), id, CasePartyInput{Name: form(r, "name"), Phone: form(r, "phone"), IDNumber: form(r, "id_number")})
		return err
	})
}

func (h *Web) assign(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.AssignMediator(r.Context(), id, formInt(r, "mediator_id"))
		return err
	})
}

func (h *Web) logStep(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.LogStep(r.Context(), id, CaseStepInput{On: form(r, "on"), Kind: form(r, "kind"), Note: form(r, "note")})
		return err
	})
}

func (h *Web) agree(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		var copy *upload.File
		if _, fh, err := r.FormFile("copy"); err == nil && fh.Size > 0 {
			if copy, err = h.S.Copies.FormFile(r, "copy"); err != nil {
				return err
			}
		}
		_, err := h.S.Agree(r.Context(), id, AgreementInput{Terms: form(r, "terms"), SignedOn: form(r, "signed_on"), Version: version0(r)}, copy)
		return err
	})
}

func (h *Web) fail(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.Fail(r.Context(), id, FailureInput{Referral: form(r, "referral"), Note: form(r, "note"), Version: version0(r)})
		return err
	})
}

func (h *Web) callback(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.Callback(r.Context(), id, CallbackInput{On: form(r, "on"), Kept: form(r, "kept") == "yes", Note: form(r, "note"), Version: version0(r)})
		return err
	})
}

func (h *Web) closeCase(w http.ResponseWriter, r *http.Request) error {
	return h.caseForm(w, r, func(id int64) error {
		_, err := h.S.Close(r.Context(), id, version0(r))
		return err
	})
}

func (h *Web) reveal(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "mediation.case_not_found")
	if err != nil {
		return err
	}
	ps, err := h.S.RevealParties(r.Context(), id, form(r, "reason"))
	if err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err
		}
		sum, by := web.Explain(i18n.From(r.Context()), err)
		return h.renderCase(w, r, errs.Status(err), &problem{Summary: sum, Errors: by, Values: r.PostForm}, nil)
	}
	return h.renderCase(w, r, http.StatusOK, nil, ps)
}

// --- committees ---

type listData[T any] struct {
	Items    []T
	Page     int
	More     bool
	CanEdit  bool
	Division string
	Area     string
	Today    string
	P        *problem
}

func listOf[T any](r *http.Request, s *Service, items []T, more bool, p *problem) *listData[T] {
	page, _ := db.Paging(web.PageParam(r.URL.Query()), 50)
	return &listData[T]{Items: items, Page: page, More: more, CanEdit: auth.Has(r.Context(), EditRoles...), Division: strings.TrimSpace(r.URL.Query().Get("division")),
		Area: areaOf(r), Today: s.Today(), P: p}
}

func (h *Web) committees(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommittees(w, r, http.StatusOK, nil)
}

func (h *Web) renderCommittees(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	q := r.URL.Query()
	items, more, err := h.S.Committees(r.Context(), strings.TrimSpace(q.Get("division")), q.Get("q"), web.PageParam(q), 50)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "mediation/committees", h.Srv.NewPage(r, "mediation.committees", listOf(r, h.S, items, more, p)))
	return nil
}

func (h *Web) createCommittee(w http.ResponseWriter, r *http.Request) error {
	c, err := h.S.CreateCommittee(r.Context(), CommitteeInput{CommunityCode: form(r, "community_code"), Name: form(r, "name"),
		EstablishedOn: form(r, "established_on"), Chair: form(r, "chair")})
	to := ""
	if err == nil {
		to = "/mediation/committees/" + id10(c.ID)
	}
	return h.after(w, r, err, to, func(status int, p *problem) error { return h.renderCommittees(w, r, status, p) })
}

type committeeData struct {
	C       *Committee
	CanEdit bool
	Workers []WorkerOption
	Today   string
	P       *problem
}

func (h *Web) committee(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommittee(w, r, http.StatusOK, nil)
}

func (h *Web) renderCommittee(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "mediation.committee_not_found")
	if err != nil {
		return err
	}
	c, err := h.S.Committee(ctx, id)
	if err != nil {
		return err
	}
	d := &committeeData{C: c, CanEdit: auth.Has(r.Context(), EditRoles...), Today: h.S.Today(), P: p}
	if d.CanEdit {
		if d.Workers, err = h.S.WorkersIn(ctx, c.CommunityCode); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "mediation/committee", h.Srv.NewPage(r, c.Name, d))
	return nil
}

func (h *Web) addMediator(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "mediation.committee_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.AddMediator(r.Context(), id, MediatorInput{WorkerID: formInt(r, "worker_id"), Name: form(r, "name"),
		TermFrom: form(r, "term_from"), TermTo: form(r, "term_to")})
	return h.after(w, r, err, "/mediation/committees/"+id10(id), func(status int, p *problem) error { return h.renderCommittee(w, r, status, p) })
}

// --- advisers ---

func (h *Web) advisers(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdvisers(w, r, http.StatusOK, nil)
}

func (h *Web) renderAdvisers(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	q := r.URL.Query()
	items, more, err := h.S.Advisers(r.Context(), strings.TrimSpace(q.Get("division")), q.Get("q"), web.PageParam(q), 50)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "mediation/advisers", h.Srv.NewPage(r, "mediation.advisers", listOf(r, h.S, items, more, p)))
	return nil
}

func (h *Web) createAdviser(w http.ResponseWriter, r *http.Request) error {
	a, err := h.S.CreateAdviser(r.Context(), AdviserInput{CommunityCode: form(r, "community_code"), Name: form(r, "name"), Firm: form(r, "firm"),
		Phone: form(r, "phone"), TermFrom: form(r, "term_from"), TermTo: form(r, "term_to")})
	to := ""
	if err == nil {
		to = "/mediation/advisers/" + id10(a.ID)
	}
	return h.after(w, r, err, to, func(status int, p *problem) error { return h.renderAdvisers(w, r, status, p) })
}

func (h *Web) exportServices(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := i18n.T(i18n.From(ctx), "mediation.services_file") + "-" + h.S.Today() + ".xlsx"
	return xlsx.Download(w, name, func(out io.Writer) error {
		return h.S.ExportServices(ctx, strings.TrimSpace(r.URL.Query().Get("division")), out)
	})
}

type adviserData struct {
	A        *Adviser
	Services []AdviserService
	More     bool
	Page     int
	CanEdit  bool
	Kinds    []string
	Today    string
	P        *problem
}

func (h *Web) adviser(w http.ResponseWriter, r *http.Request) error {
	return h.renderAdviser(w, r, http.StatusOK, nil)
}

func (h *Web) renderAdviser(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "mediation.adviser_not_found")
	if err != nil {
		return err
	}
	a, err := h.S.Adviser(ctx, id)
	if err != nil {
		return err
	}
	page := web.PageParam(r.URL.Query())
	items, more, err := h.S.Services(ctx, "", id, page, 50)
	if err != nil {
		return err
	}
	page, _ = db.Paging(page, 50)
	d := &adviserData{A: a, Services: items, More: more, Page: page, CanEdit: auth.Has(r.Context(), EditRoles...), Kinds: ServiceKinds, Today: h.S.Today(), P: p}
	h.Srv.Render.Render(w, status, "mediation/adviser", h.Srv.NewPage(r, a.Name, d))
	return nil
}

func (h *Web) logService(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "mediation.adviser_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.LogService(r.Context(), id, ServiceInput{On: form(r, "on"), Kind: form(r, "kind"), People: formInt(r, "people"), Note: form(r, "note")})
	return h.after(w, r, err, "/mediation/advisers/"+id10(id), func(status int, p *problem) error { return h.renderAdviser(w, r, status, p) })
}

// --- legal-literate villagers ---

func (h *Web) literates(w http.ResponseWriter, r *http.Request) error {
	return h.renderLiterates(w, r, http.StatusOK, nil)
}

func (h *Web) renderLiterates(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	q := r.URL.Query()
	items, more, err := h.S.Literates(r.Context(), strings.TrimSpace(q.Get("division")), q.Get("q"), web.PageParam(q), 50)
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "mediation/literates", h.Srv.NewPage(r, "mediation.literates", listOf(r, h.S, items, more, p)))
	return nil
}

func (h *Web) exportLiterates(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	name := i18n.T(i18n.From(ctx), "mediation.literates_file") + "-" + h.S.Today() + ".xlsx"
	return xlsx.Download(w, name, func(out io.Writer) error {
		return h.S.ExportLiterates(ctx, strings.TrimSpace(r.URL.Query().Get("division")), out)
	})
}

func (h *Web) createLiterate(w http.ResponseWriter, r *http.Request) error {
	l, err := h.S.CreateLiterate(r.Context(), LiterateInput{CommunityCode: form(r, "community_code"), Name: form(r, "name")})
	to := ""
	if err == nil {
		to = "/mediation/literates/" + id10(l.ID)
	}
	return h.after(w, r, err, to, func(status int, p *problem) error { return h.renderLiterates(w, r, status, p) })
}

type literateData struct {
	L       *Literate
	CanEdit bool
	Today   string
	P       *problem
}

func (h *Web) literate(w http.ResponseWriter, r *http.Request) error {
	return h.renderLiterate(w, r, http.StatusOK, nil)
}

func (h *Web) renderLiterate(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	id, err := web.PathID(r, "id", "mediation.literate_not_found")
	if err != nil {
		return err
	}
	l, err := h.S.Literate(r.Context(), id)
	if err != nil {
		return err
	}
	d := &literateData{L: l, CanEdit: auth.Has(r.Context(), EditRoles...), Today: h.S.Today(), P: p}
	h.Srv.Render.Render(w, status, "mediation/literate", h.Srv.NewPage(r, l.Name, d))
	return nil
}

func (h *Web) addTraining(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "mediation.literate_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.AddTraining(r.Context(), id, LiterateTrainingInput{On: form(r, "on"), Course: form(r, "course"), Hours: formInt(r, "hours")})
	return h.after(w, r, err, "/mediation/literates/"+id10(id), func(status int, p *problem) error { return h.renderLiterate(w, r, status, p) })
}
