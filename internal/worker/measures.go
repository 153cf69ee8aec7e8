package worker

import (
	"context"
	"strconv"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Measure names, as the indicator engine's formulas name them.
const (
	InPostUrban         = "worker.in_post_urban"         // workers in post today in urban communities
	WithDisasterOfficer = "worker.with_disaster_officer" // per community 0/1: an in-post disaster information officer
	LeadersInPost       = "worker.leaders_in_post"       // per year: secretaries and directors in post at any time in it
	LeadersTrained      = "worker.leaders_trained"       // per year: those of them trained in it
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: InPostUrban, Owner: "worker"},
	{Name: WithDisasterOfficer, Owner: "worker"},
	{Name: LeadersInPost, Owner: "worker", Periodic: true},
	{Name: LeadersTrained, Owner: "worker", Periodic: true},
}

// FirstYear is the first year whose leader measures are kept: the plan's
// baseline year. Earlier years are never read.
const FirstYear = 2020

const allLo, allHi = "000000000000", "999999999999"

// compute counts the measures of the communities in [lo, hi] from the
// tables: the standing ones for today, the yearly ones for years. A
// community with nothing to count is absent.
func (s *Service) compute(ctx context.Context, lo, hi, today string, years []int) (map[string]map[string]int64, error) {
	out := map[string]map[string]int64{InPostUrban: {}, WithDisasterOfficer: {}}
	q := s.DB.Q(ctx)
	rows, err := q.QueryContext(ctx, `SELECT w.community_code, d.kind, count(*), max(CASE WHEN w.disaster_officer THEN 1 ELSE 0 END)
		FROM workers w JOIN divisions d ON d.code = w.community_code
		WHERE w.community_code BETWEEN $1 AND $2 AND w.in_post_from <= $3 AND (w.in_post_to IS NULL OR w.in_post_to >= $3)
		GROUP BY w.community_code, d.kind`, lo, hi, today)
	if err != nil {
		return nil, errs.Internal("worker.Service.compute: select workers", err)
	}
	for rows.Next() {
		var code, kind string
		var n, officer int64
		if err := rows.Scan(&code, &kind, &n, &officer); err != nil {
			rows.Close()
			return nil, errs.Internal("worker.Service.compute: Scan", err)
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
		return nil, errs.Internal("worker.Service.compute: Err", err)
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
			return nil, errs.Internal("worker.Service.compute: select worker_trainings", err)
		}
		for rows.Next() {
			var code string
			var n, trained int64
			if err := rows.Scan(&code, &n, &trained); err != nil {
				rows.Close()
				return nil, errs.Internal("worker.Service.compute: Scan", err)
			}
			out[kIn][code] = n
			if trained > 0 {
				out[kTr][code] = trained
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Internal("worker.Service.compute: Err", err)
		}
	}
	return out, nil
}

// refresh recomputes the measures of some communities for today and the
// given years, in ctx's transaction, moving every ancestor's totals.
func (s *Service) refresh(ctx context.Context, codes map[string]bool, years map[int]bool) error {
	today := s.today()
	ys := []int{s.year()}
	for y := range years {
		if y >= FirstYear && y != ys[0] && y <= ys[0] {
			ys = append(ys, y)
		}
	}
	for code := range codes {
		vals, err := s.compute(ctx, code, code, today, ys)
		if err != nil {
			return err
		}
		for key, m := range vals {
			if err := s.Measures.Set(ctx, key, code, m[code]); err != nil {
				return err
			}
		}
	}
	return nil
}

// yearsOf returns the years from from to to (to empty: this year), within
// the kept years.
func (s *Service) yearsOf(set map[int]bool, from, to string) {
	if len(from) < 4 {
		return
	}
	y0, _ := strconv.Atoi(from[:4])
	y1 := s.year()
	if len(to) >= 4 {
		if t, _ := strconv.Atoi(to[:4]); t < y1 {
			y1 = t
		}
	}
	for y := max(y0, FirstYear); y <= y1; y++ {
		set[y] = true
	}
}

// Reconcile brings every stored value of this slice's measures in line
// with the tables for today and this year, setting only what differs: the
// daily move of the date boundary (a worker whose time in post began or
// ended), a new year, and a division's kind changed by an import. With
// rebuild, every kept year is recomputed from scratch instead (bulk loads).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		years := []int{s.year()}
		if rebuild {
			years = years[:0]
			for y := FirstYear; y <= s.year(); y++ {
				years = append(years, y)
			}
		}
		vals, err := s.compute(ctx, allLo, allHi, s.today(), years)
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, vals, rebuild)
	})
}
