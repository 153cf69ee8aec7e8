package division

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// The picker's reads: the whole tree, whoever asks (division names and
// codes are public), each bounded by a limit.

// PickSearch finds up to limit communities whose name contains q.
func (s *Store) PickSearch(ctx context.Context, q string, limit int) ([]Division, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions
		WHERE level = $1 AND name LIKE $2 ESCAPE '\' ORDER BY code LIMIT $3`, Community, db.Contains(q), limit)
	if err != nil {
		return nil, errs.Internal("division.Store.PickSearch: select", err)
	}
	return collect(rows)
}

// PickChildren lists up to limit divisions under parent ("": the roots).
func (s *Store) PickChildren(ctx context.Context, parent string, limit int) ([]Division, error) {
	var rows *sql.Rows
	var err error
	if parent == "" {
		rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE parent_code IS NULL ORDER BY code LIMIT $1`, limit)
	} else {
		rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE parent_code = $1 ORDER BY code LIMIT $2`, parent, limit)
	}
	if err != nil {
		return nil, errs.Internal("division.Store.PickChildren: select", err)
	}
	return collect(rows)
}

// PickGet reads one division; ENOTFOUND when there is none.
func (s *Store) PickGet(ctx context.Context, code string) (*Division, error) {
	d, err := scanDivision(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+divCols+` FROM divisions WHERE code = $1`, code))
	if err != nil {
		return nil, db.RowErr(err, "division.Store.PickGet: select", "division.not_found", code)
	}
	return d, nil
}

// PickAncestors returns the divisions above code (at level), top first.
func (s *Store) PickAncestors(ctx context.Context, code string, level int) ([]Division, error) {
	var args []any
	var ph []string
	for l := Province; l < level; l++ {
		args = append(args, ParentOf(code, l+1))
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	if len(args) == 0 {
		return nil, nil
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE code IN (`+strings.Join(ph, ",")+`) ORDER BY level`, args...)
	if err != nil {
		return nil, errs.Internal("division.Store.PickAncestors: select", err)
	}
	return collect(rows)
}

// PickNames returns the names of the given codes (at most a few dozen:
// the ancestors of one page of options).
func (s *Store) PickNames(ctx context.Context, codes map[string]bool) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	list := make([]string, 0, len(codes))
	for c := range codes {
		list = append(list, c)
	}
	slices.Sort(list)
	args := make([]any, len(list))
	ph := make([]string, len(list))
	for i, c := range list {
		args[i], ph[i] = c, fmt.Sprintf("$%d", i+1)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE code IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, errs.Internal("division.Store.PickNames: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, n string
		if err := rows.Scan(&c, &n); err != nil {
			return nil, errs.Internal("division.Store.PickNames: scan", err)
		}
		out[c] = n
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("division.Store.PickNames: rows", err)
	}
	return out, nil
}
