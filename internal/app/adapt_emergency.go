package app

import (
	"context"
	"time"

	"shequ/internal/community"
	"shequ/internal/emergency"
	"shequ/internal/facility"
	"shequ/internal/notify"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
)

// emergencyPeople gives an alert the vulnerable people of its area from
// the people registry (elderly living alone, elderly unable to care for
// themselves, people with disabilities), read with the sender's principal.
type emergencyPeople struct{ persons *person.Service }

func (p emergencyPeople) Vulnerable(ctx context.Context, lo, hi string, on time.Time) ([]emergency.VulnerablePerson, error) {
	vs, err := p.persons.Vulnerable(ctx, lo, hi, on)
	if err != nil {
		return nil, err
	}
	out := make([]emergency.VulnerablePerson, len(vs))
	for i, v := range vs {
		out[i] = emergency.VulnerablePerson{ID: v.ID, Name: v.Name, CommunityCode: v.CommunityCode, Reason: v.Reason}
	}
	return out, nil
}

// emergencyNotifier sends an alert's notices through the outbox, set-based.
type emergencyNotifier struct{ outbox *notify.Outbox }

func (n emergencyNotifier) ToRoleIn(ctx context.Context, role auth.Role, lo, hi string, x emergency.Notice) (int, int, error) {
	r, err := n.outbox.ToRoleIn(ctx, string(role), lo, hi, notify.Note{Key: x.Key, Args: x.Args, Object: "emergency_alert", ID: x.ID, Link: x.Link})
	return r.InApp, r.SMS, err
}

// emergencyShelters lists the facilities of kind emergency_shelter in use
// under [lo, hi] (lo is the division's own code), with their capacity.
type emergencyShelters struct{ facilities *facility.Service }

func (s emergencyShelters) Shelters(ctx context.Context, lo, hi string) ([]emergency.Shelter, error) {
	out := []emergency.Shelter{}
	for page, more := 1, true; more; page++ {
		var fs []facility.Facility
		var err error
		fs, more, err = s.facilities.List(ctx, facility.Filter{Kind: "emergency_shelter", Status: facility.InUse, Division: lo}, page, 200)
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			if f.DivisionCode <= hi {
				out = append(out, emergency.Shelter{ID: f.ID, CommunityCode: f.DivisionCode, Name: f.Name, Address: f.Address, Capacity: int64(f.Capacity)})
			}
		}
	}
	return out, nil
}

// communityEmergencies gives the community page the current emergency
// plan's version and the shelters with their capacity (public facts).
type communityEmergencies struct{ emergencies *emergency.Service }

func (c communityEmergencies) Readiness(ctx context.Context, code string) (*community.Readiness, error) {
	plan, shelters, err := c.emergencies.Readiness(ctx, code)
	if err != nil {
		return nil, err
	}
	r := &community.Readiness{Shelters: make([]community.PageShelter, len(shelters))}
	if plan != nil {
		r.PlanVersion, r.PlanTitle = plan.Version, plan.Title
	}
	for i, s := range shelters {
		r.Shelters[i] = community.PageShelter{Name: s.Name, Address: s.Address, Capacity: s.Capacity}
	}
	return r, nil
}
