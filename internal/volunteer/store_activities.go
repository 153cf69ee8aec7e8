package volunteer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const actCols = `a.id, a.org_id, o.name, a.community_code, COALESCE(d.name, ''), a.title, a.content, a.target, a.place,
	a.starts_at, a.ends_at, a.slots, a.taken, a.skills, a.counts_hours, a.status, a.created_by`

const actFrom = ` FROM volunteer_activities a JOIN volunteer_orgs o ON o.id = a.org_id JOIN divisions d ON d.code = a.community_code`

// ActivityReadRoles may read activities: residents (volunteers) and staff.
// Handling units, auditors and admins have no business with them.
var ActivityReadRoles = append([]auth.Role{auth.Resident}, StaffRoles...)

// actReach is which activities a caller reads (the rule is at
// Service.Activity):
//
//   - published ones (open, closed) everyone with a reading role, city-wide:
//     they recruit volunteers, and a closed one is the public record of the
//     service done;
//   - any other (cancelled) only those who organise it (staff whose area
//     holds its organisation or its community, leads of its organisation)
//     and the volunteers who signed up for it.
type actReach struct {
	all       bool   // the system
	lo, hi    string // staff: the area whose activities they organise
	volunteer int64  // the caller's registration as a volunteer, 0 when none
}

// cond is the reach as a condition on activities a of organisations o,
// appending its arguments to args.
func (rc actReach) cond(args *[]any) string {
	if rc.all {
		return "1=1"
	}
	arg := func(v any) string {
		*args = append(*args, v)
		return "$" + strconv.Itoa(len(*args))
	}
	or := []string{"a.status IN (" + arg(Open) + ", " + arg(Closed) + ")"}
	if rc.lo != "" {
		lo, hi := arg(rc.lo), arg(rc.hi)
		or = append(or, "o.division_code BETWEEN "+lo+" AND "+hi, "a.community_code BETWEEN "+lo+" AND "+hi)
	}
	if rc.volunteer != 0 {
		v := arg(rc.volunteer)
		or = append(or, "EXISTS (SELECT 1 FROM volunteer_org_members m WHERE m.org_id = a.org_id AND m.volunteer_id = "+v+" AND m.lead)",
			"EXISTS (SELECT 1 FROM volunteer_signups su WHERE su.activity_id = a.id AND su.volunteer_id = "+v+")")
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// storeActivity reads one activity within the reach; ENOTFOUND otherwise.
func (s *Service) storeActivity(ctx context.Context, id int64, rc actReach) (*Activity, error) {
	args := []any{id}
	a, err := scanActivity(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+actCols+actFrom+` WHERE a.id = $1 AND `+rc.cond(&args), args...))
	if err != nil {
		return nil, db.RowErr(err, "volunteer.activity", "volunteer.activity_not_found", id)
	}
	return a, nil
}

// activityExists reports whether an activity exists, whoever may read it
// (to audit a refusal).
func (s *Service) activityExists(ctx context.Context, id int64) bool {
	return s.exists(ctx, `SELECT count(*) FROM volunteer_activities WHERE id = $1`, id)
}

// activityQuery selects activities with communities in [lo, hi] within
// the reach, newest first, one page (perPage+1 rows to tell whether more
// follow).
type activityQuery struct {
	lo, hi        string
	from, until   time.Time // overlapping [from, until) when not zero
	orgID         int64
	status        string
	page, perPage int
}

// storeActivities runs an activityQuery within the reach.
func (s *Service) storeActivities(ctx context.Context, q activityQuery, rc actReach) ([]Activity, error) {
	args := []any{q.lo, q.hi}
	sql := `SELECT ` + actCols + actFrom + ` WHERE a.community_code BETWEEN $1 AND $2 AND ` + rc.cond(&args)
	add := func(cond string, v any) {
		args = append(args, v)
		sql += " AND " + strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args)))
	}
	if !q.from.IsZero() {
		add("a.ends_at > ?", q.from.UTC())
		add("a.starts_at < ?", q.until.UTC())
	}
	if q.orgID != 0 {
		add("a.org_id = ?", q.orgID)
	}
	if q.status != "" {
		add("a.status = ?", q.status)
	}
	limit, offset := db.LimitOffset(q.page, q.perPage)
	sql += ` ORDER BY a.starts_at DESC, a.id DESC LIMIT ` + strconv.Itoa(limit) + ` OFFSET ` + strconv.Itoa(offset)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, sql, args...)
	if err != nil {
		return nil, errs.Internal("volunteer.activities", err)
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.activities", err)
		}
		out = append(out, *a)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("volunteer.activities", err)
	}
	return out, nil
}

func scanActivity(sc interface{ Scan(...any) error }) (*Activity, error) {
	var a Activity
	var skills string
	err := sc.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.CommunityCode, &a.CommunityName, &a.Title, &a.Content, &a.Target, &a.Place,
		&a.StartsAt, &a.EndsAt, &a.Slots, &a.Taken, &skills, &a.CountsHours, &a.Status, &a.CreatedBy)
	a.Skills = splitList(skills)
	a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
	return &a, err
}

// lockActivity reads an activity for update inside a transaction.
func (s *Service) lockActivity(ctx context.Context, id int64) (*Activity, error) {
	lock := s.DB.LockOf(ctx, "a")
	a, err := scanActivity(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+actCols+actFrom+` WHERE a.id = $1`+lock, id))
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.lockActivity: select", "volunteer.activity_not_found", id)
	}
	return a, nil
}

// isCommunity reports whether code is a community in the tree.
func (s *Service) isCommunity(ctx context.Context, code string) bool {
	return s.exists(ctx, `SELECT count(*) FROM divisions WHERE code = $1 AND level = 5`, code)
}

// insertActivity stores a new open activity and returns its id.
func (s *Service) insertActivity(ctx context.Context, in ActivityInput, countsHours bool, at time.Time, by string) (int64, error) {
	var id int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_activities (org_id, community_code, title, content, target, place,
		starts_at, ends_at, slots, skills, counts_hours, status, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		in.OrgID, in.CommunityCode, in.Title, in.Content, in.Target, in.Place, in.StartsAt.UTC(), in.EndsAt.UTC(), in.Slots,
		strings.Join(in.Skills, ","), countsHours, Open, at, by).Scan(&id); err != nil {
		return 0, errs.Internal("volunteer.Service.insertActivity: insert volunteer_activities", err)
	}
	return id, nil
}

// signup reads a volunteer's sign-up to an activity: its status and
// check-in time; found is false when there is none.
func (s *Service) signup(ctx context.Context, activityID, volunteerID int64) (status string, checkin *time.Time, found bool, err error) {
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status, checkin_at FROM volunteer_signups WHERE activity_id = $1 AND volunteer_id = $2`,
		activityID, volunteerID).Scan(&status, &checkin)
	if db.IsNoRows(err) {
		return "", nil, false, nil
	}
	if err != nil {
		return "", nil, false, errs.Internal("volunteer.Service.signup: select volunteer_signups", err)
	}
	return status, checkin, true, nil
}

// setSignup sets a volunteer's sign-up to an activity to status, adding
// the sign-up when isNew.
func (s *Service) setSignup(ctx context.Context, activityID, volunteerID int64, status string, at time.Time, isNew bool) error {
	var err error
	if isNew {
		_, err = s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_signups (activity_id, volunteer_id, status, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)`,
			activityID, volunteerID, status, at)
	} else {
		_, err = s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_signups SET status = $1, updated_at = $2 WHERE activity_id = $3 AND volunteer_id = $4`,
			status, at, activityID, volunteerID)
	}
	if err != nil {
		return errs.Internal("volunteer.Service.setSignup: write volunteer_signups", err)
	}
	return nil
}

// addTaken moves an activity's count of confirmed places by n.
func (s *Service) addTaken(ctx context.Context, activityID int64, n int) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE volunteer_activities SET taken = taken + $1 WHERE id = $2`, n, activityID); err != nil {
		return errs.Internal("volunteer.Service.addTaken: update volunteer_activities", err)
	}
	return nil
}

// giveUpPlace passes a confirmed place given up to the first on the
// waiting list, or frees it when nobody waits.
func (s *Service) giveUpPlace(ctx context.Context, activityID int64, at time.Time) error {
	q := s.DB.Q(ctx)
	var next int64
	err := q.QueryRowContext(ctx, `SELECT id FROM volunteer_signups WHERE activity_id = $1 AND status = $2 ORDER BY updated_at, id LIMIT 1`, activityID, Waiting).Scan(&next)
	if db.IsNoRows(err) {
		return s.addTaken(ctx, activityID, -1)
	}
	if err == nil {
		_, err = q.ExecContext(ctx, `UPDATE volunteer_signups SET status = $1, updated_at = $2 WHERE id = $3`, Confirmed, at, next)
	}
	if err != nil {
		return errs.Internal("volunteer.Service.giveUpPlace: volunteer_signups", err)
	}
	return nil
}

// signupsOf lists an activity's sign-ups with attendance: confirmed, then
// waiting, then the rest.
func (s *Service) signupsOf(ctx context.Context, activityID int64) ([]Signup, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT s.id, s.volunteer_id, v.name, s.status, s.checkin_at, s.checkout_at, s.manual_reason, s.created_at
		FROM volunteer_signups s JOIN volunteers v ON v.id = s.volunteer_id WHERE s.activity_id = $1
		ORDER BY CASE s.status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, s.updated_at, s.id LIMIT 20000`, activityID)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.signupsOf: select volunteer_signups", err)
	}
	defer rows.Close()
	out := []Signup{}
	for rows.Next() {
		var x Signup
		if err := rows.Scan(&x.ID, &x.VolunteerID, &x.Name, &x.Status, &x.CheckinAt, &x.CheckoutAt, &x.ManualReason, &x.CreatedAt); err != nil {
			return nil, errs.Internal("volunteer.Service.signupsOf: select volunteer_signups", err)
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

// signedUp lists the open activities a volunteer is confirmed or waiting
// for, soonest first.
func (s *Service) signedUp(ctx context.Context, volunteerID int64) ([]Activity, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+actCols+`, s.status`+actFrom+` JOIN volunteer_signups s ON s.activity_id = a.id
		WHERE s.volunteer_id = $1 AND s.status IN ($2, $3) AND a.status = $4 ORDER BY a.starts_at, a.id LIMIT 100`, volunteerID, Confirmed, Waiting, Open)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.signedUp: select", err)
	}
	defer rows.Close()
	out := []Activity{}
	for rows.Next() {
		var a Activity
		var skills string
		if err := rows.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.CommunityCode, &a.CommunityName, &a.Title, &a.Content, &a.Target, &a.Place,
			&a.StartsAt, &a.EndsAt, &a.Slots, &a.Taken, &skills, &a.CountsHours, &a.Status, &a.CreatedBy, &a.MySignup); err != nil {
			return nil, errs.Internal("volunteer.Service.signedUp: select", err)
		}
		a.Skills = splitList(skills)
		a.StartsAt, a.EndsAt = a.StartsAt.UTC(), a.EndsAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}
