package account

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// ipLimiter bounds sign-in attempts per client address: 10 in a burst,
// then one every 6 seconds. An attempt takes a token before the password
// is checked (so that parallel requests cannot slip past) and a successful
// one gives it back, so that an office behind one address can still sign
// in at nine in the morning. The buckets live in the database, so that
// every node counts the same attempts; the per-account lockout is there
// too.
type ipLimiter struct {
	DB    *db.DB
	every time.Duration
	burst float64
	now   func() time.Time
}

func newIPLimiter(d *db.DB, every time.Duration, burst int) *ipLimiter {
	return &ipLimiter{DB: d, every: every, burst: float64(burst), now: time.Now}
}

// Take uses up an attempt of the address, or reports that none is left.
func (l *ipLimiter) Take(ctx context.Context, ip string) (bool, error) {
	ok := false
	err := l.change(ctx, ip, func(tokens float64) float64 {
		if tokens < 1 {
			return tokens
		}
		ok = true
		return tokens - 1
	})
	return ok, err
}

// Give returns the attempt of a successful sign-in.
func (l *ipLimiter) Give(ctx context.Context, ip string) error {
	return l.change(ctx, ip, func(tokens float64) float64 { return min(tokens+1, l.burst) })
}

// change refills the address's bucket for the time passed and stores what
// f makes of it, in one transaction (the row locked on PostgreSQL).
func (l *ipLimiter) change(ctx context.Context, ip string, f func(float64) float64) error {
	return l.DB.WithTx(ctx, func(ctx context.Context) error {
		now := l.now().UTC().Truncate(time.Microsecond)
		tokens, last := l.burst, now
		err := l.DB.Q(ctx).QueryRowContext(ctx, `SELECT tokens, updated_at FROM signin_buckets WHERE client = $1`+l.DB.ForUpdate(), ip).
			Scan(&tokens, &last)
		if err != nil && !db.IsNoRows(err) {
			return errs.Internal("account.ipLimiter.change: select signin_buckets", err)
		}
		if d := now.Sub(last); d > 0 {
			tokens = min(tokens+float64(d)/float64(l.every), l.burst)
		}
		_, err = l.DB.W(ctx).ExecContext(ctx, `INSERT INTO signin_buckets (client, tokens, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (client) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`, ip, f(tokens), now)
		if err != nil {
			return errs.Internal("account.ipLimiter.change: insert signin_buckets", err)
		}
		return nil
	})
}

// PurgeSignInBuckets forgets the buckets untouched since before: they are
// full again by then (a bucket refills in a minute).
func PurgeSignInBuckets(ctx context.Context, d *db.DB, before time.Time) (int64, error) {
	var n int64
	err := d.WithTx(ctx, func(ctx context.Context) error {
		res, err := d.W(ctx).ExecContext(ctx, `DELETE FROM signin_buckets WHERE updated_at < $1`, before.UTC())
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
