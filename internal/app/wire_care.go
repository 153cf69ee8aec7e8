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

// NewCare builds the visits service over the app's database, the people
// registry and the requests slice (a visit's follow-up opens a request);
// tests use it to drive the monthly job with their clock.
func NewCare(a *App) *care.Service {
	s := care.NewService(a.DB, a.Audit, a.Keys, CarePeople(person.NewService(a.DB, a.Audit, a.Keys)))
	s.Requests = CareRequests(NewRequests(a))
	return s
}

// Monthly visits: tasks made by the monthly job, visits recorded from the
// (offline-capable) form and the API, the visit rate as two measures, and
// a follow-up found at a visit opened as a request (CareRequests).
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := NewCare(a)
		a.Measures.Register(care.Measures...)
		a.Jobs.Every(care.JobName, time.Hour, func(ctx context.Context) error {
			_, err := s.RunMonthly(SystemContext(ctx))
			return err
		})
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
	})
}
