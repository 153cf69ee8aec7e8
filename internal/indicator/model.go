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

// formulas says how each indicator of the plan is computed from measures.
// A measure is named owner.what; the owner is the slice that keeps it, so an
// indicator whose owner is not wired in yet says what it awaits.
var formulas = map[string]Formula{
	"rural_facility_coverage":          {Num: []string{"facility.rural_with_comprehensive"}, Den: []string{"division.rural_communities"}, Factor: 100},
	"urban_facility_coverage":          {Num: []string{"facility.urban_with_comprehensive"}, Den: []string{"division.urban_communities"}, Factor: 100},
	"commercial_service_area_ratio":    {Num: []string{"division.commercial_area_urban", "facility.floor_area_urban"}, Den: []string{"division.building_area_urban"}, Factor: 100},
	"facility_area_per_100_households": {Num: []string{"facility.comprehensive_floor_area"}, Den: []string{"division.households"}, Factor: 100},
	"activity_area_ratio":              {Num: []string{"facility.comprehensive_activity_area"}, Den: []string{"facility.comprehensive_floor_area"}, Factor: 100},
	"self_service_coverage":            {Num: []string{"facility.urban_with_terminal"}, Den: []string{"division.urban_communities"}, Factor: 100},
	"workers_per_10k_urban":            {Num: []string{"worker.in_post_urban"}, Den: []string{"division.urban_population_urban"}, Factor: 10000},
	"incubation_base_coverage":         {Num: []string{"organization.counties_with_incubation_base"}, Den: []string{"division.counties"}, Factor: 100},
	"social_org_staff_per_10k":         {Num: []string{"organization.full_time_staff"}, Den: []string{"division.population"}, Factor: 10000},
	"social_work_station_coverage":     {Num: []string{"facility.townships_with_social_work_station"}, Den: []string{"division.townships"}, Factor: 100},
	"civilization_station_coverage":    {Num: []string{"facility.with_practice_station_and_volunteer_point"}, Den: []string{"division.communities"}, Factor: 100},
	"home_care_facility_coverage":      {Num: []string{"facility.with_home_care"}, Den: []string{"division.communities"}, Factor: 100},
	"elderly_monthly_visit_rate":       {Num: []string{"care.elderly_visited"}, Den: []string{"care.elderly_due"}, Factor: 100, Period: "month"},
	"disabled_association_coverage":    {Num: []string{"organization.with_disabled_association"}, Den: []string{"division.communities"}, Factor: 100},
	"fitness_circle_coverage":          {Num: []string{"facility.with_fitness_circle"}, Den: []string{"division.communities"}, Factor: 100},
	"disaster_officer_coverage":        {Num: []string{"worker.with_disaster_officer"}, Den: []string{"division.communities"}, Factor: 100},
	"relocation_facility_coverage":     {Num: []string{"facility.relocation_with_facility"}, Den: []string{"division.relocation_communities"}, Factor: 100},
	"village_5g_rate":                  {Num: []string{"division.rural_5g"}, Den: []string{"division.rural_communities"}, Factor: 100},
	"village_broadband_rate":           {Num: []string{"division.rural_broadband"}, Den: []string{"division.rural_communities"}, Factor: 100},
	"satisfaction_survey_coverage":     {Num: []string{"survey.communities_surveyed"}, Den: []string{"division.communities"}, Factor: 100, Period: "year"},
	"leader_training_rate":             {Num: []string{"worker.leaders_trained"}, Den: []string{"worker.leaders_in_post"}, Factor: 100, Period: "year"},
	"facility_open_hours":              {Num: []string{"facility.comprehensive_open_8h"}, Den: []string{"facility.comprehensive_in_use"}, Factor: 100},
	"proxy_service_coverage":           {Num: []string{"proxy.communities_offering"}, Den: []string{"division.communities"}, Factor: 100, Period: "year"},
}

// ParseDefs reads the plan's indicator file (code,name_zh,name_en,source,
// baseline_2020,target_2025,attribute,direction,unit,scope,how_computed) and
// joins each indicator to its formula.
func ParseDefs(r io.Reader) ([]Def, error) {
	cr := csv.NewReader(r)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 || strings.Join(rows[0], ",") != "code,name_zh,name_en,source,baseline_2020,target_2025,attribute,direction,unit,scope,how_computed" {
		return nil, fmt.Errorf("indicators file: unexpected header")
	}
	var out []Def
	for i, r := range rows[1:] {
		d := Def{Code: r[0], NameZh: r[1], NameEn: r[2], Source: r[3], Attribute: r[6], Direction: r[7], Unit: r[8], Scope: r[9], How: r[10]}
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
		f, ok := formulas[d.Code]
		if !ok {
			return nil, fmt.Errorf("indicators file line %d: no formula for %s", i+2, d.Code)
		}
		d.Formula = f
		out = append(out, d)
	}
	return out, nil
}

// PlanStart and PlanEnd bound the plan: the baseline year and the target year.
const (
	PlanStart = 2020
	PlanEnd   = 2025
)

// LineTarget is the default target of a year: the straight line from the
// 2020 baseline to the 2025 target (the 2025 target after 2025, and before
// 2020 the baseline). Without a baseline the line is flat at the target.
func (d *Def) LineTarget(year int) float64 {
	if d.Baseline == nil || year >= PlanEnd {
		return d.Target
	}
	if year <= PlanStart {
		return *d.Baseline
	}
	b := *d.Baseline
	return b + (d.Target-b)*float64(year-PlanStart)/float64(PlanEnd-PlanStart)
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
