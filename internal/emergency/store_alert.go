package emergency

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const alertCols = `a.id, a.area_code, d.name, a.kind, a.level, a.body, a.sender, a.residents, a.sms, a.sent_at`

func scanAlert(sc scanner) (*Alert, error) {
	var a Alert
	if err := sc.Scan(&a.ID, &a.AreaCode, &a.AreaName, &a.Kind, &a.Level, &a.Body, &a.Sender, &a.Residents, &a.SMS, &a.SentAt); err != nil {
		return nil, err
	}
	a.SentAt = a.SentAt.UTC()
	return &a, nil
}

func (s *Store) insertAlert(ctx context.Context, in AlertInput, senderID int64, sender string, now time.Time) (int64, error) {
	lo, hi := division.Code(in.AreaCode).Range()
	var id int64
	err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO emergency_alerts (area_code, area_lo, area_hi, kind, level, body, sender_id, sender, sent_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, in.AreaCode, lo, hi, in.Kind, in.Level, in.Body, senderID, sender, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("emergency.Store.insertAlert: insert emergency_alerts", err)
	}
	return id, nil
}

func (s *Store) setReach(ctx context.Context, id int64, residents, sms int) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE emergency_alerts SET residents = $1, sms = $2 WHERE id = $3`, residents, sms, id); err != nil {
		return errs.Internal("emergency.Store.setReach: update emergency_alerts", err)
	}
	return nil
}

// countReach records, per community of [lo, hi], how many resident
// accounts the alert reached: one INSERT … SELECT over the accounts (the
// same ones notify put it in the inbox of).
func (s *Store) countReach(ctx context.Context, id int64, lo, hi string) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO emergency_alert_reach (alert_id, community_code, residents)
		SELECT $1, area_code, count(*) FROM users WHERE role = $2 AND area_code BETWEEN $3 AND $4 AND disabled = $5 GROUP BY area_code`,
		id, string(auth.Resident), lo, hi, false); err != nil {
		return errs.Internal("emergency.Store.countReach: insert emergency_alert_reach", err)
	}
	return nil
}

// insertTasks adds the alert's tasks, many rows a statement.
func (s *Store) insertTasks(ctx context.Context, id int64, ts []Task) error {
	rows := make([][]any, len(ts))
	for i, t := range ts {
		rows[i] = []any{id, t.CommunityCode, t.PersonID, t.NameMasked, t.Reason, Pending}
	}
	if _, err := s.DB.InsertRows(ctx, `INSERT INTO emergency_tasks (alert_id, community_code, person_id, name_masked, reason, status) VALUES `,
		6, "", rows); err != nil {
		return errs.Internal("emergency.Store.insertTasks: insert emergency_tasks", err)
	}
	return nil
}

// alert reads an alert whose area meets the caller's.
func (s *Store) alert(ctx context.Context, id int64) (*Alert, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	a, err := scanAlert(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+alertCols+` FROM emergency_alerts a JOIN divisions d ON d.code = a.area_code
		WHERE a.id = $1 AND a.area_lo <= $2 AND a.area_hi >= $3`, id, hi, lo))
	if err != nil {
		return nil, db.RowErr(err, "emergency.Store.alert: select emergency_alerts", "emergency.alert_not_found", id)
	}
	return a, nil
}

// alerts lists one page of the alerts whose area meets the caller's,
// newest first.
func (s *Store) alerts(ctx context.Context, f AlertFilter, page, perPage int) ([]Alert, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	q := ""
	if f.Q != "" {
		q = db.Contains(f.Q)
	}
	like := s.DB.ILike()
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+alertCols+` FROM emergency_alerts a JOIN divisions d ON d.code = a.area_code
		WHERE a.area_lo <= $1 AND a.area_hi >= $2 AND ($3 = '' OR a.kind = $3) AND ($4 = '' OR a.level = $4)
			AND ($5 = '' OR a.body `+like+` $5 ESCAPE '\' OR d.name `+like+` $5 ESCAPE '\')
		ORDER BY a.id DESC LIMIT $6 OFFSET $7`, db.PageArgs([]any{hi, lo, f.Kind, f.Level, q}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.alerts: select emergency_alerts", err)
	}
	out, more, err := db.Page(rows, perPage, scanAlert)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.alerts: scan", err)
	}
	return out, more, nil
}

// coverage counts an alert's outcome per community of [lo, hi]: the
// residents notified and the tasks by status.
func (s *Store) coverage(ctx context.Context, id int64, lo, hi string) ([]Coverage, error) {
	byCode := map[string]*Coverage{}
	var order []string
	get := func(code, name string) *Coverage {
		c, ok := byCode[code]
		if !ok {
			c = &Coverage{CommunityCode: code, CommunityName: name}
			byCode[code] = c
			order = append(order, code)
		}
		return c
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.community_code, d.name, r.residents FROM emergency_alert_reach r
		JOIN divisions d ON d.code = r.community_code WHERE r.alert_id = $1 AND r.community_code BETWEEN $2 AND $3
		ORDER BY r.community_code`, id, lo, hi)
	if err != nil {
		return nil, errs.Internal("emergency.Store.coverage: select emergency_alert_reach", err)
	}
	for rows.Next() {
		var code, name string
		var n int
		if err := rows.Scan(&code, &name, &n); err != nil {
			rows.Close()
			return nil, errs.Internal("emergency.Store.coverage: scan reach", err)
		}
		get(code, name).Residents = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("emergency.Store.coverage: reach rows", err)
	}
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT t.community_code, d.name, t.status, count(*) FROM emergency_tasks t
		JOIN divisions d ON d.code = t.community_code WHERE t.alert_id = $1 AND t.community_code BETWEEN $2 AND $3
		GROUP BY t.community_code, d.name, t.status ORDER BY t.community_code`, id, lo, hi)
	if err != nil {
		return nil, errs.Internal("emergency.Store.coverage: select emergency_tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, name, status string
		var n int
		if err := rows.Scan(&code, &name, &status, &n); err != nil {
			return nil, errs.Internal("emergency.Store.coverage: scan tasks", err)
		}
		c := get(code, name)
		switch status {
		case Reached:
			c.Reached = n
		case NotReached:
			c.NotReached = n
		default:
			c.Pending = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("emergency.Store.coverage: task rows", err)
	}
	out := make([]Coverage, 0, len(order))
	for _, code := range sortedCodes(order) {
		out = append(out, *byCode[code])
	}
	return out, nil
}

const taskCols = `id, alert_id, community_code, person_id, name_masked, reason, status, note, marked_by, marked_at`

func scanTask(sc scanner) (*Task, error) {
	var t Task
	var at sql.NullTime
	if err := sc.Scan(&t.ID, &t.AlertID, &t.CommunityCode, &t.PersonID, &t.NameMasked, &t.Reason, &t.Status, &t.Note, &t.MarkedBy, &at); err != nil {
		return nil, err
	}
	if at.Valid {
		v := at.Time.UTC()
		t.MarkedAt = &v
	}
	return &t, nil
}

// tasks lists one page of an alert's tasks in [lo, hi] (clipped to the
// caller's area), pending first, by community and id; status "" for all.
func (s *Store) tasks(ctx context.Context, id int64, lo, hi, status string, page, perPage int) ([]Task, bool, error) {
	lo, hi, ok, err := scope(ctx, lo, hi)
	if err != nil || !ok {
		return []Task{}, false, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+taskCols+` FROM emergency_tasks
		WHERE alert_id = $1 AND community_code BETWEEN $2 AND $3 AND ($4 = '' OR status = $4)
		ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, community_code, id LIMIT $5 OFFSET $6`,
		db.PageArgs([]any{id, lo, hi, status}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.tasks: select emergency_tasks", err)
	}
	out, more, err := db.Page(rows, perPage, scanTask)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.tasks: scan", err)
	}
	return out, more, nil
}

// eachTask calls fn for every task of an alert in the caller's area.
func (s *Store) eachTask(ctx context.Context, id int64, fn func(*Task) error) error {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+taskCols+` FROM emergency_tasks WHERE alert_id = $1 AND community_code BETWEEN $2 AND $3
		ORDER BY community_code, id`, id, lo, hi)
	if err != nil {
		return errs.Internal("emergency.Store.eachTask: select emergency_tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return errs.Internal("emergency.Store.eachTask: scan", err)
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("emergency.Store.eachTask: rows", err)
	}
	return nil
}

// task reads a task of the caller's area.
func (s *Store) task(ctx context.Context, id int64) (*Task, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	t, err := scanTask(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+taskCols+` FROM emergency_tasks WHERE id = $1 AND community_code BETWEEN $2 AND $3`,
		id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "emergency.Store.task: select emergency_tasks", "emergency.task_not_found", id)
	}
	return t, nil
}

func (s *Store) markTask(ctx context.Context, id int64, m Mark, actor string, now time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE emergency_tasks SET status = $1, note = $2, marked_by = $3, marked_at = $4 WHERE id = $5`,
		m.Status, m.Note, actor, now, id); err != nil {
		return errs.Internal("emergency.Store.markTask: update emergency_tasks", err)
	}
	return nil
}

// figures counts an area's records for a year (dates from, to; sent_at
// in [start, end)).
func (s *Store) figures(ctx context.Context, lo, hi, from, to string, start, end time.Time) (*AreaFigures, error) {
	f := &AreaFigures{}
	q := s.DB.Q(ctx)
	var err error
	if f.Communities, err = count(ctx, q, "figures: communities", `SELECT count(*) FROM divisions WHERE level = $1 AND code BETWEEN $2 AND $3`,
		division.Community, lo, hi); err != nil {
		return nil, err
	}
	if f.WithPlan, err = count(ctx, q, "figures: plans", `SELECT count(DISTINCT community_code) FROM emergency_plans WHERE community_code BETWEEN $1 AND $2`,
		lo, hi); err != nil {
		return nil, err
	}
	if f.Drills, err = count(ctx, q, "figures: drills", `SELECT count(*) FROM emergency_drills WHERE community_code BETWEEN $1 AND $2
		AND held_on BETWEEN $3 AND $4`, lo, hi, from, to); err != nil {
		return nil, err
	}
	if f.DrillPeople, err = count(ctx, q, "figures: drill people", `SELECT SUM(participants) FROM emergency_drills WHERE community_code BETWEEN $1 AND $2
		AND held_on BETWEEN $3 AND $4`, lo, hi, from, to); err != nil {
		return nil, err
	}
	if f.Stations, err = count(ctx, q, "figures: stations", `SELECT count(*) FROM fire_stations WHERE community_code BETWEEN $1 AND $2`, lo, hi); err != nil {
		return nil, err
	}
	if f.Alerts, err = count(ctx, q, "figures: alerts", `SELECT count(*) FROM emergency_alerts WHERE area_code BETWEEN $1 AND $2
		AND sent_at >= $3 AND sent_at < $4`, lo, hi, start, end); err != nil {
		return nil, err
	}
	if f.ResidentsReached, err = count(ctx, q, "figures: residents", `SELECT SUM(r.residents) FROM emergency_alert_reach r
		JOIN emergency_alerts a ON a.id = r.alert_id WHERE a.area_code BETWEEN $1 AND $2 AND a.sent_at >= $3 AND a.sent_at < $4`,
		lo, hi, start, end); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT t.status, count(*) FROM emergency_tasks t JOIN emergency_alerts a ON a.id = t.alert_id
		WHERE a.area_code BETWEEN $1 AND $2 AND a.sent_at >= $3 AND a.sent_at < $4 GROUP BY t.status`, lo, hi, start, end)
	if err != nil {
		return nil, errs.Internal("emergency.Store.figures: select emergency_tasks", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, errs.Internal("emergency.Store.figures: scan", err)
		}
		switch st {
		case Reached:
			f.Reached = n
		case NotReached:
			f.NotReached = n
		default:
			f.Pending = n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("emergency.Store.figures: rows", err)
	}
	return f, nil
}
