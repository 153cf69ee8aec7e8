package care

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// taskMonth reads a task's month and community.
func (s *Store) taskMonth(ctx context.Context, taskID int64) (month, code string, err error) {
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT month, division_code FROM care_tasks WHERE id = $1`, taskID).Scan(&month, &code); err != nil {
		return "", "", errs.Internal("care.Store.taskMonth: select care_tasks", err)
	}
	return month, code, nil
}

// seedVisit stores a visit loaded in bulk (checked as in) and counts it
// on its task, which it takes off the township's list.
func (s *Store) seedVisit(ctx context.Context, v SeedVisit, code string, at time.Time, in VisitInput, ts time.Time) error {
	q := s.DB.Q(ctx)
	if _, err := q.ExecContext(ctx, `INSERT INTO care_visits (task_id, division_code, visitor_name, visited_at, method, checklist,
		notes, follow_up, idem_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
		v.TaskID, code, v.Visitor, at, v.Method, checklistJSON(v.Checklist), in.Notes, in.FollowUp, in.IdempotencyKey, ts); err != nil {
		return errs.Internal("care.Store.seedVisit: insert care_visits", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE care_tasks SET visits = visits + 1, escalated = `+s.DB.Bool(false)+`, updated_at = $1,
		last_visit_at = CASE WHEN last_visit_at IS NULL OR last_visit_at < $2 THEN $2 ELSE last_visit_at END WHERE id = $3`, ts, at, v.TaskID); err != nil {
		return errs.Internal("care.Store.seedVisit: update care_tasks", err)
	}
	return nil
}

// visitedCounts counts the visited tasks of month per community.
func (s *Store) visitedCounts(ctx context.Context, month string) (map[string]int64, error) {
	return db.Map[string, int64](ctx, s.DB.Q(ctx), "care.Store.visitedCounts: select care_tasks", `SELECT division_code, count(*) FROM care_tasks WHERE month = $1 AND visits > 0 GROUP BY division_code`, month)
}

// tasksOf lists a month's tasks by community.
func (s *Store) tasksOf(ctx context.Context, month string) ([]TaskRef, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, division_code FROM care_tasks WHERE month = $1 ORDER BY division_code, id`, month)
	if err != nil {
		return nil, errs.Internal("care.Store.tasksOf: select care_tasks", err)
	}
	defer rows.Close()
	var out []TaskRef
	for rows.Next() {
		var t TaskRef
		if err := rows.Scan(&t.ID, &t.DivisionCode); err != nil {
			return nil, errs.Internal("care.Store.tasksOf: select care_tasks", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// insertVisit stores a visit to task t by p and returns its id.
func (s *Store) insertVisit(ctx context.Context, t *VisitTask, p *auth.Principal, at time.Time, in VisitInput, loc string, ts time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO care_visits (task_id, division_code, visitor_id, visitor_name, visited_at, method, checklist,
		notes, follow_up, location_sealed, idem_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
		t.ID, t.DivisionCode, p.UserID, p.Name, at, in.Method, checklistJSON(in.Checklist), in.Notes, in.FollowUp, loc,
		in.IdempotencyKey, ts).Scan(&id)
	if err != nil {
		return 0, errs.Internal("care.Store.insertVisit: insert care_visits", err)
	}
	return id, nil
}

// addPhoto attaches a stored photo to a visit.
func (s *Store) addPhoto(ctx context.Context, visitID, blobID int64) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO care_visit_photos (visit_id, blob_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, visitID, blobID); err != nil {
		return errs.Internal("care.Store.addPhoto: insert care_visit_photos", err)
	}
	return nil
}

// countVisit counts a visit made at at on its task.
func (s *Store) countVisit(ctx context.Context, taskID int64, at, ts time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_tasks SET visits = visits + 1, updated_at = $1, version = version + 1,
		last_visit_at = CASE WHEN last_visit_at IS NULL OR last_visit_at < $2 THEN $2 ELSE last_visit_at END WHERE id = $3`,
		ts, at, taskID); err != nil {
		return errs.Internal("care.Store.countVisit: update care_tasks", err)
	}
	return nil
}

// setFollowUpRequest links a visit to the request its follow-up opened.
func (s *Store) setFollowUpRequest(ctx context.Context, visitID, requestID int64) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_visits SET follow_up_request = $1 WHERE id = $2`, requestID, visitID); err != nil {
		return errs.Internal("care.Store.setFollowUpRequest: update care_visits", err)
	}
	return nil
}

// reassign gives a task to another account.
func (s *Store) reassign(ctx context.Context, taskID, assigneeID int64, at time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_tasks SET assignee_id = $1, version = version + 1, updated_at = $2 WHERE id = $3`,
		assigneeID, at, taskID); err != nil {
		return errs.Internal("care.Store.reassign: update care_tasks", err)
	}
	return nil
}

// summaryArgs is the filter of a summary's query: a month's tasks in
// [lo, hi], only mine's when set.
func summaryArgs(month, lo, hi string, mine *int64) (string, []any) {
	args := []any{month, lo, hi}
	if mine == nil {
		return "", args
	}
	return " AND t.assignee_id = $4", append(args, *mine)
}

func (s *Store) summaryCounts() string {
	return `count(*), SUM(CASE WHEN t.visits > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN t.visits = 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN t.visits = 0 AND t.escalated = ` + s.DB.Bool(true) + ` THEN 1 ELSE 0 END)`
}

// summaryByAssignee counts a month's tasks in [lo, hi] by assignee.
func (s *Store) summaryByAssignee(ctx context.Context, month, lo, hi string, mine *int64) ([]SummaryRow, error) {
	where, args := summaryArgs(month, lo, hi, mine)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT t.assignee_id, COALESCE(MAX(CASE WHEN u.display_name = '' THEN u.name ELSE u.display_name END), ''), `+s.summaryCounts()+`
		FROM care_tasks t LEFT JOIN users u ON u.id = t.assignee_id
		WHERE t.month = $1 AND t.division_code BETWEEN $2 AND $3`+where+` GROUP BY t.assignee_id ORDER BY t.assignee_id`, args...)
	if err != nil {
		return nil, errs.Internal("care.Store.summaryByAssignee: select", err)
	}
	defer rows.Close()
	var out []SummaryRow
	for rows.Next() {
		var r SummaryRow
		var a sql.NullInt64
		if err := rows.Scan(&a, &r.Name, &r.Tasks, &r.Done, &r.Open, &r.Escalated); err != nil {
			return nil, errs.Internal("care.Store.summaryByAssignee: Scan", err)
		}
		if a.Valid {
			v := a.Int64
			r.Assignee = &v
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// summaryByPrefix counts a month's tasks in [lo, hi] by the first n
// digits of their community's code.
func (s *Store) summaryByPrefix(ctx context.Context, month, lo, hi string, mine *int64, n int) (map[string]SummaryRow, error) {
	where, args := summaryArgs(month, lo, hi, mine)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT substr(t.division_code, 1, `+strconv.Itoa(n)+`), `+s.summaryCounts()+`
		FROM care_tasks t WHERE t.month = $1 AND t.division_code BETWEEN $2 AND $3`+where+` GROUP BY substr(t.division_code, 1, `+strconv.Itoa(n)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("care.Store.summaryByPrefix: select", err)
	}
	defer rows.Close()
	by := map[string]SummaryRow{}
	for rows.Next() {
		var prefix string
		var r SummaryRow
		if err := rows.Scan(&prefix, &r.Tasks, &r.Done, &r.Open, &r.Escalated); err != nil {
			return nil, errs.Internal("care.Store.summaryByPrefix: Scan", err)
		}
		by[prefix] = r
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("care.Store.summaryByPrefix: Err", err)
	}
	return by, nil
}
