package division

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
)

// Who may do what in this slice.
var (
	// TreeRoles may browse and search the tree inside their area.
	TreeRoles = []auth.Role{auth.Resident, auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff, auth.HandlingUnit, auth.Admin}
	// ProfileReadRoles may read communities' profiles.
	ProfileReadRoles = []auth.Role{auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff, auth.HandlingUnit, auth.Admin}
	// ProfileEditRoles may change them.
	ProfileEditRoles = auth.OfficeStaff()
)

// Service holds the rules of the division slice.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Now      func() time.Time
	// ProfileListeners are called in the transaction of every profile
	// change, with the community's code: slices whose measures depend on a
	// profile (a facility measure that counts only relocation communities)
	// refresh theirs. RebuildListeners are called after RebuildMeasures.
	// Both are set at wiring time, so this slice imports none of them.
	ProfileListeners []func(ctx context.Context, code string) error
	RebuildListeners []func(ctx context.Context) error
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Measures: &measure.Store{DB: d}, Now: time.Now}
}

// View is a division with its place in the tree.
type View struct {
	Division  Division   `json:"division"`
	Totals    Node       `json:"totals"`
	Ancestors []Division `json:"ancestors"`
	Children  []Node     `json:"children"`
	Profile   *Profile   `json:"profile,omitempty"`
	// Parts: the community's organisation parts with their current
	// members, for the profile page. Rosters: the caller may read the
	// organisations' rosters.
	Parts   []PartRoster `json:"-"`
	Rosters bool         `json:"-"`
	CanEdit bool         `json:"-"`
}

// get reads a division the caller may see. A code outside the caller's area
// answers ENOTFOUND and the refusal is audited. Errors: EINVALID (bad
// code), ENOTFOUND, EFORBIDDEN, EUNAUTHORIZED.
func (s *Service) get(ctx context.Context, code string, roles []auth.Role) (*Division, error) {
	if _, err := auth.Require(ctx, roles...); err != nil {
		return nil, err
	}
	if !ValidCode(code) {
		return nil, errs.Invalid(errs.Field("code", "division.code_format"))
	}
	d, err := s.Store.Get(ctx, code)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.Exists(ctx, code) {
		s.Audit.Refused(ctx, "division.read", "division", code, audit.OutsideArea)
	}
	return d, err
}

// Get returns one division. Errors as get.
func (s *Service) Get(ctx context.Context, code string) (*Division, error) {
	return s.get(ctx, code, TreeRoles)
}

// Roots returns where the caller's tree starts.
func (s *Service) Roots(ctx context.Context) ([]Division, error) {
	if _, err := auth.Require(ctx, TreeRoles...); err != nil {
		return nil, err
	}
	return s.Store.Roots(ctx)
}

// View returns a division with its ancestors, children and, for a
// community, its profile when the caller may read it.
func (s *Service) View(ctx context.Context, code string) (*View, error) {
	d, err := s.get(ctx, code, TreeRoles)
	if err != nil {
		return nil, err
	}
	v := &View{Division: *d}
	if v.Ancestors, err = s.Store.Ancestors(ctx, d); err != nil {
		return nil, err
	}
	if v.Children, err = s.Store.Children(ctx, d); err != nil {
		return nil, err
	}
	if len(v.Children) > 0 {
		// The children partition the subtree, so their sums are the totals:
		// one pass over the communities instead of two.
		v.Totals = Node{Division: *d, Children: len(v.Children)}
		for _, c := range v.Children {
			v.Totals.Communities += c.Communities
			v.Totals.Population += c.Population
			v.Totals.Households += c.Households
		}
	} else if v.Totals, err = s.Store.Totals(ctx, d); err != nil {
		return nil, err
	}
	_, rerr := auth.Require(ctx, ProfileReadRoles...)
	v.Rosters = rerr == nil
	if d.Level == Community {
		if v.Rosters {
			if v.Profile, err = s.Store.Profile(ctx, code); err != nil {
				return nil, err
			}
			if v.Parts, err = s.partRosters(ctx, d, v.Profile); err != nil {
				return nil, err
			}
			_, perr := auth.Require(ctx, ProfileEditRoles...)
			v.CanEdit = perr == nil
		}
	}
	return v, nil
}

// Children lists the children of a division with counts.
func (s *Service) Children(ctx context.Context, code string) ([]Node, error) {
	d, err := s.get(ctx, code, TreeRoles)
	if err != nil {
		return nil, err
	}
	return s.Store.Children(ctx, d)
}

// Search finds divisions by name or code prefix inside the caller's area.
func (s *Service) Search(ctx context.Context, q string, page, perPage int) ([]Division, bool, error) {
	if _, err := auth.Require(ctx, TreeRoles...); err != nil {
		return nil, false, err
	}
	if len([]rune(q)) > 50 {
		return nil, false, errs.Invalid(errs.Field("q", "error.too_long", 50))
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.Search(ctx, q, page, perPage)
}

// Profile reads a community's profile. Errors: EINVALID when the division
// is not a community, and those of get.
func (s *Service) Profile(ctx context.Context, code string) (*Profile, *Division, error) {
	d, err := s.get(ctx, code, ProfileReadRoles)
	if err != nil {
		return nil, nil, err
	}
	if d.Level != Community {
		return nil, nil, errs.Invalid(errs.Field("code", "division.not_community"))
	}
	p, err := s.Store.Profile(ctx, code)
	return p, d, err
}

// UpdateProfile applies a patch to a community's profile in one
// transaction with its history entry and audit record. Errors: EINVALID,
// ECONFLICT (version mismatch), ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateProfile(ctx context.Context, code string, patch ProfilePatch) (*Profile, error) {
	var out *Profile
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		d, err := s.get(ctx, code, ProfileEditRoles)
		if err != nil {
			return err
		}
		if d.Level != Community {
			return errs.Invalid(errs.Field("code", "division.not_community"))
		}
		before, err := s.Store.Profile(ctx, code)
		if err != nil {
			return err
		}
		if patch.Version != nil && *patch.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		after := patch.Apply(*before)
		if err := after.Validate(d.Kind); err != nil {
			return err
		}
		sort.Slice(after.Organisations, func(i, j int) bool { return after.Organisations[i].Part < after.Organisations[j].Part })
		b, a := diff(before, &after)
		if len(a) == 0 {
			out = before
			return nil
		}
		p := auth.From(ctx)
		now := s.Now().UTC().Truncate(time.Microsecond)
		if err := s.Store.SaveProfile(ctx, &after, before.Version, p.Name, now); err != nil {
			return err
		}
		if err := s.Store.AddChange(ctx, code, p.UserID, p.Name, now, b, a); err != nil {
			return err
		}
		if err := s.refreshCommunity(ctx, d.Kind, code, &after); err != nil {
			return err
		}
		for _, l := range s.ProfileListeners {
			if err := l(ctx, code); err != nil {
				return err
			}
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "division.profile.update", ObjectType: "division", ObjectID: code,
			Detail: map[string]any{"before": b, "after": a}}); err != nil {
			return err
		}
		out = &after
		return nil
	})
	return out, err
}

// flat renders a profile as field → text, for history and audit.
func flat(p *Profile) map[string]string {
	m := map[string]string{
		"population":       strconv.FormatInt(p.Population, 10),
		"urban_population": strconv.FormatInt(p.UrbanPopulation, 10),
		"households":       strconv.FormatInt(p.Households, 10),
		"building_area":    strconv.FormatFloat(p.BuildingArea, 'f', -1, 64),
		"commercial_area":  strconv.FormatFloat(p.CommercialArea, 'f', -1, 64),
		"relocation":       strconv.FormatBool(p.Relocation),
		"broadband":        strconv.FormatBool(p.Broadband),
		"has_5g":           strconv.FormatBool(p.Has5G),
	}
	for _, o := range p.Organisations {
		m["org."+o.Part] = fmt.Sprintf("%s / %s", o.Name, o.Head)
	}
	return m
}

// diff returns the fields that changed, before and after.
func diff(before, after *Profile) (map[string]any, map[string]any) {
	b, a := flat(before), flat(after)
	ob, oa := map[string]any{}, map[string]any{}
	for k, v := range a {
		if b[k] != v {
			ob[k], oa[k] = b[k], v
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			ob[k], oa[k] = v, ""
		}
	}
	return ob, oa
}

// History lists the changes of a community's profile.
func (s *Service) History(ctx context.Context, code string, page, perPage int) ([]Change, bool, error) {
	if _, _, err := s.Profile(ctx, code); err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	changes, more, err := s.Store.History(ctx, code, page, perPage)
	for i := range changes {
		c := &changes[i]
		keys := make([]string, 0, len(c.After))
		for k := range c.After {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c.Fields = append(c.Fields, FieldChange{Field: k, Before: fmt.Sprint(c.Before[k]), After: fmt.Sprint(c.After[k])})
		}
	}
	return changes, more, err
}
