// Package care is the monthly visits to elderly people with special
// difficulties (特殊困难老年人月探访): on the first day of each month every
// person in the group gets a visit task, assigned to the grid worker of
// their community; the visitor records the visit (how, a checklist, notes,
// photos, the phone's position when allowed), from a phone that may be
// offline; open tasks go to the township after the 25th; the monthly visit
// rate is kept as two measures per community, so the indicator engine reads
// it at every level.
//
// The people come from the people registry through People, and follow-ups
// may open requests through RequestOpener; both are small interfaces
// declared here and wired in internal/app.
package care

import (
	"context"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Person is someone to visit, as the people registry gives it.
type Person struct {
	ID            int64
	Name          string
	CommunityCode string
}

// People lists the current members of the visited group (elderly people
// with special difficulties) in a code range on a day.
type People interface {
	Elderly(ctx context.Context, lo, hi string, on time.Time) ([]Person, error)
}

// PeopleFunc adapts a function to People (the wiring's adapter over the
// people registry).
type PeopleFunc func(ctx context.Context, lo, hi string, on time.Time) ([]Person, error)

// Elderly calls f.
func (f PeopleFunc) Elderly(ctx context.Context, lo, hi string, on time.Time) ([]Person, error) {
	return f(ctx, lo, hi, on)
}

// FollowUp is a finding of a visit that needs action.
type FollowUp struct {
	VisitID      int64
	TaskID       int64
	PersonID     int64
	PersonName   string
	DivisionCode string
	Text         string
}

// RequestOpener opens a request for a follow-up, in ctx's transaction, and
// returns its id. Until the request slice exists it is nil, and the
// follow-up stays on the visit.
type RequestOpener interface {
	OpenFromVisit(ctx context.Context, f FollowUp) (int64, error)
}

// Ways of visiting.
const (
	Home  = "home"
	Phone = "phone"
	Video = "video"
)

// Methods lists the ways of visiting.
var Methods = []string{Home, Phone, Video}

// ChecklistItems are what a visitor looks at, in form order.
var ChecklistItems = []string{"health", "home_safety", "living", "mood", "needs"}

// Checklist answers.
const (
	OK        = "ok"
	Attention = "attention"
)

// Task statuses as lists show them.
const (
	StatusDue       = "due"       // not visited yet, month not over
	StatusDone      = "done"      // visited at least once
	StatusOverdue   = "overdue"   // not visited and the month is over
	StatusEscalated = "escalated" // not visited and sent to the township (after the 25th)
)

// Statuses lists the statuses a list may filter by.
var Statuses = []string{StatusDue, StatusDone, StatusOverdue, StatusEscalated}

// Roles.
var (
	// ListRoles see tasks: grid workers their own, community and township
	// workers every task in their area.
	ListRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff}
	// RecordRoles record visits for tasks assigned to them.
	RecordRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker}
	// AssignRoles reassign tasks in their area.
	AssignRoles = []auth.Role{auth.CommunityWorker, auth.TownshipStaff}
	// RateRoles read the visit rate of their area.
	RateRoles = auth.AreaStaff()
	// AssigneeRoles may be given tasks.
	AssigneeRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker}
)

// Task is one person to visit in one month.
type VisitTask struct {
	ID            int64      `json:"id"`
	Month         string     `json:"month" doc:"YYYY-MM, China time"`
	PersonID      int64      `json:"person_id"`
	PersonName    string     `json:"person_name"`
	DivisionCode  string     `json:"community_code"`
	DivisionName  string     `json:"community_name"`
	AssigneeID    *int64     `json:"assignee_id" doc:"the account that visits; null while the community has none"`
	AssigneeName  string     `json:"assignee_name"`
	Visits        int        `json:"visits"`
	LastVisitAt   *time.Time `json:"last_visit_at,omitempty"`
	Escalated     bool       `json:"escalated" doc:"not visited after the 25th: on the township's list"`
	Status        string     `json:"status" enum:"due,done,overdue,escalated"`
	Version       int        `json:"version"`
	VisitsList    []Visit    `json:"visit_records,omitempty"`
	CanRecord     bool       `json:"-"`
	CanReassign   bool       `json:"-"`
	AssigneeLogin string     `json:"-"`
}

// status derives a task's status in the current month cur.
func (t *VisitTask) status(cur string) string {
	switch {
	case t.Visits > 0:
		return StatusDone
	case t.Escalated && t.Month == cur:
		return StatusEscalated
	case t.Month < cur:
		return StatusOverdue
	}
	return StatusDue
}

// Location is the phone's position at the visit, when the visitor allowed it.
type VisitLocation struct {
	Latitude  float64 `json:"latitude" minimum:"-90" maximum:"90"`
	Longitude float64 `json:"longitude" minimum:"-180" maximum:"180"`
	Accuracy  float64 `json:"accuracy,omitempty" minimum:"0" doc:"metres"`
}

// Visit is a recorded visit.
type Visit struct {
	ID              int64             `json:"id"`
	TaskID          int64             `json:"task_id"`
	DivisionCode    string            `json:"community_code"`
	VisitorName     string            `json:"visitor"`
	VisitedAt       time.Time         `json:"visited_at"`
	Method          string            `json:"method" enum:"home,phone,video"`
	Checklist       map[string]string `json:"checklist"`
	Notes           string            `json:"notes"`
	FollowUp        string            `json:"follow_up,omitempty"`
	FollowUpRequest *int64            `json:"follow_up_request,omitempty"`
	Location        *VisitLocation    `json:"location,omitempty"`
	Photos          []int64           `json:"photos"`
	IdempotencyKey  string            `json:"idempotency_key"`
	CreatedAt       time.Time         `json:"created_at"`
	locationSealed  string
}

// VisitInput is a visit to record.
type VisitInput struct {
	TaskID         int64             `json:"task_id"`
	IdempotencyKey string            `json:"idempotency_key,omitempty" doc:"chosen by the client for each visit (a UUID): the same key sent again records nothing and answers the same visit" maxLength:"64"`
	VisitedAt      *time.Time        `json:"visited_at,omitempty" doc:"when the visit took place; default now; must lie in the task's month and not in the future"`
	Method         string            `json:"method" enum:"home,phone,video"`
	Checklist      map[string]string `json:"checklist" doc:"health, home_safety, living, mood, needs: ok or attention; all five required"`
	Notes          string            `json:"notes,omitempty" maxLength:"2000"`
	FollowUp       string            `json:"follow_up,omitempty" maxLength:"500" doc:"a finding that needs action"`
	Location       *VisitLocation    `json:"location,omitempty"`
}

const (
	maxNotes    = 2000
	maxFollowUp = 500
	maxKey      = 64
	maxPhotos   = 6
)

// validKey: a client key is 8 to 64 letters, digits, '-' or '_'.
func validKey(k string) bool {
	if len(k) < 8 || len(k) > maxKey {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Validate checks a visit's own fields (the task and the month are checked
// by the service) and trims its texts.
func (in *VisitInput) Validate() error {
	var f errs.Fields
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	in.Notes = strings.TrimSpace(in.Notes)
	in.FollowUp = strings.TrimSpace(in.FollowUp)
	if in.TaskID <= 0 {
		f.Add("task_id", "error.required")
	}
	if in.IdempotencyKey == "" {
		f.Add("idempotency_key", "error.required")
	} else if !validKey(in.IdempotencyKey) {
		f.Add("idempotency_key", "care.bad_key")
	}
	if !slices.Contains(Methods, in.Method) {
		f.Add("method", "error.one_of", strings.Join(Methods, ", "))
	}
	for _, item := range ChecklistItems {
		v := in.Checklist[item]
		if v == "" {
			f.Add("check_"+item, "error.required")
		} else if v != OK && v != Attention {
			f.Add("check_"+item, "error.one_of", OK+", "+Attention)
		}
	}
	for k := range in.Checklist {
		if !slices.Contains(ChecklistItems, k) {
			f.Add("checklist", "error.unknown_field")
			break
		}
	}
	// Notes are stored as written: personal numbers belong in the
	// registry's sealed fields, not here.
	if utf8.RuneCountInString(in.Notes) > maxNotes {
		f.Add("notes", "error.too_long", maxNotes)
	} else if plainNumbers(in.Notes) {
		f.Add("notes", "care.no_numbers")
	}
	if utf8.RuneCountInString(in.FollowUp) > maxFollowUp {
		f.Add("follow_up", "error.too_long", maxFollowUp)
	} else if plainNumbers(in.FollowUp) {
		f.Add("follow_up", "care.no_numbers")
	}
	if l := in.Location; l != nil {
		if math.IsNaN(l.Latitude) || l.Latitude < -90 || l.Latitude > 90 || math.IsNaN(l.Longitude) || l.Longitude < -180 || l.Longitude > 180 ||
			math.IsNaN(l.Accuracy) || l.Accuracy < 0 {
			f.Add("location", "care.bad_location")
		}
	}
	return f.Err()
}

// plainNumbers reports whether text holds an ID number or a mobile number.
func plainNumbers(s string) bool {
	ids, mobiles := idcard.FindInText([]byte(s))
	return len(ids) > 0 || len(mobiles) > 0
}

func checklistJSON(m map[string]string) string {
	b, _ := json.Marshal(m)
	return string(b)
}

// MonthOf is the month (YYYY-MM) of t in China.
func MonthOf(t time.Time) string { return t.In(calendar.China).Format("2006-01") }

// ParseMonth reads YYYY-MM; it returns the first instant of the month.
func ParseMonth(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", s, calendar.China)
	return t, err == nil && t.Format("2006-01") == s
}

// nextMonth is the month after m (YYYY-MM).
func nextMonth(m string) string {
	t, _ := ParseMonth(m)
	return t.AddDate(0, 1, 0).Format("2006-01")
}

// EscalationDay: open tasks go to the township after this day of the month.
const EscalationDay = 25

// AssignedTo reports whether the task is assigned to an account.
func (t *VisitTask) AssignedTo(id int64) bool { return t.AssigneeID != nil && *t.AssigneeID == id }
