package volunteer

import (
	"context"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

func (s *Service) sums(ctx context.Context, q string) (map[string]map[string]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.sums: QueryContext", err)
	}
	defer rows.Close()
	out := map[string]map[string]int64{"": {}}
	for rows.Next() {
		var code, period string
		var n int64
		if err := rows.Scan(&code, &period, &n); err != nil {
			return nil, errs.Internal("volunteer.Service.sums: Scan", err)
		}
		if out[period] == nil {
			out[period] = map[string]int64{}
		}
		out[period][code] = n
	}
	return out, rows.Err()
}

// communityCounts counts a community's registered volunteers and those of
// them active (served since activeSince).
func (s *Service) communityCounts(ctx context.Context, code string) (registered, active int64, err error) {
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(CASE WHEN last_served >= $2 THEN 1 ELSE 0 END), 0)
		FROM volunteers WHERE community_code = $1`, code, s.activeSince()).Scan(&registered, &active); err != nil {
		return 0, 0, errs.Internal("volunteer.Service.communityCounts: select volunteers", err)
	}
	return registered, active, nil
}

// hoursIn sums the hours recorded in a community on the days [from, to].
func (s *Service) hoursIn(ctx context.Context, code, from, to string) (int64, error) {
	var sum int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT COALESCE(sum(hours_centi), 0) FROM volunteer_records
		WHERE community_code = $1 AND date BETWEEN $2 AND $3`, code, from, to).Scan(&sum); err != nil {
		return 0, errs.Internal("volunteer.Service.hoursIn: select volunteer_records", err)
	}
	return sum, nil
}

// activeByCommunity counts the active volunteers of every community.
func (s *Service) activeByCommunity(ctx context.Context) (map[string]int64, error) {
	return db.Map[string, int64](ctx, s.DB.Q(ctx), "volunteer.Service.activeByCommunity: select volunteers", `SELECT community_code, count(*) FROM volunteers WHERE last_served >= $1 GROUP BY community_code`, s.activeSince())
}

// registeredByCommunity counts the volunteers of every community, under
// the period "".
func (s *Service) registeredByCommunity(ctx context.Context) (map[string]map[string]int64, error) {
	return s.sums(ctx, `SELECT community_code, '', count(*) FROM volunteers GROUP BY community_code`)
}

// hoursByMonth sums the hours recorded in every community by month.
func (s *Service) hoursByMonth(ctx context.Context) (map[string]map[string]int64, error) {
	return s.sums(ctx, `SELECT community_code, substr(date, 1, 7), sum(hours_centi) FROM volunteer_records GROUP BY community_code, substr(date, 1, 7)`)
}

// areaAndChildren reads a division's name and its children (1,000 at
// most). ENOTFOUND when there is no such division.
func (s *Service) areaAndChildren(ctx context.Context, code string) (string, []ChildArea, error) {
	var name string
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&name); err != nil {
		return "", nil, errs.NotFound("volunteer.division_not_found", code)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code LIMIT 1000`, code)
	if err != nil {
		return "", nil, errs.Internal("volunteer.Service.areaAndChildren: select divisions", err)
	}
	defer rows.Close()
	var kids []ChildArea
	for rows.Next() {
		var c ChildArea
		if err := rows.Scan(&c.Code, &c.Name); err != nil {
			return "", nil, errs.Internal("volunteer.Service.areaAndChildren: Scan", err)
		}
		kids = append(kids, c)
	}
	return name, kids, nil
}

// setting reads a setting's value.
func (s *Service) setting(ctx context.Context, key string) (string, error) {
	var v string
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
		return "", errs.Internal("volunteer.Service.setting: select settings", err)
	}
	return v, nil
}

// setSetting sets a setting's value.
func (s *Service) setSetting(ctx context.Context, key, value string) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return errs.Internal("volunteer.Service.setSetting: insert settings", err)
	}
	return nil
}
