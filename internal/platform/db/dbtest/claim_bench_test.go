package dbtest

import "testing"

// pgTemplateFor skips a test without PostgreSQL, and answers the server's
// URL as the tests connect to it and the migrated template.
func pgTemplateFor(t testing.TB) (base string, tmpl *pgTemplate) {
	t.Helper()
	if PostgresURL() == "" {
		t.Skip("SHEQU_TEST_POSTGRES not set: slots are PostgreSQL's")
	}
	base = noSyncCommit(PostgresURL())
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatal(err)
	}
	return base, tmpl
}

// iteration is one benchmark iteration as claim sees a test: its
// cleanups (giving the slot back) run when the iteration ends, not when
// the whole benchmark does, so every iteration takes a slot as a test
// would, one after another.
type iteration struct {
	testing.TB
	cleanups []func()
}

func (it *iteration) Cleanup(f func()) { it.cleanups = append(it.cleanups, f) }

func (it *iteration) end() {
	for i := len(it.cleanups) - 1; i >= 0; i-- {
		it.cleanups[i]()
	}
}

// BenchmarkClaim is a test's claim of a slot (take, check its shape,
// empty it and fill it from the template), one after another:
//
//	SHEQU_TEST_POSTGRES=… go test -run '^$' -bench Claim ./internal/platform/db/dbtest
func BenchmarkClaim(b *testing.B) {
	base, tmpl := pgTemplateFor(b)
	for b.Loop() {
		it := &iteration{TB: b}
		claim(it, base, tmpl.schema)
		it.end()
	}
}
