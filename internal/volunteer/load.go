package volunteer

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/web"
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
		q := s.DB.Q(ctx)
		orgIDs := make([]int64, len(sd.Orgs))
		for i, o := range sd.Orgs {
			if err := q.QueryRowContext(ctx, `INSERT INTO volunteer_orgs (division_code, name, kind, created_at, created_by) VALUES ($1, $2, $3, $4, 'demo') RETURNING id`,
				o.DivisionCode, o.Name, o.Kind, now).Scan(&orgIDs[i]); err != nil {
				return errs.Internal("volunteer.Service.Load: insert volunteer_orgs", err)
			}
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
			if err := q.QueryRowContext(ctx, `INSERT INTO volunteers (community_code, name, id_number_sealed, id_number_index, phone_sealed, phone_index, skills,
				created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'demo', $8) RETURNING id`,
				v.CommunityCode, v.Name, id, s.Keys.Index(v.IDNumber), ph, s.Keys.Index(v.Phone), strings.Join(cleanList(v.Skills), ","), now).Scan(&volIDs[i]); err != nil {
				return errs.Internal("volunteer.Service.Load: insert volunteers", err)
			}
		}
		for _, m := range sd.Members {
			if _, err := q.ExecContext(ctx, `INSERT INTO volunteer_org_members (org_id, volunteer_id, lead, joined_at) VALUES ($1, $2, $3, $4)`,
				orgIDs[m.Org], volIDs[m.Volunteer], m.Lead, now); err != nil {
				return errs.Internal("volunteer.Service.Load: insert volunteer_org_members", err)
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
			var aid int64
			if err := q.QueryRowContext(ctx, `INSERT INTO volunteer_activities (org_id, community_code, title, content, target, place, starts_at, ends_at,
				slots, taken, skills, counts_hours, status, created_at, created_by, closed_at, closed_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'demo', $15, $16) RETURNING id`,
				in.OrgID, in.CommunityCode, in.Title, in.Content, in.Target, in.Place, in.StartsAt.UTC(), in.EndsAt.UTC(), in.Slots, len(a.Served),
				strings.Join(in.Skills, ","), counts, status, now, closedAt, map[bool]string{true: "demo"}[a.Closed]).Scan(&aid); err != nil {
				return errs.Internal("volunteer.Service.Load: insert volunteer_activities", err)
			}
			date := in.StartsAt.In(web.Shanghai).Format(DateLayout)
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
				if _, err := q.ExecContext(ctx, `INSERT INTO volunteer_signups (activity_id, volunteer_id, status, created_at, updated_at, checkin_at, checkout_at)
					VALUES ($1, $2, $3, $4, $4, $5, $6)`, aid, volIDs[sv.Volunteer], Confirmed, now, inAt, outAt); err != nil {
					return errs.Internal("volunteer.Service.Load: insert volunteer_signups", err)
				}
				if !a.Closed || inAt == nil || outAt == nil {
					continue
				}
				var c int64
				if counts {
					c = ClipHours(in.StartsAt, in.EndsAt, *inAt, *outAt)
				}
				if _, err := q.ExecContext(ctx, `INSERT INTO volunteer_records (volunteer_id, activity_id, org_id, community_code, date, place, content,
					hours_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'demo', $9)`,
					volIDs[sv.Volunteer], aid, in.OrgID, in.CommunityCode, date, in.Place, in.Title, c, in.EndsAt.UTC()); err != nil {
					return errs.Internal("volunteer.Service.Load: insert volunteer_records", err)
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
			if _, err := q.ExecContext(ctx, `UPDATE volunteers SET hours_centi = $1, last_served = $2 WHERE id = $3`, hours[i], last[i], id); err != nil {
				return errs.Internal("volunteer.Service.Load: update volunteers", err)
			}
		}
		if err := s.Rebuild(ctx); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.load", ObjectType: "volunteer", ObjectID: "*", Result: audit.OK,
			Detail: map[string]int{"organisations": len(sd.Orgs), "volunteers": len(sd.Volunteers), "activities": len(sd.Activities)}})
	})
}
