package division

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"shequ/internal/platform/errs"
)

// Named returns the divisions at a level whose name is one of names,
// whatever the caller's area: names are public, and Open311 places a
// request by them before its area is checked. At most 50 are returned.
func (s *Store) Named(ctx context.Context, level int, names []string) ([]Division, error) {
	if len(names) == 0 {
		return nil, nil
	}
	args := []any{level}
	ph := make([]string, len(names))
	for i, n := range names {
		args = append(args, n)
		ph[i] = fmt.Sprintf("$%d", i+2)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE level = $1 AND name IN (`+strings.Join(ph, ",")+`)
		ORDER BY code LIMIT 50`, args...)
	if err != nil {
		return nil, errs.Internal("division.Store.Named: select divisions", err)
	}
	return collect(rows)
}

// Lineage returns the divisions above code (the top first), whatever the
// caller's area.
func (s *Store) Lineage(ctx context.Context, code string, level int) ([]Division, error) {
	var codes []any
	var ph []string
	for l := level - 1; l >= Province; l-- {
		codes = append(codes, ParentOf(code, l+1))
		ph = append(ph, fmt.Sprintf("$%d", len(codes)))
	}
	if len(codes) == 0 {
		return nil, nil
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions WHERE code IN (`+strings.Join(ph, ",")+`) ORDER BY level`, codes...)
	if err != nil {
		return nil, errs.Internal("division.Store.Lineage: select divisions", err)
	}
	return collect(rows)
}

// byCode returns one division by code whatever the caller's area, or nil.
func (s *Store) byCode(ctx context.Context, code string) (*Division, error) {
	d, err := scanDivision(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+divCols+` FROM divisions WHERE code = $1`, code))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, errs.Internal("division.Store.byCode: select divisions", err)
	}
	return d, nil
}
