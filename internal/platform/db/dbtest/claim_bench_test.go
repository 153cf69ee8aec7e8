package dbtest

import (
	"testing"
	"time"
)

func TestClaimTiming(t *testing.T) {
	if PostgresURL() == "" {
		t.Skip("pg")
	}
	base := noSyncCommit(PostgresURL())
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tables %d guarded %d seq %d", len(tmpl.tables), len(tmpl.guarded), len(tmpl.sequences))
	t0 := time.Now()
	for i := 0; i < 20; i++ {
		t.Run("c", func(t *testing.T) { claim(t, base, tmpl.schema) })
	}
	t.Logf("per claim %v", time.Since(t0)/20)
}
