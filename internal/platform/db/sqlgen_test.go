package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

func TestPlaceholders(t *testing.T) {
	for _, c := range []struct {
		n, start int
		want     string
	}{{0, 1, ""}, {1, 1, "$1"}, {3, 2, "$2,$3,$4"}, {2, 10, "$10,$11"}} {
		if got := db.Placeholders(c.n, c.start); got != c.want {
			t.Errorf("Placeholders(%d, %d) = %q, want %q", c.n, c.start, got, c.want)
		}
	}
}

// sqlgenTable makes a table with a unique key for the helpers to write to.
func sqlgenTable(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := d.W(ctx).ExecContext(ctx, `CREATE TABLE sqlgen_t (k INTEGER PRIMARY KEY, name TEXT NOT NULL, flag BOOLEAN NOT NULL, origin TEXT NOT NULL DEFAULT '')`); err != nil {
		t.Fatal(err)
	}
}

// sqlgenRows reads the table back as "k:name:flag:origin" in key order.
func sqlgenRows(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT k, name, flag, origin FROM sqlgen_t ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k int
		var name, origin string
		var flag bool
		if err := rows.Scan(&k, &name, &flag, &origin); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d:%s:%v:%s", k, name, flag, origin))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

// TestParamsAndValueRows runs the statements the helpers build on the
// engine under test: an IN list, and a multi-row insert with a fixed value
// in every row.
func TestParamsAndValueRows(t *testing.T) {
	d := dbtest.Open(t)
	sqlgenTable(t, d)
	ctx := context.Background()
	if got := d.Params(0); got != "" {
		t.Errorf("Params(0) = %q", got)
	}
	want := map[db.Dialect]string{db.SQLite: "(?,?,'x'),(?,?,'x')", db.Postgres: "($1,$2,'x'),($3,$4,'x')"}[d.Dialect]
	if got := d.ValueRows(2, 2, ",'x'"); got != want {
		t.Errorf("ValueRows(2, 2) on %s = %q, want %q", d.Dialect, got, want)
	}
	err := d.WithTx(ctx, func(ctx context.Context) error {
		_, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO sqlgen_t (k, name, flag, origin) VALUES `+d.ValueRows(3, 3, ",'bulk'"),
			1, "a", true, 2, "b", false, 3, "c", true)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := sqlgenRows(t, d); got != "1:a:true:bulk 2:b:false:bulk 3:c:true:bulk" {
		t.Errorf("after ValueRows insert: %s", got)
	}
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT name FROM sqlgen_t WHERE k IN (`+d.Params(2)+`) ORDER BY k`, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if strings.Join(names, ",") != "a,c" {
		t.Errorf("IN (Params(2)) found %v, want a,c", names)
	}
	var n int
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM sqlgen_t WHERE flag = `+d.Bool(true)).Scan(&n); err != nil || n != 2 {
		t.Errorf("flag = Bool(true): %d rows, %v; want 2", n, err)
	}
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM sqlgen_t WHERE flag = `+d.Bool(false)).Scan(&n); err != nil || n != 1 {
		t.Errorf("flag = Bool(false): %d rows, %v; want 1", n, err)
	}
}

// TestInsertRows inserts more rows than one statement takes, in a
// transaction and outside one, and counts those a conflict skipped.
func TestInsertRows(t *testing.T) {
	d := dbtest.Open(t)
	sqlgenTable(t, d)
	ctx := context.Background()
	const head, tail = `INSERT INTO sqlgen_t (k, name, flag) VALUES `, ` ON CONFLICT (k) DO NOTHING`
	rows := func(from, to int) [][]any {
		var out [][]any
		for k := from; k < to; k++ {
			out = append(out, []any{k, fmt.Sprint("n", k), k%2 == 0})
		}
		return out
	}
	var n int64
	err := d.WithTx(ctx, func(ctx context.Context) error {
		var err error
		n, err = d.InsertRows(ctx, head, 3, tail, rows(0, db.InsertBatch+7))
		return err
	})
	if err != nil || n != db.InsertBatch+7 {
		t.Fatalf("in a transaction: %d rows, %v; want %d", n, err, db.InsertBatch+7)
	}
	// Outside a transaction, overlapping the first: the old rows are skipped.
	n, err = d.InsertRows(ctx, head, 3, tail, rows(db.InsertBatch, 2*db.InsertBatch+3))
	if err != nil || n != db.InsertBatch+3-7 {
		t.Fatalf("outside a transaction: %d rows, %v; want %d", n, err, db.InsertBatch+3-7)
	}
	var count, evens int
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN flag THEN 1 ELSE 0 END), 0) FROM sqlgen_t`).Scan(&count, &evens); err != nil {
		t.Fatal(err)
	}
	if count != 2*db.InsertBatch+3 || evens != (2*db.InsertBatch+3+1)/2 {
		t.Errorf("%d rows, %d flagged; want %d, %d", count, evens, 2*db.InsertBatch+3, (2*db.InsertBatch+3+1)/2)
	}
	if n, err := d.InsertRows(ctx, head, 3, tail, nil); n != 0 || err != nil {
		t.Errorf("no rows: %d, %v", n, err)
	}
	if _, err := d.InsertRows(ctx, head, 3, tail, [][]any{{1, "x"}}); err == nil {
		t.Error("a row with too few values was accepted")
	}
	// A failing row fails the call and, in a transaction, writes nothing.
	err = d.WithTx(ctx, func(ctx context.Context) error {
		_, err := d.InsertRows(ctx, head, 3, "", [][]any{{-1, "new", true}, {0, "dup", true}})
		return err
	})
	if err == nil || !db.IsUniqueViolation(err) {
		t.Errorf("a duplicate key without ON CONFLICT: %v, want a unique violation", err)
	}
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM sqlgen_t WHERE k = -1`).Scan(&count); err != nil || count != 0 {
		t.Errorf("the failed transaction left %d rows (%v)", count, err)
	}
}

// TestGrowCache: on SQLite the cache is larger inside and back to its size
// after; on PostgreSQL it does nothing.
func TestGrowCache(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	err := d.WithTx(ctx, func(ctx context.Context) error {
		if d.Dialect != db.SQLite {
			d.GrowCache(ctx)()
			return nil
		}
		var before, during, after int64
		q := d.Q(ctx)
		if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&before); err != nil {
			return err
		}
		restore := d.GrowCache(ctx)
		if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&during); err != nil {
			return err
		}
		restore()
		if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&after); err != nil {
			return err
		}
		if during != -262144 || after != before {
			t.Errorf("cache_size %d, then %d, then %d", before, during, after)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[db.Dialect]string{db.SQLite: "SQLite " + d.Path, db.Postgres: "PostgreSQL"}[d.Dialect]; d.Describe() != want {
		t.Errorf("Describe() = %q, want %q", d.Describe(), want)
	}
}
