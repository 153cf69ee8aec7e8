// Package stats reads the 三率 of resident requests (接诉即办): the
// response, resolution and satisfaction rates of a division and its
// handling units, from the summary the request slice keeps in every
// request's transaction; keeps them as measures for the indicator engine;
// and serves their page, export and API.
package stats

import (
	"context"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/request"
)

// The 三率 (response, resolution and satisfaction rates) of a month, read
// live (store.go) from a summary kept in every request's transaction
// (request/store_summary.go) and the requests not yet resolved, and kept
// as measures for the indicator engine by a leased job (SyncMeasures).
//
// Definitions, for requests that arrived in the month (China time) and
// were not excluded by an approved appeal:
//   - response rate = responded by the response deadline / due a response
//     (responded, or the response deadline has passed);
//   - resolution rate = resolved (replied) by the resolution deadline /
//     due resolution (resolved, or the resolution deadline has passed);
//   - satisfaction rate = (satisfied + 0.9 × basically satisfied) / valid
//     callbacks (the request's last callback or rating that reached the
//     resident, i.e. with a satisfaction);
//   - composite = the weighted mean of the three (default weights 10 / 50
//     / 40, settings stats_weight_*), over the rates that have a
//     denominator.

// Settings keys (request_settings) read by the stats.
const (
	SettingWeightResponse     = "stats_weight_response"
	SettingWeightResolution   = "stats_weight_resolution"
	SettingWeightSatisfaction = "stats_weight_satisfaction"
)

// Measures of the 三率, per community and month (request.x@YYYY-MM).
const (
	MeasureTotal           = "request.total"
	MeasureDueResponse     = "request.due_response"
	MeasureRespondedOnTime = "request.responded_on_time"
	MeasureDueResolution   = "request.due_resolution"
	MeasureResolvedOnTime  = "request.resolved_on_time"
	MeasureValidCallbacks  = "request.valid_callbacks"
	// MeasureSatisfiedX10 is 10 × satisfied + 9 × basically satisfied, so
	// that the satisfaction rate is exact in integers: it over 10 × valid.
	MeasureSatisfiedX10 = "request.satisfied_x10"
)

// Measures are the measures the stats job keeps.
var Measures = []measure.Def{
	{Name: MeasureTotal, Owner: "request", Periodic: true},
	{Name: MeasureDueResponse, Owner: "request", Periodic: true},
	{Name: MeasureRespondedOnTime, Owner: "request", Periodic: true},
	{Name: MeasureDueResolution, Owner: "request", Periodic: true},
	{Name: MeasureResolvedOnTime, Owner: "request", Periodic: true},
	{Name: MeasureValidCallbacks, Owner: "request", Periodic: true},
	{Name: MeasureSatisfiedX10, Owner: "request", Periodic: true},
}

// StatsWeights weigh the three rates in the composite.
type StatsWeights struct {
	Response     int64 `json:"response"`
	Resolution   int64 `json:"resolution"`
	Satisfaction int64 `json:"satisfaction"`
}

// DefaultStatsWeights are 10 / 50 / 40.
var DefaultStatsWeights = StatsWeights{Response: 10, Resolution: 50, Satisfaction: 40}

// StatsCounts are the counts the rates are made of.
type StatsCounts struct {
	Total           int64 `json:"total" doc:"requests that arrived in the month, not excluded"`
	DueResponse     int64 `json:"due_response" doc:"responded, or past the response deadline"`
	RespondedOnTime int64 `json:"responded_on_time"`
	DueResolution   int64 `json:"due_resolution" doc:"resolved, or past the resolution deadline"`
	ResolvedOnTime  int64 `json:"resolved_on_time"`
	ValidCallbacks  int64 `json:"valid_callbacks"`
	Satisfied       int64 `json:"satisfied"`
	Basically       int64 `json:"basically_satisfied"`
}

func (c *StatsCounts) add(o StatsCounts) {
	c.Total += o.Total
	c.DueResponse += o.DueResponse
	c.RespondedOnTime += o.RespondedOnTime
	c.DueResolution += o.DueResolution
	c.ResolvedOnTime += o.ResolvedOnTime
	c.ValidCallbacks += o.ValidCallbacks
	c.Satisfied += o.Satisfied
	c.Basically += o.Basically
}

// StatsRow is the 三率 of one division or unit; rates are percentages, nil
// when their denominator is zero.
type StatsRow struct {
	Code string `json:"code,omitempty" doc:"division code (division rows)"`
	// UnitID is set on unit rows (the first-receiving unit, else the
	// current one).
	UnitID int64  `json:"unit_id,omitempty"`
	Name   string `json:"name"`
	Month  string `json:"month,omitempty" doc:"trend rows"`
	StatsCounts
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
	Composite        *float64 `json:"composite"`
	Rank             int      `json:"rank,omitempty" doc:"by composite among the rows of its table with at least min_rank_sample requests; 0 for the others"`
}

func pct(num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	v := float64(num) * 100 / float64(den)
	return &v
}

func (r *StatsRow) compute(w StatsWeights) {
	r.ResponseRate = pct(r.RespondedOnTime, r.DueResponse)
	r.ResolutionRate = pct(r.ResolvedOnTime, r.DueResolution)
	r.SatisfactionRate = pct(10*r.Satisfied+9*r.Basically, 10*r.ValidCallbacks)
	r.compositeFrom(w)
}

// DefaultMinRankSample is how many requests in the month a division or unit
// needs to be ranked. With fewer, one unrated request scored 100 and ranked
// first; a rate of a handful of requests says little, so such rows show
// their rates but no rank, and sort after the ranked ones.
const DefaultMinRankSample = 10

// ranked says whether a row takes part in the ranking.
func ranked(r StatsRow, min int64) bool { return r.Composite != nil && r.Total >= min }

// rank numbers the rows with at least min requests and a composite by
// composite, highest first (equal composites share a rank); the others get 0.
func rank(rows []StatsRow, min int64) {
	for i := range rows {
		rows[i].Rank = 0
		if !ranked(rows[i], min) {
			continue
		}
		n := 1
		for j := range rows {
			if ranked(rows[j], min) && *rows[j].Composite > *rows[i].Composite+1e-9 {
				n++
			}
		}
		rows[i].Rank = n
	}
}

// Stats is the 三率 of a division in a month: its own, each child's, each
// handling unit's for requests in the division, and the last 12 months.
type Stats struct {
	Month   string       `json:"month"`
	Weights StatsWeights `json:"weights"`
	// MinRankSample: rows with fewer requests in the month are not ranked.
	MinRankSample int64      `json:"min_rank_sample"`
	Division      StatsRow   `json:"division"`
	Children      []StatsRow `json:"children"`
	Units         []StatsRow `json:"units"`
	Trend         []StatsRow `json:"trend,omitempty"`
}

// Service reads the 三率 and keeps their measures.
type Service struct {
	DB       *db.DB
	Store    *Store
	Requests *request.Store // the summary's upkeep (RebuildSummary)
	Measures *measure.Store
	Now      func() time.Time
	// MinRankSample is how many requests a row needs to be ranked
	// (DefaultMinRankSample).
	MinRankSample int64
}

// NewService builds the stats over the database.
func NewService(d *db.DB) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Requests: &request.Store{DB: d}, Measures: &measure.Store{DB: d}, Now: time.Now, MinRankSample: DefaultMinRankSample}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// Month is the current month in China.
func (s *Service) Month() string { return s.now().In(calendar.China).Format("2006-01") }

// Weights reads the composite's weights from the settings.
func (s *Service) Weights(ctx context.Context) StatsWeights {
	return s.Store.weights(ctx)
}

// prefixLen is the length of the code prefix that names a division at its
// level, and of its children's.
func prefixLen(code string) (own, child int) {
	switch {
	case code[2:] == "0000000000":
		return 2, 4
	case code[4:] == "00000000":
		return 4, 6
	case code[6:] == "000000":
		return 6, 9
	case code[9:] == "000":
		return 9, 12
	}
	return 12, 12
}

// Rates reads the 三率 of a division in the caller's area (default the
// area) for a month (default this month): the division's, its children's
// and the units' (by first-receiving unit), ranked by composite; with
// trend, the last 12 months of the division: the month asked for live,
// the 11 before it from the measures.
//
// Errors: EFORBIDDEN, EINVALID (division, month), ENOTFOUND (outside the area).
func (s *Service) Rates(ctx context.Context, code, month string, trend bool) (*Stats, error) {
	code, err := request.StatsScope(ctx, code)
	if err != nil {
		return nil, err
	}
	if month == "" {
		month = s.Month()
	}
	from, to, ok := request.MonthRange(month)
	if !ok {
		return nil, errs.Invalid(errs.Field("month", "request.stats.bad_month"))
	}
	d, kids, err := s.Store.divisions(ctx, code)
	if err != nil {
		return nil, err
	}
	w := s.Weights(ctx)
	_, child := prefixLen(code)
	lo, hi := division.RangeOf(code)
	// One scan of the month, grouped by child and unit (first receiver,
	// else holder), gives both tables.
	groups, err := s.Store.groups(ctx, child, lo, hi, month, from, to, s.now())
	if err != nil {
		return nil, err
	}
	byChild, byUnit := map[string]StatsCounts{}, map[int64]StatsCounts{}
	for k, c := range groups {
		kid, unit, _ := strings.Cut(k, ":")
		ck := byChild[kid]
		ck.add(c)
		byChild[kid] = ck
		if id := parseID(unit); id != 0 { // 0: not dispatched yet
			cu := byUnit[id]
			cu.add(c)
			byUnit[id] = cu
		}
	}
	out := &Stats{Month: month, Weights: w, MinRankSample: s.MinRankSample, Division: StatsRow{Code: d.Code, Name: d.Name}, Children: []StatsRow{}, Units: []StatsRow{}}
	for _, c := range byChild {
		out.Division.add(c)
	}
	out.Division.compute(w)
	for _, k := range kids {
		r := StatsRow{Code: k.Code, Name: k.Name, StatsCounts: byChild[k.Code[:child]]}
		r.compute(w)
		out.Children = append(out.Children, r)
	}
	rank(out.Children, s.MinRankSample)
	sortStats(out.Children)
	names, err := s.Store.unitNames(ctx)
	if err != nil {
		return nil, err
	}
	for id, c := range byUnit {
		r := StatsRow{UnitID: id, Name: names[id], StatsCounts: c}
		r.compute(w)
		out.Units = append(out.Units, r)
	}
	rank(out.Units, s.MinRankSample)
	sortStats(out.Units)
	if trend {
		if out.Trend, err = s.trend(ctx, code, month, w); err != nil {
			return nil, err
		}
		// The month asked for was counted live above, and the measures
		// lag by a few job runs: its point is the division's live row, so
		// that a request made a minute ago shows in the chart as in the
		// table.
		live := out.Division
		live.Code, live.Month, live.Name = "", month, month
		out.Trend[len(out.Trend)-1] = live
	}
	return out, nil
}

func parseID(s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}

// sortStats orders rows by rank (unranked last), then name.
func sortStats(rows []StatsRow) {
	less := func(a, b StatsRow) bool {
		if (a.Rank == 0) != (b.Rank == 0) {
			return a.Rank != 0
		}
		if a.Rank != b.Rank {
			return a.Rank < b.Rank
		}
		return a.Name < b.Name
	}
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && less(rows[j], rows[j-1]); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// trend reads 12 months ending at month from the measure totals (kept by
// the stats job, so a few minutes behind the live figures; Rates puts the
// live figures in the last).
func (s *Service) trend(ctx context.Context, code, month string, w StatsWeights) ([]StatsRow, error) {
	t, _ := time.Parse("2006-01", month)
	var months, keys []string
	for i := TrendMonths - 1; i >= 0; i-- {
		m := t.AddDate(0, -i, 0).Format("2006-01")
		months = append(months, m)
		for _, d := range Measures {
			keys = append(keys, measure.Key(d.Name, m))
		}
	}
	tot, err := s.Measures.Totals(ctx, keys, []string{code})
	if err != nil {
		return nil, err
	}
	v := tot[code]
	out := make([]StatsRow, 0, len(months))
	for _, m := range months {
		r := StatsRow{Month: m, Name: m, StatsCounts: StatsCounts{
			Total:           v[measure.Key(MeasureTotal, m)],
			DueResponse:     v[measure.Key(MeasureDueResponse, m)],
			RespondedOnTime: v[measure.Key(MeasureRespondedOnTime, m)],
			DueResolution:   v[measure.Key(MeasureDueResolution, m)],
			ResolvedOnTime:  v[measure.Key(MeasureResolvedOnTime, m)],
			ValidCallbacks:  v[measure.Key(MeasureValidCallbacks, m)],
		}}
		// The measure keeps 10 × satisfied + 9 × basically; the rate
		// needs only that sum.
		sx := v[measure.Key(MeasureSatisfiedX10, m)]
		r.SatisfactionRate = pct(sx, 10*r.ValidCallbacks)
		r.ResponseRate = pct(r.RespondedOnTime, r.DueResponse)
		r.ResolutionRate = pct(r.ResolvedOnTime, r.DueResolution)
		r.compositeFrom(w)
		out = append(out, r)
	}
	return out, nil
}

func (r *StatsRow) compositeFrom(w StatsWeights) {
	var sum float64
	var ws int64
	for _, p := range []struct {
		v *float64
		w int64
	}{{r.ResponseRate, w.Response}, {r.ResolutionRate, w.Resolution}, {r.SatisfactionRate, w.Satisfaction}} {
		if p.v != nil && p.w > 0 {
			sum += *p.v * float64(p.w)
			ws += p.w
		}
	}
	if ws > 0 {
		v := sum / float64(ws)
		r.Composite = &v
	}
}

// RebuildSummary recomputes the 三率 summary from the requests in one
// transaction: after a bulk load that bypassed the request service, or to
// check it (the tests compare the two).
func (s *Service) RebuildSummary(ctx context.Context) error {
	return s.DB.WithTx(ctx, s.Requests.RebuildSummary)
}
