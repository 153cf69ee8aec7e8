// Package project keeps the three lists (三项清单) of a community: residents'
// needs (居民需求清单), the service resources the area has (服务资源清单: the
// registries' facilities, social organisations and volunteer teams, read
// through Registries, and what resident units offer, entered here), and
// livelihood projects (民生项目清单, government-purchased services among
// them) with milestones, progress reports with photos and acceptance (验收)
// by staff who did not run them. Open needs are matched to resources by kind
// and area; an accepted project marks the needs it serves served.
package project

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
)

// Kinds of need.
var NeedKinds = []string{"elderly_care", "childcare", "culture_sport", "employment", "environment", "safety", "facilities", "disability", "other"}

// Need statuses.
const (
	NeedOpen    = "open"
	NeedMatched = "matched"
	NeedServed  = "served"
	NeedClosed  = "closed"
)

// NeedStatuses lists them.
var NeedStatuses = []string{NeedOpen, NeedMatched, NeedServed, NeedClosed}

// Sources a need is raised from.
var Sources = []string{"worker", "topic", "survey", "request_category", "visit"}

// Groups of the people registry a need may concern (” none named).
var Groups = []string{"elderly_special", "left_behind_child", "child_in_difficulty", "disability", "priority_employment"}

// Resource kinds (the resident units' offers keep theirs in the
// residentunit registry; the registries' map to these).
var ResourceKinds = []string{"venue", "parking", "funds", "services", "other"}

// Where a resource comes from.
const (
	FromUnit         = "unit"         // a resident unit's offer (the residentunit registry)
	FromFacility     = "facility"     // the facilities registry
	FromOrganization = "organization" // social organisations
	FromTeam         = "team"         // volunteer organisations and teams
)

// Funding sources of a project: finance (财政), village collective (村集体),
// social (社会), government purchase of services (政府购买).
var Fundings = []string{"finance", "collective", "social", "purchase"}

// Project statuses.
const (
	Proposed = "proposed"
	Running  = "running"
	Accepted = "accepted"
)

// ProjectStatuses lists them.
var ProjectStatuses = []string{Proposed, Running, Accepted}

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

const maxTitle, maxText = 100, 2000

// Need is one resident need.
type Need struct {
	ID           int64     `json:"id"`
	DivisionCode string    `json:"division_code"`
	DivisionName string    `json:"division_name"`
	Title        string    `json:"title"`
	Details      string    `json:"details"`
	Kind         string    `json:"kind"`
	Source       string    `json:"source" doc:"worker, topic, survey, request_category or visit"`
	SourceRef    string    `json:"source_ref"`
	Group        string    `json:"group" doc:"the people-registry group it concerns, or empty"`
	Affected     int       `json:"affected" doc:"how many people it concerns"`
	Status       string    `json:"status" doc:"open, matched, served or closed"`
	CloseReason  string    `json:"close_reason,omitempty"`
	ResourceKey  string    `json:"resource_key,omitempty" doc:"the resource confirmed for it"`
	ResourceName string    `json:"resource_name,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// NeedInput is a new need. Affected 0 with a Group: the count is read from
// the people registry.
type NeedInput struct {
	DivisionCode string `json:"division_code"`
	Title        string `json:"title"`
	Details      string `json:"details,omitempty"`
	Kind         string `json:"kind"`
	Source       string `json:"source,omitempty" doc:"worker (the default), topic, survey, request_category or visit"`
	SourceRef    string `json:"source_ref,omitempty"`
	Affected     int    `json:"affected,omitempty"`
	Group        string `json:"group,omitempty"`
}

func (in *NeedInput) clean() {
	in.DivisionCode = strings.TrimSpace(in.DivisionCode)
	in.Title = strings.TrimSpace(in.Title)
	in.Details = strings.TrimSpace(in.Details)
	in.Kind = strings.TrimSpace(in.Kind)
	in.Source = strings.TrimSpace(in.Source)
	in.SourceRef = strings.TrimSpace(in.SourceRef)
	in.Group = strings.TrimSpace(in.Group)
	if in.Source == "" {
		in.Source = "worker"
	}
}

func (in *NeedInput) validate() errs.Fields {
	var f errs.Fields
	if !division.ValidCode(in.DivisionCode) || division.Code(in.DivisionCode).Level() != division.Community {
		f.Add("division_code", "project.community_code")
	}
	text(&f, "title", in.Title, maxTitle, true)
	text(&f, "details", in.Details, maxText, false)
	oneOf(&f, "kind", in.Kind, NeedKinds, true)
	oneOf(&f, "source", in.Source, Sources, true)
	text(&f, "source_ref", in.SourceRef, 100, false)
	oneOf(&f, "group", in.Group, Groups, false)
	if in.Affected < 0 || in.Affected > 10_000_000 {
		f.Add("affected", "project.count_range")
	}
	return f
}

func text(f *errs.Fields, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case len([]rune(v)) > max:
		f.Add(field, "error.too_long", max)
	}
}

func oneOf(f *errs.Fields, field, v string, set []string, required bool) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case v != "" && !slices.Contains(set, v):
		f.Add(field, "error.one_of", strings.Join(set, ", "))
	}
}

// Resource is one entry of the merged resource list: a resident unit's
// offer (Source unit) or a registry's record.
type Resource struct {
	Key          string `json:"key" doc:"source:id, e.g. unit:3, facility:12"`
	Source       string `json:"source" doc:"unit, facility, organization or team"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Name         string `json:"name"`
	Kind         string `json:"kind" doc:"venue, parking, funds, services or other"`
	Serves       string `json:"serves" doc:"the kind of need it suits; empty: any"`
	Unit         string `json:"unit,omitempty" doc:"the resident unit offering it"`
	Contact      string `json:"contact,omitempty"`
	Hours        string `json:"hours,omitempty"`
	Capacity     int64  `json:"capacity" doc:"people or places; fen for funds"`
	Details      string `json:"details,omitempty"`
}

// Project is one livelihood project.
type Project struct {
	ID             int64      `json:"id"`
	DivisionCode   string     `json:"division_code"`
	DivisionName   string     `json:"division_name"`
	Title          string     `json:"title"`
	Description    string     `json:"description"`
	Owner          string     `json:"owner" doc:"the unit or organisation that carries it out"`
	Funding        string     `json:"funding" doc:"finance, collective, social or purchase (government purchase of services)"`
	Budget         int64      `json:"budget" doc:"fen"`
	Status         string     `json:"status" doc:"proposed, running or accepted"`
	DecisionID     int64      `json:"decision_id,omitempty"`
	Runner         string     `json:"runner"`
	StartedOn      string     `json:"started_on"`
	AcceptedAt     *time.Time `json:"accepted_at,omitempty"`
	AcceptedBy     string     `json:"accepted_by,omitempty"`
	AcceptanceNote string     `json:"acceptance_note,omitempty"`
	Late           bool       `json:"late" doc:"a milestone was met after its due date, or is past due"`
	CreatedAt      time.Time  `json:"created_at"`
	CreatedBy      string     `json:"created_by"`

	runnerID int64
}

// ProjectDetail is a project with its milestones, progress reports, needs
// and resources.
type ProjectDetail struct {
	Project
	Milestones []Milestone `json:"milestones"`
	Progress   []Progress  `json:"progress"`
	Needs      []Need      `json:"needs"`
	Resources  []Link      `json:"resources"`
}

// Link is a resource a project uses.
type Link struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// ProjectInput starts a project (running, run by the caller).
type ProjectInput struct {
	DivisionCode string   `json:"division_code"`
	Title        string   `json:"title"`
	Description  string   `json:"description,omitempty"`
	Owner        string   `json:"owner"`
	Funding      string   `json:"funding" doc:"finance, collective, social or purchase"`
	Budget       int64    `json:"budget" doc:"fen"`
	Needs        []int64  `json:"needs,omitempty" doc:"ids of the needs it serves"`
	Resources    []string `json:"resources,omitempty" doc:"keys of the resources it uses"`
}

func (in *ProjectInput) validate() errs.Fields {
	for _, p := range []*string{&in.DivisionCode, &in.Title, &in.Description, &in.Owner, &in.Funding} {
		*p = strings.TrimSpace(*p)
	}
	var f errs.Fields
	if !division.ValidCode(in.DivisionCode) {
		f.Add("division_code", "project.code_format")
	}
	text(&f, "title", in.Title, maxTitle, true)
	text(&f, "description", in.Description, maxText, false)
	text(&f, "owner", in.Owner, maxTitle, true)
	oneOf(&f, "funding", in.Funding, Fundings, true)
	if in.Budget < 0 || in.Budget > 1e13 {
		f.Add("budget", "project.budget_range")
	}
	if len(in.Needs) > 50 || len(in.Resources) > 50 {
		f.Add("needs", "project.too_many_links")
	}
	return f
}

// Milestone is a step of a project with its due date.
type Milestone struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	DueOn  string `json:"due_on"`
	DoneOn string `json:"done_on" doc:"empty while not met"`
	Late   bool   `json:"late"`
}

// MilestoneInput is a new milestone.
type MilestoneInput struct {
	Title string `json:"title"`
	DueOn string `json:"due_on" doc:"YYYY-MM-DD"`
}

// Progress is a progress report.
type Progress struct {
	ID        int64     `json:"id"`
	Note      string    `json:"note"`
	PhotoID   int64     `json:"photo_id,omitempty"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at"`

	authorID int64
}

// late says whether a milestone is late on today.
func (m *Milestone) late(today string) bool {
	if m.DoneOn != "" {
		return m.DoneOn > m.DueOn
	}
	return m.DueOn < today
}

func validDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// NeedFilter selects needs.
type NeedFilter struct {
	Q        string
	Division string
	Kind     string
	Status   string
	Page     int
	PerPage  int
}

func (f *NeedFilter) check() error {
	return checkFilter(&f.Q, f.Division, closed{"kind", f.Kind, NeedKinds}, closed{"status", f.Status, NeedStatuses})
}

// closed is a filter's field that takes one of a set of codes.
type closed struct {
	field, value string
	set          []string
}

// checkFilter trims a filter's search text and checks it, its division
// and its closed fields.
func checkFilter(q *string, div string, fields ...closed) error {
	var bad errs.Fields
	*q = strings.TrimSpace(*q)
	text(&bad, "q", *q, 50, false)
	if div != "" && !division.ValidCode(div) {
		bad.Add("division", "project.code_format")
	}
	for _, c := range fields {
		oneOf(&bad, c.field, c.value, c.set, false)
	}
	return bad.Err()
}

// ResourceFilter selects resources.
type ResourceFilter struct {
	Q        string
	Division string
	Kind     string
	Source   string
	Page     int
	PerPage  int
}

// ResourceSources lists where resources come from.
var ResourceSources = []string{FromUnit, FromFacility, FromOrganization, FromTeam}

func (f *ResourceFilter) check() error {
	return checkFilter(&f.Q, f.Division, closed{"kind", f.Kind, ResourceKinds}, closed{"source", f.Source, ResourceSources})
}

func (f *ResourceFilter) match(r *Resource) bool {
	if f.Kind != "" && r.Kind != f.Kind || f.Source != "" && r.Source != f.Source {
		return false
	}
	if f.Division != "" {
		lo, hi := division.Code(f.Division).Range()
		if r.DivisionCode < lo || r.DivisionCode > hi {
			return false
		}
	}
	return f.Q == "" || strings.Contains(strings.ToLower(r.Name+" "+r.Unit), strings.ToLower(f.Q))
}

// ProjectFilter selects projects.
type ProjectFilter struct {
	Q        string
	Division string
	Funding  string
	Status   string
	Page     int
	PerPage  int
}

func (f *ProjectFilter) check() error {
	return checkFilter(&f.Q, f.Division, closed{"funding", f.Funding, Fundings}, closed{"status", f.Status, ProjectStatuses})
}

// Match is a resource suggested for a need, nearest first.
type Match struct {
	Resource
	Distance string `json:"distance" doc:"community, township, county or wider"`
}

// ListFigures are the lists' figures at a division.
type ListFigures struct {
	DivisionCode  string           `json:"division_code"`
	DivisionName  string           `json:"division_name"`
	NeedsOpen     int64            `json:"needs_open"`
	NeedsMatched  int64            `json:"needs_matched"`
	NeedsServed   int64            `json:"needs_served"`
	NeedsClosed   int64            `json:"needs_closed"`
	SharePermille int64            `json:"share_matched_permille" doc:"matched or served among the needs not closed, in ‰"`
	Projects      int64            `json:"projects"`
	OnTime        int64            `json:"projects_on_time" doc:"running or accepted, no milestone late"`
	Late          int64            `json:"projects_late"`
	Money         map[string]int64 `json:"money" doc:"budgets in fen by funding source"`
}

func (f *ListFigures) add(g *ListFigures) {
	f.NeedsOpen += g.NeedsOpen
	f.NeedsMatched += g.NeedsMatched
	f.NeedsServed += g.NeedsServed
	f.NeedsClosed += g.NeedsClosed
	f.Projects += g.Projects
	f.OnTime += g.OnTime
	f.Late += g.Late
	for k, v := range g.Money {
		f.Money[k] += v
	}
}

func (f *ListFigures) finish() {
	if n := f.NeedsOpen + f.NeedsMatched + f.NeedsServed; n > 0 {
		f.SharePermille = (f.NeedsMatched + f.NeedsServed) * 1000 / n
	}
}

// SharePercent is the share matched as a percentage with one decimal.
func (f *ListFigures) SharePercent() string {
	return strconvFormatPermille(f.SharePermille)
}

// Amount is the capacity as shown: yuan for funds, a count otherwise,
// empty when none is given.
func (r Resource) Amount() string {
	switch {
	case r.Capacity == 0:
		return ""
	case r.Kind == "funds":
		return Yuan(r.Capacity) + " 元"
	}
	return strconv.FormatInt(r.Capacity, 10)
}

// BudgetYuan is the budget in yuan.
func (p Project) BudgetYuan() string { return Yuan(p.Budget) }

// MoneyOf is the budgets of a funding source in yuan.
func (f *ListFigures) MoneyOf(funding string) string { return Yuan(f.Money[funding]) }
