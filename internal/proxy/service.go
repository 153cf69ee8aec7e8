package proxy

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
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// ReadRoles may read cases: staff in their area, a resident their own.
	ReadRoles = append(auth.AreaStaff(), auth.Resident)
	// HandleRoles take cases at the hall and move them.
	HandleRoles = auth.OfficeStaff()
	// OfferRoles choose which services the communities in their area offer.
	OfferRoles = auth.OfficeStaff()
	// CatalogueRoles add services to the catalogue, at their city or county.
	CatalogueRoles = []auth.Role{auth.CountyStaff, auth.CityStaff}
	// RevealRoles may see a case's personal data unmasked, with a reason.
	RevealRoles = auth.OfficeStaff()
)

// Notifier puts a message in an account's inbox, in the writer's
// transaction (package notify, adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// FromRequest is what a case takes from the request (接诉即办) it is filed
// from.
type FromRequest struct {
	Number         string
	CommunityCode  string
	ContactName    string
	ResidentUserID int64 // the resident's account; 0 when filed without one
}

// Requests reads a request the caller may see, by its number (the request
// service, adapted in internal/app). Errors: ENOTFOUND, EINVALID.
type Requests interface {
	ForProxy(ctx context.Context, number string) (*FromRequest, error)
}

// Accounts finds the account of a signed-up resident by mobile number, so
// a case taken at the hall reaches the resident's inbox (the resident
// slice, adapted in internal/app).
type Accounts interface {
	ResidentByPhone(ctx context.Context, phone string) (userID int64, ok bool, err error)
}

// Service holds the rules of 政务代办.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Keys     *pii.Ring
	Measures *measure.Store
	// Calendar is the app's one working-day calendar (shared with the
	// request service, so a day added there counts here at once).
	Calendar *calendar.Calendar
	Notify   Notifier // nil: no inbox messages
	Requests Requests // nil: cases cannot be filed from requests
	Accounts Accounts // nil: a case taken at the hall reaches no inbox
	Now      func() time.Time
}

// NewService makes the service; cal is the app's calendar (nil: the
// shipped one).
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring, cal *calendar.Calendar) *Service {
	if cal == nil {
		cal, _ = calendar.Shipped()
	}
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Measures: &measure.Store{DB: d}, Calendar: cal, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// year returns the year of t in China and its bounds.
func year(t time.Time) (string, time.Time, time.Time) {
	l := t.In(calendar.China)
	from := time.Date(l.Year(), 1, 1, 0, 0, 0, 0, calendar.China)
	return strconv.Itoa(l.Year()), from.UTC(), from.AddDate(1, 0, 0).UTC()
}

// Services lists the catalogue as it applies in the caller's area.
func (s *Service) Services(ctx context.Context) ([]ServiceEntry, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	code := p.Area.Code
	if p.Role == auth.System {
		code = "000000000000"
	}
	return s.Store.services(ctx, code, lo, hi)
}

// Choices lists the services the intake form offers: at a community
// (a resident's, or a community worker's) those it offers, elsewhere the
// whole catalogue that applies. Errors: EFORBIDDEN.
func (s *Service) Choices(ctx context.Context) ([]ServiceEntry, error) {
	all, err := s.Services(ctx)
	if err != nil {
		return nil, err
	}
	p := auth.From(ctx)
	if p.Role == auth.System || division.Code(p.Area.Code).Level() != 5 {
		return all, nil
	}
	on, err := s.Store.offered(ctx, p.Area.Code)
	if err != nil {
		return nil, err
	}
	var out []ServiceEntry
	for _, v := range all {
		if on[v.ID] {
			out = append(out, v)
		}
	}
	return out, nil
}

// AddService adds a service to the catalogue at the caller's city or a
// county in their area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) AddService(ctx context.Context, in ServiceEntryInput) (*ServiceEntry, error) {
	if _, err := auth.Require(ctx, CatalogueRoles...); err != nil {
		return nil, err
	}
	bad := in.clean()
	if in.DivisionCode != "" {
		level, err := s.Store.level(ctx, in.DivisionCode)
		switch {
		case errs.Code(err) == errs.ENOTFOUND:
			bad.Add("division_code", "proxy.division_not_found", in.DivisionCode)
		case err != nil:
			return nil, err
		case level != 2 && level != 3:
			bad.Add("division_code", "proxy.city_or_county")
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var out *ServiceEntry
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		id, err := s.Store.insertService(ctx, &in, auth.From(ctx).Name, s.now())
		if err != nil {
			return err
		}
		out = &ServiceEntry{ID: id, DivisionCode: in.DivisionCode, Name: in.Name, Materials: in.Materials, Department: in.Department, Days: in.Days}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.service.create", ObjectType: "proxy_service", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"division_code": in.DivisionCode, "name": in.Name, "department": in.Department, "days": in.Days}})
	})
	return out, err
}

// community checks that code is a community in the caller's area: a
// field error naming field, or (field empty: the code is the path's)
// ENOTFOUND.
func (s *Service) community(ctx context.Context, code, field string) error {
	level, err := s.Store.level(ctx, code)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && level != 5) {
		if field == "" {
			return errs.NotFound("proxy.not_community", code)
		}
		return errs.Invalid(errs.Field(field, "proxy.not_community", code))
	}
	return err
}

// Offerings lists the services that apply at a community, each marked
// whether the community offers it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Offerings(ctx context.Context, community string) ([]ServiceEntry, error) {
	if _, err := auth.Require(ctx, auth.AreaStaff()...); err != nil {
		return nil, err
	}
	if err := s.community(ctx, community, ""); err != nil {
		return nil, err
	}
	all, err := s.Store.services(ctx, community, community, community)
	if err != nil {
		return nil, err
	}
	on, err := s.Store.offered(ctx, community)
	if err != nil {
		return nil, err
	}
	for i := range all {
		all[i].Offered = on[all[i].ID]
	}
	return all, nil
}

// SetOfferings makes the services a community offers exactly ids (each
// must apply there). Errors: EINVALID, EFORBIDDEN.
func (s *Service) SetOfferings(ctx context.Context, community string, ids []int64) error {
	if _, err := auth.Require(ctx, OfferRoles...); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.community(ctx, community, ""); err != nil {
			return err
		}
		all, err := s.Store.services(ctx, community, community, community)
		if err != nil {
			return err
		}
		known := map[int64]bool{}
		for _, v := range all {
			known[v.ID] = true
		}
		want := map[int64]bool{}
		for _, id := range ids {
			if !known[id] {
				return errs.Invalid(errs.Field("service_ids", "proxy.service_not_found", id))
			}
			want[id] = true
		}
		on, err := s.Store.offered(ctx, community)
		if err != nil {
			return err
		}
		var added, removed []string
		actor, now := auth.From(ctx).Name, s.now()
		for _, v := range all {
			switch {
			case want[v.ID] && !on[v.ID]:
				if err := s.Store.offer(ctx, community, v.ID, actor, now); err != nil {
					return err
				}
				added = append(added, v.Name)
			case !want[v.ID] && on[v.ID]:
				if err := s.Store.withdraw(ctx, community, v.ID); err != nil {
					return err
				}
				removed = append(removed, v.Name)
			}
		}
		if len(added)+len(removed) == 0 {
			return nil
		}
		if err := s.refresh(ctx, community, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.offerings.update", ObjectType: "division", ObjectID: community,
			Detail: map[string]any{"added": added, "removed": removed}})
	})
}

// OfferAll makes every community of a township (or of the caller's
// community itself) offer every service that applies there; it returns
// how many offerings it added. Errors: EINVALID, EFORBIDDEN.
func (s *Service) OfferAll(ctx context.Context, code string) (int, error) {
	if _, err := auth.Require(ctx, OfferRoles...); err != nil {
		return 0, err
	}
	n := 0
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		level, err := s.Store.level(ctx, code)
		if errs.Code(err) == errs.ENOTFOUND || (err == nil && level != 4 && level != 5) {
			return errs.Invalid(errs.Field("division_code", "proxy.not_township", code))
		}
		if err != nil {
			return err
		}
		lo, hi := division.Code(code).Range()
		cs, err := s.Store.communities(ctx, lo, hi)
		if err != nil {
			return err
		}
		actor, now := auth.From(ctx).Name, s.now()
		for _, c := range cs {
			all, err := s.Store.services(ctx, c, c, c)
			if err != nil {
				return err
			}
			on, err := s.Store.offered(ctx, c)
			if err != nil {
				return err
			}
			for _, v := range all {
				if !on[v.ID] {
					if err := s.Store.offer(ctx, c, v.ID, actor, now); err != nil {
						return err
					}
					n++
				}
			}
			if err := s.refresh(ctx, c, now); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.offerings.offer_all", ObjectType: "division", ObjectID: code,
			Detail: map[string]any{"communities": len(cs), "added": n}})
	})
	return n, err
}

// Create takes a case: a resident online for themselves at their
// community; a worker at the hall, or from a request (its community and
// the resident's account come from the request). The community must offer
// the service. Errors: EINVALID, ENOTFOUND (the request), EFORBIDDEN.
func (s *Service) Create(ctx context.Context, in CaseIntake) (*Case, error) {
	p, err := auth.Require(ctx, append(HandleRoles, auth.Resident)...)
	if err != nil {
		return nil, err
	}
	bad := in.clean()
	c := &Case{Status: StatusReceived, Channel: ChannelHall, ServiceID: in.ServiceID, Note: in.Note, CommunityCode: in.CommunityCode}
	switch {
	case p.Role == auth.Resident:
		c.Channel, c.CommunityCode, c.residentUserID = ChannelOnline, p.Area.Code, p.UserID
	case in.RequestNumber != "":
		if s.Requests == nil {
			return nil, errs.Invalid(errs.Field("request_number", "proxy.requests_unwired"))
		}
		r, err := s.Requests.ForProxy(ctx, in.RequestNumber)
		if err != nil {
			return nil, err
		}
		c.Channel, c.RequestNumber, c.CommunityCode, c.residentUserID = ChannelRequest, r.Number, r.CommunityCode, r.ResidentUserID
	}
	if c.CommunityCode == "" {
		bad.Add("community_code", "error.required")
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	if err := s.community(ctx, c.CommunityCode, "community_code"); err != nil {
		return nil, err
	}
	if c.residentUserID == 0 && s.Accounts != nil {
		uid, ok, err := s.Accounts.ResidentByPhone(ctx, in.Phone)
		if err != nil {
			return nil, err
		}
		if ok {
			c.residentUserID = uid
		}
	}
	var sl sealed
	for _, f := range []struct {
		v   string
		out *string
	}{{in.Name, &sl.name}, {in.Phone, &sl.phone}, {in.IDNumber, &sl.id}} {
		if *f.out, err = s.Keys.Seal(f.v); err != nil {
			return nil, errs.Internal("proxy.Service.Create: Seal", err)
		}
	}
	sl.masked, sl.phoneIndex, sl.idIndex = pii.MaskName(in.Name), s.Keys.Index(in.Phone), s.Keys.Index(in.IDNumber)
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		v, err := s.Store.serviceAt(ctx, in.ServiceID, c.CommunityCode)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid(errs.Field("service_id", "proxy.not_offered"))
		}
		if err != nil {
			return err
		}
		on, err := s.Store.offered(ctx, c.CommunityCode)
		if err != nil {
			return err
		}
		if !on[v.ID] {
			return errs.Invalid(errs.Field("service_id", "proxy.not_offered"))
		}
		now := s.now()
		c.DueAt = s.Calendar.AddWorkdays(now, v.Days)
		if id, err = s.Store.insertCase(ctx, c, sl, p.Name, now); err != nil {
			return err
		}
		if err := s.refresh(ctx, c.CommunityCode, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.case.create", ObjectType: "proxy_case", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"community_code": c.CommunityCode, "service": v.Name, "channel": c.Channel, "request_number": c.RequestNumber,
				"name": sl.masked, "phone": pii.Mask(in.Phone), "id_number": pii.MaskIDNumber(in.IDNumber)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// get reads a case within the caller's reach, auditing a refusal.
func (s *Service) get(ctx context.Context, id int64, action string) (*Case, error) {
	c, err := s.Store.getCase(ctx, id)
	if errs.Code(err) == errs.ENOTFOUND && s.Store.caseExists(db.WithoutTx(ctx), id) {
		s.Audit.Refused(ctx, action, "proxy_case", id, audit.OutsideArea)
	}
	if err != nil {
		return nil, err
	}
	s.mask(c)
	return c, nil
}

// mask fills the masked personal data and the overdue flag.
func (s *Service) mask(c *Case) {
	if v, err := s.Keys.Open(c.phoneSealed); err == nil {
		c.Phone = pii.Mask(v)
	}
	if v, err := s.Keys.Open(c.idSealed); err == nil {
		c.IDNumber = pii.MaskIDNumber(v)
	}
	c.Overdue = !c.Finished() && s.Now().After(c.DueAt)
}

// Get returns a case. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, id int64) (*Case, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.get(ctx, id, "proxy.case.read")
}

// Act moves a case: check the materials, submit (every material checked),
// the department's result (done, or refused with a reason; the resident
// is told), close. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) Act(ctx context.Context, id int64, t Transition) (*Case, error) {
	if _, err := auth.Require(ctx, HandleRoles...); err != nil {
		return nil, err
	}
	if !slices.Contains(Actions, t.Action) {
		return nil, errs.Invalid(errs.Field("action", "error.one_of", strings.Join(Actions, ", ")))
	}
	t.Reason = strings.TrimSpace(t.Reason)
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.get(ctx, id, "proxy.case."+t.Action)
		if err != nil {
			return err
		}
		if t.Version != nil && *t.Version != c.Version {
			return errs.Conflict("error.conflict")
		}
		from := c.Status
		wrong := func(want ...string) bool { return !slices.Contains(want, c.Status) }
		now := s.now()
		detail := map[string]any{"from": from}
		switch t.Action {
		case ActCheck:
			if wrong(StatusReceived) {
				return errs.Invalid(errs.Field("action", "proxy.wrong_status"))
			}
			var checked []string
			for _, m := range t.Checked {
				m = strings.TrimSpace(m)
				if !slices.Contains(c.Materials, m) {
					return errs.Invalid(errs.Field("checked", "proxy.unknown_material", m))
				}
				if !slices.Contains(checked, m) {
					checked = append(checked, m)
				}
			}
			c.Checked, detail["checked"] = checked, checked
		case ActSubmit:
			if wrong(StatusReceived) {
				return errs.Invalid(errs.Field("action", "proxy.wrong_status"))
			}
			var missing []string
			for _, m := range c.Materials {
				if !slices.Contains(c.Checked, m) {
					missing = append(missing, m)
				}
			}
			if len(missing) > 0 {
				return errs.Invalid(errs.Field("checked", "proxy.materials_missing", strings.Join(missing, "、")))
			}
			c.Status, c.SubmittedAt = StatusSubmitted, &now
		case ActDone, ActRefuse:
			if wrong(StatusSubmitted) {
				return errs.Invalid(errs.Field("action", "proxy.wrong_status"))
			}
			if t.Action == ActRefuse {
				if len([]rune(t.Reason)) < 2 {
					return errs.Invalid(errs.Field("reason", "proxy.reason_required"))
				}
				if len([]rune(t.Reason)) > 500 {
					return errs.Invalid(errs.Field("reason", "error.too_long", 500))
				}
				c.Status, c.Reason, detail["reason"] = StatusRefused, t.Reason, t.Reason
			} else {
				c.Status = StatusDone
			}
			c.ResultAt = &now
		case ActClose:
			if wrong(StatusDone, StatusRefused) {
				return errs.Invalid(errs.Field("action", "proxy.wrong_status"))
			}
			c.Status, c.ClosedAt = StatusClosed, &now
		}
		if err := s.Store.updateCase(ctx, c, now); err != nil {
			return err
		}
		if (t.Action == ActDone || t.Action == ActRefuse) && c.residentUserID != 0 && s.Notify != nil {
			if err := s.Notify.NotifyUser(ctx, c.residentUserID, "proxy.note."+c.Status, []string{c.ServiceName, c.Reason},
				"proxy_case", c.ID, "/proxy/cases/"+strconv.FormatInt(c.ID, 10)); err != nil {
				return err
			}
		}
		detail["to"] = c.Status
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.case." + t.Action, ObjectType: "proxy_case", ObjectID: strconv.FormatInt(id, 10), Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Rate records the resident's rating (1 非常不满意 … 5 非常满意) of their
// finished case, once. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Rate(ctx context.Context, id int64, level int) (*Case, error) {
	if _, err := auth.Require(ctx, auth.Resident); err != nil {
		return nil, err
	}
	if level < MinRating || level > MaxRating {
		return nil, errs.Invalid(errs.Field("rating", "proxy.rating_range", MinRating, MaxRating))
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.get(ctx, id, "proxy.case.rate")
		if err != nil {
			return err
		}
		if !c.Finished() {
			return errs.Invalid(errs.Field("rating", "proxy.not_finished"))
		}
		if c.Rating != 0 {
			return errs.Invalid(errs.Field("rating", "proxy.rated"))
		}
		c.Rating = level
		if err := s.Store.updateCase(ctx, c, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.case.rate", ObjectType: "proxy_case", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]any{"level": level}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Revealed is a case's personal data unmasked.
type Revealed struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

// Reveal returns a case's personal data unmasked; the audit record keeps
// the reason, who asked and about which case. Errors: EINVALID (no
// reason), ENOTFOUND, EFORBIDDEN.
func (s *Service) Reveal(ctx context.Context, id int64, reason string) (*Revealed, error) {
	if _, err := auth.Require(ctx, RevealRoles...); err != nil {
		if auth.From(ctx) != nil {
			s.Audit.Refused(ctx, "proxy.case.reveal", "proxy_case", id, "no reveal permission")
		}
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case len([]rune(reason)) < 2:
		return nil, errs.Invalid(errs.Field("reason", "proxy.reason_required"))
	case len([]rune(reason)) > 200:
		return nil, errs.Invalid(errs.Field("reason", "error.too_long", 200))
	}
	var out Revealed
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.get(ctx, id, "proxy.case.reveal")
		if err != nil {
			return err
		}
		for _, f := range []struct {
			sealed string
			out    *string
		}{{c.nameSealed, &out.Name}, {c.phoneSealed, &out.Phone}, {c.idSealed, &out.IDNumber}} {
			if *f.out, err = s.Keys.Open(f.sealed); err != nil {
				return errs.Internal("proxy.Service.Reveal: Open", err)
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "proxy.case.reveal", ObjectType: "proxy_case", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"reason": reason, "community_code": c.CommunityCode}})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// List returns one page of the cases the filter selects within the
// caller's reach. Errors: EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Case, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	cs, more, err := s.Store.listCases(ctx, f, s.Keys.Index(strings.ToUpper(f.Q)), s.now())
	for i := range cs {
		s.mask(&cs[i])
	}
	return cs, more, err
}

// RatingSubject names a proxy case and its community for the rating slice.
func (s *Service) RatingSubject(ctx context.Context, id int64) (name, divisionCode string, err error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return "", "", err
	}
	return "代办件 " + strconv.FormatInt(c.ID, 10) + " " + c.ServiceName, c.CommunityCode, nil
}

// CaseFigures counts the cases received this year at or under a division in
// the caller's area (the caller's area when empty). Errors: EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code string) (*CaseFigures, error) {
	p, err := auth.Require(ctx, auth.AreaStaff()...)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	if _, err := s.Store.level(ctx, code); err != nil {
		return nil, err
	}
	now := s.now()
	y, from, to := year(now)
	yi, _ := strconv.Atoi(y)
	f := &CaseFigures{DivisionCode: code, Year: yi, ByStatus: map[string]int{}}
	lo, hi := division.Code(code).Range()
	if err := s.Store.figures(ctx, lo, hi, from, to, now, f); err != nil {
		return nil, err
	}
	cov, err := s.Store.coveredValues(ctx, lo, hi, from, to)
	if err != nil {
		return nil, err
	}
	f.Communities = len(cov)
	return f, nil
}
