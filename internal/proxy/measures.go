package proxy

import (
	"context"
	"time"

	"shequ/internal/platform/measure"
)

// CommunitiesOffering is the measure of the plan's proxy service coverage,
// kept per year (proxy.communities_offering@YYYY): 1 at a community that
// offers at least MinOffered services of the catalogue and received at
// least one case in the year.
const CommunitiesOffering = "proxy.communities_offering"

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: CommunitiesOffering, Owner: "proxy", Periodic: true, Remedy: "/proxy/offerings?community={code}"},
}

// refresh recomputes, in ctx's transaction, whether a community counts
// in the year of now.
func (s *Service) refresh(ctx context.Context, community string, now time.Time) error {
	y, from, to := year(now)
	vals, err := s.Store.coveredValues(ctx, community, community, from, to)
	if err != nil {
		return err
	}
	return s.Measures.Set(ctx, measure.Key(CommunitiesOffering, y), community, vals[community])
}

// Reconcile brings this year's measure in line with the tables (the job
// runs it hourly, so a new year starts from its own cases); with rebuild
// it recomputes the totals from scratch (bulk loads).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		y, from, to := year(s.now())
		vals, err := s.Store.coveredValues(ctx, "000000000000", "999999999999", from, to)
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, map[string]map[string]int64{measure.Key(CommunitiesOffering, y): vals}, rebuild)
	})
}
