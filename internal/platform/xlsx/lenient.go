package xlsx

import (
	"context"
	"io"
	"slices"

	"shequ/internal/platform/errs"
)

// ReadLenient reads an upload as Read does but with no column required, so
// that an empty required cell is reported by the registry's own checks
// together with every other problem of its row instead of stopping the
// read; a required column missing from the header is still refused
// (EINVALID, row 1), as Read refuses it.
func (s *Spec) ReadLenient(ctx context.Context, r io.Reader) ([]Row, error) {
	c := *s
	c.Columns = slices.Clone(s.Columns)
	for i := range c.Columns {
		c.Columns[i].Required = false
	}
	rows, err := c.Read(ctx, r)
	if err != nil {
		return nil, err
	}
	var bad errs.Fields
	for _, col := range s.Columns {
		if col.Required && len(rows) > 0 && !rows[0].Has(col.Key) {
			bad = append(bad, rowErr(1, col.Key, "xlsx.missing_column"))
		}
	}
	return rows, bad.Err()
}

// SortByColumn puts a row's problems in the order of the sheet's columns
// (problems of fields that are no column last), keeping the order of those
// of one column.
func (s *Spec) SortByColumn(fs []errs.FieldError) {
	index := func(key string) int {
		for i, c := range s.Columns {
			if c.Key == key {
				return i
			}
		}
		return len(s.Columns)
	}
	slices.SortStableFunc(fs, func(a, b errs.FieldError) int { return index(a.Field) - index(b.Field) })
}
