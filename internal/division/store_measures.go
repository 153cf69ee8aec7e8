package division

import (
	"context"

	"shequ/internal/platform/errs"
)

// eachMeasured calls fn with every county, township and community and, for
// a community with a profile, the profile (nil without one): what the
// slice's measures are counted from.
func (s *Store) eachMeasured(ctx context.Context, fn func(code string, level int, kind string, p *Profile)) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT d.code, d.level, d.kind, p.division_code IS NOT NULL,
		COALESCE(p.population, 0), COALESCE(p.urban_population, 0), COALESCE(p.households, 0),
		COALESCE(p.building_area, 0), COALESCE(p.commercial_area, 0), COALESCE(p.relocation, $1), COALESCE(p.broadband, $1), COALESCE(p.has_5g, $1)
		FROM divisions d LEFT JOIN community_profiles p ON p.division_code = d.code WHERE d.level >= $2`, false, County)
	if err != nil {
		return errs.Internal("division.Store.eachMeasured: select divisions", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, kind string
		var level int
		var has bool
		var p Profile
		if err := rows.Scan(&code, &level, &kind, &has, &p.Population, &p.UrbanPopulation, &p.Households,
			&p.BuildingArea, &p.CommercialArea, &p.Relocation, &p.Broadband, &p.Has5G); err != nil {
			return errs.Internal("division.Store.eachMeasured: scan divisions", err)
		}
		pp := &p
		if !has {
			pp = nil
		}
		fn(code, level, kind, pp)
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("division.Store.eachMeasured: select divisions", err)
	}
	return nil
}
