package burden

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Service holds the rules of the lists.
type Service struct {
	DB        *db.DB
	Store     *Store
	Audit     *audit.Log
	Units     Units
	Residents Residents
	Printer   Printer
	Now       func() time.Time
}

// NewService makes the service; Units, Residents and Printer are set by
// internal/app.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// scope is the caller's area: its range, and the codes of the lists kept
// above it (the city's and the county's of a caller below them).
type scope struct {
	p      *auth.Principal
	lo, hi string
	above  []string
}

func (s *Service) scope(ctx context.Context, roles ...auth.Role) (*scope, error) {
	p, err := auth.Require(ctx, roles...)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	sc := &scope{p: p, lo: lo, hi: hi}
	if code := p.Area.Code; p.Role != auth.System && division.ValidCode(code) {
		sc.above = listsOf(code)
	}
	return sc, nil
}

// listsOf are the codes of the lists that hold for a division: the city's
// and, at or below a county, the county's.
func listsOf(code string) []string {
	c := division.Code(code)
	if c.Level() < division.City {
		return nil
	}
	out := []string{c.At(division.City)}
	if c.Level() >= division.County {
		out = append(out, c.County())
	}
	return out
}

func (sc *scope) inside(code string) bool { return code >= sc.lo && code <= sc.hi }

// outside answers ENOTFOUND for an object outside the caller's area, audited.
func (s *Service) outside(ctx context.Context, action, object string, id any, key string) error {
	s.Audit.Refused(ctx, action, object, id, audit.OutsideArea)
	return errs.NotFound(key, id)
}

// Items returns one page of a list as it holds in the caller's area.
func (s *Service) Items(ctx context.Context, f ItemFilter) ([]BurdenItem, bool, error) {
	sc, err := s.scope(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	if !contains(Lists, f.List) {
		return nil, false, errs.Invalid(errs.Field("list", "burden.list_unknown"))
	}
	f.Q = strings.TrimSpace(f.Q)
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	f.lo, f.hi, f.above = sc.lo, sc.hi, sc.above
	return s.Store.items(ctx, f)
}

// AddItem puts an item on a list kept in the caller's area (a county's, or
// the city's base list), audited. Errors: EINVALID, ENOTFOUND (the
// division outside the area), ECONFLICT (the name is on the list), EFORBIDDEN.
func (s *Service) AddItem(ctx context.Context, it BurdenItem) (*BurdenItem, error) {
	sc, err := s.scope(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	if bad := it.validate(); len(bad) > 0 {
		return nil, bad.Err()
	}
	if !sc.inside(it.DivisionCode) {
		return nil, s.outside(ctx, "burden.item.add", "division", it.DivisionCode, "burden.division_not_found")
	}
	if err := s.unitName(ctx, &it); err != nil {
		return nil, err
	}
	it.CreatedAt, it.CreatedBy = s.now(), sc.p.Name
	err = s.DB.WithTx(ctx, func(ctx context.Context) error { return s.addItem(ctx, &it) })
	if err != nil {
		return nil, err
	}
	return s.Store.item(ctx, it.ID)
}

// unitName names a work item's department, which must be a unit of the
// list's area or above it. Errors: EINVALID.
func (s *Service) unitName(ctx context.Context, it *BurdenItem) error {
	if it.List != ListWork || (it.UnitID == 0 && it.Kind == KindAutonomy) {
		return nil
	}
	units, err := s.Units.Units(ctx, it.DivisionCode)
	if err != nil {
		return err
	}
	for _, u := range units {
		if u.ID == it.UnitID {
			it.UnitName = u.Name
			return nil
		}
	}
	return errs.Invalid(errs.Field("unit_id", "burden.unit_unknown"))
}

func (s *Service) addItem(ctx context.Context, it *BurdenItem) error {
	if err := s.Store.insertItem(ctx, it); err != nil {
		return err
	}
	return s.Audit.Write(ctx, audit.Entry{Action: "burden.item.add", ObjectType: "burden_item", ObjectID: itoa(it.ID),
		Result: audit.OK, Detail: map[string]string{"list": it.List, "division": it.DivisionCode, "name": it.Name, "kind": it.Kind}})
}

// RetireItem takes an item off its list (its history stays), audited.
// Errors: ENOTFOUND (also outside the area), ECONFLICT, EFORBIDDEN.
func (s *Service) RetireItem(ctx context.Context, id int64) (*BurdenItem, error) {
	sc, err := s.scope(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	it, err := s.Store.item(ctx, id)
	if err != nil {
		return nil, err
	}
	if !sc.inside(it.DivisionCode) {
		return nil, s.outside(ctx, "burden.item.retire", "burden_item", id, "burden.item_not_found")
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		ok, err := s.Store.retireItem(ctx, id, s.now(), sc.p.Name)
		if err != nil {
			return err
		}
		if !ok {
			return errs.Conflict("burden.item_retired", it.Name)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.item.retire", ObjectType: "burden_item", ObjectID: itoa(id), Result: audit.OK,
			Detail: map[string]string{"list": it.List, "name": it.Name}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.item(ctx, id)
}

// resolve finds the current item of list that holds at code (a county's
// or the city's list), by id or else by name; nil when there is none.
func (s *Service) resolve(ctx context.Context, list, code string, id int64, name string) (*BurdenItem, error) {
	codes := listsOf(code)
	if id > 0 {
		it, err := s.Store.item(ctx, id)
		if errs.Code(err) == errs.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if it.List != list || it.RetiredAt != nil || !contains(codes, it.DivisionCode) {
			return nil, nil
		}
		return it, nil
	}
	it, err := s.Store.itemNamed(ctx, list, strings.TrimSpace(name), codes)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, nil
	}
	return it, err
}

// Figures are the burden figures of the caller's area: per county the
// communities, the work items each carries and the admission requests
// decided; per department the work it assigned and its refused
// assignments. Errors: EFORBIDDEN.
func (s *Service) Figures(ctx context.Context) (*BurdenFigures, error) {
	sc, err := s.scope(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	own := ""
	if len(sc.above) == 2 {
		own = sc.above[1]
	}
	counties, err := s.Store.counties(ctx, sc.lo, sc.hi, own)
	if err != nil {
		return nil, err
	}
	for k := range counties {
		c := &counties[k]
		lo, hi := rangeOf(c.Code)
		if c.Communities, err = s.Store.communityCount(ctx, lo, hi); err != nil {
			return nil, err
		}
		if c.ItemsPerCommunity, err = s.Store.workItemCount(ctx, listsOf(c.Code)...); err != nil {
			return nil, err
		}
		n, err := s.Store.admissionCounts(ctx, c.Code)
		if err != nil {
			return nil, err
		}
		c.AdmissionsAdmitted, c.AdmissionsRefused, c.AdmissionsPending = n[Admitted], n[Refused], n[Pending]
	}
	units, err := s.Store.unitFigures(ctx, sc.lo, sc.hi)
	if err != nil {
		return nil, err
	}
	if counties == nil {
		counties = []BurdenCountyFigures{}
	}
	if units == nil {
		units = []BurdenUnitFigures{}
	}
	return &BurdenFigures{Counties: counties, Units: units}, nil
}
