package stats

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the stats' SQL: it reads the 三率 summary (request_stats, kept
// by the request slice), the requests not yet resolved, the settings, the
// division names and the unit names.
type Store struct {
	DB *db.DB
}

// weights reads the composite's weights from the settings; the defaults
// where a setting is missing or unreadable.
func (s *Store) weights(ctx context.Context) StatsWeights {
	w := DefaultStatsWeights
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT key, value FROM request_settings WHERE key IN ($1, $2, $3)`,
		SettingWeightResponse, SettingWeightResolution, SettingWeightSatisfaction)
	if err != nil {
		return w
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var v int64
		if rows.Scan(&k, &v) != nil || v < 0 {
			continue
		}
		switch k {
		case SettingWeightResponse:
			w.Response = v
		case SettingWeightResolution:
			w.Resolution = v
		case SettingWeightSatisfaction:
			w.Satisfaction = v
		}
	}
	return w
}

// groups counts a month's requests in [lo, hi] grouped by the first n
// digits of the community code and the unit (first receiver, else holder,
// 0 before dispatch), keyed "prefix:unit": what only grows is read from
// the summary (request/store_summary.go), what a passing deadline changes
// (by now) from the requests not yet resolved.
func (s *Store) groups(ctx context.Context, n int, lo, hi, month string, from, to, now time.Time) (map[string]StatsCounts, error) {
	out := map[string]StatsCounts{}
	prefix := "substr(division_code, 1, " + strconv.Itoa(n) + ")"
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+prefix+`, unit_id, SUM(total), SUM(responded), SUM(responded_on_time),
		SUM(resolved), SUM(resolved_on_time), SUM(valid_callbacks), SUM(satisfied), SUM(basically)
		FROM request_stats WHERE month = $1 AND division_code BETWEEN $2 AND $3 GROUP BY `+prefix+`, unit_id`, month, lo, hi)
	if err != nil {
		return nil, errs.Internal("stats.Store.groups: select request_stats", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var unit int64
		var c StatsCounts
		if err := rows.Scan(&k, &unit, &c.Total, &c.DueResponse, &c.RespondedOnTime, &c.DueResolution, &c.ResolvedOnTime,
			&c.ValidCallbacks, &c.Satisfied, &c.Basically); err != nil {
			return nil, errs.Internal("stats.Store.groups: scan request_stats", err)
		}
		// Responded and resolved are due already; the live part adds the
		// rest whose deadline has passed.
		out[k+":"+strconv.FormatInt(unit, 10)] = c
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("stats.Store.groups: read request_stats", err)
	}
	rows.Close()
	live, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+prefix+`, COALESCE(first_unit_id, unit_id, 0),
		SUM(CASE WHEN responded_at IS NULL AND response_due <= $1 THEN 1 ELSE 0 END),
		SUM(CASE WHEN resolution_due <= $1 THEN 1 ELSE 0 END)
		FROM requests WHERE resolved_at IS NULL AND created_at >= $2 AND created_at < $3
			AND division_code BETWEEN $4 AND $5 AND NOT excluded
		GROUP BY `+prefix+`, COALESCE(first_unit_id, unit_id, 0)`, now, from, to, lo, hi)
	if err != nil {
		return nil, errs.Internal("stats.Store.groups: select requests", err)
	}
	defer live.Close()
	for live.Next() {
		var k string
		var unit, resp, res int64
		if err := live.Scan(&k, &unit, &resp, &res); err != nil {
			return nil, errs.Internal("stats.Store.groups: scan requests", err)
		}
		key := k + ":" + strconv.FormatInt(unit, 10)
		c := out[key]
		c.DueResponse += resp
		c.DueResolution += res
		out[key] = c
	}
	if err := live.Err(); err != nil {
		return nil, errs.Internal("stats.Store.groups: read requests", err)
	}
	return out, nil
}

type divName struct{ Code, Name string }

// divisions reads a division's name and its children's; ENOTFOUND when
// there is no such division.
func (s *Store) divisions(ctx context.Context, code string) (divName, []divName, error) {
	var d divName
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT code, name FROM divisions WHERE code = $1`, code).Scan(&d.Code, &d.Name); err != nil {
		if db.IsNoRows(err) {
			return d, nil, errs.NotFound("request.stats.division_not_found", code)
		}
		return d, nil, errs.Internal("stats.Store.divisions: select division", err)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name FROM divisions WHERE parent_code = $1 ORDER BY code`, code)
	if err != nil {
		return d, nil, errs.Internal("stats.Store.divisions: select children", err)
	}
	defer rows.Close()
	var kids []divName
	for rows.Next() {
		var k divName
		if err := rows.Scan(&k.Code, &k.Name); err != nil {
			return d, nil, errs.Internal("stats.Store.divisions: scan children", err)
		}
		kids = append(kids, k)
	}
	if err := rows.Err(); err != nil {
		return d, nil, errs.Internal("stats.Store.divisions: read children", err)
	}
	return d, kids, nil
}

// unitNames reads every handling unit's name by id.
func (s *Store) unitNames(ctx context.Context) (map[int64]string, error) {
	return db.Map[int64, string](ctx, s.DB.Q(ctx), "stats.Store.unitNames: select request_units", `SELECT id, name FROM request_units`)
}

// measureValues reads the stored values of measure keys, key → community
// → value.
func (s *Store) measureValues(ctx context.Context, keys []string) (map[string]map[string]int64, error) {
	out := make(map[string]map[string]int64, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	args := make([]any, len(keys))
	ph := make([]string, len(keys))
	for i, k := range keys {
		out[k] = map[string]int64{}
		args[i], ph[i] = k, "$"+strconv.Itoa(i+1)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT measure, division_code, value FROM measure_values WHERE measure IN (`+
		strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, errs.Internal("stats.Store.measureValues: select measure_values", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, c string
		var v int64
		if err := rows.Scan(&k, &c, &v); err != nil {
			return nil, errs.Internal("stats.Store.measureValues: scan measure_values", err)
		}
		out[k][c] = v
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("stats.Store.measureValues: read measure_values", err)
	}
	return out, nil
}
