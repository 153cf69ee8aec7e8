package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"shequ/internal/platform/db"
)

// The lease rows' SQL. Every time is the database's clock (db.Now), so the
// nodes agree on when a lease runs out whatever their own clocks say.

// take takes the job's lease if the job is due and no live lease is held,
// with a new token; ok is false when another node holds it or the job is
// not due.
func (r *Runner) take(ctx context.Context, name string, every, lease time.Duration) (token int64, ok bool, err error) {
	d := r.DB
	w := d.Writer()
	if _, err := w.ExecContext(ctx, `INSERT INTO job_leases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, name); err != nil {
		return 0, false, fmt.Errorf("jobs.take %s: %w", name, err)
	}
	err = w.QueryRowContext(ctx, `UPDATE job_leases SET holder = $1, token = token + 1, lease_until = `+d.NowPlus("$2")+`
		WHERE name = $3 AND (lease_until IS NULL OR lease_until < `+d.Now()+`)
		  AND (last_run_at IS NULL OR last_run_at <= `+d.NowPlus("$4")+`)
		RETURNING token`, r.Holder, lease.Milliseconds(), name, -every.Milliseconds()).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("jobs.take %s: %w", name, err)
	}
	return token, true, nil
}

// renew extends a live lease this node holds with token; false when the
// lease was lost (run out, or taken over with a newer token).
func (r *Runner) renew(ctx context.Context, name string, token int64, lease time.Duration) (bool, error) {
	d := r.DB
	res, err := d.Writer().ExecContext(ctx, `UPDATE job_leases SET lease_until = `+d.NowPlus("$1")+`
		WHERE name = $2 AND holder = $3 AND token = $4 AND lease_until >= `+d.Now(),
		lease.Milliseconds(), name, r.Holder, token)
	if err != nil {
		return false, fmt.Errorf("jobs.renew %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// finish ends a successful run: the lease is freed and the run recorded.
// False when the lease had been lost meanwhile (nothing is written).
func (r *Runner) finish(ctx context.Context, name string, token int64) (bool, error) {
	d := r.DB
	res, err := d.Writer().ExecContext(ctx, `UPDATE job_leases SET holder = '', lease_until = NULL, last_run_at = `+d.Now()+`, last_error = ''
		WHERE name = $1 AND holder = $2 AND token = $3`, name, r.Holder, token)
	if err != nil {
		return false, fmt.Errorf("jobs.finish %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// fail ends a failed run: last_run_at is kept, and the lease runs on for
// pause, so the job is retried after a short wait. False when the lease
// had been lost meanwhile.
func (r *Runner) fail(ctx context.Context, name string, token int64, pause time.Duration, msg string) (bool, error) {
	d := r.DB
	res, err := d.Writer().ExecContext(ctx, `UPDATE job_leases SET lease_until = `+d.NowPlus("$1")+`, last_error = $2
		WHERE name = $3 AND holder = $4 AND token = $5`, pause.Milliseconds(), msg, name, r.Holder, token)
	if err != nil {
		return false, fmt.Errorf("jobs.fail %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// holds reports whether the lease with token is still live and this
// node's, in the transaction ctx carries (if any); on PostgreSQL it locks
// the lease row until that transaction ends, so nobody can take the lease
// over between the check and the commit.
func holds(ctx context.Context, d *db.DB, name, holder string, token int64) (bool, error) {
	var one int
	err := d.Q(ctx).QueryRowContext(ctx, `SELECT 1 FROM job_leases WHERE name = $1 AND holder = $2 AND token = $3
		AND lease_until >= `+d.Now()+d.ForUpdate(), name, holder, token).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("jobs.fence %s: %w", name, err)
	}
	return true, nil
}

// lastRun reads when a job last finished well (zero if never).
func (r *Runner) lastRun(ctx context.Context, name string) (time.Time, error) {
	var t *time.Time
	err := r.DB.Q(ctx).QueryRowContext(ctx, `SELECT last_run_at FROM job_leases WHERE name = $1`, name).Scan(&t)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && t == nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("jobs.lastRun %s: %w", name, err)
	}
	return t.UTC(), nil
}
