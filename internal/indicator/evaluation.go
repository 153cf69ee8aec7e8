package indicator

import (
	"context"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
)

// EvalRoles see the final and mid-term evaluations: city staff for the
// city and any county, county staff for their own county.
var EvalRoles = []auth.Role{auth.CountyStaff, auth.CityStaff}

// TaskLine is one kind of the task ledger's work (special actions,
// projects) and how much of it is done in a division during a period.
type TaskLine struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Total int    `json:"total"`
	Done  int    `json:"done"`
}

// TaskCompletion is what the evaluation needs of the task ledger; the app
// adapts it. period is a plan period code, division a division code.
type TaskCompletion interface {
	TaskCompletion(ctx context.Context, period, division string) ([]TaskLine, error)
}

// EvalLine is one indicator in an evaluation at one division.
type EvalLine struct {
	Def      *Def     `json:"-"`
	Code     string   `json:"indicator"`
	Baseline *float64 `json:"baseline"`
	Target   float64  `json:"target"`
	Value    *float64 `json:"value" doc:"the frozen year-end value; null when nothing was counted or not frozen"`
	Frozen   bool     `json:"frozen"`
	Obtained string   `json:"obtained,omitempty" enum:"snapshot,computed," doc:"how the frozen value was obtained"`
	Met      *bool    `json:"met" doc:"whether the value meets the target in the indicator's direction; null without a value"`
}

// EvalDivision is every indicator's line at one division.
type EvalDivision struct {
	Division division.Division `json:"division"`
	Lines    []EvalLine        `json:"lines"`
	Met      int               `json:"met"`
}

// Evaluation is the final (the period's last year) or mid-term evaluation
// of a plan period at a division, with each county below the city.
type Evaluation struct {
	Plan      *Plan          `json:"-"`
	Period    string         `json:"period"`
	Year      int            `json:"year"`
	Final     bool           `json:"final"`
	Frozen    bool           `json:"frozen" doc:"whether the year's values are frozen at all"`
	Main      EvalDivision   `json:"main"`
	Counties  []EvalDivision `json:"counties"`
	Connected bool           `json:"tasks_connected" doc:"whether the task ledger is connected"`
	Tasks     []TaskLine     `json:"tasks"`
}

// Evaluate returns the evaluation of a plan period ("" the current) in
// year (0: its final year) at a city or county. Errors: EFORBIDDEN,
// ENOTFOUND (an unknown period, or a division outside the caller's area),
// EINVALID (a year outside the period, or a division below a county).
func (s *Service) Evaluate(ctx context.Context, period string, year int, code string) (*Evaluation, error) {
	if _, err := auth.Require(ctx, EvalRoles...); err != nil {
		return nil, err
	}
	plan, err := s.Plan(ctx, period)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = plan.EndYear
	}
	if !plan.Contains(year) {
		return nil, invalidYear(plan)
	}
	d, err := s.Divisions.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	if d.Level > division.County {
		return nil, invalidDivision()
	}
	codes := []string{code}
	var kids []division.Division
	if d.Level == division.City {
		if kids, err = s.children(ctx, code); err != nil {
			return nil, err
		}
		for _, k := range kids {
			codes = append(codes, k.Code)
		}
	}
	frozen, err := frozenAt(ctx, s.DB, plan.Code, year, codes)
	if err != nil {
		return nil, err
	}
	targets, err := s.Engine.targets(ctx, codes, year)
	if err != nil {
		return nil, err
	}
	ev := &Evaluation{Plan: plan, Period: plan.Code, Year: year, Final: year == plan.EndYear, Frozen: len(frozen) > 0, Counties: []EvalDivision{}, Tasks: []TaskLine{}}
	at := func(dv division.Division) EvalDivision {
		out := EvalDivision{Division: dv, Lines: make([]EvalLine, 0, len(plan.Defs))}
		for _, df := range plan.All() {
			l := EvalLine{Def: df, Code: df.Code, Baseline: df.Baseline, Target: df.LineTarget(year)}
			if t := targets[dv.Code+"|"+df.Code]; t != nil && !ev.Final {
				l.Target = *t
			}
			if f, ok := frozen[dv.Code+"|"+df.Code]; ok {
				l.Frozen, l.Value, l.Obtained = true, f.Value, f.Obtained
				if f.Value != nil {
					m := met(df, *f.Value, l.Target)
					l.Met = &m
					if m {
						out.Met++
					}
				}
			}
			out.Lines = append(out.Lines, l)
		}
		return out
	}
	ev.Main = at(*d)
	for _, k := range kids {
		ev.Counties = append(ev.Counties, at(k))
	}
	if s.Tasks != nil {
		ev.Connected = true
		lines, err := s.Tasks.TaskCompletion(ctx, plan.Code, code)
		if err != nil {
			return nil, err
		}
		if lines != nil {
			ev.Tasks = lines
		}
	}
	return ev, nil
}
