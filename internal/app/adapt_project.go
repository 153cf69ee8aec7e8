package app

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/facility"
	"shequ/internal/organization"
	"shequ/internal/person"
	"shequ/internal/project"
	"shequ/internal/request"
	"shequ/internal/residentunit"
	"shequ/internal/volunteer"
)

// projectPeople counts a people-registry group in a community for the
// three lists, from the person slice's measures (counts only, never names;
// the lists check that the community is in the caller's area first).
type projectPeople struct{ persons *person.Service }

// projectGroupMeasures maps the groups the person slice counts to their
// measures.
var projectGroupMeasures = map[string]string{
	person.GroupElderly:    person.ElderlySpecial,
	person.GroupLeftBehind: person.LeftBehindChildren,
	person.GroupDisability: person.PeopleWithDisability,
}

func (p projectPeople) CountGroup(ctx context.Context, code, group string) (int, bool, error) {
	key, ok := projectGroupMeasures[group]
	if !ok {
		return 0, false, nil
	}
	t, err := p.persons.Measures.Totals(ctx, []string{key}, []string{code})
	if err != nil {
		return 0, false, err
	}
	return int(t[code][key]), true, nil
}

// projectRegistries reads the resources the registries hold for the
// merged resource list, as the caller (each registry applies its own area
// rule): facilities in use with their hours, active social organisations,
// volunteer organisations and teams, and the resources resident units open
// (the residentunit registry; their keys "unit:<id>" are its resource ids).
type projectRegistries struct {
	facilities    *facility.Service
	organizations *organization.Service
	volunteers    *volunteer.Service
	units         *residentunit.Service
}

// projectRegistryMax bounds what one registry adds to the list (a city
// has some thousands of facilities; the list pages through them in memory).
const projectRegistryMax = 20000

// facilityServes maps facility kinds to the kind of need they suit (” any).
var facilityServes = map[string]string{
	"home_elderly_care": "elderly_care", "health_station": "elderly_care", "childcare": "childcare", "culture": "culture_sport",
	"sport_fitness": "culture_sport", "emergency_shelter": "safety", "police_room": "safety",
}

// organizationServes maps organisation types to the kind of need they suit.
var organizationServes = map[string]string{
	"elderly_service": "elderly_care", "culture_sport": "culture_sport", "disabled_persons_association": "disability",
	"rural_technical_service": "employment",
}

func (r projectRegistries) Resources(ctx context.Context, code string) ([]project.Resource, error) {
	var out []project.Resource
	// Page by page, up to projectRegistryMax of each registry.
	for page, more := 1, true; more && len(out) < projectRegistryMax; page++ {
		fs, m, err := r.facilities.List(ctx, facility.Filter{Division: code, Status: "in_use"}, page, 200)
		if err != nil {
			return nil, err
		}
		more = m
		for _, f := range fs {
			out = append(out, project.Resource{Key: project.FromFacility + ":" + strconv.FormatInt(f.ID, 10), Source: project.FromFacility,
				DivisionCode: f.DivisionCode, DivisionName: f.DivisionName, Name: f.Name, Kind: "venue", Serves: facilityServes[f.Kind],
				Hours: f.Hours.String(), Capacity: int64(f.ActivityArea), Details: f.Address})
		}
	}
	n := len(out)
	for page, more := 1, true; more && len(out)-n < projectRegistryMax; page++ {
		os, m, err := r.organizations.List(ctx, organization.Filter{Division: code, Status: organization.Active, Page: page, PerPage: 200})
		if err != nil {
			return nil, err
		}
		more = m
		for _, o := range os {
			out = append(out, project.Resource{Key: project.FromOrganization + ":" + strconv.FormatInt(o.ID, 10), Source: project.FromOrganization,
				DivisionCode: o.DivisionCode, DivisionName: o.DivisionName, Name: o.Name, Kind: "services", Serves: organizationServes[o.Type],
				Capacity: o.FullTimeStaff})
		}
	}
	us, err := r.units.Open(ctx, code)
	if err != nil {
		return nil, err
	}
	for i, u := range us {
		if i == projectRegistryMax {
			break
		}
		out = append(out, project.Resource{Key: project.FromUnit + ":" + strconv.FormatInt(u.ID, 10), Source: project.FromUnit,
			DivisionCode: u.DivisionCode, DivisionName: u.DivisionName, Name: u.Name, Kind: u.Kind, Serves: u.Serves, Unit: u.Unit,
			Contact: u.Contact, Hours: u.Hours, Capacity: u.Capacity, Details: u.Details})
	}
	vs, err := r.volunteers.Orgs(ctx, code)
	if err != nil {
		return nil, err
	}
	for i, v := range vs {
		if i == projectRegistryMax {
			break
		}
		out = append(out, project.Resource{Key: project.FromTeam + ":" + strconv.FormatInt(v.ID, 10), Source: project.FromTeam,
			DivisionCode: v.DivisionCode, DivisionName: v.DivisionName, Name: v.Name, Kind: "services", Capacity: int64(v.Members)})
	}
	return out, nil
}

// projectRequests reads the recurring request categories for the three
// lists through the request store (request.Store.Recurring, the proactive
// alerts' query).
type projectRequests struct{ requests *request.Service }

func (r projectRequests) Recurring(ctx context.Context, lo, hi string, since time.Time, least int) ([]project.RecurringCategory, error) {
	as, err := r.requests.Store.Recurring(ctx, since, lo, hi, int64(least))
	if err != nil {
		return nil, err
	}
	out := make([]project.RecurringCategory, 0, len(as))
	for _, a := range as {
		out = append(out, project.RecurringCategory{DivisionCode: a.DivisionCode, Category: a.CategoryCode, Name: a.CategoryName, Requests: int(a.Count)})
	}
	return out, nil
}
