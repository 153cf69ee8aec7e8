package request

import (
	"context"

	"shequ/internal/platform/errs"
)

// Router names the unit a new request goes to before the category's rule
// does: the property slice sends a request in a property category about a
// compound (Intake.CompoundID) to the compound's company. It returns 0
// when it has no unit for the request; an EINVALID refuses the request
// (a compound of another community). Set in internal/app; may be nil.
type Router interface {
	Route(ctx context.Context, in *Intake, category, parent string) (unitID int64, err error)
}

// route asks the Router for a unit; nil when there is none, or when the
// unit it names is gone or inactive (the rule then applies).
func (s *Service) route(ctx context.Context, in *Intake, cat *Category) (*Unit, error) {
	if s.Router == nil {
		return nil, nil
	}
	id, err := s.Router.Route(ctx, in, cat.Code, cat.ParentCode)
	if err != nil || id == 0 {
		return nil, err
	}
	u, err := s.Store.unit(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && !u.Active) {
		return nil, nil
	}
	return u, err
}

// Unit returns a handling unit by id, for staff linking a unit to another
// record (a property company). Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Unit(ctx context.Context, id int64) (*Unit, error) {
	if _, err := s.actor(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Store.unit(ctx, id)
}
