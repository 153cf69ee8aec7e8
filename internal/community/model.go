// Package community is what a community shows to its residents and the
// public: the community page (its service hall, workers in post,
// facilities and their hours), the notices (公告) and public notices (公示)
// its workers publish between a start and an end date, and its public
// service catalogue (社区公共服务目录): what can be done there, what to bring
// and when. A township or county may keep catalogue items its communities
// inherit. Notices are withdrawn, never deleted; every change is audited.
package community

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Kinds of notice: 公告 (announcement) and 公示 (public notice).
var Kinds = []string{"announcement", "public_notice"}

// Statuses of a notice or a catalogue item.
const (
	Published = "published"
	Withdrawn = "withdrawn"
)

// Statuses lists them.
var Statuses = []string{Published, Withdrawn}

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Who may do what in this slice. Reading the community page, its current
// notices and its catalogue needs no account: it is published information
// with no personal data.
var (
	// ReadRoles may list every notice of their area, withdrawn and past ones too.
	ReadRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	// EditRoles publish, change and withdraw notices and keep the catalogue.
	EditRoles = []auth.Role{auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
)

// Limits.
const (
	maxTitle   = 100
	maxBody    = 5000
	maxText    = 500
	maxPhone   = 30
	maxDays    = 366 // a notice runs at most a year
	NoticePage = 20
)

// Notice is one notice or public notice of a community.
type Notice struct {
	ID             int64     `json:"id"`
	DivisionCode   string    `json:"division_code"`
	DivisionName   string    `json:"division_name"`
	Kind           string    `json:"kind" doc:"announcement (公告) or public_notice (公示)"`
	Title          string    `json:"title"`
	Body           string    `json:"body"`
	StartsOn       string    `json:"starts_on" doc:"YYYY-MM-DD, the first day it is shown"`
	EndsOn         string    `json:"ends_on" doc:"YYYY-MM-DD, the last day it is shown"`
	Status         string    `json:"status" doc:"published or withdrawn"`
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	CreatedBy      string    `json:"created_by"`
	UpdatedAt      time.Time `json:"updated_at"`
	UpdatedBy      string    `json:"updated_by"`
	CurrentlyShown bool      `json:"currently_shown" doc:"published and today within its dates"`
}

// NoticePatch is a new notice or a change: nil fields stay as they are.
type NoticePatch struct {
	DivisionCode *string `json:"division_code,omitempty" doc:"the community (12-digit code)"`
	Kind         *string `json:"kind,omitempty" doc:"announcement or public_notice"`
	Title        *string `json:"title,omitempty"`
	Body         *string `json:"body,omitempty"`
	StartsOn     *string `json:"starts_on,omitempty" doc:"YYYY-MM-DD; today by default"`
	EndsOn       *string `json:"ends_on,omitempty" doc:"YYYY-MM-DD"`
	Status       *string `json:"status,omitempty" doc:"published or withdrawn"`
	// Version, when given, must match the stored one (optimistic locking).
	Version *int `json:"version,omitempty"`
}

func setText(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

func (p *NoticePatch) apply(n Notice, today string) Notice {
	setText(&n.DivisionCode, p.DivisionCode)
	setText(&n.Kind, p.Kind)
	setText(&n.Title, p.Title)
	setText(&n.Body, p.Body)
	setText(&n.StartsOn, p.StartsOn)
	setText(&n.EndsOn, p.EndsOn)
	setText(&n.Status, p.Status)
	if n.StartsOn == "" {
		n.StartsOn = today
	}
	if n.Status == "" {
		n.Status = Published
	}
	return n
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

func (n *Notice) validate() errs.Fields {
	var f errs.Fields
	if n.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	switch {
	case n.Kind == "":
		f.Add("kind", "error.required")
	case !slices.Contains(Kinds, n.Kind):
		f.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	switch {
	case n.Title == "":
		f.Add("title", "error.required")
	case tooLong(n.Title, maxTitle):
		f.Add("title", "error.too_long", maxTitle)
	}
	switch {
	case n.Body == "":
		f.Add("body", "error.required")
	case tooLong(n.Body, maxBody):
		f.Add("body", "error.too_long", maxBody)
	}
	start, serr := time.Parse(DateLayout, n.StartsOn)
	if serr != nil {
		f.Add("starts_on", "community.date_invalid")
	}
	end, eerr := time.Parse(DateLayout, n.EndsOn)
	switch {
	case n.EndsOn == "":
		f.Add("ends_on", "error.required")
	case eerr != nil:
		f.Add("ends_on", "community.date_invalid")
	case serr == nil && end.Before(start):
		f.Add("ends_on", "community.ends_before_start")
	case serr == nil && end.Sub(start) > maxDays*24*time.Hour:
		f.Add("ends_on", "community.too_long_shown", maxDays)
	}
	if !slices.Contains(Statuses, n.Status) {
		f.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	return f
}

// NoticeFilter selects notices for the workers' list.
type NoticeFilter struct {
	Division string // at or under this division
	Kind     string
	Status   string
	Page     int
	PerPage  int
}

// Paging clamps paging parameters.
func Paging(page, perPage int) (int, int) {
	if perPage < 1 {
		perPage = NoticePage
	}
	return db.Paging(page, perPage)
}

// CatalogueItem is one entry of the public service catalogue.
type CatalogueItem struct {
	ID           int64     `json:"id"`
	DivisionCode string    `json:"division_code" doc:"the community, or the township or county whose communities inherit it"`
	DivisionName string    `json:"division_name"`
	Name         string    `json:"name" doc:"what can be done"`
	Description  string    `json:"details"`
	Materials    string    `json:"materials" doc:"what to bring"`
	ServiceHours string    `json:"times" doc:"when"`
	Place        string    `json:"venue" doc:"where (a window, a room)"`
	Status       string    `json:"status" doc:"published or withdrawn"`
	Version      int       `json:"version"`
	UpdatedAt    time.Time `json:"updated_at"`
	UpdatedBy    string    `json:"updated_by"`
}

// ItemPatch is a new catalogue item or a change: nil fields stay as they are.
type ItemPatch struct {
	DivisionCode *string `json:"division_code,omitempty"`
	Name         *string `json:"name,omitempty"`
	Description  *string `json:"details,omitempty"`
	Materials    *string `json:"materials,omitempty"`
	ServiceHours *string `json:"times,omitempty"`
	Place        *string `json:"venue,omitempty"`
	Status       *string `json:"status,omitempty" doc:"published or withdrawn"`
	Version      *int    `json:"version,omitempty"`
}

func (p *ItemPatch) apply(it CatalogueItem) CatalogueItem {
	setText(&it.DivisionCode, p.DivisionCode)
	setText(&it.Name, p.Name)
	setText(&it.Description, p.Description)
	setText(&it.Materials, p.Materials)
	setText(&it.ServiceHours, p.ServiceHours)
	setText(&it.Place, p.Place)
	setText(&it.Status, p.Status)
	if it.Status == "" {
		it.Status = Published
	}
	return it
}

func (it *CatalogueItem) validate() errs.Fields {
	var f errs.Fields
	if it.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	switch {
	case it.Name == "":
		f.Add("name", "error.required")
	case tooLong(it.Name, maxTitle):
		f.Add("name", "error.too_long", maxTitle)
	}
	for field, v := range map[string]string{"details": it.Description, "materials": it.Materials, "times": it.ServiceHours, "venue": it.Place} {
		if tooLong(v, maxText) {
			f.Add(field, "error.too_long", maxText)
		}
	}
	if !slices.Contains(Statuses, it.Status) {
		f.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	return f
}

// Hall is a community's service hall as the page shows it: the
// comprehensive facility's name, address and hours, and the hall's phone.
type ServiceHall struct {
	Name    string    `json:"name"`
	Address string    `json:"address"`
	Phone   string    `json:"phone" doc:"the hall's work number"`
	Hours   [7]string `json:"hours" doc:"Monday to Sunday, like 08:30-12:00,14:00-18:00, empty when closed"`
	Version int       `json:"version" doc:"of the phone record; 0 before one is kept"`
}

// PageFacility is a facility of the community as the page shows it.
type PageFacility struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Address string    `json:"address"`
	Hours   [7]string `json:"hours"`
}

// StaffMember is a worker in post as the page shows them: name and post only;
// their contact is the hall's work number, never a personal phone.
type StaffMember struct {
	Name string `json:"name"`
	Post string `json:"post"`
}

// CommunityPage is everything the community page shows.
type CommunityPage struct {
	Code        string          `json:"code"`
	Name        string          `json:"name"`
	Path        string          `json:"path" doc:"the names from the county down"`
	Population  int64           `json:"population"`
	Households  int64           `json:"households"`
	Hall        *ServiceHall    `json:"hall"`
	Workers     []StaffMember   `json:"workers"`
	GridWorkers []StaffMember   `json:"grid_workers"`
	Facilities  []PageFacility  `json:"facilities"`
	Notices     []Notice        `json:"notices"`
	MoreNotices bool            `json:"more_notices"`
	Catalogue   []CatalogueItem `json:"catalogue"`
	// Emergency is the community's readiness (nil until wired).
	Emergency *Readiness `json:"emergency,omitempty"`
	// Proxy are the government services the community handles on a
	// resident's behalf (政务代办), when that slice is wired.
	Proxy []ProxyService `json:"proxy_services"`
}

// Readiness is what the page shows of a community's emergency work: the
// current emergency plan's version (0: none yet) and title, and its
// emergency shelters with the people they hold.
type Readiness struct {
	PlanVersion int           `json:"plan_version"`
	PlanTitle   string        `json:"plan_title,omitempty"`
	Shelters    []PageShelter `json:"shelters"`
}

// PageShelter is an emergency shelter on the page.
type PageShelter struct {
	Name     string `json:"name"`
	Address  string `json:"address"`
	Capacity int64  `json:"capacity"`
}

// ProxyService is a government service the community handles on a
// resident's behalf (政务代办): what to bring, the department, the time limit.
type ProxyService struct {
	Name       string   `json:"name"`
	Materials  []string `json:"materials"`
	Department string   `json:"department"`
	Days       int      `json:"days" doc:"working days"`
}
