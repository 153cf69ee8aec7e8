package indicator

import (
	"context"
	"sort"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Table is every indicator at a division and, when asked, at each of its
// children: the dashboard page and its export.
type Table struct {
	Period    string              `json:"period" doc:"the plan period the figures are of"`
	Division  division.Division   `json:"division"`
	Ancestors []division.Division `json:"ancestors"`
	Figures   []Figure            `json:"figures"`
	Children  []ChildFigures      `json:"children,omitempty"`
}

// ChildFigures is every indicator at one child.
type ChildFigures struct {
	Division division.Division `json:"division"`
	Figures  []Figure          `json:"figures"`
}

// Table returns every indicator at a division, with its children's figures
// when children is true: one read of the totals for all of them. Errors:
// EUNAUTHORIZED, EFORBIDDEN, and those of division.Service.Get (ENOTFOUND
// outside the caller's area).
func (s *Service) Table(ctx context.Context, code string, children bool) (*Table, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	d, err := s.Divisions.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	anc, err := s.Divisions.Store.Ancestors(ctx, d)
	if err != nil {
		return nil, err
	}
	codes := []string{code}
	var kids []division.Division
	if children {
		if kids, err = s.children(ctx, code); err != nil {
			return nil, err
		}
		for _, k := range kids {
			codes = append(codes, k.Code)
		}
	}
	plan, err := s.plan(ctx)
	if err != nil {
		return nil, err
	}
	figs, err := s.Engine.Compute(ctx, codes, plan.All())
	if err != nil {
		return nil, err
	}
	t := &Table{Period: plan.Code, Division: *d, Ancestors: anc, Figures: figs[code]}
	if t.Ancestors == nil {
		t.Ancestors = []division.Division{}
	}
	for _, k := range kids {
		t.Children = append(t.Children, ChildFigures{Division: k, Figures: figs[k.Code]})
	}
	return t, nil
}

// Sorts of a drill-down's children.
var Sorts = []string{"gap", "name", "value", "code"}

// SortRows orders a drill-down's children: by gap (largest first), value
// (smallest first), name or code; rows without a value go last. An unknown
// sort is EINVALID on the field "sort".
func SortRows(rows []Row, by string) error {
	less := map[string]func(a, b *Row) int{
		"gap": func(a, b *Row) int { return cmpNil(a.Figure.Gap, b.Figure.Gap, true) },
		"value": func(a, b *Row) int {
			return cmpNil(a.Figure.Value, b.Figure.Value, false)
		},
		"name": func(a, b *Row) int { return strings.Compare(a.Division.Name, b.Division.Name) },
		"code": func(a, b *Row) int { return strings.Compare(a.Division.Code, b.Division.Code) },
	}
	if by == "" {
		by = "gap"
	}
	f, ok := less[by]
	if !ok {
		return errs.Invalid(errs.Field("sort", "indicator.sort_unknown", strings.Join(Sorts, ", ")))
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if c := f(&rows[i], &rows[j]); c != 0 {
			return c < 0
		}
		return rows[i].Division.Code < rows[j].Division.Code
	})
	return nil
}

// cmpNil compares two optional numbers, nil last; desc puts larger first.
func cmpNil(a, b *float64, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	x, y := *a, *b
	if desc {
		x, y = y, x
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// unitLevel is the level at which each counting measure counts one per
// division: a coverage indicator whose denominator is one of these and
// whose numerator is a single 0/1 measure at the same level has a list of
// the divisions that make the number.
var unitLevel = map[string]int{
	"division.communities":            division.Community,
	"division.rural_communities":      division.Community,
	"division.urban_communities":      division.Community,
	"division.relocation_communities": division.Community,
	"division.townships":              division.Township,
	"division.counties":               division.County,
}

// ListLevel is the level of the divisions an indicator counts one by one
// (5 for communities), or 0 when it is not a coverage indicator.
func (d *Def) ListLevel() int {
	f := d.Formula
	if len(f.Num) != 1 || len(f.Den) != 1 || f.Factor != 100 {
		return 0
	}
	return unitLevel[f.Den[0]]
}

// Uncovered is one division counted in an indicator's denominator but not
// in its numerator.
type Uncovered struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Kind       string `json:"kind,omitempty"`
	ParentCode string `json:"parent_code,omitempty"`
	ParentName string `json:"parent_name,omitempty"`
	// Remedy is the page where this division can be made to count (the
	// new-facility form for it), when the measure's slice offers one.
	Remedy string `json:"remedy,omitempty"`
}

// MissingList is one page of the divisions that keep a coverage indicator
// below 100% at a division.
type MissingList struct {
	Def      *Def              `json:"-"`
	Division division.Division `json:"division"`
	Level    string            `json:"level" doc:"the level of the listed divisions: community, township or county"`
	Awaiting string            `json:"awaiting,omitempty" doc:"the owner whose records are awaited; the list is empty until they are kept"`
	Total    int               `json:"total" doc:"how many divisions are not covered, all pages"`
	Counted  int               `json:"counted" doc:"how many divisions the denominator counts"`
	Items    []Uncovered       `json:"items"`
	Page     int               `json:"page"`
	PerPage  int               `json:"per_page"`
	More     bool              `json:"more"`
}

// Missing lists, a page at a time in code order, the divisions under code
// that an indicator's denominator counts and its numerator does not: the
// communities without a facility, a worker or a station. Errors: ENOTFOUND
// for an unknown indicator or one that is not a coverage indicator, and
// those of Table.
func (s *Service) Missing(ctx context.Context, indicator, code string, page, perPage int) (*MissingList, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	def, err := s.def(ctx, indicator)
	if err != nil {
		return nil, err
	}
	level := def.ListLevel()
	if level == 0 {
		return nil, errs.NotFound("indicator.no_list", indicator)
	}
	d, err := s.Divisions.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	page, perPage = db.Paging(page, perPage)
	out := &MissingList{Def: def, Division: *d, Level: division.LevelNames[level], Items: []Uncovered{}, Page: page, PerPage: perPage}
	if out.Awaiting = s.Engine.awaiting(def.Formula); out.Awaiting != "" {
		return out, nil
	}
	lo, hi := auth.AreaOf(d.Code, d.Level).Range()
	period := s.Engine.Period(def.Formula.Period)
	den, err := s.Engine.Measures.Values(ctx, s.Engine.key(def.Formula.Den[0], period), lo, hi)
	if err != nil {
		return nil, err
	}
	num, err := s.Engine.Measures.Values(ctx, s.Engine.key(def.Formula.Num[0], period), lo, hi)
	if err != nil {
		return nil, err
	}
	var codes []string
	for c, v := range den {
		if v > 0 {
			out.Counted++
			if num[c] <= 0 {
				codes = append(codes, c)
			}
		}
	}
	sort.Strings(codes)
	out.Total = len(codes)
	from := (page - 1) * perPage
	if from > len(codes) {
		from = len(codes)
	}
	to := min(from+perPage, len(codes))
	out.More = to < len(codes)
	if out.Items, err = s.names(ctx, codes[from:to]); err != nil {
		return nil, err
	}
	if m, ok := s.Engine.Registry.Lookup(def.Formula.Num[0]); ok && m.Remedy != "" {
		for i := range out.Items {
			out.Items[i].Remedy = strings.ReplaceAll(m.Remedy, "{code}", out.Items[i].Code)
		}
	}
	return out, nil
}
