package organization

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/measure"
)

// Measure names, as the indicator engine's formulas name them.
const (
	CountiesWithIncubationBase = "organization.counties_with_incubation_base" // per county 0/1
	FullTimeStaff              = "organization.full_time_staff"               // at the organisation's division
	WithDisabledAssociation    = "organization.with_disabled_association"     // per community 0/1
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: CountiesWithIncubationBase, Owner: "organization"},
	{Name: FullTimeStaff, Owner: "organization"},
	{Name: WithDisabledAssociation, Owner: "organization"},
}

// refresh recomputes, in ctx's transaction, the measures that an
// organisation at each of codes (of the given levels) moves: the staff at
// the division, the association at a community, the base at its county.
func (s *Service) refresh(ctx context.Context, codes map[string]int) error {
	for code, level := range codes {
		vals, err := s.Store.measureValues(ctx, code, code)
		if err != nil {
			return err
		}
		if err := s.Measures.Set(ctx, FullTimeStaff, code, vals[FullTimeStaff][code]); err != nil {
			return err
		}
		if level == 5 {
			if err := s.Measures.Set(ctx, WithDisabledAssociation, code, vals[WithDisabledAssociation][code]); err != nil {
				return err
			}
		}
		if level >= 3 {
			county := division.Code(code).County()
			lo, hi := division.Code(county).Range()
			cv, err := s.Store.measureValues(ctx, lo, hi)
			if err != nil {
				return err
			}
			if err := s.Measures.Set(ctx, CountiesWithIncubationBase, county, cv[CountiesWithIncubationBase][county]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Reconcile brings every stored value of this slice's measures in line
// with the table; with rebuild, it recomputes them from scratch (bulk
// loads), otherwise it sets only what differs (repairs).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		vals, err := s.Store.measureValues(ctx, "000000000000", "999999999999")
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, vals, rebuild)
	})
}
