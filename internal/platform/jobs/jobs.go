// Package jobs runs scheduled work safely with several nodes: before a run,
// a node takes the job's lease in the database with a new token, so only
// one node runs a job at a time, and a job whose node died is taken over
// when its lease runs out. While the job runs a heartbeat renews the lease;
// renewals and the release are conditional on the token, and a node that
// finds its lease lost cancels the job's ctx (ErrLeaseLost). Lease times
// are the database's clock. A job whose writes must not be repeated by a
// second run fences them (Fence) or claims its work item by item. A job
// that must catch up after downtime reads its own last run time (LastRun)
// and works from there.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
)

// Job is one scheduled task.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// Runner runs jobs.
type Runner struct {
	DB     *db.DB
	Holder string // this node's name in leases
	Tick   time.Duration
	// Lease, when set, is every job's lease instead of lease(job); tests
	// shorten it. The lease is renewed every Lease/3 while a job runs.
	Lease time.Duration

	mu   sync.Mutex
	jobs []Job
}

// ErrLeaseLost is the cause of a job's ctx ending because its node no
// longer holds the job's lease (it ran out, or another node took it).
var ErrLeaseLost = errors.New("job lease lost")

// New makes a runner named after the host and process.
func New(d *db.DB) *Runner {
	host, _ := os.Hostname()
	return &Runner{DB: d, Holder: fmt.Sprintf("%s:%d:%x", host, os.Getpid(), rand.Uint32()), Tick: 15 * time.Second}
}

// Every registers a job.
func (r *Runner) Every(name string, every time.Duration, fn func(ctx context.Context) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.jobs = append(r.jobs, Job{Name: name, Every: every, Run: fn})
}

// Run checks the jobs every Tick until ctx ends.
func (r *Runner) Run(ctx context.Context) {
	t := time.NewTicker(r.Tick)
	defer t.Stop()
	for {
		r.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs, once, every job that is due and whose lease this node gets.
func (r *Runner) RunDue(ctx context.Context) {
	r.mu.Lock()
	jobs := append([]Job(nil), r.jobs...)
	r.mu.Unlock()
	for _, j := range jobs {
		if ctx.Err() != nil {
			return
		}
		r.runOne(ctx, j)
	}
}

// runOne takes the job's lease, runs the job while a heartbeat renews the
// lease every third of it, and releases the lease with its token. A lost
// lease ends the job's ctx (cause ErrLeaseLost) and its release writes
// nothing.
func (r *Runner) runOne(ctx context.Context, j Job) {
	l := r.leaseOf(j)
	token, ok, err := r.take(ctx, j.Name, j.Every, l)
	if err != nil {
		slog.Warn("job lease", "job", j.Name, "err", err)
		return
	}
	if !ok {
		return
	}
	ls := &Lease{Name: j.Name, Holder: r.Holder, Token: token, db: r.DB}
	jctx, cancel := context.WithCancelCause(context.WithValue(auth.With(ctx, auth.SystemPrincipal), leaseKey{}, ls))
	beat := make(chan struct{})
	go func() {
		defer close(beat)
		r.heartbeat(jctx, j.Name, token, l, cancel)
	}()
	runErr := safeRun(jctx, j)
	lost := context.Cause(jctx) == ErrLeaseLost
	cancel(nil)
	<-beat
	if runErr != nil {
		slog.Error("job failed", "job", j.Name, "err", runErr)
	}
	if lost {
		slog.Error("job lease lost while running; another node may run it", "job", j.Name, "token", token)
		return
	}
	r.release(ctx, j, token, runErr)
}

// heartbeat renews the lease every l/3 until ctx ends. When a renewal finds
// the lease lost, or no renewal has succeeded for a whole lease (the
// database unreachable: the lease may have run out), it cancels the job
// with ErrLeaseLost.
func (r *Runner) heartbeat(ctx context.Context, name string, token int64, l time.Duration, cancel context.CancelCauseFunc) {
	t := time.NewTicker(l / 3)
	defer t.Stop()
	lastOK := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		started := time.Now()
		ok, err := r.renew(ctx, name, token, l)
		switch {
		case err == nil && ok:
			lastOK = started
		case err == nil && !ok:
			cancel(ErrLeaseLost)
			return
		case ctx.Err() != nil:
			return
		default:
			slog.Warn("job lease renewal", "job", name, "err", err)
			if time.Since(lastOK) >= l {
				cancel(ErrLeaseLost)
				return
			}
		}
	}
}

func safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx)
}

func (r *Runner) leaseOf(j Job) time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return lease(j)
}

// lease is how long a run may go without renewing its lease before another
// node may take over; the heartbeat renews it while the job runs.
func lease(j Job) time.Duration {
	l := j.Every
	if l > 30*time.Minute {
		l = 30 * time.Minute
	}
	if l < time.Minute {
		l = time.Minute
	}
	return l
}

func (r *Runner) release(ctx context.Context, j Job, token int64, runErr error) {
	// A failed run is retried at the next tick after a short pause: keep
	// last_run_at, let the lease run for a minute.
	var ok bool
	var err error
	if runErr == nil {
		ok, err = r.finish(ctx, j.Name, token)
	} else {
		msg := runErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		ok, err = r.fail(ctx, j.Name, token, time.Minute, msg)
	}
	if err != nil {
		slog.Warn("job release", "job", j.Name, "err", err)
	} else if !ok {
		slog.Error("job lease lost before its release; another node may run it", "job", j.Name, "token", token)
	}
}

// LastRun returns when a job last finished well (zero if never).
func (r *Runner) LastRun(ctx context.Context, name string) (time.Time, error) {
	return r.lastRun(ctx, name)
}

// Lease is the lease a running job holds; its ctx carries it (FromContext).
type Lease struct {
	Name   string
	Holder string
	Token  int64
	db     *db.DB
}

type leaseKey struct{}

// FromContext returns the lease of the job ctx runs in, if any.
func FromContext(ctx context.Context) (*Lease, bool) {
	l, ok := ctx.Value(leaseKey{}).(*Lease)
	return l, ok && l != nil
}

// Fence checks, in the transaction ctx carries, that the job ctx runs in
// still holds its lease: a job calls it in the transaction of a write that
// another node's run must not repeat, and the write is refused (ErrLeaseLost)
// when the lease was lost. On PostgreSQL the lease row stays locked until
// the transaction ends, so the lease cannot change hands before the commit;
// on SQLite the one writer already excludes it. Outside a job it does
// nothing.
func Fence(ctx context.Context) error {
	l, ok := FromContext(ctx)
	if !ok {
		return nil
	}
	if err := context.Cause(ctx); errors.Is(err, ErrLeaseLost) {
		return ErrLeaseLost
	}
	held, err := holds(ctx, l.db, l.Name, l.Holder, l.Token)
	if err != nil {
		return err
	}
	if !held {
		return ErrLeaseLost
	}
	return nil
}
