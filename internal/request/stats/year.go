package stats

import (
	"context"
	"fmt"

	"shequ/internal/platform/calendar"
)

// YearRates is the 三率 of a division in the caller's area over a year's
// months so far (every month for a past year): the counts of the months
// added up and the rates and composite computed from the sums (the
// assessment of communities reads it). Errors: those of Rates.
func (s *Service) YearRates(ctx context.Context, code string, year int) (StatsRow, error) {
	now := s.now().In(calendar.China)
	last := 12
	switch {
	case year > now.Year():
		last = 0
	case year == now.Year():
		last = int(now.Month())
	}
	var sum StatsCounts
	row := StatsRow{Code: code}
	for m := 1; m <= last; m++ {
		st, err := s.Rates(ctx, code, fmt.Sprintf("%04d-%02d", year, m), false)
		if err != nil {
			return row, err
		}
		sum.add(st.Division.StatsCounts)
		row.Name = st.Division.Name
	}
	row.StatsCounts = sum
	row.compute(s.Weights(ctx))
	return row, nil
}
