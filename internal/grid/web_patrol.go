package grid

import (
	"io"
	"net/http"
	"strconv"
	"strings"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

func (s *Service) registerPatrolWeb(srv *web.Server, h *Web) {
	photoBody := web.MaxBody(s.Photos.MaxBytes + (1 << 20))
	srv.Page("GET /grid/patrols", h.patrols)
	srv.Page("POST /grid/patrols", h.start)
	srv.Page("GET /grid/patrols/{id}", h.patrol)
	srv.Page("POST /grid/patrols/{id}/notes", h.note, photoBody)
	srv.Page("POST /grid/patrols/{id}/events", h.event, photoBody)
	srv.Page("POST /grid/patrols/{id}/end", h.end)
	srv.Page("GET /grid/photos/{id}", web.File("id", "error.not_found", s.Photo))
	srv.Page("GET /grid/figures", h.figures)
	srv.Page("GET /grid/figures.xlsx", h.figuresExport)
}

type patrolsData struct {
	Mine    []Grid
	Open    int64
	Items   []GridPatrol
	Page    int
	More    bool
	Worker  bool
	Summary []string
}

func (h *Web) patrols(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := &patrolsData{Page: web.PageParam(q)}
	if p := auth.From(ctx); p != nil && p.Role == auth.GridWorker {
		var err error
		if d.Mine, d.Open, err = h.S.MyGrids(ctx); err != nil {
			return err
		}
		d.Worker = true
	}
	var err error
	if d.Items, d.More, err = h.S.Patrols(ctx, PatrolFilter{Division: q.Get("division"), Page: d.Page, PerPage: 20}); err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "grid/patrols", h.Srv.NewPage(r, "grid.patrols", d))
	return nil
}

func (h *Web) start(w http.ResponseWriter, r *http.Request) error {
	// A missing or bad id is a grid that is not found, after the role check.
	id, _ := strconv.ParseInt(r.PostFormValue("grid_id"), 10, 64)
	pt, err := h.S.Start(r.Context(), id)
	if err != nil {
		return err
	}
	return web.FlashRedirect(w, r, "grid.started", "/grid/patrols/"+strconv.FormatInt(pt.ID, 10))
}

type patrolData struct {
	P       *GridPatrol
	Own     bool
	Kinds   []string
	Values  map[string]string
	Errors  map[string]string
	Summary []string
}

func (h *Web) patrol(w http.ResponseWriter, r *http.Request) error {
	return h.renderPatrol(w, r, http.StatusOK, nil, nil)
}

func (h *Web) renderPatrol(w http.ResponseWriter, r *http.Request, status int, vals map[string]string, err error) error {
	ctx := r.Context()
	id, perr := web.PathID(r, "id", "grid.patrol_not_found")
	if perr != nil {
		return perr
	}
	pt, perr := h.S.Patrol(ctx, id)
	if perr != nil {
		return perr
	}
	p := auth.From(ctx)
	d := &patrolData{P: pt, Own: p != nil && p.UserID == pt.WorkerID && pt.Open(), Kinds: EventKinds, Values: vals, Errors: map[string]string{}}
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "grid/patrol", h.Srv.NewPage(r, "grid.patrol", d))
	return nil
}

// photoOf reads the optional photo of a patrol form.
func (h *Web) photoOf(r *http.Request) (*upload.File, error) {
	if _, fh, err := r.FormFile("photo"); err != nil || fh.Size == 0 {
		return nil, nil
	}
	return h.S.Photos.FormFile(r, "photo")
}

// patrolForm runs a patrol form's change and returns to the patrol: a
// refused input shows the patrol page again with the errors.
func (h *Web) patrolForm(w http.ResponseWriter, r *http.Request, flash string, vals map[string]string, do func(id int64) error) error {
	id, err := web.PathID(r, "id", "grid.patrol_not_found")
	if err != nil {
		return err
	}
	if err = do(id); err == nil {
		return web.FlashRedirect(w, r, flash, "/grid/patrols/"+strconv.FormatInt(id, 10))
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.renderPatrol(w, r, errs.Status(err), vals, err)
}

func (h *Web) note(w http.ResponseWriter, r *http.Request) error {
	note := strings.TrimSpace(r.FormValue("note"))
	return h.patrolForm(w, r, "grid.noted", map[string]string{"note": note}, func(id int64) error {
		photo, err := h.photoOf(r)
		if err != nil {
			return err
		}
		return h.S.AddNote(r.Context(), id, note, photo)
	})
}

func (h *Web) event(w http.ResponseWriter, r *http.Request) error {
	in := GridEventInput{Kind: r.FormValue("kind"), Description: r.FormValue("description"), Outcome: r.FormValue("outcome"), Resolution: r.FormValue("resolution")}
	vals := map[string]string{"kind": in.Kind, "description": in.Description, "resolution": in.Resolution}
	flash := "grid.reported"
	if in.Outcome == Resolved {
		flash = "grid.resolved"
	}
	return h.patrolForm(w, r, flash, vals, func(id int64) error {
		photo, err := h.photoOf(r)
		if err != nil {
			return err
		}
		_, err = h.S.AddEvent(r.Context(), id, in, photo)
		return err
	})
}

func (h *Web) end(w http.ResponseWriter, r *http.Request) error {
	return h.patrolForm(w, r, "grid.ended", nil, func(id int64) error { return h.S.End(r.Context(), id) })
}

func (h *Web) figures(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f, err := h.S.Figures(r.Context(), strings.TrimSpace(q.Get("division")), strings.TrimSpace(q.Get("month")))
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, http.StatusOK, "grid/figures", h.Srv.NewPage(r, "grid.figures", f))
	return nil
}

func (h *Web) figuresExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	return xlsx.Download(w, xlsx.ExportName(i18n.From(ctx), "grid.figures_file", h.S.Now().In(calendar.China)), func(out io.Writer) error {
		return h.S.ExportFigures(ctx, strings.TrimSpace(q.Get("division")), strings.TrimSpace(q.Get("month")), out)
	})
}
