package care

import (
	"context"
	"strconv"

	"shequ/internal/platform/errs"
)

// homeQueue counts the unvisited tasks of months [from, to] in the codes
// lo…hi (of one assignee when assignee is not 0; the escalated ones only
// when escalated) and reads the first n, along care_tasks_division or
// care_tasks_assignee.
func (s *Store) homeQueue(ctx context.Context, from, to, lo, hi string, assignee int64, escalated bool, n int) (int, []VisitTask, error) {
	where := `t.visits = 0 AND t.month BETWEEN $1 AND $2 AND t.division_code BETWEEN $3 AND $4`
	args := []any{from, to, lo, hi}
	if assignee != 0 {
		args = append(args, assignee)
		where += ` AND t.assignee_id = $5`
	}
	if escalated {
		args = append(args, true)
		where += ` AND t.escalated = $` + strconv.Itoa(len(args))
	}
	var count int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM care_tasks t WHERE `+where, args...).Scan(&count); err != nil {
		return 0, nil, errs.Internal("care.Store.homeQueue: count care_tasks", err)
	}
	if count == 0 {
		return 0, nil, nil
	}
	args = append(args, n)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT t.id, t.month, t.person_name FROM care_tasks t WHERE `+where+
		` ORDER BY t.month, t.id LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return 0, nil, errs.Internal("care.Store.homeQueue: select care_tasks", err)
	}
	defer rows.Close()
	var out []VisitTask
	for rows.Next() {
		var t VisitTask
		if err := rows.Scan(&t.ID, &t.Month, &t.PersonName); err != nil {
			return 0, nil, errs.Internal("care.Store.homeQueue: scan", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, errs.Internal("care.Store.homeQueue: rows", err)
	}
	return count, out, nil
}
