package person

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/lookup"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// KeepRoles list, read, create, change, import and export people in
	// their area. Grid workers keep the registry of their community too.
	KeepRoles = auth.AreaStaff()
	// RevealRoles may see a person's personal data unmasked (with a reason,
	// audited), and export it unmasked. Grid workers may not: they visit
	// and record, and the masked number is enough to tell people apart; a
	// community worker answers for the community's registry, and township,
	// county and city staff for their area's.
	RevealRoles = auth.OfficeStaff()
)

// CanReveal reports whether a principal holds the reveal permission.
func CanReveal(p *auth.Principal) bool {
	return p != nil && (p.Role == auth.System || slices.Contains(RevealRoles, p.Role))
}

// Service holds the rules of the people registry.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Search   *lookup.Guard // exact searches by sealed fields
	Now      func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d, Keys: keys}, Audit: a, Measures: &measure.Store{DB: d}, Search: lookup.New(d, a, keys), Now: time.Now}
}

// today is the date in China, where a membership begins and ends.
func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

// Today is the service's date (YYYY-MM-DD, China time).
func (s *Service) Today() string { return s.today() }

// Members lists the people who are members of a group on a day, in the
// communities whose codes lie in [lo, hi] (clipped to the caller's area),
// ordered by community, name and id. Names are plain; no personal data is
// returned. Visits use it to plan who to see. Errors: EINVALID (unknown
// group), EFORBIDDEN.
func (s *Service) Members(ctx context.Context, group, lo, hi string, on time.Time) ([]Member, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	if !slices.Contains(Groups, group) {
		return nil, errs.Invalid(errs.Field("group", "error.one_of", strings.Join(Groups, ", ")))
	}
	return s.Store.members(ctx, group, lo, hi, on.In(calendar.China).Format(DateLayout))
}

// List returns one page of the people the filter selects inside the
// caller's area, masked. Errors: EINVALID (a bad filter), EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Person, bool, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, false, err
	}
	if err := s.checkFilter(ctx, &f); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f, s.today())
}

// checkFilter checks a list's or an export's filter and, when it searches
// by a sealed field, lets the search through the guard (a reason, the
// account's limit, the audit record). Errors: EINVALID, ETOOMANY.
func (s *Service) checkFilter(ctx context.Context, f *Filter) error {
	if err := f.check(s.Now()); err != nil {
		return err
	}
	if t := f.terms(); len(t) > 0 {
		return s.Search.Allow(ctx, "person.search", "person", t, f.Reason)
	}
	return nil
}

// check trims and checks a filter. A sealed field is searched by its
// whole value only: a part of a number would let a caller walk the few
// thousand numbers behind a mask.
func (f *Filter) check(now time.Time) error {
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	f.Community = strings.TrimSpace(f.Community)
	f.Address = strings.TrimSpace(f.Address)
	if f.IDNumber = strings.TrimSpace(f.IDNumber); f.IDNumber != "" {
		var ok bool
		if f.IDNumber, ok = lookup.WholeIDNumber(f.IDNumber, now); !ok {
			bad.Add("id_number", "lookup.id_whole")
		}
	}
	if f.Phone = NormalizePhone(f.Phone); f.Phone != "" && !ValidPhone(f.Phone) {
		bad.Add("phone", "lookup.phone_whole")
	}
	bad.MaxLen("address", f.Address, maxBasis)
	bad.MaxLen("q", f.Q, 50)
	if f.Community != "" && !division.ValidCode(f.Community) {
		bad.Add("community", "person.code_format")
	}
	bad.OneOf("group", f.Group, Groups)
	return bad.Err()
}

// Get returns a person, masked. A person outside the caller's area answers
// ENOTFOUND and the refusal is audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*Person, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	r, err := s.get(ctx, id, "person.read")
	if err != nil {
		return nil, err
	}
	p, err := s.Store.masked(r, s.today())
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// History returns a person's changes, newest first, sealed fields masked.
// Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) History(ctx context.Context, id int64) ([]PersonChange, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	if _, err := s.get(ctx, id, "person.read"); err != nil {
		return nil, err
	}
	return s.Store.changes(ctx, id)
}

// get reads a person in the caller's area, auditing a refusal.
func (s *Service) get(ctx context.Context, id int64, action string) (*row, error) {
	r, err := s.Store.get(ctx, id)
	return r, s.Audit.RefusedOutside(ctx, err, action, "person", id, s.Store.exists)
}

// Reveal returns a person's personal data unmasked. It needs the reveal
// permission and a reason, which the audit record keeps with who asked and
// about whom. Errors: EINVALID (no reason), ENOTFOUND, EFORBIDDEN.
func (s *Service) Reveal(ctx context.Context, id int64, reason string) (*RevealedPerson, error) {
	p, err := auth.Require(ctx, KeepRoles...)
	if err != nil {
		return nil, err
	}
	if !CanReveal(p) {
		s.Audit.Refused(ctx, "person.reveal", "person", id, "no reveal permission")
		return nil, errs.Forbidden()
	}
	reason = strings.TrimSpace(reason)
	switch {
	case len([]rune(reason)) < 2:
		return nil, errs.Invalid(errs.Field("reason", "person.reason_required"))
	case len([]rune(reason)) > maxBasis:
		return nil, errs.Invalid(errs.Field("reason", "error.too_long", maxBasis))
	case plainText(reason):
		return nil, errs.Invalid(errs.Field("reason", "person.no_numbers"))
	}
	var out *RevealedPerson
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.get(ctx, id, "person.reveal")
		if err != nil {
			return err
		}
		rec, err := s.Store.open(r)
		if err != nil {
			return err
		}
		out = &RevealedPerson{ID: id, IDNumber: rec.IDNumber, BirthDate: rec.BirthDate, Phone: rec.Phone, Address: rec.Address, ContactPhone: rec.ContactPhone}
		return s.Audit.Write(ctx, audit.Entry{Action: "person.reveal", ObjectType: "person", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"reason": reason, "name": rec.Name, "community_code": rec.CommunityCode}})
	})
	return out, err
}

// flat renders a person for the history and the audit log, sealed fields
// masked.
func flat(r *record) map[string]string {
	m := map[string]string{
		"community_code": r.CommunityCode,
		"name":           r.Name,
		"id_number":      pii.MaskIDNumber(r.IDNumber),
		"phone":          pii.Mask(r.Phone),
		"address":        pii.Mask(r.Address),
		"household":      r.Household,
		"contact_name":   r.ContactName,
		"contact_phone":  pii.Mask(r.ContactPhone),
	}
	var gs []string
	for _, g := range r.Groups {
		gs = append(gs, groupText(&g))
	}
	m["groups"] = strings.Join(gs, "; ")
	return m
}

// groupText renders a membership in one line for the history.
func groupText(g *Membership) string {
	var b strings.Builder
	b.WriteString(g.Group)
	if len(g.Kinds) > 0 {
		b.WriteString("(" + strings.Join(g.Kinds, ",") + ")")
	}
	if g.Category != "" {
		b.WriteString("(" + g.Category + " " + g.Grade + ")")
	}
	b.WriteString(" " + g.Start + "~" + g.End + " " + g.Basis)
	return b.String()
}

// diff returns the fields that changed, before and after. A sealed field
// counts as changed when its plaintext did, though both sides may mask
// alike.
func diff(before, after *record) (map[string]string, map[string]string) {
	b, a := flat(before), flat(after)
	ob, oa := audit.Changes(b, a)
	for k, ch := range map[string]bool{"id_number": before.IDNumber != after.IDNumber, "phone": before.Phone != after.Phone,
		"address": before.Address != after.Address, "contact_phone": before.ContactPhone != after.ContactPhone} {
		if ch {
			ob[k], oa[k] = b[k], a[k]
		}
	}
	return ob, oa
}

// checkCommunity adds a field error unless code is a community inside the
// caller's area.
func (s *Service) checkCommunity(ctx context.Context, code string, bad *errs.Fields) error {
	if code == "" {
		return nil
	}
	return bad.Missing(s.Store.community(ctx, code), "community_code", "person.community_not_found", code)
}

// checkDuplicate adds a field error if another person has the ID number.
func (s *Service) checkDuplicate(ctx context.Context, r *record, bad *errs.Fields) error {
	if r.BirthDate == "" { // the number itself is bad
		return nil
	}
	other, err := s.Store.byIDNumber(ctx, r.IDNumber)
	if err != nil {
		return err
	}
	if other != 0 && other != r.ID {
		bad.Add("id_number", "person.duplicate")
	}
	return nil
}

// Create adds a person. Errors: EINVALID (with every bad field, a
// duplicate ID number among them), EFORBIDDEN.
func (s *Service) Create(ctx context.Context, p PersonPatch) (*Person, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		r := p.apply(record{})
		bad := r.validate(s.Now())
		if err := s.checkCommunity(ctx, r.CommunityCode, &bad); err != nil {
			return err
		}
		if err := s.checkDuplicate(ctx, &r, &bad); err != nil {
			return err
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		actor := auth.From(ctx).Name
		var err error
		if id, err = s.Store.insert(ctx, &r, actor, now); err != nil {
			return err
		}
		if err := s.refresh(ctx, r.CommunityCode); err != nil {
			return err
		}
		after := flat(&r)
		if err := s.Store.addChange(ctx, id, "create", actor, now, map[string]string{}, after); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "person.create", ObjectType: "person", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"after": after}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Update changes a person; Groups, when given, replaces the memberships
// (a membership ends by setting its end, so its history stays).
// Errors: EINVALID, ECONFLICT (version), ENOTFOUND, EFORBIDDEN.
func (s *Service) Update(ctx context.Context, id int64, p PersonPatch) (*Person, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		cur, err := s.get(ctx, id, "person.update")
		if err != nil {
			return err
		}
		before, err := s.Store.open(cur)
		if err != nil {
			return err
		}
		before.normalize()
		if p.Version != nil && *p.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := p.apply(before)
		bad := after.validate(s.Now())
		if after.CommunityCode != before.CommunityCode {
			if err := s.checkCommunity(ctx, after.CommunityCode, &bad); err != nil {
				return err
			}
		}
		if after.IDNumber != before.IDNumber {
			if err := s.checkDuplicate(ctx, &after, &bad); err != nil {
				return err
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		b, a := diff(&before, &after)
		if len(a) == 0 {
			return nil
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		actor := auth.From(ctx).Name
		if err := s.Store.update(ctx, &after, before.Version, actor, now); err != nil {
			return err
		}
		if err := s.refresh(ctx, before.CommunityCode, after.CommunityCode); err != nil {
			return err
		}
		if err := s.Store.addChange(ctx, id, "update", actor, now, b, a); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "person.update", ObjectType: "person", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"before": b, "after": a}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Reasons a person is on an emergency's list (Vulnerable).
const (
	ReasonLivingAlone     = "living_alone"     // elderly living alone (独居)
	ReasonElderlyDisabled = "elderly_disabled" // elderly unable to care for themselves (失能)
	ReasonDisability      = "disability"       // member of the disability group (残疾人)
)

// Vulnerable is a person an emergency's grid workers must reach: the plain
// name (the caller masks it before storing) and why.
type Vulnerable struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	CommunityCode string `json:"community_code"`
	Reason        string `json:"reason"`
}

// Vulnerable lists the people of [lo, hi] (clipped to the caller's area)
// whom an alert's grid workers must reach on day on: elderly living alone,
// elderly unable to care for themselves, people with disabilities.
// Errors: EFORBIDDEN.
func (s *Service) Vulnerable(ctx context.Context, lo, hi string, on time.Time) ([]Vulnerable, error) {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return nil, err
	}
	return s.Store.vulnerable(ctx, lo, hi, on.In(calendar.China).Format(DateLayout))
}
