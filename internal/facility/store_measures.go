package facility

import (
	"context"

	"shequ/internal/platform/errs"
)

// inUse reads the in-use facilities of one division.
func (s *Store) inUse(ctx context.Context, code string) ([]counted, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT kind, floor_area, activity_area, terminals, open_8h, fitness_circle
		FROM facilities WHERE division_code = $1 AND status = $2`, code, InUse)
	if err != nil {
		return nil, errs.Internal("facility.Store.inUse: select facilities", err)
	}
	defer rows.Close()
	var out []counted
	for rows.Next() {
		var c counted
		if err := rows.Scan(&c.Kind, &c.Floor, &c.Activity, &c.Terminals, &c.Open8h, &c.FitnessCircle); err != nil {
			return nil, errs.Internal("facility.Store.inUse: select facilities", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// socialWorkStations counts the in-use social work stations whose division
// lies in [lo, hi].
func (s *Store) socialWorkStations(ctx context.Context, lo, hi string) (int, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM facilities WHERE division_code BETWEEN $1 AND $2
		AND kind = $3 AND status = $4`, lo, hi, socialWorkKind, InUse).Scan(&n); err != nil {
		return 0, errs.Internal("facility.Store.socialWorkStations: select facilities", err)
	}
	return n, nil
}

// inUseByDivision reads every in-use facility, by division.
func (s *Store) inUseByDivision(ctx context.Context) (map[string][]counted, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, kind, floor_area, activity_area, terminals, open_8h, fitness_circle
		FROM facilities WHERE status = $1`, InUse)
	if err != nil {
		return nil, errs.Internal("facility.Store.inUseByDivision: select facilities", err)
	}
	defer rows.Close()
	by := map[string][]counted{}
	for rows.Next() {
		var code string
		var c counted
		if err := rows.Scan(&code, &c.Kind, &c.Floor, &c.Activity, &c.Terminals, &c.Open8h, &c.FitnessCircle); err != nil {
			return nil, errs.Internal("facility.Store.inUseByDivision: scan facilities", err)
		}
		by[code] = append(by[code], c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("facility.Store.inUseByDivision: select facilities", err)
	}
	return by, nil
}
