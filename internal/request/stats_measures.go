package request

import (
	"context"
	"strings"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// StatsJob is the leased job that keeps the 三率 measures.
const StatsJob = "request.stats_measures"

// SyncStatsMeasures recomputes the 三率 measures of this month and the
// previous one (late callbacks and deadlines passing move last month's
// figures) per community from the requests table, and writes only the
// values that changed, in one transaction. The core's actions have no hook
// for a measure update in their transactions, so the figures the indicator
// engine reads are at most one job interval behind; the stats pages and
// API read the table live.
func (s *StatsService) SyncStatsMeasures(ctx context.Context) (changed int, err error) {
	now := s.now()
	for _, m := range []string{now.In(china).AddDate(0, -1, 0).Format("2006-01"), now.In(china).Format("2006-01")} {
		n, err := s.syncMonth(ctx, m)
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

func (s *StatsService) syncMonth(ctx context.Context, month string) (int, error) {
	from, to, _ := monthRange(month)
	groups, err := s.statsGroups(ctx, "r.division_code", "000000000000", "999999999999", from, to)
	if err != nil {
		return 0, err
	}
	want := map[string]map[string]int64{} // key → code → value
	for _, d := range StatsMeasures {
		want[measure.Key(d.Name, month)] = map[string]int64{}
	}
	for code, c := range groups {
		for name, v := range map[string]int64{
			MeasureTotal: c.Total, MeasureDueResponse: c.DueResponse, MeasureRespondedOnTime: c.RespondedOnTime,
			MeasureDueResolution: c.DueResolution, MeasureResolvedOnTime: c.ResolvedOnTime,
			MeasureValidCallbacks: c.ValidCallbacks, MeasureSatisfiedX10: 10*c.Satisfied + 9*c.Basically,
		} {
			if v != 0 {
				want[measure.Key(name, month)][code] = v
			}
		}
	}
	// What is stored now, so that the transaction writes only changes.
	have := map[string]map[string]int64{}
	args := []any{}
	ph := []string{}
	for k := range want {
		have[k] = map[string]int64{}
		args = append(args, k)
		ph = append(ph, "$"+itoa(len(args)))
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT measure, division_code, value FROM measure_values WHERE measure IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return 0, errs.Internal(err)
	}
	for rows.Next() {
		var k, c string
		var v int64
		if err := rows.Scan(&k, &c, &v); err != nil {
			rows.Close()
			return 0, errs.Internal(err)
		}
		have[k][c] = v
	}
	rows.Close()
	type set struct {
		key, code string
		v         int64
	}
	var sets []set
	for k, codes := range want {
		for c, v := range codes {
			if have[k][c] != v {
				sets = append(sets, set{k, c, v})
			}
		}
		for c := range have[k] {
			if _, ok := codes[c]; !ok {
				sets = append(sets, set{k, c, 0})
			}
		}
	}
	if len(sets) == 0 {
		return 0, nil
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, x := range sets {
			if err := s.Measures.Set(ctx, x.key, x.code, x.v); err != nil {
				return err
			}
		}
		return nil
	})
	return len(sets), err
}
