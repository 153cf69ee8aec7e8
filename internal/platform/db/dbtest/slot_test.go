package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
)

// A test may change the shape of its slot (the audit tests drop the
// append-only triggers); the next test to take that slot gets the
// template's shape back. Each change below is made alone, each to a slot
// of the template's shape, and each must be seen.
func TestChangedSlotIsMadeAgain(t *testing.T) {
	base, tmpl := pgTemplateFor(t)
	other, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, change := range []string{
		`CREATE INDEX dbtest_extra ON %s.settings (value)`,
		`DROP TRIGGER audit_log_no_update ON %s.audit_log`,
		`ALTER TABLE %s.settings ALTER COLUMN value DROP NOT NULL`,
		`ALTER TABLE %s.settings ADD COLUMN dbtest_extra text`,
		// A table of its own: the next test to make it would fail. With a
		// foreign key to a template table, the fill would fail to empty
		// that table.
		`CREATE TABLE %s.dbtest_extra (k text)`,
		`CREATE TABLE %[1]s.dbtest_extra (k text REFERENCES %[1]s.settings (key))`,
	} {
		var changed string
		t.Run("change", func(t *testing.T) {
			changed = claim(t, base, tmpl.schema)
			if _, err := conn.ExecContext(ctx, fmt.Sprintf(change, changed)); err != nil {
				t.Fatal(err)
			}
			shape, err := tmpl.shapeOf(ctx, conn, changed)
			if err != nil {
				t.Fatal(err)
			}
			if shape == tmpl.shape {
				t.Errorf("%s: the shape does not show it", change)
			}
		})
		t.Run("again", func(t *testing.T) {
			// Claims start from the lowest free slot and each holds its
			// own until this subtest ends: the changed one comes back
			// unless another binary took it meanwhile.
			for range 50 {
				s := claim(t, base, tmpl.schema)
				if s != changed {
					continue
				}
				shape, err := tmpl.shapeOf(ctx, conn, s)
				if err != nil {
					t.Fatal(err)
				}
				if shape != tmpl.shape {
					t.Fatalf("slot %s kept its changed shape after %s", s, change)
				}
				var n int
				if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
				JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND t.tgname = 'audit_log_no_update'`, s).Scan(&n); err != nil || n != 1 {
					t.Fatalf("slot %s: %d append-only triggers (%v)", s, n, err)
				}
				return
			}
			t.Skipf("slot %s was taken by another test binary", changed)
		})
	}
}
