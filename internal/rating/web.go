package rating

import (
	"embed"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// Levels lists the five levels, best first, for forms.
var Levels = []int{VerySatisfied, Satisfied, Basically, Dissatisfied, VeryDissatisfied}

// RegisterWeb adds the pages and the navigation entries.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "rating", templates, web.NavItem{Key: "rating.nav", Path: "/ratings", Roles: ReadRoles, Order: 48, Group: web.NavRequests}, web.NavItem{Key: "rating.mine", Path: "/ratings/mine", Roles: RateRoles, Order: 48, Group: web.NavRequests})}
	srv.Page("GET /ratings", h.list)
	srv.Page("GET /ratings/export.xlsx", h.export)
	srv.Page("GET /ratings/mine", h.mine)
	srv.Page("GET /ratings/new", h.newForm)
	srv.Page("POST /ratings", h.create)
	srv.Page("GET /ratings/{id}", h.view)
	srv.Page("POST /ratings/{id}/reply", h.reply)
}

func filterOf(q url.Values) Filter {
	level, _ := strconv.Atoi(q.Get("level"))
	return Filter{Division: q.Get("division"), Kind: q.Get("kind"), Level: level, Rectification: q.Get("rectification"),
		Q: q.Get("q"), Page: web.PageParam(q), PerPage: 50}
}

type listData struct {
	F             Filter
	Items         []Rating
	Page          int
	More          bool
	RatingFigures *RatingFigures
	Kinds         []string
	Levels        []int
}

func (h *Web) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	f := filterOf(r.URL.Query())
	items, more, err := h.S.List(ctx, f)
	if err != nil {
		return err
	}
	fig, err := h.S.Figures(ctx, f.Division)
	if err != nil {
		return err
	}
	d := &listData{F: f, Items: items, More: more, RatingFigures: fig, Kinds: h.S.Kinds(), Levels: Levels}
	d.Page, _ = db.Paging(f.Page, f.PerPage)
	h.Srv.Render.Render(w, http.StatusOK, "rating/list", h.Srv.NewPage(r, "rating.title", d))
	return nil
}

func (h *Web) export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	return xlsx.Download(w, i18n.T(i18n.From(ctx), "rating.export_file")+"-"+h.S.Today()+".xlsx", func(out io.Writer) error {
		return h.S.Export(ctx, filterOf(r.URL.Query()), out)
	})
}

func (h *Web) mine(w http.ResponseWriter, r *http.Request) error {
	items, more, err := h.S.Mine(r.Context(), web.PageParam(r.URL.Query()), 50)
	if err != nil {
		return err
	}
	page, _ := db.Paging(web.PageParam(r.URL.Query()), 50)
	h.Srv.Render.Render(w, http.StatusOK, "rating/mine", h.Srv.NewPage(r, "rating.mine", map[string]any{"Items": items, "More": more, "Page": page}))
	return nil
}

type formData struct {
	Subject Subject
	Values  map[string]string
	Levels  []int
	Errors  map[string]string
	Summary []string
}

func (h *Web) form(w http.ResponseWriter, r *http.Request, status int, in RateInput, err error) error {
	sub, serr := h.S.Subject(r.Context(), in.Kind, in.ID)
	if serr != nil {
		return serr
	}
	d := &formData{Subject: sub, Levels: Levels, Values: map[string]string{"comment": in.Comment, "occasion": in.Occasion}}
	if in.Level != 0 {
		d.Values["level"] = strconv.Itoa(in.Level)
	}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(r.Context()), err)
	}
	h.Srv.Render.Render(w, status, "rating/form", h.Srv.NewPage(r, "rating.new", d))
	return nil
}

func (h *Web) newForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	sid, _ := strconv.ParseInt(q.Get("id"), 10, 64)
	return h.form(w, r, http.StatusOK, RateInput{Kind: q.Get("kind"), ID: sid, Occasion: q.Get("occasion")}, nil)
}

func (h *Web) create(w http.ResponseWriter, r *http.Request) error {
	sid, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	level, _ := strconv.Atoi(r.PostFormValue("level"))
	in := RateInput{Kind: r.PostFormValue("kind"), ID: sid, Level: level, Comment: r.PostFormValue("comment"), Occasion: r.PostFormValue("occasion")}
	rt, err := h.S.Rate(r.Context(), in)
	if err == nil {
		web.Flash(w, r, "rating.thanks")
		http.Redirect(w, r, "/ratings/"+id(rt.ID), http.StatusSeeOther)
		return nil
	}
	if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
		return err
	}
	return h.form(w, r, errs.Status(err), in, err)
}

type viewData struct {
	R        *Rating
	CanReply bool
	Reply    string
	Errors   map[string]string
	Summary  []string
}

func (h *Web) view(w http.ResponseWriter, r *http.Request) error {
	return h.renderView(w, r, http.StatusOK, "", nil)
}

func (h *Web) renderView(w http.ResponseWriter, r *http.Request, status int, reply string, err error) error {
	ctx := r.Context()
	rid, gerr := web.PathID(r, "id", "rating.not_found")
	if gerr != nil {
		return gerr
	}
	rt, gerr := h.S.Get(ctx, rid)
	if gerr != nil {
		return gerr
	}
	_, perr := auth.Require(ctx, ReplyRoles...)
	d := &viewData{R: rt, CanReply: perr == nil && rt.Rectification == Open, Reply: reply}
	if err != nil {
		d.Summary, d.Errors = web.Explain(i18n.From(ctx), err)
	}
	h.Srv.Render.Render(w, status, "rating/view", h.Srv.NewPage(r, rt.SubjectName, d))
	return nil
}

func (h *Web) reply(w http.ResponseWriter, r *http.Request) error {
	rid, err := web.PathID(r, "id", "rating.not_found")
	if err != nil {
		return err
	}
	text := r.PostFormValue("reply")
	if _, err := h.S.Reply(r.Context(), rid, text); err != nil {
		if c := errs.Code(err); c != errs.EINVALID && c != errs.ECONFLICT {
			return err
		}
		return h.renderView(w, r, errs.Status(err), text, err)
	}
	web.Flash(w, r, "rating.replied")
	http.Redirect(w, r, "/ratings/"+id(rid), http.StatusSeeOther)
	return nil
}

// levelKey is the message key of a level.
func levelKey(level int) string { return "rating.level." + strconv.Itoa(level) }
