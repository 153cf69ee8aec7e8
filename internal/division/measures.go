package division

import (
	"context"
	"math"

	"shequ/internal/platform/measure"
)

// Measures kept by this slice, from the tree and the communities' profiles.
// Areas are in hundredths of m², so sums stay exact.
var Measures = []measure.Def{
	{Name: "division.communities", Owner: "division"},
	{Name: "division.rural_communities", Owner: "division"},
	{Name: "division.urban_communities", Owner: "division"},
	{Name: "division.relocation_communities", Owner: "division"},
	{Name: "division.townships", Owner: "division"},
	{Name: "division.counties", Owner: "division"},
	{Name: "division.population", Owner: "division"},
	{Name: "division.urban_population", Owner: "division"},
	{Name: "division.households", Owner: "division"},
	{Name: "division.urban_population_urban", Owner: "division"},
	{Name: "division.building_area_urban", Owner: "division", Scale: 100},
	{Name: "division.commercial_area_urban", Owner: "division", Scale: 100},
	{Name: "division.rural_broadband", Owner: "division"},
	{Name: "division.rural_5g", Owner: "division"},
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func centi(v float64) int64 { return int64(math.Round(v * 100)) }

// communityMeasures are the values one community contributes.
func communityMeasures(kind string, p *Profile) map[string]int64 {
	rural, urban := kind == "rural", kind == "urban"
	m := map[string]int64{
		"division.communities":            1,
		"division.rural_communities":      b2i(rural),
		"division.urban_communities":      b2i(urban),
		"division.relocation_communities": 0,
		"division.population":             0,
		"division.urban_population":       0,
		"division.households":             0,
		"division.urban_population_urban": 0,
		"division.building_area_urban":    0,
		"division.commercial_area_urban":  0,
		"division.rural_broadband":        0,
		"division.rural_5g":               0,
	}
	if p == nil {
		return m
	}
	m["division.relocation_communities"] = b2i(p.Relocation)
	m["division.population"] = p.Population
	m["division.urban_population"] = p.UrbanPopulation
	m["division.households"] = p.Households
	if urban {
		m["division.urban_population_urban"] = p.UrbanPopulation
		m["division.building_area_urban"] = centi(p.BuildingArea)
		m["division.commercial_area_urban"] = centi(p.CommercialArea)
	}
	if rural {
		m["division.rural_broadband"] = b2i(p.Broadband)
		m["division.rural_5g"] = b2i(p.Has5G)
	}
	return m
}

// refreshCommunity writes a community's measures in ctx's transaction.
func (s *Service) refreshCommunity(ctx context.Context, kind, code string, p *Profile) error {
	for k, v := range communityMeasures(kind, p) {
		if err := s.Measures.Set(ctx, k, code, v); err != nil {
			return err
		}
	}
	return nil
}

// RebuildMeasures recomputes every measure of this slice from the tree and
// the profiles: after an import, and for the demo.
func (s *Service) RebuildMeasures(ctx context.Context) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		vals := map[string]map[string]int64{}
		for _, d := range Measures {
			vals[d.Name] = map[string]int64{}
		}
		err := s.Store.eachMeasured(ctx, func(code string, level int, kind string, p *Profile) {
			switch level {
			case County:
				vals["division.counties"][code] = 1
			case Township:
				vals["division.townships"][code] = 1
			case Community:
				for k, v := range communityMeasures(kind, p) {
					vals[k][code] = v
				}
			}
		})
		if err != nil {
			return err
		}
		for k, v := range vals {
			if err := s.Measures.Rebuild(ctx, k, v); err != nil {
				return err
			}
		}
		for _, l := range s.RebuildListeners {
			if err := l(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}
