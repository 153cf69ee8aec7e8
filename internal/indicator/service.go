package indicator

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Who may do what.
var (
	// ReadRoles see the indicators of their area.
	ReadRoles = auth.AreaStaff()
	// TargetRoles set yearly targets for divisions in their area.
	TargetRoles = []auth.Role{auth.CountyStaff, auth.CityStaff}
)

// Service answers the dashboard's questions inside the caller's area.
type Service struct {
	DB        *db.DB
	Engine    *Engine
	Divisions *division.Service
	Audit     *audit.Log
	// Tasks is the task ledger's completion for the evaluation; nil until
	// the ledger is connected (the report then says so).
	Tasks TaskCompletion
}

// Report is every indicator at one division.
type Report struct {
	Division division.Division `json:"division"`
	Figures  []Figure          `json:"figures"`
}

// ForDivision returns every indicator at a division. Errors: those of
// division.Service.Get, EFORBIDDEN.
func (s *Service) ForDivision(ctx context.Context, code string) (*Report, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	d, err := s.Divisions.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	plan, err := s.plan(ctx)
	if err != nil {
		return nil, err
	}
	figs, err := s.Engine.Compute(ctx, []string{code}, plan.All())
	if err != nil {
		return nil, err
	}
	return &Report{Division: *d, Figures: figs[code]}, nil
}

// Row is one child division's figure in a drill-down.
type Row struct {
	Division division.Division `json:"division"`
	Figure   Figure            `json:"figure"`
}

// Drill is one indicator at a division and at each of its children.
type Drill struct {
	Def      *Def              `json:"-"`
	Division division.Division `json:"division"`
	Figure   Figure            `json:"figure"`
	Children []Row             `json:"children"`
}

// Drilldown returns one indicator at a division and its children, the
// children sorted by gap (largest first; no value last). Errors: ENOTFOUND
// for an unknown indicator, and those of ForDivision.
func (s *Service) Drilldown(ctx context.Context, indicator, code string, children bool) (*Drill, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	def, err := s.def(ctx, indicator)
	if err != nil {
		return nil, err
	}
	d, err := s.Divisions.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	codes := []string{code}
	var kids []division.Division
	if children {
		if kids, err = s.children(ctx, code); err != nil {
			return nil, err
		}
		for _, k := range kids {
			codes = append(codes, k.Code)
		}
	}
	figs, err := s.Engine.Compute(ctx, codes, []*Def{def})
	if err != nil {
		return nil, err
	}
	out := &Drill{Def: def, Division: *d, Figure: figs[code][0], Children: []Row{}}
	for _, k := range kids {
		out.Children = append(out.Children, Row{Division: k, Figure: figs[k.Code][0]})
	}
	if err := SortRows(out.Children, "gap"); err != nil {
		return nil, err
	}
	return out, nil
}

// SetTarget sets the target of an indicator for a division in a year,
// audited. Errors: EINVALID, EFORBIDDEN, ENOTFOUND.
func (s *Service) SetTarget(ctx context.Context, indicator, code string, year int, value float64) error {
	p, err := auth.Require(ctx, TargetRoles...)
	if err != nil {
		return err
	}
	def, err := s.def(ctx, indicator)
	if err != nil {
		return err
	}
	// The area first: outside it the answer is not found, whatever the input.
	if _, err := s.Divisions.Get(ctx, code); err != nil {
		return err
	}
	var f errs.Fields
	if year < PlanStart+1 || year > PlanEnd+5 {
		f.Add("year", "indicator.year_range", PlanStart+1, PlanEnd+5)
	}
	if math.IsNaN(value) || math.IsInf(value, 0) || value < 0 || (def.Unit == "percent" && value > 100) {
		f.Add("value", "indicator.target_range")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		old, had, err := target(ctx, s.DB, indicator, code, year)
		if err != nil {
			return err
		}
		if err := setTarget(ctx, s.DB, indicator, code, year, value, p.Name, time.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		before := "line"
		if had {
			before = fmt.Sprint(old)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "indicator.target.set", ObjectType: "indicator", ObjectID: indicator + "@" + code,
			Detail: map[string]any{"year": year, "before": before, "after": value}})
	})
}

// Snapshot records this month's figures of every indicator at every
// division down to townships (a background job calls it daily; the month's
// row is overwritten until the month ends, so a node that was down catches up
// on its next run).
func (s *Service) Snapshot(ctx context.Context) (int, error) {
	figs, err := s.SnapshotFigures(ctx)
	if err != nil {
		return 0, err
	}
	return s.SaveSnapshots(ctx, s.Engine.Period("month"), figs)
}

// SnapshotFigures computes the figures that a snapshot keeps: every
// indicator at every division down to townships, by division code.
func (s *Service) SnapshotFigures(ctx context.Context) (map[string][]Figure, error) {
	codes, err := snapshotCodes(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	plan, err := s.plan(ctx)
	if err != nil {
		return nil, err
	}
	return s.Engine.Compute(ctx, codes, plan.All())
}

// SaveSnapshots writes figures (by division code) as the snapshots of
// month, in one transaction, replacing that month's; figures of indicators
// whose slice is not wired are left out. It returns how many it wrote.
func (s *Service) SaveSnapshots(ctx context.Context, month string, figs map[string][]Figure) (int, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	n := 0
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		for c, fs := range figs {
			for _, f := range fs {
				if f.Status == Awaiting {
					continue
				}
				if err := saveSnapshot(ctx, s.DB, f.Indicator, c, month, f.Numerator, f.Denominator, now); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// Point is one month of a trend.
type Point struct {
	Month string   `json:"month"`
	Value *float64 `json:"value"`
}

// Trend returns the monthly snapshots of an indicator at a division, oldest first.
func (s *Service) Trend(ctx context.Context, indicator, code string) ([]Point, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	def, err := s.def(ctx, indicator)
	if err != nil {
		return nil, err
	}
	if _, err := s.Divisions.Get(ctx, code); err != nil {
		return nil, err
	}
	snaps, err := snapshotsOf(ctx, s.DB, code, indicator)
	if err != nil {
		return nil, err
	}
	out := []Point{}
	for _, sn := range snaps {
		p := Point{Month: sn.month}
		if sn.den != 0 {
			v := sn.num / sn.den * def.Formula.Factor
			p.Value = &v
		}
		out = append(out, p)
	}
	return out, nil
}

// Owners lists the owners whose measures the indicators use, for the
// "awaiting" messages.
func (s *Service) Owners() []string {
	seen := map[string]bool{}
	for _, d := range s.Engine.Defs {
		for _, m := range append(append([]string{}, d.Formula.Num...), d.Formula.Den...) {
			o, _, _ := strings.Cut(m, ".")
			seen[o] = true
		}
	}
	var out []string
	for o := range seen {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}
