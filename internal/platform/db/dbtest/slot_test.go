package dbtest

import (
	"database/sql"
	"testing"
)

// A test may change the shape of its slot (the audit tests drop the
// append-only triggers); the next test to take that slot gets the
// template's shape back.
func TestChangedSlotIsMadeAgain(t *testing.T) {
	if PostgresURL() == "" {
		t.Skip("SHEQU_TEST_POSTGRES not set: slots are PostgreSQL's")
	}
	base := noSyncCommit(PostgresURL())
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var changed string
	t.Run("change", func(t *testing.T) {
		changed = claim(t, base, tmpl.schema)
		for _, q := range []string{
			`CREATE INDEX dbtest_extra ON ` + changed + `.settings (value)`,
			`DROP TRIGGER audit_log_no_update ON ` + changed + `.audit_log`,
		} {
			if _, err := admin.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("again", func(t *testing.T) {
		// Claims start from the lowest free slot and each holds its own
		// until this subtest ends: the changed one comes back unless
		// another binary took it meanwhile.
		for range 50 {
			s := claim(t, base, tmpl.schema)
			if s != changed {
				continue
			}
			var shape string
			if err := admin.QueryRow(shapeQuery, s).Scan(&shape); err != nil {
				t.Fatal(err)
			}
			if shape != tmpl.shape {
				t.Fatalf("slot %s kept its changed shape", s)
			}
			var n int
			if err := admin.QueryRow(`SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
				JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND t.tgname = 'audit_log_no_update'`, s).Scan(&n); err != nil || n != 1 {
				t.Fatalf("slot %s: %d append-only triggers (%v)", s, n, err)
			}
			return
		}
		t.Skipf("slot %s was taken by another test binary", changed)
	})
}
