package deliberation

import (
	"context"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Publish publishes a meeting's decision (公示) from today for its days (7
// by default). A decision carried by a vote needs that vote of the meeting,
// closed and passed. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Publish(ctx context.Context, meetingID int64, in DecisionInput) (*Resolution, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, err := s.Store.meeting(ctx, meetingID)
		if err != nil {
			s.refused(ctx, err, "deliberation.decision.publish", "delib_meetings", "delib_meeting", meetingID)
			return err
		}
		x := Resolution{MeetingID: m.ID, VoteID: in.VoteID, DivisionCode: m.DivisionCode, Title: strings.TrimSpace(in.Title),
			Body: strings.TrimSpace(in.Body), CreatedBy: p.Name}
		var bad errs.Fields
		need(&bad, "title", x.Title, 100)
		need(&bad, "body", x.Body, 8000)
		days := in.Days
		if days == 0 {
			days = DefaultShownDays
		}
		if days < 1 || days > 90 {
			bad.Add("days", "deliberation.days_range")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if x.VoteID != 0 {
			v, err := s.Store.vote(ctx, x.VoteID)
			if errs.Code(err) == errs.ENOTFOUND || (err == nil && v.MeetingID != m.ID) {
				return errs.Invalid(errs.Field("vote_id", "deliberation.vote_not_found", x.VoteID))
			}
			if err != nil {
				return err
			}
			if v.Status != Closed {
				return errs.Conflict("deliberation.vote_still_open")
			}
			mr, err := s.withRule(ctx, m)
			if err != nil {
				return err
			}
			r, err := s.result(ctx, v, mr)
			if err != nil {
				return err
			}
			if !r.Passed {
				return errs.Conflict("deliberation.vote_not_passed")
			}
		}
		from := s.Now().In(china)
		x.ShownFrom, x.ShownUntil = from.Format(DateLayout), from.AddDate(0, 0, days-1).Format(DateLayout)
		if id, err = s.Store.insertDecision(ctx, &x, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.decision.publish", ObjectType: "delib_decision", ObjectID: id64(id),
			Detail: map[string]any{"meeting_id": m.ID, "vote_id": x.VoteID, "title": x.Title, "shown_from": x.ShownFrom, "shown_until": x.ShownUntil}})
	})
	if err != nil {
		return nil, err
	}
	return s.Decision(ctx, id)
}

// RecordMinutes keeps a meeting's minutes (会议纪要) and closes it.
// Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) RecordMinutes(ctx context.Context, meetingID int64, minutes string) (*Meeting, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	minutes = strings.TrimSpace(minutes)
	var bad errs.Fields
	need(&bad, "minutes", minutes, 20000)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.staffMeeting(ctx, meetingID, "deliberation.meeting.close"); err != nil {
			return err
		}
		if err := s.Store.closeMeeting(ctx, meetingID, minutes, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.meeting.close", ObjectType: "delib_meeting", ObjectID: id64(meetingID),
			Detail: map[string]any{"minutes_chars": len([]rune(minutes))}})
	})
	if err != nil {
		return nil, err
	}
	return s.Meeting(ctx, meetingID)
}

func (s *Service) shown(x *Resolution) *Resolution {
	today := s.Today()
	x.Shown = x.ShownFrom <= today && today <= x.ShownUntil
	return x
}

// Decision reads a decision of the caller's area. Errors: EFORBIDDEN,
// ENOTFOUND (audited when outside).
func (s *Service) Decision(ctx context.Context, id int64) (*Resolution, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, err
	}
	x, err := s.Store.decision(ctx, id)
	if err != nil {
		s.refused(ctx, err, "deliberation.decision.read", "delib_decisions", "delib_decision", id)
		return nil, err
	}
	return s.shown(x), nil
}

// Decisions lists decisions of the caller's area, newest first.
func (s *Service) Decisions(ctx context.Context, divisionCode string, page, perPage int) ([]Resolution, bool, error) {
	if _, err := auth.Require(ctx, RaiseRoles...); err != nil {
		return nil, false, err
	}
	if divisionCode != "" && !division.ValidCode(divisionCode) {
		return nil, false, errs.Invalid(errs.Field("division", "deliberation.code_format"))
	}
	out, more, err := s.Store.decisions(ctx, divisionCode, "", true, page, perPage)
	for i := range out {
		s.shown(&out[i])
	}
	return out, more, err
}

// Published lists the decisions a community shows today (public).
// Errors: ENOTFOUND (not a community code).
func (s *Service) Published(ctx context.Context, community string, page, perPage int) ([]Resolution, bool, error) {
	if !division.ValidCode(community) || division.Code(community).Level() != division.Community {
		return nil, false, errs.NotFound("deliberation.division_not_found", community)
	}
	out, more, err := s.Store.decisions(ctx, community, s.Today(), false, page, perPage)
	for i := range out {
		s.shown(&out[i])
	}
	return out, more, err
}

// PublishedDecision reads a decision while it is published (public).
// Errors: ENOTFOUND.
func (s *Service) PublishedDecision(ctx context.Context, id int64) (*Resolution, error) {
	x, err := s.Store.publicDecision(ctx, id)
	if err != nil {
		return nil, err
	}
	if !s.shown(x).Shown {
		return nil, errs.NotFound("deliberation.decision_not_found", id)
	}
	return x, nil
}

// StartProject starts a 民生项目 from a decision through Projects.
// Errors: EFORBIDDEN, ENOTFOUND, ECONFLICT (no project slice, started already).
func (s *Service) StartProject(ctx context.Context, id int64) (*Resolution, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	if s.Projects == nil {
		return nil, errs.Conflict("deliberation.no_projects")
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		x, err := s.Store.decision(ctx, id)
		if err != nil {
			s.refused(ctx, err, "deliberation.decision.project", "delib_decisions", "delib_decision", id)
			return err
		}
		if x.ProjectID != 0 {
			return errs.Conflict("deliberation.project_started")
		}
		pid, err := s.Projects.StartProject(ctx, x.DivisionCode, x.Title, x.Body, x.ID)
		if err != nil {
			return err
		}
		if err := s.Store.setProject(ctx, id, pid); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.decision.project", ObjectType: "delib_decision", ObjectID: id64(id),
			Detail: map[string]any{"project_id": pid}})
	})
	if err != nil {
		return nil, err
	}
	return s.Decision(ctx, id)
}

// Object records a verified resident's objection to a decision of their
// community while it is published. Errors: EFORBIDDEN, ENOTFOUND,
// EINVALID, ECONFLICT (period over).
func (s *Service) Object(ctx context.Context, decisionID int64, body string) (*Objection, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	community, _, err := s.myResident(ctx, p)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	var bad errs.Fields
	need(&bad, "body", body, 2000)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		x, err := s.Store.decision(ctx, decisionID)
		if err == nil && x.DivisionCode != community {
			err = errs.NotFound("deliberation.decision_not_found", decisionID)
		}
		if err != nil {
			return err
		}
		if !s.shown(x).Shown {
			return errs.Conflict("deliberation.period_over")
		}
		if id, err = s.Store.insertObjection(ctx, decisionID, p.UserID, body, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.objection.raise", ObjectType: "delib_decision", ObjectID: id64(decisionID),
			Detail: map[string]any{"objection_id": id}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.objection(ctx, id)
}

// Objections lists a decision's objections: all of them to staff, a
// resident's own to a resident. Errors: EFORBIDDEN, ENOTFOUND.
func (s *Service) Objections(ctx context.Context, decisionID int64) ([]Objection, error) {
	p, err := auth.Require(ctx, RaiseRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.Decision(ctx, decisionID); err != nil {
		return nil, err
	}
	var only int64
	if p.Role == auth.Resident {
		only = p.UserID
	}
	return s.Store.objections(ctx, decisionID, only)
}

// Answer answers an objection (once); the resident is told in their inbox.
// Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Answer(ctx context.Context, objectionID int64, answer string) (*Objection, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	answer = strings.TrimSpace(answer)
	var bad errs.Fields
	need(&bad, "answer", answer, 2000)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		o, err := s.Store.objection(ctx, objectionID)
		if err != nil {
			return err
		}
		x, err := s.Store.decision(ctx, o.DecisionID)
		if err != nil {
			s.refused(ctx, err, "deliberation.objection.answer", "delib_decisions", "delib_decision", o.DecisionID)
			return errs.NotFound("deliberation.objection_not_found", objectionID)
		}
		if err := s.Store.answerObjection(ctx, objectionID, answer, p.Name, s.now()); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "deliberation.objection.answer", ObjectType: "delib_decision", ObjectID: id64(x.ID),
			Detail: map[string]any{"objection_id": objectionID}}); err != nil {
			return err
		}
		if s.Notify == nil {
			return nil
		}
		user, err := s.Store.objectionAuthor(ctx, objectionID)
		if err != nil {
			return err
		}
		return s.Notify.NotifyUser(ctx, user, "deliberation.note.answered", []string{x.Title}, "delib_decision", x.ID, "/decisions/"+id64(x.ID))
	})
	if err != nil {
		return nil, err
	}
	return s.Store.objection(ctx, objectionID)
}

// Rules lists the quorum and majority rules (any staff may read them).
func (s *Service) Rules(ctx context.Context) ([]Rule, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Store.rules(ctx)
}

// UpdateRule changes a rule; city staff, with a reason, audited with the
// rule before and after. Errors: EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) UpdateRule(ctx context.Context, meetingKind, communityKind, basis string, c RulePatch) (*Rule, error) {
	p, err := auth.Require(ctx, RuleRoles...)
	if err != nil {
		return nil, err
	}
	var out *Rule
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.Store.rule(ctx, meetingKind, communityKind, basis)
		if err != nil {
			return err
		}
		if c.Version != 0 && c.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		r := *before
		set := func(dst *int64, v *int64) {
			if v != nil {
				*dst = *v
			}
		}
		set(&r.QuorumNum, c.QuorumNum)
		set(&r.QuorumDen, c.QuorumDen)
		set(&r.MajorityNum, c.MajorityNum)
		set(&r.MajorityDen, c.MajorityDen)
		if c.QuorumStrict != nil {
			r.QuorumStrict = *c.QuorumStrict
		}
		if c.MajorityStrict != nil {
			r.MajorityStrict = *c.MajorityStrict
		}
		if c.Source != nil {
			r.Source = strings.TrimSpace(*c.Source)
		}
		bad := r.validate()
		need(&bad, "reason", c.Reason, 500)
		if err := bad.Err(); err != nil {
			return err
		}
		if err := s.Store.updateRule(ctx, &r, p.Name, s.now()); err != nil {
			return err
		}
		r.Version++
		out = &r
		return s.Audit.Write(ctx, audit.Entry{Action: "deliberation.rule.update", ObjectType: "delib_rule",
			ObjectID: meetingKind + "/" + communityKind + "/" + basis, Detail: map[string]any{"before": before, "after": r, "reason": strings.TrimSpace(c.Reason)}})
	})
	return out, err
}

// Roster is the 协商能人 computed from the meetings at or under a division
// of the caller's area: who chaired and facilitated, with counts.
func (s *Service) Roster(ctx context.Context, divisionCode string) ([]RosterEntry, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if divisionCode != "" && !division.ValidCode(divisionCode) {
		return nil, errs.Invalid(errs.Field("division", "deliberation.code_format"))
	}
	return s.Store.roster(ctx, divisionCode)
}
