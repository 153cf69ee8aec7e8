package indicator

import (
	"context"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// frozenKeys are the division|indicator keys frozen for a period's year.
func frozenKeys(ctx context.Context, d *db.DB, period string, year int) (map[string]bool, error) {
	return db.Set[string](ctx, d.Q(ctx), "indicator.frozenKeys", `SELECT division_code || '|' || indicator FROM indicator_frozen
		WHERE period_code = $1 AND year = $2`, period, year)
}

// saveFrozen stores a year-end value unless one is stored.
func saveFrozen(ctx context.Context, d *db.DB, period string, year int, f Frozen, by string, at time.Time) error {
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO indicator_frozen (period_code, year, indicator, division_code, numerator, denominator,
		value, status, obtained, frozen_by, frozen_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
		ON CONFLICT (period_code, year, division_code, indicator) DO NOTHING`, period, year, f.Indicator, f.Division, f.Numerator,
		f.Denominator, f.Value, f.Status, f.Obtained, by, at); err != nil {
		return errs.Internal("indicator.saveFrozen: insert indicator_frozen", err)
	}
	return nil
}

// frozenAt reads the frozen values of a period's year at codes: key
// division|indicator.
func frozenAt(ctx context.Context, d *db.DB, period string, year int, codes []string) (map[string]Frozen, error) {
	out := map[string]Frozen{}
	if len(codes) == 0 {
		return out, nil
	}
	args := []any{period, year}
	for _, c := range codes {
		args = append(args, c)
	}
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT indicator, division_code, numerator, denominator, value, status, obtained, frozen_at
		FROM indicator_frozen WHERE period_code = $1 AND year = $2 AND division_code IN (`+db.Placeholders(len(codes), 3)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("indicator.frozenAt: select indicator_frozen", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f Frozen
		if err := rows.Scan(&f.Indicator, &f.Division, &f.Numerator, &f.Denominator, &f.Value, &f.Status, &f.Obtained, &f.FrozenAt); err != nil {
			return nil, errs.Internal("indicator.frozenAt: scan indicator_frozen", err)
		}
		out[f.Division+"|"+f.Indicator] = f
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.frozenAt: select indicator_frozen", err)
	}
	return out, nil
}

// monthSnapshots reads every snapshot of a month: key division|indicator.
func monthSnapshots(ctx context.Context, d *db.DB, month string) (map[string]snapshot, error) {
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT division_code, indicator, numerator, denominator FROM indicator_snapshots WHERE month = $1`, month)
	if err != nil {
		return nil, errs.Internal("indicator.monthSnapshots: select indicator_snapshots", err)
	}
	defer rows.Close()
	out := map[string]snapshot{}
	for rows.Next() {
		var c, i string
		sn := snapshot{month: month}
		if err := rows.Scan(&c, &i, &sn.num, &sn.den); err != nil {
			return nil, errs.Internal("indicator.monthSnapshots: scan indicator_snapshots", err)
		}
		out[c+"|"+i] = sn
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.monthSnapshots: select indicator_snapshots", err)
	}
	return out, nil
}
