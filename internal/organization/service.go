package organization

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Who may do what in this slice.
var (
	// ReadRoles may list and read organisations in their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles may create, change, deregister and import them.
	EditRoles = auth.OfficeStaff()
)

// Service holds the rules of the organisation registry.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Now      func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Measures: &measure.Store{DB: d}, Now: time.Now}
}

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

// List returns one page of the organisations the filter selects inside the
// caller's area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Organization, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f)
}

// Each calls fn for every organisation the filter selects inside the
// caller's area, by division and name, in one query (Export's rows; what
// reads them all without paging). Errors: EINVALID, EFORBIDDEN.
func (s *Service) Each(ctx context.Context, f Filter, fn func(Organization) error) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	return s.Store.each(ctx, f, fn)
}

// Get returns an organisation. One outside the caller's area answers
// ENOTFOUND and the refusal is audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*Organization, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.get(ctx, id, "organization.read")
}

func (s *Service) get(ctx context.Context, id int64, action string) (*Organization, error) {
	o, err := s.Store.get(ctx, id)
	return o, s.Audit.RefusedOutside(ctx, err, action, "organization", id, s.Store.exists)
}

// flat renders an organisation for the audit log.
func flat(o *Organization) map[string]string {
	return map[string]string{
		"division_code":       o.DivisionCode,
		"name":                o.Name,
		"registration":        o.Registration,
		"registration_number": o.RegistrationNumber,
		"type":                o.Type,
		"full_time_staff":     strconv.FormatInt(o.FullTimeStaff, 10),
		"incubation_base":     strconv.FormatBool(o.IncubationBase),
		"status":              o.Status,
		"deregistered_on":     o.DeregisteredOn,
	}
}

func diff(before, after *Organization) (map[string]string, map[string]string) {
	return audit.Changes(flat(before), flat(after))
}

// checkDivision returns the level of a division inside the caller's area,
// adding a field error when it is not one.
func (s *Service) checkDivision(ctx context.Context, code string, bad *errs.Fields) (int, error) {
	if code == "" {
		return 0, nil
	}
	level, err := s.Store.division(ctx, code)
	return level, bad.Missing(err, "division_code", "organization.division_not_found", code)
}

// Create adds an organisation. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Create(ctx context.Context, p OrganizationPatch) (*Organization, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		o := p.apply(Organization{}, s.today())
		bad := o.validate(s.today())
		level, err := s.checkDivision(ctx, o.DivisionCode, &bad)
		if err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		if id, err = s.Store.insert(ctx, &o, auth.From(ctx).Name, now); err != nil {
			return err
		}
		if err := s.refresh(ctx, map[string]int{o.DivisionCode: level}); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "organization.create", ObjectType: "organization", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": flat(&o)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Update changes an organisation; setting its status to deregistered
// closes it. Errors: EINVALID, ECONFLICT (version), ENOTFOUND, EFORBIDDEN.
func (s *Service) Update(ctx context.Context, id int64, p OrganizationPatch) (*Organization, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.get(ctx, id, "organization.update")
		if err != nil {
			return err
		}
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(*before, s.today())
		bad := after.validate(s.today())
		oldLevel, err := s.Store.division(ctx, before.DivisionCode)
		if err != nil {
			return err
		}
		newLevel := oldLevel
		if after.DivisionCode != before.DivisionCode {
			if newLevel, err = s.checkDivision(ctx, after.DivisionCode, &bad); err != nil {
				return err
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := diff(before, &after)
		if len(a) == 0 {
			return nil
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		if err := s.Store.update(ctx, &after, before.Version, auth.From(ctx).Name, now); err != nil {
			return err
		}
		if err := s.refresh(ctx, map[string]int{before.DivisionCode: oldLevel, after.DivisionCode: newLevel}); err != nil {
			return err
		}
		action := "organization.update"
		if before.Status == Active && after.Status == Deregistered {
			action = "organization.deregister"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "organization", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Deregister closes an organisation on a day (today when empty). Errors
// as Update.
func (s *Service) Deregister(ctx context.Context, id int64, on string, version *int) (*Organization, error) {
	st := Deregistered
	return s.Update(ctx, id, OrganizationPatch{Status: &st, DeregisteredOn: &on, Version: version})
}

// Load adds many organisations in one transaction, checks each as Create
// does, rebuilds this slice's measures and writes one audit record. Only
// the system (the CLI, the demo) may load. Errors: EINVALID (naming the
// organisation's position as its row), EFORBIDDEN.
func (s *Service) Load(ctx context.Context, orgs []OrganizationPatch) error {
	if _, err := auth.Require(ctx); err != nil {
		return err
	}
	today := s.today()
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		now := s.Now().UTC().Truncate(time.Microsecond)
		for i, p := range orgs {
			o := p.apply(Organization{}, today)
			if bad := o.validate(today); len(bad) > 0 {
				for j := range bad {
					bad[j].Row = i + 1
				}
				return bad.Err()
			}
			if _, err := s.Store.insert(ctx, &o, "demo", now); err != nil {
				return err
			}
		}
		if err := s.Reconcile(ctx, true); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "organization.load", ObjectType: "organization", ObjectID: "*",
			Detail: map[string]int{"organizations": len(orgs)}})
	})
}
