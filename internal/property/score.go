package property

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// RatingKind is the kind under which residents rate a compound's property
// service (package rating).
const RatingKind = "property"

// RequestCounts are the counts the 三率 of a handling unit's requests are
// made of (package request's summary).
type RequestCounts struct {
	Total, DueResponse, RespondedOnTime, DueResolution, ResolvedOnTime, ValidCallbacks, Satisfied, Basically int64
}

// RequestRates reads the yearly counts of the requests first received (or
// held) by each of units, among requests in the division code (package
// request's 三率 summary, adapted in internal/app).
type RequestRates interface {
	UnitYear(ctx context.Context, code string, year int, units []int64) (map[int64]RequestCounts, error)
}

// Ratings counts the ratings of a kind in a year under a division, per
// subject and level (index 1 to 5) (package rating).
type Ratings interface {
	Levels(ctx context.Context, kind, code string, year int) (map[int64][6]int64, error)
}

// PropertyScore is a company's yearly score across its compounds in an area.
//
// The formula (docs/architecture.md, "Property management"):
//   - rating points R = the mean level of the residents' ratings of its
//     compounds' property service in the year × 20 (0–100);
//   - request points T = its handling unit's 三率 over the year's property
//     requests, weighted as the request slice weighs them: response 10,
//     resolution 50, satisfaction 40 (a rate without cases is left out and
//     the others reweighed);
//   - complaints C = the year's 差评 (不满意 or 非常不满意) of its compounds;
//   - score = 0.6 R + 0.4 T − min(20, 2 C), at least 0; with no ratings,
//     T stands for R; with no requests, R for T; with neither, no score.
type PropertyScore struct {
	CompanyID        int64    `json:"company_id"`
	Name             string   `json:"name"`
	Compounds        int      `json:"compounds"`
	Ratings          int64    `json:"ratings"`
	ByLevel          [6]int64 `json:"by_level" doc:"index 1 to 5"`
	AverageLevel     *float64 `json:"average_level"`
	Complaints       int64    `json:"complaints" doc:"差评 of its compounds"`
	Requests         int64    `json:"requests" doc:"property requests its unit received"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	RatingPoints     *float64 `json:"rating_points"`
	RequestPoints    *float64 `json:"request_points"`
	Score            *float64 `json:"score"`
	Rank             int      `json:"rank" doc:"by score in the area; 0 without a score"`
}

// PropertyScores is the yearly scores of the companies serving an area.
type PropertyScores struct {
	Division string          `json:"division"`
	Year     int             `json:"year"`
	Items    []PropertyScore `json:"items"`
}

func pct(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	v := math.Round(float64(num)*1000/float64(den)) / 10
	return &v
}

func round1(v float64) *float64 {
	v = math.Round(v*10) / 10
	return &v
}

// compute fills the points, the score from the counts.
func (sc *PropertyScore) compute(rc RequestCounts) {
	sc.Requests = rc.Total
	sc.ResponseRate = pct(rc.RespondedOnTime, rc.DueResponse)
	sc.ResolutionRate = pct(rc.ResolvedOnTime, rc.DueResolution)
	sc.SatisfactionRate = pct(10*rc.Satisfied+9*rc.Basically, 10*rc.ValidCallbacks)
	var sum int64
	for l := 1; l <= 5; l++ {
		sc.Ratings += sc.ByLevel[l]
		sum += int64(l) * sc.ByLevel[l]
	}
	sc.Complaints = sc.ByLevel[1] + sc.ByLevel[2]
	if sc.Ratings > 0 {
		avg := float64(sum) / float64(sc.Ratings)
		sc.AverageLevel = round1(avg)
		sc.RatingPoints = round1(avg * 20)
	}
	var wsum, w float64
	for _, r := range []struct {
		rate   *float64
		weight float64
	}{{sc.ResponseRate, 10}, {sc.ResolutionRate, 50}, {sc.SatisfactionRate, 40}} {
		if r.rate != nil {
			wsum += *r.rate * r.weight
			w += r.weight
		}
	}
	if w > 0 {
		sc.RequestPoints = round1(wsum / w)
	}
	var base float64
	switch {
	case sc.RatingPoints != nil && sc.RequestPoints != nil:
		base = 0.6**sc.RatingPoints + 0.4**sc.RequestPoints
	case sc.RatingPoints != nil:
		base = *sc.RatingPoints
	case sc.RequestPoints != nil:
		base = *sc.RequestPoints
	default:
		return
	}
	sc.Score = round1(math.Max(0, base-math.Min(20, 2*float64(sc.Complaints))))
}

// CompanyScores computes the yearly score of every company serving a
// compound under code (the caller's area when empty) and ranks them.
// Errors: EINVALID (year, division), ENOTFOUND (division outside the
// area), EFORBIDDEN.
func (s *Service) CompanyScores(ctx context.Context, code string, year int) (*PropertyScores, error) {
	p, err := auth.Require(ctx, ScoreRoles...)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "property.code_format"))
	}
	thisYear, _ := strconv.Atoi(s.Today()[:4])
	if year == 0 {
		year = thisYear
	}
	if year < 2000 || year > thisYear {
		return nil, errs.Invalid(errs.Field("year", "property.year_range", thisYear))
	}
	if _, err := s.Store.divisionLevel(ctx, code); err != nil {
		return nil, err
	}
	compounds, names, err := s.Store.servedCompounds(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &PropertyScores{Division: code, Year: year, Items: []PropertyScore{}}
	if len(compounds) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(compounds))
	for id := range compounds {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	units, err := s.Store.companyUnits(ctx, ids)
	if err != nil {
		return nil, err
	}
	levels := map[int64][6]int64{}
	if s.Ratings != nil {
		if levels, err = s.Ratings.Levels(ctx, RatingKind, code, year); err != nil {
			return nil, err
		}
	}
	counts := map[int64]RequestCounts{}
	if s.Rates != nil && len(units) > 0 {
		var us []int64
		for _, u := range units {
			us = append(us, u)
		}
		if counts, err = s.Rates.UnitYear(ctx, code, year, us); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		sc := PropertyScore{CompanyID: id, Name: names[id], Compounds: len(compounds[id])}
		for _, x := range compounds[id] {
			l := levels[x]
			for i := 1; i <= 5; i++ {
				sc.ByLevel[i] += l[i]
			}
		}
		var rc RequestCounts
		if u, ok := units[id]; ok {
			rc = counts[u]
		}
		sc.compute(rc)
		out.Items = append(out.Items, sc)
	}
	rankScores(out.Items)
	return out, nil
}

// rankScores ranks the scored companies, highest first (equal scores
// share a rank), the unscored after them by name.
func rankScores(items []PropertyScore) {
	slices.SortStableFunc(items, func(a, b PropertyScore) int {
		switch {
		case a.Score != nil && b.Score == nil:
			return -1
		case a.Score == nil && b.Score != nil:
			return 1
		case a.Score != nil && *a.Score != *b.Score:
			if *a.Score > *b.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	for i := range items {
		if items[i].Score == nil {
			continue
		}
		items[i].Rank = i + 1
		if i > 0 && items[i-1].Score != nil && *items[i-1].Score == *items[i].Score {
			items[i].Rank = items[i-1].Rank
		}
	}
}
