// Package partymember keeps 在职党员到社区报到: Party members in work
// register with the community where they live (a verified resident
// themselves, or entered by a community worker), their work unit recorded
// (a resident unit of the registry or a free-text unit), and choose the
// service posts (岗位) the community keeps; the community confirms the
// registration, never whoever entered it. Their volunteer hours, read
// through Hours (the volunteer slice's records, adapted in internal/app),
// count as Party-member service: a member's page and the community's list
// show the hours of this year, and the figures give each community's and
// each work unit's coverage (registered members, the share of them with
// service hours this year).
package partymember

import (
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Registration statuses.
const (
	Pending   = "pending"
	Confirmed = "confirmed"
	Refused   = "refused"
)

// Statuses lists them.
var Statuses = []string{Pending, Confirmed, Refused}

// PartyPost is a community's service post (服务岗位).
type PartyPost struct {
	ID           int64  `json:"id"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Name         string `json:"name"`
	Details      string `json:"details"`
	Members      int    `json:"members" doc:"confirmed members who chose it"`
}

// PartyPostInput is a new post.
type PartyPostInput struct {
	DivisionCode string `json:"division_code" doc:"the community"`
	Name         string `json:"name" maxLength:"50"`
	Details      string `json:"details,omitempty" maxLength:"500"`
}

func text(f *errs.Fields, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "error.too_long", max)
	}
}

func (in *PartyPostInput) validate() errs.Fields {
	in.DivisionCode, in.Name, in.Details = strings.TrimSpace(in.DivisionCode), strings.TrimSpace(in.Name), strings.TrimSpace(in.Details)
	var f errs.Fields
	if division.Code(in.DivisionCode).Level() != division.Community {
		f.Add("division_code", "partymember.community_code")
	}
	text(&f, "name", in.Name, 50, true)
	text(&f, "details", in.Details, 500, false)
	return f
}

// PartyMember is a registration.
type PartyMember struct {
	ID           int64      `json:"id"`
	DivisionCode string     `json:"division_code"`
	DivisionName string     `json:"division_name"`
	UserID       int64      `json:"user_id,omitempty" doc:"the resident's account, when they registered themselves or were linked"`
	Name         string     `json:"name"`
	Phone        string     `json:"phone,omitempty" doc:"on the member's own record only"`
	UnitID       int64      `json:"resident_unit_id,omitempty" doc:"the resident unit (驻区单位) they work at"`
	Unit         string     `json:"work_unit" doc:"the work unit"`
	Status       string     `json:"status" doc:"pending, confirmed or refused"`
	Reason       string     `json:"reason,omitempty"`
	Posts        []string   `json:"posts" doc:"the service posts chosen"`
	PostIDs      []int64    `json:"post_ids"`
	Hours        float64    `json:"hours" doc:"volunteer service hours this year, counted as Party-member service"`
	RegisteredBy string     `json:"registered_by"`
	RegisteredAt time.Time  `json:"registered_at"`
	DecidedBy    string     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	registeredBy int64
}

// PartyMemberInput is a registration. A resident registering themselves
// leaves DivisionCode and UserID empty (their own are taken).
type PartyMemberInput struct {
	DivisionCode string  `json:"division_code,omitempty" doc:"the community where they live; a resident's own when they register"`
	UserID       int64   `json:"user_id,omitempty" doc:"a resident account of that community to link (staff only)"`
	Name         string  `json:"name" maxLength:"50"`
	Phone        string  `json:"phone,omitempty" doc:"mobile number"`
	UnitID       int64   `json:"resident_unit_id,omitempty" doc:"a resident unit (驻区单位) of the registry they work at"`
	Unit         string  `json:"work_unit,omitempty" maxLength:"100" doc:"a work unit not in the registry"`
	PostIDs      []int64 `json:"post_ids" doc:"the service posts chosen, at least one"`
}

func (in *PartyMemberInput) validate() errs.Fields {
	in.DivisionCode, in.Name, in.Phone, in.Unit = strings.TrimSpace(in.DivisionCode), strings.TrimSpace(in.Name),
		strings.TrimSpace(in.Phone), strings.TrimSpace(in.Unit)
	var f errs.Fields
	if division.Code(in.DivisionCode).Level() != division.Community {
		f.Add("division_code", "partymember.community_code")
	}
	text(&f, "name", in.Name, 50, true)
	if in.Phone != "" && !idcard.ValidMobile(in.Phone) {
		f.Add("phone", "partymember.phone_invalid")
	}
	text(&f, "work_unit", in.Unit, 100, false)
	if in.UnitID == 0 && in.Unit == "" {
		f.Add("work_unit", "partymember.unit_required")
	}
	if len(in.PostIDs) == 0 {
		f.Add("post_ids", "partymember.posts_required")
	}
	return f
}

// Filter selects registrations.
type Filter struct {
	Q        string
	Division string
	Status   string
	Page     int
	PerPage  int
}

func (f *Filter) check() error {
	f.Q, f.Division, f.Status = strings.TrimSpace(f.Q), strings.TrimSpace(f.Division), strings.TrimSpace(f.Status)
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "partymember.code_format")
	}
	switch f.Status {
	case "", Pending, Confirmed, Refused:
	default:
		bad.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	text(&bad, "q", f.Q, 50, false)
	return bad.Err()
}

// PartyCoverage is one row of the figures: a community or a work unit.
type PartyCoverage struct {
	Key      string  `json:"key" doc:"the community's code, or the work unit's name"`
	Name     string  `json:"name"`
	Members  int     `json:"members" doc:"confirmed registrations"`
	Serving  int     `json:"serving" doc:"of them, with volunteer service hours this year"`
	Share    float64 `json:"share" doc:"serving / members, 0–1"`
	Hours    float64 `json:"hours" doc:"their service hours this year"`
	Division string  `json:"division,omitempty" doc:"the community's code (by community)"`
}

// PartyFigures is the coverage of an area: by community and by work unit.
type PartyFigures struct {
	Year        int             `json:"year"`
	Total       PartyCoverage   `json:"total"`
	Communities []PartyCoverage `json:"communities"`
	Units       []PartyCoverage `json:"units"`
}

// Percent is the share in per cent, for the pages.
func (c PartyCoverage) Percent() float64 { return c.Share * 100 }
