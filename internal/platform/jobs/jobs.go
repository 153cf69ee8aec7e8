// Package jobs runs scheduled work safely with several nodes: before a run,
// a node takes the job's lease in the database, so only one node runs a
// job at a time, and a job whose node died is taken over when its lease
// runs out. A job that must catch up after downtime reads its own last run
// time (LastRun) and works from there.
package jobs

import (
	"context"
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
	Now    func() time.Time

	mu   sync.Mutex
	jobs []Job
}

// New makes a runner named after the host and process.
func New(d *db.DB) *Runner {
	host, _ := os.Hostname()
	return &Runner{DB: d, Holder: fmt.Sprintf("%s:%d:%x", host, os.Getpid(), rand.Uint32()), Tick: 15 * time.Second, Now: time.Now}
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
		ok, err := r.acquire(ctx, j)
		if err != nil {
			slog.Warn("job lease", "job", j.Name, "err", err)
			continue
		}
		if !ok {
			continue
		}
		jctx := auth.With(ctx, auth.SystemPrincipal)
		runErr := safeRun(jctx, j)
		if runErr != nil {
			slog.Error("job failed", "job", j.Name, "err", runErr)
		}
		r.release(ctx, j, runErr)
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

// lease is how long a run may take before another node may take over.
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

// acquire takes the job's lease if the job is due and no live lease is held.
func (r *Runner) acquire(ctx context.Context, j Job) (bool, error) {
	now := r.Now().UTC().Truncate(time.Microsecond)
	w := r.DB.Writer()
	if _, err := w.ExecContext(ctx, `INSERT INTO job_leases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, j.Name); err != nil {
		return false, err
	}
	res, err := w.ExecContext(ctx, `UPDATE job_leases SET holder = $1, lease_until = $2
		WHERE name = $3 AND (lease_until IS NULL OR lease_until < $4) AND (last_run_at IS NULL OR last_run_at <= $5)`,
		r.Holder, now.Add(lease(j)), j.Name, now, now.Add(-j.Every))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (r *Runner) release(ctx context.Context, j Job, runErr error) {
	now := r.Now().UTC().Truncate(time.Microsecond)
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
	}
	// A failed run is retried at the next tick after a short pause: keep
	// last_run_at, let the lease run for a minute.
	var err error
	if runErr == nil {
		_, err = r.DB.Writer().ExecContext(ctx, `UPDATE job_leases SET holder = '', lease_until = NULL, last_run_at = $1, last_error = ''
			WHERE name = $2 AND holder = $3`, now, j.Name, r.Holder)
	} else {
		_, err = r.DB.Writer().ExecContext(ctx, `UPDATE job_leases SET lease_until = $1, last_error = $2 WHERE name = $3 AND holder = $4`,
			now.Add(time.Minute), msg, j.Name, r.Holder)
	}
	if err != nil {
		slog.Warn("job release", "job", j.Name, "err", err)
	}
}

// LastRun returns when a job last finished well (zero if never).
func (r *Runner) LastRun(ctx context.Context, name string) (time.Time, error) {
	var t *time.Time
	err := r.DB.Q(ctx).QueryRowContext(ctx, `SELECT last_run_at FROM job_leases WHERE name = $1`, name).Scan(&t)
	if err != nil || t == nil {
		return time.Time{}, nil
	}
	return t.UTC(), nil
}
