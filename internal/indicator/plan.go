package indicator

import (
	"context"
	"fmt"
	"sort"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Plan is one plan period (规划期) with its indicators: 2021–2025 from the
// shipped plan file, later ones loaded by city staff.
type Plan struct {
	Code     string `json:"code"` // e.g. 2021-2025
	NameZh   string `json:"name_zh"`
	NameEn   string `json:"name_en"`
	BaseYear int    `json:"base_year"` // the baseline year (2020)
	EndYear  int    `json:"end_year"`  // the final year (2025)
	Defs     []Def  `json:"-"`
	byCode   map[string]*Def
}

// ShippedCode is the code of the shipped plan period.
const ShippedCode = "2021-2025"

// PeriodCode is the code of the period after baseYear up to endYear.
func PeriodCode(baseYear, endYear int) string { return fmt.Sprintf("%d-%d", baseYear+1, endYear) }

// newPlan indexes a plan's indicators, each stamped with the plan's years.
func newPlan(p *Plan) *Plan {
	p.byCode = make(map[string]*Def, len(p.Defs))
	for i := range p.Defs {
		p.Defs[i].BaseYear, p.Defs[i].EndYear = p.BaseYear, p.EndYear
		p.byCode[p.Defs[i].Code] = &p.Defs[i]
	}
	return p
}

// Contains says whether year is one of the period's years.
func (p *Plan) Contains(year int) bool { return year > p.BaseYear && year <= p.EndYear }

// Years are the period's years, first to last.
func (p *Plan) Years() []int {
	var out []int
	for y := p.BaseYear + 1; y <= p.EndYear; y++ {
		out = append(out, y)
	}
	return out
}

// Def returns one of the period's indicators; ENOTFOUND if there is none.
func (p *Plan) Def(code string) (*Def, error) {
	d, ok := p.byCode[code]
	if !ok {
		return nil, errs.NotFound("indicator.not_found", code)
	}
	return d, nil
}

// All is every indicator of the period, in plan order.
func (p *Plan) All() []*Def {
	out := make([]*Def, len(p.Defs))
	for i := range p.Defs {
		out[i] = &p.Defs[i]
	}
	return out
}

// Name is the period's name in lang.
func (p *Plan) Name(lang string) string {
	if lang == "en" {
		return p.NameEn
	}
	return p.NameZh
}

// shipped is the shipped plan file's period.
func (e *Engine) shipped() *Plan {
	defs := append([]Def(nil), e.Defs...)
	return newPlan(&Plan{Code: ShippedCode, NameZh: "“十四五”城乡社区服务体系建设规划（2021—2025 年）",
		NameEn: "14th five-year plan for community services (2021–2025)", BaseYear: PlanStart, EndYear: PlanEnd, Defs: defs})
}

// Plans lists the plan periods, oldest first; before the shipped period is
// seeded it is the only one.
func (s *Service) Plans(ctx context.Context) ([]*Plan, error) {
	ps, err := loadPlans(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return []*Plan{s.Engine.shipped()}, nil
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].BaseYear < ps[j].BaseYear })
	return ps, nil
}

// Plan returns a plan period by code; "" is the current one: the period
// containing this year, else the latest. Errors: ENOTFOUND.
func (s *Service) Plan(ctx context.Context, code string) (*Plan, error) {
	ps, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	if code == "" {
		return current(ps, s.Engine.Year()), nil
	}
	for _, p := range ps {
		if p.Code == code {
			return p, nil
		}
	}
	return nil, errs.NotFound("indicator.period_not_found", code)
}

// current is the period containing year, else the latest.
func current(ps []*Plan, year int) *Plan {
	for _, p := range ps {
		if p.Contains(year) {
			return p
		}
	}
	return ps[len(ps)-1]
}

// SeedPlans stores the shipped period and its indicators when they are not
// stored yet (start-up; the write paths call it too).
func (s *Service) SeedPlans(ctx context.Context) error {
	return seedPlan(ctx, s.DB, s.Engine.shipped(), "system", time.Now().UTC().Truncate(time.Microsecond))
}

type periodKey struct{}

// WithPeriod chooses the plan period (a code; "" the current) that the
// service's dashboard, drill-down and exports read in ctx.
func WithPeriod(ctx context.Context, code string) context.Context {
	return context.WithValue(ctx, periodKey{}, code)
}

// plan is the period chosen in ctx.
func (s *Service) plan(ctx context.Context) (*Plan, error) {
	code, _ := ctx.Value(periodKey{}).(string)
	return s.Plan(ctx, code)
}

// def is an indicator of the period chosen in ctx. Errors: ENOTFOUND.
func (s *Service) def(ctx context.Context, code string) (*Def, error) {
	p, err := s.plan(ctx)
	if err != nil {
		return nil, err
	}
	return p.Def(code)
}

// defOf is the indicator a figure is of.
func (s *Service) defOf(f Figure) *Def {
	if f.Def != nil {
		return f.Def
	}
	d, _ := s.Engine.Def(f.Indicator)
	return d
}

// authRead checks the caller may read the dashboard.
func authRead(ctx context.Context) (*auth.Principal, error) { return auth.Require(ctx, ReadRoles...) }
