package demo

import (
	"context"
	"time"

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
	figs, err := b.Indicators.SnapshotFigures(ctx)
	if err != nil {
		return err
	}
	eng := b.Indicators.Engine
	this, err := time.Parse("2006-01", eng.Period("month"))
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
	n, err := b.Indicators.SaveSnapshots(ctx, this.Format("2006-01"), figs)
	if err != nil {
		return err
	}
	for back := 1; back < 12; back++ {
		earlier := make(map[string][]indicator.Figure, len(figs))
		for c, fs := range figs {
			out := make([]indicator.Figure, 0, len(fs))
			for _, f := range fs {
				if f.Denominator == 0 {
					continue
				}
				f.Numerator *= 1 - dir[f.Indicator]*historyDrift*float64(back)
				out = append(out, f)
			}
			earlier[c] = out
		}
		k, err := b.Indicators.SaveSnapshots(ctx, this.AddDate(0, -back, 0).Format("2006-01"), earlier)
		if err != nil {
			return err
		}
		n += k
	}
	b.say("%d snapshots (%.1fs)\n", n, time.Since(start).Seconds())
	return nil
}
