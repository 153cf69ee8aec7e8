package organization

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
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

// compute counts the measures from the active organisations whose division
// lies in [lo, hi]. Divisions with nothing to count are absent.
func (s *Service) compute(ctx context.Context, lo, hi string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{CountiesWithIncubationBase: {}, FullTimeStaff: {}, WithDisabledAssociation: {}}
	q := s.DB.Q(ctx)
	read := func(key, query string, args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return errs.Internal("organization.Service.compute: QueryContext", err)
		}
		defer rows.Close()
		for rows.Next() {
			var code string
			var v int64
			if err := rows.Scan(&code, &v); err != nil {
				return errs.Internal("organization.Service.compute: Scan", err)
			}
			if v != 0 {
				out[key][code] = v
			}
		}
		return rows.Err()
	}
	if err := read(FullTimeStaff, `SELECT division_code, COALESCE(sum(full_time_staff), 0) FROM organizations
		WHERE status = $1 AND division_code BETWEEN $2 AND $3 GROUP BY division_code`, Active, lo, hi); err != nil {
		return nil, err
	}
	if err := read(WithDisabledAssociation, `SELECT o.division_code, 1 FROM organizations o JOIN divisions d ON d.code = o.division_code
		WHERE o.status = $1 AND o.type = $2 AND d.level = 5 AND o.division_code BETWEEN $3 AND $4 GROUP BY o.division_code`,
		Active, DisabledAssociation, lo, hi); err != nil {
		return nil, err
	}
	if err := read(CountiesWithIncubationBase, `SELECT substr(o.division_code, 1, 6) || '000000', 1 FROM organizations o
		JOIN divisions d ON d.code = o.division_code
		WHERE o.status = $1 AND o.incubation_base AND d.level >= 3 AND o.division_code BETWEEN $2 AND $3
		GROUP BY substr(o.division_code, 1, 6)`, Active, lo, hi); err != nil {
		return nil, err
	}
	return out, nil
}

// refresh recomputes, in ctx's transaction, the measures that an
// organisation at each of codes (of the given levels) moves: the staff at
// the division, the association at a community, the base at its county.
func (s *Service) refresh(ctx context.Context, codes map[string]int) error {
	for code, level := range codes {
		vals, err := s.compute(ctx, code, code)
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
			cv, err := s.compute(ctx, lo, hi)
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
		vals, err := s.compute(ctx, "000000000000", "999999999999")
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, vals, rebuild)
	})
}
