package division

import (
	"context"
	"strings"
	"unicode/utf8"

	"shequ/internal/platform/errs"
)

// The division picker: wherever a person chooses a place (sign-up, the
// request form, …) they type part of a name or walk the tree from the top
// down, and never a code. Division names and codes are public data (the
// National Bureau of Statistics publishes them), so the picker answers
// anyone, the sign-up page included; only communities can be chosen.

// PickLimit caps a search's results; PickChildrenLimit a level's list.
const (
	PickLimit         = 20
	PickChildrenLimit = 500
)

// Option is a division as the picker shows it: its name, the names of its
// ancestors (Path, from the top, e.g. 衡水市 › 桃城区 › 河西街道 › 游园社区),
// and whether it has children to walk into.
type Option struct {
	Code        string `json:"code"`
	Name        string `json:"name"`
	Level       string `json:"level"`
	Path        string `json:"path" doc:"the names from the top of the tree down to this division"`
	HasChildren bool   `json:"has_children"`
	Choosable   bool   `json:"choosable" doc:"whether it can be chosen (communities only)"`
}

// Picker is the state of one picker on a form: Field is the form field that
// carries the chosen code; Selected the chosen community (nil: none yet);
// Results what a search for Q found (More: there were more than shown);
// Trail the path walked so far and Children the divisions under its end.
type Picker struct {
	Field    string
	Label    string // translation key of the fieldset's legend
	Q        string
	Selected *Option
	Results  []Option
	Searched bool
	More     bool
	Trail    []Option
	Children []Option
	// Error is the field's message, shown inside the picker.
	Error string
}

// PathSep separates the names of a path.
const PathSep = " › "

// PickSearch finds communities whose name contains q, with their paths.
// Errors: EINVALID (q too long).
func (s *Service) PickSearch(ctx context.Context, q string) ([]Option, bool, error) {
	q = strings.TrimSpace(q)
	if utf8.RuneCountInString(q) > 50 {
		return nil, false, errs.Invalid(errs.Field("q", "error.too_long", 50))
	}
	if q == "" {
		return nil, false, nil
	}
	ds, err := s.Store.PickSearch(ctx, q, PickLimit+1)
	if err != nil {
		return nil, false, err
	}
	more := len(ds) > PickLimit
	if more {
		ds = ds[:PickLimit]
	}
	out, err := s.options(ctx, ds)
	return out, more, err
}

// PickChildren lists the divisions under parent (empty: the top of the
// tree, skipping a single root such as the deployment's city) and the
// trail from the top down to parent. Errors: EINVALID, ENOTFOUND.
func (s *Service) PickChildren(ctx context.Context, parent string) (trail, children []Option, err error) {
	if parent == "" {
		roots, err := s.Store.PickChildren(ctx, "", PickChildrenLimit)
		// One root (a city, a province) is no choice at all: start below it.
		for err == nil && len(roots) == 1 && roots[0].Level < Community {
			roots, err = s.Store.PickChildren(ctx, roots[0].Code, PickChildrenLimit)
		}
		if err != nil {
			return nil, nil, err
		}
		children, err = s.options(ctx, roots)
		return nil, children, err
	}
	if !ValidCode(parent) {
		return nil, nil, errs.Invalid(errs.Field("parent", "division.code_format"))
	}
	d, err := s.Store.PickGet(ctx, parent)
	if err != nil {
		return nil, nil, err
	}
	if trail, err = s.trail(ctx, d); err != nil {
		return nil, nil, err
	}
	kids, err := s.Store.PickChildren(ctx, parent, PickChildrenLimit)
	if err != nil {
		return nil, nil, err
	}
	children, err = s.options(ctx, kids)
	return trail, children, err
}

// PickOption returns one community as the picker shows it; ENOTFOUND when
// the code names no community.
func (s *Service) PickOption(ctx context.Context, code string) (*Option, error) {
	if !ValidCode(code) {
		return nil, errs.Invalid(errs.Field("code", "division.code_format"))
	}
	d, err := s.Store.PickGet(ctx, code)
	if err != nil {
		return nil, err
	}
	if d.Level != Community {
		return nil, errs.NotFound("division.not_a_community", d.Name)
	}
	out, err := s.options(ctx, []Division{*d})
	if err != nil {
		return nil, err
	}
	return &out[0], nil
}

// Pick fills a picker from a form's values: the chosen code, the search
// text, and the division being walked into (browse). A chosen code that
// names no community is shown as the field's error.
func (s *Service) Pick(ctx context.Context, p *Picker, chosen, q, browse string) error {
	p.Q = strings.TrimSpace(q)
	if chosen != "" {
		o, err := s.PickOption(ctx, chosen)
		switch {
		case err == nil:
			p.Selected = o
		case errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ENOTFOUND:
			p.Error = "division.pick_a_community"
		default:
			return err
		}
	}
	if p.Q != "" {
		var err error
		if p.Results, p.More, err = s.PickSearch(ctx, p.Q); err != nil {
			return err
		}
		p.Searched = true
	}
	if browse == "" && p.Selected != nil && !p.Searched {
		browse = ParentOf(p.Selected.Code, Community)
	}
	var err error
	p.Trail, p.Children, err = s.PickChildren(ctx, browse)
	if errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ENOTFOUND {
		p.Trail, p.Children, err = s.PickChildren(ctx, "")
	}
	return err
}

// trail is the path from the top of the tree down to d, as options.
func (s *Service) trail(ctx context.Context, d *Division) ([]Option, error) {
	ancestors, err := s.Store.PickAncestors(ctx, d.Code, d.Level)
	if err != nil {
		return nil, err
	}
	return s.options(ctx, append(ancestors, *d))
}

// options turns divisions into options, reading their ancestors' names
// in one query.
func (s *Service) options(ctx context.Context, ds []Division) ([]Option, error) {
	codes := map[string]bool{}
	for _, d := range ds {
		for l := d.Level - 1; l >= Province; l-- {
			codes[ParentOf(d.Code, l+1)] = true
		}
	}
	names, err := s.Store.PickNames(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]Option, len(ds))
	for i, d := range ds {
		var path []string
		for l := Province; l < d.Level; l++ {
			if n, ok := names[ParentOf(d.Code, l+1)]; ok {
				path = append(path, n)
			}
		}
		path = append(path, d.Name)
		out[i] = Option{Code: d.Code, Name: d.Name, Level: LevelNames[d.Level], Path: strings.Join(path, PathSep),
			HasChildren: d.Level < Community, Choosable: d.Level == Community}
	}
	return out, nil
}
