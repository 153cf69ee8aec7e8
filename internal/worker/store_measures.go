package worker

import (
	"context"
	"strconv"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// measureValues counts the measures of the communities in [lo, hi] from the
// tables: the standing ones for today, the yearly ones for years. A
// community with nothing to count is absent.
func (s *Store) measureValues(ctx context.Context, lo, hi, today string, years []int) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{InPostUrban: {}, WithDisasterOfficer: {}}
	q := s.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT w.community_code, d.kind, count(*), max(CASE WHEN w.disaster_officer THEN 1 ELSE 0 END)
		FROM workers w JOIN divisions d ON d.code = w.community_code
		WHERE w.community_code BETWEEN $1 AND $2 AND w.in_post_from <= $3 AND (w.in_post_to IS NULL OR w.in_post_to >= $3)
		GROUP BY w.community_code, d.kind`, lo, hi, today)
	if err != nil {
		return nil, errs.Internal("worker.Store.measureValues: select workers", err)
	}
	for rows.Next() {
		var code, kind string
		var n, officer int64
		if err := rows.Scan(&code, &kind, &n, &officer); err != nil {
			rows.Close()
			return nil, errs.Internal("worker.Store.measureValues: Scan", err)
		}
		if kind == "urban" {
			out[InPostUrban][code] = n
		}
		if officer > 0 {
			out[WithDisasterOfficer][code] = 1
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("worker.Store.measureValues: Err", err)
	}
	for _, y := range years {
		ys := strconv.Itoa(y)
		kIn, kTr := measure.Key(LeadersInPost, ys), measure.Key(LeadersTrained, ys)
		out[kIn], out[kTr] = map[string]int64{}, map[string]int64{}
		rows, err := q.QueryContext(ctx, `SELECT w.community_code, count(*), COALESCE(sum(CASE WHEN EXISTS (SELECT 1 FROM worker_trainings t
			WHERE t.worker_id = w.id AND t.date BETWEEN $3 AND $4) THEN 1 ELSE 0 END), 0)
			FROM workers w WHERE w.community_code BETWEEN $1 AND $2 AND w.post IN ($5, $6)
			AND w.in_post_from <= $4 AND (w.in_post_to IS NULL OR w.in_post_to >= $3)
			GROUP BY w.community_code`, lo, hi, ys+"-01-01", ys+"-12-31", PartySecretary, CommitteeDirector)
		if err != nil {
			return nil, errs.Internal("worker.Store.measureValues: select worker_trainings", err)
		}
		for rows.Next() {
			var code string
			var n, trained int64
			if err := rows.Scan(&code, &n, &trained); err != nil {
				rows.Close()
				return nil, errs.Internal("worker.Store.measureValues: Scan", err)
			}
			out[kIn][code] = n
			if trained > 0 {
				out[kTr][code] = trained
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal("worker.Store.measureValues: Err", err)
		}
	}
	return out, nil
}
