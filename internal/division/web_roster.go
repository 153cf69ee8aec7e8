package division

import (
	"io"
	"net/http"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

// registerRosterWeb adds the rosters' pages.
func (h *Web) registerRosterWeb(srv *web.Server) {
	srv.Page("GET /divisions/{code}/roster", h.roster)
	srv.Page("GET /divisions/{code}/roster.xlsx", h.rosterExport)
	srv.Page("GET /divisions/{code}/roster/new", h.rosterNew)
	srv.Page("POST /divisions/{code}/roster", h.rosterAdd)
	srv.Page("GET /roster-members/{id}/edit", h.rosterEdit)
	srv.Page("POST /roster-members/{id}", h.rosterSave)
	srv.Page("POST /roster-members/{id}/end", h.rosterEnd)
}

type rosterData struct {
	Division Division
	Filter   RosterFilter
	Parts    []string
	Items    []RosterMember
	Page     int
	More     bool
	CanEdit  bool
}

func rosterFilter(r *http.Request) RosterFilter {
	q := r.URL.Query()
	return RosterFilter{Division: r.PathValue("code"), Part: q.Get("part"), Q: q.Get("q"), Ended: q.Get("ended") == "1", Page: web.PageParam(q)}
}

func (h *Web) roster(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := rosterFilter(r)
	f.Page, f.PerPage = db.Paging(f.Page, 50)
	items, more, err := h.S.Roster(ctx, f)
	if err != nil {
		return err
	}
	d, err := h.S.Get(ctx, f.Division)
	if err != nil {
		return err
	}
	parts := UrbanParts
	if d.Level == Community {
		parts = PartsFor(d.Kind)
	} else {
		for _, p := range RuralParts {
			if !contains(parts, p) {
				parts = append(parts[:len(parts):len(parts)], p)
			}
		}
	}
	_, perr := auth.Require(ctx, RosterEditRoles...)
	h.Srv.Render.Render(w, http.StatusOK, "division/roster", h.Srv.NewPage(r, "roster.title",
		&rosterData{Division: *d, Filter: f, Parts: parts, Items: items, Page: f.Page, More: more, CanEdit: perr == nil && d.Level == Community}))
	return nil
}

func (h *Web) rosterExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := rosterFilter(r)
	name := i18n.T(i18n.From(ctx), "roster.export_name") + "-" + f.Division + "-" + h.S.Now().In(calendar.China).Format("20060102") + ".xlsx"
	return xlsx.Download(w, name, func(out io.Writer) error { return h.S.ExportRoster(ctx, f, out) })
}

// rosterForm is the add or edit form: the values as typed.
type rosterForm struct {
	Division Division
	ID       int64
	In       RosterInput
	Parts    []string
	Errors   map[string]string
	Summary  []string
}

func (h *Web) renderRosterForm(w http.ResponseWriter, r *http.Request, fd *rosterForm, err error) error {
	status := http.StatusOK
	if err != nil {
		if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
			return err
		}
		status = errs.Status(err)
		fd.Summary, fd.Errors = web.Explain(i18n.From(r.Context()), err)
	}
	title := "roster.add"
	if fd.ID != 0 {
		title = "roster.edit"
	}
	h.Srv.Render.Render(w, status, "division/roster_form", h.Srv.NewPage(r, title, fd))
	return nil
}

func (h *Web) rosterNew(w http.ResponseWriter, r *http.Request) error {
	d, err := h.S.community(r.Context(), r.PathValue("code"), RosterEditRoles)
	if err != nil {
		return err
	}
	return h.renderRosterForm(w, r, &rosterForm{Division: *d, Parts: PartsFor(d.Kind), In: RosterInput{Part: r.URL.Query().Get("part")}}, nil)
}

func rosterInput(r *http.Request) RosterInput {
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	return RosterInput{Part: r.PostFormValue("part"), Name: r.PostFormValue("name"), Position: r.PostFormValue("position"),
		Phone: r.PostFormValue("phone"), TermStart: r.PostFormValue("term_start"), TermEnd: r.PostFormValue("term_end"),
		Note: r.PostFormValue("note"), Version: v}
}

func (h *Web) rosterAdd(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, err := h.S.community(ctx, r.PathValue("code"), RosterEditRoles)
	if err != nil {
		return err
	}
	in := rosterInput(r)
	in.DivisionCode = d.Code
	if _, err = h.S.AddRosterMember(ctx, in); err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/divisions/"+d.Code+"#profile")
	}
	return h.renderRosterForm(w, r, &rosterForm{Division: *d, Parts: PartsFor(d.Kind), In: in}, err)
}

// member reads the member of the path and its community, for editing.
func (h *Web) member(r *http.Request) (*RosterMember, *Division, error) {
	ctx := r.Context()
	if _, err := auth.Require(ctx, RosterEditRoles...); err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, nil, errs.NotFound("error.not_found")
	}
	m, err := h.S.RosterMember(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	d, err := h.S.community(ctx, m.DivisionCode, RosterEditRoles)
	return m, d, err
}

func (h *Web) rosterEdit(w http.ResponseWriter, r *http.Request) error {
	m, d, err := h.member(r)
	if err != nil {
		return err
	}
	in := RosterInput{Part: m.Part, Name: m.Name, Position: m.Position, Phone: m.Phone, TermStart: m.TermStart, TermEnd: m.TermEnd,
		Note: m.Note, Version: m.Version}
	return h.renderRosterForm(w, r, &rosterForm{Division: *d, ID: m.ID, Parts: PartsFor(d.Kind), In: in}, nil)
}

func (h *Web) rosterSave(w http.ResponseWriter, r *http.Request) error {
	m, d, err := h.member(r)
	if err != nil {
		return err
	}
	in := rosterInput(r)
	if _, err = h.S.UpdateRosterMember(r.Context(), m.ID, in); err == nil {
		return web.FlashRedirect(w, r, "layout.saved", "/divisions/"+d.Code+"#profile")
	}
	return h.renderRosterForm(w, r, &rosterForm{Division: *d, ID: m.ID, Parts: PartsFor(d.Kind), In: in}, err)
}

func (h *Web) rosterEnd(w http.ResponseWriter, r *http.Request) error {
	m, d, err := h.member(r)
	if err != nil {
		return err
	}
	v, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err = h.S.EndRosterMember(r.Context(), m.ID, RosterEnd{TermEnd: r.PostFormValue("term_end"), Version: v}); err == nil {
		return web.FlashRedirect(w, r, "roster.ended_done", "/divisions/"+d.Code+"#profile")
	}
	in := RosterInput{Part: m.Part, Name: m.Name, Position: m.Position, Phone: m.Phone, TermStart: m.TermStart, TermEnd: m.TermEnd,
		Note: m.Note, Version: m.Version}
	return h.renderRosterForm(w, r, &rosterForm{Division: *d, ID: m.ID, Parts: PartsFor(d.Kind), In: in}, err)
}

// V is the form's value of a field.
func (f *rosterForm) V(field string) string {
	return map[string]string{"name": f.In.Name, "position": f.In.Position, "phone": f.In.Phone, "term_start": f.In.TermStart,
		"term_end": f.In.TermEnd, "note": f.In.Note}[field]
}
