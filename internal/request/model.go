// Package request handles resident requests as 接诉即办: intake by
// residents, staff and API clients; a dispatch catalogue (category tree,
// default handling unit and deadline policy per category and division,
// effective-dated); handling by units (accept, reply, extension, return,
// assisting units) under first-receiver responsibility; deadlines on the
// working-day calendar with a job that warns and escalates; callbacks,
// online ratings and appeals; an outbox of notifications.
//
// The 三率, rankings, proactive-handling alerts and Open311 live in the
// files stats*.go and open311*.go of this package, over this model.
package request

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Statuses of a request.
const (
	StatusSubmitted  = "submitted"  // waiting for a dispatcher
	StatusDispatched = "dispatched" // sent to a unit, not accepted yet
	StatusAccepted   = "accepted"   // a unit is handling it
	StatusReturned   = "returned"   // a unit returned it; waiting for a dispatcher
	StatusReplied    = "replied"    // the unit replied; waiting for the callback
	StatusClosed     = "closed"
)

// Statuses lists the statuses in their order.
var Statuses = []string{StatusSubmitted, StatusDispatched, StatusAccepted, StatusReturned, StatusReplied, StatusClosed}

// Urgencies: each has its response and resolution limits in a policy.
const (
	UrgencyEmergency = "emergency"
	UrgencyUtility   = "utility"
	UrgencyGeneral   = "general"
	UrgencyComplex   = "complex"
)

// Urgencies lists the urgencies, most urgent first.
var Urgencies = []string{UrgencyEmergency, UrgencyUtility, UrgencyGeneral, UrgencyComplex}

// Channels a request arrives by.
const (
	ChannelWeb     = "web"
	ChannelPhone   = "phone"
	ChannelWalkIn  = "walk_in"
	ChannelAPI     = "api"
	ChannelOpen311 = "open311"
	ChannelVisit   = "visit"
	// ChannelPatrol is an event a grid worker found on patrol (巡查).
	ChannelPatrol = "patrol"
)

// Channels lists the channels.
var Channels = []string{ChannelWeb, ChannelPhone, ChannelWalkIn, ChannelAPI, ChannelOpen311, ChannelVisit, ChannelPatrol}

// Unit kinds.
const (
	UnitTownship   = "township"
	UnitCommunity  = "community"
	UnitDepartment = "department"
	UnitUtility    = "utility"
	UnitCompany    = "company"
)

// UnitKinds lists the kinds of handling units.
var UnitKinds = []string{UnitTownship, UnitCommunity, UnitDepartment, UnitUtility, UnitCompany}

// Satisfaction levels of a callback or rating.
const (
	Satisfied          = "satisfied"
	BasicallySatisfied = "basically_satisfied"
	NotSatisfied       = "not_satisfied"
)

// Satisfactions lists the satisfaction levels.
var Satisfactions = []string{Satisfied, BasicallySatisfied, NotSatisfied}

// Appeal reasons.
const (
	AppealMalicious  = "malicious"
	AppealDuplicate  = "duplicate"
	AppealOutOfScope = "out_of_scope"
)

// AppealReasons lists why a request may be excluded from scoring.
var AppealReasons = []string{AppealMalicious, AppealDuplicate, AppealOutOfScope}

// Decision states of extensions and appeals.
const (
	Pending  = "pending"
	Approved = "approved"
	Refused  = "refused"
)

// Actions on a request (POST /api/v1/requests/{id}/actions).
const (
	ActAccept    = "accept"
	ActReply     = "reply"
	ActExtend    = "extend"
	ActReturn    = "return"
	ActDispatch  = "dispatch"
	ActSupervise = "supervise"
	ActRemind    = "remind"
	ActClose     = "close"
	ActCallback  = "callback"
	ActRate      = "rate"
	ActAppeal    = "appeal"
)

// Actions lists the actions of the API.
var Actions = []string{ActAccept, ActReply, ActExtend, ActReturn, ActDispatch, ActSupervise, ActRemind, ActClose, ActCallback, ActRate, ActAppeal}

// Timeline entries written by the system besides the actions.
const (
	EventSubmit   = "submit"
	EventAssist   = "assist"
	EventReopen   = "reopen" // 重办, after an unsatisfied rating
	EventWarn     = "warn"
	EventEscalate = "escalate"
	EventDecide   = "decide" // a decision on an extension or appeal
)

// Roles.
var (
	// StaffRoles handle requests of their area: record, dispatch,
	// supervise, call back, decide.
	StaffRoles = auth.AreaStaff()
	// ReadRoles may read requests (each within its own reach).
	ReadRoles = []auth.Role{auth.Resident, auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff, auth.HandlingUnit}
	// CreateRoles may file a request: residents for themselves, staff on
	// a resident's behalf.
	CreateRoles = []auth.Role{auth.Resident, auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	// CatalogueRoles edit the dispatch catalogue and the handling units.
	CatalogueRoles = []auth.Role{auth.CityStaff}
)

// Request is one resident request as its reader may see it.
type Request struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number"`
	DivisionCode  string     `json:"division_code"`
	DivisionName  string     `json:"division_name"`
	CategoryCode  string     `json:"category_code"`
	CategoryName  string     `json:"category_name"`
	Urgency       string     `json:"urgency"`
	Status        string     `json:"status"`
	Channel       string     `json:"channel"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Address       string     `json:"address"`
	ResidentID    *int64     `json:"-"`
	ContactName   string     `json:"contact_name"`
	Phone         string     `json:"phone"` // masked unless the reader may see it; empty when anonymous toward the unit
	Anonymous     bool       `json:"anonymous"`
	UnitID        *int64     `json:"unit_id,omitempty"`
	UnitName      string     `json:"unit_name,omitempty"`
	FirstUnitID   *int64     `json:"first_unit_id,omitempty"`
	PolicyID      *int64     `json:"policy_id,omitempty"`
	Returns       int        `json:"returns"`
	DispatchRank  int        `json:"dispatch_rank"`
	Supervised    bool       `json:"supervised"`
	ResponseDue   time.Time  `json:"response_due"`
	ResolutionDue time.Time  `json:"resolution_due"`
	DispatchedAt  *time.Time `json:"dispatched_at,omitempty"`
	RespondedAt   *time.Time `json:"responded_at,omitempty"`
	ResolvedAt    *time.Time `json:"resolved_at,omitempty"`
	ClosedAt      *time.Time `json:"closed_at,omitempty"`
	WarnedAt      *time.Time `json:"warned_at,omitempty"`
	EscalatedAt   *time.Time `json:"escalated_at,omitempty"`
	Excluded      bool       `json:"excluded"`
	Satisfaction  string     `json:"satisfaction"`
	Reply         string     `json:"reply"`
	// Reopened counts the 重办: a resident's unsatisfied rating sent the
	// request back to its unit (at most MaxReopens times).
	Reopened  int       `json:"reopened"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"-"`
	UpdatedAt time.Time `json:"updated_at"`

	phoneSealed string

	// Filled by Get: the timeline, photos, assisting units, pending
	// decisions.
	Events     []Event     `json:"events,omitempty"`
	Photos     []int64     `json:"photos,omitempty"`
	Assists    []Unit      `json:"assists,omitempty"`
	Callbacks  []Callback  `json:"callbacks,omitempty"`
	Extensions []Extension `json:"extensions,omitempty"`
	Appeals    []Appeal    `json:"appeals,omitempty"`
	// ReplyPhotos are the unit's evidence sent with its reply.
	ReplyPhotos []int64 `json:"reply_photos,omitempty"`
}

// Overdue reports whether the request is past its resolution deadline at now.
func (r *Request) Overdue(now time.Time) bool {
	if r.ResolvedAt != nil {
		return r.ResolvedAt.After(r.ResolutionDue)
	}
	return r.ClosedAt == nil && now.After(r.ResolutionDue)
}

// Event is one step of a request's timeline.
type Event struct {
	ID        int64           `json:"id"`
	Action    string          `json:"action"`
	ActorID   *int64          `json:"-"`
	ActorName string          `json:"actor_name"`
	ActorRole string          `json:"actor_role"`
	UnitID    *int64          `json:"unit_id,omitempty"`
	UnitName  string          `json:"unit_name,omitempty"`
	Note      string          `json:"note"`
	Data      json.RawMessage `json:"data"`
	At        time.Time       `json:"at"`
}

// Unit is a handling unit.
type Unit struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	DivisionCode string `json:"division_code"`
	Active       bool   `json:"active"`
}

// Category is a node of the category tree.
type Category struct {
	Code       string `json:"code"`
	ParentCode string `json:"parent_code,omitempty"`
	NameZh     string `json:"name_zh"`
	NameEn     string `json:"name_en"`
	Urgency    string `json:"urgency"`
	Sort       int    `json:"sort"`
	// ReplyPhoto: a reply to a request of this category (or of one under
	// it) must come with a photo of the work done.
	ReplyPhoto bool `json:"reply_photo,omitempty"`
}

// The kinds of a request's photos.
const (
	PhotoIntake = "intake" // sent with the request
	PhotoReply  = "reply"  // the unit's evidence with its reply
)

// A category code is a segment of lower-case ASCII letters, digits and
// underscores that starts with a letter ("city", "social_work"); a child's
// code is its parent's code, a dot and a segment of its own
// ("city.garbage"), as the shipped tree's are; 40 characters at most. So a
// code never reads as a number (-1, 1e3), needs no escaping in a URL, a
// filter or Open311's service_code, and shows its place in the tree.
var categoryCodeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$`)

// MaxCategoryCode is the longest category code.
const MaxCategoryCode = 40

// CategoryCodeOK says whether code has the form of a category code.
func CategoryCodeOK(code string) bool {
	return len(code) <= MaxCategoryCode && categoryCodeRE.MatchString(code)
}

// Validate checks a category to save: the code's form and its place under
// the parent (one given; that the parent exists and is top-level is the
// service's to check), the Chinese name, the urgency.
func (c *Category) Validate() errs.Fields {
	var f errs.Fields
	parent, _, child := strings.Cut(c.Code, ".")
	switch {
	case !CategoryCodeOK(c.Code):
		f.Add("code", "request.bad_code", MaxCategoryCode)
	case c.ParentCode == "" && child:
		f.Add("code", "request.code_without_parent")
	case c.ParentCode != "" && (!child || parent != c.ParentCode):
		f.Add("code", "request.code_not_under_parent", c.ParentCode)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.NameZh)); n == 0 || n > 50 {
		f.Add("name_zh", "error.required")
	}
	if !oneOf(c.Urgency, Urgencies) {
		f.Add("urgency", "error.one_of", strings.Join(Urgencies, ", "))
	}
	return f
}

// Name is the category's name in lang.
func (c *Category) Name(lang string) string {
	if lang == "en" && c.NameEn != "" {
		return c.NameEn
	}
	return c.NameZh
}

// Limit is a deadline: hours (calendar time) or working days.
type Limit struct {
	Hours    int `json:"hours,omitempty"`
	Workdays int `json:"workdays,omitempty"`
}

// String is "2h" or "7d".
func (l Limit) String() string {
	if l.Workdays > 0 {
		return strconv.Itoa(l.Workdays) + "d"
	}
	return strconv.Itoa(l.Hours) + "h"
}

// ParseLimit reads "2h" or "7d" (working days); at most 8760 hours or 365 days.
func ParseLimit(s string) (Limit, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	if len(s) < 2 {
		return Limit{}, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return Limit{}, false
	}
	switch s[len(s)-1] {
	case 'h':
		return Limit{Hours: n}, n <= 8760
	case 'd':
		return Limit{Workdays: n}, n <= 365
	}
	return Limit{}, false
}

// Limits are the response and resolution limits of one urgency.
type Limits struct {
	Response   Limit `json:"response"`
	Resolution Limit `json:"resolution"`
}

// DefaultLimits are the limits without a policy (and of the shipped
// catalogue): emergency 2 hours, utilities 24 hours, general 7 working
// days, complex 15 working days to resolve.
var DefaultLimits = map[string]Limits{
	UrgencyEmergency: {Response: Limit{Hours: 1}, Resolution: Limit{Hours: 2}},
	UrgencyUtility:   {Response: Limit{Hours: 2}, Resolution: Limit{Hours: 24}},
	UrgencyGeneral:   {Response: Limit{Hours: 24}, Resolution: Limit{Workdays: 7}},
	UrgencyComplex:   {Response: Limit{Hours: 24}, Resolution: Limit{Workdays: 15}},
}

// Policy is a rule of the dispatch catalogue: for a category in a
// division's subtree, from a date, the default handling unit and the
// limits per urgency.
type Policy struct {
	ID            int64             `json:"id"`
	CategoryCode  string            `json:"category_code"`
	DivisionCode  string            `json:"division_code"`
	EffectiveFrom time.Time         `json:"effective_from"`
	UnitID        *int64            `json:"unit_id,omitempty"`
	UnitName      string            `json:"unit_name,omitempty"`
	Limits        map[string]Limits `json:"limits"`
	CreatedAt     time.Time         `json:"created_at"`
	CreatedBy     string            `json:"created_by"`
}

// Callback is a callback by staff or an online rating by the resident.
type Callback struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"` // callback or rating
	Contacted    bool      `json:"contacted"`
	Solved       bool      `json:"solved"`
	Satisfaction string    `json:"satisfaction"`
	Comment      string    `json:"comment"`
	ActorName    string    `json:"actor_name"`
	At           time.Time `json:"at"`
}

// Kinds of callbacks.
const (
	KindCallback = "callback"
	KindRating   = "rating"
)

// Extension is a unit's request for more time.
type Extension struct {
	ID          int64      `json:"id"`
	UnitID      int64      `json:"unit_id"`
	Days        int        `json:"days"`
	Reason      string     `json:"reason"`
	Status      string     `json:"status"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Decision    string     `json:"decision,omitempty"`
}

// Appeal is a unit's request to exclude a request from scoring.
type Appeal struct {
	ID          int64      `json:"id"`
	UnitID      int64      `json:"unit_id"`
	Reason      string     `json:"reason"`
	Note        string     `json:"note"`
	Status      string     `json:"status"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Decision    string     `json:"decision,omitempty"`
}

// Intake is a request as it is filed: what Create takes.
type Intake struct {
	DivisionCode string `json:"division_code"` // the community where the problem is
	CategoryCode string `json:"category_code"`
	Urgency      string `json:"urgency,omitempty"` // empty: the category's
	Title        string `json:"title,omitempty"`   // empty: the description's start
	Description  string `json:"description"`
	Address      string `json:"address,omitempty"`
	ContactName  string `json:"contact_name,omitempty"`
	Phone        string `json:"phone,omitempty"`
	Anonymous    bool   `json:"anonymous,omitempty"`
	Channel      string `json:"channel,omitempty"` // empty: web for residents, phone for staff
	// Photos are checked images (package upload), stored with the request.
	Photos []*upload.File `json:"-"`
	// ResidentID is the account of the resident (set from the principal
	// for residents; staff recording for an account may name it).
	ResidentID int64 `json:"resident_id,omitempty"`
	// CompoundID is the residential compound (小区) a property request is
	// about; the Router sends it to the compound's property company.
	CompoundID int64 `json:"compound_id,omitempty" doc:"property categories: the residential compound (小区) of the community it is about; the request goes to the compound's property company when it has a handling unit"`
}

// Action is a step taken on a request.
type Action struct {
	Action string `json:"action"`
	Note   string `json:"note,omitempty"` // reply text, return reason, supervision, comment
	// dispatch: the unit (lead, or an assisting unit when Assist); the
	// urgency may be changed by a dispatcher.
	UnitID  int64  `json:"unit_id,omitempty"`
	Assist  bool   `json:"assist,omitempty"`
	Urgency string `json:"urgency,omitempty"`
	// extend: the working days asked; appeal: the reason.
	Days   int    `json:"days,omitempty"`
	Reason string `json:"reason,omitempty"`
	// extend, appeal by a deciding level: approve or refuse the pending one.
	Decision string `json:"decision,omitempty"`
	// callback, rate.
	Contacted    bool   `json:"contacted,omitempty"`
	Solved       bool   `json:"solved,omitempty"`
	Satisfaction string `json:"satisfaction,omitempty"`
	// Version, when set, must match the request's (optimistic lock).
	Version int `json:"version,omitempty"`
	// reply: photos of the work done (checked images, package upload);
	// required where the category says so. Sent with the page's form.
	Photos []*upload.File `json:"-"`
}

// Filter narrows a list of requests.
type Filter struct {
	Division string // a division code: requests in its subtree
	Status   string
	Category string // a category code: the category and its children
	UnitID   int64
	Overdue  bool
	Q        string // a request number
}

// Number is the request number: the arrival date in China (YYMMDD), the id
// and a check digit (Luhn over the id), e.g. 261126-10457. Unique because
// the id is, and typable on a phone keypad.
func Number(id int64, created time.Time) string {
	ds := strconv.FormatInt(id, 10)
	return created.In(china).Format("060102") + "-" + ds + strconv.Itoa(luhn(ds))
}

// ParseNumber returns the id of a request number, checking the digit; ok
// is false for a mistyped number.
func ParseNumber(s string) (id int64, date string, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "－", "-", "—", "-").Replace(s)
	date, rest, found := strings.Cut(s, "-")
	if !found || len(date) != 6 || len(rest) < 2 {
		return 0, "", false
	}
	if _, err := strconv.Atoi(date); err != nil {
		return 0, "", false
	}
	ds, check := rest[:len(rest)-1], rest[len(rest)-1:]
	n, err := strconv.ParseInt(ds, 10, 64)
	if err != nil || n <= 0 || strconv.Itoa(luhn(ds)) != check {
		return 0, "", false
	}
	return n, date, true
}

func luhn(digits string) int {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// TownshipOf is the township code of a community code (kept on the row).
func TownshipOf(code string) string { return division.Code(code).Township() }

// CountyOf is the county code of a community code (kept on the row).
func CountyOf(code string) string { return division.Code(code).County() }

var china = calendar.China

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return string(r[:n])
	}
	return string(r)
}
