// Package facility is the registry of service facilities: the community
// comprehensive service facilities (城乡社区综合服务设施) and the specialised
// ones (专项服务设施) that serve a community or a township. It keeps the
// facility measures of the plan's indicators exact on every write.
package facility

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/patch"
)

// Kinds of facility, as the glossary names them.
var Kinds = []string{
	"comprehensive", "party_public_service_centre", "home_elderly_care", "childcare", "health_station",
	"culture", "sport_fitness", "social_work_station", "civilization_practice_station",
	"volunteer_service_point", "emergency_shelter", "police_room", "other",
}

// Statuses of a facility. A facility is closed, never deleted.
var Statuses = []string{"in_use", "under_construction", "closed"}

// Status values.
const (
	InUse             = "in_use"
	UnderConstruction = "under_construction"
	Closed            = "closed"
)

// IsComprehensive says whether a kind is a comprehensive service facility:
// the party-and-public service centre is one (glossary).
func IsComprehensive(kind string) bool {
	return kind == "comprehensive" || kind == "party_public_service_centre"
}

// Who may do what.
var (
	ReadRoles = auth.AreaStaff()
	EditRoles = auth.OfficeStaff()
)

// Rules.
const (
	// MinNewUrbanComprehensiveArea: a newly built urban comprehensive
	// facility should have at least this floor area (m²); below it warns.
	MinNewUrbanComprehensiveArea = 600
	// MinDailyOpenMinutes: the plan's rule of at least 8 hours a day.
	MinDailyOpenMinutes = 8 * 60
	// MinOpenDays: a facility meets the rule when it opens on at least
	// this many days a week and every day it opens, for 8 hours or more.
	MinOpenDays = 5
	maxArea     = 1e7
	maxName     = 100
	maxAddress  = 200
	maxReason   = 200
	maxCapacity = 1_000_000
)

// Weekdays, Monday first, as the week's slots.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// Week is the weekly opening time: per weekday (Monday first) the ranges it
// opens, "08:30-12:00,14:00-18:00", or "" when closed that day.
type Week [7]string

// Facility is one service facility.
type Facility struct {
	ID             int64     `json:"id"`
	DivisionCode   string    `json:"division_code" doc:"the community or township it serves"`
	DivisionName   string    `json:"division_name"`
	Kind           string    `json:"kind"`
	Name           string    `json:"name"`
	Address        string    `json:"address"`
	FloorArea      float64   `json:"floor_area" doc:"m²"`
	ActivityArea   float64   `json:"activity_area" doc:"resident activity area, m²"`
	CommercialArea float64   `json:"commercial_area" doc:"m²"`
	Status         string    `json:"status"`
	YearOpened     int       `json:"year_opened"`
	NewlyBuilt     bool      `json:"newly_built"`
	Hours          Week      `json:"hours" doc:"Monday to Sunday, each like 08:30-12:00,14:00-18:00 or empty when closed"`
	Open8h         bool      `json:"open_8h" doc:"derived: opens at least 5 days a week, at least 8 hours each day it opens"`
	Online24h      bool      `json:"online_24h"`
	BarrierFree    bool      `json:"barrier_free"`
	AgeFriendly    bool      `json:"age_friendly"`
	FitnessCircle  bool      `json:"fitness_circle" doc:"part of a 15-minute fitness circle"`
	Terminals      int       `json:"terminals" doc:"working government self-service terminals"`
	Capacity       int       `json:"capacity" doc:"people it can hold (emergency shelters)"`
	ClosedOn       string    `json:"closed_on,omitempty" doc:"YYYY-MM-DD"`
	CloseReason    string    `json:"close_reason,omitempty"`
	Version        int       `json:"version"`
	UpdatedAt      time.Time `json:"updated_at"`
	UpdatedBy      string    `json:"updated_by"`
}

// FacilityInput is a create or a change: absent fields stay as they are.
type FacilityInput struct {
	DivisionCode   *string  `json:"division_code,omitempty"`
	Kind           *string  `json:"kind,omitempty"`
	Name           *string  `json:"name,omitempty"`
	Address        *string  `json:"address,omitempty"`
	FloorArea      *float64 `json:"floor_area,omitempty"`
	ActivityArea   *float64 `json:"activity_area,omitempty"`
	CommercialArea *float64 `json:"commercial_area,omitempty"`
	Status         *string  `json:"status,omitempty"`
	YearOpened     *int     `json:"year_opened,omitempty"`
	NewlyBuilt     *bool    `json:"newly_built,omitempty"`
	Hours          *Week    `json:"hours,omitempty"`
	Online24h      *bool    `json:"online_24h,omitempty"`
	BarrierFree    *bool    `json:"barrier_free,omitempty"`
	AgeFriendly    *bool    `json:"age_friendly,omitempty"`
	FitnessCircle  *bool    `json:"fitness_circle,omitempty"`
	Terminals      *int     `json:"terminals,omitempty"`
	Capacity       *int     `json:"capacity,omitempty"`
	ClosedOn       *string  `json:"closed_on,omitempty"`
	CloseReason    *string  `json:"close_reason,omitempty"`
	// Version, when given, must match the stored one (else ECONFLICT).
	Version *int `json:"version,omitempty"`
}

// Apply returns f with the input's fields set.
func (in *FacilityInput) Apply(f Facility) Facility {
	patch.Text(&f.DivisionCode, in.DivisionCode)
	patch.Text(&f.Kind, in.Kind)
	patch.Text(&f.Name, in.Name)
	patch.Text(&f.Address, in.Address)
	patch.Text(&f.Status, in.Status)
	patch.Text(&f.ClosedOn, in.ClosedOn)
	patch.Text(&f.CloseReason, in.CloseReason)
	patch.Value(&f.FloorArea, in.FloorArea)
	patch.Value(&f.ActivityArea, in.ActivityArea)
	patch.Value(&f.CommercialArea, in.CommercialArea)
	patch.Value(&f.NewlyBuilt, in.NewlyBuilt)
	patch.Value(&f.Online24h, in.Online24h)
	patch.Value(&f.BarrierFree, in.BarrierFree)
	patch.Value(&f.AgeFriendly, in.AgeFriendly)
	patch.Value(&f.FitnessCircle, in.FitnessCircle)
	patch.Value(&f.YearOpened, in.YearOpened)
	patch.Value(&f.Terminals, in.Terminals)
	patch.Value(&f.Capacity, in.Capacity)
	if in.Hours != nil {
		for i, d := range in.Hours {
			f.Hours[i] = strings.TrimSpace(d)
		}
	}
	return f
}

// Validate checks a facility's own fields (the division's place in the
// tree is the service's check) and derives Open8h. now gives the year.
func (f *Facility) Validate(now time.Time) error {
	var bad errs.Fields
	if f.DivisionCode == "" {
		bad.Add("division_code", "error.required")
	}
	if !slices.Contains(Kinds, f.Kind) {
		bad.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	bad.Text("name", f.Name, maxName)
	bad.MaxLen("address", f.Address, maxAddress)
	for _, a := range []struct {
		field string
		v     float64
	}{{"floor_area", f.FloorArea}, {"activity_area", f.ActivityArea}, {"commercial_area", f.CommercialArea}} {
		switch {
		case math.IsNaN(a.v) || math.IsInf(a.v, 0):
			bad.Add(a.field, "error.not_number")
		case a.v < 0:
			bad.Add(a.field, "error.negative")
		case a.v > maxArea:
			bad.Add(a.field, "facility.area_too_large")
		}
	}
	if f.ActivityArea > f.FloorArea && f.ActivityArea >= 0 && f.FloorArea >= 0 {
		bad.Add("activity_area", "facility.activity_over_floor")
	}
	if !slices.Contains(Statuses, f.Status) {
		bad.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	if f.YearOpened != 0 && (f.YearOpened < 1949 || f.YearOpened > now.Year()+5) {
		bad.Add("year_opened", "facility.year_range", now.Year()+5)
	}
	if f.Terminals < 0 {
		bad.Add("terminals", "error.negative")
	} else if f.Terminals > 1000 {
		bad.Add("terminals", "error.greater_than", "1000")
	}
	if f.Capacity < 0 {
		bad.Add("capacity", "error.negative")
	} else if f.Capacity > maxCapacity {
		bad.Add("capacity", "error.greater_than", strconv.Itoa(maxCapacity))
	}
	for i, d := range f.Hours {
		if _, err := DayMinutes(d); err != nil {
			bad.Add("hours_"+Weekdays[i], "facility.hours_format")
		}
	}
	if f.Status == Closed {
		bad.Text("close_reason", f.CloseReason, maxReason)
		if f.ClosedOn != "" {
			if t, err := time.Parse("2006-01-02", f.ClosedOn); err != nil {
				bad.Add("closed_on", "facility.date_format")
			} else if t.After(now.AddDate(0, 0, 1)) {
				bad.Add("closed_on", "facility.date_future")
			}
		}
	} else {
		f.ClosedOn, f.CloseReason = "", ""
	}
	if err := bad.Err(); err != nil {
		return err
	}
	f.Open8h = f.Hours.Open8h()
	return nil
}

// DayMinutes parses one day's ranges ("08:30-12:00,14:00-18:00"; "" is
// closed) into minutes open. Ranges must be in order and not overlap;
// 24:00 ends a day.
func DayMinutes(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	total, last := 0, -1
	for _, part := range strings.Split(strings.NewReplacer("，", ",", "－", "-", "—", "-", "~", "-", "：", ":").Replace(s), ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(part), "-")
		if !ok {
			return 0, fmt.Errorf("range %q", part)
		}
		from, err1 := clock(a)
		to, err2 := clock(b)
		if err1 != nil || err2 != nil || to <= from || from < last {
			return 0, fmt.Errorf("range %q", part)
		}
		total += to - from
		last = to
	}
	return total, nil
}

func clock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return 0, fmt.Errorf("time %q", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("time %q", s)
	}
	return hh*60 + mm, nil
}

// Open8h says whether the week meets the plan's rule: open on at least
// MinOpenDays days, and at least 8 hours on every day it opens.
func (w Week) Open8h() bool {
	days := 0
	for _, d := range w {
		m, err := DayMinutes(d)
		if err != nil {
			return false
		}
		if m == 0 {
			continue
		}
		if m < MinDailyOpenMinutes {
			return false
		}
		days++
	}
	return days >= MinOpenDays
}

// String stores the week: days separated by ";".
func (w Week) String() string { return strings.Join(w[:], ";") }

// ParseWeek reads a stored week.
func ParseWeek(s string) Week {
	var w Week
	if s == "" {
		return w
	}
	for i, d := range strings.SplitN(s, ";", 7) {
		w[i] = d
	}
	return w
}

// centi turns m² into hundredths, the stored unit.
func centi(v float64) int64 { return int64(math.Round(v * 100)) }

// Warnings are the rules that advise but do not block: a newly built
// comprehensive facility in an urban community under 600 m².
func (f *Facility) Warnings(divisionKind string) []string {
	var out []string
	if IsComprehensive(f.Kind) && f.NewlyBuilt && divisionKind == "urban" && f.Status != Closed && f.FloorArea < MinNewUrbanComprehensiveArea {
		out = append(out, "facility.warn_small")
	}
	return out
}
