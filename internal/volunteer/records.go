package volunteer

import (
	"context"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

const recCols = `r.id, r.volunteer_id, COALESCE(r.activity_id, 0), r.org_id, o.name, o.kind, o.division_code, r.community_code,
	r.date, r.place, r.content, r.hours_centi, r.recorded_by, r.recorded_at,
	COALESCE((SELECT c.status FROM volunteer_corrections c WHERE c.record_id = r.id ORDER BY c.id DESC LIMIT 1), '')`

const recFrom = ` FROM volunteer_records r JOIN volunteer_orgs o ON o.id = r.org_id`

func scanRecord(sc interface{ Scan(...any) error }) (*Record, error) {
	var r Record
	err := sc.Scan(&r.ID, &r.VolunteerID, &r.ActivityID, &r.OrgID, &r.OrgName, &r.OrgKind, &r.OrgDivision, &r.CommunityCode,
		&r.Date, &r.Place, &r.Content, &r.HoursCenti, &r.RecordedBy, &r.RecordedAt, &r.Correction)
	r.Hours = centiToHours(r.HoursCenti)
	r.RecordedAt = r.RecordedAt.UTC()
	return &r, err
}

// Records returns a volunteer's service records whose date (China time)
// lies in [from, to], oldest first; a zero from or to leaves that end
// open. The same callers as Volunteer may read them. Records hang on the
// volunteer, so they follow a move to another community. Errors:
// ENOTFOUND, EUNAUTHORIZED.
func (s *Service) Records(ctx context.Context, volunteerID int64, from, to time.Time) ([]Record, error) {
	if _, err := s.Volunteer(ctx, volunteerID); err != nil {
		return nil, err
	}
	lo, hi := "0000-00-00", "9999-99-99"
	if !from.IsZero() {
		lo = from.In(web.Shanghai).Format(DateLayout)
	}
	if !to.IsZero() {
		hi = to.In(web.Shanghai).Format(DateLayout)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+recCols+recFrom+` WHERE r.volunteer_id = $1 AND r.date BETWEEN $2 AND $3
		ORDER BY r.date, r.id LIMIT 10000`, volunteerID, lo, hi)
	if err != nil {
		return nil, errs.Internal(err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, errs.Internal(err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}
