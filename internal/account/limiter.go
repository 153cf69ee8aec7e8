package account

import (
	"context"
	"time"

	"shequ/internal/platform/db"
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
		if err := l.bucket(ctx, ip, &tokens, &last); err != nil {
			return err
		}
		if d := now.Sub(last); d > 0 {
			tokens = min(tokens+float64(d)/float64(l.every), l.burst)
		}
		return l.setBucket(ctx, ip, f(tokens), now)
	})
}
