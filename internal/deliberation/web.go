package deliberation

import (
	"embed"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
)

//go:embed templates/*.html
var templates embed.FS

// Web holds the slice's pages.
type Web struct{ *web.Pages[Service] }

// RegisterWeb adds the pages and the navigation entries. A community's
// published decisions are public; the rest needs an account.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &Web{web.NewPages(srv, s, "deliberation", templates, web.NavItem{Key: "deliberation.nav", Path: "/topics", Roles: RaiseRoles, Order: 6, Group: web.NavOverview})}
	srv.Page("GET /topics", h.topics)
	srv.Page("GET /topics.xlsx", h.exportTopics)
	srv.Page("GET /topics/new", h.newTopic)
	srv.Page("POST /topics/new", h.raise)
	srv.Page("GET /topics/{id}", h.topic)
	srv.Page("POST /topics/{id}/review", h.review)
	srv.Page("POST /topics/{id}/meetings", h.plan)
	srv.Page("GET /meetings/{id}", h.meeting)
	srv.Page("POST /meetings/{id}/electorate", h.electorate)
	srv.Page("POST /meetings/{id}/signin", h.signin)
	srv.Page("POST /meetings/{id}/attendance", h.attend)
	srv.Page("POST /meetings/{id}/votes", h.openVote)
	srv.Page("POST /meetings/{id}/minutes", h.minutes)
	srv.Page("POST /meetings/{id}/decisions", h.publish)
	srv.Page("POST /meetings/{id}/photos", h.addPhoto, web.MaxBody(Photos.MaxBytes+(1<<20)))
	srv.Page("GET /meetings/{id}/photos/{blob}", web.FileOf("id", "deliberation.meeting_not_found", "blob", "error.not_found", s.Photo))
	srv.Page("POST /votes/{id}/ballot", h.cast)
	srv.Page("POST /votes/{id}/tally", h.tally)
	srv.Page("POST /votes/{id}/close", h.closeVote)
	srv.Page("GET /decisions", h.decisions)
	srv.Page("GET /decisions.xlsx", h.exportDecisions)
	srv.Page("POST /decisions/{id}/objections", h.object)
	srv.Page("POST /decisions/{id}/project", h.project)
	srv.Page("POST /objections/{id}/answer", h.answer)
	srv.Page("GET /deliberation/roster", h.roster)
	srv.Page("GET /deliberation/roster.xlsx", h.exportRoster)
	srv.Public("GET /decisions/{id}", h.decision)
	srv.Public("GET /communities/{code}/decisions", h.published)
}

func (h *Web) render(w http.ResponseWriter, r *http.Request, status int, name, title string, d any) error {
	h.Srv.Render.Render(w, status, "deliberation/"+name, h.Srv.NewPage(r, title, d))
	return nil
}

// done flashes and redirects after a write; a refusal the person can fix
// (EINVALID, ECONFLICT, EFORBIDDEN of a rule) shows the page again with it.
func (h *Web) done(w http.ResponseWriter, r *http.Request, err error, to string, again func(failure error) error) error {
	if err == nil {
		web.Flash(w, r, "layout.saved")
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	}
	switch errs.Code(err) {
	case errs.EINVALID, errs.ECONFLICT:
		return again(err)
	}
	if e := errs.As(err); e != nil && strings.HasPrefix(e.Key, "deliberation.") && errs.Code(err) == errs.EFORBIDDEN {
		return again(err)
	}
	return err
}

func summary(r *http.Request, failure error) ([]string, map[string]string) {
	if failure == nil {
		return nil, map[string]string{}
	}
	return web.Explain(i18n.From(r.Context()), failure)
}

func formInt(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return n
}

type topicsData struct {
	F       TopicFilter
	Items   []Topic
	More    bool
	IsStaff bool
	Query   map[string][]string
}

func (h *Web) topics(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := TopicFilter{Division: strings.TrimSpace(q.Get("division")), Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), Page: web.PageParam(q), PerPage: 20}
	items, more, err := h.S.Topics(r.Context(), f)
	if err != nil {
		return err
	}
	f.Page, _ = pagingOf(f.Page)
	return h.render(w, r, http.StatusOK, "topics", "deliberation.topics", &topicsData{F: f, Items: items, More: more, IsStaff: auth.Has(r.Context(), ReadRoles...), Query: q})
}

func pagingOf(page int) (int, int) {
	if page < 1 {
		page = 1
	}
	return page, 20
}

type topicForm struct {
	Values  map[string]string
	Errors  map[string]string
	Summary []string
	Sources []string
	IsStaff bool
}

func (h *Web) newTopic(w http.ResponseWriter, r *http.Request) error {
	p, err := auth.Require(r.Context(), RaiseRoles...)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	vals := map[string]string{"source_kind": q.Get("source"), "source_ref": q.Get("ref"), "division_code": q.Get("division")}
	if vals["division_code"] == "" && p.Role != auth.Resident {
		vals["division_code"] = p.Area.Code
	}
	return h.render(w, r, http.StatusOK, "topic_form", "deliberation.new_topic",
		&topicForm{Values: vals, Errors: map[string]string{}, Sources: SourceKinds, IsStaff: p.Role != auth.Resident})
}

func (h *Web) raise(w http.ResponseWriter, r *http.Request) error {
	in := TopicInput{DivisionCode: strings.TrimSpace(r.PostFormValue("division_code")), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		SourceKind: r.PostFormValue("source_kind"), SourceRef: r.PostFormValue("source_ref")}
	t, err := h.S.RaiseTopic(r.Context(), in)
	to := ""
	if t != nil {
		to = "/topics/" + id64(t.ID)
	}
	return h.done(w, r, err, to, func(failure error) error {
		sum, by := summary(r, failure)
		vals := map[string]string{"division_code": in.DivisionCode, "title": in.Title, "body": in.Body, "source_kind": in.SourceKind, "source_ref": in.SourceRef}
		return h.render(w, r, errs.Status(failure), "topic_form", "deliberation.new_topic",
			&topicForm{Values: vals, Errors: by, Summary: sum, Sources: SourceKinds, IsStaff: !auth.Has(r.Context(), auth.Resident)})
	})
}

type topicData struct {
	T         *Topic
	Meetings  []Meeting
	CanReview bool
	CanPlan   bool
	Summary   []string
	Kinds     []string
	Modes     []string
	Bases     []string
	DefaultAt string
}

func (h *Web) topicPage(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "deliberation.topic_not_found")
	if err != nil {
		return err
	}
	t, err := h.S.Topic(ctx, id)
	if err != nil {
		return err
	}
	ms, _, err := h.S.Meetings(ctx, "", id, 1, 50)
	if err != nil {
		return err
	}
	p := auth.From(ctx)
	staff := auth.Has(r.Context(), StaffRoles...)
	d := &topicData{T: t, Meetings: ms, CanReview: staff && t.Status == Proposed && (t.ProposerID == 0 || t.ProposerID != p.UserID), CanPlan: staff && t.Status == Admitted,
		Kinds: MeetingKinds, Modes: Modes, Bases: Bases, DefaultAt: h.S.Now().In(china).Add(24 * time.Hour).Format("2006-01-02T15:00")}
	d.Summary, _ = summary(r, failure)
	return h.render(w, r, status, "topic", "deliberation.topic", d)
}

func (h *Web) topic(w http.ResponseWriter, r *http.Request) error {
	return h.topicPage(w, r, http.StatusOK, nil)
}

func (h *Web) again(page func(http.ResponseWriter, *http.Request, int, error) error, w http.ResponseWriter, r *http.Request) func(error) error {
	return func(failure error) error { return page(w, r, errs.Status(failure), failure) }
}

func (h *Web) review(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "deliberation.topic_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.ReviewTopic(r.Context(), id, Review{Decision: r.PostFormValue("decision"), Plan: r.PostFormValue("plan"),
		Reason: r.PostFormValue("reason"), MergeInto: formInt(r, "merge_into"), Version: int(formInt(r, "version"))})
	return h.done(w, r, err, "/topics/"+id64(id), h.again(h.topicPage, w, r))
}

func (h *Web) plan(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "deliberation.topic_not_found")
	if err != nil {
		return err
	}
	in := MeetingInput{TopicID: id, Kind: r.PostFormValue("kind"), Mode: r.PostFormValue("mode"), Title: r.PostFormValue("title"),
		Place: r.PostFormValue("place"), Chair: r.PostFormValue("chair"), Facilitator: r.PostFormValue("facilitator"), Basis: r.PostFormValue("basis"),
		Reason: r.PostFormValue("reason")}
	if at, err := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("starts_at"), china); err == nil {
		in.StartsAt = at
	}
	if v := strings.TrimSpace(r.PostFormValue("electorate")); v != "" {
		n, _ := strconv.ParseInt(v, 10, 64)
		in.Electorate = &n
	}
	m, err := h.S.PlanMeeting(r.Context(), in)
	to := ""
	if m != nil {
		to = "/meetings/" + id64(m.ID)
	}
	return h.done(w, r, err, to, h.again(h.topicPage, w, r))
}

type meetingData struct {
	M          *Meeting
	T          *Topic
	Attendees  []Attendee
	Results    []Result
	Decisions  []Resolution
	Code       *SigninCode
	IsStaff    bool
	CanRecord  bool
	IsResident bool
	Summary    []string
	Bases      []string
	Choices    []string
	Photos     []int64
	MaxPhotos  int
}

func (h *Web) meetingPage(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "deliberation.meeting_not_found")
	if err != nil {
		return err
	}
	m, err := h.S.Meeting(ctx, id)
	if err != nil {
		return err
	}
	d := &meetingData{M: m, IsStaff: auth.Has(r.Context(), StaffRoles...), CanRecord: auth.Has(r.Context(), ReadRoles...), IsResident: auth.Has(r.Context(), auth.Resident), Bases: Bases,
		Choices: []string{Yes, No, Abstain}}
	if d.T, err = h.S.Topic(ctx, m.TopicID); err != nil {
		return err
	}
	if d.CanRecord {
		if d.Attendees, err = h.S.Attendees(ctx, id); err != nil {
			return err
		}
	}
	if d.IsStaff && m.Status == Planned {
		if d.Code, err = h.S.SignInCode(ctx, id); err != nil {
			return err
		}
	}
	votes, err := h.S.Votes(ctx, id)
	if err != nil {
		return err
	}
	for _, v := range votes {
		res, err := h.S.Result(ctx, v.ID)
		if err != nil {
			return err
		}
		d.Results = append(d.Results, *res)
	}
	all, _, err := h.S.Decisions(ctx, m.DivisionCode, 1, 200)
	if err != nil {
		return err
	}
	for _, x := range all {
		if x.MeetingID == id {
			d.Decisions = append(d.Decisions, x)
		}
	}
	if d.Photos, err = h.S.MinutesPhotos(ctx, id); err != nil {
		return err
	}
	d.MaxPhotos = MaxPhotos
	d.Summary, _ = summary(r, failure)
	return h.render(w, r, status, "meeting", "deliberation.meeting", d)
}

func (h *Web) meeting(w http.ResponseWriter, r *http.Request) error {
	return h.meetingPage(w, r, http.StatusOK, nil)
}

// meetingWrite runs a write on a meeting from its page.
func (h *Web) meetingWrite(w http.ResponseWriter, r *http.Request, write func(id int64) error) error {
	id, err := web.PathID(r, "id", "deliberation.meeting_not_found")
	if err != nil {
		return err
	}
	return h.done(w, r, write(id), "/meetings/"+id64(id), h.again(h.meetingPage, w, r))
}

func (h *Web) electorate(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.ChangeElectorate(r.Context(), id, ElectorateChange{Basis: r.PostFormValue("basis"), Electorate: formInt(r, "electorate"),
			Reason: r.PostFormValue("reason"), Version: int(formInt(r, "version"))})
		return err
	})
}

func (h *Web) signin(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.SignIn(r.Context(), id, r.PostFormValue("code"))
		return err
	})
}

func (h *Web) attend(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.RecordAttendance(r.Context(), id, AttendeeInput{UserID: formInt(r, "user_id"), Name: r.PostFormValue("name")})
		return err
	})
}

func (h *Web) openVote(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.OpenVote(r.Context(), id, VoteInput{Motion: r.PostFormValue("motion"), Secret: r.PostFormValue("secret") != ""})
		return err
	})
}

func (h *Web) minutes(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.RecordMinutes(r.Context(), id, r.PostFormValue("minutes"))
		return err
	})
}

func (h *Web) publish(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		_, err := h.S.Publish(r.Context(), id, DecisionInput{VoteID: formInt(r, "vote_id"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
			Days: int(formInt(r, "days"))})
		return err
	})
}

// voteWrite runs a write on a vote from its meeting's page.
func (h *Web) voteWrite(w http.ResponseWriter, r *http.Request, write func(id int64) error) error {
	id, err := web.PathID(r, "id", "deliberation.vote_not_found")
	if err != nil {
		return err
	}
	res, err := h.S.Result(r.Context(), id)
	if err != nil {
		return err
	}
	r.SetPathValue("id", id64(res.Vote.MeetingID))
	return h.done(w, r, write(id), "/meetings/"+id64(res.Vote.MeetingID), h.again(h.meetingPage, w, r))
}

func (h *Web) cast(w http.ResponseWriter, r *http.Request) error {
	return h.voteWrite(w, r, func(id int64) error { return h.S.Cast(r.Context(), id, r.PostFormValue("choice")) })
}

func (h *Web) tally(w http.ResponseWriter, r *http.Request) error {
	return h.voteWrite(w, r, func(id int64) error {
		_, err := h.S.EnterTally(r.Context(), id, TallyInput{Yes: formInt(r, "yes"), No: formInt(r, "no"), Abstain: formInt(r, "abstain"),
			Witness: r.PostFormValue("witness"), WitnessAccount: r.PostFormValue("witness_account")})
		return err
	})
}

func (h *Web) closeVote(w http.ResponseWriter, r *http.Request) error {
	return h.voteWrite(w, r, func(id int64) error {
		_, err := h.S.CloseVote(r.Context(), id)
		return err
	})
}

type decisionsData struct {
	Division string
	Items    []Resolution
	More     bool
	Page     int
	Query    map[string][]string
	Public   bool
	Name     string
}

func (h *Web) decisions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page := web.PageParam(q)
	items, more, err := h.S.Decisions(r.Context(), strings.TrimSpace(q.Get("division")), page, 20)
	if err != nil {
		return err
	}
	page, _ = pagingOf(page)
	return h.render(w, r, http.StatusOK, "decisions", "deliberation.decisions", &decisionsData{Division: q.Get("division"), Items: items, More: more, Page: page, Query: q})
}

func (h *Web) published(w http.ResponseWriter, r *http.Request) error {
	items, _, err := h.S.Published(r.Context(), r.PathValue("code"), 1, 200)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "decisions", "deliberation.decisions", &decisionsData{Items: items, Public: true, Division: r.PathValue("code")})
}

type decisionData struct {
	X          *Resolution
	Objections []Objection
	IsStaff    bool
	IsResident bool
	CanProject bool
	Summary    []string
}

func (h *Web) decisionPage(w http.ResponseWriter, r *http.Request, status int, failure error) error {
	ctx := r.Context()
	id, err := web.PathID(r, "id", "deliberation.decision_not_found")
	if err != nil {
		return err
	}
	d := &decisionData{IsStaff: auth.Has(r.Context(), StaffRoles...), IsResident: auth.Has(r.Context(), auth.Resident)}
	if auth.From(ctx) != nil && auth.Has(r.Context(), RaiseRoles...) {
		d.X, err = h.S.Decision(ctx, id)
		if err == nil {
			d.Objections, err = h.S.Objections(ctx, id)
		}
		if errs.Code(err) == errs.ENOTFOUND {
			d.X, err = h.S.PublishedDecision(ctx, id)
			d.IsStaff, d.IsResident = false, false
		}
	} else {
		d.X, err = h.S.PublishedDecision(ctx, id)
	}
	if err != nil {
		return err
	}
	d.CanProject = d.IsStaff && h.S.Projects != nil && d.X.ProjectID == 0
	d.Summary, _ = summary(r, failure)
	return h.render(w, r, status, "decision", "deliberation.decision", d)
}

func (h *Web) decision(w http.ResponseWriter, r *http.Request) error {
	return h.decisionPage(w, r, http.StatusOK, nil)
}

func (h *Web) object(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "deliberation.decision_not_found")
	if err != nil {
		return err
	}
	_, err = h.S.Object(r.Context(), id, r.PostFormValue("body"))
	return h.done(w, r, err, "/decisions/"+id64(id), h.again(h.decisionPage, w, r))
}

func (h *Web) project(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "deliberation.decision_not_found")
	if err != nil {
		return err
	}
	x, err := h.S.StartProject(r.Context(), id)
	to := "/decisions/" + id64(id)
	if err == nil {
		// On to the new project, where it is started with its owner and budget.
		to = "/projects/" + id64(x.ProjectID)
	}
	return h.done(w, r, err, to, h.again(h.decisionPage, w, r))
}

func (h *Web) answer(w http.ResponseWriter, r *http.Request) error {
	id, err := web.PathID(r, "id", "deliberation.objection_not_found")
	if err != nil {
		return err
	}
	o, err := h.S.Answer(r.Context(), id, r.PostFormValue("answer"))
	if errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT {
		if o, _ := h.S.Store.objection(r.Context(), id); o != nil {
			r.SetPathValue("id", id64(o.DecisionID))
			return h.decisionPage(w, r, errs.Status(err), err)
		}
	}
	if err != nil {
		return err
	}
	return h.done(w, r, nil, "/decisions/"+id64(o.DecisionID), nil)
}

type rosterData struct {
	Division string
	Items    []RosterEntry
}

func (h *Web) roster(w http.ResponseWriter, r *http.Request) error {
	div := strings.TrimSpace(r.URL.Query().Get("division"))
	items, err := h.S.Roster(r.Context(), div)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "roster", "deliberation.roster", &rosterData{Division: div, Items: items})
}

func (h *Web) exportTopics(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return h.export(w, r, "deliberation.topics", func(out io.Writer) error {
		return h.S.ExportTopics(r.Context(), TopicFilter{Division: q.Get("division"), Status: q.Get("status"), Q: q.Get("q")}, out)
	})
}

func (h *Web) exportDecisions(w http.ResponseWriter, r *http.Request) error {
	return h.export(w, r, "deliberation.decisions", func(out io.Writer) error {
		return h.S.ExportDecisions(r.Context(), r.URL.Query().Get("division"), out)
	})
}

func (h *Web) exportRoster(w http.ResponseWriter, r *http.Request) error {
	return h.export(w, r, "deliberation.roster", func(out io.Writer) error {
		return h.S.ExportRoster(r.Context(), r.URL.Query().Get("division"), out)
	})
}

func (h *Web) export(w http.ResponseWriter, r *http.Request, title string, write func(io.Writer) error) error {
	if _, err := auth.Require(r.Context(), ReadRoles...); err != nil {
		return err
	}
	return xlsx.Download(w, i18n.T(i18n.From(r.Context()), title)+".xlsx", write)
}

func (h *Web) addPhoto(w http.ResponseWriter, r *http.Request) error {
	return h.meetingWrite(w, r, func(id int64) error {
		f, err := Photos.FormFile(r, "photo")
		if err != nil {
			return err
		}
		_, err = h.S.AddPhoto(r.Context(), id, f)
		return err
	})
}
