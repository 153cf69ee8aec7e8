package demo

import (
	"context"
	"time"

	"shequ/internal/ledger"
	"shequ/internal/request"
)

// ledger loads the 2021–2025 plan's special actions and projects into the
// task ledger (Builder.Ledger, when set). The seed names its lead and
// co-operating units by department name; those the request catalogue
// lacks are created first as city-level department units, so the seed's
// import finds every one (the import itself never creates units: it names
// the rows whose unit is missing).
func (b *Builder) ledger(ctx context.Context) error {
	if b.Ledger == nil {
		return nil
	}
	b.say("loading the plan's task ledger… ")
	city, err := b.cityCode(ctx)
	if err != nil || city == "" {
		return err
	}
	names, err := ledger.SeedUnits()
	if err != nil {
		return err
	}
	now := time.Now()
	for _, n := range names {
		ok, err := b.unitNamed(ctx, n)
		if err != nil {
			return err
		}
		if !ok {
			if _, err := b.insertUnit(ctx, n, request.UnitDepartment, city, now); err != nil {
				return err
			}
		}
	}
	_, err = b.Ledger.Seed(ctx)
	return err
}
