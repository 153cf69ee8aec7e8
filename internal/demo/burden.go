package demo

import (
	"context"

	"shequ/internal/burden"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/pii"
	"shequ/internal/request"
)

// demoUnits reads the request catalogue's units for the burden lists.
type demoUnits struct{ s *request.Service }

func (d demoUnits) MyUnit(context.Context) (*burden.Unit, error) { return nil, nil }

func (d demoUnits) Units(ctx context.Context, code string) ([]burden.Unit, error) {
	us, err := d.s.Units(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]burden.Unit, 0, len(us))
	for _, u := range us {
		out = append(out, burden.Unit{ID: u.ID, Name: u.Name, DivisionCode: u.DivisionCode})
	}
	return out, nil
}

// burdenLists seeds the demo accounts' county's 社区减负 lists (work items
// with their departments, proofs, seal uses). ctx acts as the system.
func (b *Builder) burdenLists(ctx context.Context, accs []Account) error {
	for _, a := range accs {
		if a.Role != auth.Resident {
			continue
		}
		keys, _ := b.Users.Secrets.(*pii.Ring)
		s := burden.NewService(b.DB, b.Audit)
		s.Units = demoUnits{request.NewService(b.DB, b.Audit, keys, nil, nil)}
		n, err := s.Seed(ctx, division.Code(a.Area).County())
		if err != nil {
			return err
		}
		b.say("seeded %d items of the community burden lists\n", n)
		return nil
	}
	return nil
}
