package grid

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the grids. Every read is bounded by the caller's
// area, taken from the principal in ctx.
type Store struct {
	DB   *db.DB
	Keys *pii.Ring
}

const gridCols = `g.id, g.code, g.community_code, COALESCE(d.name, ''), g.number, g.name, g.version, g.updated_at, g.updated_by`

const gridFrom = ` FROM grids g JOIN divisions d ON d.code = g.community_code`

func scanGrid(s interface{ Scan(...any) error }) (*Grid, error) {
	var g Grid
	err := s.Scan(&g.ID, &g.Code, &g.CommunityCode, &g.CommunityName, &g.Number, &g.Name, &g.Version, &g.UpdatedAt, &g.UpdatedBy)
	g.UpdatedAt = g.UpdatedAt.UTC()
	g.Workers, g.Units = []GridWorker{}, []GridUnit{}
	return &g, err
}

// get reads a grid inside the caller's area with its workers and units
// (the heads masked); ENOTFOUND otherwise.
func (s *Store) get(ctx context.Context, id int64) (*Grid, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	g, err := scanGrid(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+gridCols+gridFrom+` WHERE g.id = $1 AND g.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "grid.Store.get: select", "grid.not_found", id)
	}
	if err := s.details(ctx, []*Grid{g}); err != nil {
		return nil, err
	}
	return g, nil
}

// exists reports whether a grid exists at all; for auditing refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	return n > 0
}

// details fills the grids' workers and units.
func (s *Store) details(ctx context.Context, gs []*Grid) error {
	if len(gs) == 0 {
		return nil
	}
	byID := map[int64]*Grid{}
	ids := make([]any, len(gs))
	for i, g := range gs {
		byID[g.ID], ids[i] = g, g.ID
	}
	in := db.Placeholders(len(ids), 1)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT w.grid_id, u.id, u.name, u.display_name FROM grid_workers w JOIN users u ON u.id = w.user_id
		WHERE w.grid_id IN (`+in+`) ORDER BY u.name`, ids...)
	if err != nil {
		return errs.Internal("grid.Store.details: select workers", err)
	}
	for rows.Next() {
		var gid int64
		var w GridWorker
		if err := rows.Scan(&gid, &w.UserID, &w.Login, &w.Display); err != nil {
			rows.Close()
			return errs.Internal("grid.Store.details: scan workers", err)
		}
		byID[gid].Workers = append(byID[gid].Workers, w)
	}
	rows.Close()
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT grid_id, kind, name, head_name_sealed, head_phone_sealed FROM grid_units
		WHERE grid_id IN (`+in+`) ORDER BY grid_id, position`, ids...)
	if err != nil {
		return errs.Internal("grid.Store.details: select units", err)
	}
	defer rows.Close()
	for rows.Next() {
		var gid int64
		var u GridUnit
		var name, phone string
		if err := rows.Scan(&gid, &u.Kind, &u.Name, &name, &phone); err != nil {
			return errs.Internal("grid.Store.details: scan units", err)
		}
		if name, err = s.open(name); err != nil {
			return err
		}
		if phone, err = s.open(phone); err != nil {
			return err
		}
		u.HeadName, u.HeadPhone = pii.MaskName(name), pii.Mask(phone)
		byID[gid].Units = append(byID[gid].Units, u)
	}
	return rows.Err()
}

func (s *Store) open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	v, err := s.Keys.Open(sealed)
	if err != nil {
		return "", errs.Internal("grid.Store.open", err)
	}
	return v, nil
}

func (s *Store) seal(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	x, err := s.Keys.Seal(v)
	if err != nil {
		return "", errs.Internal("grid.Store.seal", err)
	}
	return x, nil
}

// community returns the name of a community inside the caller's area;
// ENOTFOUND otherwise.
func (s *Store) community(ctx context.Context, code string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "grid.Store.community: select", "grid.community_not_found", code)
	}
	return name, nil
}

// gridWorkers returns the ids of the enabled grid-worker accounts of the
// community among the logins, by login.
func (s *Store) gridWorkers(ctx context.Context, community string, logins []string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(logins) == 0 {
		return out, nil
	}
	args := []any{community, string(auth.GridWorker)}
	for _, l := range logins {
		args = append(args, l)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT name, id FROM users WHERE area_code = $1 AND role = $2 AND NOT disabled
		AND name IN (`+db.Placeholders(len(logins), 3)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("grid.Store.gridWorkers: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var id int64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, errs.Internal("grid.Store.gridWorkers: scan", err)
		}
		out[name] = id
	}
	return out, rows.Err()
}

// numberTaken reports whether the community has a grid of the number
// other than except.
func (s *Store) numberTaken(ctx context.Context, community string, number int, except int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM grids WHERE community_code = $1 AND number = $2 AND id <> $3`,
		community, number, except).Scan(&n)
	if err != nil {
		return false, errs.Internal("grid.Store.numberTaken: select", err)
	}
	return n > 0, nil
}

func (s *Store) insert(ctx context.Context, in *GridInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO grids (community_code, number, code, name, version, created_at, updated_at, updated_by)
		VALUES ($1,$2,$3,$4,1,$5,$5,$6) RETURNING id`,
		in.CommunityCode, in.Number, GridCode(in.CommunityCode, in.Number), in.Name, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("grid.Store.insert: insert grids", err)
	}
	return id, nil
}

func (s *Store) update(ctx context.Context, id int64, in *GridInput, oldVersion int, actor string, now time.Time) error {
	return s.DB.UpdateOne(ctx, "grid.Store.update: update grids", `UPDATE grids SET number = $1, code = $2, name = $3, version = version + 1,
		updated_at = $4, updated_by = $5 WHERE id = $6 AND version = $7`,
		in.Number, GridCode(in.CommunityCode, in.Number), in.Name, now, actor, id, oldVersion)
}

// replace sets a grid's workers and units to the given ones, sealing the
// heads' names and phones.
func (s *Store) replace(ctx context.Context, id int64, workers []int64, units []GridUnit) error {
	q := s.DB.Q(ctx)
	if _, err := q.ExecContext(ctx, `DELETE FROM grid_workers WHERE grid_id = $1`, id); err != nil {
		return errs.Internal("grid.Store.replace: delete workers", err)
	}
	for _, w := range workers {
		if _, err := q.ExecContext(ctx, `INSERT INTO grid_workers (grid_id, user_id) VALUES ($1, $2)`, id, w); err != nil {
			return errs.Internal("grid.Store.replace: insert workers", err)
		}
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM grid_units WHERE grid_id = $1`, id); err != nil {
		return errs.Internal("grid.Store.replace: delete units", err)
	}
	for i, u := range units {
		name, err := s.seal(u.HeadName)
		if err != nil {
			return err
		}
		phone, err := s.seal(u.HeadPhone)
		if err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO grid_units (grid_id, position, kind, name, head_name_sealed, head_phone_sealed)
			VALUES ($1,$2,$3,$4,$5,$6)`, id, i+1, u.Kind, u.Name, name, phone); err != nil {
			return errs.Internal("grid.Store.replace: insert units", err)
		}
	}
	return nil
}

// Units returns a grid's units with the heads unsealed, for a change that
// keeps the heads a form did not show.
func (s *Store) Units(ctx context.Context, id int64) ([]GridUnit, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT kind, name, head_name_sealed, head_phone_sealed FROM grid_units WHERE grid_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, errs.Internal("grid.Store.units: select", err)
	}
	defer rows.Close()
	var out []GridUnit
	for rows.Next() {
		var u GridUnit
		if err := rows.Scan(&u.Kind, &u.Name, &u.HeadName, &u.HeadPhone); err != nil {
			return nil, errs.Internal("grid.Store.units: scan", err)
		}
		if u.HeadName, err = s.open(u.HeadName); err != nil {
			return nil, err
		}
		if u.HeadPhone, err = s.open(u.HeadPhone); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func (s *Store) where(ctx context.Context, f GridFilter) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	args := []any{lo, hi}
	conds := []string{"g.community_code BETWEEN $1 AND $2"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Division != "" {
		dlo, dhi := divisionRange(f.Division)
		conds = append(conds, "g.community_code BETWEEN "+arg(dlo)+" AND "+arg(dhi))
	}
	if f.Q != "" {
		like := arg(db.Contains(f.Q))
		conds = append(conds, "(g.name "+s.DB.ILike()+" "+like+` ESCAPE '\' OR g.code = `+arg(f.Q)+")")
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func (s *Store) list(ctx context.Context, f GridFilter) ([]Grid, bool, error) {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+gridCols+gridFrom+w+
		fmt.Sprintf(` ORDER BY g.code LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("grid.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanGrid)
	if err != nil {
		return nil, false, errs.Internal("grid.Store.list: select", err)
	}
	ptrs := make([]*Grid, len(out))
	for i := range out {
		ptrs[i] = &out[i]
	}
	return out, more, s.details(ctx, ptrs)
}

// each calls fn with every grid the filter selects, a hundred at a time
// with their details.
func (s *Store) each(ctx context.Context, f GridFilter, fn func(*Grid) error) error {
	for page := 1; ; page++ {
		f.Page, f.PerPage = page, 100
		gs, more, err := s.list(ctx, f)
		if err != nil {
			return err
		}
		for i := range gs {
			if err := fn(&gs[i]); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
	}
}
