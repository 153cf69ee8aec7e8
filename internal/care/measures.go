package care

import "shequ/internal/platform/measure"

// Measure names, as the indicator engine's formula of
// elderly_monthly_visit_rate reads them. Both are periodic (per month) and
// counted per community: the month's tasks, and those with at least one
// visit.
const (
	MeasureDue     = "care.elderly_due"
	MeasureVisited = "care.elderly_visited"
	ownerName      = "care"
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: MeasureDue, Owner: ownerName, Periodic: true},
	{Name: MeasureVisited, Owner: ownerName, Periodic: true},
}
