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
	if db.IsNoRows(err) {
		return nil, errs.NotFound("volunteer.activity_not_found", id)
	}
	if err != nil {
		return nil, errs.Internal("volunteer.activity", err)
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
