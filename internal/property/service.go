package property

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
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// ReadRoles may list and read companies, compounds and committees.
	ReadRoles = auth.AreaStaff()
	// EditRoles keep them: community, township, county and city staff.
	EditRoles = auth.OfficeStaff()
	// ScoreRoles read the companies' yearly scores (the township
	// supervises, the county ranks).
	ScoreRoles = auth.OfficeStaff()
)

// Units names a handling unit of the request catalogue (package request,
// adapted in internal/app); ENOTFOUND when there is none.
type Units interface {
	UnitName(ctx context.Context, id int64) (string, error)
}

// Requests files a property request of a resident about a compound
// (package request, which routes it to the compound's company).
type Requests interface {
	FileProperty(ctx context.Context, community string, compoundID int64, description string) (id int64, title string, err error)
}

// Service holds the rules of property management.
type Service struct {
	DB    *db.DB
	Store *Store
	Audit *audit.Log
	Keys  *pii.Ring
	Now   func() time.Time
	// Units, Requests, Rates and Ratings are set in internal/app.
	Units    Units
	Requests Requests
	Rates    RequestRates
	Ratings  Ratings
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Now: time.Now}
}

// Today is the date in China.
func (s *Service) Today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) stamp() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// refused audits a read or write of a record outside the caller's area.
func (s *Service) refused(ctx context.Context, err error, action, table, object string, id int64) error {
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, table, id) {
		s.Audit.Refused(ctx, action, object, id, audit.OutsideArea)
	}
	return err
}

// Companies.

// open unseals a company's contact; whole shows it unmasked.
func (s *Service) open(c *sealedCompany, whole bool) PropertyCompany {
	out := c.PropertyCompany
	out.Contact, _ = s.Keys.Open(c.contactSealed)
	out.Phone, _ = s.Keys.Open(c.phoneSealed)
	if !whole {
		out.Contact, out.Phone = pii.MaskName(out.Contact), pii.Mask(out.Phone)
	}
	return out
}

// ListCompanies returns a page of the companies visible to the caller
// (registered in its area or above it), contacts masked; q matches a
// name, an exact credit code or an exact phone. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) ListCompanies(ctx context.Context, f Filter) ([]PropertyCompany, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	rows, more, err := s.Store.companies(ctx, f, s.phoneIndex(f.Q))
	if err != nil {
		return nil, false, err
	}
	out := make([]PropertyCompany, len(rows))
	for i := range rows {
		out[i] = s.open(&rows[i], false)
	}
	return out, more, nil
}

func (s *Service) phoneIndex(q string) string {
	if q == "" || !validPhone(q) {
		return ""
	}
	return s.Keys.Index(q)
}

// GetCompany returns a company, its contact masked. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) GetCompany(ctx context.Context, id int64) (*PropertyCompany, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	c, err := s.Store.company(ctx, id, false)
	if err != nil {
		return nil, s.refused(ctx, err, "property.company.read", "property_companies", "property_company", id)
	}
	out := s.open(c, false)
	return &out, nil
}

// CompanyContact returns a company of the caller's area with its contact
// whole, and audits the view. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) CompanyContact(ctx context.Context, id int64) (*PropertyCompany, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	c, err := s.Store.company(ctx, id, true)
	if err != nil {
		return nil, s.refused(ctx, err, "property.company.contact", "property_companies", "property_company", id)
	}
	if err := s.Audit.Write(ctx, audit.Entry{Action: "property.company.contact", ObjectType: "property_company", ObjectID: idStr(id),
		Detail: map[string]any{"fields": []string{"contact", "phone"}}}); err != nil {
		return nil, err
	}
	out := s.open(c, true)
	return &out, nil
}

func flatCompany(c *PropertyCompany) map[string]string {
	return map[string]string{"division_code": c.DivisionCode, "name": c.Name, "credit_code": c.CreditCode,
		"unit_id": strconv.FormatInt(c.UnitID, 10)}
}

// checkCompany checks a company's division (in the caller's area), its
// credit code (not another company's) and its unit.
func (s *Service) checkCompany(ctx context.Context, c *PropertyCompany, bad *errs.Fields) error {
	if c.DivisionCode != "" {
		if _, err := s.Store.divisionLevel(ctx, c.DivisionCode); errs.Code(err) == errs.ENOTFOUND {
			bad.Add("division_code", "property.division_not_found", c.DivisionCode)
		} else if err != nil {
			return err
		}
	}
	if ValidCreditCode(c.CreditCode) {
		taken, err := s.Store.creditCodeTaken(ctx, c.CreditCode, c.ID)
		if err != nil {
			return err
		}
		if taken {
			bad.Add("credit_code", "property.credit_code_taken")
		}
	}
	if c.UnitID > 0 {
		if s.Units == nil {
			bad.Add("unit_id", "property.unit_not_found")
			return nil
		}
		name, err := s.Units.UnitName(ctx, c.UnitID)
		if errs.Code(err) == errs.ENOTFOUND {
			bad.Add("unit_id", "property.unit_not_found")
		} else if err != nil {
			return err
		}
		c.UnitName = name
	}
	return nil
}

func (s *Service) seal(c *PropertyCompany) (contact, phone, index string, err error) {
	if contact, err = s.Keys.Seal(c.Contact); err != nil {
		return "", "", "", errs.Internal("property.Service.seal: contact", err)
	}
	if phone, err = s.Keys.Seal(c.Phone); err != nil {
		return "", "", "", errs.Internal("property.Service.seal: phone", err)
	}
	return contact, phone, s.Keys.Index(c.Phone), nil
}

// CreateCompany registers a property company. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) CreateCompany(ctx context.Context, p PropertyCompanyPatch) (*PropertyCompany, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c := p.apply(PropertyCompany{})
		var err error
		if id, err = s.insertCompany(ctx, &c, auth.From(ctx).Name); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.company.create", ObjectType: "property_company", ObjectID: idStr(id),
			Detail: map[string]any{"after": flatCompany(&c)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCompany(ctx, id)
}

// insertCompany checks and writes a new company.
func (s *Service) insertCompany(ctx context.Context, c *PropertyCompany, actor string) (int64, error) {
	bad := c.validate()
	if err := s.checkCompany(ctx, c, &bad); err != nil {
		return 0, err
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	contact, phone, index, err := s.seal(c)
	if err != nil {
		return 0, err
	}
	return s.Store.insertCompany(ctx, c, contact, phone, index, actor, s.stamp())
}

// UpdateCompany changes a company of the caller's area. Errors: EINVALID,
// ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateCompany(ctx context.Context, id int64, p PropertyCompanyPatch) (*PropertyCompany, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		sc, err := s.Store.company(ctx, id, true)
		if err != nil {
			return s.refused(ctx, err, "property.company.update", "property_companies", "property_company", id)
		}
		if p.Version != nil && *p.Version != sc.Version {
			return errs.Conflict("error.conflict")
		}
		before := s.open(sc, true)
		after := p.apply(before)
		bad := after.validate()
		if err := s.checkCompany(ctx, &after, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		contact, phone, index, err := s.seal(&after)
		if err != nil {
			return err
		}
		if err := s.Store.updateCompany(ctx, &after, contact, phone, index, before.Version, auth.From(ctx).Name, s.stamp()); err != nil {
			return err
		}
		b, a := changed(flatCompany(&before), flatCompany(&after))
		if before.Contact != after.Contact || before.Phone != after.Phone {
			a["contact"] = "changed" // the values stay out of the log
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.company.update", ObjectType: "property_company", ObjectID: idStr(id),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCompany(ctx, id)
}

// changed returns the fields that differ, before and after.
func changed(before, after map[string]string) (map[string]string, map[string]string) {
	b, a := map[string]string{}, map[string]string{}
	for k, v := range after {
		if before[k] != v {
			b[k], a[k] = before[k], v
		}
	}
	return b, a
}

// Compounds.

// ListCompounds returns a page of the compounds inside the caller's area;
// company, when not 0, those it serves. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ListCompounds(ctx context.Context, f Filter, company int64) ([]PropertyCompound, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.compounds(ctx, f, company)
}

// GetCompound returns a compound of the caller's area. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) GetCompound(ctx context.Context, id int64) (*PropertyCompound, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	c, err := s.Store.compound(ctx, id)
	if err != nil {
		return nil, s.refused(ctx, err, "property.compound.read", "property_compounds", "property_compound", id)
	}
	return c, nil
}

func flatCompound(c *PropertyCompound) map[string]string {
	return map[string]string{"community_code": c.CommunityCode, "name": c.Name, "address": c.Address,
		"households": strconv.FormatInt(c.Households, 10), "buildings": strconv.FormatInt(c.Buildings, 10), "management": c.Management,
		"company_id": strconv.FormatInt(c.CompanyID, 10), "contract_start": c.ContractStart, "contract_end": c.ContractEnd}
}

// checkCompound checks a compound's community (in the caller's area) and
// its company (one the caller sees).
func (s *Service) checkCompound(ctx context.Context, c *PropertyCompound, bad *errs.Fields) error {
	if division.ValidCode(c.CommunityCode) && division.LevelFromCode(c.CommunityCode) == division.Community {
		if _, err := s.Store.divisionLevel(ctx, c.CommunityCode); errs.Code(err) == errs.ENOTFOUND {
			bad.Add("community_code", "property.division_not_found", c.CommunityCode)
		} else if err != nil {
			return err
		}
	}
	if c.Management == ByCompany && c.CompanyID > 0 {
		co, err := s.Store.company(ctx, c.CompanyID, false)
		if errs.Code(err) == errs.ENOTFOUND {
			bad.Add("company_id", "property.company_not_found", c.CompanyID)
		} else if err != nil {
			return err
		} else {
			c.CompanyName = co.Name
		}
	}
	return nil
}

// CreateCompound registers a compound. Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateCompound(ctx context.Context, p PropertyCompoundPatch) (*PropertyCompound, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c := p.apply(PropertyCompound{})
		var err error
		if id, err = s.insertCompound(ctx, &c, auth.From(ctx).Name); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.compound.create", ObjectType: "property_compound", ObjectID: idStr(id),
			Detail: map[string]any{"after": flatCompound(&c)}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCompound(ctx, id)
}

func (s *Service) insertCompound(ctx context.Context, c *PropertyCompound, actor string) (int64, error) {
	bad := c.validate()
	if err := s.checkCompound(ctx, c, &bad); err != nil {
		return 0, err
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	return s.Store.insertCompound(ctx, c, actor, s.stamp())
}

// UpdateCompound changes a compound of the caller's area (its company,
// contract, figures). Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateCompound(ctx context.Context, id int64, p PropertyCompoundPatch) (*PropertyCompound, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		before, err := s.Store.compound(ctx, id)
		if err != nil {
			return s.refused(ctx, err, "property.compound.update", "property_compounds", "property_compound", id)
		}
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(*before)
		bad := after.validate()
		if err := s.checkCompound(ctx, &after, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := changed(flatCompound(before), flatCompound(&after))
		if len(a) == 0 {
			return nil
		}
		if err := s.Store.updateCompound(ctx, &after, before.Version, auth.From(ctx).Name, s.stamp()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "property.compound.update", ObjectType: "property_compound", ObjectID: idStr(id),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCompound(ctx, id)
}

// RatingSubject names a compound's property service for the rating slice:
// "company (compound)", or the compound alone when self-managed, and its
// community. Read without an area: the rating slice keeps a resident to
// the subjects of their own community.
func (s *Service) RatingSubject(ctx context.Context, id int64) (name, community string, err error) {
	c, err := s.Store.compoundOf(ctx, id)
	if err != nil {
		return "", "", err
	}
	name = c.Name
	if c.CompanyName != "" {
		name = c.CompanyName + "（" + c.Name + "）"
	}
	return name, c.CommunityCode, nil
}

// RouteUnit is the handling unit of the company serving a compound of a
// community, for routing a property request there: 0 when the compound
// is self-managed or its company has no unit. A compound of another
// community is EINVALID on compound_id.
func (s *Service) RouteUnit(ctx context.Context, compoundID int64, community string) (int64, error) {
	at, unit, err := s.Store.CompanyUnit(ctx, compoundID)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && at != community) {
		return 0, errs.Invalid(errs.Field("compound_id", "property.compound_elsewhere"))
	}
	return unit, err
}
