package property

import (
	"bytes"
	"context"
	"embed"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html partials/*.html
var templateFiles embed.FS

// templates are the pages, each with the slice's shared partials (the
// tabs, the compound and company fields) appended: the renderer parses
// every page file on its own.
var templates = withPartials{templateFiles}

type withPartials struct{ embed.FS }

func (w withPartials) ReadFile(name string) ([]byte, error) {
	page, err := w.FS.ReadFile(name)
	if err != nil || path.Dir(name) != "templates" {
		return page, err
	}
	shared, err := w.FS.ReadFile("partials/partials.html")
	if err != nil {
		return nil, err
	}
	return append(append(page, '\n'), shared...), nil
}

func (w withPartials) Open(name string) (fs.File, error) {
	if path.Dir(name) != "templates" {
		return w.FS.Open(name)
	}
	b, err := w.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return &memFile{name: path.Base(name), r: bytes.NewReader(b), size: int64(len(b))}, nil
}

// memFile is a page read into memory.
type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Name() string               { return f.name }
func (f *memFile) Size() int64                { return f.size }
func (f *memFile) Mode() fs.FileMode          { return 0o444 }
func (f *memFile) ModTime() time.Time         { return time.Time{} }
func (f *memFile) IsDir() bool                { return false }
func (f *memFile) Sys() any                   { return nil }

// UnitChoice is a handling unit a company may be linked to.
type UnitChoice struct {
	ID   int64
	Name string
}

// UnitChoices lists the handling units the caller may link a company to
// (package request, adapted in internal/app); may be nil.
type UnitChoices func(ctx context.Context) ([]UnitChoice, error)

// Web holds the slice's pages.
type Web struct {
	*web.Pages[Service]
	Units UnitChoices
}

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server, units UnitChoices) {
	h := &Web{Pages: web.NewPages(srv, s, "property", templates,
		web.NavItem{Key: "property.nav", Path: "/property/compounds", Roles: ReadRoles, Order: 33, Group: web.NavRegistries},
		web.NavItem{Key: "property.scores", Path: "/property/scores", Roles: ScoreRoles, Order: 49, Group: web.NavRequests},
		web.NavItem{Key: "property.mine", Path: "/property/mine", Roles: ResidentRoles, Order: 49, Group: web.NavRequests},
	), Units: units}
	srv.Page("GET /property/compounds", h.compounds)
	srv.Page("GET /property/compounds/export.xlsx", h.exportCompounds)
	srv.Page("GET /property/compounds/template.xlsx", h.compoundTemplate)
	srv.Page("POST /property/compounds/import", h.importCompounds, web.MaxBody(2*xlsx.DefaultMaxBytes))
	srv.Page("POST /property/compounds", h.createCompound)
	srv.Page("GET /property/compounds/{id}", h.compound)
	srv.Page("POST /property/compounds/{id}", h.saveCompound)
	srv.Page("GET /property/companies", h.companies)
	srv.Page("GET /property/companies/export.xlsx", h.exportCompanies)
	srv.Page("GET /property/companies/template.xlsx", h.companyTemplate)
	srv.Page("POST /property/companies/import", h.importCompanies, web.MaxBody(2*xlsx.DefaultMaxBytes))
	srv.Page("POST /property/companies", h.createCompany)
	srv.Page("GET /property/companies/{id}", h.company)
	srv.Page("POST /property/companies/{id}", h.saveCompany)
	srv.Page("POST /property/companies/{id}/contact", h.contact)
	srv.Page("GET /property/committees", h.committees)
	srv.Page("POST /property/committees", h.createCommittee)
	srv.Page("GET /property/committees/{id}", h.committee)
	srv.Page("POST /property/committees/{id}/members", h.addMember)
	srv.Page("POST /property/committees/{id}/meetings", h.recordMeeting)
	srv.Page("GET /property/scores", h.scores)
	srv.Page("GET /property/scores/export.xlsx", h.exportScores)
	srv.Page("GET /property/mine", h.mine)
	srv.Page("POST /property/compounds/{id}/requests", h.fileRequest)
}

// problem is what a page shows of a refused form.
type problem = web.Refused

// after ends a form: a flash and a redirect, or, on an error the user can
// correct, the page again with it.
func after(w http.ResponseWriter, r *http.Request, err error, msg, to string, again func(int, *problem) error) error {
	return web.FormDone(w, r, err, msg, to, again)
}

func form(r *http.Request, k string) string { return strings.TrimSpace(r.PostFormValue(k)) }

// formInt reads a whole number field; a field that is not one is named.
func formInt(r *http.Request, k string, bad *errs.Fields) *int64 {
	v := form(r, k)
	if v == "" {
		var zero int64
		return &zero
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		bad.Add(k, "error.not_integer")
		return nil
	}
	return &n
}

func str(r *http.Request, k string) *string {
	v := form(r, k)
	return &v
}

func version(r *http.Request) *int {
	if v, err := strconv.Atoi(form(r, "version")); err == nil {
		return &v
	}
	return nil
}

func filterOf(q url.Values) Filter {
	return Filter{Q: q.Get("q"), Division: strings.TrimSpace(q.Get("division")), Kind: q.Get("kind"), Page: web.PageParam(q), PerPage: 50}
}

func areaCode(ctx context.Context) string {
	if p := auth.From(ctx); p != nil {
		return p.Area.Code
	}
	return ""
}

// --- compounds ---

type compoundsData struct {
	web.Listing[Filter, PropertyCompound]
	CanEdit     bool
	Companies   []PropertyCompany
	Managements []string
	V           map[string]string
	Today       string
	P           *problem
}

// companyChoices are the companies a compound form offers.
func (h *Web) companyChoices(ctx context.Context) ([]PropertyCompany, error) {
	cs, _, err := h.S.ListCompanies(ctx, Filter{PerPage: 200})
	return cs, err
}

func (h *Web) compounds(w http.ResponseWriter, r *http.Request) error {
	return h.renderCompounds(w, r, http.StatusOK, nil)
}

func (h *Web) renderCompounds(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	l, err := web.ListOf(r, filterOf, func(ctx context.Context, f Filter) ([]PropertyCompound, bool, error) {
		return h.S.ListCompounds(ctx, f, 0)
	})
	if p, status, err = web.RefusedSearch(ctx, err, p, status); err != nil {
		return err
	}
	d := &compoundsData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), Managements: Managements, Today: h.S.Today(), P: p}
	base := map[string]string{"management": ByCompany}
	if code := areaCode(ctx); division.ValidCode(code) && division.LevelFromCode(code) == division.Community {
		base["community_code"] = code
	}
	d.V = values(base, p)
	if d.CanEdit {
		if d.Companies, err = h.companyChoices(ctx); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "property/compounds", h.Srv.NewPage(r, "property.compounds", d))
	return nil
}

// compoundForm reads the compound form into a patch.
func compoundForm(r *http.Request) (PropertyCompoundPatch, errs.Fields) {
	var bad errs.Fields
	p := PropertyCompoundPatch{CommunityCode: str(r, "community_code"), Name: str(r, "name"), Address: str(r, "address"),
		Households: formInt(r, "households", &bad), Buildings: formInt(r, "buildings", &bad), Management: str(r, "management"),
		CompanyID: formInt(r, "company_id", &bad), ContractStart: str(r, "contract_start"), ContractEnd: str(r, "contract_end"), Version: version(r)}
	return p, bad
}

func (h *Web) createCompound(w http.ResponseWriter, r *http.Request) error {
	p, bad := compoundForm(r)
	err := bad.Err()
	var c *PropertyCompound
	if err == nil {
		c, err = h.S.CreateCompound(r.Context(), p)
	}
	to := "/property/compounds"
	if c != nil {
		to += "/" + idStr(c.ID)
	}
	return after(w, r, err, "layout.saved", to, func(status int, pr *problem) error { return h.renderCompounds(w, r, status, pr) })
}

type compoundData struct {
	C           *PropertyCompound
	CanEdit     bool
	Companies   []PropertyCompany
	Managements []string
	Committees  []PropertyCommittee
	Ended       bool
	V           map[string]string
	P           *problem
}

func (h *Web) compound(w http.ResponseWriter, r *http.Request) error {
	return h.renderCompound(w, r, http.StatusOK, nil)
}

func (h *Web) renderCompound(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "property.compound_not_found")
	if err != nil {
		return err
	}
	c, err := h.S.GetCompound(ctx, id)
	if err != nil {
		return err
	}
	d := &compoundData{C: c, CanEdit: auth.Has(r.Context(), EditRoles...), Managements: Managements, Ended: c.ContractEnded(h.S.Today()), P: p}
	base := flatCompound(c)
	base["version"] = strconv.Itoa(c.Version)
	if c.CompanyID == 0 {
		base["company_id"] = ""
	}
	d.V = values(base, p)
	if d.Committees, _, err = h.S.Store.committees(ctx, Filter{CompoundID: c.ID, PerPage: 20}, h.S.Today(), false); err != nil {
		return err
	}
	if d.CanEdit {
		if d.Companies, err = h.companyChoices(ctx); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "property/compound", h.Srv.NewPage(r, c.Name, d))
	return nil
}

func (h *Web) saveCompound(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "property.compound_not_found")
	if err != nil {
		return err
	}
	p, bad := compoundForm(r)
	if err = bad.Err(); err == nil {
		_, err = h.S.UpdateCompound(r.Context(), id, p)
	}
	return after(w, r, err, "layout.saved", "/property/compounds/"+idStr(id), func(status int, pr *problem) error {
		return h.renderCompound(w, r, status, pr)
	})
}

func (h *Web) exportCompounds(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, exportName(r.Context(), "property.compounds_file", h.S), filterOf, h.S.ExportCompounds)
}

func (h *Web) compoundTemplate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "property.compounds_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, CompoundSheet, out)
	})
}

func (h *Web) importCompounds(w http.ResponseWriter, r *http.Request) error {
	if !auth.Has(r.Context(), EditRoles...) {
		return errs.Forbidden()
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/property/compounds", h.S.ImportCompounds,
		func(lang string, n int) string { return i18n.T(lang, "property.imported", n) },
		func(status int, summary []string) error {
			return h.renderCompounds(w, r, status, &problem{Summary: summary})
		})
}

// --- companies ---

type companiesData struct {
	web.Listing[Filter, PropertyCompany]
	CanEdit bool
	Units   []UnitChoice
	V       map[string]string
	P       *problem
}

func (h *Web) unitChoices(ctx context.Context) ([]UnitChoice, error) {
	if h.Units == nil {
		return nil, nil
	}
	return h.Units(ctx)
}

func (h *Web) companies(w http.ResponseWriter, r *http.Request) error {
	return h.renderCompanies(w, r, http.StatusOK, nil)
}

func (h *Web) renderCompanies(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	l, err := web.ListOf(r, filterOf, h.S.ListCompanies)
	if p, status, err = web.RefusedSearch(ctx, err, p, status); err != nil {
		return err
	}
	d := &companiesData{Listing: l, CanEdit: auth.Has(r.Context(), EditRoles...), V: values(map[string]string{"division_code": areaCode(ctx)}, p), P: p}
	if d.CanEdit {
		if d.Units, err = h.unitChoices(ctx); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "property/companies", h.Srv.NewPage(r, "property.companies", d))
	return nil
}

func companyForm(r *http.Request) (PropertyCompanyPatch, errs.Fields) {
	var bad errs.Fields
	p := PropertyCompanyPatch{DivisionCode: str(r, "division_code"), Name: str(r, "name"), CreditCode: str(r, "credit_code"),
		UnitID: formInt(r, "unit_id", &bad), Version: version(r)}
	// The edit form shows the contact masked and sends it empty: kept.
	if v := form(r, "contact"); v != "" || p.Version == nil {
		p.Contact = &v
	}
	if v := form(r, "phone"); v != "" || p.Version == nil {
		p.Phone = &v
	}
	return p, bad
}

func (h *Web) createCompany(w http.ResponseWriter, r *http.Request) error {
	p, bad := companyForm(r)
	err := bad.Err()
	var c *PropertyCompany
	if err == nil {
		c, err = h.S.CreateCompany(r.Context(), p)
	}
	to := "/property/companies"
	if c != nil {
		to += "/" + idStr(c.ID)
	}
	return after(w, r, err, "layout.saved", to, func(status int, pr *problem) error { return h.renderCompanies(w, r, status, pr) })
}

type companyData struct {
	C         *PropertyCompany
	Whole     bool
	CanEdit   bool
	Units     []UnitChoice
	Compounds []PropertyCompound
	More      bool
	V         map[string]string
	P         *problem
}

func (h *Web) company(w http.ResponseWriter, r *http.Request) error {
	return h.renderCompany(w, r, http.StatusOK, nil, false)
}

func (h *Web) renderCompany(w http.ResponseWriter, r *http.Request, status int, p *problem, whole bool) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "property.company_not_found")
	if err != nil {
		return err
	}
	var c *PropertyCompany
	if whole {
		c, err = h.S.CompanyContact(ctx, id)
	} else {
		c, err = h.S.GetCompany(ctx, id)
	}
	if err != nil {
		return err
	}
	d := &companyData{C: c, Whole: whole, P: p}
	base := flatCompany(c)
	base["version"] = strconv.Itoa(c.Version)
	if c.UnitID == 0 {
		base["unit_id"] = ""
	}
	d.V = values(base, p)
	// Editing needs the company inside the caller's area, not above it.
	lo, hi, _ := auth.Scope(ctx)
	d.CanEdit = auth.Has(r.Context(), EditRoles...) && c.DivisionCode >= lo && c.DivisionCode <= hi
	if d.CanEdit {
		if d.Units, err = h.unitChoices(ctx); err != nil {
			return err
		}
	}
	if d.Compounds, d.More, err = h.S.ListCompounds(ctx, Filter{PerPage: 100}, id); err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "property/company", h.Srv.NewPage(r, c.Name, d))
	return nil
}

func (h *Web) saveCompany(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "property.company_not_found")
	if err != nil {
		return err
	}
	p, bad := companyForm(r)
	if err = bad.Err(); err == nil {
		_, err = h.S.UpdateCompany(r.Context(), id, p)
	}
	return after(w, r, err, "layout.saved", "/property/companies/"+idStr(id), func(status int, pr *problem) error {
		return h.renderCompany(w, r, status, pr, false)
	})
}

// contact shows the company's contact whole (audited); a POST, so that a
// link cannot unmask it.
func (h *Web) contact(w http.ResponseWriter, r *http.Request) error {
	return h.renderCompany(w, r, http.StatusOK, nil, true)
}

func (h *Web) exportCompanies(w http.ResponseWriter, r *http.Request) error {
	return web.ExportList(w, r, exportName(r.Context(), "property.companies_file", h.S), filterOf, h.S.ExportCompanies)
}

func (h *Web) companyTemplate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "property.companies_file")+"-template.xlsx", func(out io.Writer) error {
		return h.S.WriteTemplate(ctx, CompanySheet, out)
	})
}

func (h *Web) importCompanies(w http.ResponseWriter, r *http.Request) error {
	if !auth.Has(r.Context(), EditRoles...) {
		return errs.Forbidden()
	}
	return web.ImportFile(w, r, 2*xlsx.DefaultMaxBytes, "/property/companies", h.S.ImportCompanies,
		func(lang string, n int) string { return i18n.T(lang, "property.imported", n) },
		func(status int, summary []string) error {
			return h.renderCompanies(w, r, status, &problem{Summary: summary})
		})
}

func exportName(ctx context.Context, key string, s *Service) string {
	return xlsx.ExportName(i18n.From(ctx), key, s.Now().In(calendar.China))
}

// values are a form's values: base, overlaid with what the user sent when
// the form was refused.
func values(base map[string]string, p *problem) map[string]string {
	if p != nil {
		for k := range p.Values {
			base[k] = p.Values.Get(k)
		}
	}
	return base
}
