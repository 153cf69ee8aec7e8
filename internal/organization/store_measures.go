package organization

import (
	"context"

	"shequ/internal/platform/db"
)

// measureValues counts the measures from the active organisations whose division
// lies in [lo, hi]. Divisions with nothing to count are absent.
func (s *Store) measureValues(ctx context.Context, lo, hi string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{CountiesWithIncubationBase: {}, FullTimeStaff: {}, WithDisabledAssociation: {}}
	q := s.DB.Q(ctx)
	read := func(key, query string, args ...any) error {
		m, err := db.Map[string, int64](ctx, q, "organization.Store.measureValues: "+key, query, args...)
		for code, v := range m {
			if v != 0 {
				out[key][code] = v
			}
		}
		return err
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
