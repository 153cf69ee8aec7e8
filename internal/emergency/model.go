// Package emergency is the communities' emergency work (预警发布和应急避险):
// each community's emergency plan with its versions, its drills and micro
// fire stations, the shelters (facilities of kind emergency_shelter, read
// from the facility registry), and the alerts township, county and city
// staff send to an area: every resident account's inbox at once, SMS to
// those who chose it, and a task list of the area's vulnerable people for
// the grid workers, whose outcome the sender watches fill in.
package emergency

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Who may do what.
var (
	// ReadRoles read the records and alerts of their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles keep plans, drills and fire stations.
	EditRoles = auth.OfficeStaff()
	// SendRoles send alerts to an area inside their own.
	SendRoles = []auth.Role{auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	// MarkRoles work through an alert's task list.
	MarkRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker}
)

// Kinds of emergency (drills and alerts).
var Kinds = []string{"flood", "rainstorm", "fire", "earthquake", "typhoon", "snowstorm", "heat", "geological", "other"}

// Levels of an alert, lowest first (蓝, 黄, 橙, 红).
var Levels = []string{"blue", "yellow", "orange", "red"}

// Task statuses.
const (
	Pending    = "pending"
	Reached    = "reached"
	NotReached = "not_reached"
)

// Limits.
const (
	maxText      = 2000
	maxTitle     = 100
	maxShort     = 200
	maxNote      = 500
	maxMembers   = 1000
	maxAttendees = 100000
	// DateLayout is the layout of dates (drills).
	DateLayout = "2006-01-02"
	// FileMax caps a plan's attachment.
	FileMax = 10 << 20
)

// Plan is one version of a community's emergency plan.
type Plan struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Version       int       `json:"version"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	Contacts      string    `json:"contacts" doc:"who to call, one a line: role, name, work phone"`
	FileID        *int64    `json:"file_id,omitempty"`
	FileName      string    `json:"file_name,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
}

// PlanInput is a new version of a plan.
type PlanInput struct {
	CommunityCode string `json:"community_code,omitempty"`
	Title         string `json:"title,omitempty"`
	Body          string `json:"body,omitempty"`
	Contacts      string `json:"contacts,omitempty"`
}

func (p *PlanInput) check() error {
	f := errs.Fields{}
	p.Title, p.Body, p.Contacts = strings.TrimSpace(p.Title), strings.TrimSpace(p.Body), strings.TrimSpace(p.Contacts)
	checkCommunity(&f, "community_code", p.CommunityCode)
	text(&f, "title", p.Title, maxTitle, true)
	text(&f, "body", p.Body, maxText, false)
	text(&f, "contacts", p.Contacts, maxText, false)
	return f.Err()
}

// Drill is one drill (演练) a community held.
type DrillRecord struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	HeldOn        string    `json:"held_on"`
	Kind          string    `json:"kind"`
	Participants  int       `json:"participants"`
	Note          string    `json:"note"`
	PhotoID       *int64    `json:"photo_id,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
}

// DrillInput is a drill to record.
type DrillInput struct {
	CommunityCode string `json:"community_code,omitempty"`
	HeldOn        string `json:"held_on,omitempty" doc:"YYYY-MM-DD, not in the future"`
	Kind          string `json:"kind,omitempty" enum:"flood,rainstorm,fire,earthquake,typhoon,snowstorm,heat,geological,other"`
	Participants  int    `json:"participants,omitempty"`
	Note          string `json:"note,omitempty"`
}

func (d *DrillInput) check(today string) error {
	f := errs.Fields{}
	d.Note = strings.TrimSpace(d.Note)
	checkCommunity(&f, "community_code", d.CommunityCode)
	if _, err := time.Parse(DateLayout, d.HeldOn); err != nil {
		f.Add("held_on", "emergency.date_invalid")
	} else if d.HeldOn > today {
		f.Add("held_on", "emergency.date_future")
	}
	oneOf(&f, "kind", d.Kind, Kinds)
	if d.Participants < 1 || d.Participants > maxAttendees {
		f.Add("participants", "emergency.range", 1, maxAttendees)
	}
	text(&f, "note", d.Note, maxNote, false)
	return f.Err()
}

// Station is a micro fire station (微型消防站).
type Station struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Place         string    `json:"place"`
	Equipment     string    `json:"equipment"`
	Members       int       `json:"members"`
	Phone         string    `json:"phone" doc:"the station's duty phone (a work number, not a person's)"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// StationInput is a station to record.
type StationInput struct {
	CommunityCode string `json:"community_code,omitempty"`
	Place         string `json:"place,omitempty"`
	Equipment     string `json:"equipment,omitempty"`
	Members       int    `json:"members,omitempty"`
	Phone         string `json:"phone,omitempty"`
}

func (st *StationInput) check() error {
	f := errs.Fields{}
	st.Place, st.Equipment, st.Phone = strings.TrimSpace(st.Place), strings.TrimSpace(st.Equipment), strings.TrimSpace(st.Phone)
	checkCommunity(&f, "community_code", st.CommunityCode)
	text(&f, "place", st.Place, maxShort, true)
	text(&f, "equipment", st.Equipment, maxText, false)
	if st.Members < 1 || st.Members > maxMembers {
		f.Add("members", "emergency.range", 1, maxMembers)
	}
	if !phoneOK(st.Phone) {
		f.Add("phone", "emergency.phone_format")
	}
	return f.Err()
}

// phoneOK: a duty number of digits and dashes, 7 to 20 characters.
func phoneOK(s string) bool {
	if len(s) < 7 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// Shelter is an emergency shelter of the facility registry.
type Shelter struct {
	ID            int64  `json:"id"`
	CommunityCode string `json:"community_code"`
	Name          string `json:"name"`
	Address       string `json:"address"`
	Capacity      int64  `json:"capacity" doc:"people it holds"`
}

// Alert is an alert sent to an area.
type Alert struct {
	ID        int64     `json:"id"`
	AreaCode  string    `json:"area_code"`
	AreaName  string    `json:"area_name"`
	Kind      string    `json:"kind"`
	Level     string    `json:"level"`
	Body      string    `json:"body"`
	Sender    string    `json:"sender"`
	Residents int       `json:"residents" doc:"resident accounts whose inbox got it"`
	SMS       int       `json:"sms" doc:"SMS queued to residents who chose SMS"`
	SentAt    time.Time `json:"sent_at"`
}

// AlertInput is an alert to send.
type AlertInput struct {
	AreaCode string `json:"area_code,omitempty" doc:"a division inside the sender's area"`
	Kind     string `json:"kind,omitempty" enum:"flood,rainstorm,fire,earthquake,typhoon,snowstorm,heat,geological,other"`
	Level    string `json:"level,omitempty" enum:"blue,yellow,orange,red"`
	Body     string `json:"body,omitempty"`
}

func (a *AlertInput) check() error {
	f := errs.Fields{}
	a.Body = strings.TrimSpace(a.Body)
	if !division.ValidCode(a.AreaCode) {
		f.Add("area_code", "emergency.code_format")
	}
	oneOf(&f, "kind", a.Kind, Kinds)
	oneOf(&f, "level", a.Level, Levels)
	text(&f, "body", a.Body, maxShort, true)
	return f.Err()
}

// AlertFilter narrows the alerts list: words of the text or the area's
// name, a kind, a level ("" for any).
type AlertFilter struct {
	Q     string
	Kind  string
	Level string
}

func (f *AlertFilter) check() error {
	fs := errs.Fields{}
	f.Q = strings.TrimSpace(f.Q)
	if f.Kind != "" {
		oneOf(&fs, "kind", f.Kind, Kinds)
	}
	if f.Level != "" {
		oneOf(&fs, "level", f.Level, Levels)
	}
	text(&fs, "q", f.Q, maxTitle, false)
	return fs.Err()
}

// Task is one vulnerable person a grid worker must reach after an alert.
type Task struct {
	ID            int64      `json:"id"`
	AlertID       int64      `json:"alert_id"`
	CommunityCode string     `json:"community_code"`
	PersonID      int64      `json:"person_id"`
	NameMasked    string     `json:"name_masked"`
	Reason        string     `json:"reason" enum:"living_alone,elderly_disabled,disability"`
	Status        string     `json:"status" enum:"pending,reached,not_reached"`
	Note          string     `json:"note"`
	MarkedBy      string     `json:"marked_by,omitempty"`
	MarkedAt      *time.Time `json:"marked_at,omitempty"`
}

// Mark is a grid worker's outcome for a task.
type Mark struct {
	Status string `json:"status,omitempty" enum:"reached,not_reached"`
	Note   string `json:"note,omitempty"`
}

func (m *Mark) check() error {
	f := errs.Fields{}
	m.Note = strings.TrimSpace(m.Note)
	oneOf(&f, "status", m.Status, []string{Reached, NotReached})
	text(&f, "note", m.Note, maxNote, m.Status == NotReached)
	return f.Err()
}

// Coverage is an alert's outcome in one community (or, as Total, all).
type Coverage struct {
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	Residents     int    `json:"residents" doc:"resident accounts notified"`
	Reached       int    `json:"reached"`
	NotReached    int    `json:"not_reached"`
	Pending       int    `json:"pending"`
}

// People is how many vulnerable people the community's list holds.
func (c Coverage) People() int { return c.Reached + c.NotReached + c.Pending }

// Percent is the share of the list worked through (reached or not), 100
// for an empty list.
func (c Coverage) Percent() int {
	if c.People() == 0 {
		return 100
	}
	return (c.Reached + c.NotReached) * 100 / c.People()
}

// AlertCoverage is an alert's coverage by community and in total.
type AlertCoverage struct {
	Alert       *Alert     `json:"alert"`
	Total       Coverage   `json:"total"`
	Communities []Coverage `json:"communities"`
}

// Figures are an area's emergency figures for a year.
type AreaFigures struct {
	Code             string `json:"code"`
	Year             int    `json:"year"`
	Communities      int    `json:"communities" doc:"communities in the area"`
	WithPlan         int    `json:"with_plan" doc:"communities with a plan"`
	Drills           int    `json:"drills" doc:"drills held in the year"`
	DrillPeople      int    `json:"drill_participants"`
	Shelters         int    `json:"shelters"`
	ShelterCapacity  int64  `json:"shelter_capacity"`
	Stations         int    `json:"fire_stations"`
	Alerts           int    `json:"alerts" doc:"alerts sent to divisions in the area in the year"`
	ResidentsReached int    `json:"residents_notified"`
	Coverage         `json:"tasks"`
}

func checkCommunity(f *errs.Fields, field, code string) {
	if !division.ValidCode(code) || division.LevelFromCode(code) != division.Community {
		f.Add(field, "emergency.not_a_community")
	}
}

func text(f *errs.Fields, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		f.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "error.too_long", max)
	}
}

func oneOf(f *errs.Fields, field, v string, in []string) {
	if !slices.Contains(in, v) {
		f.Add(field, "error.one_of", strings.Join(in, ", "))
	}
}

func sortedCodes(codes []string) []string {
	out := slices.Clone(codes)
	slices.Sort(out)
	return out
}
