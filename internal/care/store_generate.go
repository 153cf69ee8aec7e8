package care

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// lastMonth is the last month whose tasks were made, or "".
func (s *Store) lastMonth(ctx context.Context) (string, error) {
	var last string
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(month), '') FROM care_months`).Scan(&last); err != nil {
		return "", errs.Internal("care.Store.lastMonth: select care_months", err)
	}
	return last, nil
}

// taskPeople is the people who have a task in month.
func (s *Store) taskPeople(ctx context.Context, month string) (map[int64]bool, error) {
	return db.Set[int64](ctx, s.DB.Q(ctx), "care.Store.taskPeople: select care_tasks", `SELECT person_id FROM care_tasks WHERE month = $1`, month)
}

// insertTasks inserts rows of tasks (month, person_id, person_name,
// division_code, assignee_id, created_at, updated_at, version); a task
// another node made meanwhile is skipped. It returns how many it made.
func (s *Store) insertTasks(ctx context.Context, rows [][]any) (int, error) {
	n, err := s.DB.InsertRows(ctx, `INSERT INTO care_tasks (month, person_id, person_name, division_code, assignee_id, created_at, updated_at, version) VALUES `,
		8, ` ON CONFLICT (month, person_id) DO NOTHING`, rows)
	if err != nil {
		return 0, errs.Internal("care.Store.insertTasks: insert care_tasks", err)
	}
	return int(n), nil
}

// addMonth adds tasks to the count of month's tasks made, creating the
// month's row (made at ts) on its first run.
func (s *Store) addMonth(ctx context.Context, month string, ts time.Time, tasks int) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO care_months (month, generated_at, tasks) VALUES ($1, $2, $3)
		ON CONFLICT (month) DO UPDATE SET tasks = care_months.tasks + excluded.tasks`, month, ts, tasks); err != nil {
		return errs.Internal("care.Store.addMonth: insert care_months", err)
	}
	return nil
}

// dueCounts counts the tasks of month per community.
func (s *Store) dueCounts(ctx context.Context, month string) (map[string]int64, error) {
	return db.Map[string, int64](ctx, s.DB.Q(ctx), "care.Store.dueCounts: select care_tasks", `SELECT division_code, count(*) FROM care_tasks WHERE month = $1 GROUP BY division_code`, month)
}

// escalate flags the unvisited tasks of months up to upto, and marks
// those months escalated, at at. It returns how many tasks it flagged.
func (s *Store) escalate(ctx context.Context, at time.Time, upto string) (int, error) {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_tasks SET escalated = `+s.DB.Bool(true)+`, updated_at = $1
		WHERE month <= $2 AND visits = 0 AND escalated = `+s.DB.Bool(false), at, upto)
	if err != nil {
		return 0, errs.Internal("care.Store.escalate: update care_tasks", err)
	}
	k, _ := res.RowsAffected()
	if k == 0 {
		return 0, nil
	}
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_months SET escalated_at = $1 WHERE month <= $2 AND escalated_at IS NULL`,
		at, upto); err != nil {
		return 0, errs.Internal("care.Store.escalate: update care_months", err)
	}
	return int(k), nil
}
