package account

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// bucket reads the address's bucket into tokens and last, leaving them as
// they are when it has none; on PostgreSQL the row stays locked until the
// transaction ends.
func (l *ipLimiter) bucket(ctx context.Context, ip string, tokens *float64, last *time.Time) error {
	err := l.DB.Q(ctx).QueryRowContext(ctx, `SELECT tokens, updated_at FROM signin_buckets WHERE client = $1`+l.DB.ForUpdate(), ip).
		Scan(tokens, last)
	if err != nil && !db.IsNoRows(err) {
		return errs.Internal("account.ipLimiter.bucket: select signin_buckets", err)
	}
	return nil
}

// setBucket stores the address's bucket.
func (l *ipLimiter) setBucket(ctx context.Context, ip string, tokens float64, at time.Time) error {
	_, err := l.DB.W(ctx).ExecContext(ctx, `INSERT INTO signin_buckets (client, tokens, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (client) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at`, ip, tokens, at)
	if err != nil {
		return errs.Internal("account.ipLimiter.setBucket: insert signin_buckets", err)
	}
	return nil
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
