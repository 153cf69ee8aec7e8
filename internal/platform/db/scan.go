package db

import (
	"context"

	"shequ/internal/platform/errs"
)

// Map runs query on q and reads its rows of two columns into a map from
// the first to the second: counts by division code, names by id. where
// names the query in its internal errors ("care.Store.dueCounts: select
// care_tasks"). The map is empty, not nil, when there are no rows.
func Map[K comparable, V any](ctx context.Context, q Querier, where, query string, args ...any) (map[K]V, error) {
	out := map[K]V{}
	err := each(ctx, q, where, query, args, func(scan func(...any) error) error {
		var k K
		var v V
		if err := scan(&k, &v); err != nil {
			return err
		}
		out[k] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Set runs query on q and reads its rows of one column into a set: which
// ids or codes are there. where names the query in its internal errors.
func Set[K comparable](ctx context.Context, q Querier, where, query string, args ...any) (map[K]bool, error) {
	out := map[K]bool{}
	err := each(ctx, q, where, query, args, func(scan func(...any) error) error {
		var k K
		if err := scan(&k); err != nil {
			return err
		}
		out[k] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Column runs query on q and reads its rows of one column, in order (nil
// when there are none). where names the query in its internal errors.
func Column[T any](ctx context.Context, q Querier, where, query string, args ...any) ([]T, error) {
	var out []T
	err := each(ctx, q, where, query, args, func(scan func(...any) error) error {
		var v T
		if err := scan(&v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// each runs query and calls row for every row; an error of the query, of a
// scan or of the rows is an internal error named by where.
func each(ctx context.Context, q Querier, where, query string, args []any, row func(scan func(...any) error) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return errs.Internal(where, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return errs.Internal(where, err)
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal(where, err)
	}
	return nil
}
