package volunteer

import (
	"context"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Seed is a bulk load of volunteer service (the demo): organisations,
// volunteers, memberships, and activities with their attendance. Indexes
// refer to the slices' positions.
type Seed struct {
	Orgs       []OrgInput
	Volunteers []SeedVolunteer
	Members    []SeedMember
	Activities []SeedActivity
}

// SeedVolunteer is one volunteer of a Seed.
type SeedVolunteer struct {
	CommunityCode, Name, IDNumber, Phone string
	Skills                               []string
}

// SeedMember puts a volunteer in an organisation.
type SeedMember struct {
	Org, Volunteer int
	Lead           bool
}

// SeedActivity is an activity with attendance; a closed one gets its
// service records as Close would write them.
type SeedActivity struct {
	Org    int
	Input  ActivityInput
	Closed bool
	Served []SeedServed
}

// SeedServed is one volunteer's attendance.
type SeedServed struct {
	Volunteer int
	In, Out   time.Time
}

// Load writes a Seed in one transaction and rebuilds the slice's measures.
// Every volunteer is validated as Register would; the first bad one is
// named by its row. Errors: EINVALID, EFORBIDDEN (system only).
func (s *Service) Load(ctx context.Context, sd Seed) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	for i, v := range sd.Volunteers {
		var bad errs.Fields
		if _, key := idcard.Parse(v.IDNumber, s.Now()); key != "" {
			bad.Add("id_number", key)
		}
		if !idcard.ValidMobile(v.Phone) {
			bad.Add("phone", "idcard.mobile")
		}
		if v.Name == "" || tooLong(v.Name, maxName) {
			bad.Add("real_name", "error.required")
		}
		for j := range bad {
			bad[j].Row = i + 1
		}
		if err := bad.Err(); err != nil {
			return err
		}
	}
	now := s.now()
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		orgIDs := make([]int64, len(sd.Orgs))
		for i, o := range sd.Orgs {
			id, err := s.insertOrg(ctx, OrgInput{DivisionCode: o.DivisionCode, Name: o.Name, Kind: o.Kind}, now, "demo")
			if err != nil {
				return err
			}
			orgIDs[i] = id
		}
		volIDs := make([]int64, len(sd.Volunteers))
		hours := make([]int64, len(sd.Volunteers))
		last := make([]string, len(sd.Volunteers))
		for i, v := range sd.Volunteers {
			id, err := s.Keys.Seal(v.IDNumber)
			if err != nil {
				return errs.Internal("volunteer.Service.Load: Seal", err)
			}
			ph, err := s.Keys.Seal(v.Phone)
			if err != nil {
				return errs.Internal("volunteer.Service.Load: Seal", err)
			}
			if volIDs[i], err = s.seedVolunteer(ctx, v, id, ph, now); err != nil {
				return err
			}
		}
		for _, m := range sd.Members {
			if err := s.setMember(ctx, orgIDs[m.Org], volIDs[m.Volunteer], m.Lead, now); err != nil {
				return err
			}
		}
		for i, a := range sd.Activities {
			in := a.Input
			in.OrgID = orgIDs[a.Org]
			if bad := in.validate(in.StartsAt); len(bad) > 0 {
				for j := range bad {
					bad[j].Row = i + 1
				}
				return bad.Err()
			}
			status := Open
			var closedAt *time.Time
			if a.Closed {
				status, closedAt = Closed, &in.EndsAt
			}
			counts := in.CountsHours == nil || *in.CountsHours
			aid, err := s.seedActivity(ctx, in, len(a.Served), counts, status, now, closedAt)
			if err != nil {
				return err
			}
			date := in.StartsAt.In(calendar.China).Format(DateLayout)
			for _, sv := range a.Served {
				var inAt, outAt *time.Time
				if !sv.In.IsZero() {
					t := sv.In.UTC()
					inAt = &t
				}
				if !sv.Out.IsZero() {
					t := sv.Out.UTC()
					outAt = &t
				}
				if err := s.seedSignup(ctx, aid, volIDs[sv.Volunteer], now, inAt, outAt); err != nil {
					return err
				}
				if !a.Closed || inAt == nil || outAt == nil {
					continue
				}
				var c int64
				if counts {
					c = ClipHours(in.StartsAt, in.EndsAt, *inAt, *outAt)
				}
				act := &Activity{ID: aid, OrgID: in.OrgID, CommunityCode: in.CommunityCode, Place: in.Place, Title: in.Title}
				if err := s.seedRecord(ctx, volIDs[sv.Volunteer], act, date, c, in.EndsAt.UTC()); err != nil {
					return err
				}
				hours[sv.Volunteer] += c
				if date > last[sv.Volunteer] {
					last[sv.Volunteer] = date
				}
			}
		}
		for i, id := range volIDs {
			if last[i] == "" {
				continue
			}
			if err := s.setServed(ctx, id, hours[i], last[i]); err != nil {
				return err
			}
		}
		if err := s.Rebuild(ctx); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.load", ObjectType: "volunteer", ObjectID: "*", Result: audit.OK,
			Detail: map[string]int{"organisations": len(sd.Orgs), "volunteers": len(sd.Volunteers), "activities": len(sd.Activities)}})
	})
}
