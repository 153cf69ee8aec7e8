// Package ratelimit bounds how often a key (an account, a client address)
// may do something, with token buckets kept in the database so that every
// node of a deployment counts the same attempts: a node's own memory would
// let each node allow its own burst.
//
// It is the sign-in limiter's mechanism (internal/account, table
// signin_buckets) made general: a Limiter names its table, which has the
// columns client (the key), tokens and updated_at, so the sign-in buckets
// can move onto it unchanged.
package ratelimit

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Table is the shared table of buckets (migration 00095); a key names what
// it counts, e.g. "person.search:user:17".
const Table = "rate_buckets"

// Limiter is a token bucket per key: burst tokens, one back every every.
// A use takes a token in one transaction (the row locked on PostgreSQL),
// so that parallel requests cannot slip past.
type Limiter struct {
	DB    *db.DB
	Table string
	Every time.Duration
	Burst float64
	Now   func() time.Time
}

// New makes a limiter over the shared table that allows n uses per window
// (a burst of n, refilled evenly over the window).
func New(d *db.DB, n int, window time.Duration) *Limiter {
	return &Limiter{DB: d, Table: Table, Every: window / time.Duration(n), Burst: float64(n), Now: time.Now}
}

// Take uses up a token of key, or reports that none is left. Inside a
// transaction it joins it.
func (l *Limiter) Take(ctx context.Context, key string) (bool, error) {
	ok := false
	err := l.change(ctx, key, func(tokens float64) float64 {
		if tokens < 1 {
			return tokens
		}
		ok = true
		return tokens - 1
	})
	return ok, err
}

// Give returns a token to key (a use that turned out not to count).
func (l *Limiter) Give(ctx context.Context, key string) error {
	return l.change(ctx, key, func(tokens float64) float64 { return min(tokens+1, l.Burst) })
}

// change refills key's bucket for the time passed and stores what f makes
// of it, in one transaction.
func (l *Limiter) change(ctx context.Context, key string, f func(float64) float64) error {
	return l.DB.WithTx(ctx, func(ctx context.Context) error {
		now := l.Now().UTC().Truncate(time.Microsecond)
		tokens, last := l.Burst, now
		err := l.DB.Q(ctx).QueryRowContext(ctx, `SELECT tokens, updated_at FROM `+l.Table+` WHERE client = $1`+l.DB.ForUpdate(), key).
			Scan(&tokens, &last)
		if err != nil && !db.IsNoRows(err) {
			return errs.Internal("ratelimit.Limiter.change: select", fmt.Errorf("ratelimit.read %s: %w", l.Table, err))
		}
		if d := now.Sub(last); d > 0 {
			tokens = min(tokens+float64(d)/float64(l.Every), l.Burst)
		}
		_, err = l.DB.W(ctx).ExecContext(ctx, `INSERT INTO `+l.Table+` (client, tokens, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (client) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`, key, f(tokens), now)
		if err != nil {
			return errs.Internal("ratelimit.Limiter.change: insert", fmt.Errorf("ratelimit.write %s: %w", l.Table, err))
		}
		return nil
	})
}

// Purge forgets the buckets of table untouched since before: they are full
// again by then if before is at least one window ago.
func Purge(ctx context.Context, d *db.DB, table string, before time.Time) (int64, error) {
	var n int64
	err := d.WithTx(ctx, func(ctx context.Context) error {
		res, err := d.W(ctx).ExecContext(ctx, `DELETE FROM `+table+` WHERE updated_at < $1`, before.UTC())
		if err != nil {
			return fmt.Errorf("ratelimit.purge %s: %w", table, err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
