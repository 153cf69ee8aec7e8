package indicator

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// snapshotCodes lists the divisions snapshots are kept for: every one down
// to townships.
func snapshotCodes(ctx context.Context, d *db.DB) ([]string, error) {
	return db.Column[string](ctx, d.Q(ctx), "indicator.snapshotCodes", `SELECT code FROM divisions WHERE level <= $1 ORDER BY code`, division.Township)
}

// saveSnapshot writes (or replaces) one month's figure of an indicator at a
// division.
func saveSnapshot(ctx context.Context, d *db.DB, indicator, code, month string, num, den float64, at time.Time) error {
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO indicator_snapshots (indicator, division_code, month, numerator, denominator, taken_at)
		VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (division_code, indicator, month) DO UPDATE SET numerator = excluded.numerator,
		denominator = excluded.denominator, taken_at = excluded.taken_at`, indicator, code, month, num, den, at); err != nil {
		return errs.Internal("indicator.saveSnapshot", err)
	}
	return nil
}
