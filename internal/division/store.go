package division

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the division slice. Every read is bounded by the
// caller's area, taken from the principal in ctx.
type Store struct {
	DB *db.DB
	// Keys seals the phones of the organisations' members (set at wiring).
	Keys *pii.Ring
}

const divCols = `code, name, level, kind, COALESCE(parent_code, '')`

func scanDivision(row interface{ Scan(...any) error }) (*Division, error) {
	var d Division
	if err := row.Scan(&d.Code, &d.Name, &d.Level, &d.Kind, &d.ParentCode); err != nil {
		return nil, err
	}
	d.LevelName = LevelNames[d.Level]
	return &d, nil
}

// Get returns a division inside the caller's area; ENOTFOUND otherwise.
func (s *Store) Get(ctx context.Context, code string) (*Division, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	d, err := scanDivision(s.DB.Q(ctx).QueryRowContext(ctx,
		`SELECT `+divCols+` FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "division.Store.Get: select", "division.not_found", code)
	}
	return d, nil
}

// Exists reports whether a code exists at all, whatever the caller's area;
// for auditing refusals only.
func (s *Store) Exists(ctx context.Context, code string) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE code = $1`, code).Scan(&n)
	return n > 0
}

// Level returns the level of a division regardless of area (for building
// principals' areas); ENOTFOUND if absent.
func (s *Store) Level(ctx context.Context, code string) (int, error) {
	var lvl int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = $1`, code).Scan(&lvl)
	if err != nil {
		return 0, db.RowErr(err, "division.Store.Level: select divisions", "division.not_found", code)
	}
	return lvl, nil
}

// Roots returns the divisions at the top of the caller's area: its own
// area's division, or for the system the divisions without a parent.
func (s *Store) Roots(ctx context.Context) ([]Division, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if p.Role != auth.System {
		d, err := s.Get(ctx, p.Area.Code)
		if err != nil {
			return nil, err
		}
		return []Division{*d}, nil
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE parent_code IS NULL ORDER BY code LIMIT 100`)
	if err != nil {
		return nil, errs.Internal("division.Store.Roots: select", err)
	}
	return collect(rows)
}

func collect(rows *sql.Rows) ([]Division, error) {
	defer rows.Close()
	var out []Division
	for rows.Next() {
		d, err := scanDivision(rows)
		if err != nil {
			return nil, errs.Internal("division.collect: scanDivision", err)
		}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("division.collect: Err", err)
	}
	return out, nil
}

// Ancestors returns the chain from the top of the caller's area down to
// (not including) code.
func (s *Store) Ancestors(ctx context.Context, d *Division) ([]Division, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	var codes []string
	for l := d.Level - 1; l >= Province; l-- {
		codes = append(codes, ParentOf(d.Code, l+1))
	}
	if len(codes) == 0 {
		return nil, nil
	}
	args := []any{lo, hi}
	ph := make([]string, len(codes))
	for i, c := range codes {
		args = append(args, c)
		ph[i] = fmt.Sprintf("$%d", i+3)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE code BETWEEN $1 AND $2 AND code IN (`+
		strings.Join(ph, ",")+`) ORDER BY level`, args...)
	if err != nil {
		return nil, errs.Internal("division.Store.Ancestors: select", err)
	}
	return collect(rows)
}

// Children returns the children of code with counts of what lies under
// each. The parent must be inside the caller's area.
func (s *Store) Children(ctx context.Context, parent *Division) ([]Node, error) {
	q := s.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT `+divCols+`,
		(SELECT count(*) FROM divisions g WHERE g.parent_code = c.code)
		FROM divisions c WHERE c.parent_code = $1 ORDER BY c.code LIMIT 5000`, parent.Code)
	if err != nil {
		return nil, errs.Internal("division.Store.Children: select", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		var n Node
		if err := rows.Scan(&n.Code, &n.Name, &n.Level, &n.Kind, &n.ParentCode, &n.Children); err != nil {
			return nil, errs.Internal("division.Store.Children: select", err)
		}
		n.LevelName = LevelNames[n.Level]
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("division.Store.Children: select", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The counts below each child are the tree's measures, kept rolled up at
	// every division: a few key lookups, whatever the size of the subtree.
	codes := make([]string, len(out))
	for i, n := range out {
		codes[i] = n.Code
	}
	t, err := (&measure.Store{DB: s.DB}).Totals(ctx, []string{"division.communities", "division.population", "division.households"}, codes)
	if err != nil {
		return nil, err
	}
	for i := range out {
		m := t[out[i].Code]
		out[i].Communities, out[i].Population, out[i].Households = int(m["division.communities"]), m["division.population"], m["division.households"]
	}
	return out, nil
}

// Totals sums what lies under one division, from the rolled-up measures.
func (s *Store) Totals(ctx context.Context, d *Division) (Node, error) {
	n := Node{Division: *d}
	t, err := (&measure.Store{DB: s.DB}).Totals(ctx, []string{"division.communities", "division.population", "division.households"}, []string{d.Code})
	if err != nil {
		return n, err
	}
	m := t[d.Code]
	n.Communities, n.Population, n.Households = int(m["division.communities"]), m["division.population"], m["division.households"]
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM divisions WHERE parent_code = $1`, d.Code).Scan(&n.Children)
	if err != nil {
		return n, errs.Internal("division.Store.Totals: select divisions", err)
	}
	return n, nil
}

// Search finds divisions in the caller's area by a part of the name or a
// code prefix. Page from 1; it returns one more than perPage to tell if there is more.
func (s *Store) Search(ctx context.Context, query string, page, perPage int) ([]Division, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	query = strings.TrimSpace(query)
	var rows *sql.Rows
	limit, offset := db.LimitOffset(page, perPage)
	if isDigits(query) {
		qlo := query + strings.Repeat("0", max(0, 12-len(query)))
		qhi := query + strings.Repeat("9", max(0, 12-len(query)))
		rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions
			WHERE code BETWEEN $1 AND $2 AND code BETWEEN $3 AND $4 ORDER BY code LIMIT $5 OFFSET $6`,
			lo, hi, qlo, qhi, limit, offset)
	} else {
		like := db.Contains(query)
		rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions
			WHERE code BETWEEN $1 AND $2 AND name LIKE $3 ESCAPE '\' ORDER BY level, code LIMIT $4 OFFSET $5`,
			lo, hi, like, limit, offset)
	}
	if err != nil {
		return nil, false, errs.Internal("division.Store.Search", err)
	}
	out, err := collect(rows)
	if err != nil {
		return nil, false, err
	}
	out, more := db.More(out, perPage)
	return out, more, nil
}

func isDigits(s string) bool {
	if s == "" || len(s) > 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Profile reads a community's profile; a community without a stored
// profile has an empty one at version 0.
func (s *Store) Profile(ctx context.Context, code string) (*Profile, error) {
	p := &Profile{Code: code, Organisations: []Organisation{}}
	var upd sql.NullTime
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT population, urban_population, households, building_area, commercial_area,
		relocation, broadband, has_5g, version, updated_at, updated_by FROM community_profiles WHERE division_code = $1`, code).Scan(
		&p.Population, &p.UrbanPopulation, &p.Households, &p.BuildingArea, &p.CommercialArea, &p.Relocation, &p.Broadband,
		&p.Has5G, &p.Version, &upd, &p.UpdatedBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Internal("division.Store.Profile: select community_profiles", err)
	}
	if upd.Valid {
		t := upd.Time.UTC()
		p.UpdatedAt = &t
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT part, name, head FROM community_organisations WHERE division_code = $1`, code)
	if err != nil {
		return nil, errs.Internal("division.Store.Profile: select community_organisations", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Organisation
		if err := rows.Scan(&o.Part, &o.Name, &o.Head); err != nil {
			return nil, errs.Internal("division.Store.Profile: Scan", err)
		}
		p.Organisations = append(p.Organisations, o)
	}
	return p, rows.Err()
}

// SaveProfile writes a profile if its stored version is still oldVersion.
func (s *Store) SaveProfile(ctx context.Context, p *Profile, oldVersion int, actor string, now time.Time) error {
	q := s.DB.Q(ctx)
	var res sql.Result
	var err error
	if oldVersion == 0 {
		res, err = q.ExecContext(ctx, `INSERT INTO community_profiles (division_code, population, urban_population, households,
			building_area, commercial_area, relocation, broadband, has_5g, version, updated_at, updated_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1,$10,$11) ON CONFLICT (division_code) DO NOTHING`,
			p.Code, p.Population, p.UrbanPopulation, p.Households, p.BuildingArea, p.CommercialArea, p.Relocation, p.Broadband, p.Has5G, now, actor)
	} else {
		res, err = q.ExecContext(ctx, `UPDATE community_profiles SET population=$2, urban_population=$3, households=$4,
			building_area=$5, commercial_area=$6, relocation=$7, broadband=$8, has_5g=$9, version=version+1, updated_at=$10, updated_by=$11
			WHERE division_code=$1 AND version=$12`,
			p.Code, p.Population, p.UrbanPopulation, p.Households, p.BuildingArea, p.CommercialArea, p.Relocation, p.Broadband, p.Has5G, now, actor, oldVersion)
	}
	if err != nil {
		return errs.Internal("division.Store.SaveProfile", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("error.conflict")
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM community_organisations WHERE division_code = $1`, p.Code); err != nil {
		return errs.Internal("division.Store.SaveProfile: delete community_organisations", err)
	}
	for _, o := range p.Organisations {
		if _, err := q.ExecContext(ctx, `INSERT INTO community_organisations (division_code, part, name, head) VALUES ($1,$2,$3,$4)`,
			p.Code, o.Part, o.Name, o.Head); err != nil {
			return errs.Internal("division.Store.SaveProfile: insert community_organisations", err)
		}
	}
	p.Version = oldVersion + 1
	p.UpdatedAt, p.UpdatedBy = &now, actor
	return nil
}

// AddChange records a profile change.
func (s *Store) AddChange(ctx context.Context, code string, actorID int64, actor string, at time.Time, before, after map[string]any) error {
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	var id any
	if actorID != 0 {
		id = actorID
	}
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO profile_changes (division_code, changed_at, actor_id, actor_name, before_json, after_json)
		VALUES ($1,$2,$3,$4,$5,$6)`, code, at, id, actor, string(b), string(a))
	if err != nil {
		return errs.Internal("division.Store.AddChange: insert profile_changes", err)
	}
	return nil
}

// History lists a community's profile changes, newest first.
func (s *Store) History(ctx context.Context, code string, page, perPage int) ([]Change, bool, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, changed_at, actor_name, before_json, after_json FROM profile_changes
		WHERE division_code = $1 ORDER BY id DESC LIMIT $2 OFFSET $3`, db.PageArgs([]any{code}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("division.Store.History: select profile_changes", err)
	}
	out, more, err := db.Page(rows, perPage, func(sc interface{ Scan(...any) error }) (*Change, error) {
		var c Change
		var b, a string
		if err := sc.Scan(&c.ID, &c.ChangedAt, &c.Actor, &b, &a); err != nil {
			return nil, err
		}
		c.ChangedAt = c.ChangedAt.UTC()
		_ = json.Unmarshal([]byte(b), &c.Before)
		_ = json.Unmarshal([]byte(a), &c.After)
		return &c, nil
	})
	if err != nil {
		return nil, false, errs.Internal("division.Store.History: select profile_changes", err)
	}
	return out, more, nil
}

// InsertProfiles writes many profiles at once (the demo builder); existing
// profiles are left alone.
func (s *Store) InsertProfiles(ctx context.Context, ps []Profile, actor string, now time.Time) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		// Each statement is prepared once and reused (platform/db's
		// statement cache on SQLite, pgx's on PostgreSQL).
		const prof = `INSERT INTO community_profiles (division_code, population, urban_population, households,
			building_area, commercial_area, relocation, broadband, has_5g, version, updated_at, updated_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1,$10,$11) ON CONFLICT (division_code) DO NOTHING`
		const org = `INSERT INTO community_organisations (division_code, part, name, head) VALUES ($1,$2,$3,$4)
			ON CONFLICT (division_code, part) DO NOTHING`
		w := s.DB.W(ctx)
		for i := range ps {
			p := &ps[i]
			if _, err := w.ExecContext(ctx, prof, p.Code, p.Population, p.UrbanPopulation, p.Households, p.BuildingArea, p.CommercialArea,
				p.Relocation, p.Broadband, p.Has5G, now, actor); err != nil {
				return errs.Internal("division.Store.InsertProfiles: insert community_profiles", err)
			}
			for _, o := range p.Organisations {
				if _, err := w.ExecContext(ctx, org, p.Code, o.Part, o.Name, o.Head); err != nil {
					return errs.Internal("division.Store.InsertProfiles: insert community_organisations", err)
				}
			}
		}
		return nil
	})
}

// Communities lists every community under a range (the demo builder and
// exports), in code order.
func (s *Store) Communities(ctx context.Context) ([]Division, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE level = $1 AND code BETWEEN $2 AND $3 ORDER BY code`, Community, lo, hi)
	if err != nil {
		return nil, errs.Internal("division.Store.Communities: select", err)
	}
	return collect(rows)
}
