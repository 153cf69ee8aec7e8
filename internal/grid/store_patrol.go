package grid

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

func divisionRange(code string) (string, string) { return division.Code(code).Range() }

// assigned returns the grids a grid worker is assigned to (code and name
// by id), in their code order.
func (s *Store) assigned(ctx context.Context, userID int64) ([]Grid, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+gridCols+gridFrom+` JOIN grid_workers w ON w.grid_id = g.id
		WHERE w.user_id = $1 ORDER BY g.code`, userID)
	if err != nil {
		return nil, errs.Internal("grid.Store.assigned: select", err)
	}
	out, _, err := db.Page(rows, 1000, scanGrid)
	if err != nil {
		return nil, errs.Internal("grid.Store.assigned: select", err)
	}
	return out, nil
}

// isWorker reports whether the account is assigned to the grid.
func (s *Store) isWorker(ctx context.Context, gridID, userID int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM grid_workers WHERE grid_id = $1 AND user_id = $2`, gridID, userID).Scan(&n)
	if err != nil {
		return false, errs.Internal("grid.Store.isWorker: select", err)
	}
	return n > 0, nil
}

// openPatrol returns the id of the worker's patrol that has not ended, 0
// when none.
func (s *Store) openPatrol(ctx context.Context, userID int64) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM grid_patrols WHERE worker_id = $1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1`, userID).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("grid.Store.openPatrol: select", err)
	}
	return id, nil
}

func (s *Store) insertPatrol(ctx context.Context, g *Grid, p *auth.Principal, month string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO grid_patrols (grid_id, community_code, month, worker_id, worker_name, started_at)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, g.ID, g.CommunityCode, month, p.UserID, p.Display(), now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("grid.Store.insertPatrol: insert", err)
	}
	return id, nil
}

func (s *Store) endPatrol(ctx context.Context, id int64, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE grid_patrols SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL`, now, id)
	if err != nil {
		return errs.Internal("grid.Store.endPatrol: update", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("grid.patrol_ended")
	}
	return nil
}

const patrolCols = `p.id, p.grid_id, g.code, g.name, p.community_code, p.worker_id, p.worker_name, p.started_at, p.ended_at`

const patrolFrom = ` FROM grid_patrols p JOIN grids g ON g.id = p.grid_id`

func scanPatrol(sc interface{ Scan(...any) error }) (*GridPatrol, error) {
	var p GridPatrol
	err := sc.Scan(&p.ID, &p.GridID, &p.GridCode, &p.GridName, &p.CommunityCode, &p.WorkerID, &p.WorkerName, &p.StartedAt, &p.EndedAt)
	p.StartedAt = p.StartedAt.UTC()
	if p.EndedAt != nil {
		t := p.EndedAt.UTC()
		p.EndedAt = &t
	}
	p.Notes, p.Events = []GridPatrolNote{}, []GridEvent{}
	return &p, err
}

// patrolHead reads a patrol inside the caller's area without its notes
// and events; ENOTFOUND otherwise.
func (s *Store) patrolHead(ctx context.Context, id int64) (*GridPatrol, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := scanPatrol(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+patrolCols+patrolFrom+
		` WHERE p.id = $1 AND p.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "grid.Store.patrolHead: select", "grid.patrol_not_found", id)
	}
	return p, nil
}

// patrol reads a patrol inside the caller's area with its notes and
// events; ENOTFOUND otherwise.
func (s *Store) patrol(ctx context.Context, id int64) (*GridPatrol, error) {
	p, err := s.patrolHead(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, note, COALESCE(photo_id, 0), created_at FROM grid_patrol_notes WHERE patrol_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, errs.Internal("grid.Store.patrol: select notes", err)
	}
	for rows.Next() {
		var n GridPatrolNote
		if err := rows.Scan(&n.ID, &n.Note, &n.PhotoID, &n.CreatedAt); err != nil {
			rows.Close()
			return nil, errs.Internal("grid.Store.patrol: scan notes", err)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		p.Notes = append(p.Notes, n)
	}
	rows.Close()
	evs, err := s.events(ctx, `WHERE e.patrol_id = $1`, id)
	if err != nil {
		return nil, err
	}
	p.Events = evs
	return p, nil
}

const eventCols = `e.id, e.patrol_id, e.community_code, e.kind, e.description, e.outcome, COALESCE(e.request_id, 0), e.request_number,
	e.resolution, COALESCE(e.photo_id, 0), e.created_at, e.created_by`

func (s *Store) events(ctx context.Context, where string, args ...any) ([]GridEvent, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+eventCols+` FROM grid_events e `+where+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, errs.Internal("grid.Store.events: select", err)
	}
	defer rows.Close()
	out := []GridEvent{}
	for rows.Next() {
		var e GridEvent
		if err := rows.Scan(&e.ID, &e.PatrolID, &e.CommunityCode, &e.Kind, &e.Description, &e.Outcome, &e.RequestID, &e.RequestNumber,
			&e.Resolution, &e.PhotoID, &e.CreatedAt, &e.CreatedBy); err != nil {
			return nil, errs.Internal("grid.Store.events: scan", err)
		}
		e.CreatedAt = e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

// eventOfRequest returns the patrol of the event a request was filed
// from, 0 when none.
func (s *Store) eventOfRequest(ctx context.Context, requestID int64) (int64, error) {
	evs, err := s.events(ctx, `WHERE e.request_id = $1`, requestID)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[0].PatrolID, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *Store) insertNote(ctx context.Context, patrolID int64, note string, photoID int64, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO grid_patrol_notes (patrol_id, note, photo_id, created_at) VALUES ($1,$2,$3,$4)`,
		patrolID, note, nullID(photoID), now)
	if err != nil {
		return errs.Internal("grid.Store.insertNote: insert", err)
	}
	return nil
}

func (s *Store) insertEvent(ctx context.Context, p *GridPatrol, month string, e *GridEvent) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO grid_events (patrol_id, grid_id, community_code, month, kind, description, outcome,
		request_id, request_number, resolution, photo_id, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
		p.ID, p.GridID, p.CommunityCode, month, e.Kind, e.Description, e.Outcome, nullID(e.RequestID), e.RequestNumber, e.Resolution,
		nullID(e.PhotoID), e.CreatedAt, e.CreatedBy).Scan(&id)
	if err != nil {
		return 0, errs.Internal("grid.Store.insertEvent: insert", err)
	}
	return id, nil
}

// PatrolFilter selects patrols for a list.
type PatrolFilter struct {
	Division string
	WorkerID int64
	Page     int
	PerPage  int
}

func (s *Store) patrols(ctx context.Context, f PatrolFilter) ([]GridPatrol, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	if f.Division != "" {
		if dlo, dhi := divisionRange(f.Division); dlo > lo {
			lo, hi = dlo, min(hi, dhi)
		}
	}
	args := db.PageArgs([]any{lo, hi, f.WorkerID}, f.Page, f.PerPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+patrolCols+patrolFrom+` WHERE p.community_code BETWEEN $1 AND $2
		AND ($3 = 0 OR p.worker_id = $3) ORDER BY p.id DESC LIMIT $4 OFFSET $5`, args...)
	if err != nil {
		return nil, false, errs.Internal("grid.Store.patrols: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanPatrol)
	if err != nil {
		return nil, false, errs.Internal("grid.Store.patrols: select", err)
	}
	return out, more, nil
}

// figureSQL counts, per key ($1 digits of the community code, or the
// grid's code at a community), patrols and events of a month in a range.
const figurePatrols = `SELECT CASE WHEN $1 = 0 THEN g.code ELSE substr(p.community_code, 1, $1) END, count(*), 0, 0, 0
	FROM grid_patrols p JOIN grids g ON g.id = p.grid_id WHERE p.community_code BETWEEN $2 AND $3 AND p.month = $4 GROUP BY 1`

const figureEvents = `SELECT CASE WHEN $1 = 0 THEN g.code ELSE substr(e.community_code, 1, $1) END, 0, count(*),
	sum(CASE WHEN e.outcome = 'reported' THEN 1 ELSE 0 END), sum(CASE WHEN e.outcome = 'resolved' THEN 1 ELSE 0 END)
	FROM grid_events e JOIN grids g ON g.id = e.grid_id WHERE e.community_code BETWEEN $2 AND $3 AND e.month = $4 GROUP BY 1`

// figures adds up a month's patrols and events in [lo, hi] by key: the
// first digits digits of the community code, or the grid code when
// digits is 0.
func (s *Store) figures(ctx context.Context, digits int, lo, hi, month string) (map[string]*GridFigureRow, error) {
	out := map[string]*GridFigureRow{}
	for _, q := range []string{figurePatrols, figureEvents} {
		rows, err := s.DB.Q(ctx).QueryContext(ctx, q, digits, lo, hi, month)
		if err != nil {
			return nil, errs.Internal("grid.Store.figures: select", err)
		}
		for rows.Next() {
			var key string
			var p, e, r, c int64
			if err := rows.Scan(&key, &p, &e, &r, &c); err != nil {
				rows.Close()
				return nil, errs.Internal("grid.Store.figures: scan", err)
			}
			f := out[key]
			if f == nil {
				f = &GridFigureRow{}
				out[key] = f
			}
			f.Patrols, f.Events, f.Reported, f.Resolved = f.Patrols+p, f.Events+e, f.Reported+r, f.Resolved+c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal("grid.Store.figures: select", err)
		}
	}
	return out, nil
}

// parts lists what the figures of code break down into: the divisions
// directly under it, or a community's grids (code and name).
func (s *Store) parts(ctx context.Context, code string) ([][2]string, error) {
	q := `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code`
	if division.Code(code).Level() == division.Community {
		q = `SELECT code, name FROM grids WHERE community_code = $1 ORDER BY code`
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, code)
	if err != nil {
		return nil, errs.Internal("grid.Store.parts: select", err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, errs.Internal("grid.Store.parts: scan", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
