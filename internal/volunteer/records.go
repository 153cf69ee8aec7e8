package volunteer

import (
	"context"
	"math"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
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
		return nil, errs.Internal("volunteer.Service.Records: select", err)
	}
	defer rows.Close()
	out := []Record{}
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.Records: select", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Close closes an activity and records, as its organiser, the service of
// every confirmed volunteer with a check-in and a check-out: the time
// served inside the activity's window (0 hours when it does not count
// hours). Each volunteer's cumulative hours, star and the measures move in
// the same transaction. Returns the number of records. Errors: ENOTFOUND,
// ECONFLICT (not open).
func (s *Service) Close(ctx context.Context, activityID int64) (int, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := s.organised(ctx, activityID); err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		q := s.DB.Q(ctx)
		rows, err := q.QueryContext(ctx, `SELECT s.volunteer_id, v.community_code, s.checkin_at, s.checkout_at FROM volunteer_signups s
			JOIN volunteers v ON v.id = s.volunteer_id
			WHERE s.activity_id = $1 AND s.status = $2 AND s.checkin_at IS NOT NULL AND s.checkout_at IS NOT NULL ORDER BY s.id`, activityID, Confirmed)
		if err != nil {
			return errs.Internal("volunteer.Service.Close: select volunteer_signups", err)
		}
		type served struct {
			vol       int64
			community string
			centi     int64
		}
		var all []served
		for rows.Next() {
			var x served
			var in, out time.Time
			if err := rows.Scan(&x.vol, &x.community, &in, &out); err != nil {
				rows.Close()
				return errs.Internal("volunteer.Service.Close: Scan", err)
			}
			if a.CountsHours {
				x.centi = ClipHours(a.StartsAt, a.EndsAt, in, out)
			}
			all = append(all, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal("volunteer.Service.Close: Err", err)
		}
		now := s.now()
		date := a.StartsAt.In(web.Shanghai).Format(DateLayout)
		communities := map[string]bool{}
		for _, x := range all {
			if _, err := q.ExecContext(ctx, `INSERT INTO volunteer_records (volunteer_id, activity_id, org_id, community_code, date, place, content,
				hours_centi, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				x.vol, activityID, a.OrgID, a.CommunityCode, date, a.Place, a.Title, x.centi, p.Name, now); err != nil {
				return errs.Internal("volunteer.Service.Close: insert volunteer_records", err)
			}
			if _, err := q.ExecContext(ctx, `UPDATE volunteers SET hours_centi = hours_centi + $1,
				last_served = CASE WHEN last_served IS NULL OR last_served < $2 THEN $2 ELSE last_served END WHERE id = $3`, x.centi, date, x.vol); err != nil {
				return errs.Internal("volunteer.Service.Close: update volunteers", err)
			}
			communities[x.community] = true
			n++
		}
		if _, err := q.ExecContext(ctx, `UPDATE volunteer_activities SET status = $1, closed_at = $2, closed_by = $3 WHERE id = $4`, Closed, now, p.Name, activityID); err != nil {
			return errs.Internal("volunteer.Service.Close: update volunteer_activities", err)
		}
		for c := range communities {
			if err := s.refreshCommunity(ctx, c); err != nil {
				return err
			}
		}
		if err := s.refreshHours(ctx, a.CommunityCode, date); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.activity.close", ObjectType: "volunteer_activity", ObjectID: idStr(activityID), Result: audit.OK,
			Detail: map[string]any{"records": n}})
	})
	return n, err
}

// AskCorrection asks, as the volunteer of a record, for its hours to be
// corrected, with a reason. One pending request per record. Errors:
// ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) AskCorrection(ctx context.Context, recordID int64, hours float64, reason string) (*Correction, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	r, err := scanRecord(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+recCols+recFrom+` WHERE r.id = $1`, recordID))
	if db.IsNoRows(err) || (err == nil && r.VolunteerID != me) {
		return nil, errs.NotFound("volunteer.record_not_found", recordID)
	}
	if err != nil {
		return nil, errs.Internal("volunteer.Service.AskCorrection: select", err)
	}
	reason = strings.TrimSpace(reason)
	centi := int64(math.Round(hours * 100))
	var bad errs.Fields
	if hours < 0 || hours > 24 || centi == r.HoursCenti {
		bad.Add("service_hours", "volunteer.correction_hours")
	}
	switch {
	case reason == "":
		bad.Add("correction_reason", "error.required")
	case tooLong(reason, 500):
		bad.Add("correction_reason", "error.too_long", 500)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if s.exists(ctx, `SELECT count(*) FROM volunteer_corrections WHERE record_id = $1 AND status = $2`, recordID, Pending) {
			return errs.Conflict("volunteer.correction_pending")
		}
		if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_corrections (record_id, hours_centi, reason, status, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, recordID, centi, reason, Pending, s.now()).Scan(&id); err != nil {
			return errs.Internal("volunteer.Service.AskCorrection: insert volunteer_corrections", err)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.correction.ask", ObjectType: "volunteer_record", ObjectID: idStr(recordID), Result: audit.OK,
			Detail: map[string]any{"hours_before": r.Hours, "hours_asked": centiToHours(centi), "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.correction(ctx, id)
}

const corCols = `c.id, c.record_id, r.volunteer_id, r.community_code, v.name, c.hours_centi, r.hours_centi, c.reason, c.status, c.decision, c.decided_by, c.created_at, c.decided_at`

const corFrom = ` FROM volunteer_corrections c JOIN volunteer_records r ON r.id = c.record_id JOIN volunteers v ON v.id = r.volunteer_id`

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
	if db.IsNoRows(err) {
		return nil, errs.NotFound("volunteer.correction_not_found", id)
	}
	if err != nil {
		return nil, errs.Internal("volunteer.Service.correction: select", err)
	}
	return c, nil
}

// Corrections lists the pending corrections of the records of the
// organisations the caller may organise for, but not the caller's own
// (whoever asks never decides: auth.FourEyes).
func (s *Service) Corrections(ctx context.Context) ([]Correction, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	orgs, err := s.LedOrgs(ctx)
	if err != nil {
		return nil, err
	}
	out := []Correction{}
	for _, o := range orgs {
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+corCols+corFrom+` WHERE r.org_id = $1 AND c.status = $2 ORDER BY c.id LIMIT 500`, o.ID, Pending)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.Corrections: select", err)
		}
		for rows.Next() {
			c, err := scanCorrection(rows)
			if err != nil {
				rows.Close()
				return nil, errs.Internal("volunteer.Service.Corrections: select", err)
			}
			// Staff see an organisation above their area only for the
			// records of their area.
			if auth.FourEyes(me, c.VolunteerID) != nil {
				continue
			}
			if !staff(p) || inScope(ctx, o.DivisionCode) || inScope(ctx, c.CommunityCode) {
				out = append(out, *c)
			}
		}
		rows.Close()
	}
	return out, nil
}

// Decide approves or refuses a pending correction, as an organiser of the
// organisation that recorded the hours; a refusal needs a reason. An
// approval changes the record's hours, the volunteer's total and the
// month's measure together. Errors: ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Decide(ctx context.Context, correctionID int64, approve bool, reason string) (*Correction, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.correction(ctx, correctionID)
	if err != nil {
		return nil, err
	}
	var orgID int64
	var community, date string
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT org_id, community_code, date FROM volunteer_records WHERE id = $1`, c.RecordID).Scan(&orgID, &community, &date); err != nil {
		return nil, errs.Internal("volunteer.Service.Decide: select volunteer_records", err)
	}
	if ok, err := s.mayOrganise(ctx, orgID, community); err != nil || !ok {
		if err == nil {
			s.Audit.Refused(ctx, "volunteer.correction.decide", "volunteer_correction", correctionID, "not an organiser")
		}
		return nil, errs.NotFound("volunteer.correction_not_found", correctionID)
	}
	// Four eyes: the volunteer who asked never decides, even as a lead of
	// the organisation; another lead or the staff of the area do (an only
	// lead's correction is on the staff's pending list).
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if err := auth.FourEyes(me, c.VolunteerID); err != nil {
		s.Audit.Refused(ctx, "volunteer.correction.decide", "volunteer_correction", correctionID, "own correction")
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if !approve && reason == "" {
		return nil, errs.Invalid(errs.Field("decision_reason", "error.required"))
	}
	if tooLong(reason, 500) {
		return nil, errs.Invalid(errs.Field("decision_reason", "error.too_long", 500))
	}
	status := Refused
	if approve {
		status = Approved
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		q := s.DB.Q(ctx)
		res, err := q.ExecContext(ctx, `UPDATE volunteer_corrections SET status = $1, decision = $2, decided_by = $3, decided_at = $4 WHERE id = $5 AND status = $6`,
			status, reason, p.Name, s.now(), correctionID, Pending)
		if err != nil {
			return errs.Internal("volunteer.Service.Decide: update volunteer_corrections", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.Conflict("volunteer.correction_decided")
		}
		if approve {
			var old, asked int64
			var vol int64
			if err := q.QueryRowContext(ctx, `SELECT r.hours_centi, c.hours_centi, r.volunteer_id FROM volunteer_corrections c JOIN volunteer_records r ON r.id = c.record_id WHERE c.id = $1`,
				correctionID).Scan(&old, &asked, &vol); err != nil {
				return errs.Internal("volunteer.Service.Decide: select volunteer_corrections", err)
			}
			if _, err := q.ExecContext(ctx, `UPDATE volunteer_records SET hours_centi = $1 WHERE id = $2`, asked, c.RecordID); err != nil {
				return errs.Internal("volunteer.Service.Decide: update volunteer_records", err)
			}
			if _, err := q.ExecContext(ctx, `UPDATE volunteers SET hours_centi = hours_centi + $1 WHERE id = $2`, asked-old, vol); err != nil {
				return errs.Internal("volunteer.Service.Decide: update volunteers", err)
			}
			if err := s.refreshHours(ctx, community, date); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.correction.decide", ObjectType: "volunteer_correction", ObjectID: idStr(correctionID), Result: audit.OK,
			Detail: map[string]any{"status": status, "reason": reason, "hours_asked": c.Hours, "hours_before": c.OldHours}})
	})
	if err != nil {
		return nil, err
	}
	return s.correction(ctx, correctionID)
}
