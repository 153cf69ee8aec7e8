package db

import (
	"context"

	"shequ/internal/platform/errs"
)

// The helpers here are the parts of a store's one-row reads and writes that
// every slice spelled alike: the not-found answer, the row lock, the
// existence check behind an audited refusal, and the versioned update.

// RowErr is the error of reading one row, as a store answers it: nil when
// there was a row, ENOTFOUND with key and args when there was none, and an
// internal error named by where otherwise.
func RowErr(err error, where, key string, args ...any) error {
	switch {
	case err == nil:
		return nil
	case IsNoRows(err):
		return errs.NotFound(key, args...)
	}
	return errs.Internal(where, err)
}

// LockOf is the suffix of a SELECT that reads a row the transaction in ctx
// is about to change: " FOR UPDATE OF alias" on PostgreSQL inside a
// transaction, nothing otherwise (see ForUpdate).
func (d *DB) LockOf(ctx context.Context, alias string) string {
	if !InTx(ctx) || d.ForUpdate() == "" {
		return ""
	}
	return " FOR UPDATE OF " + alias
}

// Exists reports whether table has a row with this id, whatever the
// caller's area; for auditing refusals only (an error reads as no row).
// table is the store's own constant, never user input.
func (d *DB) Exists(ctx context.Context, table string, id any) bool {
	var n int
	_ = d.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	return n > 0
}

// UpdateOne runs an UPDATE that must change exactly the one row the caller
// read, at the version it read (… WHERE id = … AND version = …): an error
// of the statement is internal, named by where, and no row changed is
// ECONFLICT (someone else changed it first). It runs in ctx's transaction,
// or alone on the writer.
func (d *DB) UpdateOne(ctx context.Context, where, query string, args ...any) error {
	res, err := d.W(ctx).ExecContext(ctx, query, args...)
	if err != nil {
		return errs.Internal(where, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

// Each runs query on q and calls fn with every row that scan reads, in
// order: an export's walk over a list. An error of the query, of a scan or
// of the rows is internal, named by where; an error of fn ends the walk
// and is returned as it is.
func Each[T any](ctx context.Context, q Querier, where, query string, args []any, scan func(interface{ Scan(...any) error }) (*T, error), fn func(*T) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return errs.Internal(where, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return errs.Internal(where, err)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal(where, err)
	}
	return nil
}
