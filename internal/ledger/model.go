// Package ledger is the plan's task ledger (任务分解 and 年度任务清单): the
// key tasks, special actions (专项行动) and projects (工程) of a plan period
// as records with a lead unit, co-units, the divisions they concern and a
// deadline; their yearly work items, each owed by one handling unit; the
// units' progress reports with a photo as evidence, which city staff
// accept or return with a reason (never the reporter); overdue items and
// tasks; completion rates by unit and by county; and Completion, the
// special actions' and projects' lines for the final evaluation.
//
// Units are the handling units of the request catalogue, read through
// Units; plan periods are checked against Periods (both adapted in
// internal/app).
package ledger

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
)

// Kinds of task.
const (
	KeyTask       = "key_task"       // 主要任务
	SpecialAction = "special_action" // 专项行动
	Project       = "project"        // 工程
)

// Kinds lists the kinds of task.
var Kinds = []string{KeyTask, SpecialAction, Project}

// Work item states. Overdue is a filter and a flag, not a state: an item
// not done past its day.
const (
	Open     = "open"
	Reported = "reported" // a report waits for review
	Returned = "returned" // the last report was returned with a reason
	Done     = "done"
	Overdue  = "overdue"
)

// Review decisions.
const (
	Accept = "accepted"
	Return = "returned"
)

// DateLayout is the layout of deadlines and due days.
const DateLayout = "2006-01-02"

// PhotoOwner owns the reports' photos in platform/upload.
const PhotoOwner = "ledger.report"

const (
	maxTitle   = 200
	maxSection = 100
	maxCode    = 40
	maxNote    = 2000
	maxReason  = 500
)

// Periods lists the plan periods' codes ("2021-2025"); internal/app adapts
// the indicator slice's periods.
type Periods interface {
	Periods(ctx context.Context) ([]string, error)
}

// LedgerUnit is a handling unit of the request catalogue.
type LedgerUnit struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	DivisionCode string `json:"division_code"`
}

// Units reads the handling units: all of them, and the one the caller's
// account acts for (0 when none). Adapted in internal/app over the
// request catalogue.
type Units interface {
	All(ctx context.Context) ([]LedgerUnit, error)
	Mine(ctx context.Context) (int64, error)
}

// LedgerUnitRef names a unit on a task.
type LedgerUnitRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// LedgerTask is a key task, special action or project of a plan period.
type LedgerTask struct {
	ID        int64           `json:"id"`
	Period    string          `json:"period"`
	Kind      string          `json:"kind" enum:"key_task,special_action,project"`
	Code      string          `json:"code" doc:"its number in the period, e.g. SA-01"`
	Title     string          `json:"title"`
	Section   string          `json:"section" doc:"where the plan sets it out"`
	LeadUnit  LedgerUnitRef   `json:"lead_unit"`
	CoUnits   []LedgerUnitRef `json:"co_units,omitempty" doc:"read with the task (not in lists)"`
	Divisions []string        `json:"divisions,omitempty" doc:"the divisions it concerns (12-digit codes; read with the task, not in lists)"`
	Deadline  string          `json:"deadline"`
	Items     int             `json:"items"`
	Done      int             `json:"done"`
	Overdue   int             `json:"overdue" doc:"work items not done past their day"`
	// Late: the deadline has passed and an item is not done (or it has none).
	Late      bool      `json:"late"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// WorkItem is a yearly work item of a task, owed by one unit.
type WorkItem struct {
	ID           int64            `json:"id"`
	TaskID       int64            `json:"task_id"`
	TaskTitle    string           `json:"task_title"`
	Year         int              `json:"year"`
	Title        string           `json:"title"`
	Unit         LedgerUnitRef    `json:"unit"`
	DivisionCode string           `json:"division_code"`
	DueOn        string           `json:"due_on"`
	Status       string           `json:"status" enum:"open,reported,returned,done"`
	DoneOn       string           `json:"done_on,omitempty"`
	Overdue      bool             `json:"overdue"`
	Reports      []ProgressReport `json:"reports,omitempty"`
}

// ProgressReport is a unit's progress report on a work item and its review.
type ProgressReport struct {
	ID         int64      `json:"id"`
	ItemID     int64      `json:"item_id"`
	Note       string     `json:"note"`
	PhotoID    int64      `json:"photo_id,omitempty"`
	Reporter   string     `json:"reporter"`
	CreatedAt  time.Time  `json:"created_at"`
	Decision   string     `json:"decision" doc:"empty (waiting), accepted or returned"`
	Reason     string     `json:"reason,omitempty"`
	Reviewer   string     `json:"reviewer,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	reporterID int64
}

// LedgerTaskInput is a new task. Units are named by id.
type LedgerTaskInput struct {
	Period    string   `json:"period" doc:"a plan period's code, e.g. 2021-2025"`
	Kind      string   `json:"kind" enum:"key_task,special_action,project"`
	Code      string   `json:"task_code" maxLength:"40"`
	Title     string   `json:"title" maxLength:"200"`
	Section   string   `json:"section,omitempty" maxLength:"100"`
	LeadUnit  int64    `json:"lead_unit"`
	CoUnits   []int64  `json:"co_units,omitempty"`
	Divisions []string `json:"divisions,omitempty" doc:"12-digit codes; none: the whole city"`
	Deadline  string   `json:"deadline" doc:"YYYY-MM-DD"`
}

func validDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

func textField(f *errs.Fields, name, v string, max int, required bool) {
	n := utf8.RuneCountInString(v)
	switch {
	case required && n == 0:
		f.Add(name, "error.required")
	case n > max:
		f.Add(name, "error.too_long", max)
	}
}

// check trims and checks the input's own fields (periods and units are
// checked by the service).
func (in *LedgerTaskInput) check() errs.Fields {
	var f errs.Fields
	in.Period, in.Code, in.Title, in.Section, in.Deadline = strings.TrimSpace(in.Period), strings.TrimSpace(in.Code),
		strings.TrimSpace(in.Title), strings.TrimSpace(in.Section), strings.TrimSpace(in.Deadline)
	if in.Period == "" {
		f.Add("period", "error.required")
	}
	if !slices.Contains(Kinds, in.Kind) {
		f.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	textField(&f, "task_code", in.Code, maxCode, true)
	textField(&f, "title", in.Title, maxTitle, true)
	textField(&f, "section", in.Section, maxSection, false)
	if in.LeadUnit <= 0 {
		f.Add("lead_unit", "error.required")
	}
	if !validDate(in.Deadline) {
		f.Add("deadline", "ledger.date_format")
	}
	for _, d := range in.Divisions {
		if !division.ValidCode(d) {
			f.Add("divisions", "ledger.code_format")
			break
		}
	}
	return f
}

// WorkItemInput is a new work item of a task.
type WorkItemInput struct {
	Year         int    `json:"year" minimum:"2000" maximum:"2100"`
	Title        string `json:"title" maxLength:"200"`
	Unit         int64  `json:"unit_id,omitempty" doc:"the unit that owes it; 0: the task's lead unit"`
	DivisionCode string `json:"division_code,omitempty" doc:"the division it concerns; empty: the task's first"`
	DueOn        string `json:"due_on" doc:"YYYY-MM-DD"`
}

func (in *WorkItemInput) check() errs.Fields {
	var f errs.Fields
	in.Title, in.DivisionCode, in.DueOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.DivisionCode), strings.TrimSpace(in.DueOn)
	if in.Year < 2000 || in.Year > 2100 {
		f.Add("year", "ledger.year_range")
	}
	textField(&f, "title", in.Title, maxTitle, true)
	if in.DivisionCode != "" && !division.ValidCode(in.DivisionCode) {
		f.Add("division_code", "ledger.code_format")
	}
	if !validDate(in.DueOn) {
		f.Add("due_on", "ledger.date_format")
	}
	return f
}

// Filter selects tasks.
type Filter struct {
	Period  string
	Kind    string
	Q       string // part of the title or code
	Overdue bool   // only tasks with an overdue item or past their deadline
	Page    int
	PerPage int
}

func (f *Filter) check() error {
	var bad errs.Fields
	f.Q, f.Period = strings.TrimSpace(f.Q), strings.TrimSpace(f.Period)
	if utf8.RuneCountInString(f.Q) > 50 {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		bad.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	return bad.Err()
}

// LedgerRate is the work items of a unit or a division and how many are done.
type LedgerRate struct {
	Key     string  `json:"key" doc:"the unit's id or the division's code"`
	Name    string  `json:"name"`
	Items   int     `json:"items"`
	Done    int     `json:"done"`
	Overdue int     `json:"overdue"`
	Percent float64 `json:"percent" doc:"done ÷ items × 100; 0 with none"`
}

func (r *LedgerRate) fill() {
	if r.Items > 0 {
		r.Percent = float64(r.Done) * 100 / float64(r.Items)
	}
}

// LedgerRates are a period's completion rates in the caller's area.
type LedgerRates struct {
	Period   string       `json:"period"`
	Total    LedgerRate   `json:"total"`
	ByUnit   []LedgerRate `json:"by_unit"`
	ByCounty []LedgerRate `json:"by_county" doc:"by the county the item concerns; the city's own items under the city's code"`
}

// LedgerLine is a special action or project in the final evaluation.
type LedgerLine struct {
	TaskID   int64  `json:"task_id"`
	Kind     string `json:"kind"`
	Code     string `json:"code"`
	Title    string `json:"title"`
	LeadUnit string `json:"lead_unit"`
	Items    int    `json:"items" doc:"work items concerning the division"`
	Done     int    `json:"done"`
	Overdue  int    `json:"overdue"`
	Complete bool   `json:"complete" doc:"it has items there and all are done"`
}

// has says whether a field failed already.
func has(f errs.Fields, field string) bool {
	return slices.ContainsFunc(f, func(e errs.FieldError) bool { return e.Field == field })
}
