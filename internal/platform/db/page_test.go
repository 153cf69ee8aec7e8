package db_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

func TestPage(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	scan := func(sc interface{ Scan(...any) error }) (*int, error) {
		var n int
		return &n, sc.Scan(&n)
	}
	for _, c := range []struct {
		limit, perPage, want int
		more                 bool
	}{{4, 3, 3, true}, {3, 3, 3, false}, {0, 3, 0, false}} {
		rows, err := d.Q(ctx).QueryContext(ctx, `SELECT divisions.level FROM divisions LIMIT 0`)
		if c.limit > 0 {
			rows, err = d.Q(ctx).QueryContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n`, c.limit)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, more, err := db.Page(rows, c.perPage, scan)
		if err != nil || len(got) != c.want || more != c.more || (len(got) > 0 && got[0] != 1) {
			t.Errorf("%d rows, %d a page: %v more=%v %v", c.limit, c.perPage, got, more, err)
		}
	}
}

// TestOpenPathWithURICharacters: a data folder whose name holds '#', '?'
// or '%' opens the file in it (the path is escaped in the SQLite URI).
func TestOpenPathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a#01?b%20c")
	d, err := db.Open(context.Background(), db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.W(context.Background()).ExecContext(context.Background(), `CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "shequ.db")); err != nil {
		t.Fatalf("the database is not in %s: %v", dir, err)
	}
}
