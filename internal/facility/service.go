package facility

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Service holds the registry's rules.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Now      func() time.Time
	// ExportMax caps an export's rows (DefaultExportMax when 0).
	ExportMax int
}

// DefaultExportMax is the most rows one export holds.
const DefaultExportMax = 100000

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Measures: &measure.Store{DB: d}, Now: time.Now}
}

// SavedFacility is a facility after a write, with the rules it only warns about.
type SavedFacility struct {
	Facility *Facility `json:"facility"`
	Warnings []string  `json:"warnings" doc:"translated advice that did not block the write"`
	warnKeys []string
}

// WarningKeys are the translation keys of the warnings.
func (s *SavedFacility) WarningKeys() []string { return s.warnKeys }

// scope is the code range to read: the caller's area, narrowed to the
// filter's division when that lies inside it. A filter division outside
// the area answers ENOTFOUND.
func (s *Service) scope(ctx context.Context, f *Filter) (string, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", "", err
	}
	if f.Division == "" {
		return lo, hi, nil
	}
	if !division.ValidCode(f.Division) {
		return "", "", errs.Invalid(errs.Field("division", "division.code_format"))
	}
	if f.Division < lo || f.Division > hi {
		return "", "", errs.NotFound("facility.division_not_found", f.Division)
	}
	flo, fhi := auth.AreaOf(f.Division, division.LevelFromCode(f.Division)).Range()
	return flo, fhi, nil
}

// check validates a filter's enumerations.
func (f *Filter) check() error {
	var bad errs.Fields
	bad.OneOf("kind", f.Kind, Kinds)
	bad.OneOf("status", f.Status, Statuses)
	bad.MaxLen("q", f.Q, 50)
	return bad.Err()
}

// List reads a page of the facilities inside the caller's area that the
// filter selects. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID, ENOTFOUND.
func (s *Service) List(ctx context.Context, f Filter, page, perPage int) ([]Facility, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	lo, hi, err := s.scope(ctx, &f)
	if err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.List(ctx, f, lo, hi, page, perPage)
}

// Each calls fn for every facility the filter selects inside the caller's
// area, in id order, at most max of them, in one query (what reads them
// all, where paging through List would cost a query, and an offset, a
// page); it says how many and whether it cut. Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID, ENOTFOUND.
func (s *Service) Each(ctx context.Context, f Filter, max int, fn func(*Facility) error) (int, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return 0, false, err
	}
	if err := f.check(); err != nil {
		return 0, false, err
	}
	lo, hi, err := s.scope(ctx, &f)
	if err != nil {
		return 0, false, err
	}
	return s.Store.Each(ctx, f, lo, hi, max, fn)
}

// Get reads one facility inside the caller's area; one outside answers
// ENOTFOUND and the refusal is audited. Errors: EUNAUTHORIZED,
// EFORBIDDEN, ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (*Facility, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.get(ctx, id, false)
}

func (s *Service) get(ctx context.Context, id int64, lock bool) (*Facility, error) {
	f, err := s.Store.Get(ctx, id, lock)
	return f, s.Audit.RefusedOutside(ctx, err, "facility.read", "facility", id, s.Store.Exists)
}

// placeFor checks that a facility's division is a township or community
// inside the caller's area.
func (s *Service) placeFor(ctx context.Context, code string) (*place, error) {
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division_code", "division.code_format"))
	}
	p, err := s.Store.Place(ctx, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, errs.Invalid(errs.Field("division_code", "facility.division_outside"))
	}
	if err != nil {
		return nil, err
	}
	if p.Level != division.Township && p.Level != division.Community {
		return nil, errs.Invalid(errs.Field("division_code", "facility.division_level"))
	}
	return p, nil
}

func (s *Service) today() string { return s.Now().In(calendar.China).Format("2006-01-02") }

// prepare fills defaults, validates and checks the division; it returns
// the division's place.
func (s *Service) prepare(ctx context.Context, f *Facility, wasClosed bool) (*place, error) {
	if f.Status == "" {
		f.Status = InUse
	}
	if f.Status == Closed && !wasClosed && f.ClosedOn == "" {
		f.ClosedOn = s.today()
	}
	verr := f.Validate(s.Now())
	var p *place
	var perr error
	if f.DivisionCode != "" {
		p, perr = s.placeFor(ctx, f.DivisionCode)
	}
	// Both kinds of problem are reported at once.
	if verr != nil || perr != nil {
		var fields []errs.FieldError
		for _, e := range []error{verr, perr} {
			if e == nil {
				continue
			}
			x := errs.As(e)
			if x.Code != errs.EINVALID {
				return nil, e
			}
			fields = append(fields, x.Fields...)
		}
		return nil, errs.Invalid(fields...)
	}
	return p, nil
}

// Create adds a facility serving a community or township inside the
// caller's area, updates the measures and writes the audit record in one
// transaction. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID.
func (s *Service) Create(ctx context.Context, in FacilityInput) (*SavedFacility, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var out *SavedFacility
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		f := in.Apply(Facility{})
		p, err := s.prepare(ctx, &f, false)
		if err != nil {
			return err
		}
		f.UpdatedBy = pr.Name
		if err := s.Store.Insert(ctx, &f, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		f.DivisionName = p.Name
		if err := s.Refresh(ctx, f.DivisionCode); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "facility.create", ObjectType: "facility", ObjectID: strconv.FormatInt(f.ID, 10),
			Detail: map[string]any{"after": flat(&f)}}); err != nil {
			return err
		}
		out = &SavedFacility{Facility: &f, warnKeys: f.Warnings(p.Kind)}
		return nil
	})
	return out, err
}

// Update changes a facility inside the caller's area (moving it only to
// another division inside the area), with the measures of both divisions
// and the audit record of what changed, in one transaction. Closing is a
// change of status to closed with a reason (the date defaults to today).
// Errors: EUNAUTHORIZED, EFORBIDDEN, ENOTFOUND, EINVALID, ECONFLICT.
func (s *Service) Update(ctx context.Context, id int64, in FacilityInput) (*SavedFacility, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	var out *SavedFacility
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.get(ctx, id, true)
		if err != nil {
			return err
		}
		if in.Version != nil && *in.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := in.Apply(*before)
		p, err := s.prepare(ctx, &after, before.Status == Closed)
		if err != nil {
			return err
		}
		b, a := audit.Changes(flat(before), flat(&after))
		if len(a) == 0 {
			out = &SavedFacility{Facility: before, warnKeys: before.Warnings(p.Kind)}
			return nil
		}
		after.UpdatedBy = pr.Name
		if err := s.Store.Update(ctx, &after, before.Version, s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		after.DivisionName = p.Name
		if err := s.Refresh(ctx, before.DivisionCode, after.DivisionCode); err != nil {
			return err
		}
		action := "facility.update"
		if after.Status == Closed && before.Status != Closed {
			action = "facility.close"
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "facility", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}}); err != nil {
			return err
		}
		out = &SavedFacility{Facility: &after, warnKeys: after.Warnings(p.Kind)}
		return nil
	})
	return out, err
}

// Close closes a facility: status closed, the date (today when empty) and
// the reason. Errors as Update.
func (s *Service) Close(ctx context.Context, id int64, on, reason string, version *int) (*SavedFacility, error) {
	st := Closed
	return s.Update(ctx, id, FacilityInput{Status: &st, ClosedOn: &on, CloseReason: &reason, Version: version})
}

// flat renders a facility as field → text, for audit and history.
func flat(f *Facility) map[string]string {
	m := map[string]string{
		"division_code": f.DivisionCode, "kind": f.Kind, "name": f.Name, "address": f.Address,
		"floor_area":      strconv.FormatFloat(f.FloorArea, 'f', -1, 64),
		"activity_area":   strconv.FormatFloat(f.ActivityArea, 'f', -1, 64),
		"commercial_area": strconv.FormatFloat(f.CommercialArea, 'f', -1, 64),
		"status":          f.Status, "year_opened": strconv.Itoa(f.YearOpened),
		"newly_built": strconv.FormatBool(f.NewlyBuilt), "online_24h": strconv.FormatBool(f.Online24h),
		"barrier_free": strconv.FormatBool(f.BarrierFree), "age_friendly": strconv.FormatBool(f.AgeFriendly),
		"fitness_circle": strconv.FormatBool(f.FitnessCircle), "terminals": strconv.Itoa(f.Terminals), "capacity": strconv.Itoa(f.Capacity),
		"closed_on": f.ClosedOn, "close_reason": f.CloseReason,
	}
	for i, d := range f.Hours {
		m["hours_"+Weekdays[i]] = d
	}
	return m
}
