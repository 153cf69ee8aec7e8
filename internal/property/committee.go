package property

import (
	"context"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// ListCommittees returns a page of the committees inside the caller's
// area; ended keeps those whose term is over (a new election is due).
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) ListCommittees(ctx context.Context, f Filter, ended bool) ([]PropertyCommittee, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	today := s.Today()
	out, more, err := s.Store.committees(ctx, f, today, ended)
	for i := range out {
		out[i].TermEnded = out[i].TermEnd < today
	}
	return out, more, err
}

// GetCommittee returns a committee of the caller's area with its members.
// Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) GetCommittee(ctx context.Context, id int64) (*PropertyCommittee, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.committee(ctx, id, "property.committee.read")
}

func (s *Service) committee(ctx context.Context, id int64, action string) (*PropertyCommittee, error) {
	c, err := s.Store.committee(ctx, id)
	if err != nil {
		return nil, s.refused(ctx, err, action, "property_committees", "property_committee", id)
	}
	if c.Members, err = s.Store.members(ctx, id); err != nil {
		return nil, err
	}
	c.TermEnded = c.TermEnd < s.Today()
	return c, nil
}

// CreateCommittee records an owners' committee of a compound or a
// management committee of a township or community, for one term.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateCommittee(ctx context.Context, in PropertyCommitteeInput) (*PropertyCommittee, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	bad := in.check()
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		code := in.DivisionCode
		switch {
		case in.Kind == Owners && in.CompoundID > 0:
			c, err := s.Store.compound(ctx, in.CompoundID)
			if errs.Code(err) == errs.ENOTFOUND {
				bad.Add("compound_id", "property.compound_not_found", in.CompoundID)
			} else if err != nil {
				return err
			} else {
				code = c.CommunityCode
			}
		case in.Kind == Management && len(bad) == 0:
			in.CompoundID = 0
			if _, err := s.Store.divisionLevel(ctx, code); errs.Code(err) == errs.ENOTFOUND {
				bad.Add("division_code", "property.division_not_found", code)
			} else if err != nil {
				return err
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		var err error
		if id, err = s.Store.insertCommittee(ctx, &in, code, auth.From(ctx).Name, s.stamp()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.committee.create", ObjectType: "property_committee", ObjectID: idStr(id),
			Detail: map[string]any{"kind": in.Kind, "division_code": code, "compound_id": in.CompoundID, "name": in.Name,
				"term_start": in.TermStart, "term_end": in.TermEnd}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCommittee(ctx, id)
}

// AddMember adds a member to a committee of the caller's area. Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddMember(ctx context.Context, committee int64, in PropertyMemberInput) (*PropertyCommittee, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	if bad := in.check(); len(bad) > 0 {
		return nil, bad.Err()
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.committee(ctx, committee, "property.committee.member"); err != nil {
			return err
		}
		id, err := s.Store.insertMember(ctx, committee, &in, auth.From(ctx).Name, s.stamp())
		if err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.committee.member", ObjectType: "property_committee", ObjectID: idStr(committee),
			Detail: map[string]any{"member": id, "name": in.Name, "role": in.Role}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCommittee(ctx, committee)
}

// RecordMeeting records a joint meeting of a management committee of the
// caller's area with its resolutions. Errors: EINVALID (an owners'
// committee has no joint meetings), ENOTFOUND, EFORBIDDEN.
func (s *Service) RecordMeeting(ctx context.Context, committee int64, in PropertyMeetingInput) (*PropertyMeeting, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	if bad := in.check(s.Today()); len(bad) > 0 {
		return nil, bad.Err()
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.committee(ctx, committee, "property.meeting.create")
		if err != nil {
			return err
		}
		if c.Kind != Management {
			return errs.Invalid(errs.Field("committee_id", "property.meeting_management_only"))
		}
		if id, err = s.Store.insertMeeting(ctx, c, &in, auth.From(ctx).Name, s.stamp()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.meeting.create", ObjectType: "property_meeting", ObjectID: idStr(id),
			Detail: map[string]any{"committee": committee, "meeting_date": in.HeldOn, "topic": in.Topic}})
	})
	if err != nil {
		return nil, err
	}
	return &PropertyMeeting{ID: id, CommitteeID: committee, HeldOn: in.HeldOn, Topic: in.Topic, Attendees: in.Attendees, Resolutions: in.Resolutions,
		CreatedBy: auth.From(ctx).Name}, nil
}

// ListMeetings returns a page of the joint meetings inside the caller's
// area (of one committee when committee is not 0), newest first.
// Errors: EFORBIDDEN.
func (s *Service) ListMeetings(ctx context.Context, committee int64, page, perPage int) ([]PropertyMeeting, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.meetings(ctx, committee, page, perPage)
}

// Residents.

// PropertyMine is what a resident sees: the compounds of their community and the
// property requests they filed.
type PropertyMine struct {
	Compounds []PropertyCompound `json:"compounds"`
	Requests  []PropertyFiled    `json:"requests"`
	Year      string             `json:"year" doc:"the occasion of this year's rating"`
}

// ResidentRoles are the residents.
var ResidentRoles = []auth.Role{auth.Resident}

// Mine returns the compounds of the resident's community and their
// property requests. Errors: EFORBIDDEN.
func (s *Service) Mine(ctx context.Context) (*PropertyMine, error) {
	p, err := auth.Require(ctx, ResidentRoles...)
	if err != nil {
		return nil, err
	}
	out := &PropertyMine{Compounds: []PropertyCompound{}, Year: s.Today()[:4]}
	if p.Area.Code != "" {
		cs, err := s.Store.communityCompounds(ctx, p.Area.Code)
		if err != nil {
			return nil, err
		}
		out.Compounds = append(out.Compounds, cs...)
	}
	if out.Requests, err = s.Store.myRequests(ctx, p.UserID, 50); err != nil {
		return nil, err
	}
	return out, nil
}

// FileRequest files a resident's property request about a compound of
// their community; the request slice routes it to the compound's company
// when it has a handling unit. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) FileRequest(ctx context.Context, compoundID int64, description string) (int64, error) {
	p, err := auth.Require(ctx, ResidentRoles...)
	if err != nil {
		return 0, err
	}
	c, err := s.Store.compoundOf(ctx, compoundID)
	if err != nil || c.CommunityCode != p.Area.Code {
		return 0, errs.NotFound("property.compound_not_found", compoundID)
	}
	if s.Requests == nil {
		return 0, errs.Internal("property.Service.FileRequest: no request slice", nil)
	}
	id, title, err := s.Requests.FileProperty(ctx, c.CommunityCode, c.ID, description)
	if err != nil {
		return 0, err
	}
	// The request stands whatever happens here; the link only lists it on
	// the resident's property page for rating.
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		return s.Store.insertRequest(ctx, id, c.ID, p.UserID, title, s.stamp())
	})
	return id, err
}
