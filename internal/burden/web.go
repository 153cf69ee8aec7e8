package burden

import (
	"bytes"
	"embed"
	"io"
	"net/http"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct {
	*web.Pages[Service]
	// PublicURL, when set, is where the verification page lives for QR codes.
	PublicURL string
}

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server, publicURL string) {
	h := &Web{Pages: web.NewPages(srv, s, "burden", templates,
		web.NavItem{Key: "burden.nav", Path: "/burden", Roles: ReadRoles, Order: 70, Group: web.NavOverview},
		web.NavItem{Key: "burden.nav_tasks", Path: "/burden/tasks", Roles: ReadRoles, Order: 71, Group: web.NavOverview},
		web.NavItem{Key: "burden.nav_proofs", Path: "/burden/proofs", Roles: append(StaffRoles, auth.Resident), Order: 72, Group: web.NavRequests},
		web.NavItem{Key: "burden.nav_seal", Path: "/burden/seal", Roles: StaffRoles, Order: 73, Group: web.NavOverview},
	), PublicURL: publicURL}
	srv.Page("GET /burden", h.get("lists"))
	srv.Page("POST /burden/items", h.addItem)
	srv.Page("POST /burden/items/{id}/retire", h.retire)
	srv.Page("GET /burden/items/export.xlsx", h.export)
	srv.Page("GET /burden/items/template.xlsx", h.template)
	srv.Page("POST /burden/items/import", h.importFile, web.MaxBody(2*xlsx.DefaultMaxBytes))
	srv.Page("GET /burden/admissions", h.get("admissions"))
	srv.Page("POST /burden/admissions", h.file)
	srv.Page("POST /burden/admissions/{id}/decide", h.decide)
	srv.Page("GET /burden/tasks", h.get("tasks"))
	srv.Page("POST /burden/tasks", h.assign)
	srv.Page("POST /burden/tasks/{id}/done", h.done)
	srv.Page("GET /burden/figures", h.get("figures"))
	srv.Page("GET /burden/figures/export.xlsx", h.exportFigures)
	srv.Page("GET /burden/proofs", h.get("proofs"))
	srv.Page("POST /burden/proofs", h.ask)
	srv.Page("POST /burden/proofs/{id}/decide", h.decideProof)
	srv.Page("POST /burden/proofs/{id}/revoke", h.revokeProof)
	srv.Page("GET /burden/proofs/{id}/pdf", h.pdf)
	srv.Page("GET /burden/seal", h.get("seal"))
	srv.Page("POST /burden/seal", h.logSeal)
}

type pageData struct {
	List       string
	Lists      []string
	Kinds      []string
	Q          string
	Items      []BurdenItem
	Suggest    []BurdenItem
	Units      []Unit
	Admissions []BurdenAdmission
	Tasks      []BurdenTask
	Proofs     []BurdenProof
	Uses       []BurdenSealUse
	Figures    *BurdenFigures
	Page       int
	More       bool
	Today      string
	Area       string
	CanEdit    bool
	IsUnit     bool
	IsResident bool
	CanIssue   bool
	CanLog     bool
	CanDone    bool
	Form       string
	Values     map[string]string
	Errors     map[string]string
	Summary    []string
}

func may(r *http.Request, roles []auth.Role) bool {
	p, err := auth.Require(r.Context(), roles...)
	return err == nil && p.Role != auth.System
}

func (h *Web) get(page string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return h.render(w, r, page, http.StatusOK, "", map[string]string{}, nil)
	}
}

// render shows page with ferr's errors on form's form.
func (h *Web) render(w http.ResponseWriter, r *http.Request, page string, status int, form string, vals map[string]string, ferr error, summary ...string) error {
	ctx := r.Context()
	q := r.URL.Query()
	p, err := auth.Must(ctx)
	if err != nil {
		return err
	}
	d := &pageData{Lists: Lists, Kinds: Kinds, Q: q.Get("q"), Page: web.PageParam(q), Today: today(h.S.Now()), Area: p.Area.Code,
		CanEdit: may(r, EditRoles), IsUnit: may(r, UnitRoles), IsResident: may(r, []auth.Role{auth.Resident}),
		CanIssue: may(r, IssueRoles), CanLog: may(r, CommunityRoles), CanDone: may(r, CommunityRoles),
		Form: form, Values: vals, Errors: map[string]string{}}
	suggest := func(list string) error {
		d.Suggest, _, err = h.S.Items(ctx, ItemFilter{List: list, PerPage: 200})
		return err
	}
	switch page {
	case "lists":
		d.List = q.Get("list")
		if !contains(Lists, d.List) {
			d.List = ListWork
		}
		if d.Items, d.More, err = h.S.Items(ctx, ItemFilter{List: d.List, Q: d.Q, Page: d.Page, PerPage: 50}); err != nil {
			return err
		}
		if d.CanEdit && d.List == ListWork {
			if d.Units, err = h.S.Units.Units(ctx, p.Area.Code); err != nil {
				return err
			}
		}
	case "admissions":
		if d.Admissions, d.More, err = h.S.Admissions(ctx, AdmissionFilter{Status: q.Get("status"), Page: d.Page, PerPage: 50}); err != nil {
			return err
		}
	case "tasks":
		if d.Tasks, d.More, err = h.S.Tasks(ctx, TaskFilter{Page: d.Page, PerPage: 50}); err != nil {
			return err
		}
		if d.IsUnit {
			err = suggest(ListWork)
		}
	case "figures":
		d.Figures, err = h.S.Figures(ctx)
	case "proofs":
		if d.Proofs, d.More, err = h.S.Proofs(ctx, ProofFilter{Status: q.Get("status"), Page: d.Page, PerPage: 50}); err != nil {
			return err
		}
		if d.IsResident {
			d.Suggest, err = h.S.ProofItems(ctx)
		}
	case "seal":
		if d.Uses, d.More, err = h.S.SealUses(ctx, d.Page, 50); err != nil {
			return err
		}
		if d.CanLog {
			err = suggest(ListSeal)
		}
	}
	if err != nil {
		return err
	}
	if ferr != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), ferr)
	}
	d.Summary = append(d.Summary, summary...)
	h.Srv.Render.Render(w, status, "burden/"+page, h.Srv.NewPage(r, "burden.title_"+page, d))
	return nil
}

// form reads the form's fields.
func form(r *http.Request, keys ...string) map[string]string {
	vals := map[string]string{}
	for _, k := range keys {
		vals[k] = r.PostFormValue(k)
	}
	return vals
}

func num(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// finish ends a form: a mistake the user can mend shows page again with
// its errors on form; success flashes msg and goes back to to.
func (h *Web) finish(w http.ResponseWriter, r *http.Request, err error, page, formName string, vals map[string]string, msg, to string) error {
	if err == nil {
		return web.FlashRedirect(w, r, msg, to)
	}
	switch errs.Code(err) {
	case errs.EINVALID, errs.ECONFLICT:
		return h.render(w, r, page, errs.Status(err), formName, vals, err)
	case errs.EFORBIDDEN:
		if errs.As(err).Key != "error.forbidden" {
			return h.render(w, r, page, errs.Status(err), formName, vals, err)
		}
	}
	return err
}

func (h *Web) addItem(w http.ResponseWriter, r *http.Request) error {
	v := form(r, "list", "division_code", "name", "basis", "unit_id", "kind", "funding", "conditions")
	_, err := h.S.AddItem(r.Context(), BurdenItem{List: v["list"], DivisionCode: v["division_code"], Name: v["name"], Basis: v["basis"],
		UnitID: num(v["unit_id"]), Kind: v["kind"], Funding: v["funding"], Conditions: v["conditions"]})
	if err != nil {
		r.URL.RawQuery = "list=" + v["list"]
	}
	return h.finish(w, r, err, "lists", "item", v, "burden.item_added", "/burden?list="+v["list"])
}

func (h *Web) retire(w http.ResponseWriter, r *http.Request) error {
	it, err := h.S.RetireItem(r.Context(), num(r.PathValue("id")))
	if err != nil {
		return h.finish(w, r, err, "lists", "", map[string]string{}, "", "")
	}
	return web.FlashRedirect(w, r, "burden.item_retired_flash", "/burden?list="+it.List)
}

func (h *Web) file(w http.ResponseWriter, r *http.Request) error {
	v := form(r, "division_code", "name", "basis", "kind", "funding", "conditions", "grounds")
	_, err := h.S.File(r.Context(), BurdenAdmission{DivisionCode: v["division_code"], Name: v["name"], Basis: v["basis"], Kind: v["kind"],
		Funding: v["funding"], Conditions: v["conditions"], Reason: v["grounds"]})
	return h.finish(w, r, err, "admissions", "file", v, "burden.filed", "/burden/admissions")
}

func (h *Web) decide(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v := form(r, "decision", "decision_reason")
	v["admission_id"] = id
	a, err := h.S.Decide(r.Context(), num(id), BurdenDecision{Admit: v["decision"] == "admit", Reason: v["decision_reason"]})
	msg := "burden.refused_flash"
	if err == nil && a.Status == Admitted {
		msg = "burden.admitted_flash"
	}
	return h.finish(w, r, err, "admissions", "decide", v, msg, "/burden/admissions")
}

func (h *Web) assign(w http.ResponseWriter, r *http.Request) error {
	v := form(r, "item_name", "title", "target_area", "deadline")
	_, err := h.S.Assign(r.Context(), BurdenAssignInput{ItemName: v["item_name"], Title: v["title"], AreaCode: v["target_area"], Deadline: v["deadline"]})
	return h.finish(w, r, err, "tasks", "assign", v, "burden.assigned", "/burden/tasks")
}

func (h *Web) done(w http.ResponseWriter, r *http.Request) error {
	err := h.S.Done(r.Context(), num(r.PathValue("id")))
	return h.finish(w, r, err, "tasks", "", map[string]string{}, "burden.done_flash", "/burden/tasks")
}

func (h *Web) ask(w http.ResponseWriter, r *http.Request) error {
	v := form(r, "item_name", "purpose")
	_, err := h.S.Ask(r.Context(), BurdenAskInput{ItemName: v["item_name"], Purpose: v["purpose"]})
	return h.finish(w, r, err, "proofs", "ask", v, "burden.asked", "/burden/proofs")
}

func (h *Web) decideProof(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v := form(r, "decision", "content", "refuse_reason")
	v["proof_id"] = id
	_, err := h.S.DecideProof(r.Context(), num(id), BurdenProofDecision{Issue: v["decision"] == "issue", Content: v["content"], Reason: v["refuse_reason"]})
	return h.finish(w, r, err, "proofs", "decide", v, "burden.proof_decided_flash", "/burden/proofs")
}

func (h *Web) revokeProof(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	v := form(r, "revoke_reason")
	v["proof_id"] = id
	_, err := h.S.RevokeProof(r.Context(), num(id), v["revoke_reason"])
	return h.finish(w, r, err, "proofs", "revoke", v, "burden.revoked_flash", "/burden/proofs")
}

func (h *Web) logSeal(w http.ResponseWriter, r *http.Request) error {
	v := form(r, "item_name", "what", "for_whom", "approved_by", "used_on")
	_, err := h.S.LogSeal(r.Context(), BurdenSealInput{ItemName: v["item_name"], What: v["what"], ForWhom: v["for_whom"], ApprovedBy: v["approved_by"], UsedOn: v["used_on"]})
	return h.finish(w, r, err, "seal", "seal", v, "burden.seal_logged", "/burden/seal")
}

// baseURL is where the verification page is: the configured public
// address, else the address the request came to.
func (h *Web) baseURL(r *http.Request) string {
	if h.PublicURL != "" {
		return h.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (h *Web) pdf(w http.ResponseWriter, r *http.Request) error {
	var b bytes.Buffer
	pr, err := h.S.PDF(r.Context(), num(r.PathValue("id")), h.baseURL(r), &b)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+pr.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list := r.URL.Query().Get("list")
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "burden.export_file")+".xlsx", func(out io.Writer) error {
		return h.S.Export(ctx, list, r.URL.Query().Get("q"), out)
	})
}

func (h *Web) exportFigures(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "burden.figures_file")+".xlsx", func(out io.Writer) error {
		return h.S.ExportFigures(ctx, out)
	})
}

func (h *Web) template(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "burden.export_file")+"-template.xlsx", func(out io.Writer) error {
		return ItemSheet.WriteTemplate(out, i18n.From(ctx))
	})
}

func (h *Web) importFile(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), EditRoles...); err != nil {
		return err
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/burden", h.S.Import,
		func(lang string, n int) string { return i18n.T(lang, "burden.imported", n) },
		func(status int, summary []string) error {
			return h.render(w, r, "lists", status, "import", map[string]string{}, nil, summary...)
		})
}
