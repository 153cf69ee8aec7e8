package care

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the slice's SQL. Reads take the code range to look in; the
// service derives it from the caller's area.
type Store struct {
	DB *db.DB
}

const taskCols = `t.id, t.month, t.person_id, t.person_name, t.division_code, COALESCE(d.name, ''), t.assignee_id,
	COALESCE(u.display_name, ''), COALESCE(u.name, ''), t.visits, t.last_visit_at, t.escalated, t.version`

const taskFrom = ` FROM care_tasks t LEFT JOIN divisions d ON d.code = t.division_code LEFT JOIN users u ON u.id = t.assignee_id`

func scanTask(s interface{ Scan(...any) error }) (*VisitTask, error) {
	t := &VisitTask{}
	var assignee sql.NullInt64
	var last sql.NullTime
	if err := s.Scan(&t.ID, &t.Month, &t.PersonID, &t.PersonName, &t.DivisionCode, &t.DivisionName, &assignee,
		&t.AssigneeName, &t.AssigneeLogin, &t.Visits, &last, &t.Escalated, &t.Version); err != nil {
		return nil, err
	}
	if assignee.Valid {
		v := assignee.Int64
		t.AssigneeID = &v
	}
	if t.AssigneeName == "" {
		t.AssigneeName = t.AssigneeLogin
	}
	if last.Valid {
		v := last.Time.UTC()
		t.LastVisitAt = &v
	}
	return t, nil
}

// task reads one task inside [lo, hi]; ENOTFOUND otherwise.
func (s *Store) task(ctx context.Context, id int64, lo, hi string, lock bool) (*VisitTask, error) {
	q := `SELECT ` + taskCols + taskFrom + ` WHERE t.id = $1 AND t.division_code BETWEEN $2 AND $3`
	if lock {
		// Lock the task row only: PostgreSQL refuses FOR UPDATE on the
		// nullable side of an outer join.
		q = `SELECT ` + taskCols + taskFrom + ` WHERE t.id = (SELECT id FROM care_tasks WHERE id = $1` + s.DB.ForUpdate() + `)
			AND t.division_code BETWEEN $2 AND $3`
	}
	t, err := scanTask(s.DB.Q(ctx).QueryRowContext(ctx, q, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "care.Store.task: scanTask", "care.task_not_found")
	}
	return t, nil
}

// taskExists reports whether a task exists anywhere (to audit refusals).
func (s *Store) taskExists(ctx context.Context, id int64) bool {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT 1 FROM care_tasks WHERE id = $1`, id).Scan(&n)
	return err == nil
}

// Filter narrows a task list.
type Filter struct {
	Month    string
	Division string // a division code: tasks in its subtree
	Assignee int64  // 0: anyone
	Status   string
	Q        string // part of the person's name
}

func (s *Store) list(ctx context.Context, f Filter, lo, hi, cur string, page, perPage int) ([]VisitTask, bool, error) {
	where := []string{"t.month = $1", "t.division_code BETWEEN $2 AND $3"}
	args := []any{f.Month, lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Assignee != 0 {
		add("t.assignee_id = ?", f.Assignee)
	}
	switch f.Status {
	case StatusDone:
		where = append(where, "t.visits > 0")
	case StatusDue:
		where = append(where, "t.visits = 0")
		if f.Month < cur {
			where = append(where, "1 = 0")
		}
	case StatusOverdue:
		where = append(where, "t.visits = 0")
		if f.Month >= cur {
			where = append(where, "1 = 0")
		}
	case StatusEscalated:
		where = append(where, "t.visits = 0", "t.escalated = "+s.DB.Bool(true))
	case "unvisited":
		where = append(where, "t.visits = 0")
	}
	if f.Q != "" {
		add("t.person_name LIKE ?", db.Contains(f.Q))
		where[len(where)-1] += ` ESCAPE '\'`
	}
	args = db.PageArgs(args, page, perPage)
	q := `SELECT ` + taskCols + taskFrom + ` WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY t.division_code, t.person_name, t.id LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("care.Store.list: select", err)
	}
	out, more, err := db.Page(rows, perPage, func(sc interface{ Scan(...any) error }) (*VisitTask, error) {
		t, err := scanTask(sc)
		if err == nil {
			t.Status = t.status(cur)
		}
		return t, err
	})
	if err != nil {
		return nil, false, errs.Internal("care.Store.list: select", err)
	}
	return out, more, nil
}

// visits reads the visits of a task, oldest first.
func (s *Store) visits(ctx context.Context, taskID int64) ([]Visit, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, task_id, division_code, visitor_name, visited_at, method, checklist, notes,
		follow_up, follow_up_request, location_sealed, idem_key, created_at FROM care_visits WHERE task_id = $1 ORDER BY visited_at, id`, taskID)
	if err != nil {
		return nil, errs.Internal("care.Store.visits: select care_visits", err)
	}
	var out []Visit
	var sealed []string
	for rows.Next() {
		v, loc, err := scanVisit(rows)
		if err != nil {
			rows.Close()
			return nil, errs.Internal("care.Store.visits: select care_visits", err)
		}
		out = append(out, *v)
		sealed = append(sealed, loc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("care.Store.visits: select care_visits", err)
	}
	for i := range out {
		out[i].locationSealed = sealed[i]
		if out[i].Photos, err = s.photos(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func scanVisit(s interface{ Scan(...any) error }) (*Visit, string, error) {
	v := &Visit{}
	var checklist, loc string
	var req sql.NullInt64
	if err := s.Scan(&v.ID, &v.TaskID, &v.DivisionCode, &v.VisitorName, &v.VisitedAt, &v.Method, &checklist, &v.Notes,
		&v.FollowUp, &req, &loc, &v.IdempotencyKey, &v.CreatedAt); err != nil {
		return nil, "", err
	}
	v.VisitedAt, v.CreatedAt = v.VisitedAt.UTC(), v.CreatedAt.UTC()
	if req.Valid {
		r := req.Int64
		v.FollowUpRequest = &r
	}
	if err := json.Unmarshal([]byte(checklist), &v.Checklist); err != nil {
		return nil, "", err
	}
	return v, loc, nil
}

// visitByKey reads the visit recorded under an idempotency key, with the
// account that recorded it.
func (s *Store) visitByKey(ctx context.Context, key string) (*Visit, int64, error) {
	var visitor sql.NullInt64
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, task_id, division_code, visitor_name, visited_at, method, checklist, notes,
		follow_up, follow_up_request, location_sealed, idem_key, created_at, visitor_id FROM care_visits WHERE idem_key = $1`, key)
	v := &Visit{}
	var checklist, loc string
	var req sql.NullInt64
	err := row.Scan(&v.ID, &v.TaskID, &v.DivisionCode, &v.VisitorName, &v.VisitedAt, &v.Method, &checklist, &v.Notes,
		&v.FollowUp, &req, &loc, &v.IdempotencyKey, &v.CreatedAt, &visitor)
	if db.IsNoRows(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, errs.Internal("care.Store.visitByKey: select care_visits", err)
	}
	v.VisitedAt, v.CreatedAt = v.VisitedAt.UTC(), v.CreatedAt.UTC()
	if req.Valid {
		r := req.Int64
		v.FollowUpRequest = &r
	}
	if err := json.Unmarshal([]byte(checklist), &v.Checklist); err != nil {
		return nil, 0, errs.Internal("care.Store.visitByKey: select care_visits", err)
	}
	v.locationSealed = loc
	if v.Photos, err = s.photos(ctx, v.ID); err != nil {
		return nil, 0, err
	}
	return v, visitor.Int64, nil
}

func (s *Store) photos(ctx context.Context, visitID int64) ([]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT blob_id FROM care_visit_photos WHERE visit_id = $1 ORDER BY blob_id`, visitID)
	if err != nil {
		return nil, errs.Internal("care.Store.photos: select care_visit_photos", err)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Internal("care.Store.photos: select care_visit_photos", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// photoTask returns the task id of the visit holding a photo.
func (s *Store) photoTask(ctx context.Context, blobID int64) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT v.task_id FROM care_visit_photos p JOIN care_visits v ON v.id = p.visit_id
		WHERE p.blob_id = $1 ORDER BY v.id LIMIT 1`, blobID).Scan(&id)
	if err != nil {
		return 0, db.RowErr(err, "care.Store.photoTask: select care_visit_photos", "error.not_found")
	}
	return id, nil
}

// visitedCount is the number of a community's tasks of a month with at
// least one visit; dueCount all of them.
func (s *Store) counts(ctx context.Context, month, code string) (due, visited int64, err error) {
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*), COALESCE(SUM(CASE WHEN visits > 0 THEN 1 ELSE 0 END), 0)
		FROM care_tasks WHERE month = $1 AND division_code = $2`, month, code).Scan(&due, &visited)
	if err != nil {
		err = errs.Internal("care.Store.counts: select care_tasks", err)
	}
	return
}

// account is an account tasks may be given to.
type account struct {
	ID   int64
	Role string
	Area string
	Name string
}

func (s *Store) account(ctx context.Context, id int64) (*account, error) {
	a := &account{ID: id}
	var disabled bool
	var display string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT role, area_code, name, display_name, disabled FROM users WHERE id = $1`, id).
		Scan(&a.Role, &a.Area, &a.Name, &display, &disabled)
	if db.IsNoRows(err) || disabled {
		return nil, errs.Invalid(errs.Field("assignee_id", "care.bad_assignee"))
	}
	if err != nil {
		return nil, errs.Internal("care.Store.account: select users", err)
	}
	if display != "" {
		a.Name = display
	}
	return a, nil
}

// Assignee is an account a task may be given to.
type VisitAssignee struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

// assignees lists the active grid and community workers of a community.
func (s *Store) assignees(ctx context.Context, code string) ([]VisitAssignee, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, CASE WHEN display_name = '' THEN name ELSE display_name END, role FROM users
		WHERE area_code = $1 AND role IN ('grid_worker', 'community_worker') AND disabled = `+s.DB.Bool(false)+` ORDER BY role DESC, id`, code)
	if err != nil {
		return nil, errs.Internal("care.Store.assignees: select users", err)
	}
	defer rows.Close()
	var out []VisitAssignee
	for rows.Next() {
		var a VisitAssignee
		if err := rows.Scan(&a.ID, &a.Name, &a.Role); err != nil {
			return nil, errs.Internal("care.Store.assignees: select users", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// gridWorkers maps each community to the grid worker its new tasks go to:
// the longest-serving active grid worker account of the community.
func (s *Store) gridWorkers(ctx context.Context, lo, hi string) (map[string]int64, error) {
	return db.Map[string, int64](ctx, s.DB.Q(ctx), "care.Store.gridWorkers: select users", `SELECT area_code, MIN(id) FROM users
		WHERE role = 'grid_worker' AND disabled = `+s.DB.Bool(false)+` AND area_code BETWEEN $1 AND $2 GROUP BY area_code`, lo, hi)
}

// child is a division under another, for rates.
type child struct{ Code, Name string }

func (s *Store) division(ctx context.Context, code string) (*child, error) {
	c := &child{Code: code}
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&c.Name)
	if err != nil {
		return nil, db.RowErr(err, "care.Store.division: select divisions", "care.division_not_found", code)
	}
	return c, nil
}

func (s *Store) children(ctx context.Context, code string) ([]child, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code`, code)
	if err != nil {
		return nil, errs.Internal("care.Store.children: select divisions", err)
	}
	defer rows.Close()
	var out []child
	for rows.Next() {
		var c child
		if err := rows.Scan(&c.Code, &c.Name); err != nil {
			return nil, errs.Internal("care.Store.children: select divisions", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// now is a timestamp for storage.
func now(f func() time.Time) time.Time { return f().UTC().Truncate(time.Microsecond) }
