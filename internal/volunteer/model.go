// Package volunteer is volunteer service (志愿服务): volunteers and the
// organisations they serve with, activities with sign-ups and a waiting
// list, check-in and check-out by a code that changes every 30 seconds,
// service records kept by the organiser (民政部《志愿服务记录与证明出具办法
// （试行）》: true, accurate, complete, free of charge, timely), corrections,
// and star levels by cumulative hours. ID numbers and phones are sealed at
// rest and masked on every screen.
package volunteer

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// DateLayout is how dates are written in storage, the API and forms.
const DateLayout = "2006-01-02"

// Kinds of organisation.
var OrgKinds = []string{"practice_station", "volunteer_team", "social_org", "committee"}

// Targets of an activity's service.
var Targets = []string{"elderly", "children", "disabled", "families", "residents", "environment", "other"}

// Activity statuses.
const (
	Open      = "open"
	Closed    = "closed"
	Cancelled = "cancelled"
)

// Sign-up statuses.
const (
	Confirmed = "confirmed"
	Waiting   = "waiting"
	Withdrawn = "cancelled"
)

// Check-in directions.
const (
	In  = "in"
	Out = "out"
)

// Correction statuses.
const (
	Pending  = "pending"
	Approved = "approved"
	Refused  = "refused"
)

// Volunteer is a registered volunteer as a caller sees it: the ID number
// and the phone masked.
type Volunteer struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Name          string    `json:"name"`
	IDNumber      string    `json:"id_number" doc:"masked: first 3 and last 4 characters"`
	Phone         string    `json:"phone" doc:"masked: first 3 and last 4 characters"`
	Skills        []string  `json:"skills"`
	Availability  string    `json:"availability"`
	ServiceAreas  string    `json:"service_areas"`
	Hours         float64   `json:"hours" doc:"cumulative service hours"`
	HoursCenti    int64     `json:"hours_centi" doc:"cumulative service hours in hundredths"`
	Star          int       `json:"star" doc:"star level 0-5 by cumulative hours"`
	LastServed    string    `json:"last_served" doc:"date of the latest service; empty if none"`
	Active        bool      `json:"active" doc:"served in the last 12 months"`
	Own           bool      `json:"own" doc:"the caller is this volunteer"`
	CreatedAt     time.Time `json:"created_at"`
	Version       int       `json:"version"`
	// IDNumberSealed is the sealed ID number, for a slice that must print
	// it in full (a certificate); opening it is that slice's to audit.
	IDNumberSealed string `json:"-"`
	UserID         int64  `json:"-"`
}

// Registration is a new volunteer, or a change to one (nil fields of a
// change stay as they are).
type Registration struct {
	CommunityCode *string  `json:"community_code,omitempty" doc:"12-digit code of the volunteer's village or community; a resident's own by default"`
	Name          *string  `json:"real_name,omitempty"`
	IDNumber      *string  `json:"id_number,omitempty" doc:"18-character resident ID number (GB 11643); only when registering"`
	Phone         *string  `json:"phone,omitempty" doc:"11-digit mobile number"`
	Skills        []string `json:"skills,omitempty"`
	Availability  *string  `json:"availability,omitempty" doc:"e.g. weekends, weekday evenings"`
	ServiceAreas  *string  `json:"service_areas,omitempty" doc:"the kinds of service wanted, e.g. elderly care"`
	// UserID links the volunteer to a resident's account; a resident
	// registering themselves is linked to their own.
	UserID *int64 `json:"user_id,omitempty" doc:"the resident account, when staff register on a resident's behalf"`
}

// Org is an organisation that organises volunteer service.
type Org struct {
	ID           int64  `json:"id"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Name         string `json:"name"`
	Kind         string `json:"kind" doc:"practice_station, volunteer_team, social_org or committee"`
	Members      int    `json:"members"`
}

// OrgInput is a new organisation.
type OrgInput struct {
	DivisionCode string `json:"division_code,omitempty"`
	Name         string `json:"name,omitempty"`
	Kind         string `json:"kind,omitempty"`
}

// Member is a volunteer in an organisation.
type Member struct {
	VolunteerID int64  `json:"volunteer_id"`
	Name        string `json:"name"`
	Lead        bool   `json:"lead"`
}

// Activity is a volunteer activity.
type Activity struct {
	ID            int64     `json:"id"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Title         string    `json:"title"`
	Content       string    `json:"content"`
	Target        string    `json:"target"`
	Place         string    `json:"place"`
	StartsAt      time.Time `json:"starts_at"`
	EndsAt        time.Time `json:"ends_at"`
	Slots         int       `json:"slots"`
	Taken         int       `json:"taken"`
	Skills        []string  `json:"skills"`
	CountsHours   bool      `json:"counts_hours"`
	Status        string    `json:"status"`
	CreatedBy     string    `json:"created_by"`
	// The caller's relation to the activity.
	CanOrganise bool   `json:"can_organise"`
	MySignup    string `json:"my_signup" doc:"the caller's sign-up status, empty if none"`
}

// ActivityInput is a new activity.
type ActivityInput struct {
	OrgID         int64     `json:"org_id,omitempty"`
	CommunityCode string    `json:"community_code,omitempty"`
	Title         string    `json:"title,omitempty"`
	Content       string    `json:"content,omitempty"`
	Target        string    `json:"target,omitempty"`
	Place         string    `json:"place,omitempty"`
	StartsAt      time.Time `json:"starts_at,omitempty"`
	EndsAt        time.Time `json:"ends_at,omitempty"`
	Slots         int       `json:"slots,omitempty"`
	Skills        []string  `json:"skills,omitempty"`
	CountsHours   *bool     `json:"counts_hours,omitempty" doc:"default true"`
}

// Signup is one volunteer's sign-up to an activity, with attendance.
type Signup struct {
	ID           int64      `json:"id"`
	VolunteerID  int64      `json:"volunteer_id"`
	Name         string     `json:"name"`
	Status       string     `json:"status"`
	CheckinAt    *time.Time `json:"checkin_at,omitempty"`
	CheckoutAt   *time.Time `json:"checkout_at,omitempty"`
	ManualReason string     `json:"manual_reason,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
}

// Record is one service record.
type Record struct {
	ID            int64     `json:"id"`
	VolunteerID   int64     `json:"volunteer_id"`
	ActivityID    int64     `json:"activity_id,omitempty"`
	OrgID         int64     `json:"org_id"`
	OrgName       string    `json:"org_name"`
	OrgKind       string    `json:"org_kind"`
	OrgDivision   string    `json:"org_division"`
	CommunityCode string    `json:"community_code" doc:"where the service was done"`
	Date          string    `json:"date"`
	Place         string    `json:"place"`
	Content       string    `json:"content"`
	Hours         float64   `json:"hours"`
	HoursCenti    int64     `json:"hours_centi"`
	RecordedBy    string    `json:"recorded_by"`
	RecordedAt    time.Time `json:"recorded_at"`
	Correction    string    `json:"correction,omitempty" doc:"status of the latest correction asked for, if any"`
}

// Correction is a change to a record's hours that a volunteer asked for.
type Correction struct {
	ID            int64      `json:"id"`
	RecordID      int64      `json:"record_id"`
	VolunteerID   int64      `json:"volunteer_id"`
	CommunityCode string     `json:"community_code" doc:"where the service was done"`
	Name          string     `json:"name"`
	Hours         float64    `json:"hours" doc:"the hours asked for"`
	OldHours      float64    `json:"old_hours"`
	Reason        string     `json:"reason"`
	Status        string     `json:"status"`
	Decision      string     `json:"decision"`
	DecidedBy     string     `json:"decided_by"`
	CreatedAt     time.Time  `json:"created_at"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
}

// DefaultStars are the national star levels' cumulative hours (一星 to 五星).
var DefaultStars = []int{100, 300, 600, 1000, 1500}

// StarLevel is the star level of cumulative hours (in hundredths) under
// thresholds (in hours, ascending).
func StarLevel(centi int64, thresholds []int) int {
	n := 0
	for _, t := range thresholds {
		if centi >= int64(t)*100 {
			n++
		}
	}
	return n
}

// ClipHours is the time served inside the window [start, end] between a
// check-in and a check-out, in hundredths of an hour (rounded down, so a
// record never claims time not served).
func ClipHours(start, end, in, out time.Time) int64 {
	if in.Before(start) {
		in = start
	}
	if out.After(end) {
		out = end
	}
	if !out.After(in) {
		return 0
	}
	return int64(out.Sub(in) / (36 * time.Second))
}

// MinServe is the least time a volunteer must have served inside an
// activity's window before a check-out (by code or confirmed by hand) is
// taken; for an activity shorter than that, its whole length.
//
// Hours are counted as the national volunteer-service system and the apps
// built on it (志愿汇 and the like) count them: from the check-in to the
// check-out, clipped to the activity's window, never rounded up. A
// check-out a moment after the check-in would record 0.00 h, a record of
// nothing that still counts as an attendance; so it is refused with a
// message saying how long is left. A volunteer who must leave early asks
// the organiser, who confirms the times by hand with a reason (held to the
// same minimum).
const MinServe = 15 * time.Minute

// minServe is MinServe for an activity from start to end.
func minServe(start, end time.Time) time.Duration {
	return min(MinServe, end.Sub(start))
}

// served is the time served inside [start, end] between in and out.
func served(start, end, in, out time.Time) time.Duration {
	if in.Before(start) {
		in = start
	}
	if out.After(end) {
		out = end
	}
	return max(out.Sub(in), 0)
}

// AttendanceState is what an organiser's list shows of a sign-up: its
// attendance once there is one ("checked_out", "checked_in"), else its
// status.
func (x Signup) AttendanceState() string {
	switch {
	case x.Status == Confirmed && x.CheckoutAt != nil:
		return "checked_out"
	case x.Status == Confirmed && x.CheckinAt != nil:
		return "checked_in"
	}
	return x.Status
}

// ServedHours is the hours closing a would record for a checked-out
// sign-up, as text with two decimals ("0.00" when a does not count hours).
func (a *Activity) ServedHours(x Signup) string {
	if x.CheckinAt == nil || x.CheckoutAt == nil || !a.CountsHours {
		return "0.00"
	}
	return strconv.FormatFloat(centiToHours(ClipHours(a.StartsAt, a.EndsAt, *x.CheckinAt, *x.CheckoutAt)), 'f', 2, 64)
}

func centiToHours(c int64) float64 { return float64(c) / 100 }

const (
	maxName  = 50
	maxTitle = 100
	maxText  = 2000
	maxSlots = 10000
)

func tooLong(s string, n int) bool { return len([]rune(s)) > n }

// cleanList trims a list of words, dropping empties and duplicates.
func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
			p = strings.TrimSpace(p)
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func (in *ActivityInput) validate(now time.Time) errs.Fields {
	var f errs.Fields
	in.Title, in.Content, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Content), strings.TrimSpace(in.Place)
	in.Skills = cleanList(in.Skills)
	if in.OrgID <= 0 {
		f.Add("org_id", "error.required")
	}
	if in.CommunityCode == "" {
		f.Add("community_code", "error.required")
	}
	switch {
	case in.Title == "":
		f.Add("title", "error.required")
	case tooLong(in.Title, maxTitle):
		f.Add("title", "error.too_long", maxTitle)
	}
	if tooLong(in.Content, maxText) {
		f.Add("content", "error.too_long", maxText)
	}
	if !slices.Contains(Targets, in.Target) {
		f.Add("target", "error.one_of", strings.Join(Targets, ", "))
	}
	switch {
	case in.Place == "":
		f.Add("place", "error.required")
	case tooLong(in.Place, maxTitle):
		f.Add("place", "error.too_long", maxTitle)
	}
	switch {
	case in.StartsAt.IsZero():
		f.Add("starts_at", "error.required")
	case in.StartsAt.Before(now.Add(-24 * time.Hour)):
		f.Add("starts_at", "volunteer.starts_past")
	}
	switch {
	case in.EndsAt.IsZero():
		f.Add("ends_at", "error.required")
	case !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt):
		f.Add("ends_at", "volunteer.ends_before_start")
	case in.EndsAt.Sub(in.StartsAt) > 24*time.Hour:
		f.Add("ends_at", "volunteer.too_long_activity")
	case !in.EndsAt.After(now):
		// Nobody could sign up or check in: an activity that is over is
		// not published (its hours are recorded through another one, or
		// a correction).
		f.Add("ends_at", "volunteer.ends_past")
	}
	if in.Slots < 1 || in.Slots > maxSlots {
		f.Add("slots", "volunteer.slots_range", maxSlots)
	}
	return f
}
