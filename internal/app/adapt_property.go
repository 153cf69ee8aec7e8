package app

import (
	"context"
	"fmt"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/property"
	"shequ/internal/rating"
	"shequ/internal/request"
	"shequ/internal/request/stats"
	"shequ/internal/resident"
)

// wireProperty connects the property slice: handling units from the
// request catalogue, property requests filed through the request slice
// and routed back to the compound's company, the 三率 of a company's unit,
// and the residents' ratings of a compound's property service (kind
// "property", by verified residents of its community).
func wireProperty(p *property.Service, requests *request.Service, rates *stats.Service, ratings *rating.Service, residents *resident.Service) {
	p.Units = propertyUnits{requests}
	p.Requests = propertyRequests{requests}
	p.Rates = propertyRates{rates}
	p.Ratings = ratings
	requests.Router = propertyRouter{p}
	ratings.Register(property.RatingKind, func(ctx context.Context, id int64) (rating.Subject, error) {
		if pr := auth.From(ctx); pr != nil && pr.Role == auth.Resident {
			ok, err := residents.IsVerified(ctx, pr.UserID)
			if err != nil {
				return rating.Subject{}, err
			}
			if !ok {
				return rating.Subject{}, errs.NotFound("rating.subject_not_found", property.RatingKind, id)
			}
		}
		name, code, err := p.RatingSubject(ctx, id)
		if err != nil {
			return rating.Subject{}, err
		}
		return rating.Subject{Name: name, DivisionCode: code}, nil
	})
}

// propertyUnits names a handling unit a company is linked to.
type propertyUnits struct{ requests *request.Service }

func (u propertyUnits) UnitName(ctx context.Context, id int64) (string, error) {
	x, err := u.requests.Unit(ctx, id)
	if err != nil {
		return "", err
	}
	return x.Name, nil
}

// propertyUnitChoices lists the units of the caller's area and above for
// the company form.
func propertyUnitChoices(requests *request.Service) property.UnitChoices {
	return func(ctx context.Context) ([]property.UnitChoice, error) {
		us, err := requests.Units(ctx, "")
		if err != nil {
			return nil, err
		}
		out := make([]property.UnitChoice, 0, len(us))
		for _, u := range us {
			if u.Active {
				out = append(out, property.UnitChoice{ID: u.ID, Name: u.Name})
			}
		}
		return out, nil
	}
}

// PropertyCategory is the request category a property request from a
// compound is filed in.
const PropertyCategory = "property.service"

// propertyRequests files a resident's property request about a compound.
type propertyRequests struct{ requests *request.Service }

func (r propertyRequests) FileProperty(ctx context.Context, community string, compoundID int64, description string) (int64, string, error) {
	req, err := r.requests.Create(ctx, request.Intake{DivisionCode: community, CategoryCode: PropertyCategory, Description: description,
		CompoundID: compoundID})
	if err != nil {
		return 0, "", err
	}
	return req.ID, req.Title, nil
}

// propertyRouter sends a request in a property category about a compound
// to the unit of the compound's company.
type propertyRouter struct{ p *property.Service }

func (r propertyRouter) Route(ctx context.Context, in *request.Intake, category, parent string) (int64, error) {
	if in.CompoundID == 0 || (category != "property" && parent != "property") {
		return 0, nil
	}
	return r.p.RouteUnit(ctx, in.CompoundID, in.DivisionCode)
}

// propertyRates sums the monthly 三率 counts of units over a year, from
// the request slice's summary (twelve reads of a month's summary).
type propertyRates struct{ stats *stats.Service }

func (r propertyRates) UnitYear(ctx context.Context, code string, year int, units []int64) (map[int64]property.RequestCounts, error) {
	want := map[int64]bool{}
	for _, u := range units {
		want[u] = true
	}
	out := map[int64]property.RequestCounts{}
	now := r.stats.Now().In(calendar.China)
	for m := 1; m <= 12; m++ {
		if year == now.Year() && m > int(now.Month()) {
			break
		}
		st, err := r.stats.Rates(ctx, code, fmt.Sprintf("%04d-%02d", year, m), false)
		if err != nil {
			return nil, err
		}
		for _, row := range st.Units {
			if !want[row.UnitID] {
				continue
			}
			c := out[row.UnitID]
			c.Total += row.Total
			c.DueResponse += row.DueResponse
			c.RespondedOnTime += row.RespondedOnTime
			c.DueResolution += row.DueResolution
			c.ResolvedOnTime += row.ResolvedOnTime
			c.ValidCallbacks += row.ValidCallbacks
			c.Satisfied += row.Satisfied
			c.Basically += row.Basically
			out[row.UnitID] = c
		}
	}
	return out, nil
}
