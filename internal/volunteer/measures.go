package volunteer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Measure names, as the indicator engine's formulas name them.
const (
	Registered = "volunteer.registered" // volunteers registered in a community
	ActiveN    = "volunteer.active"     // of them, those who served in the last 12 months
	HoursM     = "volunteer.hours"      // per month: hours served in a community, in hundredths
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: Registered, Owner: "volunteer"},
	{Name: ActiveN, Owner: "volunteer"},
	{Name: HoursM, Owner: "volunteer", Scale: 100, Periodic: true},
}

// refreshCommunity sets the standing measures of a community from the
// table, in ctx's transaction.
func (s *Service) refreshCommunity(ctx context.Context, code string) error {
	reg, act, err := s.communityCounts(ctx, code)
	if err != nil {
		return err
	}
	if err := s.Measures.Set(ctx, Registered, code, reg); err != nil {
		return err
	}
	return s.Measures.Set(ctx, ActiveN, code, act)
}

// refreshHours sets a community's hours of the month holding date
// (YYYY-MM-DD), in ctx's transaction.
func (s *Service) refreshHours(ctx context.Context, code, date string) error {
	month := date[:7]
	sum, err := s.hoursIn(ctx, code, month+"-01", month+"-31")
	if err != nil {
		return err
	}
	return s.Measures.Set(ctx, measure.Key(HoursM, month), code, sum)
}

// RefreshActive recomputes volunteer.active everywhere: a volunteer stops
// being active when their last service turns 12 months old, with no write
// to notice it. The daily job calls it. Errors: EFORBIDDEN (system only).
func (s *Service) RefreshActive(ctx context.Context) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	vals, err := s.activeByCommunity(ctx)
	if err != nil {
		return err
	}
	return s.Measures.Rebuild(ctx, ActiveN, vals)
}

// Rebuild recomputes every measure of the slice from the tables (after a
// bulk load such as the demo). Errors: EFORBIDDEN (system only).
func (s *Service) Rebuild(ctx context.Context) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	if err := s.RefreshActive(ctx); err != nil {
		return err
	}
	reg, err := s.registeredByCommunity(ctx)
	if err != nil {
		return err
	}
	if err := s.Measures.Rebuild(ctx, Registered, reg[""]); err != nil {
		return err
	}
	hours, err := s.hoursByMonth(ctx)
	if err != nil {
		return err
	}
	for month, vals := range hours {
		if err := s.Measures.Rebuild(ctx, measure.Key(HoursM, month), vals); err != nil {
			return err
		}
	}
	return nil
}

// Figures are a division's volunteer figures.
type Figures struct {
	DivisionCode  string      `json:"division_code"`
	DivisionName  string      `json:"division_name"`
	Population    int64       `json:"population"`
	Registered    int64       `json:"registered"`
	Active        int64       `json:"active"`
	RegisteredPer float64     `json:"registered_per_10k" doc:"registered volunteers per 10,000 residents; 0 without a population"`
	ActivePer     float64     `json:"active_per_10k"`
	Months        []string    `json:"months" doc:"the last 12 months, oldest first"`
	Hours         []float64   `json:"hours" doc:"hours served in each month"`
	Children      []ChildArea `json:"children"`
}

// ChildArea is one area under the division, with its hours in the months.
type ChildArea struct {
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	Registered    int64     `json:"registered"`
	Active        int64     `json:"active"`
	RegisteredPer float64   `json:"registered_per_10k"`
	ActivePer     float64   `json:"active_per_10k"`
	Hours         []float64 `json:"hours"`
}

// Figures returns the volunteer figures of a division in the caller's area
// (their own area when code is empty) and of the areas under it, for the 12
// months ending with the current one. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code string) (*Figures, error) {
	p, err := auth.Require(ctx, StaffRoles...)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	if !division.ValidCode(code) || !inScope(ctx, code) {
		return nil, errs.NotFound("volunteer.division_not_found", code)
	}
	f := &Figures{DivisionCode: code}
	name, kids, err := s.areaAndChildren(ctx, code)
	if err != nil {
		return nil, err
	}
	f.DivisionName, f.Children = name, kids
	codes := []string{code}
	for _, c := range kids {
		codes = append(codes, c.Code)
	}
	keys := []string{Registered, ActiveN, "division.population"}
	m := s.Now().In(calendar.China)
	first := time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, calendar.China).AddDate(0, -11, 0)
	for i := 0; i < 12; i++ {
		mon := first.AddDate(0, i, 0).Format("2006-01")
		f.Months = append(f.Months, mon)
		keys = append(keys, measure.Key(HoursM, mon))
	}
	tot, err := s.Measures.Totals(ctx, keys, codes)
	if err != nil {
		return nil, err
	}
	per := func(n, pop int64) float64 {
		if pop == 0 {
			return 0
		}
		v, _ := strconv.ParseFloat(strconv.FormatFloat(float64(n)*10000/float64(pop), 'f', 2, 64), 64)
		return v
	}
	hours := func(c string) []float64 {
		out := make([]float64, 12)
		for i, mon := range f.Months {
			out[i] = centiToHours(tot[c][measure.Key(HoursM, mon)])
		}
		return out
	}
	t := tot[code]
	f.Population, f.Registered, f.Active = t["division.population"], t[Registered], t[ActiveN]
	f.RegisteredPer, f.ActivePer = per(f.Registered, f.Population), per(f.Active, f.Population)
	f.Hours = hours(code)
	for i := range f.Children {
		c := &f.Children[i]
		ct := tot[c.Code]
		c.Registered, c.Active = ct[Registered], ct[ActiveN]
		c.RegisteredPer, c.ActivePer = per(c.Registered, ct["division.population"]), per(c.Active, ct["division.population"])
		c.Hours = hours(c.Code)
	}
	return f, nil
}

// starsKey is the setting that holds the deployment's star thresholds.
const starsKey = "volunteer.star_hours"

// Stars returns the cumulative hours of star levels one to five.
func (s *Service) Stars(ctx context.Context) ([]int, error) {
	v, err := s.setting(ctx, starsKey)
	if err != nil {
		return DefaultStars, nil
	}
	out, bad := parseStars(v)
	if bad != "" {
		return DefaultStars, nil
	}
	return out, nil
}

// parseStars reads "100,300,600,1000,1500": five ascending whole hours.
func parseStars(v string) ([]int, string) {
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ' ' })
	if len(parts) != 5 {
		return nil, "volunteer.stars_five"
	}
	out := make([]int, 5)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 100000 {
			return nil, "volunteer.stars_five"
		}
		if i > 0 && n <= out[i-1] {
			return nil, "volunteer.stars_ascending"
		}
		out[i] = n
	}
	return out, ""
}

// SetStars sets the deployment's star thresholds (five ascending whole
// hours). Errors: EINVALID, EFORBIDDEN.
func (s *Service) SetStars(ctx context.Context, hours []int) error {
	if _, err := auth.Require(ctx, SettingRoles...); err != nil {
		return err
	}
	txt := make([]string, len(hours))
	for i, h := range hours {
		txt[i] = strconv.Itoa(h)
	}
	v := strings.Join(txt, ",")
	if _, bad := parseStars(v); bad != "" {
		return errs.Invalid(errs.Field("star_hours", bad))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.setSetting(ctx, starsKey, v); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.stars.set", ObjectType: "setting", ObjectID: starsKey, Result: audit.OK,
			Detail: map[string]string{"value": v}})
	})
}
