package request

import (
	"embed"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
)

// The pages of this file and the proactive alerts (proactive.go); the
// catalogue's are in web_catalogue.go, the 三率's in request/stats.
//
//go:embed templates/new.html templates/list.html templates/view.html templates/proactive.html
var pageTemplates embed.FS

// Web holds the request pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the request pages and their navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "request", pageTemplates, web.NavItem{Key: "request.nav", Path: "/requests", Roles: ReadRoles, Order: 30, Group: web.NavRequests},
		web.NavItem{Key: "request.nav_new", Path: "/requests/new", Roles: CreateRoles, Order: 30, Group: web.NavRequests})}
	srv.Page("GET /requests", h.list)
	srv.Page("GET /requests/new", h.newForm)
	srv.Page("POST /requests/new", h.create, web.MaxBody(int64(MaxPhotos)*s.Photos.MaxBytes+(1<<20)))
	srv.Page("GET /requests/{id}", h.view)
	srv.Page("POST /requests/{id}/act", h.act, web.MaxBody(int64(MaxPhotos)*s.Photos.MaxBytes+(1<<20)))
	srv.Page("GET /requests/{id}/photos/{blob}", web.FileOf("id", "request.not_found", "blob", "request.photo_not_found", s.PhotoBlob))
	h.registerCatalogue(srv)
}

type listData struct {
	Filter     Filter
	Items      []Request
	Page       int
	More       bool
	Statuses   []string
	Categories []Category
	Staff      bool
	CanCreate  bool
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Category: q.Get("category"),
		Overdue: q.Get("overdue") == "1", Q: strings.TrimSpace(q.Get("q"))}
	page := web.PageParam(q)
	items, more, err := h.S.List(r.Context(), f, page, 50)
	if err != nil {
		return err
	}
	cats, err := h.S.Categories(r.Context())
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	d := &listData{Filter: f, Items: items, Page: max(page, 1), More: more, Statuses: Statuses, Categories: cats,
		Staff: p.Role.Staff(), CanCreate: slices.Contains(CreateRoles, p.Role)}
	title := "request.list"
	if p.Role == auth.Resident {
		title = "request.mine"
	}
	h.Srv.Render.Render(w, http.StatusOK, "request/list", h.Srv.NewPage(r, title, d))
	return nil
}

type formData struct {
	Categories []Category
	Values     map[string]string
	Errors     map[string]string
	Summary    []string
	Staff      bool
	Channels   []string
	MaxPhotos  int
	Picker     *division.Picker
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), CreateRoles...)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	if len(p.Area.Prefix) == 12 {
		vals["division_code"] = p.Area.Code
	}
	h.prefill(r.Context(), p, vals)
	return h.form(w, r, http.StatusOK, &formData{Values: vals})
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData) error {
	p, err := auth.Require(r.Context(), CreateRoles...)
	if err != nil {
		return err
	}
	if d.Categories, err = h.S.Categories(r.Context()); err != nil {
		return err
	}
	d.Staff, d.Channels, d.MaxPhotos = p.Role.Staff(), []string{ChannelPhone, ChannelWalkIn}, MaxPhotos
	if err := h.picker(r, d); err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "request/new", h.Srv.NewPage(r, "request.new", d))
	return nil
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), CreateRoles...); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(MaxPhotos)*h.S.Photos.MaxBytes+(1<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errs.Invalid(errs.Field("photos", "upload.too_large", h.S.Photos.MaxBytes>>20))
		}
	}
	vals := map[string]string{}
	get := func(k string) string {
		v := strings.TrimSpace(r.PostFormValue(k))
		vals[k] = v
		return v
	}
	in := Intake{DivisionCode: get("division_code"), CategoryCode: get("category_code"), Description: get("description"),
		Address: get("address"), ContactName: get("contact_name"), Phone: get("phone"), Anonymous: get("anonymous") == "1",
		Channel: get("channel")}
	if pickerStep(r) {
		return h.form(w, r, http.StatusOK, &formData{Values: vals})
	}
	var bad errs.Fields
	if r.MultipartForm != nil {
		hs := r.MultipartForm.File["photos"]
		if len(hs) > MaxPhotos {
			bad.Add("photos", "request.too_many_photos", MaxPhotos)
			hs = nil
		}
		for _, fh := range hs {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				bad.Add("photos", "upload.unreadable")
				continue
			}
			pf, err := h.S.Photos.Header(fh, f, "photos")
			f.Close()
			if err != nil {
				if e := errs.As(err); e.Code == errs.EINVALID {
					bad = append(bad, e.Fields...)
					continue
				}
				return err
			}
			in.Photos = append(in.Photos, pf)
		}
	}
	err := bad.Err()
	var req *Request
	if err == nil {
		req, err = h.S.Create(r.Context(), in)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "request.created", "/requests/"+strconv.FormatInt(req.ID, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ENOTFOUND {
		return err
	}
	sum, by := explain(r, err)
	return h.form(w, r, errs.Status(err), &formData{Values: vals, Errors: by, Summary: sum})
}

func explain(r *http.Request, err error) ([]string, map[string]string) {
	return web.Explain(i18n.From(r.Context()), err)
}

type viewData struct {
	R             *Request
	O             *Options
	Errors        []string
	Urgencies     []string
	Satisfactions []string
	Reasons       []string
	Overdue       bool
	MaxPhotos     int
	// Resident: the viewer is the resident; internal rows are left out.
	Resident bool
	// CasePath is the page of the case opened from the request;
	// OpenCasePath where a form opens one (links.go).
	CasePath, OpenCasePath string
	Onward                 []OnwardLink
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, problems []string) error {
	id, err := web.PathID(r, "id", "request.not_found")
	if err != nil {
		return err
	}
	req, err := h.S.Get(r.Context(), id)
	if err != nil {
		return err
	}
	o, err := h.S.OptionsFor(r.Context(), req)
	if err != nil {
		return err
	}
	d := &viewData{R: req, O: o, Errors: problems, Urgencies: Urgencies, Satisfactions: Satisfactions, Reasons: AppealReasons,
		Overdue: req.Overdue(h.S.now()), MaxPhotos: MaxPhotos, Resident: auth.From(r.Context()).Role == auth.Resident}
	if err := h.S.caseLinks(r.Context(), req, d); err != nil {
		return err
	}
	for _, on := range h.S.Onward {
		if link, label := on(r.Context(), req); link != "" {
			d.Onward = append(d.Onward, OnwardLink{Link: link, Label: label})
		}
	}
	h.Srv.Render.Render(w, status, "request/view", h.Srv.NewPage(r, "request.view", d))
	return nil
}

// act takes a step from one of the view's forms.
func (h *Web) act(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "request.not_found")
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, int64(MaxPhotos)*h.S.Photos.MaxBytes+(1<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			err := errs.Invalid(errs.Field("photos", "upload.too_large", h.S.Photos.MaxBytes>>20))
			sum, _ := explain(r, err)
			return h.renderView(w, r, errs.Status(err), sum)
		}
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	in := Action{Action: v("action"), Note: v("note"), Urgency: v("urgency"), Reason: v("reason"), Decision: v("decision"),
		Satisfaction: v("satisfaction"), Contacted: v("contacted") == "1", Solved: v("solved") == "1", Assist: v("assist") == "1"}
	in.UnitID, _ = strconv.ParseInt(v("unit_id"), 10, 64)
	in.Days, _ = strconv.Atoi(v("days"))
	in.Version, _ = strconv.Atoi(v("version"))
	if in.Photos, err = h.photos(r, "photos"); err != nil {
		if c := errs.Code(err); c != errs.EINVALID {
			return err
		}
		sum, _ := explain(r, err)
		return h.renderView(w, r, errs.Status(err), sum)
	}
	_, err = h.S.Act(r.Context(), id, in)
	if err == nil {
		return web.FlashRedirect(w, r, "request.done", "/requests/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, _ := explain(r, err)
	return h.renderView(w, r, errs.Status(err), sum)
}

// photos reads the checked images of a multipart form's file field (none
// for a form without files).
func (h *Web) photos(r *http.Request, field string) ([]*upload.File, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []*upload.File
	var bad errs.Fields
	hs := r.MultipartForm.File[field]
	if len(hs) > MaxPhotos {
		return nil, errs.Invalid(errs.Field(field, "request.too_many_photos", MaxPhotos))
	}
	for _, fh := range hs {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		f, err := fh.Open()
		if err != nil {
			bad.Add(field, "upload.unreadable")
			continue
		}
		pf, err := h.S.Photos.Header(fh, f, field)
		f.Close()
		if err != nil {
			if e := errs.As(err); e.Code == errs.EINVALID {
				bad = append(bad, e.Fields...)
				continue
			}
			return nil, err
		}
		out = append(out, pf)
	}
	return out, bad.Err()
}
