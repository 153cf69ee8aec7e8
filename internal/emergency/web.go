package emergency

import (
	"embed"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
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

// uploadBody caps a form that carries a scan or a photo.
const uploadBody = upload.DefaultMaxBytes + 1<<20

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "emergency", templates)}
	srv.AddNav(web.NavItem{Key: "emergency.alerts_nav", Path: "/emergency/alerts", Roles: ReadRoles, Order: 45, Group: web.NavCare},
		web.NavItem{Key: "emergency.nav", Path: "/emergency", Roles: ReadRoles, Order: 46, Group: web.NavCare})
	srv.Page("GET /emergency", h.overview)
	srv.Page("GET /emergency/drills.xlsx", h.exportDrills)
	srv.Page("GET /emergency/communities/{code}", h.community)
	srv.Page("POST /emergency/communities/{code}/plans", h.addPlan, web.MaxBody(uploadBody))
	srv.Page("POST /emergency/communities/{code}/drills", h.addDrill, web.MaxBody(uploadBody))
	srv.Page("POST /emergency/communities/{code}/stations", h.addStation)
	srv.Page("GET /emergency/plans/{id}/file", web.File("id", "emergency.plan_not_found", s.PlanFile))
	srv.Page("GET /emergency/drills/{id}/photo", web.File("id", "emergency.drill_not_found", s.DrillPhoto))
	srv.Page("GET /emergency/alerts", h.alerts)
	srv.Page("GET /emergency/alerts/new", h.alertForm)
	srv.Page("POST /emergency/alerts", h.send)
	srv.Page("GET /emergency/alerts/{id}", h.alert)
	srv.Page("GET /emergency/alerts/{id}/coverage", h.coverage)
	srv.Page("GET /emergency/alerts/{id}/tasks", h.tasks)
	srv.Page("GET /emergency/alerts/{id}/tasks.xlsx", h.exportTasks)
	srv.Page("POST /emergency/tasks/{id}", h.mark)
}

func year(r *http.Request) int {
	y, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if y < 2000 || y > 2100 {
		return 0
	}
	return y
}

// recordsData is the records page: an area's figures and lists
// (Code empty) or one community's records and forms.
type recordsData struct {
	Division string
	Year     int
	F        *AreaFigures
	Shelters []Shelter
	Stations []Station
	Drills   []DrillRecord
	Page     int
	More     bool

	Code    string
	Name    string
	Plans   []Plan
	CanEdit bool
	Kinds   []string
	Today   string
	Form    string // the form that failed
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &recordsData{Division: strings.TrimSpace(q.Get("division")), Year: year(r)}
	var err error
	if d.F, err = h.S.Figures(ctx, d.Division, d.Year); err != nil {
		return err
	}
	d.Year = d.F.Year
	if d.Shelters, err = h.S.ShelterList(ctx, d.Division); err != nil {
		return err
	}
	if d.Stations, err = h.S.Stations(ctx, d.Division); err != nil {
		return err
	}
	d.Page = max(web.PageParam(q), 1)
	if d.Drills, d.More, err = h.S.Drills(ctx, d.Division, d.Year, d.Page, 50); err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "emergency/records", h.Srv.NewPage(r, "emergency.figures", d))
	return nil
}

func (h *Web) exportDrills(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := strings.TrimSpace(r.URL.Query().Get("division"))
	if _, _, err := h.S.area(ctx, code); err != nil {
		return err
	}
	name := i18n.T(i18n.From(ctx), "emergency.drills_file") + "-" + h.S.today() + ".xlsx"
	return xlsx.Download(w, name, func(out io.Writer) error { return h.S.ExportDrills(ctx, code, year(r), out) })
}

func (h *Web) community(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommunity(w, r, http.StatusOK, "", nil, nil)
}

func (h *Web) renderCommunity(w http.ResponseWriter, r *http.Request, status int, form string, vals map[string]string, failure error) error {
	ctx := r.Context()
	code := r.PathValue("code")
	if _, _, err := h.S.area(ctx, code); err != nil {
		return err
	}
	name, err := h.S.Store.communityName(ctx, code)
	if err != nil {
		return err
	}
	d := &recordsData{Code: code, Name: name, CanEdit: auth.Has(r.Context(), EditRoles...), Kinds: Kinds, Today: h.S.today(), Form: form, Values: vals}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if failure != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), failure)
	}
	if d.Plans, err = h.S.Plans(ctx, code); err != nil {
		return err
	}
	if d.Drills, _, err = h.S.Drills(ctx, code, 0, 1, 50); err != nil {
		return err
	}
	if d.Stations, err = h.S.Stations(ctx, code); err != nil {
		return err
	}
	if d.Shelters, err = h.S.ShelterList(ctx, code); err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "emergency/records", h.Srv.NewPage(r, name, d))
	return nil
}

// formFile reads an optional image of a multipart form: nil when none was chosen.
func formFile(r *http.Request, field string) (*upload.File, error) {
	if _, _, err := r.FormFile(field); err == http.ErrMissingFile {
		return nil, nil
	}
	return upload.Config{}.FormFile(r, field)
}

func (h *Web) formDone(w http.ResponseWriter, r *http.Request, form string, vals map[string]string, err error) error {
	if err == nil {
		web.Flash(w, r, "layout.saved")
		http.Redirect(w, r, "/emergency/communities/"+r.PathValue("code"), http.StatusSeeOther)
		return nil
	}
	if c := errs.Code(err); c != errs.EINVALID {
		return err
	}
	return h.renderCommunity(w, r, errs.Status(err), form, vals, err)
}

func values(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = strings.TrimSpace(r.PostFormValue(n))
	}
	return out
}

func (h *Web) addPlan(w http.ResponseWriter, r *http.Request) error {
	vals := values(r, "title", "body", "contacts")
	f, err := formFile(r, "file")
	if err == nil {
		_, err = h.S.AddPlan(r.Context(), PlanInput{CommunityCode: r.PathValue("code"), Title: vals["title"], Body: vals["body"],
			Contacts: vals["contacts"]}, f)
	}
	return h.formDone(w, r, "plan", vals, err)
}

func (h *Web) addDrill(w http.ResponseWriter, r *http.Request) error {
	vals := values(r, "held_on", "kind", "participants", "note")
	n, _ := strconv.Atoi(vals["participants"])
	f, err := formFile(r, "photo")
	if err == nil {
		_, err = h.S.AddDrill(r.Context(), DrillInput{CommunityCode: r.PathValue("code"), HeldOn: vals["held_on"], Kind: vals["kind"],
			Participants: n, Note: vals["note"]}, f)
	}
	return h.formDone(w, r, "drill", vals, err)
}

func (h *Web) addStation(w http.ResponseWriter, r *http.Request) error {
	vals := values(r, "place", "equipment", "members", "phone")
	n, _ := strconv.Atoi(vals["members"])
	_, err := h.S.AddStation(r.Context(), StationInput{CommunityCode: r.PathValue("code"), Place: vals["place"], Equipment: vals["equipment"],
		Members: n, Phone: vals["phone"]})
	return h.formDone(w, r, "station", vals, err)
}

type alertsData struct {
	F       AlertFilter
	Kinds   []string
	Levels  []string
	Items   []Alert
	Page    int
	More    bool
	CanSend bool
}

func (h *Web) alerts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := max(web.PageParam(q), 1)
	f := AlertFilter{Q: q.Get("q"), Kind: q.Get("kind"), Level: q.Get("level")}
	items, more, err := h.S.Alerts(r.Context(), f, page, 50)
	if err != nil {
		return err
	}
	d := &alertsData{F: f, Kinds: Kinds, Levels: Levels, Items: items, Page: page, More: more, CanSend: auth.Has(r.Context(), SendRoles...)}
	h.Srv.Render.Render(w, http.StatusOK, "emergency/alerts", h.Srv.NewPage(r, "emergency.alerts", d))
	return nil
}

type alertFormData struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Kinds   []string
	Levels  []string
}

func (h *Web) alertForm(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), SendRoles...)
	if err != nil {
		return err
	}
	h.renderAlertForm(w, r, http.StatusOK, map[string]string{"area_code": p.Area.Code, "kind": "flood", "level": "blue"}, nil)
	return nil
}

func (h *Web) renderAlertForm(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, failure error) {
	d := &alertFormData{Values: vals, Kinds: Kinds, Levels: Levels}
	if failure != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), failure)
	}
	h.Srv.Render.Render(w, status, "emergency/alert_form", h.Srv.NewPage(r, "emergency.new_alert", d))
}

func (h *Web) send(w http.ResponseWriter, r *http.Request) error {
	vals := values(r, "area_code", "kind", "level", "body")
	a, err := h.S.Send(r.Context(), AlertInput{AreaCode: vals["area_code"], Kind: vals["kind"], Level: vals["level"], Body: vals["body"]})
	if err == nil {
		http.Redirect(w, r, "/emergency/alerts/"+idStr(a.ID), http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	h.renderAlertForm(w, r, errs.Status(err), vals, err)
	return nil
}

type coverageData struct {
	C        *AlertCoverage
	CanMark  bool
	fragment bool
}

// Fragment renders only the coverage table for htmx's polling.
func (d *coverageData) Fragment() string {
	if d.fragment {
		return "coverage"
	}
	return ""
}

func (h *Web) alert(w http.ResponseWriter, r *http.Request) error {
	return h.renderCoverage(w, r, false)
}

func (h *Web) coverage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCoverage(w, r, r.Header.Get("HX-Request") == "true")
}

func (h *Web) renderCoverage(w http.ResponseWriter, r *http.Request, fragment bool) error {
	id, err := web.PathID(r, "id", "emergency.alert_not_found")
	if err != nil {
		return err
	}
	c, err := h.S.Coverage(r.Context(), id)
	if err != nil {
		return err
	}
	d := &coverageData{C: c, CanMark: auth.Has(r.Context(), MarkRoles...), fragment: fragment}
	h.Srv.Render.Render(w, http.StatusOK, "emergency/alert", h.Srv.NewPage(r, "emergency.alert", d))
	return nil
}

type tasksData struct {
	A       *Alert
	Items   []Task
	Status  string
	Page    int
	More    bool
	CanMark bool
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Failed  int64
}

func (h *Web) tasks(w http.ResponseWriter, r *http.Request) error {
	return h.renderTasks(w, r, http.StatusOK, 0, nil, nil)
}

func (h *Web) renderTasks(w http.ResponseWriter, r *http.Request, status int, failed int64, vals map[string]string, failure error) error {
	id, err := web.PathID(r, "id", "emergency.alert_not_found")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &tasksData{Status: q.Get("status"), Page: max(web.PageParam(q), 1), CanMark: auth.Has(r.Context(), MarkRoles...), Failed: failed, Values: vals}
	if !slices.Contains([]string{"", Pending, Reached, NotReached}, d.Status) {
		d.Status = ""
	}
	if d.A, d.Items, d.More, err = h.S.Tasks(r.Context(), id, d.Status, d.Page, 50); err != nil {
		return err
	}
	if failure != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), failure)
	}
	h.Srv.Render.Render(w, status, "emergency/tasks", h.Srv.NewPage(r, "emergency.tasks", d))
	return nil
}

func (h *Web) mark(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "emergency.task_not_found")
	if err != nil {
		return err
	}
	vals := values(r, "status", "note")
	t, err := h.S.MarkTask(r.Context(), id, Mark{Status: vals["status"], Note: vals["note"]})
	if err == nil {
		web.Flash(w, r, "emergency.marked")
		http.Redirect(w, r, "/emergency/alerts/"+idStr(t.AlertID)+"/tasks#tasks", http.StatusSeeOther)
		return nil
	}
	if errs.Code(err) != errs.EINVALID {
		return err
	}
	tk, terr := h.S.Store.task(r.Context(), id)
	if terr != nil {
		return terr
	}
	r.SetPathValue("id", idStr(tk.AlertID))
	return h.renderTasks(w, r, errs.Status(err), id, vals, err)
}

func (h *Web) exportTasks(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "emergency.alert_not_found")
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := h.S.Alert(ctx, id); err != nil {
		return err
	}
	name := i18n.T(i18n.From(ctx), "emergency.tasks_file") + "-" + idStr(id) + ".xlsx"
	return xlsx.Download(w, name, func(out io.Writer) error { return h.S.ExportTasks(ctx, id, out) })
}
