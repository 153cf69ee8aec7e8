package stats

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/calendar"
	"shequ/internal/platform/measure"
	"shequ/internal/request"
)

// Job is the leased job that keeps the 三率 measures.
const Job = "request.stats_measures"

// TrendMonths is how many months the 三率 trend shows, and how far
// back the measures behind it are kept in step with the summary.
const TrendMonths = 12

// SyncMeasures recomputes the 三率 measures per community from the 三率
// summary, for this month, the previous one (late callbacks and deadlines
// passing move last month's figures most) and one older month of the
// trend in turn (by the minute of the run, so all are refreshed every ten
// runs), and this year's surveyed communities, and writes only the values
// that changed, in one transaction. The core's actions have no hook for a
// measure update in their transactions, so the figures the indicator
// engine and the trend read are at most a few job intervals behind; the
// stats pages and API read the table live. Before, only the two latest
// months were kept, so the trend showed nothing before them.
func (s *Service) SyncMeasures(ctx context.Context) (changed int, err error) {
	now := s.now().In(calendar.China)
	older := 2 + now.Minute()%(TrendMonths-2)
	return s.syncMonths(ctx, now, 0, 1, older)
}

// SyncAllMeasures recomputes the measures of every month of the
// trend (after a bulk load: the demo, an import).
func (s *Service) SyncAllMeasures(ctx context.Context) (changed int, err error) {
	back := make([]int, TrendMonths)
	for i := range back {
		back[i] = i
	}
	return s.syncMonths(ctx, s.now().In(calendar.China), back...)
}

// syncMonths syncs the months that many months before now. (The
// communities surveyed for satisfaction_survey_coverage were once counted
// here from callbacks; the survey slice keeps them now, from its rounds.)
func (s *Service) syncMonths(ctx context.Context, now time.Time, back ...int) (changed int, err error) {
	first := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, calendar.China)
	for _, b := range back {
		n, err := s.syncMonth(ctx, first.AddDate(0, -b, 0).Format("2006-01"))
		if err != nil {
			return changed, err
		}
		changed += n
	}
	return changed, nil
}

func (s *Service) syncMonth(ctx context.Context, month string) (int, error) {
	from, to, _ := request.MonthRange(month)
	units, err := s.Store.groups(ctx, 12, "000000000000", "999999999999", month, from, to, s.now())
	if err != nil {
		return 0, err
	}
	groups := map[string]StatsCounts{}
	for k, c := range units {
		code, _, _ := strings.Cut(k, ":")
		g := groups[code]
		g.add(c)
		groups[code] = g
	}
	want := map[string]map[string]int64{} // key → code → value
	for _, d := range Measures {
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
	return s.writeMeasures(ctx, want)
}

// writeMeasures sets the measures in want (key → community → value; a
// community missing from a key's map is 0), writing only what changed, in
// one transaction.
func (s *Service) writeMeasures(ctx context.Context, want map[string]map[string]int64) (int, error) {
	// What is stored now, so that the transaction writes only changes.
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	have, err := s.Store.measureValues(ctx, keys)
	if err != nil {
		return 0, err
	}
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
