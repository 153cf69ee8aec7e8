package person

import (
	"context"

	"shequ/internal/platform/measure"
)

// Measure names, per community: the people who are members of a group
// today.
const (
	ElderlySpecial       = "person.elderly_special"
	LeftBehindChildren   = "person.left_behind_children"
	PeopleWithDisability = "person.disabled"
)

// Measures kept by this slice.
var Measures = []measure.Def{
	{Name: ElderlySpecial, Owner: "person"},
	{Name: LeftBehindChildren, Owner: "person"},
	{Name: PeopleWithDisability, Owner: "person"},
}

// measureOf maps a group to its measure.
var measureOf = map[string]string{
	GroupElderly:    ElderlySpecial,
	GroupLeftBehind: LeftBehindChildren,
	GroupDisability: PeopleWithDisability,
}

const allLo, allHi = "000000000000", "999999999999"

// refresh recomputes the measures of some communities in ctx's
// transaction, moving every ancestor's totals.
func (s *Service) refresh(ctx context.Context, codes ...string) error {
	seen := map[string]bool{}
	for _, code := range codes {
		if seen[code] {
			continue
		}
		seen[code] = true
		vals, err := s.Store.measureValues(ctx, code, code, s.today())
		if err != nil {
			return err
		}
		for key, m := range vals {
			if err := s.Measures.Set(ctx, key, code, m[code]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Reconcile brings every stored value of this slice's measures in line
// with the tables for today, setting only what differs: the daily move of
// the date boundary (a membership that began or ended). With rebuild, the
// values are replaced wholesale instead (bulk imports, the demo).
func (s *Service) Reconcile(ctx context.Context, rebuild bool) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		vals, err := s.Store.measureValues(ctx, allLo, allHi, s.today())
		if err != nil {
			return err
		}
		return s.Measures.Reconcile(ctx, vals, rebuild)
	})
}
