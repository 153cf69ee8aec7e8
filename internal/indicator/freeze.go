package indicator

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// How a frozen value was obtained.
const (
	FromSnapshot = "snapshot" // the December snapshot of the year
	Computed     = "computed" // computed from the registries when frozen
)

// Frozen is an indicator's year-end value at a division, never recomputed.
type Frozen struct {
	Indicator   string
	Division    string
	Numerator   float64
	Denominator float64
	Value       *float64
	Status      string
	Obtained    string
	FrozenAt    time.Time
}

// FreezeResult says what a freeze did.
type FreezeResult struct {
	Period       string `json:"period"`
	Year         int    `json:"year"`
	FromSnapshot int    `json:"from_snapshot" doc:"values taken from the December snapshots"`
	Computed     int    `json:"computed" doc:"values computed now (no December snapshot)"`
	Kept         int    `json:"kept" doc:"values frozen before, left as they were"`
}

// Freeze takes each indicator's value of period at the end of year, for
// every division down to townships, into the frozen values: the December
// snapshot when there is one, else computed now (and recorded as such).
// Values frozen before are kept, so it is idempotent. City staff, or the
// year-end job. Errors: EFORBIDDEN, ENOTFOUND, EINVALID.
func (s *Service) Freeze(ctx context.Context, period string, year int) (*FreezeResult, error) {
	p, err := auth.Require(ctx, PlanRoles...)
	if err != nil {
		return nil, err
	}
	plan, err := s.Plan(ctx, period)
	if err != nil {
		return nil, err
	}
	if !plan.Contains(year) || year > s.Engine.Year() {
		return nil, errs.Invalid(errs.Field("year", "indicator.year_range", plan.BaseYear+1, min(plan.EndYear, s.Engine.Year())))
	}
	res := &FreezeResult{Period: plan.Code, Year: year}
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := seedPlan(ctx, s.DB, s.Engine.shipped(), "system", now); err != nil {
			return err
		}
		done, err := frozenKeys(ctx, s.DB, plan.Code, year)
		if err != nil {
			return err
		}
		codes, err := snapshotCodes(ctx, s.DB)
		if err != nil {
			return err
		}
		snaps, err := monthSnapshots(ctx, s.DB, fmt.Sprintf("%d-12", year))
		if err != nil {
			return err
		}
		var live map[string][]Figure
		for _, c := range codes {
			for i, d := range plan.All() {
				if done[c+"|"+d.Code] {
					res.Kept++
					continue
				}
				fr := Frozen{Indicator: d.Code, Division: c, Obtained: FromSnapshot}
				if sn, ok := snaps[c+"|"+d.Code]; ok {
					fr.Numerator, fr.Denominator = sn.num, sn.den
				} else {
					if live == nil {
						if live, err = s.Engine.Compute(ctx, codes, plan.All()); err != nil {
							return err
						}
					}
					f := live[c][i]
					if f.Status == Awaiting {
						continue
					}
					fr.Numerator, fr.Denominator, fr.Obtained = f.Numerator, f.Denominator, Computed
				}
				fr.Status = NoData
				if fr.Denominator != 0 {
					v := fr.Numerator / fr.Denominator * d.Formula.Factor
					fr.Value = &v
					fr.Status = AtRisk
					if met(d, v, d.LineTarget(year)) {
						fr.Status = Met
					}
				}
				if err := saveFrozen(ctx, s.DB, plan.Code, year, fr, p.Name, now); err != nil {
					return err
				}
				if fr.Obtained == FromSnapshot {
					res.FromSnapshot++
				} else {
					res.Computed++
				}
			}
		}
		if res.FromSnapshot+res.Computed == 0 {
			return nil
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "indicator.freeze", ObjectType: "plan_period", ObjectID: plan.Code,
			Detail: map[string]any{"year": year, "from_snapshot": res.FromSnapshot, "computed": res.Computed, "kept": res.Kept}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// FreezeLastYear freezes last year's values of the period that contains
// it (the year-end job; a no-op once done).
func (s *Service) FreezeLastYear(ctx context.Context) error {
	last := s.Engine.Year() - 1
	plans, err := s.Plans(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if p.Contains(last) {
			_, err := s.Freeze(ctx, p.Code, last)
			return err
		}
	}
	return nil
}

// met says whether value meets target in the indicator's direction.
func met(d *Def, value, target float64) bool {
	if d.Direction == "at_most" {
		return value <= target
	}
	return value >= target
}

func invalidYear(p *Plan) error {
	return errs.Invalid(errs.Field("year", "indicator.year_range", p.BaseYear+1, p.EndYear))
}

func invalidDivision() error {
	return errs.Invalid(errs.Field("division", "indicator.eval_level"))
}
