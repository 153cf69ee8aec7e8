package care

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the visit pages.
type Web struct{ *web.Pages[Service] }

// The service worker is served from /visits/ so that its scope covers
// the visit pages; its source is web/static/js/visit-sw.js.
const swPath = "js/visit-sw.js"

// RegisterWeb adds the pages and the navigation entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "care", templates)}
	srv.AddNav(web.NavItem{Key: "care.nav", Path: "/visits", Roles: ListRoles, Order: 35, Group: web.NavCare},
		web.NavItem{Key: "care.nav_rate", Path: "/visits/rate", Roles: []auth.Role{auth.CountyStaff, auth.CityStaff}, Order: 35, Group: web.NavCare})
	srv.Page("GET /visits", h.list)
	srv.Page("GET /visits/record", h.recordForm)
	srv.Page("POST /visits/record", h.record, web.MaxBody(int64(maxPhotos)*s.Photos.MaxBytes+(1<<20)))
	srv.Page("GET /visits/rate", h.rate)
	srv.Page("GET /visits/tasks/{id}", h.view)
	srv.Page("POST /visits/tasks/{id}/assignee", h.reassign)
	srv.Page("GET /visits/photos/{id}", web.File("id", "error.not_found", s.Photo))
	srv.Public("GET /visits/sw.js", h.serviceWorker)
	srv.Public("GET /visits/session", h.session)
}

func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type listData struct {
	Filter    Filter
	Items     []VisitTask
	Page      int
	More      bool
	Statuses  []string
	Current   string
	CanRecord bool
	Township  bool
	Summary   *VisitSummary
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := Filter{Month: q.Get("month"), Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q"))}
	if a := q.Get("assignee"); a != "" {
		f.Assignee, _ = strconv.ParseInt(a, 10, 64)
	}
	page := web.PageParam(q)
	items, more, err := h.S.List(r.Context(), f, page, 50)
	if err != nil {
		return err
	}
	if f.Month == "" {
		f.Month = h.S.CurrentMonth()
	}
	p := auth.From(r.Context())
	sum, err := h.S.Summary(r.Context(), f.Division, f.Month)
	if err != nil {
		return err
	}
	d := &listData{Summary: sum, Filter: f, Items: items, Page: max(page, 1), More: more, Statuses: append(append([]string{}, Statuses...), "unvisited"),
		Current: h.S.CurrentMonth(), CanRecord: slices.Contains(RecordRoles, p.Role), Township: p.Role == auth.TownshipStaff}
	h.Srv.Render.Render(w, http.StatusOK, "care/list", h.Srv.NewPage(r, "care.list", d))
	return nil
}

type formData struct {
	Tasks     []VisitTask
	Values    map[string]string
	Errors    map[string]string
	Summary   []string
	Methods   []string
	Items     []string
	Key       string
	Month     string
	MaxPhotos int
}

func (h *Web) recordForm(w http.ResponseWriter, r *http.Request) error {
	return h.form(w, r, http.StatusOK, &formData{Values: map[string]string{"task_id": r.URL.Query().Get("task")}})
}

// form renders the visit form with the caller's tasks of the month. The
// page works offline: visit.js keeps what is recorded in IndexedDB and
// sends it when the connection returns.
func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, d *formData) error {
	if _, err := auth.Require(r.Context(), RecordRoles...); err != nil {
		return err
	}
	p := auth.From(r.Context())
	tasks, _, err := h.S.List(r.Context(), Filter{Assignee: p.UserID}, 1, 200)
	if err != nil {
		return err
	}
	d.Tasks, d.Methods, d.Items, d.Month, d.MaxPhotos = tasks, Methods, ChecklistItems, h.S.CurrentMonth(), maxPhotos
	if d.Key == "" {
		d.Key = newKey()
	}
	h.Srv.Render.Render(w, status, "care/record", h.Srv.NewPage(r, "care.record", d))
	return nil
}

// parseVisit reads the visit form (urlencoded or multipart) and its photos.
func (h *Web) parseVisit(r *http.Request) (VisitInput, []*upload.File, map[string]string, error) {
	in := VisitInput{Checklist: map[string]string{}}
	vals := map[string]string{}
	var bad errs.Fields
	get := func(k string) string {
		v := strings.TrimSpace(r.PostFormValue(k))
		vals[k] = v
		return v
	}
	if id := get("task_id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			bad.Add("task_id", "error.required")
		}
		in.TaskID = n
	}
	in.IdempotencyKey = get("idempotency_key")
	in.Method = get("method")
	for _, item := range ChecklistItems {
		if v := get("check_" + item); v != "" {
			in.Checklist[item] = v
		}
	}
	in.Notes = get("notes")
	in.FollowUp = get("follow_up")
	if v := get("visited_at"); v != "" {
		// A browser sends its local time (datetime-local) or, from the
		// offline queue, an RFC 3339 instant.
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			t, err = time.ParseInLocation("2006-01-02T15:04", v, calendar.China)
		}
		if err != nil {
			bad.Add("visited_at", "care.bad_time")
		} else {
			in.VisitedAt = &t
		}
	}
	if lat, lng := get("latitude"), get("longitude"); lat != "" || lng != "" {
		la, err1 := strconv.ParseFloat(lat, 64)
		lo, err2 := strconv.ParseFloat(lng, 64)
		acc, _ := strconv.ParseFloat(get("accuracy"), 64)
		if err1 != nil || err2 != nil {
			bad.Add("location", "care.bad_location")
		} else {
			in.Location = &VisitLocation{Latitude: la, Longitude: lo, Accuracy: acc}
		}
	}
	var photos []*upload.File
	if r.MultipartForm != nil {
		hs := r.MultipartForm.File["photo"]
		if len(hs) > maxPhotos {
			bad.Add("photo", "care.too_many_photos", maxPhotos)
			hs = nil
		}
		for _, fh := range hs {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an empty file input
			}
			f, err := fh.Open()
			if err != nil {
				bad.Add("photo", "upload.unreadable")
				continue
			}
			pf, err := h.S.Photos.Header(fh, f, "photo")
			f.Close()
			if err != nil {
				if e := errs.As(err); e.Code == errs.EINVALID {
					bad = append(bad, e.Fields...)
					continue
				}
				return in, nil, vals, err
			}
			photos = append(photos, pf)
		}
	}
	return in, photos, vals, bad.Err()
}

// record takes a visit from the form or from the offline queue (which
// asks for JSON). Errors are answered in kind.
func (h *Web) record(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, int64(maxPhotos)*h.S.Photos.MaxBytes+(1<<20))
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errs.Invalid(errs.Field("photo", "upload.too_large", h.S.Photos.MaxBytes>>20))
		}
	}
	in, photos, vals, err := h.parseVisit(r)
	var rec *VisitRecorded
	if err == nil {
		rec, err = h.S.RecordVisit(r.Context(), in, photos)
	}
	if wantsJSON(r) {
		return h.recordJSON(w, r, rec, err)
	}
	if err == nil {
		return web.FlashRedirect(w, r, "care.recorded", "/visits/record")
	}
	if errs.Code(err) != errs.EINVALID && errs.Code(err) != errs.ECONFLICT {
		return err
	}
	sum, by := explain(r, err)
	return h.form(w, r, errs.Status(err), &formData{Values: vals, Errors: by, Summary: sum, Key: in.IdempotencyKey})
}

// recordAnswer is what the offline queue reads.
type recordAnswer struct {
	OK      bool              `json:"ok"`
	Created bool              `json:"created"`
	VisitID int64             `json:"visit_id,omitempty"`
	TaskID  int64             `json:"task_id,omitempty"`
	Message string            `json:"message,omitempty"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func (h *Web) recordJSON(w http.ResponseWriter, r *http.Request, rec *VisitRecorded, err error) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		if errs.Code(err) == errs.EINTERNAL {
			return err
		}
		sum, by := explain(r, err)
		w.WriteHeader(errs.Status(err))
		return json.NewEncoder(w).Encode(recordAnswer{Message: strings.Join(sum, " "), Fields: by})
	}
	st := http.StatusCreated
	if !rec.Created {
		st = http.StatusOK
	}
	w.WriteHeader(st)
	return json.NewEncoder(w).Encode(recordAnswer{OK: true, Created: rec.Created, VisitID: rec.Visit.ID, TaskID: rec.Visit.TaskID})
}

func explain(r *http.Request, err error) ([]string, map[string]string) {
	return web.Explain(i18n.From(r.Context()), err)
}

type viewData struct {
	Task      *VisitTask
	Assignees []VisitAssignee
	Errors    []string
	Photos    map[int64][]int64
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, problems []string) error {
	id, err := web.PathID(r, "id", "care.task_not_found")
	if err != nil {
		return err
	}
	t, err := h.S.Get(r.Context(), id)
	if err != nil {
		return err
	}
	d := &viewData{Task: t, Errors: problems}
	if t.CanReassign {
		if d.Assignees, err = h.S.Assignees(r.Context(), id); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "care/view", h.Srv.NewPage(r, "care.task", d))
	return nil
}

func (h *Web) reassign(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "care.task_not_found")
	if err != nil {
		return err
	}
	to, _ := strconv.ParseInt(r.PostFormValue("assignee_id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err = h.S.Reassign(r.Context(), id, to, version)
	if err == nil {
		return web.FlashRedirect(w, r, "care.reassigned", "/visits/tasks/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	sum, _ := explain(r, err)
	return h.renderView(w, r, errs.Status(err), sum)
}

type rateData struct {
	Rate   *VisitRate
	Months []string
}

func (h *Web) rate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	rt, err := h.S.Rate(r.Context(), strings.TrimSpace(q.Get("division")), q.Get("month"))
	if err != nil {
		return err
	}
	var months []string
	t, _ := ParseMonth(h.S.CurrentMonth())
	for i := 0; i < 12; i++ {
		months = append(months, t.AddDate(0, -i, 0).Format("2006-01"))
	}
	h.Srv.Render.Render(w, http.StatusOK, "care/rate", h.Srv.NewPage(r, "care.rate", &rateData{Rate: rt, Months: months}))
	return nil
}

// serviceWorker serves the worker script from /visits/ so that it may
// control the visit form.
func (h *Web) serviceWorker(w http.ResponseWriter, r *http.Request) error {
	b, err := fs.ReadFile(h.Srv.Static, swPath)
	if err != nil {
		return errs.NotFound("error.not_found")
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "sw.js", time.Time{}, bytes.NewReader(b))
	return nil
}

// session tells the offline queue whether it may send, and with which
// CSRF token: the token of the current session, which changes when the
// worker signs in again.
func (h *Web) session(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	p := auth.From(r.Context())
	if p == nil || web.PendingStep(r.Context()) != "" {
		w.WriteHeader(http.StatusUnauthorized)
		return json.NewEncoder(w).Encode(map[string]any{"signed_in": false, "login": "/login?next=/visits/record",
			"message": i18n.T(i18n.From(r.Context()), "care.sign_in_again")})
	}
	return json.NewEncoder(w).Encode(map[string]any{"signed_in": true, "csrf": web.CSRFToken(r.Context()), "user": p.Name})
}
