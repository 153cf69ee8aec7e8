package request

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/notify"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/upload"
)

// PhotoOwner is the owner name of request photos in the blob store.
const PhotoOwner = "request.photo"

// Settings keys and their defaults.
const (
	SettingReturnsLimit = "returns_limit" // returns before the level above must decide
	DefaultReturnsLimit = 3
	MaxPhotos           = 4
)

// Service holds the slice's rules.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Keys     *pii.Ring
	Blobs    *upload.Store
	Photos   upload.Config
	Calendar *calendar.Calendar
	Outbox   *notify.Outbox
	Now      func() time.Time
	// Places is the division picker of the request form, and Contacts the
	// signed-in resident's own details that pre-fill it (web_picker.go);
	// both set in internal/app, either may be nil.
	Places   *division.Service
	Contacts Contacts
	// Cases links the request page to a case opened from it (links.go);
	// set in internal/app, may be nil.
	Cases CaseLinks
	// Onward are other slices' next steps from a request's page (政务代办:
	// turn it into a proxy case), set in internal/app.
	Onward []Onward
	// Router may send a new request to a unit before the category's
	// rule (router.go); set in internal/app, may be nil.
	Router Router
}

// Onward is another slice's next step from a request's page: a link and
// the message key of its label, or an empty link when the caller cannot
// take it.
type Onward func(ctx context.Context, r *Request) (link, label string)

// OnwardLink is one such step as the page shows it.
type OnwardLink struct{ Link, Label string }

// NewService makes the service; cal may be nil (the shipped calendar).
// out is the platform's one outbox (built once in internal/app).
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring, cal *calendar.Calendar, out *notify.Outbox) *Service {
	if cal == nil {
		var err error
		if cal, err = calendar.Shipped(); err != nil {
			panic(err) // the shipped file is embedded and tested
		}
	}
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Blobs: upload.NewStore(d),
		Photos:   upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}},
		Calendar: cal, Outbox: out, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func lang(p *auth.Principal) string {
	if p != nil && p.Lang == "en" {
		return "en"
	}
	return "zh"
}

// actor is who acts, with the unit it acts for (0: none).
type actor struct {
	*auth.Principal
	unitID int64
}

func (a actor) id() *int64 {
	if a.UserID == 0 {
		return nil
	}
	v := a.UserID
	return &v
}

func (a actor) unit() *int64 {
	if a.unitID == 0 {
		return nil
	}
	v := a.unitID
	return &v
}

func (s *Service) actor(ctx context.Context, roles ...auth.Role) (actor, error) {
	p, err := auth.Require(ctx, roles...)
	if err != nil {
		return actor{}, err
	}
	a := actor{Principal: p}
	if p.Role == auth.HandlingUnit || p.Role == auth.TownshipStaff || p.Role == auth.CommunityWorker {
		if a.unitID, err = s.Store.unitOfUser(ctx, p.UserID, p.Area.Code); err != nil {
			return actor{}, errs.Internal("request.Service.actor: unitOfUser", err)
		}
	}
	return a, nil
}

// reach is what the actor may read.
func (a actor) reach() reach {
	switch {
	case a.Role == auth.System:
		return reach{all: true}
	case a.Role == auth.Resident:
		return reach{residentID: a.UserID}
	case a.Role == auth.HandlingUnit:
		if a.unitID == 0 {
			return reach{}
		}
		return reach{unitID: a.unitID}
	case a.Role.Staff():
		lo, hi := a.Area.Range()
		return reach{lo: lo, hi: hi}
	}
	return reach{}
}

// holds reports whether the actor's unit is the request's lead unit.
func (a actor) holds(r *Request) bool {
	return a.unitID != 0 && r.UnitID != nil && *r.UnitID == a.unitID
}

// present fills the phone of a request in a list or an answer to a
// step: the resident's own whole, everyone else's masked (and nothing
// toward units when anonymous).
func (s *Service) present(a actor, r *Request) { s.show(a, r, false) }

// residentEvents are the timeline entries a resident sees: what happened to
// their request, not the handling's internals (returns, supervision,
// reminders, extensions and appeals with their reasons, deadline alerts).
var residentEvents = map[string]bool{EventSubmit: true, ActDispatch: true, ActAccept: true, ActReply: true,
	ActClose: true, ActCallback: true, ActRate: true, EventReopen: true}

// forResident trims a request to what its resident is shown: the unit and
// the status in plain words. Staff are named by role, not by their account
// names; internal counts and notes are left out.
func forResident(r *Request) {
	r.Returns, r.Supervised, r.Excluded, r.DispatchRank = 0, false, false, 0
	r.WarnedAt, r.EscalatedAt = nil, nil
	r.Extensions, r.Appeals = nil, nil
	events := r.Events[:0]
	for _, e := range r.Events {
		if !residentEvents[e.Action] {
			continue
		}
		if e.ActorRole != string(auth.Resident) {
			e.ActorName = ""
			e.Note = ""
		}
		if e.Action == ActCallback || e.Action == ActDispatch {
			e.Data = nil
		}
		events = append(events, e)
	}
	r.Events = events
	for i := range r.Callbacks {
		if r.Callbacks[i].Kind != KindRating {
			r.Callbacks[i].ActorName, r.Callbacks[i].Comment = "", ""
		}
	}
}

// show is present, and with whole the unit holding the request sees the
// phone whole on the request's page (Get audits it); it reports whether a
// unit saw it whole.
func (s *Service) show(a actor, r *Request, whole bool) bool {
	phone := ""
	if r.phoneSealed != "" {
		if v, err := s.Keys.Open(r.phoneSealed); err == nil {
			phone = v
		}
	}
	if a.Role == auth.Resident {
		forResident(r)
	}
	switch {
	case a.Role == auth.System || (a.Role == auth.Resident && r.ResidentID != nil && *r.ResidentID == a.UserID):
		r.Phone = phone
	case a.Role == auth.HandlingUnit || a.holds(r):
		if r.Anonymous {
			r.Phone, r.ContactName = "", ""
		} else if a.holds(r) && whole {
			r.Phone = phone
			return phone != ""
		} else {
			r.Phone = pii.Mask(phone)
		}
	default:
		r.Phone = pii.Mask(phone)
	}
	return false
}

// Create files a request: a resident for themselves (channel web), staff
// on a resident's behalf (channel phone or walk_in) inside their area. The
// deadlines come from the policy in force for the category and division;
// the policy's default unit, when there is one, receives it at once.
//
// Errors: EFORBIDDEN, EINVALID (fields), ENOTFOUND (division outside the
// staff's area).
func (s *Service) Create(ctx context.Context, in Intake) (*Request, error) {
	a, err := s.actor(ctx, CreateRoles...)
	if err != nil {
		return nil, err
	}
	cat, err := s.checkIntake(ctx, a, &in)
	if err != nil {
		return nil, err
	}
	sealed, index := "", ""
	if in.Phone != "" {
		if sealed, err = s.Keys.Seal(in.Phone); err != nil {
			return nil, errs.Internal("request.Service.Create: Seal", err)
		}
		index = s.Keys.Index(in.Phone)
	}
	// Reads before the write transaction, so the one writer is held for
	// the writes only; divisions and rules change rarely, and a rule added
	// between here and the insert takes effect from the next request.
	divName, err := s.Store.divisionName(ctx, in.DivisionCode)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, errs.Invalid(errs.Field("division_code", "request.bad_community"))
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	pol, err := s.Store.policyFor(ctx, cat.Code, cat.ParentCode, in.DivisionCode, now)
	if err != nil {
		return nil, errs.Internal("request.Service.Create: policyFor", err)
	}
	lim := s.limits(pol, in.Urgency)
	created := intakeRecord{in: in, divisionName: divName, cat: cat, status: StatusSubmitted, pol: pol,
		responseDue: s.due(now, lim.Response), resolutionDue: s.due(now, lim.Resolution), sealed: sealed, index: index, at: now, by: a.Name}
	if pol != nil && pol.UnitID != nil {
		// The rule's default unit receives it at once.
		created.unit, created.unitName = *pol.UnitID, pol.UnitName
	}
	dispatchData := map[string]any{}
	if pol != nil {
		dispatchData["policy"] = pol.ID
	}
	if u, err := s.route(ctx, &in, cat); err != nil {
		return nil, err
	} else if u != nil {
		// A router's unit comes before the rule's (物业: the compound's company).
		created.unit, created.unitName = u.ID, u.Name
		dispatchData["routed"] = "compound"
		dispatchData["compound_id"] = in.CompoundID
	}
	if created.unit != 0 {
		t := now
		created.status, created.dispatchedAt = StatusDispatched, &t
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		id, err := s.Store.insert(ctx, &created)
		if err != nil {
			return err
		}
		created.id = id
		unit := created.unit
		if err := s.Store.addStats(ctx, map[statKey]statVec{{month: now.In(china).Format("2006-01"), division: in.DivisionCode, unit: unit}: {0: 1}}); err != nil {
			return err
		}
		for _, ph := range in.Photos {
			b, err := s.Blobs.Put(ctx, PhotoOwner, in.DivisionCode, ph)
			if err != nil {
				return err
			}
			if err := s.Store.addIntakePhoto(ctx, id, b); err != nil {
				return err
			}
		}
		if err := s.Store.event(ctx, id, EventSubmit, a.id(), a.Name, string(a.Role), nil, "",
			map[string]any{"channel": in.Channel, "urgency": in.Urgency}, now); err != nil {
			return errs.Internal("request.Service.Create: event", err)
		}
		if unit != 0 {
			if err := s.Store.assign(ctx, id, unit, "lead", now); err != nil {
				return err
			}
			if err := s.Store.event(ctx, id, ActDispatch, nil, "system", string(auth.System), &unit, "",
				dispatchData, now); err != nil {
				return errs.Internal("request.Service.Create: event", err)
			}
			if err := s.Outbox.ToUnit(ctx, unit, note(id, "request.note.dispatched", Number(id, now), in.Title)); err != nil {
				return err
			}
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "request.create", ObjectType: "request", ObjectID: strconv.FormatInt(id, 10),
			Result: audit.OK, Detail: map[string]any{"division": in.DivisionCode, "category": cat.Code, "channel": in.Channel,
				"urgency": in.Urgency, "photos": len(in.Photos), "dispatched": unit != 0}}); err != nil {
			return err
		}
		return s.notifyResident(ctx, in.ResidentID, sealed, note(id, "request.note.received", Number(id, now)))
	})
	if err != nil {
		return nil, err
	}
	out := created.request(lang(a.Principal))
	s.present(a, out)
	return out, nil
}

// checkIntake tidies and checks what a request is filed with (in place):
// its fields, the channel for the actor's role, the category (returned),
// and that staff file inside their area; then fills the urgency from the
// category and the title from the description when they are empty.
//
// Errors: EINVALID (fields), ENOTFOUND (division outside the staff's area).
func (s *Service) checkIntake(ctx context.Context, a actor, in *Intake) (*Category, error) {
	in.Description = strings.TrimSpace(in.Description)
	in.Address = clip(in.Address, 200)
	in.ContactName = clip(in.ContactName, 50)
	in.Phone = strings.TrimSpace(in.Phone)
	var f errs.Fields
	if !division.ValidCode(in.DivisionCode) || division.LevelFromCode(in.DivisionCode) != division.Community {
		f.Add("division_code", "request.bad_community")
	}
	if n := utf8.RuneCountInString(in.Description); n < 5 || n > 2000 {
		f.Add("description", "request.bad_description")
	}
	if in.Phone != "" && !idcard.ValidMobile(in.Phone) {
		f.Add("phone", "request.bad_phone")
	}
	if in.Urgency != "" && !oneOf(in.Urgency, Urgencies) {
		f.Add("urgency", "error.one_of", strings.Join(Urgencies, ", "))
	}
	if len(in.Photos) > MaxPhotos {
		f.Add("photos", "request.too_many_photos", MaxPhotos)
	}
	switch {
	case a.Role == auth.Resident:
		in.Channel, in.ResidentID = ChannelWeb, a.UserID
	case in.Channel == "":
		in.Channel = ChannelPhone
	case !oneOf(in.Channel, Channels):
		f.Add("channel", "error.one_of", strings.Join(Channels, ", "))
	}
	if a.Role != auth.Resident && in.Phone == "" && in.ResidentID == 0 && in.Channel != ChannelVisit && in.Channel != ChannelPatrol {
		f.Add("phone", "request.phone_needed")
	}
	var cat *Category
	if in.CategoryCode == "" {
		f.Add("category_code", "error.required")
	} else {
		var err error
		if cat, err = s.Store.category(ctx, in.CategoryCode); err != nil {
			if errs.Code(err) != errs.ENOTFOUND {
				return nil, err
			}
			f.Add("category_code", "request.bad_category")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if a.Role.Staff() && !a.Area.Contains(in.DivisionCode) {
		return nil, errs.NotFound("request.division_not_found", in.DivisionCode)
	}
	if in.Urgency == "" {
		in.Urgency = cat.Urgency
	}
	if in.Title == "" {
		in.Title = clip(strings.SplitN(in.Description, "\n", 2)[0], 40)
	}
	in.Title = clip(in.Title, 100)
	return cat, nil
}

// intakeRecord is what Create wrote: the new request is answered from it
// rather than read back (TestCreateAnswersAsGet holds the two equal).
type intakeRecord struct {
	id            int64
	in            Intake
	divisionName  string
	cat           *Category
	status        string
	pol           *Policy
	responseDue   time.Time
	resolutionDue time.Time
	dispatchedAt  *time.Time
	unit          int64 // the unit that receives it at once (0: none)
	unitName      string
	sealed, index string // the phone, sealed, and its blind index
	at            time.Time
	by            string
}

func (n *intakeRecord) request(lang string) *Request {
	r := &Request{ID: n.id, Number: Number(n.id, n.at), DivisionCode: n.in.DivisionCode, DivisionName: n.divisionName,
		CategoryCode: n.cat.Code, CategoryName: n.cat.NameZh, Urgency: n.in.Urgency, Status: n.status, Channel: n.in.Channel,
		Title: n.in.Title, Description: n.in.Description, Address: n.in.Address, ContactName: n.in.ContactName,
		Anonymous: n.in.Anonymous, DispatchRank: auth.TownshipStaff.Rank(), ResponseDue: n.responseDue.UTC(),
		ResolutionDue: n.resolutionDue.UTC(), DispatchedAt: n.dispatchedAt, Version: 1, CreatedAt: n.at, CreatedBy: n.by,
		UpdatedAt: n.at, phoneSealed: n.sealed}
	if lang == "en" && n.cat.NameEn != "" {
		r.CategoryName = n.cat.NameEn
	}
	if n.in.ResidentID != 0 {
		id := n.in.ResidentID
		r.ResidentID = &id
	}
	if n.pol != nil {
		id := n.pol.ID
		r.PolicyID = &id
	}
	if n.unit != 0 {
		unit := n.unit
		r.UnitID, r.UnitName = &unit, n.unitName
	}
	return r
}

// limits are the policy's limits for an urgency, else the defaults.
func (s *Service) limits(p *Policy, urgency string) Limits {
	if p != nil {
		if l, ok := p.Limits[urgency]; ok {
			return l
		}
	}
	if l, ok := DefaultLimits[urgency]; ok {
		return l
	}
	return DefaultLimits[UrgencyGeneral]
}

// due is the deadline l after t: hours on the clock, days on the
// working-day calendar.
func (s *Service) due(t time.Time, l Limit) time.Time {
	if l.Workdays > 0 {
		return s.Calendar.AddWorkdays(t, l.Workdays)
	}
	return t.Add(time.Duration(l.Hours) * time.Hour)
}

// notifyResident tells the resident of a request: in their inbox (and by
// SMS when they chose it), or by SMS to the number a resident without an
// account gave.
func (s *Service) notifyResident(ctx context.Context, residentID int64, phoneSealed string, n notify.Note) error {
	if residentID != 0 {
		return s.Outbox.ToUser(ctx, residentID, n)
	}
	if phoneSealed != "" {
		return s.Outbox.ToPhone(ctx, phoneSealed, n)
	}
	return nil
}

// Get reads one request with its timeline, photos, assisting units,
// callbacks, extensions and appeals, as the caller may see it.
//
// Errors: EFORBIDDEN, ENOTFOUND (missing or out of reach; refusals are
// audited).
func (s *Service) Get(ctx context.Context, id int64) (*Request, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.get(ctx, id, a.reach(), lang(a.Principal), false)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, id) {
			s.refused(ctx, "request.read", id)
		}
		return nil, err
	}
	if err := s.Store.details(ctx, r); err != nil {
		return nil, errs.Internal("request.Service.Get: details", err)
	}
	if s.show(a, r, true) {
		// The unit holding the request sees the phone to call back; each
		// such view is on record.
		_ = s.Audit.WriteAlone(ctx, audit.Entry{Action: "request.phone.view", ObjectType: "request", ObjectID: strconv.FormatInt(id, 10),
			Result: audit.OK, Detail: map[string]any{"unit": a.unitID}})
	}
	return r, nil
}

// ByNumber reads a request by its number, as Get.
func (s *Service) ByNumber(ctx context.Context, number string) (*Request, error) {
	id, _, ok := ParseNumber(number)
	if !ok {
		return nil, errs.Invalid(errs.Field("number", "request.bad_number"))
	}
	return s.Get(ctx, id)
}

func (s *Service) refused(ctx context.Context, action string, id int64) {
	db.AfterTx(ctx, func(ctx context.Context) {
		s.Audit.Refused(ctx, action, "request", id, "out of reach")
	})
}

// List returns a page of the requests the caller may see, newest first:
// a resident their own, a unit those dispatched to it, staff their area.
//
// Errors: EFORBIDDEN, EINVALID (filters), ENOTFOUND (division outside the
// area).
func (s *Service) List(ctx context.Context, f Filter, page, perPage int) ([]Request, bool, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	var fe errs.Fields
	if f.Status != "" && !oneOf(f.Status, Statuses) {
		fe.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	if f.Division != "" && !division.ValidCode(f.Division) {
		fe.Add("division", "division.code_format")
	}
	if len(f.Category) > 40 {
		fe.Add("category", "error.too_long", 40)
	}
	if err := fe.Err(); err != nil {
		return nil, false, err
	}
	if f.Division != "" && a.Role.Staff() {
		lo, hi := a.Area.Range()
		if f.Division < lo || f.Division > hi {
			return nil, false, errs.NotFound("request.division_not_found", f.Division)
		}
	}
	page, perPage = db.Paging(page, perPage)
	items, more, err := s.Store.list(ctx, f, a.reach(), lang(a.Principal), s.now(), page, perPage)
	for i := range items {
		s.present(a, &items[i])
	}
	return items, more, err
}

// Selection picks requests for a feed (Open311's requests.json): by id,
// or else by category, arrival window and open or closed.
type Selection struct {
	IDs        []int64  // when set, the other filters are ignored
	Categories []string // any of these category codes; empty: all
	From, To   time.Time
	Open       bool // not closed only
	Closed     bool // closed only
	Limit      int
}

// Select returns the requests of a selection the caller may see, newest
// first, at most sel.Limit: a resident their own, a unit those dispatched
// to it, staff their area.
//
// Errors: EFORBIDDEN.
func (s *Service) Select(ctx context.Context, sel Selection) ([]Request, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	items, err := s.Store.selection(ctx, sel, a.reach(), lang(a.Principal))
	if err != nil {
		return nil, err
	}
	for i := range items {
		s.present(a, &items[i])
	}
	return items, nil
}

// PhotoBlob returns a photo of a request the caller may read.
//
// Errors: ENOTFOUND (the request is out of reach or does not hold the blob).
func (s *Service) PhotoBlob(ctx context.Context, id, blob int64) (*upload.Blob, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(r.Photos, blob) && !slices.Contains(r.ReplyPhotos, blob) {
		return nil, errs.NotFound("request.photo_not_found")
	}
	return s.Blobs.Get(ctx, PhotoOwner, blob)
}

// MyUnit is the unit the caller acts for, nil when none.
func (s *Service) MyUnit(ctx context.Context) (*Unit, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if a.unitID == 0 {
		return nil, nil
	}
	return s.Store.unit(ctx, a.unitID)
}
