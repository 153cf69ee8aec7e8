package volunteer

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// The demo's bulk load (Load) writes through these, as "demo".

// seedVolunteer stores a volunteer whose ID number and phone are sealed.
func (s *Service) seedVolunteer(ctx context.Context, v SeedVolunteer, idSealed, phoneSealed string, at time.Time) (int64, error) {
	var id int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteers (community_code, name, id_number_sealed, id_number_index, phone_sealed, phone_index, skills,
		created_at, created_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'demo', $8) RETURNING id`,
		v.CommunityCode, v.Name, idSealed, s.Keys.Index(v.IDNumber), phoneSealed, s.Keys.Index(v.Phone), strings.Join(cleanList(v.Skills), ","), at).Scan(&id); err != nil {
		return 0, errs.Internal("volunteer.Service.seedVolunteer: insert volunteers", err)
	}
	return id, nil
}

// seedActivity stores an activity with taken places, open or closed (at
// closedAt).
func (s *Service) seedActivity(ctx context.Context, in ActivityInput, taken int, countsHours bool, status string, at time.Time, closedAt *time.Time) (int64, error) {
	var closedBy string
	if closedAt != nil {
		closedBy = "demo"
	}
	var id int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_activities (org_id, community_code, title, content, target, place, starts_at, ends_at,
		slots, taken, skills, counts_hours, status, created_at, created_by, closed_at, closed_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'demo', $15, $16) RETURNING id`,
		in.OrgID, in.CommunityCode, in.Title, in.Content, in.Target, in.Place, in.StartsAt.UTC(), in.EndsAt.UTC(), in.Slots, taken,
		strings.Join(in.Skills, ","), countsHours, status, at, closedAt, closedBy).Scan(&id); err != nil {
		return 0, errs.Internal("volunteer.Service.seedActivity: insert volunteer_activities", err)
	}
	return id, nil
}

// seedSignup stores a confirmed sign-up with its times (nil: none).
func (s *Service) seedSignup(ctx context.Context, activityID, volunteerID int64, at time.Time, in, out *time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_signups (activity_id, volunteer_id, status, created_at, updated_at, checkin_at, checkout_at)
		VALUES ($1, $2, $3, $4, $4, $5, $6)`, activityID, volunteerID, Confirmed, at, in, out); err != nil {
		return errs.Internal("volunteer.Service.seedSignup: insert volunteer_signups", err)
	}
	return nil
}

// seedRecord stores a record of service at activity a, recorded at at;
// the volunteer's total is set afterwards (setServed).
func (s *Service) seedRecord(ctx context.Context, volunteerID int64, a *Activity, date string, centi int64, at time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_records (volunteer_id, activity_id, org_id, community_code, date, place, content,
		hours_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'demo', $9)`,
		volunteerID, a.ID, a.OrgID, a.CommunityCode, date, a.Place, a.Title, centi, at); err != nil {
		return errs.Internal("volunteer.Service.seedRecord: insert volunteer_records", err)
	}
	return nil
}

// setServed sets a volunteer's total hours and last day of service.
func (s *Service) setServed(ctx context.Context, volunteerID, centi int64, last string) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteers SET hours_centi = $1, last_served = $2 WHERE id = $3`, centi, last, volunteerID); err != nil {
		return errs.Internal("volunteer.Service.setServed: update volunteers", err)
	}
	return nil
}
