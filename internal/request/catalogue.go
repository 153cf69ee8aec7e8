package request

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// DefaultCategories is the shipped category tree: top-level groups with
// their default urgency, and leaves.
var DefaultCategories = []Category{
	{Code: "city", NameZh: "市容环境", NameEn: "City environment", Urgency: UrgencyGeneral, Sort: 10},
	{Code: "city.garbage", ParentCode: "city", NameZh: "垃圾清运", NameEn: "Rubbish collection", Urgency: UrgencyGeneral, Sort: 11},
	{Code: "city.road", ParentCode: "city", NameZh: "道路破损", NameEn: "Damaged road", Urgency: UrgencyGeneral, Sort: 12},
	{Code: "city.light", ParentCode: "city", NameZh: "路灯照明", NameEn: "Street lights", Urgency: UrgencyGeneral, Sort: 13},
	{Code: "utility", NameZh: "水电气暖", NameEn: "Water, power, gas, heating", Urgency: UrgencyUtility, Sort: 20},
	{Code: "utility.water", ParentCode: "utility", NameZh: "停水漏水", NameEn: "Water cut or leak", Urgency: UrgencyUtility, Sort: 21},
	{Code: "utility.power", ParentCode: "utility", NameZh: "停电", NameEn: "Power cut", Urgency: UrgencyUtility, Sort: 22},
	{Code: "utility.heating", ParentCode: "utility", NameZh: "供暖不热", NameEn: "Heating too weak", Urgency: UrgencyUtility, Sort: 23},
	{Code: "safety", NameZh: "安全隐患", NameEn: "Safety hazard", Urgency: UrgencyEmergency, Sort: 30},
	{Code: "safety.gas", ParentCode: "safety", NameZh: "燃气泄漏", NameEn: "Gas leak", Urgency: UrgencyEmergency, Sort: 31},
	{Code: "safety.building", ParentCode: "safety", NameZh: "房屋安全", NameEn: "Unsafe building", Urgency: UrgencyEmergency, Sort: 32},
	{Code: "property", NameZh: "物业管理", NameEn: "Property management", Urgency: UrgencyGeneral, Sort: 40},
	{Code: "property.service", ParentCode: "property", NameZh: "物业服务", NameEn: "Property services", Urgency: UrgencyGeneral, Sort: 41},
	{Code: "property.parking", ParentCode: "property", NameZh: "停车管理", NameEn: "Parking", Urgency: UrgencyGeneral, Sort: 42},
	{Code: "social", NameZh: "民生服务", NameEn: "Social services", Urgency: UrgencyGeneral, Sort: 50},
	{Code: "social.elderly", ParentCode: "social", NameZh: "养老服务", NameEn: "Elderly care", Urgency: UrgencyGeneral, Sort: 51},
	{Code: "social.assistance", ParentCode: "social", NameZh: "社会救助", NameEn: "Social assistance", Urgency: UrgencyGeneral, Sort: 52},
	{Code: "dispute", NameZh: "矛盾纠纷", NameEn: "Disputes", Urgency: UrgencyComplex, Sort: 60},
	{Code: "dispute.neighbour", ParentCode: "dispute", NameZh: "邻里纠纷", NameEn: "Neighbour dispute", Urgency: UrgencyComplex, Sort: 61},
	{Code: "dispute.wages", ParentCode: "dispute", NameZh: "拖欠工资", NameEn: "Unpaid wages", Urgency: UrgencyComplex, Sort: 62},
	{Code: "other", NameZh: "其他", NameEn: "Other", Urgency: UrgencyGeneral, Sort: 90},
}

// SeedCategories inserts the shipped categories that are missing (the
// demo, tests and a fresh deployment call it; existing ones are kept).
func (s *Service) SeedCategories(ctx context.Context) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, c := range DefaultCategories {
			if err := s.Store.seedCategory(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// Categories lists the category tree (parents before children by sort).
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	if _, err := auth.Must(ctx); err != nil {
		return nil, err
	}
	cs, err := s.Store.categories(ctx)
	if err != nil {
		return nil, errs.Internal("request.Service.Categories: categories", err)
	}
	return cs, nil
}

// PublicCategories lists the category tree for anyone, signed in or not
// (Open311's services list is public).
func (s *Service) PublicCategories(ctx context.Context) ([]Category, error) {
	cs, err := s.Store.categories(ctx)
	if err != nil {
		return nil, errs.Internal("request.Service.PublicCategories: categories", err)
	}
	return cs, nil
}

// SaveCategory adds or changes a category (city staff), audited.
//
// Errors: EFORBIDDEN, EINVALID.
func (s *Service) SaveCategory(ctx context.Context, c Category) error {
	if _, err := auth.Require(ctx, CatalogueRoles...); err != nil {
		return err
	}
	if c.NameEn == "" {
		c.NameEn = c.NameZh
	}
	f := c.Validate()
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if c.ParentCode != "" {
			p, err := s.Store.category(ctx, c.ParentCode)
			if err != nil || p.ParentCode != "" {
				return errs.Invalid(errs.Field("parent_code", "request.bad_category"))
			}
		}
		before, _ := s.Store.category(ctx, c.Code)
		if err := s.Store.saveCategory(ctx, c); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.category.save", ObjectType: "request_category", ObjectID: c.Code,
			Result: audit.OK, Detail: map[string]any{"before": before, "after": c}})
	})
}

// PolicyInput is a rule of the catalogue to add.
type PolicyInput struct {
	CategoryCode  string            `json:"category_code"`
	DivisionCode  string            `json:"division_code"`
	EffectiveFrom time.Time         `json:"effective_from,omitempty"` // zero: now
	UnitID        int64             `json:"unit_id,omitempty"`
	Limits        map[string]string `json:"limits,omitempty"` // urgency → "response/resolution", e.g. "2h/7d"; missing: the defaults
}

// SetPolicy adds a rule (city staff): from EffectiveFrom on, requests of
// the category in the division's subtree go to the unit with the limits;
// requests that arrived before keep their rule. Audited.
//
// Errors: EFORBIDDEN, EINVALID.
func (s *Service) SetPolicy(ctx context.Context, in PolicyInput) (*Policy, error) {
	p, err := auth.Require(ctx, CatalogueRoles...)
	if err != nil {
		return nil, err
	}
	var f errs.Fields
	if !CategoryCodeOK(in.CategoryCode) {
		f.Add("category_code", "request.bad_code", MaxCategoryCode)
	}
	if !division.ValidCode(in.DivisionCode) {
		f.Add("division_code", "division.code_format")
	} else if p.Role != auth.System && !p.Area.Contains(in.DivisionCode) {
		f.Add("division_code", "request.division_not_found", in.DivisionCode)
	}
	limits := map[string]Limits{}
	for u, l := range DefaultLimits {
		limits[u] = l
	}
	for u, v := range in.Limits {
		if !oneOf(u, Urgencies) {
			f.Add("limits", "error.one_of", strings.Join(Urgencies, ", "))
			continue
		}
		a, b, ok := strings.Cut(v, "/")
		resp, ok1 := ParseLimit(a)
		reso, ok2 := ParseLimit(b)
		if !ok || !ok1 || !ok2 {
			f.Add("limits", "request.bad_limit")
			continue
		}
		limits[u] = Limits{Response: resp, Resolution: reso}
	}
	now := s.now()
	if in.EffectiveFrom.IsZero() {
		in.EffectiveFrom = now
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Policy
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.Store.category(ctx, in.CategoryCode); err != nil {
			return errs.Invalid(errs.Field("category_code", "request.bad_category"))
		}
		var unit any
		if in.UnitID != 0 {
			u, err := s.Store.unit(ctx, in.UnitID)
			if err != nil {
				return errs.Invalid(errs.Field("unit_id", "request.bad_unit"))
			}
			lo, hi := division.RangeOf(u.DivisionCode)
			if in.DivisionCode < lo || in.DivisionCode > hi {
				return errs.Invalid(errs.Field("unit_id", "request.bad_unit"))
			}
			unit = u.ID
		}
		if _, err := s.Store.divisionLevel(ctx, in.DivisionCode); err != nil {
			return errs.Invalid(errs.Field("division_code", "request.division_not_found", in.DivisionCode))
		}
		id, err := s.Store.addPolicy(ctx, in.CategoryCode, in.DivisionCode, in.EffectiveFrom.UTC(), unit, limits, now, p.Name)
		if err != nil {
			return err
		}
		out = &Policy{ID: id, CategoryCode: in.CategoryCode, DivisionCode: in.DivisionCode, EffectiveFrom: in.EffectiveFrom.UTC(),
			Limits: limits, CreatedAt: now, CreatedBy: p.Name}
		if in.UnitID != 0 {
			out.UnitID = &in.UnitID
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.policy.add", ObjectType: "request_policy", ObjectID: strconv.FormatInt(id, 10),
			Result: audit.OK, Detail: out})
	})
	return out, err
}

// Policies lists the catalogue's rules (of one category, or all).
func (s *Service) Policies(ctx context.Context, category string) ([]Policy, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, err
	}
	ps, err := s.Store.policies(ctx, category)
	if err != nil {
		return nil, errs.Internal("request.Service.Policies: policies", err)
	}
	return ps, nil
}

// CreateUnit adds a handling unit (city or county staff, inside their
// area), audited.
//
// Errors: EFORBIDDEN, EINVALID, ECONFLICT (name taken in the division).
func (s *Service) CreateUnit(ctx context.Context, u Unit) (*Unit, error) {
	p, err := auth.Require(ctx, auth.CityStaff, auth.CountyStaff)
	if err != nil {
		return nil, err
	}
	u.Name = strings.TrimSpace(u.Name)
	var f errs.Fields
	if n := utf8.RuneCountInString(u.Name); n == 0 || n > 100 {
		f.Add("name", "error.required")
	}
	if !oneOf(u.Kind, UnitKinds) {
		f.Add("kind", "error.one_of", strings.Join(UnitKinds, ", "))
	}
	if !division.ValidCode(u.DivisionCode) {
		f.Add("division_code", "division.code_format")
	} else if p.Role != auth.System && !p.Area.Contains(u.DivisionCode) {
		return nil, errs.NotFound("request.division_not_found", u.DivisionCode)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		lvl, err := s.Store.divisionLevel(ctx, u.DivisionCode)
		if err != nil {
			return errs.Invalid(errs.Field("division_code", "request.division_not_found", u.DivisionCode))
		}
		if (u.Kind == UnitTownship && lvl != division.Township) || (u.Kind == UnitCommunity && lvl != division.Community) {
			return errs.Invalid(errs.Field("kind", "request.kind_level"))
		}
		if u.ID, err = s.Store.addUnit(ctx, u, s.now()); err != nil {
			return err
		}
		u.Active = true
		return s.Audit.Write(ctx, audit.Entry{Action: "request.unit.create", ObjectType: "request_unit", ObjectID: strconv.FormatInt(u.ID, 10),
			Result: audit.OK, Detail: u})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// AddMember makes an account of role handling_unit act for a unit (city
// or county staff). Both the unit and the account must lie inside the
// caller's area. An account acts for one unit: a member of another unit is
// never moved silently (that let a county take over another county's unit
// account and read its requests); it is ECONFLICT naming that unit, and
// staff whose area holds both units first remove it (RemoveMember).
// Refusals are audited.
//
// Errors: EFORBIDDEN, EINVALID (not a handling-unit account of the area),
// ENOTFOUND (unit missing or outside the area), ECONFLICT.
func (s *Service) AddMember(ctx context.Context, unitID, userID int64) error {
	p, err := auth.Require(ctx, auth.CityStaff, auth.CountyStaff)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.unitInArea(ctx, p, unitID, userID, "request.unit.member"); err != nil {
			return err
		}
		role, area, err := s.Store.memberAccount(ctx, userID)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && role != string(auth.HandlingUnit)) {
			return errs.Invalid(errs.Field("user_id", "request.bad_member"))
		}
		if err != nil {
			return err
		}
		if p.Role != auth.System && !p.Area.Contains(area) {
			s.refusedMember(ctx, "request.unit.member", unitID, userID, "account outside area")
			return errs.Invalid(errs.Field("user_id", "request.bad_member"))
		}
		cur, err := s.Store.membership(ctx, userID)
		if err != nil {
			return err
		}
		if cur != nil && cur.ID == unitID {
			return nil
		}
		if cur != nil {
			s.refusedMember(ctx, "request.unit.member", unitID, userID, "member of unit "+strconv.FormatInt(cur.ID, 10))
			return errs.Conflict("request.member_elsewhere", cur.Name)
		}
		if err := s.Store.addMember(ctx, userID, unitID); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.unit.member", ObjectType: "request_unit", ObjectID: strconv.FormatInt(unitID, 10),
			Result: audit.OK, Detail: map[string]any{"user": userID}})
	})
}

// unitInArea checks that the unit lies in the caller's area; outside it the
// unit does not exist for them (ENOTFOUND) and the attempt at action on
// its members is audited as refused.
func (s *Service) unitInArea(ctx context.Context, p *auth.Principal, unitID, userID int64, action string) error {
	u, err := s.Store.unit(ctx, unitID)
	if err != nil {
		return err
	}
	if p.Role != auth.System && !p.Area.Contains(u.DivisionCode) {
		s.refusedMember(ctx, action, unitID, userID, "unit outside area")
		return errs.NotFound("request.unit_not_found")
	}
	return nil
}

// RemoveMember ends an account's membership of a unit (city or county
// staff whose area holds the unit), audited.
//
// Errors: EFORBIDDEN, ENOTFOUND (unit missing or outside the area, or the
// account is not its member).
func (s *Service) RemoveMember(ctx context.Context, unitID, userID int64) error {
	p, err := auth.Require(ctx, auth.CityStaff, auth.CountyStaff)
	if err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.unitInArea(ctx, p, unitID, userID, "request.unit.member.remove"); err != nil {
			return err
		}
		ok, err := s.Store.removeMember(ctx, userID, unitID)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("request.member_not_found")
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.unit.member.remove", ObjectType: "request_unit", ObjectID: strconv.FormatInt(unitID, 10),
			Result: audit.OK, Detail: map[string]any{"user": userID}})
	})
}

// refusedMember audits a refused change of a unit's members; the record
// stands though the transaction rolls back.
func (s *Service) refusedMember(ctx context.Context, action string, unitID, userID int64, reason string) {
	db.AfterTx(ctx, func(ctx context.Context) {
		_ = s.Audit.WriteAlone(ctx, audit.Entry{Action: action, ObjectType: "request_unit", ObjectID: strconv.FormatInt(unitID, 10),
			Result: audit.Denied, Detail: map[string]any{"user": userID, "reason": reason}})
	})
}

// Units lists the units of the caller's area and those above it (the
// units a dispatcher may choose for a request there).
func (s *Service) Units(ctx context.Context, code string) ([]Unit, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = a.Area.Code
	}
	if a.Role == auth.System && code == "" {
		return s.Store.units(ctx, "000000000000", "999999999999")
	}
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "division.code_format"))
	}
	var out []Unit
	// The units of the subtree, and of each ancestor division itself.
	lo, hi := division.RangeOf(code)
	us, err := s.Store.units(ctx, lo, hi)
	if err != nil {
		return nil, errs.Internal("request.Service.Units: units", err)
	}
	out = append(out, us...)
	for _, n := range []int{9, 6, 4} {
		if n >= codeLen(code) {
			continue
		}
		anc := code[:n] + strings.Repeat("0", 12-n)
		us, err := s.Store.units(ctx, anc, anc)
		if err != nil {
			return nil, errs.Internal("request.Service.Units: units", err)
		}
		out = append(out, us...)
	}
	return out, nil
}

func codeLen(code string) int {
	lo, _ := division.RangeOf(code)
	n := len(strings.TrimRight(lo, "0"))
	for _, l := range []int{2, 4, 6, 9, 12} {
		if n <= l {
			return l
		}
	}
	return 12
}

// SetSetting changes an integer setting (city staff), audited.
func (s *Service) SetSetting(ctx context.Context, key string, value int64) error {
	p, err := auth.Require(ctx, CatalogueRoles...)
	if err != nil {
		return err
	}
	if key != SettingReturnsLimit || value < 1 || value > 20 {
		return errs.Invalid(errs.Field("value", "request.bad_setting"))
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.setSetting(ctx, key, value, s.now(), p.Name); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.setting", ObjectType: "request_setting", ObjectID: key, Result: audit.OK,
			Detail: map[string]any{"value": value}})
	})
}

// SetCalendarDay lists a day (YYYY-MM-DD) as a holiday or a make-up
// working day in the deadline calendar (city staff), audited; deadlines
// computed from then on count it.
//
// Errors: EFORBIDDEN, EINVALID.
func (s *Service) SetCalendarDay(ctx context.Context, day, kind, name string) error {
	p, err := auth.Require(ctx, CatalogueRoles...)
	if err != nil {
		return err
	}
	var f errs.Fields
	t, perr := time.ParseInLocation(time.DateOnly, day, china)
	if perr != nil {
		f.Add("day", "request.bad_day")
	}
	if kind != calendar.Holiday && kind != calendar.Workday {
		f.Add("kind", "error.one_of", "holiday, workday")
	}
	if utf8.RuneCountInString(name) > 50 {
		f.Add("name", "error.too_long", 50)
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Calendar.Set(ctx, s.DB, t, kind, name, p.Name); err != nil {
			return errs.Internal("request.Service.SetCalendarDay: Set", err)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "request.calendar.set", ObjectType: "calendar_day", ObjectID: day, Result: audit.OK,
			Detail: map[string]any{"kind": kind, "name": name}})
	})
}
