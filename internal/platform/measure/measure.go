// Package measure keeps the numbers that indicators are made of. A measure
// ("rural communities", "rural communities with a comprehensive facility in
// use", "households", …) has a value at each division where it is counted,
// written by the slice that owns it in the same transaction as the change
// that moves it, and a total at every ancestor, moved by the difference. A
// reading at any level is then a few primary-key lookups, whatever the size
// of the tree, and exact: values are integers (areas in hundredths of m²).
//
// The package knows no slice: slices register their measures here and the
// indicator engine reads them by name.
package measure

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Def describes a measure.
type Def struct {
	Name  string // owner.what, e.g. division.rural_communities
	Owner string // the slice that keeps it
	// Scale is how many stored units make one (100 for areas kept in
	// hundredths of m²); 0 means 1.
	Scale int64
	// Periodic measures are kept per period: the stored name is Name@period
	// (e.g. care.visited@2026-11); see Key.
	Periodic bool
	// Remedy, for a 0/1 coverage measure, is the page where a division that
	// does not count yet can be made to ({code} stands for its code): the
	// list of communities without a facility links each to the new-facility
	// form for it.
	Remedy string
}

// Registry lists the measures that the wired slices keep.
type Registry struct {
	mu   sync.RWMutex
	defs map[string]Def
}

// NewRegistry makes an empty registry.
func NewRegistry() *Registry { return &Registry{defs: map[string]Def{}} }

// Register adds measures; a name registered twice panics (two owners).
func (r *Registry) Register(defs ...Def) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range defs {
		if _, ok := r.defs[d.Name]; ok {
			panic("measure registered twice: " + d.Name)
		}
		if d.Scale == 0 {
			d.Scale = 1
		}
		r.defs[d.Name] = d
	}
}

// Lookup returns a registered measure.
func (r *Registry) Lookup(name string) (Def, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	d, ok := r.defs[name]
	return d, ok
}

// Names lists the registered measures.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.defs))
	for n := range r.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Key is the stored name of a measure in a period ("" for none).
func Key(name, period string) string {
	if period == "" {
		return name
	}
	return name + "@" + period
}

// Store reads and writes measure values.
type Store struct {
	DB *db.DB
}

// ancestors returns code and the codes of its ancestors, top first, from
// the nesting of the 12-digit codes.
func ancestors(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9, 12} {
		c := code[:n] + strings.Repeat("0", 12-n)
		if len(out) > 0 && out[len(out)-1] == c {
			continue
		}
		out = append(out, c)
		if c == code {
			break
		}
	}
	return out
}

// Set records the value of a measure (by its stored key) at a division, in
// ctx's transaction, and moves the totals of the division and its ancestors
// by the difference. Ancestors are locked top first, so concurrent writers
// on PostgreSQL cannot deadlock on them.
func (s *Store) Set(ctx context.Context, key, code string, value int64) error {
	if !db.InTx(ctx) {
		return s.DB.WithTx(ctx, func(ctx context.Context) error { return s.Set(ctx, key, code, value) })
	}
	return s.change(ctx, key, code, func(int64) int64 { return value })
}

// Add moves the value of a measure at a division by delta (a count of
// events: a request received, a visit made), under the same lock as Set.
func (s *Store) Add(ctx context.Context, key, code string, delta int64) error {
	if !db.InTx(ctx) {
		return s.DB.WithTx(ctx, func(ctx context.Context) error { return s.Add(ctx, key, code, delta) })
	}
	return s.change(ctx, key, code, func(old int64) int64 { return old + delta })
}

// change locks a value's row, computes the new value from the old, and
// writes it. On PostgreSQL, SELECT … FOR UPDATE locks nothing when there is
// no row yet, so two first writers would both read zero and one update
// would be lost: a missing row is first inserted (the insert waits for a
// concurrent first insert to commit) and read again under the lock.
func (s *Store) change(ctx context.Context, key, code string, next func(old int64) int64) error {
	q := s.DB.Q(ctx)
	read := func() (int64, error) {
		var v int64
		err := q.QueryRowContext(ctx, `SELECT value FROM measure_values WHERE measure = $1 AND division_code = $2`+s.DB.ForUpdate(), key, code).Scan(&v)
		return v, err
	}
	old, err := read()
	if db.IsNoRows(err) {
		if next(0) == 0 {
			return nil // zeros are not kept, and there is nothing to move
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO measure_values (measure, division_code, value) VALUES ($1, $2, 0)
			ON CONFLICT (measure, division_code) DO NOTHING`, key, code); err != nil {
			return errs.Internal("measure.Store.change: insert measure_values", err)
		}
		old, err = read()
	}
	if err != nil {
		return errs.Internal("measure.Store.change: read", err)
	}
	return s.write(ctx, key, code, old, next(old))
}

// write stores value (the row is locked) and moves the totals by value-old.
func (s *Store) write(ctx context.Context, key, code string, old, value int64) error {
	q := s.DB.Q(ctx)
	var err error
	delta := value - old
	if delta == 0 {
		if value == 0 {
			// Zeros are not kept (the row was made only to lock it).
			_, err = q.ExecContext(ctx, `DELETE FROM measure_values WHERE measure = $1 AND division_code = $2`, key, code)
			if err != nil {
				return errs.Internal("measure.Store.write: delete measure_values", err)
			}
		}
		return nil
	}
	if value == 0 {
		_, err = q.ExecContext(ctx, `DELETE FROM measure_values WHERE measure = $1 AND division_code = $2`, key, code)
	} else {
		_, err = q.ExecContext(ctx, `INSERT INTO measure_values (measure, division_code, value) VALUES ($1, $2, $3)
			ON CONFLICT (measure, division_code) DO UPDATE SET value = excluded.value`, key, code, value)
	}
	if err != nil {
		return errs.Internal("measure.Store.write", err)
	}
	for _, a := range ancestors(code) {
		// Only ancestors that are in the tree get a total (a city may be
		// imported without its province).
		if _, err := q.ExecContext(ctx, `INSERT INTO measure_totals (division_code, measure, value)
			SELECT code, $2, $3 FROM divisions WHERE code = $1
			ON CONFLICT (division_code, measure) DO UPDATE SET value = measure_totals.value + excluded.value`, a, key, delta); err != nil {
			return errs.Internal("measure.Store.write: insert measure_totals", fmt.Errorf("measure total %s at %s: %w", key, a, err))
		}
	}
	return nil
}

// Totals reads the totals of keys at codes: result[code][key]; missing
// values are zero.
func (s *Store) Totals(ctx context.Context, keys, codes []string) (map[string]map[string]int64, error) {
	out := make(map[string]map[string]int64, len(codes))
	for _, c := range codes {
		out[c] = map[string]int64{}
	}
	if len(keys) == 0 || len(codes) == 0 {
		return out, nil
	}
	// Batches keep the statement within every engine's parameter limits.
	const batch = 400
	for i := 0; i < len(codes); i += batch {
		part := codes[i:min(i+batch, len(codes))]
		args := make([]any, 0, len(part)+len(keys))
		ph := make([]string, len(part))
		for j, c := range part {
			args = append(args, c)
			ph[j] = fmt.Sprintf("$%d", len(args))
		}
		kph := make([]string, len(keys))
		for j, k := range keys {
			args = append(args, k)
			kph[j] = fmt.Sprintf("$%d", len(args))
		}
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, measure, value FROM measure_totals
			WHERE division_code IN (`+strings.Join(ph, ",")+`) AND measure IN (`+strings.Join(kph, ",")+`)`, args...)
		if err != nil {
			return nil, errs.Internal("measure.Store.Totals: select measure_totals", err)
		}
		for rows.Next() {
			var c, k string
			var v int64
			if err := rows.Scan(&c, &k, &v); err != nil {
				rows.Close()
				return nil, errs.Internal("measure.Store.Totals: select measure_totals", err)
			}
			out[c][k] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal("measure.Store.Totals: select measure_totals", err)
		}
	}
	return out, nil
}

// Rebuild replaces every value of one measure key with values (code →
// value) and recomputes its totals with set-based statements: for bulk
// loads (the demo, an import of thousands of rows) and repairs.
func (s *Store) Rebuild(ctx context.Context, key string, values map[string]int64) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		q := s.DB.Q(ctx)
		if _, err := q.ExecContext(ctx, `DELETE FROM measure_values WHERE measure = $1`, key); err != nil {
			return errs.Internal("measure.Store.Rebuild: delete measure_values", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM measure_totals WHERE measure = $1`, key); err != nil {
			return errs.Internal("measure.Store.Rebuild: delete measure_totals", err)
		}
		codes := make([]string, 0, len(values))
		for c, v := range values {
			if v != 0 {
				codes = append(codes, c)
			}
		}
		sort.Strings(codes)
		totals := map[string]int64{}
		rows := make([][3]any, 0, len(codes))
		for _, c := range codes {
			rows = append(rows, [3]any{key, c, values[c]})
			for _, a := range ancestors(c) {
				totals[a] += values[c]
			}
		}
		if err := s.insertMany(ctx, `INSERT INTO measure_values (measure, division_code, value) VALUES `, rows); err != nil {
			return err
		}
		// Only ancestors that exist get a total.
		known, err := s.existing(ctx, totals)
		if err != nil {
			return err
		}
		trows := make([][3]any, 0, len(known))
		for _, a := range known {
			trows = append(trows, [3]any{a, key, totals[a]})
		}
		return s.insertMany(ctx, `INSERT INTO measure_totals (division_code, measure, value) VALUES `, trows)
	})
}

// insertMany inserts rows of three values, many to a statement: a bulk load
// of thousands of rows is then a few statements, not thousands.
func (s *Store) insertMany(ctx context.Context, head string, rows [][3]any) error {
	const per = 500
	for i := 0; i < len(rows); i += per {
		part := rows[i:min(i+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, 3*len(part))
		for j, r := range part {
			if j > 0 {
				sb.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d)", n+1, n+2, n+3)
			args = append(args, r[0], r[1], r[2])
		}
		if _, err := s.DB.Q(ctx).ExecContext(ctx, sb.String(), args...); err != nil {
			return errs.Internal("measure.Store.insertMany: ExecContext", err)
		}
	}
	return nil
}

// existing returns, sorted, the codes among m's keys that are divisions.
func (s *Store) existing(ctx context.Context, m map[string]int64) ([]string, error) {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	var out []string
	const per = 500
	for i := 0; i < len(codes); i += per {
		part := codes[i:min(i+per, len(codes))]
		args := make([]any, len(part))
		ph := make([]string, len(part))
		for j, c := range part {
			args[j] = c
			ph[j] = fmt.Sprintf("$%d", j+1)
		}
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code FROM divisions WHERE code IN (`+strings.Join(ph, ",")+`) ORDER BY code`, args...)
		if err != nil {
			return nil, errs.Internal("measure.Store.existing: select divisions", err)
		}
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return nil, errs.Internal("measure.Store.existing: select divisions", err)
			}
			out = append(out, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal("measure.Store.existing: select divisions", err)
		}
	}
	return out, nil
}

// Values reads the stored values of a key under a code range, for the
// lists behind a number (which communities count, which do not).
func (s *Store) Values(ctx context.Context, key, lo, hi string) (map[string]int64, error) {
	return db.Map[string, int64](ctx, s.DB.Q(ctx), "measure.Store.Values: select measure_values", `SELECT division_code, value FROM measure_values
		WHERE measure = $1 AND division_code BETWEEN $2 AND $3`, key, lo, hi)
}
