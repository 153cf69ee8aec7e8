package indicator

import (
	"bytes"
	"context"
	"strings"
	"time"

	"shequ/data"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Engine computes figures from measure totals.
type Engine struct {
	DB       *db.DB
	Measures *measure.Store
	Registry *measure.Registry
	Defs     []Def
	byCode   map[string]*Def
	Now      func() time.Time
}

// NewEngine loads the shipped plan file.
func NewEngine(d *db.DB, reg *measure.Registry) (*Engine, error) {
	b, err := data.FS.ReadFile("plan/indicators.csv")
	if err != nil {
		return nil, err
	}
	defs, err := ParseDefs(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	e := &Engine{DB: d, Measures: &measure.Store{DB: d}, Registry: reg, Defs: defs, byCode: map[string]*Def{}, Now: time.Now}
	for i := range e.Defs {
		e.byCode[e.Defs[i].Code] = &e.Defs[i]
	}
	return e, nil
}

// Def returns an indicator's definition; ENOTFOUND if there is none.
func (e *Engine) Def(code string) (*Def, error) {
	d, ok := e.byCode[code]
	if !ok {
		return nil, errs.NotFound("indicator.not_found", code)
	}
	return d, nil
}

// Period returns the current period of a kind ("month" → 2026-11, "year" → 2026).
func (e *Engine) Period(kind string) string {
	now := e.Now().In(calendar.China)
	switch kind {
	case "month":
		return now.Format("2006-01")
	case "year":
		return now.Format("2006")
	}
	return ""
}

// key is the stored name of measure name for an indicator read for
// period: a periodic measure's value in that period, a standing measure's
// value as it stands. So a yearly indicator may divide a yearly count
// (communities that ran a survey this year) by a standing one (all
// communities); before, the year was put on both, and the denominator,
// never kept per year, read 0.
func (e *Engine) key(name, period string) string {
	if def, ok := e.Registry.Lookup(name); ok && !def.Periodic {
		return name
	}
	return measure.Key(name, period)
}

// Year is the current year in China.
func (e *Engine) Year() int { return e.Now().In(calendar.China).Year() }

// awaiting returns the owner of the first measure of f that no wired slice
// keeps, or "".
func (e *Engine) awaiting(f Formula) string {
	for _, m := range append(append([]string{}, f.Num...), f.Den...) {
		if _, ok := e.Registry.Lookup(m); !ok {
			owner, _, _ := strings.Cut(m, ".")
			return owner
		}
	}
	return ""
}

// Compute returns the figures of defs (all when nil) at each of codes.
// It does not check areas: the service does.
func (e *Engine) Compute(ctx context.Context, codes []string, defs []*Def) (map[string][]Figure, error) {
	if defs == nil {
		for i := range e.Defs {
			defs = append(defs, &e.Defs[i])
		}
	}
	keySet := map[string]bool{}
	for _, d := range defs {
		p := e.Period(d.Formula.Period)
		for _, m := range append(append([]string{}, d.Formula.Num...), d.Formula.Den...) {
			keySet[e.key(m, p)] = true
		}
	}
	keys := make([]string, 0, len(keySet))
	for k := range keySet {
		keys = append(keys, k)
	}
	totals, err := e.totals(ctx, keys, codes)
	if err != nil {
		return nil, err
	}
	year := e.Year()
	targets, err := e.targets(ctx, codes, year)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]Figure, len(codes))
	for _, code := range codes {
		figs := make([]Figure, 0, len(defs))
		for _, d := range defs {
			figs = append(figs, e.figure(d, code, totals[code], targets[code+"|"+d.Code], year))
		}
		out[code] = figs
	}
	return out, nil
}

func (e *Engine) sum(names []string, period string, t map[string]int64) float64 {
	var s float64
	for _, n := range names {
		scale := int64(1)
		if def, ok := e.Registry.Lookup(n); ok {
			scale = def.Scale
		}
		s += float64(t[e.key(n, period)]) / float64(scale)
	}
	return s
}

func (e *Engine) figure(d *Def, code string, t map[string]int64, target *float64, year int) Figure {
	f := Figure{Indicator: d.Code, Division: code, Baseline: d.Baseline, Target: d.Target, YearTarget: d.LineTarget(year), Def: d,
		Period: e.Period(d.Formula.Period)}
	if target != nil {
		f.YearTarget = *target
	}
	if owner := e.awaiting(d.Formula); owner != "" {
		f.Status, f.Awaiting = Awaiting, owner
		return f
	}
	f.Numerator = e.sum(d.Formula.Num, f.Period, t)
	f.Denominator = e.sum(d.Formula.Den, f.Period, t)
	if f.Denominator == 0 {
		f.Status = NoData
		return f
	}
	v := f.Numerator / f.Denominator * d.Formula.Factor
	f.Value = &v
	gap := d.Target - v
	if d.Direction == "at_most" {
		gap = v - d.Target
	}
	f.Gap = &gap
	f.Status = status(d, v, f.YearTarget)
	return f
}

// levelOf is the level a 12-digit code's trailing zeros say.
func levelOf(code string) int {
	switch {
	case code[2:] == "0000000000":
		return 1
	case code[4:] == "00000000":
		return 2
	case code[6:] == "000000":
		return 3
	case code[9:] == "000":
		return 4
	}
	return 5
}
