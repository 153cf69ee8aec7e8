// Package burden keeps the lists that protect communities (社区减负, plan
// 四(六)3): each county's 社区工作事项清单 (work items with their legal basis,
// department and kind) with its admission requests (准入申请), the work
// departments assign to communities (refused when the item is not on the
// list), the 证明事项清单 of certificates a community may still issue (asked
// for by residents, issued by workers with the certificates' numbering,
// PDF and public verification page), and the 印章使用范围清单 with a log of
// each use of the community seal.
//
// Departments are handling units of the request catalogue, read through
// Units; residents through Residents; numbers and PDFs through Printer (all
// adapted in internal/app).
package burden

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
)

// The three lists.
const (
	ListWork  = "work"
	ListProof = "proof"
	ListSeal  = "seal"
)

// Lists are the lists in the order pages show them.
var Lists = []string{ListWork, ListProof, ListSeal}

// Kinds of work item.
const (
	KindDuty     = "duty"     // 依法履行职责事项
	KindAssist   = "assist"   // 依法协助政府工作事项
	KindAutonomy = "autonomy" // 自治事项
)

// Kinds are the kinds of work item.
var Kinds = []string{KindDuty, KindAssist, KindAutonomy}

// Admission and proof states.
const (
	Pending  = "pending"
	Admitted = "admitted"
	Refused  = "refused"
	Issued   = "issued"
)

// Who may do what.
var (
	// ReadRoles read the lists, the assigned work and the figures of their area.
	ReadRoles = append(auth.AreaStaff(), auth.HandlingUnit)
	// EditRoles keep the lists (a county's staff theirs, the city's staff
	// the city-wide base list and any county's) and decide admissions.
	EditRoles = []auth.Role{auth.CountyStaff, auth.CityStaff}
	// UnitRoles file admission requests and assign work: a department's accounts.
	UnitRoles = []auth.Role{auth.HandlingUnit}
	// CommunityRoles mark assigned work done, issue proofs and log seal uses.
	CommunityRoles = []auth.Role{auth.CommunityWorker}
	// StaffRoles read proofs and seal uses of their area.
	StaffRoles = auth.AreaStaff()
)

// Limits.
const (
	maxName  = 100
	maxText  = 500
	maxItems = 1000
)

// Unit is a department: a handling unit of the request catalogue.
type Unit struct {
	ID           int64
	Name         string
	DivisionCode string
}

// Units is what this slice needs from the request catalogue.
type Units interface {
	// MyUnit is the unit the caller acts for, nil when none.
	MyUnit(ctx context.Context) (*Unit, error)
	// Units lists the units of the area at code and of the divisions above it.
	Units(ctx context.Context, code string) ([]Unit, error)
}

// Residents is what this slice needs from the resident registry.
type Residents interface {
	// Resident is a resident account's community, name and whether it is
	// verified (认证居民).
	Resident(ctx context.Context, userID int64) (community, name string, verified bool, err error)
}

// Document is a proof as printed.
type BurdenDocument struct {
	Title, Number, Basis, Issuer string
	Paragraphs                   []string
	IssuedAt                     time.Time
	RevokedAt                    *time.Time
}

// Printer is the certificates' numbering, PDF and verification address.
type Printer interface {
	NewNumber() string
	NormalizeNumber(s string) string
	PDF(w io.Writer, d *BurdenDocument, verifyURL string) error
	VerifyURL(baseURL, number string) string
}

// Item is an item of one of the lists.
type BurdenItem struct {
	ID           int64      `json:"id"`
	List         string     `json:"list" enum:"work,proof,seal"`
	DivisionCode string     `json:"division_code" doc:"the county whose list it is on, or the city for the city-wide base list"`
	DivisionName string     `json:"division_name" readOnly:"true"`
	Name         string     `json:"name" maxLength:"100"`
	Basis        string     `json:"basis" maxLength:"500" doc:"the legal basis"`
	UnitID       int64      `json:"unit_id,omitempty" doc:"work items: the department (a handling unit)"`
	UnitName     string     `json:"unit_name,omitempty" readOnly:"true"`
	Kind         string     `json:"kind,omitempty" enum:"duty,assist,autonomy," doc:"work items: 依法履行 duty, 依法协助 assist, 自治 autonomy"`
	Funding      string     `json:"funding,omitempty" maxLength:"500" doc:"assist items: the funding it brings"`
	Conditions   string     `json:"conditions,omitempty" maxLength:"500" doc:"assist items: the working conditions it brings"`
	AdmissionID  int64      `json:"admission_id,omitempty" readOnly:"true"`
	CreatedAt    time.Time  `json:"created_at" readOnly:"true"`
	CreatedBy    string     `json:"created_by" readOnly:"true"`
	RetiredAt    *time.Time `json:"retired_at,omitempty" readOnly:"true"`
}

// listCode checks that code is a county or a city: where lists are kept.
func listCode(code string) bool {
	if !division.ValidCode(code) {
		return false
	}
	l := division.LevelFromCode(code)
	return l == division.County || l == division.City
}

func (it *BurdenItem) validate() errs.Fields {
	var bad errs.Fields
	it.Name, it.Basis = strings.TrimSpace(it.Name), strings.TrimSpace(it.Basis)
	it.Funding, it.Conditions = strings.TrimSpace(it.Funding), strings.TrimSpace(it.Conditions)
	if !contains(Lists, it.List) {
		bad.Add("list", "burden.list_unknown")
	}
	if !listCode(it.DivisionCode) {
		bad.Add("division_code", "burden.list_division")
	}
	text(&bad, "name", it.Name, maxName, true)
	text(&bad, "basis", it.Basis, maxText, true)
	text(&bad, "funding", it.Funding, maxText, false)
	text(&bad, "conditions", it.Conditions, maxText, false)
	if it.List == ListWork {
		if !contains(Kinds, it.Kind) {
			bad.Add("kind", "burden.kind_unknown")
		}
		if it.UnitID <= 0 && it.Kind != KindAutonomy {
			bad.Add("unit_id", "burden.unit_required")
		}
		if it.Kind == KindAssist && it.Funding == "" {
			bad.Add("funding", "burden.assist_funding")
		}
		if it.Kind == KindAssist && it.Conditions == "" {
			bad.Add("conditions", "burden.assist_conditions")
		}
	} else {
		it.Kind, it.UnitID, it.Funding, it.Conditions = "", 0, "", ""
	}
	return bad
}

// text checks a trimmed text field's presence and length.
func text(bad *errs.Fields, field, v string, max int, required bool) {
	switch {
	case required && v == "":
		bad.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		bad.Add(field, "error.too_long", max)
	}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// Admission is a department's request to add a work item to a county's list.
type BurdenAdmission struct {
	ID             int64      `json:"id" readOnly:"true"`
	DivisionCode   string     `json:"division_code" doc:"the county whose list the item would join"`
	DivisionName   string     `json:"division_name" readOnly:"true"`
	UnitID         int64      `json:"unit_id" readOnly:"true"`
	UnitName       string     `json:"unit_name" readOnly:"true"`
	Name           string     `json:"name" maxLength:"100"`
	Basis          string     `json:"basis" maxLength:"500"`
	Kind           string     `json:"kind" enum:"duty,assist,autonomy"`
	Funding        string     `json:"funding,omitempty" maxLength:"500"`
	Conditions     string     `json:"conditions,omitempty" maxLength:"500"`
	Reason         string     `json:"grounds,omitempty" maxLength:"500" doc:"why communities should do it"`
	Status         string     `json:"status" enum:"pending,admitted,refused" readOnly:"true"`
	FiledBy        string     `json:"filed_by" readOnly:"true"`
	FiledAt        time.Time  `json:"filed_at" readOnly:"true"`
	DecidedBy      string     `json:"decided_by,omitempty" readOnly:"true"`
	DecidedAt      *time.Time `json:"decided_at,omitempty" readOnly:"true"`
	DecisionReason string     `json:"decision_reason,omitempty" readOnly:"true"`
	ItemID         int64      `json:"item_id,omitempty" readOnly:"true"`
	filedByID      int64
}

// Task is work a department assigned to the communities of an area.
type BurdenTask struct {
	ID          int64     `json:"id"`
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name"`
	ItemID      int64     `json:"item_id"`
	ItemName    string    `json:"item_name"`
	Title       string    `json:"title"`
	AreaCode    string    `json:"area_code"`
	AreaName    string    `json:"area_name"`
	Deadline    string    `json:"deadline"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	Communities int       `json:"communities"`
	Done        int       `json:"done"`
	// Community is set on a community's own view of a task.
	Community *BurdenTaskCommunity `json:"community,omitempty"`
}

// TaskCommunity is one community's share of a task.
type BurdenTaskCommunity struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	DoneAt *time.Time `json:"done_at,omitempty"`
	DoneBy string     `json:"done_by,omitempty"`
}

// Proof is a resident's request for a certificate of the proof list, and
// once issued the certificate.
type BurdenProof struct {
	ID            int64      `json:"id"`
	Number        string     `json:"number,omitempty"`
	ItemID        int64      `json:"item_id"`
	ItemName      string     `json:"item_name"`
	Basis         string     `json:"basis"`
	CommunityCode string     `json:"community_code"`
	CommunityName string     `json:"community_name"`
	UserID        int64      `json:"-"`
	HolderName    string     `json:"holder_name"`
	Purpose       string     `json:"purpose"`
	Status        string     `json:"status" enum:"pending,issued,refused"`
	RequestedAt   time.Time  `json:"requested_at"`
	Content       string     `json:"content,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	RefuseReason  string     `json:"refuse_reason,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedBy     string     `json:"revoked_by,omitempty"`
	RevokeReason  string     `json:"revoke_reason,omitempty"`
}

// SealUse is one use of a community's seal.
type BurdenSealUse struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	ItemID        int64     `json:"item_id"`
	ItemName      string    `json:"item_name"`
	What          string    `json:"what"`
	ForWhom       string    `json:"for_whom"`
	ApprovedBy    string    `json:"approved_by"`
	UsedOn        string    `json:"used_on"`
	LoggedBy      string    `json:"logged_by"`
	LoggedAt      time.Time `json:"logged_at"`
}

// Figures are the burden figures of an area.
type BurdenFigures struct {
	Counties []BurdenCountyFigures `json:"counties"`
	Units    []BurdenUnitFigures   `json:"units"`
}

// CountyFigures are a county's list and admissions: every community of
// the county carries the county's items and the city-wide ones.
type BurdenCountyFigures struct {
	Code               string `json:"code"`
	Name               string `json:"name"`
	Communities        int    `json:"communities"`
	ItemsPerCommunity  int    `json:"items_per_community"`
	AdmissionsAdmitted int    `json:"admissions_admitted"`
	AdmissionsRefused  int    `json:"admissions_refused"`
	AdmissionsPending  int    `json:"admissions_pending"`
}

// UnitFigures are a department's burden on the communities of the area:
// the work it assigned (community shares), and its refused assignments.
type BurdenUnitFigures struct {
	UnitID   int64  `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Tasks    int    `json:"tasks"`
	Shares   int    `json:"shares" doc:"community shares of its tasks"`
	Done     int    `json:"done"`
	Refused  int    `json:"refused" doc:"assignments refused (the item not on the list)"`
}

// DateLayout is how dates travel.
const DateLayout = "2006-01-02"

func today(now time.Time) string { return now.In(calendar.China).Format(DateLayout) }

func rangeOf(code string) (lo, hi string) { return division.RangeOf(code) }
