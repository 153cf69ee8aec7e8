package property

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

// --- committees ---

type committeesData struct {
	web.Listing[Filter, PropertyCommittee]
	Ended     bool
	CanEdit   bool
	Kinds     []string
	Compounds []PropertyCompound
	Area      string
	P         *problem
}

func (h *Web) committees(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommittees(w, r, http.StatusOK, nil)
}

func (h *Web) renderCommittees(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	ended := r.URL.Query().Get("ended") == "1"
	l, err := web.ListOf(r, filterOf, func(ctx context.Context, f Filter) ([]PropertyCommittee, bool, error) {
		return h.S.ListCommittees(ctx, f, ended)
	})
	if p, status, err = web.RefusedSearch(ctx, err, p, status); err != nil {
		return err
	}
	d := &committeesData{Listing: l, Ended: ended, CanEdit: auth.Has(r.Context(), EditRoles...), Kinds: Kinds, Area: areaCode(ctx), P: p}
	if d.CanEdit {
		if d.Compounds, _, err = h.S.ListCompounds(ctx, Filter{PerPage: 200}, 0); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "property/committees", h.Srv.NewPage(r, "property.committees", d))
	return nil
}

func (h *Web) createCommittee(w http.ResponseWriter, r *http.Request) error {
	compound, _ := strconv.ParseInt(form(r, "compound_id"), 10, 64)
	in := PropertyCommitteeInput{Kind: form(r, "kind"), CompoundID: compound, DivisionCode: form(r, "division_code"), Name: form(r, "name"),
		TermStart: form(r, "term_start"), TermEnd: form(r, "term_end")}
	c, err := h.S.CreateCommittee(r.Context(), in)
	to := "/property/committees"
	if c != nil {
		to += "/" + idStr(c.ID)
	}
	return after(w, r, err, "layout.saved", to, func(status int, pr *problem) error { return h.renderCommittees(w, r, status, pr) })
}

type committeeData struct {
	C        *PropertyCommittee
	CanEdit  bool
	Roles    []string
	Meetings []PropertyMeeting
	More     bool
	Today    string
	P        *problem
}

func (h *Web) committee(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommittee(w, r, http.StatusOK, nil)
}

func (h *Web) renderCommittee(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "property.committee_not_found")
	if err != nil {
		return err
	}
	c, err := h.S.GetCommittee(ctx, id)
	if err != nil {
		return err
	}
	d := &committeeData{C: c, CanEdit: auth.Has(r.Context(), EditRoles...), Roles: Roles, Today: h.S.Today(), P: p}
	if c.Kind == Management {
		if d.Meetings, d.More, err = h.S.ListMeetings(ctx, id, web.PageParam(r.URL.Query()), 20); err != nil {
			return err
		}
	}
	h.Srv.Render.Render(w, status, "property/committee", h.Srv.NewPage(r, c.Name, d))
	return nil
}

func (h *Web) addMember(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "property.committee_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.AddMember(r.Context(), id, PropertyMemberInput{Name: form(r, "name"), Role: form(r, "role")})
	return after(w, r, err, "layout.saved", "/property/committees/"+idStr(id), func(status int, pr *problem) error {
		return h.renderCommittee(w, r, status, pr)
	})
}

func (h *Web) recordMeeting(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "property.committee_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.RecordMeeting(r.Context(), id, PropertyMeetingInput{HeldOn: form(r, "meeting_date"), Topic: form(r, "topic"),
		Attendees: form(r, "attendees"), Resolutions: form(r, "resolutions")})
	return after(w, r, err, "layout.saved", "/property/committees/"+idStr(id), func(status int, pr *problem) error {
		return h.renderCommittee(w, r, status, pr)
	})
}

// --- scores ---

type scoresData struct {
	S        *PropertyScores
	Division string
	Year     string
	P        *problem
}

func (h *Web) scores(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	d := &scoresData{Division: q.Get("division"), Year: q.Get("year")}
	sc, err := h.S.CompanyScores(ctx, d.Division, year)
	status := http.StatusOK
	if errs.Code(err) == errs.EINVALID {
		sum, by := web.Explain(i18n.From(ctx), err)
		d.P, status = &problem{Summary: sum, Errors: by}, errs.Status(err)
	} else if err != nil {
		return err
	}
	d.S = sc
	h.Srv.Render.Render(w, status, "property/scores", h.Srv.NewPage(r, "property.scores", d))
	return nil
}

func (h *Web) exportScores(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	year, _ := strconv.Atoi(q.Get("year"))
	return xlsx.Download(w, exportName(ctx, "property.scores_file", h.S), func(out io.Writer) error {
		return h.S.ExportScores(ctx, q.Get("division"), year, out)
	})
}

// --- residents ---

type mineData struct {
	M *PropertyMine
	P *problem
}

func (h *Web) mine(w http.ResponseWriter, r *http.Request) error {
	return h.renderMine(w, r, http.StatusOK, nil)
}

func (h *Web) renderMine(w http.ResponseWriter, r *http.Request, status int, p *problem) error {
	m, err := h.S.Mine(r.Context())
	if err != nil {
		return err
	}
	h.Srv.Render.Render(w, status, "property/mine", h.Srv.NewPage(r, "property.mine", &mineData{M: m, P: p}))
	return nil
}

func (h *Web) fileRequest(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "property.compound_not_found")
	if err != nil {
		return err
	}
	rid, err := h.S.FileRequest(r.Context(), id, form(r, "description"))
	to := "/property/mine"
	if rid != 0 {
		to = "/requests/" + idStr(rid)
	}
	if rid != 0 && err != nil {
		// The request was filed; only its link to the compound failed.
		return web.FlashRedirect(w, r, "layout.saved", to)
	}
	return after(w, r, err, "property.request_filed", to, func(status int, pr *problem) error { return h.renderMine(w, r, status, pr) })
}
