package volunteer

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/lookup"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// StaffRoles keep volunteers, organisations and activities in their area.
	StaffRoles = auth.AreaStaff()
	// OrgRoles may create organisations and name their leads.
	OrgRoles = auth.OfficeStaff()
	// SettingRoles may set the star levels of the deployment.
	SettingRoles = []auth.Role{auth.Admin}
)

// Service holds the rules of volunteer service.
type Service struct {
	DB       *db.DB
	Keys     *pii.Ring
	Audit    *audit.Log
	Measures *measure.Store
	Search   *lookup.Guard // exact searches by ID number or phone
	// Notify tells a volunteer with an account of decisions on what they
	// asked (nil: nobody is told).
	Notify  Notifier
	Now     func() time.Time
	codeKey []byte
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	// The check-in code key is derived from the key ring (its keyed blind
	// index of a fixed label), so it is the same on every node and never
	// stored.
	return &Service{DB: d, Keys: keys, Audit: a, Measures: &measure.Store{DB: d}, Search: lookup.New(d, a, keys), Now: time.Now,
		codeKey: []byte(keys.Index("volunteer.checkin-code.v1"))}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

// activeSince is the first day that counts toward "active": 12 months ago.
func (s *Service) activeSince() string {
	return s.Now().In(calendar.China).AddDate(-1, 0, 0).Format(DateLayout)
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// community checks that code is a village or community inside the caller's
// area. ENOTFOUND otherwise.
func (s *Service) community(ctx context.Context, field, code string) error {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return err
	}
	n, err := s.communitiesIn(ctx, code, lo, hi)
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.Invalid(errs.Field(field, "volunteer.community_not_found", code))
	}
	return nil
}

// myVolunteer is the volunteer id of the caller's account; 0 if none.
func (s *Service) myVolunteer(ctx context.Context) (int64, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	if p.UserID == 0 {
		return 0, nil
	}
	return s.volunteerOf(ctx, p.UserID)
}

// Volunteer returns a volunteer, masked: to staff whose area holds the
// volunteer's community, and to the volunteer themself. Errors: ENOTFOUND
// (also outside the area; audited), EUNAUTHORIZED.
func (s *Service) Volunteer(ctx context.Context, id int64) (*Volunteer, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	stars, err := s.Stars(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.volunteer(ctx, id, stars, me)
	if err != nil {
		return nil, err
	}
	if v.Own || (staff(p) && inScope(ctx, v.CommunityCode)) {
		return v, nil
	}
	s.Audit.Refused(ctx, "volunteer.read", "volunteer", id, audit.OutsideArea)
	return nil, errs.NotFound("volunteer.not_found", id)
}

// Me returns the caller's own volunteer. ENOTFOUND when not registered.
func (s *Service) Me(ctx context.Context) (*Volunteer, error) {
	me, err := s.myVolunteer(ctx)
	if err != nil {
		return nil, err
	}
	if me == 0 {
		return nil, errs.NotFound("volunteer.not_registered")
	}
	return s.Volunteer(ctx, me)
}

func staff(p *auth.Principal) bool { return p.Role == auth.System || p.Role.Staff() }

func inScope(ctx context.Context, code string) bool {
	lo, hi, err := auth.Scope(ctx)
	return err == nil && code >= lo && code <= hi
}

// Filter selects volunteers for a list.
type Filter struct {
	Q        string // part of a name
	Division string // volunteers in communities at or under it
	IDNumber string `json:"-"` // exact and whole, found by blind index
	Phone    string `json:"-"` // exact and whole (a mobile), found by blind index
	Reason   string `json:"-"` // why IDNumber or Phone is searched; audited (platform/lookup)
	Active   bool
	Page     int
	PerPage  int
}

// List returns one page of the volunteers in the caller's area. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Volunteer, bool, error) {
	if _, err := auth.Require(ctx, StaffRoles...); err != nil {
		return nil, false, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	if tooLong(f.Q, 50) {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "volunteer.code_format")
	}
	// A search by a sealed field takes the whole value and a reason, is
	// limited per account and audited (platform/lookup).
	var terms []lookup.Term
	if f.IDNumber = strings.TrimSpace(f.IDNumber); f.IDNumber != "" {
		var ok bool
		if f.IDNumber, ok = lookup.WholeIDNumber(f.IDNumber, s.Now()); !ok {
			bad.Add("id_number", "lookup.id_whole")
		}
		terms = append(terms, lookup.Term{Field: "id_number", Value: f.IDNumber})
	}
	if f.Phone = strings.TrimPrefix(strings.ReplaceAll(strings.TrimSpace(f.Phone), " ", ""), "+86"); f.Phone != "" {
		if !idcard.ValidMobile(f.Phone) {
			bad.Add("phone", "lookup.mobile_whole")
		}
		terms = append(terms, lookup.Term{Field: "phone", Value: f.Phone})
	}
	if err := bad.Err(); err != nil {
		return nil, false, err
	}
	if len(terms) > 0 {
		if err := s.Search.Allow(ctx, "volunteer.search", "volunteer", terms, f.Reason); err != nil {
			return nil, false, err
		}
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	if f.Division != "" {
		dlo, dhi := division.RangeOf(f.Division)
		lo, hi = max(lo, dlo), min(hi, dhi)
	}
	stars, err := s.Stars(ctx)
	if err != nil {
		return nil, false, err
	}
	return s.volunteers(ctx, lo, hi, f, stars)
}

// Register registers a volunteer: a resident registers themself (in their
// own community unless they name another in their area), staff register a
// resident in their area. Errors: EINVALID (a field, or an ID number
// already registered), EFORBIDDEN.
func (s *Service) Register(ctx context.Context, in Registration) (*Volunteer, error) {
	p, err := auth.Require(ctx, append([]auth.Role{auth.Resident}, StaffRoles...)...)
	if err != nil {
		return nil, err
	}
	var userID *int64
	if p.Role == auth.Resident {
		uid := p.UserID
		userID = &uid
		if in.CommunityCode == nil {
			c := p.Area.Code
			in.CommunityCode = &c
		}
	} else if in.UserID != nil {
		userID = in.UserID
	}
	str := func(v *string) string {
		if v == nil {
			return ""
		}
		return strings.TrimSpace(*v)
	}
	r := struct{ community, name, id, phone, avail, areas string }{str(in.CommunityCode), str(in.Name),
		strings.ToUpper(str(in.IDNumber)), strings.ReplaceAll(str(in.Phone), " ", ""), str(in.Availability), str(in.ServiceAreas)}
	skills := cleanList(in.Skills)
	var bad errs.Fields
	if r.community == "" {
		bad.Add("community_code", "error.required")
	}
	switch {
	case r.name == "":
		bad.Add("real_name", "error.required")
	case tooLong(r.name, maxName):
		bad.Add("real_name", "error.too_long", maxName)
	}
	if r.id == "" {
		bad.Add("id_number", "error.required")
	} else if _, key := idcard.Parse(r.id, s.Now()); key != "" {
		bad.Add("id_number", key)
	}
	switch {
	case r.phone == "":
		bad.Add("phone", "error.required")
	case !idcard.ValidMobile(r.phone):
		bad.Add("phone", "idcard.mobile")
	}
	if tooLong(strings.Join(skills, ","), 200) {
		bad.Add("skills", "error.too_long", 200)
	}
	if tooLong(r.avail, 200) {
		bad.Add("availability", "error.too_long", 200)
	}
	if tooLong(r.areas, 200) {
		bad.Add("service_areas", "error.too_long", 200)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if err := s.community(ctx, "community_code", r.community); err != nil {
		return nil, err
	}
	idSealed, err := s.Keys.Seal(r.id)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Register: Seal", err)
	}
	phoneSealed, err := s.Keys.Seal(r.phone)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Register: Seal", err)
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if userID != nil {
			resident, err := s.isResident(ctx, *userID)
			if err != nil {
				return err
			}
			if !resident {
				return errs.Invalid(errs.Field("user_id", "volunteer.user_not_resident"))
			}
			if s.hasVolunteer(ctx, *userID) {
				return errs.Conflict("volunteer.already_registered")
			}
		}
		var err error
		id, err = s.insertVolunteer(ctx, newVolunteer{userID: userID, community: r.community, name: r.name, idSealed: idSealed,
			idIndex: s.Keys.Index(r.id), phoneSealed: phoneSealed, phoneIndex: s.Keys.Index(r.phone), skills: strings.Join(skills, ","),
			availability: r.avail, serviceAreas: r.areas}, s.now(), p.Name)
		if err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "volunteer.register", ObjectType: "volunteer", ObjectID: idStr(id), Result: audit.OK,
			Detail: map[string]any{"community_code": r.community, "self": p.Role == auth.Resident}}); err != nil {
			return err
		}
		return s.refreshCommunity(ctx, r.community)
	})
	if err != nil {
		return nil, err
	}
	return s.Volunteer(ctx, id)
}

// Update changes a volunteer's phone, skills, availability, service areas
// or community (their records move with them). The ID number and name stay
// as registered. Errors: ENOTFOUND, EINVALID, EFORBIDDEN.
func (s *Service) Update(ctx context.Context, id int64, in Registration) (*Volunteer, error) {
	cur, err := s.Volunteer(ctx, id)
	if err != nil {
		return nil, err
	}
	var bad errs.Fields
	if in.IDNumber != nil || in.Name != nil || in.UserID != nil {
		bad.Add("id_number", "volunteer.identity_fixed")
	}
	community := cur.CommunityCode
	if in.CommunityCode != nil {
		community = strings.TrimSpace(*in.CommunityCode)
	}
	var phoneSealed, phoneIndex *string
	if in.Phone != nil {
		ph := strings.ReplaceAll(strings.TrimSpace(*in.Phone), " ", "")
		if !idcard.ValidMobile(ph) {
			bad.Add("phone", "idcard.mobile")
		} else {
			sealed, err := s.Keys.Seal(ph)
			if err != nil {
				return nil, errs.Internal("volunteer.Service.Update: update volunteers", err)
			}
			ix := s.Keys.Index(ph)
			phoneSealed, phoneIndex = &sealed, &ix
		}
	}
	skills := strings.Join(cur.Skills, ",")
	if in.Skills != nil {
		skills = strings.Join(cleanList(in.Skills), ",")
	}
	avail, areas := cur.Availability, cur.ServiceAreas
	if in.Availability != nil {
		avail = strings.TrimSpace(*in.Availability)
	}
	if in.ServiceAreas != nil {
		areas = strings.TrimSpace(*in.ServiceAreas)
	}
	for f, v := range map[string]string{"skills": skills, "availability": avail, "service_areas": areas} {
		if tooLong(v, 200) {
			bad.Add(f, "error.too_long", 200)
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if community != cur.CommunityCode {
		if err := s.community(ctx, "community_code", community); err != nil {
			return nil, err
		}
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.updateVolunteer(ctx, id, cur.Version, volunteerChange{community: community, skills: skills, availability: avail,
			serviceAreas: areas, phoneSealed: phoneSealed, phoneIndex: phoneIndex}, s.now()); err != nil {
			return err
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "volunteer.update", ObjectType: "volunteer", ObjectID: idStr(id), Result: audit.OK,
			Detail: map[string]any{"community_before": cur.CommunityCode, "community_after": community, "phone_changed": phoneSealed != nil}}); err != nil {
			return err
		}
		if err := s.refreshCommunity(ctx, cur.CommunityCode); err != nil {
			return err
		}
		return s.refreshCommunity(ctx, community)
	})
	if err != nil {
		return nil, err
	}
	return s.Volunteer(ctx, id)
}
