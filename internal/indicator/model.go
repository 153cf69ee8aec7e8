// Package indicator is the plan's dashboard: the 23 indicators of the 衡水
// 14th five-year plan for community services, computed for any division
// from the measures that the registries keep (platform/measure), against
// the 2020 baseline, yearly targets and the 2025 target. It imports no slice.
package indicator

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Def is one indicator of the plan, as the shipped plan file has it.
type Def struct {
	Code      string   `json:"code"`
	NameZh    string   `json:"name_zh"`
	NameEn    string   `json:"name_en"`
	Source    string   `json:"source"`
	Baseline  *float64 `json:"baseline_2020"`
	Target    float64  `json:"target_2025"`
	Attribute string   `json:"attribute"` // 预期性 (expected) or 约束性 (binding)
	Direction string   `json:"direction"` // at_least or at_most
	Unit      string   `json:"unit"`
	Scope     string   `json:"scope"`
	How       string   `json:"how_computed"`
	Formula   Formula  `json:"-"`
	// BaseYear is the plan's baseline year (2020) and EndYear its final
	// year (2025): the straight line of yearly targets runs between them.
	BaseYear int `json:"base_year"`
	EndYear  int `json:"end_year"`
}

// Formula is numerator / denominator × factor, each side a sum of measures.
type Formula struct {
	Num    []string
	Den    []string
	Factor float64
	// Period: "" (standing), "month" or "year" — the measures are kept per
	// period and read for the current one.
	Period string
}

// Header is the shipped plan file's header: the indicator, then its
// formula over measures (numerator and denominator are measure names joined
// by "+"; period_kind is "", "month" or "year").
const Header = "code,name_zh,name_en,source,baseline_2020,target_2025,attribute,direction,unit,scope,how_computed,numerator,denominator,factor,period_kind"

// ParseDefs reads the shipped plan file (see Header): the 2021–2025 plan,
// its formulas included.
func ParseDefs(r io.Reader) ([]Def, error) {
	cr := csv.NewReader(r)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != Header {
		return nil, fmt.Errorf("indicators file: unexpected header")
	}
	var out []Def
	for i, r := range rows[1:] {
		d := Def{Code: r[0], NameZh: r[1], NameEn: r[2], Source: r[3], Attribute: r[6], Direction: r[7], Unit: r[8], Scope: r[9], How: r[10],
			BaseYear: PlanStart, EndYear: PlanEnd}
		if r[4] != "" {
			b, err := strconv.ParseFloat(r[4], 64)
			if err != nil {
				return nil, fmt.Errorf("indicators file line %d: baseline %q: %w", i+2, r[4], err)
			}
			d.Baseline = &b
		}
		t, err := strconv.ParseFloat(r[5], 64)
		if err != nil {
			return nil, fmt.Errorf("indicators file line %d: target %q: %w", i+2, r[5], err)
		}
		d.Target = t
		factor, err := strconv.ParseFloat(r[13], 64)
		if err != nil {
			return nil, fmt.Errorf("indicators file line %d: factor %q: %w", i+2, r[13], err)
		}
		d.Formula = Formula{Num: SplitMeasures(r[11]), Den: SplitMeasures(r[12]), Factor: factor, Period: r[14]}
		if len(d.Formula.Num) == 0 || len(d.Formula.Den) == 0 {
			return nil, fmt.Errorf("indicators file line %d: no formula for %s", i+2, d.Code)
		}
		out = append(out, d)
	}
	return out, nil
}

// SplitMeasures reads a side of a formula: measure names joined by "+".
func SplitMeasures(s string) []string {
	var out []string
	for _, m := range strings.Split(s, "+") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// Unknown returns the measures of f that reg does not know, in order.
func (f Formula) Unknown(known func(string) bool) []string {
	var out []string
	for _, m := range append(append([]string{}, f.Num...), f.Den...) {
		if !known(m) {
			out = append(out, m)
		}
	}
	return out
}

// PlanStart and PlanEnd bound the plan: the baseline year and the target year.
const (
	PlanStart = 2020
	PlanEnd   = 2025
)

// LineTarget is the default target of a year: the straight line from the
// baseline year to the final year (the final target after it, and before
// the baseline year the baseline). Without a baseline the line is flat at the target.
func (d *Def) LineTarget(year int) float64 {
	start, end := d.BaseYear, d.EndYear
	if end == 0 {
		start, end = PlanStart, PlanEnd
	}
	if d.Baseline == nil || year >= end {
		return d.Target
	}
	if year <= start {
		return *d.Baseline
	}
	b := *d.Baseline
	return b + (d.Target-b)*float64(year-start)/float64(end-start)
}

// Statuses of a figure.
const (
	Met      = "met"
	OnTrack  = "on_track"
	AtRisk   = "at_risk"
	NoData   = "no_data"  // nothing to count here (a zero denominator)
	Awaiting = "awaiting" // the slice that keeps its data is not built yet
)

// Figure is an indicator at one division.
type Figure struct {
	Indicator   string   `json:"indicator"`
	Division    string   `json:"division"`
	Value       *float64 `json:"value"`
	Numerator   float64  `json:"numerator"`
	Denominator float64  `json:"denominator"`
	Baseline    *float64 `json:"baseline_2020"`
	YearTarget  float64  `json:"year_target"`
	Target      float64  `json:"target_2025"`
	// Gap is how far the value is from the 2025 target in the direction
	// that counts (positive: still to close; zero or less: met).
	Gap      *float64 `json:"gap"`
	Status   string   `json:"status"`
	Awaiting string   `json:"awaiting,omitempty"` // the owner whose records are awaited
	Period   string   `json:"period,omitempty"`
	// Def is the indicator the figure is of (its plan period's definition).
	Def *Def `json:"-"`
}

// status decides met / on track / at risk.
func status(d *Def, value, yearTarget float64) string {
	if d.Direction == "at_most" {
		switch {
		case value <= d.Target:
			return Met
		case value <= yearTarget:
			return OnTrack
		}
		return AtRisk
	}
	switch {
	case value >= d.Target:
		return Met
	case value >= yearTarget:
		return OnTrack
	}
	return AtRisk
}
