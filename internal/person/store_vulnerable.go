package person

import (
	"context"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// vulnerable lists the people of [lo, hi] (clipped to the caller's area)
// who need someone to reach them in an emergency, one row a person, with
// the first reason that applies: elderly living alone (living_alone),
// elderly unable to care for themselves (disabled, 失能), members of the
// disability group. The registry has no bedridden mark of its own.
func (s *Store) vulnerable(ctx context.Context, lo, hi, day string) ([]Vulnerable, error) {
	alo, ahi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi = max(lo, alo), min(hi, ahi)
	out := []Vulnerable{}
	if lo > hi {
		return out, nil
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT p.id, p.name, p.community_code,
		MIN(CASE WHEN g.grp = $1 AND (',' || g.kinds || ',') LIKE '%,living_alone,%' THEN 1
			WHEN g.grp = $1 AND (',' || g.kinds || ',') LIKE '%,disabled,%' THEN 2 ELSE 3 END)
		FROM person_groups g JOIN persons p ON p.id = g.person_id
		WHERE g.community_code BETWEEN $2 AND $3 AND g.start_date <= $4 AND (g.end_date IS NULL OR g.end_date >= $4)
			AND (g.grp = $5 OR (g.grp = $1 AND ((',' || g.kinds || ',') LIKE '%,living_alone,%' OR (',' || g.kinds || ',') LIKE '%,disabled,%')))
		GROUP BY p.id, p.name, p.community_code
		ORDER BY p.community_code, p.id`, GroupElderly, lo, hi, day, GroupDisability)
	if err != nil {
		return nil, errs.Internal("person.Store.vulnerable: select person_groups", err)
	}
	defer rows.Close()
	reasons := map[int]string{1: ReasonLivingAlone, 2: ReasonElderlyDisabled, 3: ReasonDisability}
	for rows.Next() {
		var v Vulnerable
		var r int
		if err := rows.Scan(&v.ID, &v.Name, &v.CommunityCode, &r); err != nil {
			return nil, errs.Internal("person.Store.vulnerable: scan", err)
		}
		v.Reason = reasons[r]
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("person.Store.vulnerable: rows", err)
	}
	return out, nil
}
