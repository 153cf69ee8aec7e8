package residentunit

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/upload"
)

// Who may do what in this slice.
var (
	// ReadRoles may read the units of their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles record units, their agreements and resources.
	EditRoles = auth.OfficeStaff()
)

// CopyOwner owns the agreements' scanned copies in upload_blobs.
const CopyOwner = "residentunit.agreement"

// Service holds the rules of the resident-unit registry.
type Service struct {
	DB    *db.DB
	Store *Store
	Audit *audit.Log
	Keys  *pii.Ring
	Blobs *upload.Store
	// Copies is what an agreement's scanned copy may be.
	Copies upload.Config
	// Serves is the kinds of need a resource may suit (the three lists'
	// need kinds, set in internal/app); nil: not checked.
	Serves []string
	// ServesLabel is the message-key prefix of those kinds' names.
	ServesLabel string
	Now         func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Blobs: upload.NewStore(d),
		Copies: upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}, Now: time.Now}
}

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func (s *Service) seal(op, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	sealed, err := s.Keys.Seal(v)
	if err != nil {
		return "", errs.Internal(op+": seal contact", err)
	}
	return sealed, nil
}

func (s *Service) open(op, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	v, err := s.Keys.Open(sealed)
	if err != nil {
		return "", errs.Internal(op+": open contact", err)
	}
	return v, nil
}

// unit reads a unit in the caller's area; one outside it answers
// ENOTFOUND and the refusal is audited under action.
func (s *Service) unit(ctx context.Context, id int64, action string) (*ResidentUnit, string, error) {
	u, sealed, err := s.Store.unit(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "resident_units", id) {
		s.Audit.Refused(ctx, action, "resident_unit", id, audit.OutsideArea)
	}
	return u, sealed, err
}

// List returns one page of the units the filter selects in the caller's
// area (without contacts). Errors: EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]ResidentUnit, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	out := []ResidentUnit{}
	more, err := s.Store.list(ctx, f, func(u *ResidentUnit, _ string) error {
		out = append(out, *u)
		return nil
	})
	return out, more, err
}

// UnitDetail is a unit with its agreements and resources.
type UnitDetail struct {
	ResidentUnit
	AgreementList []UnitAgreement `json:"agreement_list"`
	ResourceList  []UnitResource  `json:"resource_list"`
}

// Get reads a unit with its agreements and resources; the contacts are
// opened. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*UnitDetail, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	u, sealed, err := s.unit(ctx, id, "residentunit.read")
	if err != nil {
		return nil, err
	}
	if u.Contact, err = s.open("residentunit.Service.Get", sealed); err != nil {
		return nil, err
	}
	d := &UnitDetail{ResidentUnit: *u, ResourceList: []UnitResource{}}
	if d.AgreementList, err = s.Store.agreements(ctx, id, s.today()); err != nil {
		return nil, err
	}
	err = s.Store.resources(ctx, id, "", func(r *UnitResource, sealed string) error {
		var err error
		r.Contact, err = s.open("residentunit.Service.Get", sealed)
		d.ResourceList = append(d.ResourceList, *r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// Create records a unit. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Create(ctx context.Context, in ResidentUnitInput) (*UnitDetail, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.validate()
		if len(bad) == 0 {
			_, err := s.Store.divisionName(ctx, in.DivisionCode)
			if err := bad.Missing(err, "division_code", "residentunit.division_not_found", in.DivisionCode); err != nil {
				return err
			}
		}
		if len(bad) == 0 {
			taken, err := s.Store.nameTaken(ctx, in.DivisionCode, in.Name)
			if err != nil {
				return err
			}
			if taken {
				bad.Add("name", "residentunit.name_taken")
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		sealed, err := s.seal("residentunit.Service.Create", in.Contact)
		if err != nil {
			return err
		}
		if id, err = s.Store.insertUnit(ctx, &in, sealed, auth.From(ctx).Name, s.now()); err != nil {
			return err
		}
		// The contact is not written to the audit log: it may be a
		// person's phone.
		return s.Audit.Write(ctx, audit.Entry{Action: "residentunit.create", ObjectType: "resident_unit", ObjectID: idString(id),
			Detail: map[string]any{"division_code": in.DivisionCode, "name": in.Name, "kind": in.Kind, "address": in.Address}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// AddAgreement records an agreement with a unit, with an optional scanned
// copy (a checked image). Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddAgreement(ctx context.Context, unitID int64, in UnitAgreementInput, copy *upload.File) (*UnitAgreement, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		u, _, err := s.unit(ctx, unitID, "residentunit.agreement.add")
		if err != nil {
			return err
		}
		if err := in.validate().Err(); err != nil {
			return err
		}
		var blob *int64
		if copy != nil {
			b, err := s.Blobs.Put(ctx, CopyOwner, u.DivisionCode, copy)
			if err != nil {
				return err
			}
			blob = &b
		}
		if id, err = s.Store.insertAgreement(ctx, unitID, &in, blob, auth.From(ctx).Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "residentunit.agreement.add", ObjectType: "resident_unit", ObjectID: idString(unitID),
			Detail: map[string]any{"agreement": id, "title": in.Title, "signed_on": in.SignedOn, "starts_on": in.StartsOn,
				"ends_on": in.EndsOn, "copy": blob != nil}})
	})
	if err != nil {
		return nil, err
	}
	as, err := s.Store.agreements(ctx, unitID, s.today())
	if err != nil {
		return nil, err
	}
	for i := range as {
		if as[i].ID == id {
			return &as[i], nil
		}
	}
	return nil, errs.NotFound("residentunit.agreement_not_found", id)
}

// AgreementCopy reads an agreement's scanned copy. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) AgreementCopy(ctx context.Context, unitID, id int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, _, err := s.unit(ctx, unitID, "residentunit.read"); err != nil {
		return nil, err
	}
	as, err := s.Store.agreements(ctx, unitID, s.today())
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.ID == id && a.copyBlob != nil {
			return s.Blobs.Get(ctx, CopyOwner, *a.copyBlob)
		}
	}
	return nil, errs.NotFound("residentunit.agreement_not_found", id)
}

// AddResource records a resource a unit opens to residents. Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddResource(ctx context.Context, unitID int64, in UnitResourceInput) (*UnitResource, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		u, _, err := s.unit(ctx, unitID, "residentunit.resource.add")
		if err != nil {
			return err
		}
		if err := in.validate(s.Serves).Err(); err != nil {
			return err
		}
		sealed, err := s.seal("residentunit.Service.AddResource", in.Contact)
		if err != nil {
			return err
		}
		if id, err = s.Store.insertResource(ctx, u, &in, sealed, auth.From(ctx).Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "residentunit.resource.add", ObjectType: "resident_unit", ObjectID: idString(unitID),
			Detail: map[string]any{"resource": id, "name": in.Name, "kind": in.Kind, "serves": in.Serves, "hours": in.Hours,
				"capacity": in.Capacity}})
	})
	if err != nil {
		return nil, err
	}
	r, err := s.Store.resource(ctx, unitID, id)
	if err != nil {
		return nil, err
	}
	r.Contact = in.Contact
	return r, nil
}

// WithdrawResource takes a resource off (the unit no longer opens it);
// needs the three lists matched to it keep their record. Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) WithdrawResource(ctx context.Context, unitID, id int64, reason string) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	var bad errs.Fields
	text(&bad, "reason", reason, 500, false)
	if err := bad.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.resource(ctx, unitID, id)
		if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, "resident_unit_resources", id) {
			s.Audit.Refused(ctx, "residentunit.resource.withdraw", "resident_unit_resource", id, audit.OutsideArea)
		}
		if err != nil {
			return err
		}
		if err := s.Store.withdrawResource(ctx, id); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "residentunit.resource.withdraw", ObjectType: "resident_unit", ObjectID: idString(unitID),
			Detail: map[string]any{"resource": id, "name": r.Name, "reason": reason}})
	})
}

// Open lists the resources open now at or under a division inside the
// caller's area, contacts opened: what the three lists show.
// Errors: EFORBIDDEN.
func (s *Service) Open(ctx context.Context, code string) ([]UnitResource, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	var out []UnitResource
	err := s.Store.resources(ctx, 0, code, func(r *UnitResource, sealed string) error {
		var err error
		r.Contact, err = s.open("residentunit.Service.Open", sealed)
		out = append(out, *r)
		return err
	})
	return out, err
}
