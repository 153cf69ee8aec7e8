package care

import (
	"context"
	"fmt"
	"sort"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// SeedVisit is a visit loaded in bulk (the demo): no photos, no location.
type SeedVisit struct {
	TaskID    int64
	Visitor   string
	VisitedAt time.Time
	Method    string
	Checklist map[string]string
	Notes     string
	FollowUp  string
}

// LoadVisits stores visits in bulk for the system (the demo builder), in
// one transaction with the tasks' counts and the visited measure of each
// month touched, rebuilt from the tasks table. Each visit is checked like
// a recorded one (fields, and its time inside the task's month).
//
// Errors: EFORBIDDEN (not the system), EINVALID naming the visit's row.
func (s *Service) LoadVisits(ctx context.Context, vs []SeedVisit) error {
	p, err := auth.Must(ctx)
	if err != nil {
		return err
	}
	if p.Role != auth.System {
		return errs.Forbidden()
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		q := s.DB.Q(ctx)
		months := map[string]bool{}
		ts := now(s.Now)
		for i, v := range vs {
			in := VisitInput{TaskID: v.TaskID, IdempotencyKey: fmt.Sprintf("seed-%d-%d", v.TaskID, v.VisitedAt.UnixNano()),
				Method: v.Method, Checklist: v.Checklist, Notes: v.Notes, FollowUp: v.FollowUp}
			if err := in.Validate(); err != nil {
				e := errs.As(err)
				for j := range e.Fields {
					e.Fields[j].Row = i + 1
				}
				return e
			}
			var month, code string
			if err := q.QueryRowContext(ctx, `SELECT month, division_code FROM care_tasks WHERE id = $1`, v.TaskID).Scan(&month, &code); err != nil {
				return errs.Invalid(errs.FieldError{Row: i + 1, Field: "task_id", Key: "care.task_not_found"})
			}
			at := v.VisitedAt.UTC().Truncate(time.Microsecond)
			if MonthOf(at) != month {
				return errs.Invalid(errs.FieldError{Row: i + 1, Field: "visited_at", Key: "care.visit_outside_month", Args: []any{month}})
			}
			if _, err := q.ExecContext(ctx, `INSERT INTO care_visits (task_id, division_code, visitor_name, visited_at, method, checklist,
				notes, follow_up, idem_key, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
				v.TaskID, code, v.Visitor, at, v.Method, checklistJSON(v.Checklist), in.Notes, in.FollowUp, in.IdempotencyKey, ts); err != nil {
				return errs.Internal("care.Service.LoadVisits: insert care_visits", err)
			}
			if _, err := q.ExecContext(ctx, `UPDATE care_tasks SET visits = visits + 1, escalated = `+s.Store.bool(false)+`, updated_at = $1,
				last_visit_at = CASE WHEN last_visit_at IS NULL OR last_visit_at < $2 THEN $2 ELSE last_visit_at END WHERE id = $3`, ts, at, v.TaskID); err != nil {
				return errs.Internal("care.Service.LoadVisits: update care_tasks", err)
			}
			months[month] = true
		}
		ms := make([]string, 0, len(months))
		for m := range months {
			ms = append(ms, m)
		}
		sort.Strings(ms)
		for _, m := range ms {
			rows, err := q.QueryContext(ctx, `SELECT division_code, count(*) FROM care_tasks WHERE month = $1 AND visits > 0 GROUP BY division_code`, m)
			if err != nil {
				return errs.Internal("care.Service.LoadVisits: select care_tasks", err)
			}
			vals := map[string]int64{}
			for rows.Next() {
				var c string
				var n int64
				if err := rows.Scan(&c, &n); err != nil {
					rows.Close()
					return errs.Internal("care.Service.LoadVisits: Scan", err)
				}
				vals[c] = n
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return errs.Internal("care.Service.LoadVisits: Err", err)
			}
			if err := s.Measures.Rebuild(ctx, measure.Key(MeasureVisited, m), vals); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "care.visits.load", ObjectType: "care_visit", ObjectID: "*",
			Result: audit.OK, Detail: map[string]any{"visits": len(vs), "months": ms}})
	})
}

// TaskRef is a task's id and community, for bulk work.
type TaskRef struct {
	ID           int64
	DivisionCode string
}

// TasksOf lists the ids of a month's tasks (system only), by community.
func (s *Service) TasksOf(ctx context.Context, month string) ([]TaskRef, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.System {
		return nil, errs.Forbidden()
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, division_code FROM care_tasks WHERE month = $1 ORDER BY division_code, id`, month)
	if err != nil {
		return nil, errs.Internal("care.Service.TasksOf: select care_tasks", err)
	}
	defer rows.Close()
	var out []TaskRef
	for rows.Next() {
		var t TaskRef
		if err := rows.Scan(&t.ID, &t.DivisionCode); err != nil {
			return nil, errs.Internal("care.Service.TasksOf: select care_tasks", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}
