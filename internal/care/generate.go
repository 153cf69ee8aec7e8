package care

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
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
	var last string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(MAX(month), '') FROM care_months`).Scan(&last)
	if err != nil {
		return nil, errs.Internal("care.Service.RunMonthly: select care_months", err)
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
		q := s.DB.Q(ctx)
		have := map[int64]bool{}
		rows, err := q.QueryContext(ctx, `SELECT person_id FROM care_tasks WHERE month = $1`, month)
		if err != nil {
			return errs.Internal("care.Service.Generate: select care_tasks", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return errs.Internal("care.Service.Generate: Scan", err)
			}
			have[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return errs.Internal("care.Service.Generate: Err", err)
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
		if created, err = s.insertTasks(ctx, add); err != nil {
			return err
		}
		if err := s.remind(ctx, month, add); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO care_months (month, generated_at, tasks) VALUES ($1, $2, $3)
			ON CONFLICT (month) DO UPDATE SET tasks = care_months.tasks + excluded.tasks`, month, ts, created); err != nil {
			return errs.Internal("care.Service.Generate: insert care_months", err)
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

const insertTask = `INSERT INTO care_tasks (month, person_id, person_name, division_code, assignee_id, created_at, updated_at, version) VALUES `

// insertTasks inserts rows of tasks; a task another node made meanwhile
// is skipped. On SQLite one prepared statement per row is fastest (its
// driver binds many parameters slowly); on PostgreSQL, multi-row
// statements save round trips.
func (s *Service) insertTasks(ctx context.Context, rows [][]any) (int, error) {
	const conflict = ` ON CONFLICT (month, person_id) DO NOTHING`
	q := s.DB.Q(ctx)
	n := 0
	if db.InTx(ctx) && s.DB.Dialect == db.SQLite {
		st, err := s.DB.Prepare(ctx, insertTask+`($1,$2,$3,$4,$5,$6,$7,$8)`+conflict)
		if err != nil {
			return 0, errs.Internal("care.Service.insertTasks: insert care_tasks", err)
		}
		defer st.Close()
		for _, r := range rows {
			res, err := st.ExecContext(ctx, r...)
			if err != nil {
				return 0, errs.Internal("care.Service.insertTasks: ExecContext", err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		return n, nil
	}
	const batch = 500
	for i := 0; i < len(rows); i += batch {
		part := rows[i:min(i+batch, len(rows))]
		var sb strings.Builder
		sb.WriteString(insertTask)
		args := make([]any, 0, len(part)*8)
		for j, r := range part {
			if j > 0 {
				sb.WriteByte(',')
			}
			b := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d)", b+1, b+2, b+3, b+4, b+5, b+6, b+7, b+8)
			args = append(args, r...)
		}
		sb.WriteString(conflict)
		res, err := q.ExecContext(ctx, sb.String(), args...)
		if err != nil {
			return 0, errs.Internal("care.Service.insertTasks: ExecContext", err)
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// refreshDue sets the due measure of the month at the touched communities
// from the tasks table. When most communities are touched (the first run
// of a month) one set-based rebuild of the month's key is cheaper than a
// write per community.
func (s *Service) refreshDue(ctx context.Context, month string, touched map[string]bool) error {
	key := measure.Key(MeasureDue, month)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, count(*) FROM care_tasks WHERE month = $1 GROUP BY division_code`, month)
	if err != nil {
		return errs.Internal("care.Service.refreshDue: select care_tasks", err)
	}
	all := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			rows.Close()
			return errs.Internal("care.Service.refreshDue: select care_tasks", err)
		}
		all[code] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal("care.Service.refreshDue: select care_tasks", err)
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
	t := s.Now().In(Shanghai)
	cur := MonthOf(t)
	upto := cur
	if t.Day() <= EscalationDay {
		upto = prevMonth(cur)
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_tasks SET escalated = `+s.Store.bool(true)+`, updated_at = $1
			WHERE month <= $2 AND visits = 0 AND escalated = `+s.Store.bool(false), now(s.Now), upto)
		if err != nil {
			return errs.Internal("care.Service.Escalate: update care_tasks", err)
		}
		k, _ := res.RowsAffected()
		n = int(k)
		if n == 0 {
			return nil
		}
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE care_months SET escalated_at = $1 WHERE month <= $2 AND escalated_at IS NULL`,
			now(s.Now), upto); err != nil {
			return errs.Internal("care.Service.Escalate: update care_months", err)
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
