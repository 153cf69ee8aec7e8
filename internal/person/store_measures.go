package person

import (
	"context"

	"shequ/internal/platform/errs"
)

// measureValues counts, per community in [lo, hi], the people who are members of
// each measured group today. A community with nobody is absent.
func (s *Store) measureValues(ctx context.Context, lo, hi, today string) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{}
	for _, k := range measureOf {
		out[k] = map[string]int64{}
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT grp, community_code, count(DISTINCT person_id) FROM person_groups
		WHERE grp IN ($1, $2, $3) AND community_code BETWEEN $4 AND $5 AND start_date <= $6 AND (end_date IS NULL OR end_date >= $6)
		GROUP BY grp, community_code`, GroupElderly, GroupLeftBehind, GroupDisability, lo, hi, today)
	if err != nil {
		return nil, errs.Internal("person.Store.measureValues: select person_groups", err)
	}
	defer rows.Close()
	for rows.Next() {
		var g, code string
		var n int64
		if err := rows.Scan(&g, &code, &n); err != nil {
			return nil, errs.Internal("person.Store.measureValues: select person_groups", err)
		}
		out[measureOf[g]][code] = n
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("person.Store.measureValues: select person_groups", err)
	}
	return out, nil
}
