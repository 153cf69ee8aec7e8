package app

import (
	"context"
	"errors"
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

// projectRegistryMax bounds what one registry adds to the list, which is
// merged and paged in memory: 衡水's demo has 21,210 facilities in use, so
// the city's list needs more than the 20,000 it once stopped at (it left
// 1,210 out without a word). At 100,000 a list holds some 30 MB.
const projectRegistryMax = 100000

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

// errEnough stops a registry's rows at projectRegistryMax.
var errEnough = errors.New("enough rows")

func (r projectRegistries) Resources(ctx context.Context, code string) ([]project.Resource, error) {
	var out []project.Resource
	// Each registry read in one query, up to projectRegistryMax of each.
	if _, _, err := r.facilities.Each(ctx, facility.Filter{Division: code, Status: "in_use"}, projectRegistryMax, func(f *facility.Facility) error {
		out = append(out, project.Resource{Key: project.FromFacility + ":" + strconv.FormatInt(f.ID, 10), Source: project.FromFacility,
			DivisionCode: f.DivisionCode, DivisionName: f.DivisionName, Name: f.Name, Kind: "venue", Serves: facilityServes[f.Kind],
			Hours: f.Hours.String(), Capacity: int64(f.ActivityArea), Details: f.Address})
		return nil
	}); err != nil {
		return nil, err
	}
	n := len(out)
	if err := r.organizations.Each(ctx, organization.Filter{Division: code, Status: organization.Active}, func(o organization.Organization) error {
		if len(out)-n == projectRegistryMax {
			return errEnough
		}
		out = append(out, project.Resource{Key: project.FromOrganization + ":" + strconv.FormatInt(o.ID, 10), Source: project.FromOrganization,
			DivisionCode: o.DivisionCode, DivisionName: o.DivisionName, Name: o.Name, Kind: "services", Serves: organizationServes[o.Type],
			Capacity: o.FullTimeStaff})
		return nil
	}); err != nil && !errors.Is(err, errEnough) {
		return nil, err
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
