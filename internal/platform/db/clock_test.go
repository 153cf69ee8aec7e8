package db_test

import (
	"context"
	"testing"
	"time"

	"shequ/internal/platform/db/dbtest"
)

// The database's clock (Now, NowPlus) compares with times the nodes wrote
// through the driver, and reads back as a time, on either engine: leases and
// claims written by the database and rows written by Go share one table.
func TestDatabaseClockComparesWithStoredTimes(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	stored := time.Now().UTC().Truncate(time.Microsecond)
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO job_leases (name, last_run_at, lease_until) VALUES ('clock', $1, `+d.NowPlus("$2")+`)`,
		stored, int64(90_000)); err != nil {
		t.Fatal(err)
	}
	var before, after, ahead, behind bool
	var until time.Time
	err := d.Q(ctx).QueryRowContext(ctx, `SELECT last_run_at > `+d.NowPlus("$1")+`, last_run_at < `+d.NowPlus("$2")+`,
		lease_until > `+d.NowPlus("$3")+`, lease_until < `+d.NowPlus("$4")+`, lease_until FROM job_leases WHERE name = 'clock'`,
		int64(-5_000), int64(5_000), int64(85_000), int64(95_000)).Scan(&before, &after, &ahead, &behind, &until)
	if err != nil {
		t.Fatal(err)
	}
	if !before || !after {
		t.Errorf("a time written now is not within 5 s of the database's now (after -5 s %v, before +5 s %v)", before, after)
	}
	if !ahead || !behind {
		t.Errorf("now + 90 s is not between now + 85 s and now + 95 s (%v %v)", ahead, behind)
	}
	if got := until.Sub(stored); got < 85*time.Second || got > 95*time.Second {
		t.Errorf("now + 90 s reads back as %v after the node's now", got)
	}
}
