// Package proxy is 政务代办: the catalogue of government services a
// community handles on a resident's behalf (社保, 医保, 户籍, 残疾人证, …), which
// services each community offers, and the cases (代办件) taken from
// residents at the hall, online or from a request: the materials checked,
// submitted to the department, the result returned to the resident,
// closed and rated. Deadlines count working days on the app's one
// calendar. The slice keeps the measure of the plan's proxy service
// coverage in the transaction of every change that moves it.
package proxy

import (
	"slices"
	"strings"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Statuses of a case, in order: received (受理, materials being checked),
// submitted to the department (已报送), a result (done 办结 or refused
// 不予办理, with a reason) returned to the resident, closed (已结案).
const (
	StatusReceived  = "received"
	StatusSubmitted = "submitted"
	StatusDone      = "done"
	StatusRefused   = "refused"
	StatusClosed    = "closed"
)

// Statuses lists them.
var Statuses = []string{StatusReceived, StatusSubmitted, StatusDone, StatusRefused, StatusClosed}

// Channels a case comes in by.
const (
	ChannelHall    = "hall"    // a worker at the service hall
	ChannelOnline  = "online"  // a signed-in resident
	ChannelRequest = "request" // from a resident's request (接诉即办)
)

// Actions move a case: check (the materials checklist), submit, done,
// refuse, close.
const (
	ActCheck  = "check"
	ActSubmit = "submit"
	ActDone   = "done"
	ActRefuse = "refuse"
	ActClose  = "close"
)

// Actions lists them.
var Actions = []string{ActCheck, ActSubmit, ActDone, ActRefuse, ActClose}

// Ratings: 1 非常不满意 … 5 非常满意.
const (
	MinRating = 1
	MaxRating = 5
)

// MinOffered is how many services of the catalogue a community must offer
// to count as covered (with at least one case in the year).
const MinOffered = 5

// ServiceEntry is one service of the catalogue.
type ServiceEntry struct {
	ID           int64    `json:"id"`
	DivisionCode string   `json:"division_code" doc:"empty for the city-wide catalogue; else the city or county that added it"`
	Name         string   `json:"name"`
	Materials    []string `json:"materials" doc:"what the resident brings, one item each"`
	Department   string   `json:"department" doc:"the department the case is submitted to"`
	Days         int      `json:"days" doc:"time limit in working days"`
	Offered      bool     `json:"offered,omitempty" doc:"in an offerings list: the community offers it"`
}

// ServiceEntryInput is a new service of the catalogue.
type ServiceEntryInput struct {
	DivisionCode string   `json:"division_code" doc:"the city or county code that keeps it"`
	Name         string   `json:"name" maxLength:"60"`
	Materials    []string `json:"materials" maxItems:"20"`
	Department   string   `json:"department" maxLength:"60"`
	Days         int      `json:"days"`
}

func (in *ServiceEntryInput) clean() errs.Fields {
	var f errs.Fields
	in.DivisionCode, in.Name, in.Department = strings.TrimSpace(in.DivisionCode), strings.TrimSpace(in.Name), strings.TrimSpace(in.Department)
	var ms []string
	for _, m := range in.Materials {
		if m = strings.TrimSpace(m); m != "" {
			ms = append(ms, m)
		}
	}
	in.Materials = ms
	if in.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	switch {
	case in.Name == "":
		f.Add("name", "error.required")
	case len([]rune(in.Name)) > 60:
		f.Add("name", "error.too_long", 60)
	}
	switch {
	case in.Department == "":
		f.Add("department", "error.required")
	case len([]rune(in.Department)) > 60:
		f.Add("department", "error.too_long", 60)
	}
	switch {
	case len(in.Materials) == 0:
		f.Add("materials", "error.required")
	case len(in.Materials) > 20:
		f.Add("materials", "proxy.too_many_materials", 20)
	}
	for _, m := range in.Materials {
		if len([]rune(m)) > 60 || strings.Contains(m, "\n") {
			f.Add("materials", "error.too_long", 60)
			break
		}
	}
	if in.Days < 1 || in.Days > 60 {
		f.Add("days", "proxy.days_range", 1, 60)
	}
	return f
}

// Case is one proxy case (代办件). Name, phone and ID number are sealed;
// lists and the API show them masked.
type Case struct {
	ID            int64      `json:"id"`
	CommunityCode string     `json:"community_code"`
	CommunityName string     `json:"community_name"`
	ServiceID     int64      `json:"service_id"`
	ServiceName   string     `json:"service_name"`
	Department    string     `json:"department"`
	Materials     []string   `json:"materials"`
	Checked       []string   `json:"checked" doc:"the materials checked at intake"`
	Status        string     `json:"status"`
	Channel       string     `json:"channel" doc:"hall, online or request"`
	RequestNumber string     `json:"request_number,omitempty" doc:"the request (接诉即办) the case came from"`
	Name          string     `json:"name" doc:"masked"`
	Phone         string     `json:"phone" doc:"masked"`
	IDNumber      string     `json:"id_number" doc:"masked"`
	Note          string     `json:"note"`
	DueAt         time.Time  `json:"due_at"`
	Overdue       bool       `json:"overdue"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	ResultAt      *time.Time `json:"result_at,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	Reason        string     `json:"reason,omitempty" doc:"why the department refused"`
	Rating        int        `json:"rating" doc:"1 (very dissatisfied) to 5 (very satisfied); 0 unrated"`
	Version       int        `json:"version"`
	CreatedAt     time.Time  `json:"created_at"`
	CreatedBy     string     `json:"-"`

	residentUserID int64
	nameSealed     string
	phoneSealed    string
	idSealed       string
}

// Finished reports whether the department's result is in.
func (c *Case) Finished() bool {
	return c.Status == StatusDone || c.Status == StatusRefused || c.Status == StatusClosed
}

// late reports whether the case is (or was) past its deadline at now.
func (c *Case) late(now time.Time) bool {
	if c.ResultAt != nil {
		return c.ResultAt.After(c.DueAt)
	}
	return now.After(c.DueAt)
}

// CaseIntake is a new case.
type CaseIntake struct {
	CommunityCode string `json:"community_code,omitempty" doc:"the community handling it; a resident's own community when empty"`
	ServiceID     int64  `json:"service_id"`
	Name          string `json:"name" maxLength:"30"`
	Phone         string `json:"phone" maxLength:"20"`
	IDNumber      string `json:"id_number" maxLength:"18"`
	Note          string `json:"note,omitempty" maxLength:"500"`
	// RequestNumber, when set, files the case from that request: its
	// community and the resident's account come from the request.
	RequestNumber string `json:"request_number,omitempty"`
}

func (in *CaseIntake) clean() errs.Fields {
	var f errs.Fields
	in.Name, in.Phone, in.IDNumber = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.ToUpper(strings.TrimSpace(in.IDNumber))
	in.Note, in.CommunityCode, in.RequestNumber = strings.TrimSpace(in.Note), strings.TrimSpace(in.CommunityCode), strings.TrimSpace(in.RequestNumber)
	switch {
	case in.Name == "":
		f.Add("name", "error.required")
	case len([]rune(in.Name)) > 30:
		f.Add("name", "error.too_long", 30)
	}
	switch {
	case in.Phone == "":
		f.Add("phone", "error.required")
	case !idcard.ValidMobile(in.Phone):
		f.Add("phone", "proxy.bad_phone")
	}
	switch {
	case in.IDNumber == "":
		f.Add("id_number", "error.required")
	case !idcard.Valid(in.IDNumber):
		f.Add("id_number", "proxy.bad_id_number")
	}
	if in.ServiceID <= 0 {
		f.Add("service_id", "error.required")
	}
	if len([]rune(in.Note)) > 500 {
		f.Add("note", "error.too_long", 500)
	}
	return f
}

// Transition is an action on a case.
type Transition struct {
	Action  string   `json:"action" enum:"check,submit,done,refuse,close"`
	Checked []string `json:"checked,omitempty" doc:"check: the materials present (from the service's list)"`
	Reason  string   `json:"reason,omitempty" maxLength:"500" doc:"refuse: the department's reason"`
	Version *int     `json:"version,omitempty"`
}

// Filter selects cases.
type Filter struct {
	Division string // at or under this division
	Status   string
	Overdue  bool
	Q        string // a phone or ID number (exact, by blind index) or a request number
	Page     int
	PerPage  int
}

func (f *Filter) check() error {
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	if len(f.Q) > 30 {
		bad.Add("q", "error.too_long", 30)
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		bad.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	if f.Division != "" && (len(f.Division) != 12 || strings.Trim(f.Division, "0123456789") != "") {
		bad.Add("division", "proxy.code_format")
	}
	return bad.Err()
}

// CaseFigures are a division's counts of cases.
type CaseFigures struct {
	DivisionCode  string         `json:"division_code"`
	Year          int            `json:"year"`
	ByStatus      map[string]int `json:"by_status"`
	Total         int            `json:"total"`
	Overdue       int            `json:"overdue" doc:"open and past the deadline now"`
	Finished      int            `json:"finished" doc:"with a result"`
	OnTime        int            `json:"on_time" doc:"with a result by the deadline"`
	Rated         int            `json:"rated"`
	AverageRating float64        `json:"average_rating" doc:"1 to 5; 0 when none rated"`
	Communities   int            `json:"communities_covered" doc:"communities that count for the coverage indicator this year"`
}
