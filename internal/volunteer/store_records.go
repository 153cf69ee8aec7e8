package volunteer

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const recCols = `r.id, r.volunteer_id, COALESCE(r.activity_id, 0), r.org_id, o.name, o.kind, o.division_code, r.community_code,
	r.date, r.place, r.content, r.hours_centi, r.recorded_by, r.recorded_at,
	COALESCE((SELECT c.status FROM volunteer_corrections c WHERE c.record_id = r.id ORDER BY c.id DESC LIMIT 1), '')`

const recFrom = ` FROM volunteer_records r JOIN volunteer_orgs o ON o.id = r.org_id`

const corCols = `c.id, c.record_id, r.volunteer_id, r.community_code, v.name, c.hours_centi, r.hours_centi, c.reason, c.status, c.decision, c.decided_by, c.created_at, c.decided_at`

const corFrom = ` FROM volunteer_corrections c JOIN volunteer_records r ON r.id = c.record_id JOIN volunteers v ON v.id = r.volunteer_id`

func scanRecord(sc interface{ Scan(...any) error }) (*Record, error) {
	var r Record
	err := sc.Scan(&r.ID, &r.VolunteerID, &r.ActivityID, &r.OrgID, &r.OrgName, &r.OrgKind, &r.OrgDivision, &r.CommunityCode,
		&r.Date, &r.Place, &r.Content, &r.HoursCenti, &r.RecordedBy, &r.RecordedAt, &r.Correction)
	r.Hours = centiToHours(r.HoursCenti)
	r.RecordedAt = r.RecordedAt.UTC()
	return &r, err
}

func scanCorrection(sc interface{ Scan(...any) error }) (*Correction, error) {
	var c Correction
	var h, old int64
	err := sc.Scan(&c.ID, &c.RecordID, &c.VolunteerID, &c.CommunityCode, &c.Name, &h, &old, &c.Reason, &c.Status, &c.Decision, &c.DecidedBy, &c.CreatedAt, &c.DecidedAt)
	c.Hours, c.OldHours = centiToHours(h), centiToHours(old)
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, err
}

func (s *Service) correction(ctx context.Context, id int64) (*Correction, error) {
	c, err := scanCorrection(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+corCols+corFrom+` WHERE c.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.correction: select", "volunteer.correction_not_found", id)
	}
	return c, nil
}

// recordsOf reads a volunteer's records dated in [lo, hi], oldest first.
func (s *Service) recordsOf(ctx context.Context, volunteerID int64, lo, hi string) ([]Record, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+recCols+recFrom+` WHERE r.volunteer_id = $1 AND r.date BETWEEN $2 AND $3
		ORDER BY r.date, r.id LIMIT 10000`, volunteerID, lo, hi)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.recordsOf: select", err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.recordsOf: select", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// attendance is a confirmed volunteer's check-in and check-out.
type attendance struct {
	volunteerID int64
	community   string
	in, out     time.Time
}

// attended lists the confirmed volunteers of an activity who checked in
// and out.
func (s *Service) attended(ctx context.Context, activityID int64) ([]attendance, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT s.volunteer_id, v.community_code, s.checkin_at, s.checkout_at FROM volunteer_signups s
		JOIN volunteers v ON v.id = s.volunteer_id
		WHERE s.activity_id = $1 AND s.status = $2 AND s.checkin_at IS NOT NULL AND s.checkout_at IS NOT NULL ORDER BY s.id`, activityID, Confirmed)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.attended: select volunteer_signups", err)
	}
	defer rows.Close()
	var out []attendance
	for rows.Next() {
		var x attendance
		if err := rows.Scan(&x.volunteerID, &x.community, &x.in, &x.out); err != nil {
			return nil, errs.Internal("volunteer.Service.attended: Scan", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("volunteer.Service.attended: Err", err)
	}
	return out, nil
}

// insertRecord records a volunteer's service at activity a on date and
// adds its hours to the volunteer's total.
func (s *Service) insertRecord(ctx context.Context, vol int64, a *Activity, date string, centi int64, by string, at time.Time) error {
	q := s.DB.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO volunteer_records (volunteer_id, activity_id, org_id, community_code, date, place, content,
		hours_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		vol, a.ID, a.OrgID, a.CommunityCode, date, a.Place, a.Title, centi, by, at); err != nil {
		return errs.Internal("volunteer.Service.insertRecord: insert volunteer_records", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE volunteers SET hours_centi = hours_centi + $1,
		last_served = CASE WHEN last_served IS NULL OR last_served < $2 THEN $2 ELSE last_served END WHERE id = $3`, centi, date, vol); err != nil {
		return errs.Internal("volunteer.Service.insertRecord: update volunteers", err)
	}
	return nil
}

// closeActivity marks an activity closed.
func (s *Service) closeActivity(ctx context.Context, id int64, at time.Time, by string) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_activities SET status = $1, closed_at = $2, closed_by = $3 WHERE id = $4`, Closed, at, by, id); err != nil {
		return errs.Internal("volunteer.Service.closeActivity: update volunteer_activities", err)
	}
	return nil
}

// record reads a record, whoever's it is. ENOTFOUND when there is none.
func (s *Service) record(ctx context.Context, id int64) (*Record, error) {
	r, err := scanRecord(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+recCols+recFrom+` WHERE r.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.record: select", "volunteer.record_not_found", id)
	}
	return r, nil
}

// recordPlace reads the organisation, community and date of a record.
func (s *Service) recordPlace(ctx context.Context, id int64) (orgID int64, community, date string, err error) {
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT org_id, community_code, date FROM volunteer_records WHERE id = $1`, id).Scan(&orgID, &community, &date); err != nil {
		return 0, "", "", errs.Internal("volunteer.Service.recordPlace: select volunteer_records", err)
	}
	return orgID, community, date, nil
}

// correctionPending reports whether a record has a pending correction.
func (s *Service) correctionPending(ctx context.Context, recordID int64) bool {
	return s.exists(ctx, `SELECT count(*) FROM volunteer_corrections WHERE record_id = $1 AND status = $2`, recordID, Pending)
}

// insertCorrection stores a pending correction and returns its id.
func (s *Service) insertCorrection(ctx context.Context, recordID, centi int64, reason string, at time.Time) (int64, error) {
	var id int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_corrections (record_id, hours_centi, reason, status, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, recordID, centi, reason, Pending, at).Scan(&id); err != nil {
		return 0, errs.Internal("volunteer.Service.insertCorrection: insert volunteer_corrections", err)
	}
	return id, nil
}

// pendingCorrections lists the pending corrections of an organisation's
// records, oldest first (500 at most).
func (s *Service) pendingCorrections(ctx context.Context, orgID int64) ([]Correction, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+corCols+corFrom+` WHERE r.org_id = $1 AND c.status = $2 ORDER BY c.id LIMIT 500`, orgID, Pending)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.pendingCorrections: select", err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		c, err := scanCorrection(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.pendingCorrections: select", err)
		}
		out = append(out, *c)
	}
	return out, nil
}

// decideCorrection records the decision on a pending correction.
// ECONFLICT when it is no longer pending.
func (s *Service) decideCorrection(ctx context.Context, id int64, status, reason, by string, at time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_corrections SET status = $1, decision = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND status = $6`,
		status, reason, by, at, id, Pending)
	if err != nil {
		return errs.Internal("volunteer.Service.decideCorrection: update volunteer_corrections", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.Conflict("volunteer.correction_decided")
	}
	return nil
}

// applyCorrection sets the record's hours to those the correction asked
// for, and moves the volunteer's total by the difference.
func (s *Service) applyCorrection(ctx context.Context, correctionID, recordID int64) error {
	q := s.DB.Q(ctx)
	var old, asked, vol int64
	if err := q.QueryRowContext(ctx, `SELECT r.hours_centi, c.hours_centi, r.volunteer_id FROM volunteer_corrections c JOIN volunteer_records r ON r.id = c.record_id WHERE c.id = $1`,
		correctionID).Scan(&old, &asked, &vol); err != nil {
		return errs.Internal("volunteer.Service.applyCorrection: select volunteer_corrections", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE volunteer_records SET hours_centi = $1 WHERE id = $2`, asked, recordID); err != nil {
		return errs.Internal("volunteer.Service.applyCorrection: update volunteer_records", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE volunteers SET hours_centi = hours_centi + $1 WHERE id = $2`, asked-old, vol); err != nil {
		return errs.Internal("volunteer.Service.applyCorrection: update volunteers", err)
	}
	return nil
}

// HoursOfAccounts sums the service recorded from lo to hi (YYYY-MM-DD,
// China dates) by the volunteers linked to the accounts given, in
// hundredths of an hour, keyed by account; accounts without a volunteer
// or without service are absent. It reads counts only, no names: the
// caller (another slice, through internal/app) has already chosen the
// accounts it may count.
func (s *Service) HoursOfAccounts(ctx context.Context, userIDs []int64, lo, hi string) (map[int64]int64, error) {
	out := map[int64]int64{}
	for len(userIDs) > 0 {
		part := userIDs[:min(len(userIDs), 500)]
		userIDs = userIDs[len(part):]
		args := []any{lo, hi}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT v.user_id, SUM(r.hours_centi) FROM volunteer_records r
			JOIN volunteers v ON v.id = r.volunteer_id WHERE r.date BETWEEN $1 AND $2 AND v.user_id IN (`+db.Placeholders(len(part), 3)+`)
			GROUP BY v.user_id`, args...)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.HoursOfAccounts: select", err)
		}
		for rows.Next() {
			var id, centi int64
			if err := rows.Scan(&id, &centi); err != nil {
				rows.Close()
				return nil, errs.Internal("volunteer.Service.HoursOfAccounts: scan", err)
			}
			out[id] = centi
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, errs.Internal("volunteer.Service.HoursOfAccounts: rows", err)
		}
	}
	return out, nil
}
