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
	t.Parallel()
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

// TestContainsAndForeignKeys: db.Contains matches %, _ and \ literally
// with ESCAPE '\' on both engines; a foreign-key violation is recognised
// on both engines (and a unique violation is not taken for one).
func TestContainsAndForeignKeys(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	for _, q := range []string{
		`CREATE TABLE kin (id INTEGER PRIMARY KEY, name TEXT UNIQUE)`,
		`CREATE TABLE kid (id INTEGER PRIMARY KEY, kin_id INTEGER NOT NULL REFERENCES kin (id))`,
		`INSERT INTO kin (id, name) VALUES (1, '满50%_减\免'), (2, '满500减'), (3, '满50元')`,
	} {
		if _, err := d.W(ctx).ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM kin WHERE name `+d.ILike()+` $1 ESCAPE '\'`, db.Contains(`50%_减\`)).Scan(&n); err != nil || n != 1 {
		t.Errorf("Contains matched %d rows (%v), want the one literal match", n, err)
	}
	_, err := d.W(ctx).ExecContext(ctx, `INSERT INTO kid (id, kin_id) VALUES (1, 99)`)
	if !db.IsForeignKeyViolation(err) {
		t.Errorf("a missing parent: %v, not recognised as a foreign-key violation", err)
	}
	_, err = d.W(ctx).ExecContext(ctx, `INSERT INTO kin (id, name) VALUES (4, '满500减')`)
	if db.IsForeignKeyViolation(err) || !db.IsUniqueViolation(err) {
		t.Errorf("a duplicate name: %v", err)
	}
}
