package volunteer

import (
	"context"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/web"
)

const actCols = `a.id, a.org_id, o.name, a.community_code, COALESCE(d.name, ''), a.title, a.content, a.target, a.place,
	a.starts_at, a.ends_at, a.slots, a.taken, a.skills, a.counts_hours, a.status, a.created_by`

const actFrom = ` FROM volunteer_activities a JOIN volunteer_orgs o ON o.id = a.org_id JOIN divisions d ON d.code = a.community_code`

func scanActivity(sc interface{ Scan(...any) error }) (*Activity, error) {
	var a Activity
	var skills string
	err := sc.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.CommunityCode, &a.CommunityName, &a.Title, &a.Content, &a.Target, &a.Place,
		&a.StartsAt, &a.EndsAt, &a.Slots, &a.Taken, &skills, &a.CountsHours, &a.Status, &a.CreatedBy)
	a.Skills = splitList(skills)
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	return &a, err
}

// Publish publishes an activity for an organisation the caller may
// organise for (its lead, or staff of its area), in a community at or
// under the organisation's division. Errors: EINVALID, ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Publish(ctx context.Context, in ActivityInput) (*Activity, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if err := in.validate(s.Now()).Err(); err != nil {
		return nil, err
	}
	ok, err := s.mayOrganise(ctx, in.OrgID, in.CommunityCode)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, errs.Invalid(errs.Field("org_id", "volunteer.org_not_found", in.OrgID))
	}
	if err != nil {
		return nil, err
	}
	if !ok || (staff(p) && !inScope(ctx, in.CommunityCode)) {
		return nil, errs.Forbidden()
	}
	o, _ := s.Org(ctx, in.OrgID)
	lo, hi := division.RangeOf(o.DivisionCode)
	if !division.ValidCode(in.CommunityCode) || in.CommunityCode < lo || in.CommunityCode > hi ||
		!s.exists(ctx, `SELECT count(*) FROM divisions WHERE code = $1 AND level = 5`, in.CommunityCode) {
		return nil, errs.Invalid(errs.Field("community_code", "volunteer.community_of_org", in.CommunityCode))
	}
	counts := in.CountsHours == nil || *in.CountsHours
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_activities (org_id, community_code, title, content, target, place,
			starts_at, ends_at, slots, skills, counts_hours, status, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			in.OrgID, in.CommunityCode, in.Title, in.Content, in.Target, in.Place, in.StartsAt.UTC(), in.EndsAt.UTC(), in.Slots,
			strings.Join(in.Skills, ","), counts, Open, s.now(), p.Name).Scan(&id); err != nil {
			return errs.Internal("volunteer.Service.Publish: insert volunteer_activities", err)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.activity.publish", ObjectType: "volunteer_activity", ObjectID: idStr(id), Result: audit.OK,
			Detail: map[string]any{"org_id": in.OrgID, "community_code": in.CommunityCode, "title": in.Title, "slots": in.Slots}})
	})
	if err != nil {
		return nil, err
	}
	return s.Activity(ctx, id)
}

// Activity returns an activity, with the caller's relation to it.
//
// Who reads an activity (actReach, applied in the store's query):
// residents and staff (ActivityReadRoles) read published activities (open
// or closed) city-wide, since they recruit volunteers; a cancelled one only
// its organisers (staff whose area holds the organisation or the
// community, the organisation's leads) and the volunteers signed up for
// it. Sign-up lists, personal data, only its organisers (Signups). Other
// roles read none.
//
// Errors: EFORBIDDEN (role), ENOTFOUND (missing or not readable; a refusal
// of an existing activity is audited).
func (s *Service) Activity(ctx context.Context, id int64) (*Activity, error) {
	rc, err := s.actReach(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.storeActivity(ctx, id, rc)
	if errs.Code(err) == errs.ENOTFOUND && s.activityExists(ctx, id) {
		s.Audit.Refused(ctx, "volunteer.activity.read", "volunteer_activity", id, "not published")
	}
	if err != nil {
		return nil, err
	}
	if a.CanOrganise, err = s.mayOrganise(ctx, a.OrgID, a.CommunityCode); err != nil {
		return nil, err
	}
	if rc.volunteer != 0 {
		_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status FROM volunteer_signups WHERE activity_id = $1 AND volunteer_id = $2`, id, rc.volunteer).Scan(&a.MySignup)
	}
	return a, nil
}

// actReach is the caller's reach over activities. Errors: EUNAUTHORIZED,
// EFORBIDDEN.
func (s *Service) actReach(ctx context.Context) (actReach, error) {
	p, err := auth.Require(ctx, ActivityReadRoles...)
	if err != nil {
		return actReach{}, err
	}
	if p.Role == auth.System {
		return actReach{all: true}, nil
	}
	var rc actReach
	if staff(p) {
		if rc.lo, rc.hi, err = auth.Scope(ctx); err != nil {
			return actReach{}, err
		}
	}
	if rc.volunteer, err = s.myVolunteer(ctx); err != nil {
		return actReach{}, err
	}
	return rc, nil
}

// ActivityFilter selects activities.
type ActivityFilter struct {
	Division string // at or under this division (a volunteer's "nearby")
	Date     string // YYYY-MM-DD: activities on that day (China time); empty: from today on
	OrgID    int64
	Status   string
	Page     int
	PerPage  int
}

// Activities lists activities at or under a division (staff: their area
// when empty; residents: the city), those the caller may read (the rule
// is at Activity): published ones anywhere, cancelled ones only for their
// organisers and volunteers. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Activities(ctx context.Context, f ActivityFilter) ([]Activity, bool, error) {
	rc, err := s.actReach(ctx)
	if err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "volunteer.code_format")
	}
	var day time.Time
	if f.Date != "" {
		if day, err = time.ParseInLocation(DateLayout, f.Date, web.Shanghai); err != nil {
			bad.Add("date", "volunteer.date_invalid")
		}
	}
	if f.Status != "" && f.Status != Open && f.Status != Closed && f.Status != Cancelled {
		bad.Add("status", "error.one_of", "open, closed, cancelled")
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	q := activityQuery{lo: "000000000000", hi: "999999999999", orgID: f.OrgID, status: f.Status, page: f.Page, perPage: f.PerPage}
	switch {
	case f.Division != "":
		q.lo, q.hi = division.RangeOf(f.Division)
	case rc.lo != "":
		q.lo, q.hi = rc.lo, rc.hi
	}
	if f.Date != "" {
		q.from, q.until = day, day.AddDate(0, 0, 1)
	}
	out, err := s.storeActivities(ctx, q, rc)
	if err != nil {
		return nil, false, err
	}
	out, more := db.More(out, f.PerPage)
	return out, more, nil
}

// lockActivity reads an activity for update inside a transaction.
func (s *Service) lockActivity(ctx context.Context, id int64) (*Activity, error) {
	lock := ""
	if s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF a"
	}
	a, err := scanActivity(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+actCols+actFrom+` WHERE a.id = $1`+lock, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFound("volunteer.activity_not_found", id)
	}
	if err != nil {
		return nil, errs.Internal("volunteer.Service.lockActivity: select", err)
	}
	return a, nil
}

// SignUp signs the caller (a registered volunteer) up to an open activity
// that has not ended: confirmed while places remain, on the waiting list
// after. Signing up again after cancelling is allowed. Returns the status.
// Errors: ENOTFOUND, ECONFLICT (already signed up, closed or ended).
func (s *Service) SignUp(ctx context.Context, activityID int64) (string, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return "", err
	}
	if me == 0 {
		return "", errs.NotFound("volunteer.not_registered")
	}
	var status string
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open || !s.Now().Before(a.EndsAt) {
			return errs.Conflict("volunteer.activity_not_open")
		}
		var cur string
		err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status FROM volunteer_signups WHERE activity_id = $1 AND volunteer_id = $2`, activityID, me).Scan(&cur)
		if err != nil && !db.IsNoRows(err) {
			return errs.Internal("volunteer.Service.SignUp: select volunteer_signups", err)
		}
		if cur == Confirmed || cur == Waiting {
			return errs.Conflict("volunteer.already_signed_up")
		}
		status = Waiting
		if a.Taken < a.Slots {
			status = Confirmed
		}
		now := s.now()
		if cur == "" {
			_, err = s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_signups (activity_id, volunteer_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
				activityID, me, status, now)
		} else {
			_, err = s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_signups SET status = $1, updated_at = $2 WHERE activity_id = $3 AND volunteer_id = $4`,
				status, now, activityID, me)
		}
		if err != nil {
			return errs.Internal("volunteer.Service.SignUp: now", err)
		}
		if status == Confirmed {
			if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_activities SET taken = taken + 1 WHERE id = $1`, activityID); err != nil {
				return errs.Internal("volunteer.Service.SignUp: update volunteer_activities", err)
			}
		}
		return nil
	})
	return status, err
}

// Cancel withdraws the caller's sign-up before they check in. A confirmed
// place goes, in the same transaction, to the first on the waiting list.
// Errors: ENOTFOUND (no sign-up), ECONFLICT (checked in, or closed).
func (s *Service) Cancel(ctx context.Context, activityID int64) error {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err := s.lockActivity(ctx, activityID)
		if err != nil {
			return err
		}
		if a.Status != Open {
			return errs.Conflict("volunteer.activity_not_open")
		}
		var cur string
		var in *time.Time
		err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status, checkin_at FROM volunteer_signups WHERE activity_id = $1 AND volunteer_id = $2`, activityID, me).Scan(&cur, &in)
		if db.IsNoRows(err) || cur == Withdrawn {
			return errs.NotFound("volunteer.signup_not_found")
		}
		if err != nil {
			return errs.Internal("volunteer.Service.Cancel: select volunteer_signups", err)
		}
		if in != nil {
			return errs.Conflict("volunteer.already_checked_in")
		}
		now := s.now()
		q := s.DB.Q(ctx)
		if _, err := q.ExecContext(ctx, `UPDATE volunteer_signups SET status = $1, updated_at = $2 WHERE activity_id = $3 AND volunteer_id = $4`, Withdrawn, now, activityID, me); err != nil {
			return errs.Internal("volunteer.Service.Cancel: update volunteer_signups", err)
		}
		if cur != Confirmed {
			return nil
		}
		var next int64
		err = q.QueryRowContext(ctx, `SELECT id FROM volunteer_signups WHERE activity_id = $1 AND status = $2 ORDER BY updated_at, id LIMIT 1`, activityID, Waiting).Scan(&next)
		if db.IsNoRows(err) {
			_, err = q.ExecContext(ctx, `UPDATE volunteer_activities SET taken = taken - 1 WHERE id = $1`, activityID)
		} else if err == nil {
			_, err = q.ExecContext(ctx, `UPDATE volunteer_signups SET status = $1, updated_at = $2 WHERE id = $3`, Confirmed, now, next)
		}
		if err != nil {
			return errs.Internal("volunteer.Service.Cancel: select volunteer_signups", err)
		}
		return nil
	})
}

// Signups lists an activity's sign-ups with attendance, for its
// organisers only (staff whose area holds the organisation or the
// community, the organisation's leads): the names are personal data.
// Errors: ENOTFOUND (also for callers who may not organise it; audited).
func (s *Service) Signups(ctx context.Context, activityID int64) ([]Signup, error) {
	if _, err := s.organised(ctx, activityID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT s.id, s.volunteer_id, v.name, s.status, s.checkin_at, s.checkout_at, s.manual_reason, s.created_at
		FROM volunteer_signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.activity_id = $1
		ORDER BY CASE s.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, s.updated_at, s.id LIMIT 20000`, activityID)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Signups: select volunteer_signups", err)
	}
	defer rows.Close()
	out := []Signup{}
	for rows.Next() {
		var x Signup
		if err := rows.Scan(&x.ID, &x.VolunteerID, &x.Name, &x.Status, &x.CheckinAt, &x.CheckoutAt, &x.ManualReason, &x.CreatedAt); err != nil {
			return nil, errs.Internal("volunteer.Service.Signups: select volunteer_signups", err)
		}
		x.CreatedAt = x.CreatedAt.UTC()
		for _, t := range []*time.Time{x.CheckinAt, x.CheckoutAt} {
			if t != nil {
				*t = t.UTC()
			}
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// organised reads an activity the caller organises; ENOTFOUND otherwise
// (a refusal of an existing activity is audited).
func (s *Service) organised(ctx context.Context, id int64) (*Activity, error) {
	a, err := s.Activity(ctx, id)
	if err != nil {
		return nil, err
	}
	if !a.CanOrganise {
		s.Audit.Refused(ctx, "volunteer.activity.organise", "volunteer_activity", id, "not an organiser")
		return nil, errs.NotFound("volunteer.activity_not_found", id)
	}
	return a, nil
}

// MySignups lists the open activities the caller has signed up for (or
// waits for), soonest first.
func (s *Service) MySignups(ctx context.Context) ([]Activity, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil || me == 0 {
		return []Activity{}, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+actCols+`, s.status`+actFrom+` JOIN volunteer_signups s ON s.activity_id = a.id
		WHERE s.volunteer_id = $1 AND s.status IN ($2, $3) AND a.status = $4 ORDER BY a.starts_at, a.id LIMIT 100`, me, Confirmed, Waiting, Open)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.MySignups: select", err)
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		var a Activity
		var skills string
		if err := rows.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.CommunityCode, &a.CommunityName, &a.Title, &a.Content, &a.Target, &a.Place,
			&a.StartsAt, &a.EndsAt, &a.Slots, &a.Taken, &skills, &a.CountsHours, &a.Status, &a.CreatedBy, &a.MySignup); err != nil {
			return nil, errs.Internal("volunteer.Service.MySignups: select", err)
		}
		a.Skills = splitList(skills)
		a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
