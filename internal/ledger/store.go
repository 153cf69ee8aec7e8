package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the task ledger.
type Store struct{ DB *db.DB }

// scope is what of the ledger a caller reads: everything (city staff), the
// tasks whose divisions meet [lo, hi] (county and township staff), or the
// tasks a unit leads, co-operates on or owes an item of.
type scope struct {
	all    bool
	lo, hi string
	unit   int64
}

// cond is scope's condition on ledger_tasks t, its arguments numbered
// from next.
func (sc scope) cond(args *[]any) string {
	arg := func(v any) string {
		*args = append(*args, v)
		return fmt.Sprintf("$%d", len(*args))
	}
	switch {
	case sc.all:
		return "1 = 1"
	case sc.unit != 0:
		u := arg(sc.unit)
		return "(t.lead_unit_id = " + u + " OR EXISTS (SELECT 1 FROM ledger_task_units x WHERE x.task_id = t.id AND x.unit_id = " + u +
			") OR EXISTS (SELECT 1 FROM ledger_items x WHERE x.task_id = t.id AND x.unit_id = " + u + "))"
	default:
		return "EXISTS (SELECT 1 FROM ledger_task_divisions x WHERE x.task_id = t.id AND x.area_lo <= " + arg(sc.hi) +
			" AND x.area_hi >= " + arg(sc.lo) + ")"
	}
}

const taskCols = `t.id, t.period, t.kind, t.code, t.title, t.section, t.lead_unit_id, t.lead_unit, t.deadline, t.created_by, t.created_at`

// taskCounts counts a task's items, those done and those overdue ($1 is
// today).
const taskCounts = `, (SELECT count(*) FROM ledger_items i WHERE i.task_id = t.id),
	(SELECT count(*) FROM ledger_items i WHERE i.task_id = t.id AND i.status = 'done'),
	(SELECT count(*) FROM ledger_items i WHERE i.task_id = t.id AND i.status <> 'done' AND i.due_on < $1)`

func scanTask(s interface{ Scan(...any) error }) (*LedgerTask, error) {
	var t LedgerTask
	err := s.Scan(&t.ID, &t.Period, &t.Kind, &t.Code, &t.Title, &t.Section, &t.LeadUnit.ID, &t.LeadUnit.Name, &t.Deadline, &t.CreatedBy,
		&t.CreatedAt, &t.Items, &t.Done, &t.Overdue)
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, err
}

// insertTask stores a task with its co-units and divisions (each with its
// code range).
func (s *Store) insertTask(ctx context.Context, in LedgerTaskInput, lead string, co []LedgerUnitRef, by string, now time.Time) (int64, error) {
	q := s.DB.Q(ctx)
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO ledger_tasks (period, kind, code, title, section, lead_unit_id, lead_unit, deadline, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (period, code) DO NOTHING RETURNING id`,
		in.Period, in.Kind, in.Code, in.Title, in.Section, in.LeadUnit, lead, in.Deadline, by, now).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errs.Conflict("ledger.code_taken", in.Code, in.Period)
	}
	if err != nil {
		return 0, errs.Internal("ledger.Store.insertTask: insert", err)
	}
	for _, u := range co {
		if _, err := q.ExecContext(ctx, `INSERT INTO ledger_task_units (task_id, unit_id, unit_name) VALUES ($1, $2, $3)`, id, u.ID, u.Name); err != nil {
			return 0, errs.Internal("ledger.Store.insertTask: units", err)
		}
	}
	for _, d := range in.Divisions {
		lo, hi := codeRange(d)
		if _, err := q.ExecContext(ctx, `INSERT INTO ledger_task_divisions (task_id, division_code, area_lo, area_hi) VALUES ($1, $2, $3, $4)`,
			id, d, lo, hi); err != nil {
			return 0, errs.Internal("ledger.Store.insertTask: divisions", err)
		}
	}
	return id, nil
}

// divisionExists says whether a division code is in the tree.
func (s *Store) divisionExists(ctx context.Context, code string) (bool, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE code = $1`, code).Scan(&n); err != nil {
		return false, errs.Internal("ledger.Store.divisionExists: select", err)
	}
	return n > 0, nil
}

// task reads a task the scope reads, with its counts, co-units and
// divisions.
func (s *Store) task(ctx context.Context, sc scope, id int64, today string) (*LedgerTask, error) {
	args := []any{today, id}
	t, err := scanTask(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+taskCols+taskCounts+` FROM ledger_tasks t WHERE t.id = $2 AND `+sc.cond(&args), args...))
	if err != nil {
		return nil, db.RowErr(err, "ledger.Store.task: select", "ledger.task_not_found", id)
	}
	return t, s.details(ctx, t)
}

// taskExists says whether a task exists at all; for auditing refusals.
func (s *Store) taskExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "ledger_tasks", id)
}

// details reads a task's co-units and divisions.
func (s *Store) details(ctx context.Context, t *LedgerTask) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT unit_id, unit_name FROM ledger_task_units WHERE task_id = $1 ORDER BY unit_name`, t.ID)
	if err != nil {
		return errs.Internal("ledger.Store.details: units", err)
	}
	t.CoUnits = []LedgerUnitRef{}
	for rows.Next() {
		var u LedgerUnitRef
		if err := rows.Scan(&u.ID, &u.Name); err != nil {
			rows.Close()
			return errs.Internal("ledger.Store.details: scan unit", err)
		}
		t.CoUnits = append(t.CoUnits, u)
	}
	rows.Close()
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT division_code FROM ledger_task_divisions WHERE task_id = $1 ORDER BY division_code`, t.ID)
	if err != nil {
		return errs.Internal("ledger.Store.details: divisions", err)
	}
	defer rows.Close()
	t.Divisions = []string{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return errs.Internal("ledger.Store.details: scan division", err)
		}
		t.Divisions = append(t.Divisions, d)
	}
	return rows.Err()
}

func (s *Store) where(sc scope, f Filter, today string) (string, []any) {
	args := []any{today}
	conds := []string{sc.cond(&args)}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Period != "" {
		conds = append(conds, "t.period = "+arg(f.Period))
	}
	if f.Kind != "" {
		conds = append(conds, "t.kind = "+arg(f.Kind))
	}
	if f.Q != "" {
		like := arg(db.Contains(f.Q))
		conds = append(conds, "(t.title "+s.DB.ILike()+" "+like+` ESCAPE '\' OR t.code `+s.DB.ILike()+" "+like+` ESCAPE '\')`)
	}
	if f.Overdue {
		conds = append(conds, `(EXISTS (SELECT 1 FROM ledger_items i WHERE i.task_id = t.id AND i.status <> 'done' AND i.due_on < $1)
			OR (t.deadline < $1 AND (NOT EXISTS (SELECT 1 FROM ledger_items i WHERE i.task_id = t.id)
				OR EXISTS (SELECT 1 FROM ledger_items i WHERE i.task_id = t.id AND i.status <> 'done'))))`)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func (s *Store) list(ctx context.Context, sc scope, f Filter, today string) ([]LedgerTask, bool, error) {
	w, args := s.where(sc, f, today)
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+taskCols+taskCounts+` FROM ledger_tasks t`+w+
		fmt.Sprintf(` ORDER BY t.period DESC, t.kind, t.code LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("ledger.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanTask)
	if err != nil {
		return nil, false, errs.Internal("ledger.Store.list: scan", err)
	}
	return out, more, nil
}

func (s *Store) each(ctx context.Context, sc scope, f Filter, today string, fn func(*LedgerTask) error) error {
	w, args := s.where(sc, f, today)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+taskCols+taskCounts+` FROM ledger_tasks t`+w+` ORDER BY t.period DESC, t.kind, t.code`, args...)
	if err != nil {
		return errs.Internal("ledger.Store.each: select", err)
	}
	var ts []*LedgerTask
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			rows.Close()
			return errs.Internal("ledger.Store.each: scan", err)
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Internal("ledger.Store.each: rows", err)
	}
	for _, t := range ts {
		if err := s.details(ctx, t); err != nil {
			return err
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

const itemCols = `i.id, i.task_id, t.title, i.year, i.title, i.unit_id, i.unit_name, i.division_code, i.due_on, i.status, COALESCE(i.done_on, '')`

func scanItem(s interface{ Scan(...any) error }) (*WorkItem, error) {
	var it WorkItem
	err := s.Scan(&it.ID, &it.TaskID, &it.TaskTitle, &it.Year, &it.Title, &it.Unit.ID, &it.Unit.Name, &it.DivisionCode, &it.DueOn, &it.Status, &it.DoneOn)
	return &it, err
}

func (s *Store) insertItem(ctx context.Context, task int64, in WorkItemInput, unit LedgerUnitRef, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO ledger_items (task_id, year, title, unit_id, unit_name, division_code, due_on, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, task, in.Year, in.Title, unit.ID, unit.Name, in.DivisionCode, in.DueOn, Open, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("ledger.Store.insertItem: insert", err)
	}
	return id, nil
}

// items lists a task's work items, by year and due day.
func (s *Store) items(ctx context.Context, task int64) ([]WorkItem, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+itemCols+` FROM ledger_items i JOIN ledger_tasks t ON t.id = i.task_id
		WHERE i.task_id = $1 ORDER BY i.year, i.due_on, i.id`, task)
	if err != nil {
		return nil, errs.Internal("ledger.Store.items: select", err)
	}
	out, _, err := db.Page(rows, allRows, scanItem)
	if err != nil {
		return nil, errs.Internal("ledger.Store.items: scan", err)
	}
	return out, nil
}

// item reads a work item, locked inside a transaction.
func (s *Store) item(ctx context.Context, id int64) (*WorkItem, error) {
	lock := ""
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF i"
	}
	it, err := scanItem(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+itemCols+` FROM ledger_items i JOIN ledger_tasks t ON t.id = i.task_id WHERE i.id = $1`+lock, id))
	if err != nil {
		return nil, db.RowErr(err, "ledger.Store.item: select", "ledger.item_not_found", id)
	}
	return it, nil
}

func (s *Store) setStatus(ctx context.Context, id int64, status string, doneOn any) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE ledger_items SET status = $1, done_on = $2 WHERE id = $3`, status, doneOn, id); err != nil {
		return errs.Internal("ledger.Store.setStatus: update", err)
	}
	return nil
}

const reportCols = `r.id, r.item_id, r.note, COALESCE(r.photo_id, 0), r.reporter_id, r.reporter_name, r.created_at, r.decision, r.reason, r.reviewer_name, r.reviewed_at`

func scanReport(s interface{ Scan(...any) error }) (*ProgressReport, error) {
	var r ProgressReport
	var at *time.Time
	err := s.Scan(&r.ID, &r.ItemID, &r.Note, &r.PhotoID, &r.reporterID, &r.Reporter, &r.CreatedAt, &r.Decision, &r.Reason, &r.Reviewer, &at)
	r.CreatedAt = r.CreatedAt.UTC()
	if at != nil {
		u := at.UTC()
		r.ReviewedAt = &u
	}
	return &r, err
}

func (s *Store) insertReport(ctx context.Context, item int64, note string, photo int64, by int64, name string, now time.Time) (int64, error) {
	var ph any
	if photo != 0 {
		ph = photo
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO ledger_reports (item_id, note, photo_id, reporter_id, reporter_name, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, item, note, ph, by, name, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("ledger.Store.insertReport: insert", err)
	}
	return id, nil
}

// reports lists the reports on a task's items, oldest first.
func (s *Store) reports(ctx context.Context, task int64) ([]ProgressReport, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+reportCols+` FROM ledger_reports r JOIN ledger_items i ON i.id = r.item_id
		WHERE i.task_id = $1 ORDER BY r.id`, task)
	if err != nil {
		return nil, errs.Internal("ledger.Store.reports: select", err)
	}
	out, _, err := db.Page(rows, allRows, scanReport)
	if err != nil {
		return nil, errs.Internal("ledger.Store.reports: scan", err)
	}
	return out, nil
}

func (s *Store) report(ctx context.Context, id int64) (*ProgressReport, error) {
	lock := ""
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF r"
	}
	r, err := scanReport(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+reportCols+` FROM ledger_reports r WHERE r.id = $1`+lock, id))
	if err != nil {
		return nil, db.RowErr(err, "ledger.Store.report: select", "ledger.report_not_found", id)
	}
	return r, nil
}

func (s *Store) review(ctx context.Context, id int64, decision, reason, by string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE ledger_reports SET decision = $1, reason = $2, reviewer_name = $3, reviewed_at = $4
		WHERE id = $5 AND decision = ''`, decision, reason, by, now, id)
	if err != nil {
		return errs.Internal("ledger.Store.review: update", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("ledger.reviewed_already")
	}
	return nil
}

// photoOf says whether a photo is the evidence of a report on the task.
func (s *Store) photoOf(ctx context.Context, task, photo int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM ledger_reports r JOIN ledger_items i ON i.id = r.item_id
		WHERE i.task_id = $1 AND r.photo_id = $2`, task, photo).Scan(&n)
	if err != nil {
		return false, errs.Internal("ledger.Store.photoOf: select", err)
	}
	return n > 0, nil
}

// queue counts the rows of a home queue (count, with args) and lists
// the first of its items (list, with args and the limit last).
func (s *Store) queue(ctx context.Context, op, count, list string, first int, args ...any) (int, []WorkItem, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
		return 0, nil, errs.Internal("ledger.Store."+op+": count", err)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, list, append(args, first)...)
	if err != nil {
		return 0, nil, errs.Internal("ledger.Store."+op+": select", err)
	}
	out, _, err := db.Page(rows, allRows, scanItem)
	if err != nil {
		return 0, nil, errs.Internal("ledger.Store."+op+": scan", err)
	}
	return n, out, nil
}

// unitItems counts a unit's items still to report on (open or returned)
// and lists the first of them, the soonest due first.
func (s *Store) unitItems(ctx context.Context, unit int64, first int) (int, []WorkItem, error) {
	return s.queue(ctx, "unitItems", `SELECT count(*) FROM ledger_items WHERE unit_id = $1 AND status IN ('open', 'returned')`,
		`SELECT `+itemCols+` FROM ledger_items i JOIN ledger_tasks t ON t.id = i.task_id
		WHERE i.unit_id = $1 AND i.status IN ('open', 'returned') ORDER BY i.due_on, i.id LIMIT $2`, first, unit)
}

// pending counts the reports waiting for review and lists the first.
func (s *Store) pending(ctx context.Context, first int) (int, []WorkItem, error) {
	return s.queue(ctx, "pending", `SELECT count(*) FROM ledger_reports WHERE decision = ''`,
		`SELECT `+itemCols+` FROM ledger_reports r JOIN ledger_items i ON i.id = r.item_id
		JOIN ledger_tasks t ON t.id = i.task_id WHERE r.decision = '' ORDER BY r.id LIMIT $1`, first)
}

// rates counts a period's items concerning [lo, hi] by unit and by the
// county they concern.
func (s *Store) rates(ctx context.Context, period, lo, hi, today string) (byUnit, byCounty []LedgerRate, err error) {
	read := func(q string) ([]LedgerRate, error) {
		rows, err := s.DB.Q(ctx).QueryContext(ctx, q, period, lo, hi, today)
		if err != nil {
			return nil, errs.Internal("ledger.Store.rates: select", err)
		}
		defer rows.Close()
		var out []LedgerRate
		for rows.Next() {
			var r LedgerRate
			if err := rows.Scan(&r.Key, &r.Name, &r.Items, &r.Done, &r.Overdue); err != nil {
				return nil, errs.Internal("ledger.Store.rates: scan", err)
			}
			r.fill()
			out = append(out, r)
		}
		return out, rows.Err()
	}
	const sums = `count(*), sum(CASE WHEN i.status = 'done' THEN 1 ELSE 0 END),
		sum(CASE WHEN i.status <> 'done' AND i.due_on < $4 THEN 1 ELSE 0 END)
		FROM ledger_items i JOIN ledger_tasks t ON t.id = i.task_id WHERE t.period = $1 AND i.division_code BETWEEN $2 AND $3`
	if byUnit, err = read(`SELECT CAST(i.unit_id AS TEXT), i.unit_name, ` + sums + ` GROUP BY i.unit_id, i.unit_name ORDER BY i.unit_name`); err != nil {
		return nil, nil, err
	}
	byCounty, err = read(`SELECT substr(i.division_code, 1, 6) || '000000', COALESCE(max(d.name), ''), ` +
		strings.Replace(sums, "WHERE", "LEFT JOIN divisions d ON d.code = substr(i.division_code, 1, 6) || '000000' WHERE", 1) +
		` GROUP BY substr(i.division_code, 1, 6) ORDER BY 1`)
	return byUnit, byCounty, err
}

// completion counts the items of a period's special actions and projects
// that concern [lo, hi].
func (s *Store) completion(ctx context.Context, period, lo, hi, today string) ([]LedgerLine, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT t.id, t.kind, t.code, t.title, t.lead_unit, count(i.id),
		sum(CASE WHEN i.status = 'done' THEN 1 ELSE 0 END), sum(CASE WHEN i.status <> 'done' AND i.due_on < $4 THEN 1 ELSE 0 END)
		FROM ledger_tasks t LEFT JOIN ledger_items i ON i.task_id = t.id AND i.division_code BETWEEN $2 AND $3
		WHERE t.period = $1 AND t.kind IN ('special_action', 'project')
		GROUP BY t.id, t.kind, t.code, t.title, t.lead_unit ORDER BY t.kind DESC, t.code`, period, lo, hi, today)
	if err != nil {
		return nil, errs.Internal("ledger.Store.completion: select", err)
	}
	defer rows.Close()
	out := []LedgerLine{}
	for rows.Next() {
		var l LedgerLine
		var done, late *int64
		if err := rows.Scan(&l.TaskID, &l.Kind, &l.Code, &l.Title, &l.LeadUnit, &l.Items, &done, &late); err != nil {
			return nil, errs.Internal("ledger.Store.completion: scan", err)
		}
		if done != nil {
			l.Done = int(*done)
		}
		if late != nil {
			l.Overdue = int(*late)
		}
		l.Complete = l.Items > 0 && l.Done == l.Items
		out = append(out, l)
	}
	return out, rows.Err()
}

// taskIDByCode finds a task of a period by its code (0 when none).
func (s *Store) taskIDByCode(ctx context.Context, period, code string) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM ledger_tasks WHERE period = $1 AND code = $2`, period, code).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("ledger.Store.taskIDByCode: select", err)
	}
	return id, nil
}

// allRows is a page size no list reaches: db.Page reads every row.
const allRows = 1 << 30

func codeRange(code string) (lo, hi string) { return division.Code(code).Range() }

// city is the code of the city of the tree ("" when it has none).
func (s *Store) city(ctx context.Context) (string, error) {
	var code string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT code FROM divisions WHERE level = $1 ORDER BY code LIMIT 1`, division.City).Scan(&code)
	if err != nil && !db.IsNoRows(err) {
		return "", errs.Internal("ledger.Store.city: select", err)
	}
	return code, nil
}
