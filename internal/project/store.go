package project

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the three lists. Every read is bounded by the
// caller's area, taken from the principal in ctx.
type Store struct{ DB *db.DB }

type scanner = interface{ Scan(...any) error }

// conds collects a query's conditions and arguments.
type conds struct {
	args  []any
	where []string
}

func (c *conds) arg(v any) string {
	c.args = append(c.args, v)
	return fmt.Sprintf("$%d", len(c.args))
}

func (c *conds) add(cond string) { c.where = append(c.where, cond) }

func (c *conds) sql() string { return " WHERE " + strings.Join(c.where, " AND ") }

// scoped starts conditions with the caller's area on col.
func scoped(ctx context.Context, col string, first ...any) (*conds, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	c := &conds{args: first}
	c.add(col + " BETWEEN " + c.arg(lo) + " AND " + c.arg(hi))
	return c, nil
}

func (c *conds) under(col, code string) {
	if code != "" {
		lo, hi := division.Code(code).Range()
		c.add(col + " BETWEEN " + c.arg(lo) + " AND " + c.arg(hi))
	}
}

func (s *Store) lock(ctx context.Context, table string) string {
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// divisionName returns the name of a division inside the caller's area;
// ENOTFOUND otherwise.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "project.Store.divisionName: select divisions", "project.division_not_found", code)
	}
	return name, nil
}

// children lists the divisions directly under code.
func (s *Store) children(ctx context.Context, code string) ([][2]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code`, code)
	if err != nil {
		return nil, errs.Internal("project.Store.children: select divisions", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, errs.Internal("project.Store.children: scan", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("project.Store.children: rows", err)
	}
	return out, nil
}

// exists reports whether a row of table exists at all; for auditing
// refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	q := map[string]string{
		"need":    `SELECT count(*) FROM project_needs WHERE id = $1`,
		"project": `SELECT count(*) FROM projects WHERE id = $1`,
	}[table]
	_ = s.DB.Q(ctx).QueryRowContext(ctx, q, id).Scan(&n)
	return n > 0
}

// ---- needs

const needCols = `n.id, n.division_code, COALESCE(d.name, ''), n.title, n.details, n.kind, n.source, n.source_ref, n.affected_group,
	n.affected, n.status, n.close_reason, n.resource_key, n.resource_name, n.created_at, n.created_by`

const needFrom = ` FROM project_needs n JOIN divisions d ON d.code = n.division_code`

func scanNeed(r scanner) (*Need, error) {
	var n Need
	err := r.Scan(&n.ID, &n.DivisionCode, &n.DivisionName, &n.Title, &n.Details, &n.Kind, &n.Source, &n.SourceRef, &n.Group,
		&n.Affected, &n.Status, &n.CloseReason, &n.ResourceKey, &n.ResourceName, &n.CreatedAt, &n.CreatedBy)
	n.CreatedAt = n.CreatedAt.UTC()
	return &n, err
}

func (s *Store) insertNeed(ctx context.Context, in *NeedInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO project_needs (division_code, title, details, kind, source, source_ref,
		affected_group, affected, status, created_at, created_by, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$10) RETURNING id`,
		in.DivisionCode, in.Title, in.Details, in.Kind, in.Source, in.SourceRef, in.Group, in.Affected, NeedOpen, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("project.Store.insertNeed: insert project_needs", err)
	}
	return id, nil
}

// need reads a need inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) need(ctx context.Context, id int64) (*Need, error) {
	c, err := scoped(ctx, "n.division_code", id)
	if err != nil {
		return nil, err
	}
	n, err := scanNeed(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+needCols+needFrom+c.sql()+` AND n.id = $1`+s.lock(ctx, "n"), c.args...))
	if err != nil {
		return nil, db.RowErr(err, "project.Store.need: select", "project.need_not_found", id)
	}
	return n, nil
}

// liveNeedFrom reports whether a need raised from source and ref in a
// community is still open or matched.
func (s *Store) liveNeedFrom(ctx context.Context, code, source, ref string) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM project_needs WHERE source = $1 AND source_ref = $2 AND division_code = $3
		AND status IN ('open', 'matched')`, source, ref, code).Scan(&n)
	if err != nil {
		return false, errs.Internal("project.Store.liveNeedFrom: select", err)
	}
	return n > 0, nil
}

func (s *Store) setNeed(ctx context.Context, n *Need, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE project_needs SET status = $1, close_reason = $2, resource_key = $3, resource_name = $4,
		updated_at = $5 WHERE id = $6`, n.Status, n.CloseReason, n.ResourceKey, n.ResourceName, now, n.ID)
	if err != nil {
		return errs.Internal("project.Store.setNeed: update project_needs", err)
	}
	return nil
}

func (s *Store) needWhere(ctx context.Context, f NeedFilter) (*conds, error) {
	c, err := scoped(ctx, "n.division_code")
	if err != nil {
		return nil, err
	}
	c.under("n.division_code", f.Division)
	if f.Q != "" {
		c.add("n.title " + s.DB.ILike() + " " + c.arg(db.Contains(f.Q)) + ` ESCAPE '\'`)
	}
	if f.Kind != "" {
		c.add("n.kind = " + c.arg(f.Kind))
	}
	if f.Status != "" {
		c.add("n.status = " + c.arg(f.Status))
	}
	return c, nil
}

func (s *Store) needs(ctx context.Context, f NeedFilter) ([]Need, bool, error) {
	c, err := s.needWhere(ctx, f)
	if err != nil {
		return nil, false, err
	}
	c.args = db.PageArgs(c.args, f.Page, f.PerPage)
	n := len(c.args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+needCols+needFrom+c.sql()+
		fmt.Sprintf(` ORDER BY n.id DESC LIMIT $%d OFFSET $%d`, n-1, n), c.args...)
	if err != nil {
		return nil, false, errs.Internal("project.Store.needs: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanNeed)
	if err != nil {
		return nil, false, errs.Internal("project.Store.needs: scan", err)
	}
	return out, more, nil
}

// eachNeed calls fn for every need the filter selects (exports).
func (s *Store) eachNeed(ctx context.Context, f NeedFilter, fn func(*Need) error) error {
	c, err := s.needWhere(ctx, f)
	if err != nil {
		return err
	}
	return s.each(ctx, `SELECT `+needCols+needFrom+c.sql()+` ORDER BY n.division_code, n.id`, c.args, func(r scanner) error {
		n, err := scanNeed(r)
		if err != nil {
			return errs.Internal("project.Store.eachNeed: scan", err)
		}
		return fn(n)
	})
}

func (s *Store) each(ctx context.Context, q string, args []any, fn func(scanner) error) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return errs.Internal("project.Store.each: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("project.Store.each: rows", err)
	}
	return nil
}

// ---- projects

// projectCols reads a project; $1 is today (for the late flag).
const projectCols = `p.id, p.division_code, COALESCE(d.name, ''), p.title, p.description, p.owner, p.funding, p.budget, p.status,
	COALESCE(p.decision_id, 0), COALESCE(p.runner_id, 0), p.runner, p.started_on, p.accepted_at, p.accepted_by, p.acceptance_note,
	p.created_at, p.created_by, ` + lateExpr

const lateExpr = `CASE WHEN EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = p.id
	AND ((m.done_on <> '' AND m.done_on > m.due_on) OR (m.done_on = '' AND m.due_on < $1))) THEN 1 ELSE 0 END`

const projectFrom = ` FROM projects p JOIN divisions d ON d.code = p.division_code`

func scanProject(r scanner) (*Project, error) {
	var p Project
	var late int
	err := r.Scan(&p.ID, &p.DivisionCode, &p.DivisionName, &p.Title, &p.Description, &p.Owner, &p.Funding, &p.Budget, &p.Status,
		&p.DecisionID, &p.runnerID, &p.Runner, &p.StartedOn, &p.AcceptedAt, &p.AcceptedBy, &p.AcceptanceNote,
		&p.CreatedAt, &p.CreatedBy, &late)
	p.Late = late == 1
	p.CreatedAt = p.CreatedAt.UTC()
	if p.AcceptedAt != nil {
		t := p.AcceptedAt.UTC()
		p.AcceptedAt = &t
	}
	return &p, err
}

type newProject struct {
	ProjectInput
	Status     string
	DecisionID int64
	RunnerID   int64
	Runner     string
	StartedOn  string
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *Store) insertProject(ctx context.Context, p *newProject, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO projects (division_code, title, description, owner, funding, budget, status,
		decision_id, runner_id, runner, started_on, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
		p.DivisionCode, p.Title, p.Description, p.Owner, p.Funding, p.Budget, p.Status, nullID(p.DecisionID), nullID(p.RunnerID),
		p.Runner, p.StartedOn, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("project.Store.insertProject: insert projects", err)
	}
	return id, nil
}

// project reads a project inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) project(ctx context.Context, id int64, today string) (*Project, error) {
	c, err := scoped(ctx, "p.division_code", today, id)
	if err != nil {
		return nil, err
	}
	p, err := scanProject(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+projectCols+projectFrom+c.sql()+` AND p.id = $2`+s.lock(ctx, "p"), c.args...))
	if err != nil {
		return nil, db.RowErr(err, "project.Store.project: select", "project.not_found", id)
	}
	return p, nil
}

// startProject sets a proposed project running, run by the caller.
func (s *Store) startProject(ctx context.Context, p *Project) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE projects SET status = $1, owner = $2, funding = $3, budget = $4, runner_id = $5,
		runner = $6, started_on = $7 WHERE id = $8`, Running, p.Owner, p.Funding, p.Budget, p.runnerID, p.Runner, p.StartedOn, p.ID)
	if err != nil {
		return errs.Internal("project.Store.startProject: update projects", err)
	}
	return nil
}

func (s *Store) acceptProject(ctx context.Context, id, by int64, name, note string, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE projects SET status = $1, accepted_at = $2, accepted_by_id = $3, accepted_by = $4,
		acceptance_note = $5 WHERE id = $6`, Accepted, now, by, name, note, id)
	if err != nil {
		return errs.Internal("project.Store.acceptProject: update projects", err)
	}
	return nil
}

func (s *Store) projectWhere(ctx context.Context, f ProjectFilter, today string) (*conds, error) {
	c, err := scoped(ctx, "p.division_code", today)
	if err != nil {
		return nil, err
	}
	c.under("p.division_code", f.Division)
	if f.Q != "" {
		like := c.arg(db.Contains(f.Q))
		c.add("(p.title " + s.DB.ILike() + " " + like + ` ESCAPE '\' OR p.owner ` + s.DB.ILike() + " " + like + ` ESCAPE '\')`)
	}
	if f.Funding != "" {
		c.add("p.funding = " + c.arg(f.Funding))
	}
	if f.Status != "" {
		c.add("p.status = " + c.arg(f.Status))
	}
	return c, nil
}

func (s *Store) projects(ctx context.Context, f ProjectFilter, today string) ([]Project, bool, error) {
	c, err := s.projectWhere(ctx, f, today)
	if err != nil {
		return nil, false, err
	}
	c.args = db.PageArgs(c.args, f.Page, f.PerPage)
	n := len(c.args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+projectCols+projectFrom+c.sql()+
		fmt.Sprintf(` ORDER BY p.id DESC LIMIT $%d OFFSET $%d`, n-1, n), c.args...)
	if err != nil {
		return nil, false, errs.Internal("project.Store.projects: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanProject)
	if err != nil {
		return nil, false, errs.Internal("project.Store.projects: scan", err)
	}
	return out, more, nil
}

func (s *Store) eachProject(ctx context.Context, f ProjectFilter, today string, fn func(*Project) error) error {
	c, err := s.projectWhere(ctx, f, today)
	if err != nil {
		return err
	}
	return s.each(ctx, `SELECT `+projectCols+projectFrom+c.sql()+` ORDER BY p.division_code, p.id`, c.args, func(r scanner) error {
		p, err := scanProject(r)
		if err != nil {
			return errs.Internal("project.Store.eachProject: scan", err)
		}
		return fn(p)
	})
}

// ---- a project's parts

func (s *Store) insertMilestone(ctx context.Context, projectID int64, in *MilestoneInput, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO project_milestones (project_id, title, due_on, created_at) VALUES ($1,$2,$3,$4) RETURNING id`,
		projectID, in.Title, in.DueOn, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("project.Store.insertMilestone: insert project_milestones", err)
	}
	return id, nil
}

func (s *Store) milestones(ctx context.Context, projectID int64) ([]Milestone, error) {
	var out []Milestone
	err := s.each(ctx, `SELECT id, title, due_on, done_on FROM project_milestones WHERE project_id = $1 ORDER BY due_on, id`,
		[]any{projectID}, func(r scanner) error {
			var m Milestone
			if err := r.Scan(&m.ID, &m.Title, &m.DueOn, &m.DoneOn); err != nil {
				return errs.Internal("project.Store.milestones: scan", err)
			}
			out = append(out, m)
			return nil
		})
	return out, err
}

// setMilestoneDone marks a milestone of a project met on a day; false when
// the project has no such milestone not yet met.
func (s *Store) setMilestoneDone(ctx context.Context, projectID, id int64, on string) (bool, error) {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE project_milestones SET done_on = $1 WHERE id = $2 AND project_id = $3 AND done_on = ''`,
		on, id, projectID)
	if err != nil {
		return false, errs.Internal("project.Store.setMilestoneDone: update project_milestones", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Store) insertProgress(ctx context.Context, projectID int64, note string, photo, author int64, name string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO project_progress (project_id, note, photo_id, author_id, author, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, projectID, note, nullID(photo), author, name, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("project.Store.insertProgress: insert project_progress", err)
	}
	return id, nil
}

func (s *Store) progress(ctx context.Context, projectID int64) ([]Progress, error) {
	var out []Progress
	err := s.each(ctx, `SELECT id, note, COALESCE(photo_id, 0), author_id, author, created_at FROM project_progress WHERE project_id = $1 ORDER BY id`,
		[]any{projectID}, func(r scanner) error {
			var p Progress
			if err := r.Scan(&p.ID, &p.Note, &p.PhotoID, &p.authorID, &p.Author, &p.CreatedAt); err != nil {
				return errs.Internal("project.Store.progress: scan", err)
			}
			p.CreatedAt = p.CreatedAt.UTC()
			out = append(out, p)
			return nil
		})
	return out, err
}

// photoOf reports whether a photo belongs to one of a project's reports.
func (s *Store) photoOf(ctx context.Context, projectID, photoID int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM project_progress WHERE project_id = $1 AND photo_id = $2`, projectID, photoID).Scan(&n)
	if err != nil {
		return false, errs.Internal("project.Store.photoOf: select", err)
	}
	return n > 0, nil
}

func (s *Store) linkNeed(ctx context.Context, projectID, needID int64) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO project_need_links (project_id, need_id) VALUES ($1,$2) ON CONFLICT DO NOTHING`, projectID, needID)
	if err != nil {
		return errs.Internal("project.Store.linkNeed: insert project_need_links", err)
	}
	return nil
}

func (s *Store) linkResource(ctx context.Context, projectID int64, key, name string) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO project_resource_links (project_id, resource_key, resource_name) VALUES ($1,$2,$3)
		ON CONFLICT DO NOTHING`, projectID, key, name)
	if err != nil {
		return errs.Internal("project.Store.linkResource: insert project_resource_links", err)
	}
	return nil
}

// linkedNeeds lists the needs a project serves.
func (s *Store) linkedNeeds(ctx context.Context, projectID int64) ([]Need, error) {
	var out []Need
	err := s.each(ctx, `SELECT `+needCols+needFrom+` JOIN project_need_links l ON l.need_id = n.id WHERE l.project_id = $1 ORDER BY n.id`,
		[]any{projectID}, func(r scanner) error {
			n, err := scanNeed(r)
			if err != nil {
				return errs.Internal("project.Store.linkedNeeds: scan", err)
			}
			out = append(out, *n)
			return nil
		})
	return out, err
}

func (s *Store) linkedResources(ctx context.Context, projectID int64) ([]Link, error) {
	var out []Link
	err := s.each(ctx, `SELECT resource_key, resource_name FROM project_resource_links WHERE project_id = $1 ORDER BY resource_name`,
		[]any{projectID}, func(r scanner) error {
			var l Link
			if err := r.Scan(&l.Key, &l.Name); err != nil {
				return errs.Internal("project.Store.linkedResources: scan", err)
			}
			out = append(out, l)
			return nil
		})
	return out, err
}

// ---- figures

// figures adds up the needs and projects at or under code (inside the
// caller's area), keyed by the first n digits of their division codes.
func (s *Store) figures(ctx context.Context, code string, n int, today string) (map[string]*ListFigures, error) {
	out := map[string]*ListFigures{}
	at := func(k string) *ListFigures {
		f := out[k]
		if f == nil {
			f = &ListFigures{Money: map[string]int64{}}
			out[k] = f
		}
		return f
	}
	c, err := scoped(ctx, "n.division_code")
	if err != nil {
		return nil, err
	}
	c.under("n.division_code", code)
	err = s.each(ctx, fmt.Sprintf(`SELECT substr(n.division_code, 1, %d), n.status, count(*) FROM project_needs n`, n)+c.sql()+` GROUP BY 1, 2`,
		c.args, func(r scanner) error {
			var k, status string
			var cnt int64
			if err := r.Scan(&k, &status, &cnt); err != nil {
				return errs.Internal("project.Store.figures: scan needs", err)
			}
			f := at(k)
			switch status {
			case NeedOpen:
				f.NeedsOpen += cnt
			case NeedMatched:
				f.NeedsMatched += cnt
			case NeedServed:
				f.NeedsServed += cnt
			case NeedClosed:
				f.NeedsClosed += cnt
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	c, err = scoped(ctx, "p.division_code", today)
	if err != nil {
		return nil, err
	}
	c.under("p.division_code", code)
	err = s.each(ctx, `SELECT k, funding, status, late, count(*), CAST(COALESCE(sum(budget), 0) AS BIGINT) FROM (`+
		fmt.Sprintf(`SELECT substr(p.division_code, 1, %d) AS k, p.funding, p.status, %s AS late, p.budget FROM projects p`, n, lateExpr)+
		c.sql()+`) x GROUP BY k, funding, status, late`, c.args, func(r scanner) error {
		var k, funding, status string
		var late int
		var cnt, money int64
		if err := r.Scan(&k, &funding, &status, &late, &cnt, &money); err != nil {
			return errs.Internal("project.Store.figures: scan projects", err)
		}
		f := at(k)
		f.Projects += cnt
		if funding != "" {
			f.Money[funding] += money
		}
		switch {
		case status == Proposed:
		case late == 1:
			f.Late += cnt
		default:
			f.OnTime += cnt
		}
		return nil
	})
	return out, err
}
