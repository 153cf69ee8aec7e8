package demo

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/indicator"
)

// historyDrift is how much further from its target each earlier month of
// the demo's indicator history is, as a share of today's figure.
const historyDrift = 0.004

// indicatorHistory writes a year of monthly indicator snapshots down to
// townships, so the trend charts have a line: this month's figures as the
// snapshot job takes them, and for each of the eleven months before, the
// same figure a little further from its target (0.4 % of today's value a
// month), as a registry kept through the year would have shown. Synthetic,
// like the rest of the demo; a real deployment's history is the snapshot
// job's, month by month.
func (b *Builder) indicatorHistory(ctx context.Context) error {
	if b.Indicators == nil {
		return nil
	}
	start := time.Now()
	b.say("writing a year of indicator history… ")
	if _, err := b.Indicators.Snapshot(ctx); err != nil {
		return err
	}
	rows, err := b.DB.Q(ctx).QueryContext(ctx, `SELECT code FROM divisions WHERE level <= $1 ORDER BY code`, division.Township)
	if err != nil {
		return err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return err
		}
		codes = append(codes, c)
	}
	rows.Close()
	eng := b.Indicators.Engine
	figs, err := eng.Compute(ctx, codes, nil)
	if err != nil {
		return err
	}
	dir := map[string]float64{}
	for _, d := range eng.Defs {
		dir[d.Code] = 1
		if d.Direction == "at_most" {
			dir[d.Code] = -1
		}
	}
	this, err := time.Parse("2006-01", eng.Period("month"))
	if err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	n := 0
	err = b.DB.WithTx(ctx, func(ctx context.Context) error {
		for back := 1; back < 12; back++ {
			month := this.AddDate(0, -back, 0).Format("2006-01")
			for _, c := range codes {
				for _, f := range figs[c] {
					if f.Status == indicator.Awaiting || f.Denominator == 0 {
						continue
					}
					num := f.Numerator * (1 - dir[f.Indicator]*historyDrift*float64(back))
					if _, err := b.DB.W(ctx).ExecContext(ctx, `INSERT INTO indicator_snapshots (indicator, division_code, month, numerator, denominator, taken_at)
						VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (division_code, indicator, month) DO NOTHING`,
						f.Indicator, c, month, num, f.Denominator, now); err != nil {
						return err
					}
					n++
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.say("%d snapshots (%.1fs)\n", n, time.Since(start).Seconds())
	return nil
}
