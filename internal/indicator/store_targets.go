package indicator

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// target reads the target set for an indicator at a division in a year;
// ok is false when none is set.
func target(ctx context.Context, d *db.DB, indicator, code string, year int) (v float64, ok bool, err error) {
	err = d.Q(ctx).QueryRowContext(ctx, `SELECT value FROM indicator_targets WHERE indicator = $1 AND division_code = $2 AND year = $3`,
		indicator, code, year).Scan(&v)
	switch {
	case db.IsNoRows(err):
		return 0, false, nil
	case err != nil:
		return 0, false, errs.Internal("indicator.target: select indicator_targets", err)
	}
	return v, true, nil
}

// setTarget sets (or replaces) the target of an indicator at a division in
// a year.
func setTarget(ctx context.Context, d *db.DB, indicator, code string, year int, value float64, by string, at time.Time) error {
	if _, err := d.Q(ctx).ExecContext(ctx, `INSERT INTO indicator_targets (indicator, division_code, year, value, set_by, set_at)
		VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (indicator, division_code, year) DO UPDATE SET value = excluded.value,
		set_by = excluded.set_by, set_at = excluded.set_at`, indicator, code, year, value, by, at); err != nil {
		return errs.Internal("indicator.setTarget: insert indicator_targets", err)
	}
	return nil
}

// snapshot is one month's stored figures of an indicator at a division.
type snapshot struct {
	month    string
	num, den float64
}

// snapshotsOf reads the monthly snapshots of an indicator at a division,
// oldest first (ten years at most).
func snapshotsOf(ctx context.Context, d *db.DB, code, indicator string) ([]snapshot, error) {
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT month, numerator, denominator FROM indicator_snapshots
		WHERE division_code = $1 AND indicator = $2 ORDER BY month LIMIT 120`, code, indicator)
	if err != nil {
		return nil, errs.Internal("indicator.snapshotsOf: select indicator_snapshots", err)
	}
	defer rows.Close()
	var out []snapshot
	for rows.Next() {
		var sn snapshot
		if err := rows.Scan(&sn.month, &sn.num, &sn.den); err != nil {
			return nil, errs.Internal("indicator.snapshotsOf: scan indicator_snapshots", err)
		}
		out = append(out, sn)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.snapshotsOf: select indicator_snapshots", err)
	}
	return out, nil
}
