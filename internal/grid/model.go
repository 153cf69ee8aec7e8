// Package grid keeps the grids (网格) below each community, the grid
// workers assigned to them, the buildings or villagers' groups they cover
// with their heads (sealed), and the grid workers' patrols (巡查): notes and
// photos along the way, and the events found (hazard, dispute, need), each
// reported as a request or resolved on the spot. Figures count patrols and
// events per grid and month, rolled up by division.
package grid

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Unit kinds: a building (楼栋, urban) or a villagers' group (村民小组, rural).
var UnitKinds = []string{"building", "group"}

// Event kinds.
var EventKinds = []string{"hazard", "dispute", "need"}

// Event outcomes: reported into the request pipeline or resolved on the spot.
const (
	Reported = "reported"
	Resolved = "resolved"
)

// Grid is one grid of a community.
type Grid struct {
	ID            int64        `json:"id"`
	Code          string       `json:"code" doc:"the community's 12-digit code, a hyphen and the grid's two-digit number"`
	CommunityCode string       `json:"community_code"`
	CommunityName string       `json:"community_name"`
	Number        int          `json:"number"`
	Name          string       `json:"name"`
	Workers       []GridWorker `json:"workers"`
	Units         []GridUnit   `json:"units"`
	Version       int          `json:"version"`
	UpdatedAt     time.Time    `json:"updated_at"`
	UpdatedBy     string       `json:"updated_by"`
}

// GridWorker is a grid worker's account assigned to a grid.
type GridWorker struct {
	UserID  int64  `json:"user_id"`
	Login   string `json:"login"`
	Display string `json:"display"`
}

// GridUnit is a building or villagers' group a grid covers and its head;
// the head's name and phone are masked when read.
type GridUnit struct {
	Kind      string `json:"kind" doc:"building or group"`
	Name      string `json:"name"`
	HeadName  string `json:"head_name,omitempty"`
	HeadPhone string `json:"head_phone,omitempty"`
}

// GridInput is a new grid or the whole of a changed one.
type GridInput struct {
	CommunityCode string     `json:"community_code,omitempty" doc:"required when adding; a change keeps the community"`
	Number        int        `json:"grid_number" doc:"1 to 99; unique in the community"`
	Name          string     `json:"name"`
	Workers       []string   `json:"workers,omitempty" doc:"logins of grid-worker accounts of the community"`
	Units         []GridUnit `json:"units,omitempty"`
	// Version, when given on a change, must match the stored one.
	Version int `json:"version,omitempty"`
}

// GridCode is a grid's code.
func GridCode(community string, number int) string { return fmt.Sprintf("%s-%02d", community, number) }

const (
	maxName  = 60
	maxUnits = 200
	maxText  = 1000
)

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// check trims and validates the input; the community's area and the
// workers are the service's to check.
func (in *GridInput) check() errs.Fields {
	var f errs.Fields
	in.CommunityCode, in.Name = strings.TrimSpace(in.CommunityCode), strings.TrimSpace(in.Name)
	if !division.ValidCode(in.CommunityCode) || division.Code(in.CommunityCode).Level() != division.Community {
		f.Add("community_code", "grid.community_code")
	}
	if in.Number < 1 || in.Number > 99 {
		f.Add("grid_number", "grid.number_range")
	}
	switch {
	case in.Name == "":
		f.Add("name", "error.required")
	case tooLong(in.Name, maxName):
		f.Add("name", "error.too_long", maxName)
	}
	if len(in.Units) > maxUnits {
		f.Add("unit_name", "grid.too_many_units", maxUnits)
	}
	for i := range in.Units {
		u := &in.Units[i]
		u.Kind, u.Name = strings.TrimSpace(u.Kind), strings.TrimSpace(u.Name)
		u.HeadName, u.HeadPhone = strings.TrimSpace(u.HeadName), strings.TrimSpace(u.HeadPhone)
		// A unit's problems carry its position as their row.
		add := func(field, key string, args ...any) {
			fe := errs.Field(field, key, args...)
			fe.Row = i + 1
			f = append(f, fe)
		}
		if !slices.Contains(UnitKinds, u.Kind) {
			add("unit_kind", "error.one_of", strings.Join(UnitKinds, ", "))
		}
		if u.Name == "" || tooLong(u.Name, maxName) {
			add("unit_name", "grid.unit_name_bad")
		}
		if tooLong(u.HeadName, 30) {
			add("head_name", "error.too_long", 30)
		}
		if u.HeadPhone != "" && !idcard.ValidMobile(u.HeadPhone) {
			add("head_phone", "grid.bad_phone")
		}
	}
	return f
}

// GridFilter selects grids for a list or an export.
type GridFilter struct {
	Q        string // part of a name or a grid code
	Division string // at or under this division
	Page     int
	PerPage  int
}

func (f *GridFilter) check() error {
	var bad errs.Fields
	f.Q, f.Division = strings.TrimSpace(f.Q), strings.TrimSpace(f.Division)
	if tooLong(f.Q, 50) {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "grid.code_format")
	}
	return bad.Err()
}

// Patrol is a grid worker's patrol of a grid.
type GridPatrol struct {
	ID            int64            `json:"id"`
	GridID        int64            `json:"grid_id"`
	GridCode      string           `json:"grid_code"`
	GridName      string           `json:"grid_name"`
	CommunityCode string           `json:"community_code"`
	WorkerID      int64            `json:"worker_id"`
	WorkerName    string           `json:"worker_name"`
	StartedAt     time.Time        `json:"started_at"`
	EndedAt       *time.Time       `json:"ended_at,omitempty"`
	Notes         []GridPatrolNote `json:"notes"`
	Events        []GridEvent      `json:"events"`
}

// Open reports whether the patrol has not ended.
func (p *GridPatrol) Open() bool { return p.EndedAt == nil }

// PatrolNote is a note or a photo taken on a patrol.
type GridPatrolNote struct {
	ID        int64     `json:"id"`
	Note      string    `json:"note,omitempty"`
	PhotoID   int64     `json:"photo_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PatrolEvent is an event found on a patrol.
type GridEvent struct {
	ID            int64     `json:"id"`
	PatrolID      int64     `json:"patrol_id"`
	CommunityCode string    `json:"community_code"`
	Kind          string    `json:"kind" doc:"hazard, dispute or need"`
	Description   string    `json:"description"`
	Outcome       string    `json:"outcome" doc:"reported (a request) or resolved (on the spot)"`
	RequestID     int64     `json:"request_id,omitempty"`
	RequestNumber string    `json:"request_number,omitempty"`
	Resolution    string    `json:"resolution,omitempty"`
	PhotoID       int64     `json:"photo_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
}

// EventInput is an event found on a patrol and what was done with it.
type GridEventInput struct {
	Kind        string `json:"kind" doc:"hazard, dispute or need"`
	Description string `json:"description" doc:"5 to 1000 characters"`
	Outcome     string `json:"outcome" doc:"reported: filed as a request; resolved: resolved on the spot"`
	Resolution  string `json:"resolution,omitempty" doc:"required when resolved: what was done"`
}

func (in *GridEventInput) check() errs.Fields {
	var f errs.Fields
	in.Description, in.Resolution = strings.TrimSpace(in.Description), strings.TrimSpace(in.Resolution)
	if !slices.Contains(EventKinds, in.Kind) {
		f.Add("kind", "error.one_of", strings.Join(EventKinds, ", "))
	}
	if n := utf8.RuneCountInString(in.Description); n < 5 || n > maxText {
		f.Add("description", "grid.description_length")
	}
	switch in.Outcome {
	case Reported:
		in.Resolution = ""
	case Resolved:
		if in.Resolution == "" {
			f.Add("resolution", "error.required")
		} else if tooLong(in.Resolution, maxText) {
			f.Add("resolution", "error.too_long", maxText)
		}
	default:
		f.Add("outcome", "error.one_of", Reported+", "+Resolved)
	}
	return f
}

// Report is what the request pipeline is asked to file for an event.
type Report struct {
	EventKind     string
	CommunityCode string
	GridCode      string
	Description   string
}

// Requests files an event as a request (channel patrol) in ctx's
// transaction as the reporting grid worker; adapted in internal/app over
// the request service. It returns the request's id and number.
type Requests interface {
	FileFromPatrol(ctx context.Context, r Report) (id int64, number string, err error)
}

// Figures are the patrol figures of a division (or a grid) for a month.
type GridFigureRow struct {
	Code      string `json:"code"`
	Name      string `json:"name"`
	DrillDown bool   `json:"drill_down"`
	Patrols   int64  `json:"patrols"`
	Events    int64  `json:"events"`
	Reported  int64  `json:"reported"`
	Resolved  int64  `json:"resolved"`
}

// GridFigures is the figures page's content: the division and its parts.
type GridFigures struct {
	Month string          `json:"month" doc:"YYYY-MM"`
	Total GridFigureRow   `json:"total"`
	Rows  []GridFigureRow `json:"rows"`
}

// has reports whether f names field.
func has(f errs.Fields, field string) bool {
	return slices.ContainsFunc(f, func(e errs.FieldError) bool { return e.Field == field })
}
