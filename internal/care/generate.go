package care

import (
	"context"
	"fmt"
	"sort"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// JobName is the monthly job's name in the jobs table.
const JobName = "care.monthly"

// Generated is what one run of the monthly work did.
type Generated struct {
	Months    []string `json:"months"`    // months whose tasks were made or completed
	Tasks     int      `json:"tasks"`     // tasks created
	Escalated int      `json:"escalated"` // tasks sent to the township
}

// RunMonthly is the monthly job: it makes the tasks of every month from the
// last one made up to the current one (a month missed while no node ran is
// made on the next run), completes the current month with people who joined
// the group since, and after the 25th sends the month's open tasks to the
// township. Every step is idempotent: the same month twice creates nothing
// the second time, so it is safe on several nodes and on retries.
func (s *Service) RunMonthly(ctx context.Context) (*Generated, error) {
	if _, err := auth.Require(ctx); err != nil {
		return nil, err
	}
	nowT := s.Now()
	cur := MonthOf(nowT)
	last, err := s.Store.lastMonth(ctx)
	if err != nil {
		return nil, err
	}
	months := []string{cur}
	if last != "" && last < cur {
		months = months[:0]
		for m := nextMonth(last); m <= cur; m = nextMonth(m) {
			months = append(months, m)
		}
	}
	out := &Generated{}
	for _, m := range months {
		n, err := s.Generate(ctx, m)
		if err != nil {
			return out, err
		}
		out.Months = append(out.Months, m)
		out.Tasks += n
	}
	n, err := s.Escalate(ctx)
	out.Escalated = n
	return out, err
}

// Generate makes the visit tasks of a month for every current member of
// the group, each assigned to the grid worker of their community, and sets
// the month's due measure of every community it touched, in one
// transaction. People who already have a task that month are skipped. A
// past month is made with the group as it was on its first day; the
// current month with the group of today. Returns the number of tasks made.
//
// Errors: EINVALID (month), EFORBIDDEN (system only), EINTERNAL.
func (s *Service) Generate(ctx context.Context, month string) (int, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	if p.Role != auth.System {
		return 0, errs.Forbidden()
	}
	start, ok := ParseMonth(month)
	if !ok {
		return 0, errs.Invalid(errs.Field("month", "care.bad_month"))
	}
	if s.People == nil {
		return 0, errs.Internal("care.Service.Generate: ParseMonth", fmt.Errorf("care: no people registry wired"))
	}
	on := start
	if month == MonthOf(s.Now()) {
		on = s.Now()
	}
	lo, hi := "000000000000", "999999999999"
	people, err := s.People.Elderly(ctx, lo, hi, on)
	if err != nil {
		return 0, err
	}
	created := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		have, err := s.Store.taskPeople(ctx, month)
		if err != nil {
			return err
		}
		grid, err := s.Store.gridWorkers(ctx, lo, hi)
		if err != nil {
			return err
		}
		ts := now(s.Now)
		touched := map[string]bool{}
		var add [][]any
		for _, pe := range people {
			if have[pe.ID] || len(pe.CommunityCode) != 12 {
				continue
			}
			have[pe.ID] = true
			var assignee any
			if id, ok := grid[pe.CommunityCode]; ok {
				assignee = id
			}
			add = append(add, []any{month, pe.ID, pe.Name, pe.CommunityCode, assignee, ts, ts, 1})
			touched[pe.CommunityCode] = true
		}
		if created, err = s.Store.insertTasks(ctx, add); err != nil {
			return err
		}
		if err := s.remind(ctx, month, add); err != nil {
			return err
		}
		if err := s.Store.addMonth(ctx, month, ts, created); err != nil {
			return err
		}
		if len(touched) == 0 {
			return nil
		}
		if err := s.refreshDue(ctx, month, touched); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "care.tasks.generate", ObjectType: "care_month", ObjectID: month,
			Result: audit.OK, Detail: map[string]any{"tasks": created, "communities": len(touched)}})
	})
	return created, err
}

// refreshDue sets the due measure of the month at the touched communities
// from the tasks table. When most communities are touched (the first run
// of a month) one set-based rebuild of the month's key is cheaper than a
// write per community.
func (s *Service) refreshDue(ctx context.Context, month string, touched map[string]bool) error {
	key := measure.Key(MeasureDue, month)
	all, err := s.Store.dueCounts(ctx, month)
	if err != nil {
		return err
	}
	if len(touched) > 50 {
		return s.Measures.Rebuild(ctx, key, all)
	}
	codes := make([]string, 0, len(touched))
	for c := range touched {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if err := s.Measures.Set(ctx, key, c, all[c]); err != nil {
			return err
		}
	}
	return nil
}

// Escalate flags the open tasks that the township must now see: those of
// the current month after the 25th, and those of earlier months. Returns
// how many it flagged.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	if p.Role != auth.System {
		return 0, errs.Forbidden()
	}
	t := s.Now().In(calendar.China)
	cur := MonthOf(t)
	upto := cur
	if t.Day() <= EscalationDay {
		upto = prevMonth(cur)
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		k, err := s.Store.escalate(ctx, now(s.Now), upto)
		if err != nil {
			return err
		}
		n = k
		if n == 0 {
			return nil
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "care.tasks.escalate", ObjectType: "care_month", ObjectID: upto,
			Result: audit.OK, Detail: map[string]any{"tasks": n}})
	})
	return n, err
}

func prevMonth(m string) string {
	t, _ := ParseMonth(m)
	return t.AddDate(0, -1, 0).Format("2006-01")
}

// Jobs registers the monthly job. It runs every hour: the first run of a
// month makes its tasks, later runs add newcomers to the group and, after
// the 25th, escalate.
func (s *Service) Jobs(every func(name string, d time.Duration, fn func(ctx context.Context) error)) {
	every(JobName, time.Hour, func(ctx context.Context) error {
		_, err := s.RunMonthly(ctx)
		return err
	})
}
