package app

import (
	"context"
	"time"

	"shequ/internal/care"
	"shequ/internal/person"
)

// CarePeople gives the visits slice the current members of the elderly
// group from the people registry.
func CarePeople(p *person.Service) care.People {
	return care.PeopleFunc(func(ctx context.Context, lo, hi string, on time.Time) ([]care.Person, error) {
		ms, err := p.Members(ctx, person.GroupElderly, lo, hi, on)
		if err != nil {
			return nil, err
		}
		out := make([]care.Person, len(ms))
		for i, m := range ms {
			out[i] = care.Person{ID: m.ID, Name: m.Name, CommunityCode: m.CommunityCode}
		}
		return out, nil
	})
}
