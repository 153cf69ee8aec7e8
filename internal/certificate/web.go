package certificate

import (
	"bytes"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Handlers serve the slice's pages and API.
type Handlers struct {
	Srv *web.Server
	Svc *Service
	// PublicURL, when set (SHEQU_PUBLIC_URL), is where the verification
	// page lives for QR codes; otherwise the URL the request came to.
	PublicURL string
	limit     *limiter
}

// CheckPublicURL checks SHEQU_PUBLIC_URL: empty, or an absolute http or
// https URL with a host and neither query nor fragment (a path prefix is
// allowed, for an app behind a proxy's subpath). It is returned without
// a trailing slash.
func CheckPublicURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return "", fmt.Errorf("%q is not an http(s) address such as https://shequ.example.cn", s)
	}
	return strings.TrimSuffix(s, "/"), nil
}

// NewHandlers makes the handlers; verifications are limited to a burst of
// 30 per address, then one every 2 seconds.
func NewHandlers(srv *web.Server, svc *Service, publicURL string) *Handlers {
	return &Handlers{Srv: srv, Svc: svc, PublicURL: publicURL, limit: newLimiter(2*time.Second, 30)}
}

// RegisterWeb adds the pages: the public verification page and the staff
// pages to list, issue, read and revoke certificates.
func (h *Handlers) RegisterWeb() {
	h.Srv.Render.AddPages("certificate", templates, "templates/*.html")
	h.Srv.AddNav(web.NavItem{Key: "certificate.nav", Path: "/certificates", Roles: ReadRoles, Order: 62, Group: web.NavVolunteers})
	h.Srv.Public("GET /verify", h.verifyForm)
	h.Srv.Public("GET /verify/{number}", h.verify)
	h.Srv.Page("GET /certificates", h.list)
	h.Srv.Page("POST /certificates", h.issue)
	h.Srv.Page("GET /certificates/{number}", h.view)
	h.Srv.Page("POST /certificates/{number}/revoke", h.revoke)
	h.Srv.Page("POST /certificate-seals", h.seal, web.MaxBody(MaxSealBytes+64<<10))
	h.Srv.AddNav(web.NavItem{Key: "certificate.nav_mine", Path: "/certificates/mine", Roles: []auth.Role{auth.Resident}, Order: 63, Group: web.NavVolunteers})
	h.Srv.Page("GET /certificates/mine", h.mine)
	h.Srv.Page("POST /certificates/mine", h.ask)
	h.Srv.Page("GET /certificates/mine/{file}", h.minePDF)
	h.Srv.Page("POST /certificate-requests/{id}", h.decide)
}

type mineData struct {
	Items   []CertificateRequest
	Orgs    []Organization
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Today   string
	NotYet  bool // not a registered volunteer
}

func (h *Handlers) mine(w http.ResponseWriter, r *http.Request) error {
	return h.renderMine(w, r, http.StatusOK, map[string]string{}, nil)
}

// renderMine is the volunteer's page: their requests and the form to ask
// one of the organisations that recorded their hours.
func (h *Handlers) renderMine(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, ferr error) error {
	ctx := r.Context()
	if _, err := auth.Require(ctx, auth.Resident); err != nil {
		return err
	}
	d := &mineData{Values: vals, Errors: map[string]string{}, Today: h.Svc.today()}
	me, err := h.Svc.Registry.Me(ctx)
	if errs.Code(err) == errs.ENOTFOUND {
		d.NotYet = true
		h.Srv.Render.Render(w, status, "certificate/mine", h.Srv.NewPage(r, "certificate.mine_title", d))
		return nil
	}
	if err != nil {
		return err
	}
	if d.Items, _, err = h.Svc.Requests(ctx, RequestFilter{PerPage: 200}); err != nil {
		return err
	}
	recs, err := h.Svc.Registry.Records(ctx, me.ID, "2000-01-01", d.Today)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, rec := range recs {
		if seen[rec.OrganizationID] {
			continue
		}
		seen[rec.OrganizationID] = true
		o, err := h.Svc.Registry.Organization(ctx, rec.OrganizationID)
		if err != nil {
			return err
		}
		d.Orgs = append(d.Orgs, *o)
	}
	if ferr != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), ferr)
	}
	h.Srv.Render.Render(w, status, "certificate/mine", h.Srv.NewPage(r, "certificate.mine_title", d))
	return nil
}

func (h *Handlers) ask(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{}
	for _, k := range []string{"org_id", "from", "to", "note"} {
		vals[k] = r.PostFormValue(k)
	}
	oid, _ := strconv.ParseInt(vals["org_id"], 10, 64)
	_, err := h.Svc.Ask(r.Context(), AskInput{OrgID: oid, From: vals["from"], To: vals["to"], Note: vals["note"]})
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		return h.renderMine(w, r, errs.Status(err), vals, err)
	}
	if err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "certificate.asked", "/certificates/mine")
}

func (h *Handlers) minePDF(w http.ResponseWriter, r *http.Request) error {
	n, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	if !ok {
		return errs.NotFound("certificate.not_found", r.PathValue("file"))
	}
	var b bytes.Buffer
	c, err := h.Svc.MyPDF(r.Context(), n, h.baseURL(r), &b)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Number+`.pdf"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// decide takes a staff member's decision on a request from the list page.
func (h *Handlers) decide(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	issue := r.PostFormValue("decision") == "issue"
	q, err := h.Svc.Decide(r.Context(), id, Decision{Issue: issue, Reason: r.PostFormValue("refuse_reason")})
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		return h.renderList(w, r, errs.Status(err), formRequest, map[string]string{"request_id": strconv.FormatInt(id, 10)}, err)
	}
	if err != nil {
		return err
	}
	if q.Number != "" {
		http.Redirect(w, r, "/certificates/"+url.PathEscape(q.Number), http.StatusSeeOther)
		return nil
	}
	return web.FlashRedirect(w, r, "certificate.refused_flash", "/certificates")
}

// seal takes an organisation's seal image from a multipart form, checked
// by package upload and then by SetSeal.
func (h *Handlers) seal(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, MaxSealBytes+64<<10)
	vals := map[string]string{"seal_org_id": r.FormValue("seal_org_id")}
	oid, _ := strconv.ParseInt(vals["seal_org_id"], 10, 64)
	f, err := upload.Config{MaxBytes: MaxSealBytes}.FormFile(r, "seal")
	// No organisation chosen is the form's own mistake, named on its
	// field with the file's, not an organisation 0 that is not found.
	if oid <= 0 {
		bad := errs.Fields{errs.Field("seal_org_id", "certificate.choose_org")}
		if errs.Code(err) == errs.EINVALID {
			bad = append(bad, errs.As(err).Fields...)
		}
		err = bad.Err()
	} else if err == nil {
		_, err = h.Svc.SetSeal(r.Context(), oid, f.Bytes)
	}
	if errs.Code(err) == errs.EINVALID {
		return h.renderList(w, r, http.StatusUnprocessableEntity, formSeal, vals, err)
	}
	if err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "certificate.seal_saved", "/certificates")
}

type verifyData struct {
	Number string
	V      *Verification
	Err    string
}

func (h *Handlers) verifyForm(w http.ResponseWriter, r *http.Request) error {
	if n := r.URL.Query().Get("number"); n != "" {
		if c := NormalizeNumber(n); c != "" {
			http.Redirect(w, r, "/verify/"+c, http.StatusSeeOther)
			return nil
		}
		return h.renderVerify(w, r, n, nil, errs.NotFound("certificate.unknown"))
	}
	h.Srv.Render.Render(w, http.StatusOK, "certificate/verify", h.Srv.NewPage(r, "certificate.verify_title", &verifyData{}))
	return nil
}

func (h *Handlers) verify(w http.ResponseWriter, r *http.Request) error {
	n := r.PathValue("number")
	if !h.limit.take(h.Srv.ClientAddr(r)) {
		return h.renderVerify(w, r, n, nil, errs.E(errs.ETOOMANY, "certificate.too_many"))
	}
	v, err := h.Svc.Verify(r.Context(), n)
	return h.renderVerify(w, r, n, v, err)
}

func (h *Handlers) renderVerify(w http.ResponseWriter, r *http.Request, n string, v *Verification, err error) error {
	d := &verifyData{Number: n, V: v}
	status := http.StatusOK
	if err != nil {
		e := errs.As(err)
		if e.Code == errs.EINTERNAL {
			return err
		}
		status, d.Err = errs.Status(err), i18n.T(i18n.From(r.Context()), e.Key, e.Args...)
	}
	// The page names a person, if masked: not to be cached, indexed or
	// leaked to other sites through the referrer.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Srv.Render.Render(w, status, "certificate/verify", h.Srv.NewPage(r, "certificate.verify_title", d))
	return nil
}

type listData struct {
	Requests []CertificateRequest // pending, for staff who issue
	Items    []Certificate
	Page     int
	More     bool
	CanIssue bool
	Values   map[string]string
	Errors   map[string]string
	Summary  []string
	Today    string
	Orgs     []Organization
	// Form is the form the errors belong to (formIssue, formSeal,
	// formRequest); each form shows only its own.
	Form string
}

// The forms of the list page, for errors.
const (
	formIssue   = "issue"
	formSeal    = "seal"
	formRequest = "request"
)

func (h *Handlers) list(w http.ResponseWriter, r *http.Request) error {
	return h.renderList(w, r, http.StatusOK, "", map[string]string{}, nil)
}

// renderList renders the list page with ferr's errors on form's form.
func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, status int, form string, vals map[string]string, ferr error) error {
	page := web.PageParam(r.URL.Query())
	items, more, err := h.Svc.List(r.Context(), Filter{Page: page})
	if err != nil {
		return err
	}
	d := &listData{Items: items, More: more, Values: vals, Errors: map[string]string{}, Today: h.Svc.today(), Form: form}
	d.Page, _ = db.Paging(page, 0)
	d.CanIssue = auth.Has(r.Context(), IssueRoles...)
	if d.CanIssue {
		if d.Requests, _, err = h.Svc.Requests(r.Context(), RequestFilter{Status: RequestPending, PerPage: 200}); err != nil {
			return err
		}
		if d.Orgs, err = h.Svc.Registry.Organizations(r.Context()); err != nil {
			return err
		}
		if v := r.URL.Query().Get("volunteer_id"); vals["volunteer_id"] == "" && v != "" {
			vals["volunteer_id"] = v
		}
	}
	if ferr != nil {
		var byField map[string]string
		d.Summary, byField = web.Explain(i18n.From(r.Context()), ferr)
		// A decision's errors stay in its row: a request's fields (its
		// organisation, its period) are not the issue form's.
		if form != formRequest {
			d.Errors = byField
		}
	}
	h.Srv.Render.Render(w, status, "certificate/list", h.Srv.NewPage(r, "certificate.list_title", d))
	return nil
}

func (h *Handlers) issue(w http.ResponseWriter, r *http.Request) error {
	vals := map[string]string{}
	for _, k := range []string{"volunteer_id", "org_id", "from", "to"} {
		vals[k] = r.PostFormValue(k)
	}
	vid, _ := strconv.ParseInt(vals["volunteer_id"], 10, 64)
	oid, _ := strconv.ParseInt(vals["org_id"], 10, 64)
	c, err := h.Svc.Issue(r.Context(), IssueInput{VolunteerID: vid, OrgID: oid, From: vals["from"], To: vals["to"]})
	if errs.Code(err) == errs.EINVALID {
		return h.renderList(w, r, http.StatusUnprocessableEntity, formIssue, vals, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/certificates/"+url.PathEscape(c.Number), http.StatusSeeOther)
	return nil
}

type viewData struct {
	C         *Certificate
	CanRevoke bool
	VerifyURL string
	Error     string
}

func (h *Handlers) view(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Svc.Get(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	return h.renderView(w, r, http.StatusOK, c, "")
}

func (h *Handlers) renderView(w http.ResponseWriter, r *http.Request, status int, c *Certificate, msg string) error {
	d := &viewData{C: c, CanRevoke: !c.Revoked() && auth.Has(r.Context(), IssueRoles...), VerifyURL: VerifyURL(h.baseURL(r), c.Number), Error: msg}
	h.Srv.Render.Render(w, status, "certificate/view", h.Srv.NewPage(r, "certificate.title", d))
	return nil
}

func (h *Handlers) revoke(w http.ResponseWriter, r *http.Request) error {
	n := r.PathValue("number")
	_, err := h.Svc.Revoke(r.Context(), n, r.PostFormValue("revoke_reason"))
	if errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT {
		c, gerr := h.Svc.Get(r.Context(), n)
		if gerr != nil {
			return gerr
		}
		lang := i18n.From(r.Context())
		e := errs.As(err)
		msg := i18n.T(lang, e.Key, e.Args...)
		if len(e.Fields) > 0 {
			msg = i18n.FieldMessage(lang, e.Fields[0])
		}
		return h.renderView(w, r, errs.Status(err), c, msg)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/certificates/"+url.PathEscape(NormalizeNumber(n)), http.StatusSeeOther)
	return nil
}
