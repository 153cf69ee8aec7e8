package worker

import (
	"context"
	"strconv"

	"shequ/internal/platform/measure"
)

// Measure names, as the indicator engine's formulas name them.
const (
	InPostUrban         = "worker.in_post_urban"         // workers in post today in urban communities
	WithDisasterOfficer = "worker.with_disaster_officer" // per community 0/1: an in-post disaster information officer
	LeadersInPost       = "worker.leaders_in_post"       // per year: secretaries and directors in post at any time in it
	LeadersTrained      = "worker.leaders_trained"       // per year: those of them trained in it
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: InPostUrban, Owner: "worker"},
	{Name: WithDisasterOfficer, Owner: "worker"},
	{Name: LeadersInPost, Owner: "worker", Periodic: true},
	{Name: LeadersTrained, Owner: "worker", Periodic: true},
}

// FirstYear is the first year whose leader measures are kept: the plan's
// baseline year. Earlier years are never read.
const FirstYear = 2020

const allLo, allHi = "000000000000", "999999999999"

// refresh recomputes the measures of some communities for today and the
// given years, in ctx's transaction, moving every ancestor's totals.
func (s *Service) refresh(ctx context.Context, codes map[string]bool, years map[int]bool) error {
	today := s.today()
	ys := []int{s.year()}
	for y := range years {
		if y >= FirstYear && y != ys[0] && y <= ys[0] {
			ys = append(ys, y)
		}
	}
	for code := range codes {
		vals, err := s.Store.measureValues(ctx, code, code, today, ys)
		if err != nil {
			return err
		}
		for key, m := range vals {
			if err := s.Measures.Set(ctx, key, code, m[code]); err != nil {
				return err
			}
		}
	}
	return nil
}

// yearsOf returns the years from from to to (to empty: this year), within
// the kept years.
func (s *Service) yearsOf(set map[int]bool, from, to string) {
	if len(from) < 4 {
		return
	}
	y0, _ := strconv.Atoi(from[:4])
	y1 := s.year()
	if len(to) >= 4 {
		if t, _ := strconv.Atoi(to[:4]); t < y1 {
			y1 = t
		}
	}
	for y := max(y0, FirstYear); y <= y1; y++ {
		set[y] = true
	}
}

// Reconcile brings every stored value of this slice's measures in line
// with the tables for today and this year, setting only what differs: the
// daily move of the date boundary (a worker whose time in post began or
// ended), a new year, and a division's kind changed by an import. With
// rebuild, every kept year is recomputed from scratch instead (bulk loads).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		years := []int{s.year()}
		if rebuild {
			years = years[:0]
			for y := FirstYear; y <= s.year(); y++ {
				years = append(years, y)
			}
		}
		vals, err := s.Store.measureValues(ctx, allLo, allHi, s.today(), years)
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, vals, rebuild)
	})
}
