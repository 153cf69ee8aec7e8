package project

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Projects lists one page of the projects the filter selects in the
// caller's area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Projects(ctx context.Context, f ProjectFilter) ([]Project, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.projects(ctx, f, s.today())
}

// Project returns a project with its milestones, reports, needs and
// resources; one outside the caller's area is ENOTFOUND, the refusal
// audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Project(ctx context.Context, id int64) (*ProjectDetail, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	p, err := s.project(ctx, id, "project.read")
	if err != nil {
		return nil, err
	}
	d := &ProjectDetail{Project: *p}
	if d.Milestones, err = s.Store.milestones(ctx, id); err != nil {
		return nil, err
	}
	today := s.today()
	for i := range d.Milestones {
		d.Milestones[i].Late = d.Milestones[i].late(today)
	}
	if d.Progress, err = s.Store.progress(ctx, id); err != nil {
		return nil, err
	}
	if d.Needs, err = s.Store.linkedNeeds(ctx, id); err != nil {
		return nil, err
	}
	if d.Resources, err = s.Store.linkedResources(ctx, id); err != nil {
		return nil, err
	}
	if d.Milestones == nil {
		d.Milestones = []Milestone{}
	}
	if d.Progress == nil {
		d.Progress = []Progress{}
	}
	if d.Needs == nil {
		d.Needs = []Need{}
	}
	if d.Resources == nil {
		d.Resources = []Link{}
	}
	return d, nil
}

func (s *Service) project(ctx context.Context, id int64, action string) (*Project, error) {
	p, err := s.Store.project(ctx, id, s.today())
	s.refused(ctx, err, "project", action, id)
	return p, err
}

// CreateProject starts a project run by the caller, serving some needs of
// its area and using some resources. Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateProject(ctx context.Context, in ProjectInput) (*ProjectDetail, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.validate()
		if err := s.checkDivision(ctx, in.DivisionCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		np := &newProject{ProjectInput: in, Status: Running, RunnerID: p.UserID, Runner: p.Name, StartedOn: s.today()}
		if id, err = s.Store.insertProject(ctx, np, p.Name, s.now()); err != nil {
			return err
		}
		links, err := s.link(ctx, id, in.DivisionCode, in.Needs, in.Resources)
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.create", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"division_code": in.DivisionCode, "title": in.Title, "owner": in.Owner, "funding": in.Funding,
				"budget": in.Budget, "needs": in.Needs, "resources": links}})
	})
	if err != nil {
		return nil, err
	}
	return s.Project(ctx, id)
}

// link links a project to needs (open or matched, at or under its
// division) and resources (of the merged list at or under it).
func (s *Service) link(ctx context.Context, id int64, code string, needs []int64, resources []string) ([]string, error) {
	lo, hi := division.Code(code).Range()
	var bad errs.Fields
	for _, nid := range needs {
		n, err := s.need(ctx, nid, "project.link")
		if errs.Code(err) == errs.ENOTFOUND || err == nil && (n.DivisionCode < lo || n.DivisionCode > hi || n.Status == NeedClosed || n.Status == NeedServed) {
			bad.Add("needs", "project.need_not_linkable", nid)
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := s.Store.linkNeed(ctx, id, nid); err != nil {
			return nil, err
		}
	}
	var names []string
	if len(resources) > 0 {
		rs, err := s.resources(ctx, near(ctx, code))
		if err != nil {
			return nil, err
		}
		for _, key := range resources {
			i := slices.IndexFunc(rs, func(r Resource) bool { return r.Key == strings.TrimSpace(key) })
			if i < 0 {
				bad.Add("resources", "project.resource_not_found", key)
				continue
			}
			if err := s.Store.linkResource(ctx, id, rs[i].Key, rs[i].Name); err != nil {
				return nil, err
			}
			names = append(names, rs[i].Key)
		}
	}
	return names, bad.Err()
}

// StartProject records a project that a deliberation's decision starts:
// status proposed, carrying the decision id, until someone starts running
// it. For the deliberation slice. Errors: EINVALID, EFORBIDDEN.
func (s *Service) StartProject(ctx context.Context, divisionCode, title, description string, decisionID int64) (int64, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		in := ProjectInput{DivisionCode: divisionCode, Title: title, Description: description, Owner: "-", Funding: Fundings[0]}
		bad := in.validate()
		if decisionID <= 0 {
			bad.Add("decision_id", "error.required")
		}
		if err := s.checkDivision(ctx, in.DivisionCode, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		in.Owner, in.Funding = "", ""
		if id, err = s.Store.insertProject(ctx, &newProject{ProjectInput: in, Status: Proposed, DecisionID: decisionID}, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.propose", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"division_code": in.DivisionCode, "title": in.Title, "decision_id": decisionID}})
	})
	return id, err
}

// Start sets a proposed project running, run by the caller, with its
// owner, funding and budget. Errors: EINVALID, ECONFLICT (not proposed),
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Start(ctx context.Context, id int64, owner, funding string, budget int64) (*ProjectDetail, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.project(ctx, id, "project.start")
		if err != nil {
			return err
		}
		if p.Status != Proposed {
			return errs.Conflict("project.not_proposed")
		}
		in := ProjectInput{DivisionCode: p.DivisionCode, Title: p.Title, Owner: owner, Funding: funding, Budget: budget}
		if err := in.validate().Err(); err != nil {
			return err
		}
		p.Owner, p.Funding, p.Budget, p.runnerID, p.Runner, p.StartedOn = in.Owner, in.Funding, in.Budget, pr.UserID, pr.Name, s.today()
		if err := s.Store.startProject(ctx, p); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.start", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"owner": p.Owner, "funding": p.Funding, "budget": p.Budget}})
	})
	if err != nil {
		return nil, err
	}
	return s.Project(ctx, id)
}

// running reads a running project for a change by its team.
func (s *Service) running(ctx context.Context, id int64, action string) (*Project, error) {
	p, err := s.project(ctx, id, action)
	if err != nil {
		return nil, err
	}
	if p.Status != Running {
		return nil, errs.Conflict("project.not_running")
	}
	return p, nil
}

// AddMilestone adds a milestone to a running project. Errors: EINVALID,
// ECONFLICT (not running), ENOTFOUND, EFORBIDDEN.
func (s *Service) AddMilestone(ctx context.Context, id int64, in MilestoneInput) (*Milestone, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	in.Title, in.DueOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.DueOn)
	var bad errs.Fields
	text(&bad, "title", in.Title, maxTitle, true)
	if !validDate(in.DueOn) {
		bad.Add("due_on", "project.date_invalid")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var mid int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.running(ctx, id, "project.milestone.add"); err != nil {
			return err
		}
		var err error
		if mid, err = s.Store.insertMilestone(ctx, id, &in, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.milestone.add", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"milestone": mid, "title": in.Title, "due_on": in.DueOn}})
	})
	if err != nil {
		return nil, err
	}
	m := &Milestone{ID: mid, Title: in.Title, DueOn: in.DueOn}
	m.Late = m.late(s.today())
	return m, nil
}

// MilestoneDone marks a milestone met on a day (today when empty, never
// later than today). Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) MilestoneDone(ctx context.Context, id, milestoneID int64, on string) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	on = strings.TrimSpace(on)
	if on == "" {
		on = s.today()
	}
	if !validDate(on) || on > s.today() {
		return errs.Invalid(errs.Field("done_on", "project.date_invalid"))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.running(ctx, id, "project.milestone.done"); err != nil {
			return err
		}
		ok, err := s.Store.setMilestoneDone(ctx, id, milestoneID, on)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("project.milestone_not_found", milestoneID)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.milestone.done", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"milestone": milestoneID, "done_on": on}})
	})
}

// Report adds a progress report, with a photo when given, to a running
// project. Whoever reports progress takes part in running it, so may not
// accept it. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) Report(ctx context.Context, id int64, note string, photo *upload.File) (*Progress, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var bad errs.Fields
	text(&bad, "note", note, maxText, true)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var pid, photoID int64
	now := s.now()
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.running(ctx, id, "project.progress")
		if err != nil {
			return err
		}
		if photo != nil {
			if photoID, err = s.Blobs.Put(ctx, PhotoOwner, p.DivisionCode, photo); err != nil {
				return err
			}
		}
		if pid, err = s.Store.insertProgress(ctx, id, note, photoID, pr.UserID, pr.Name, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.progress", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"report": pid, "photo": photoID}})
	})
	if err != nil {
		return nil, err
	}
	return &Progress{ID: pid, Note: note, PhotoID: photoID, Author: pr.Name, CreatedAt: now, authorID: pr.UserID}, nil
}

// Photo returns a progress report's photo of a project in the caller's
// area. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Photo(ctx context.Context, id, photoID int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, err := s.project(ctx, id, "project.photo"); err != nil {
		return nil, err
	}
	ok, err := s.Store.photoOf(ctx, id, photoID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.NotFound("error.not_found")
	}
	return s.Blobs.Get(ctx, PhotoOwner, photoID)
}

// Accept records the acceptance (验收) of a running project by staff who
// did not run it, report its progress or record it (four eyes); the needs
// it serves that are not closed become served. Errors: EINVALID,
// EFORBIDDEN (the caller ran it), ECONFLICT (not running), ENOTFOUND.
func (s *Service) Accept(ctx context.Context, id int64, note string) (*ProjectDetail, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var bad errs.Fields
	text(&bad, "note", note, maxText, true)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		p, err := s.running(ctx, id, "project.accept")
		if err != nil {
			return err
		}
		reports, err := s.Store.progress(ctx, id)
		if err != nil {
			return err
		}
		if p.runnerID == pr.UserID || p.CreatedBy == pr.Name || slices.ContainsFunc(reports, func(r Progress) bool { return r.authorID == pr.UserID }) {
			return errs.E(errs.EFORBIDDEN, "project.own_project")
		}
		now := s.now()
		if err := s.Store.acceptProject(ctx, id, pr.UserID, pr.Name, note, now); err != nil {
			return err
		}
		needs, err := s.Store.linkedNeeds(ctx, id)
		if err != nil {
			return err
		}
		var served []int64
		for i := range needs {
			n := &needs[i]
			if n.Status != NeedOpen && n.Status != NeedMatched {
				continue
			}
			n.Status = NeedServed
			if err := s.Store.setNeed(ctx, n, now); err != nil {
				return err
			}
			served = append(served, n.ID)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.accept", ObjectType: "project", ObjectID: idString(id),
			Detail: map[string]any{"note": note, "needs_served": served}})
	})
	if err != nil {
		return nil, err
	}
	return s.Project(ctx, id)
}

// RatingSubject names a project and its community for the rating slice.
func (s *Service) RatingSubject(ctx context.Context, id int64) (name, divisionCode string, err error) {
	p, err := s.Store.project(ctx, id, s.today())
	s.refused(ctx, err, "project", "project.read", id)
	if err != nil {
		return "", "", err
	}
	if p.Status != Accepted {
		// Residents rate what was delivered: a project once accepted.
		return "", "", errs.Conflict("project.rate_after_acceptance")
	}
	return p.Title, p.DivisionCode, nil
}

// ---- recurring request categories

// RaiseRecurring raises a need for every request category with at least
// least requests in a community in the last RecurringDays days, at or under
// code (the caller's area when empty), unless one raised from that
// category there is still open or matched. It returns the needs raised.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) RaiseRecurring(ctx context.Context, code string, least int) ([]int64, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	if s.Requests == nil {
		return nil, nil
	}
	if least < 2 || least > 1000 {
		return nil, errs.Invalid(errs.Field("min", "project.min_range"))
	}
	if code == "" {
		code = pr.Area.Code
	}
	lo, hi := "000000000000", "999999999999"
	if code != "" {
		if !division.ValidCode(code) {
			return nil, errs.Invalid(errs.Field("division", "project.code_format"))
		}
		lo, hi = division.Code(code).Range()
	}
	alo, ahi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi = max(lo, alo), min(hi, ahi)
	if lo > hi {
		return nil, errs.NotFound("project.division_not_found", code)
	}
	cats, err := s.Requests.Recurring(ctx, lo, hi, s.Now().AddDate(0, 0, -RecurringDays), least)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, c := range cats {
			live, err := s.Store.liveNeedFrom(ctx, c.DivisionCode, "request_category", c.Category)
			if err != nil {
				return err
			}
			if live {
				continue
			}
			id, err := s.raise(ctx, NeedInput{DivisionCode: c.DivisionCode, Kind: kindOfCategory(c.Category),
				Title:   truncate("反复诉求："+c.Name, maxTitle),
				Details: "近 " + strconv.Itoa(RecurringDays) + " 天内该类诉求 " + strconv.Itoa(c.Requests) + " 件（诉求分类 " + c.Category + "）",
				Source:  "request_category", SourceRef: c.Category, Affected: c.Requests})
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// kindOfCategory guesses the kind of need of a request category from its
// code's words.
func kindOfCategory(code string) string {
	for _, k := range [][2]string{{"elder", "elderly_care"}, {"child", "childcare"}, {"culture", "culture_sport"}, {"sport", "culture_sport"},
		{"employ", "employment"}, {"job", "employment"}, {"environment", "environment"}, {"sanitation", "environment"}, {"garbage", "environment"},
		{"safety", "safety"}, {"wages", "employment"}, {"road", "facilities"}, {"light", "facilities"}, {"utility", "facilities"},
		{"property", "facilities"}, {"disab", "disability"}} {
		if strings.Contains(code, k[0]) {
			return k[1]
		}
	}
	return "other"
}
