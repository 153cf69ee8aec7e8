package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/jobs"
)

// twoNodes opens one fresh database twice, as two serve processes would,
// with a runner on each and a short lease.
func twoNodes(t *testing.T, lease time.Duration) (*jobs.Runner, *jobs.Runner) {
	t.Helper()
	cfg := dbtest.Config(t)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	da := open()
	if _, err := da.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	a, b := jobs.New(da), jobs.New(open())
	a.Holder, b.Holder = "node-a", "node-b"
	a.Lease, b.Lease = lease, lease
	return a, b
}

// A job that runs for several leases keeps its lease: the heartbeat renews
// it, so the other node never runs the job meanwhile, and the job's ctx is
// not ended.
func TestLeaseIsRenewedWhileAJobRuns(t *testing.T) {
	// Long enough that a renewal every lease/3 arrives in time on a loaded
	// 2-core machine (at 300 ms one failed under a PostgreSQL suite run).
	const lease = 1500 * time.Millisecond
	a, b := twoNodes(t, lease)
	started := make(chan struct{})
	var runsA, runsB atomic.Int32
	var ctxErr error
	a.Every("test.long", time.Hour, func(ctx context.Context) error {
		runsA.Add(1)
		close(started)
		select {
		case <-time.After(3 * lease):
		case <-ctx.Done():
		}
		ctxErr = context.Cause(ctx)
		return nil
	})
	b.Every("test.long", time.Hour, func(ctx context.Context) error {
		runsB.Add(1)
		return nil
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.RunDue(context.Background())
	}()
	<-started
	for {
		b.RunDue(context.Background())
		select {
		case <-done:
		case <-time.After(lease / 5):
			continue
		}
		break
	}
	b.RunDue(context.Background()) // after the run: not due for an hour
	if runsA.Load() != 1 || runsB.Load() != 0 {
		t.Fatalf("runs: node A %d, node B %d; want 1 and 0", runsA.Load(), runsB.Load())
	}
	if ctxErr != nil {
		t.Fatalf("the long job's ctx ended: %v", ctxErr)
	}
	if last, err := a.LastRun(context.Background(), "test.long"); err != nil || last.IsZero() {
		t.Fatalf("last run not recorded: %v %v", last, err)
	}
}

// A node whose lease runs out while its job runs (a stalled node) notices:
// its job's ctx ends with ErrLeaseLost, its fenced writes are refused, and
// its release does not overwrite the run of the node that took over.
func TestLostLeaseStopsTheJobAndFencesItsWrites(t *testing.T) {
	const lease = 300 * time.Millisecond
	a, b := twoNodes(t, lease)
	ctx := context.Background()
	started, resume := make(chan struct{}), make(chan struct{})
	var causeA, fenceA error
	a.Every("test.fenced", time.Hour, func(ctx context.Context) error {
		close(started)
		<-resume
		<-ctx.Done()
		causeA = context.Cause(ctx)
		// Even a write that does not heed the ended ctx is fenced by the
		// lease row in its transaction.
		fenceA = a.DB.WithTx(context.WithoutCancel(ctx), func(ctx context.Context) error {
			if err := jobs.Fence(ctx); err != nil {
				return err
			}
			_, err := a.DB.W(ctx).ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('fenced', 'node-a')`)
			return err
		})
		return errors.New("node A's run failed late")
	})
	var fenceB error
	b.Every("test.fenced", time.Hour, func(ctx context.Context) error {
		fenceB = b.DB.WithTx(ctx, func(ctx context.Context) error { return jobs.Fence(ctx) })
		return nil
	})
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.RunDue(ctx)
	}()
	<-started
	// Node A stalls past its lease: as if its heartbeat could not reach the
	// database, the lease runs out.
	if _, err := b.DB.W(ctx).ExecContext(ctx, `UPDATE job_leases SET lease_until = `+b.DB.NowPlus("$1")+` WHERE name = 'test.fenced'`,
		int64(-1000)); err != nil {
		t.Fatal(err)
	}
	b.RunDue(ctx)
	close(resume)
	select {
	case <-done:
	case <-time.After(10 * lease):
		t.Fatal("node A's job went on after its lease was lost")
	}
	if fenceB != nil {
		t.Fatalf("node B's fence with a live lease: %v", fenceB)
	}
	if !errors.Is(causeA, jobs.ErrLeaseLost) {
		t.Fatalf("node A's job ctx ended with %v, want ErrLeaseLost", causeA)
	}
	if !errors.Is(fenceA, jobs.ErrLeaseLost) {
		t.Fatalf("node A's fenced write after losing its lease: %v, want ErrLeaseLost", fenceA)
	}
	var n int
	if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = 'fenced'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("fenced write stored %d rows (%v)", n, err)
	}
	var holder, lastErr string
	var token int64
	if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT holder, token, last_error FROM job_leases WHERE name = 'test.fenced'`).Scan(&holder, &token, &lastErr); err != nil {
		t.Fatal(err)
	}
	if holder != "" || token != 2 || lastErr != "" {
		t.Fatalf("lease after node B's run and node A's late end: holder %q token %d error %q; want node B's clean release with token 2",
			holder, token, lastErr)
	}
}
