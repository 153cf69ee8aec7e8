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
			month, code, err := s.Store.taskMonth(ctx, v.TaskID)
			if err != nil {
				return errs.Invalid(errs.FieldError{Row: i + 1, Field: "task_id", Key: "care.task_not_found"})
			}
			at := v.VisitedAt.UTC().Truncate(time.Microsecond)
			if MonthOf(at) != month {
				return errs.Invalid(errs.FieldError{Row: i + 1, Field: "visited_at", Key: "care.visit_outside_month", Args: []any{month}})
			}
			if err := s.Store.seedVisit(ctx, v, code, at, in, ts); err != nil {
				return err
			}
			months[month] = true
		}
		ms := make([]string, 0, len(months))
		for m := range months {
			ms = append(ms, m)
		}
		sort.Strings(ms)
		for _, m := range ms {
			vals, err := s.Store.visitedCounts(ctx, m)
			if err != nil {
				return err
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
	return s.Store.tasksOf(ctx, month)
}
