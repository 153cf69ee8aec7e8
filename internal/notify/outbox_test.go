package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/notify"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/jobs"
)

// outboxNodes: the fixture's database with pending messages, and the
// outbox job on two nodes over it (node A's sender stalls on its first
// message until released), with a short lease. sends counts each message's
// sends on either node.
type outboxNodes struct {
	e            *apptest.Env
	a, b         *jobs.Runner
	stalled      chan struct{} // closed when node A's first send has begun
	release      chan struct{} // close to let it finish
	mu           sync.Mutex
	sends        map[int64]int
	byB          int // sends on node B
	pendingAtRun int
}

func setupOutboxNodes(t *testing.T, lease time.Duration) *outboxNodes {
	e := apptest.New(t)
	ctx := e.Ctx
	for i := 0; i < 8; i++ {
		if err := e.App.DB.WithTx(ctx, func(ctx context.Context) error {
			return e.App.Notify.ToStaff(ctx, apptest.Township, string(auth.TownshipStaff),
				notify.Note{Key: "request.note.overdue", Args: []any{fmt.Sprintf("第%d条", i), "03-09 10:00"}})
		}); err != nil {
			t.Fatal(err)
		}
	}
	n := &outboxNodes{e: e, stalled: make(chan struct{}), release: make(chan struct{}), sends: map[int64]int{}}
	if err := e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM notify_outbox WHERE status = 'pending'`).Scan(&n.pendingAtRun); err != nil {
		t.Fatal(err)
	}
	record := func(m notify.Message) {
		n.mu.Lock()
		n.sends[m.ID]++
		n.mu.Unlock()
	}
	first := true
	stalling := notify.SenderFunc(func(_ context.Context, m notify.Message) error {
		record(m)
		if first {
			first = false
			close(n.stalled)
			<-n.release
		}
		return nil
	})
	plain := notify.SenderFunc(func(_ context.Context, m notify.Message) error {
		record(m)
		n.mu.Lock()
		n.byB++
		n.mu.Unlock()
		return nil
	})
	second := e.SecondNode()
	for i, node := range []struct {
		app    *apptest.Env
		sender notify.Sender
		runner **jobs.Runner
	}{{e, stalling, &n.a}, {second, plain, &n.b}} {
		o := notify.NewOutbox(node.app.App.DB, node.sender, nil, nil)
		r := jobs.New(node.app.App.DB)
		r.Holder, r.Lease = fmt.Sprintf("node-%c", 'a'+i), lease
		r.Every(notify.OutboxJob, 15*time.Second, func(ctx context.Context) error {
			_, err := o.Deliver(ctx, 500)
			return err
		})
		*node.runner = r
	}
	return n
}

// check: every message pending before the runs was sent exactly once, and
// is marked sent.
func (n *outboxNodes) check(t *testing.T) {
	t.Helper()
	dups, total := 0, 0
	for id, k := range n.sends {
		total += k
		if k > 1 {
			dups++
			t.Errorf("message %d sent %d times", id, k)
		}
	}
	if len(n.sends) != n.pendingAtRun {
		t.Errorf("%d messages sent, want the %d pending (%d sends in all, %d duplicated)", len(n.sends), n.pendingAtRun, total, dups)
	}
	var left int
	ctx := n.e.Ctx
	if err := n.e.App.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM notify_outbox WHERE status <> 'sent'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d messages not marked sent (%v)", left, err)
	}
}

// A sender that stalls on node A for several leases while node B runs the
// outbox job: node A's heartbeat keeps the job's lease, node B does not run
// it, and no message is sent twice.
func TestOutboxStalledSenderOnTwoNodesSendsEachOnce(t *testing.T) {
	// Long enough for the renewals on a loaded machine (see the jobs tests).
	const lease = 1500 * time.Millisecond
	n := setupOutboxNodes(t, lease)
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.a.RunDue(context.Background())
	}()
	<-n.stalled
	for end := time.Now().Add(3 * lease); time.Now().Before(end); time.Sleep(lease / 5) {
		n.b.RunDue(context.Background())
	}
	n.mu.Lock()
	byB := n.byB
	n.mu.Unlock()
	close(n.release)
	<-done
	if byB != 0 {
		t.Errorf("node B ran the outbox job while node A's run held it: %d sends", byB)
	}
	n.check(t)
}

// Node A's lease is lost while its sender stalls (the node was cut off
// longer than the lease): node B takes the job over and sends the other
// messages, but not the one node A claimed and is sending; node A finishes
// that one, notices the lost lease, and sends nothing more.
func TestOutboxLostLeaseDuringASendSendsEachOnce(t *testing.T) {
	const lease = 300 * time.Millisecond
	n := setupOutboxNodes(t, lease)
	ctx := n.e.Ctx
	done := make(chan struct{})
	go func() {
		defer close(done)
		n.a.RunDue(context.Background())
	}()
	<-n.stalled
	d := n.b.DB
	if _, err := d.W(ctx).ExecContext(ctx, `UPDATE job_leases SET lease_until = `+d.NowPlus("$1")+` WHERE name = $2`,
		int64(-1000), notify.OutboxJob); err != nil {
		t.Fatal(err)
	}
	n.b.RunDue(context.Background())
	n.mu.Lock()
	took := len(n.sends)
	n.mu.Unlock()
	if took < 2 {
		t.Fatalf("node B did not take the job over: %d messages sent", took)
	}
	close(n.release)
	<-done
	n.check(t)
}
