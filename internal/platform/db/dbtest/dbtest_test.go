package dbtest_test

import (
	"context"
	"testing"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

func open(t *testing.T, cfg db.Config) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func count(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.Writer().QueryRow(`SELECT COUNT(*) FROM settings WHERE key LIKE 'dbtest.%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func put(t *testing.T, d *db.DB, key string) {
	t.Helper()
	if _, err := d.Writer().Exec(`INSERT INTO settings (key, value) VALUES ($1, '1')`, key); err != nil {
		t.Fatal(err)
	}
}

// A copy of the template is migrated to the latest version, its own, and
// empty of what earlier tests wrote (on PostgreSQL its slot is used again:
// the subtests run one after another, so the second takes the first's).
func TestConfigIsFreshMigratedAndOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for i := range 3 {
		t.Run("run", func(t *testing.T) {
			a, b := open(t, dbtest.Config(t)), open(t, dbtest.Config(t))
			for _, d := range []*db.DB{a, b} {
				if n, err := d.Pending(ctx); err != nil || n != 0 {
					t.Fatalf("run %d: %d migrations pending (%v)", i, n, err)
				}
				if n := count(t, d); n != 0 {
					t.Fatalf("run %d: %d rows left by an earlier test", i, n)
				}
			}
			put(t, a, "dbtest.a")
			if count(t, a) != 1 || count(t, b) != 0 {
				t.Fatalf("run %d: a write to one database shows in the other", i)
			}
		})
	}
}

// A clone holds the source's rows and is its own from then on.
func TestCloneCopiesRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := dbtest.Config(t)
	src := open(t, cfg)
	put(t, src, "dbtest.one")
	put(t, src, "dbtest.two")
	if err := dbtest.Checkpoint(ctx, src); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	c := open(t, dbtest.Clone(t, cfg))
	if n := count(t, c); n != 2 {
		t.Fatalf("clone has %d of the 2 rows", n)
	}
	if n, err := c.Pending(ctx); err != nil || n != 0 {
		t.Fatalf("clone: %d migrations pending (%v)", n, err)
	}
	put(t, c, "dbtest.three")
	again := open(t, dbtest.Clone(t, cfg))
	if n := count(t, again); n != 2 {
		t.Fatalf("second clone has %d rows, want the source's 2", n)
	}
}

// Empty is not migrated: the tests of migrating start from nothing.
func TestEmptyIsUnmigrated(t *testing.T) {
	t.Parallel()
	d := open(t, dbtest.Empty(t))
	n, err := d.Migrate(context.Background())
	if err != nil || n == 0 {
		t.Fatalf("migrating an empty database applied %d (%v)", n, err)
	}
}
