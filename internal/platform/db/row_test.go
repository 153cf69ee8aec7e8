package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
)

// RowErr maps a one-row read's error: none, no row (ENOTFOUND with the
// key), anything else (internal, named).
func TestRowErr(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	var n int
	err := d.Q(ctx).QueryRowContext(ctx, `SELECT 1 WHERE 1 = 0`).Scan(&n)
	if e := errs.As(db.RowErr(err, "test: select", "x.not_found", 7)); e.Code != errs.ENOTFOUND || e.Key != "x.not_found" || len(e.Args) != 1 {
		t.Errorf("no row: %+v", e)
	}
	if err := db.RowErr(nil, "test: select", "x.not_found"); err != nil {
		t.Errorf("a row: %v", err)
	}
	if e := errs.As(db.RowErr(errors.New("boom"), "test: select", "x.not_found")); e.Code != errs.EINTERNAL || e.Err.Error() != "test: select: boom" {
		t.Errorf("failure: %+v", e)
	}
}

// Exists sees a row by id; UpdateOne changes one row or answers ECONFLICT;
// LockOf adds a lock only inside a transaction on PostgreSQL.
func TestExistsUpdateOneLockOf(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.W(ctx).ExecContext(ctx, `CREATE TABLE row_test (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO row_test (id, version) VALUES (1, 1)`); err != nil {
		t.Fatal(err)
	}
	if !d.Exists(ctx, "row_test", 1) || d.Exists(ctx, "row_test", 2) {
		t.Error("Exists: wrong answer")
	}
	if got := d.LockOf(ctx, "o"); got != "" {
		t.Errorf("LockOf outside a transaction: %q", got)
	}
	_ = d.WithTx(ctx, func(ctx context.Context) error {
		want := ""
		if d.Dialect == db.Postgres {
			want = " FOR UPDATE OF o"
		}
		if got := d.LockOf(ctx, "o"); got != want {
			t.Errorf("LockOf in a transaction: %q, want %q", got, want)
		}
		return nil
	})
	const bump = `UPDATE row_test SET version = version + 1 WHERE id = $1 AND version = $2`
	if err := d.UpdateOne(ctx, "test: update", bump, 1, 1); err != nil {
		t.Errorf("UpdateOne: %v", err)
	}
	if err := d.UpdateOne(ctx, "test: update", bump, 1, 1); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("UpdateOne, stale version: %v", err)
	}
	if errs.Code(d.UpdateOne(ctx, "test: update", `UPDATE no_such_table SET x = 1`)) != errs.EINTERNAL {
		t.Error("UpdateOne, bad statement: not internal")
	}
}

// Each hands fn every row in order; fn's error comes back as it is, a
// failing query as an internal error named by where.
func TestEach(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	const three = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n ORDER BY i`
	scan := func(s interface{ Scan(...any) error }) (*int64, error) {
		var v int64
		return &v, s.Scan(&v)
	}
	var got []int64
	err := db.Each(ctx, d.Q(ctx), "test: each", three, []any{3}, scan, func(v *int64) error { got = append(got, *v); return nil })
	if err != nil || len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("Each: %v %v", got, err)
	}
	stop := errs.Conflict("x.stop")
	if err := db.Each(ctx, d.Q(ctx), "test: each", three, []any{3}, scan, func(*int64) error { return stop }); err != stop {
		t.Errorf("fn's error: %v", err)
	}
	if e := errs.As(db.Each(ctx, d.Q(ctx), "test: each", `SELECT nothing FROM nowhere`, nil, scan, func(*int64) error { return nil })); e.Code != errs.EINTERNAL || !strings.HasPrefix(e.Err.Error(), "test: each: ") {
		t.Errorf("bad query: %+v", e)
	}
}
