package division

import (
	"context"
	"fmt"

	"shequ/internal/platform/errs"
)

// all reads the whole tree, whatever the caller's area: an import compares
// the file with it.
func (s *Store) all(ctx context.Context) ([]Division, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+divCols+` FROM divisions`)
	if err != nil {
		return nil, errs.Internal("division.Store.all: select", err)
	}
	return collect(rows)
}

// importDivision inserts a division of an import, or replaces the one with
// its code.
func (s *Store) importDivision(ctx context.Context, d *importRow) error {
	var parent any
	if d.ParentCode != "" {
		parent = d.ParentCode
	}
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO divisions (code, name, level, kind, parent_code) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, kind = excluded.kind, parent_code = excluded.parent_code`,
		d.Code, d.Name, d.Level, d.Kind, parent); err != nil {
		return errs.Internal("division.Store.importDivision: insert divisions", fmt.Errorf("line %d: %w", d.line, err))
	}
	return nil
}
