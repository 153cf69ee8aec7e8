package partymember

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// ReadRoles read the registrations, posts and figures of their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles enter registrations, keep the posts and confirm or refuse
	// another's registration.
	EditRoles = auth.OfficeStaff()
)

// Hours sums the volunteer service hours (hundredths) recorded from lo to
// hi (YYYY-MM-DD) by the volunteers of the accounts given, keyed by
// account.
type Hours interface {
	HoursOfAccounts(ctx context.Context, userIDs []int64, lo, hi string) (map[int64]int64, error)
}

// Units reads the resident-unit registry: a unit's name and community, and
// the units at or under a community for the form (as the caller).
type Units interface {
	UnitName(ctx context.Context, id int64) (name, divisionCode string, err error)
	UnitsIn(ctx context.Context, code string) ([]UnitChoice, error)
}

// UnitChoice is a resident unit offered on the form.
type UnitChoice struct {
	ID   int64
	Name string
}

// Residents reads a resident account: its community, name and whether it
// is verified (认证居民).
type Residents interface {
	Resident(ctx context.Context, userID int64) (community, name string, verified bool, err error)
}

// Service holds the rules of the slice.
type Service struct {
	DB    *db.DB
	Store *Store
	Audit *audit.Log
	Keys  *pii.Ring
	Now   func() time.Time
	// Set in internal/app; Hours nil: no hours are counted, Units nil: the
	// work unit is free text only.
	Hours     Hours
	Units     Units
	Residents Residents
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring, residents Residents) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Residents: residents, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// Year is the China calendar year of now.
func (s *Service) Year() int { return s.Now().In(calendar.China).Year() }

// ---- posts

// Posts lists the active service posts at or under code (the caller's
// area when empty); a resident reads their own community's. Errors:
// EFORBIDDEN, EINVALID.
func (s *Service) Posts(ctx context.Context, code string) ([]PartyPost, error) {
	p, err := auth.Require(ctx, append(slices.Clone(ReadRoles), auth.Resident)...)
	if err != nil {
		return nil, err
	}
	if code == "" || p.Role == auth.Resident {
		code = p.Area.Code
	}
	return s.Store.posts(ctx, code)
}

// AddPost adds a service post to a community. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) AddPost(ctx context.Context, in PartyPostInput) (*PartyPost, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.validate()
		if len(bad) == 0 {
			if _, err := s.Store.divisionName(ctx, in.DivisionCode); errs.Code(err) == errs.ENOTFOUND {
				bad.Add("division_code", "partymember.division_not_found", in.DivisionCode)
			} else if err != nil {
				return err
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		var err error
		if id, err = s.Store.insertPost(ctx, &in, auth.From(ctx).Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "partymember.post.add", ObjectType: "party_post", ObjectID: idString(id),
			Detail: map[string]any{"division_code": in.DivisionCode, "name": in.Name}})
	})
	if err != nil {
		return nil, err
	}
	ps, err := s.Store.posts(ctx, in.DivisionCode)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ID == id {
			return &ps[i], nil
		}
	}
	return nil, errs.NotFound("partymember.post_not_found", id)
}

// ---- registrations

// Register records a registration: a verified resident's own (their
// account and community), or one a member of staff enters for someone of
// a community of their area. It waits for the community to confirm it.
// Errors: EINVALID, EFORBIDDEN, ECONFLICT (already registered).
func (s *Service) Register(ctx context.Context, in PartyMemberInput) (*PartyMember, error) {
	p, err := auth.Require(ctx, append(slices.Clone(EditRoles), auth.Resident)...)
	if err != nil {
		return nil, err
	}
	if p.Role == auth.Resident {
		in.DivisionCode, in.UserID = p.Area.Code, p.UserID
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		bad := in.validate()
		if p.Role == auth.Resident || in.UserID != 0 {
			community, _, verified, err := s.Residents.Resident(ctx, in.UserID)
			if err != nil {
				return err
			}
			switch {
			case p.Role == auth.Resident && !verified:
				return errs.E(errs.EFORBIDDEN, "partymember.not_verified")
			case community != in.DivisionCode:
				bad.Add("user_id", "partymember.not_resident_here")
			}
			taken, err := s.Store.userRegistered(ctx, in.UserID)
			if err != nil {
				return err
			}
			if taken {
				return errs.Conflict("partymember.already_registered")
			}
		}
		if p.Role != auth.Resident && len(bad) == 0 {
			if _, err := s.Store.divisionName(ctx, in.DivisionCode); errs.Code(err) == errs.ENOTFOUND {
				bad.Add("division_code", "partymember.division_not_found", in.DivisionCode)
			} else if err != nil {
				return err
			}
		}
		unit := in.Unit
		if in.UnitID != 0 {
			name, _, err := s.unitName(ctx, in.UnitID)
			if errs.Code(err) == errs.ENOTFOUND {
				bad.Add("resident_unit_id", "partymember.unit_not_found")
			} else if err != nil {
				return err
			}
			unit = name
		}
		if len(in.PostIDs) > 0 {
			ok, err := s.Store.activePosts(ctx, in.DivisionCode, in.PostIDs)
			if err != nil {
				return err
			}
			for _, id := range in.PostIDs {
				if !ok[id] {
					bad.Add("post_ids", "partymember.post_not_here", id)
					break
				}
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		sealed := ""
		if in.Phone != "" {
			if sealed, err = s.Keys.Seal(in.Phone); err != nil {
				return errs.Internal("partymember.Service.Register: seal phone", err)
			}
		}
		m := &PartyMember{DivisionCode: in.DivisionCode, Name: in.Name, Unit: unit, PostIDs: in.PostIDs, registeredBy: p.UserID, RegisteredBy: p.Name}
		var userID, unitID *int64
		if in.UserID != 0 {
			userID = &in.UserID
		}
		if in.UnitID != 0 {
			unitID = &in.UnitID
		}
		if id, err = s.Store.insertMember(ctx, m, sealed, userID, unitID, s.now()); err != nil {
			return err
		}
		// Neither the name nor the phone goes to the audit log.
		return s.Audit.Write(ctx, audit.Entry{Action: "partymember.register", ObjectType: "party_member", ObjectID: idString(id),
			Detail: map[string]any{"division_code": in.DivisionCode, "unit": unit, "posts": in.PostIDs, "self": p.Role == auth.Resident}})
	})
	if err != nil {
		return nil, err
	}
	if p.Role == auth.Resident {
		return s.Mine(ctx)
	}
	return s.Member(ctx, id)
}

func (s *Service) unitName(ctx context.Context, id int64) (string, string, error) {
	if s.Units == nil {
		return "", "", errs.NotFound("partymember.unit_not_found", id)
	}
	return s.Units.UnitName(ctx, id)
}

// UnitsIn lists the resident units a member of a community may choose as
// their work unit (none without the registry).
func (s *Service) UnitsIn(ctx context.Context, code string) ([]UnitChoice, error) {
	if s.Units == nil {
		return nil, nil
	}
	return s.Units.UnitsIn(ctx, code)
}

// withHours fills the members' service hours of this year.
func (s *Service) withHours(ctx context.Context, ms []*PartyMember) error {
	if s.Hours == nil {
		return nil
	}
	var ids []int64
	for _, m := range ms {
		if m.UserID != 0 {
			ids = append(ids, m.UserID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	y := strconv.Itoa(s.Year())
	h, err := s.Hours.HoursOfAccounts(ctx, ids, y+"-01-01", y+"-12-31")
	if err != nil {
		return err
	}
	for _, m := range ms {
		m.Hours = float64(h[m.UserID]) / 100
	}
	return nil
}

func (s *Service) open(m *PartyMember, sealed string) error {
	if sealed == "" {
		return nil
	}
	v, err := s.Keys.Open(sealed)
	if err != nil {
		return errs.Internal("partymember.Service.open: phone", err)
	}
	m.Phone = v
	return nil
}

// Member reads a registration with its phone and this year's hours; the
// read is audited (Party membership is personal data). Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Member(ctx context.Context, id int64) (*PartyMember, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	m, sealed, err := s.Store.member(ctx, id, false)
	err = s.Audit.RefusedOutside(ctx, err, "partymember.read", "party_member", id, s.Store.exists)
	if err != nil {
		return nil, err
	}
	if err := s.open(m, sealed); err != nil {
		return nil, err
	}
	if err := s.withHours(ctx, []*PartyMember{m}); err != nil {
		return nil, err
	}
	if err := s.Audit.Write(ctx, audit.Entry{Action: "partymember.read", ObjectType: "party_member", ObjectID: idString(id)}); err != nil {
		return nil, err
	}
	return m, nil
}

// Mine reads the signed-in resident's own registration. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Mine(ctx context.Context) (*PartyMember, error) {
	if _, err := auth.Require(ctx, auth.Resident); err != nil {
		return nil, err
	}
	m, sealed, err := s.Store.member(ctx, 0, true)
	if err != nil {
		return nil, err
	}
	if err := s.open(m, sealed); err != nil {
		return nil, err
	}
	return m, s.withHours(ctx, []*PartyMember{m})
}

// List reads one page of the registrations the filter selects, with this
// year's hours. Errors: EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]PartyMember, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	ms, more, err := s.Store.members(ctx, f)
	if err != nil {
		return nil, false, err
	}
	if err := s.withHours(ctx, ms); err != nil {
		return nil, false, err
	}
	out := make([]PartyMember, 0, len(ms))
	for _, m := range ms {
		out = append(out, *m)
	}
	return out, more, nil
}

// Decide confirms or refuses a pending registration (a reason is needed
// to refuse); whoever entered it may not. Errors: EINVALID, ENOTFOUND,
// EFORBIDDEN, ECONFLICT (decided already).
func (s *Service) Decide(ctx context.Context, id int64, confirm bool, reason string) (*PartyMember, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var bad errs.Fields
	text(&bad, "reason", reason, 500, !confirm)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		m, _, err := s.Store.member(ctx, id, false)
		err = s.Audit.RefusedOutside(ctx, err, "partymember.decide", "party_member", id, s.Store.exists)
		if err != nil {
			return err
		}
		if m.Status != Pending {
			return errs.Conflict("partymember.decided")
		}
		if m.registeredBy == p.UserID {
			return errs.E(errs.EFORBIDDEN, "partymember.own_entry")
		}
		status := Refused
		if confirm {
			status = Confirmed
		}
		if err := s.Store.decide(ctx, id, status, reason, p.UserID, p.Name, s.now()); err != nil {
			return err
		}
		action := "partymember.refuse"
		if confirm {
			action = "partymember.confirm"
		}
		return s.Audit.Write(ctx, audit.Entry{Action: action,
			ObjectType: "party_member", ObjectID: idString(id), Detail: map[string]any{"reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Member(ctx, id)
}

// ---- figures

// Figures is the coverage of the caller's area (or of division inside
// it): confirmed members by community and by work unit, and the share of
// them with volunteer service hours this year. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, division string) (*PartyFigures, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	f := Filter{Division: division, Status: Confirmed}
	if err := f.check(); err != nil {
		return nil, err
	}
	ms, _, err := s.Store.members(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := s.withHours(ctx, ms); err != nil {
		return nil, err
	}
	out := &PartyFigures{Year: s.Year(), Total: PartyCoverage{Key: "total"}, Communities: []PartyCoverage{}, Units: []PartyCoverage{}}
	comms, units := map[string]*PartyCoverage{}, map[string]*PartyCoverage{}
	add := func(c *PartyCoverage, m *PartyMember) {
		c.Members++
		c.Hours += m.Hours
		if m.Hours > 0 {
			c.Serving++
		}
	}
	for _, m := range ms {
		if comms[m.DivisionCode] == nil {
			comms[m.DivisionCode] = &PartyCoverage{Key: m.DivisionCode, Name: m.DivisionName, Division: m.DivisionCode}
		}
		if units[m.Unit] == nil {
			units[m.Unit] = &PartyCoverage{Key: m.Unit, Name: m.Unit}
		}
		add(comms[m.DivisionCode], m)
		add(units[m.Unit], m)
		add(&out.Total, m)
	}
	share := func(c *PartyCoverage) {
		if c.Members > 0 {
			c.Share = float64(c.Serving) / float64(c.Members)
		}
	}
	share(&out.Total)
	for _, c := range comms {
		share(c)
		out.Communities = append(out.Communities, *c)
	}
	for _, c := range units {
		share(c)
		out.Units = append(out.Units, *c)
	}
	sort.Slice(out.Communities, func(i, j int) bool { return out.Communities[i].Key < out.Communities[j].Key })
	sort.Slice(out.Units, func(i, j int) bool {
		if out.Units[i].Members != out.Units[j].Members {
			return out.Units[i].Members > out.Units[j].Members
		}
		return out.Units[i].Key < out.Units[j].Key
	})
	return out, nil
}
