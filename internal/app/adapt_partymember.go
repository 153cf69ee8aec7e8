package app

import (
	"context"

	"shequ/internal/division"

	"shequ/internal/partymember"
	"shequ/internal/residentunit"
)

// partyUnits reads the resident-unit registry for Party members' work
// units. A member works anywhere in the city, and a resident registering
// themselves may not read the registry: the units' names (public facts
// about organisations, no personal data) are read as the system, those of
// the county of the member's community offered on the form.
type partyUnits struct{ units *residentunit.Service }

func (p partyUnits) UnitName(ctx context.Context, id int64) (string, string, error) {
	u, err := p.units.Get(SystemContext(ctx), id)
	if err != nil {
		return "", "", err
	}
	return u.Name, u.DivisionCode, nil
}

func (p partyUnits) UnitsIn(ctx context.Context, code string) ([]partymember.UnitChoice, error) {
	us, _, err := p.units.List(SystemContext(ctx), residentunit.Filter{Division: string(division.Code(code).County()), PerPage: 200, Page: 1})
	if err != nil {
		return nil, err
	}
	out := make([]partymember.UnitChoice, 0, len(us))
	for _, u := range us {
		out = append(out, partymember.UnitChoice{ID: u.ID, Name: u.Name})
	}
	return out, nil
}
