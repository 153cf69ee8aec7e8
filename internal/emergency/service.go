package emergency

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
	"shequ/internal/platform/upload"
)

// VulnerablePerson is a person of the people registry an alert's grid
// workers must reach (the name is plain here and masked before it is
// stored). Reason: living_alone, elderly_disabled or disability.
type VulnerablePerson struct {
	ID            int64
	Name          string
	CommunityCode string
	Reason        string
}

// People reads the vulnerable people of [lo, hi] from the people registry
// (adapted in internal/app over person.Service.Vulnerable).
type People interface {
	Vulnerable(ctx context.Context, lo, hi string, on time.Time) ([]VulnerablePerson, error)
}

// Notice is what an alert announces, for the Notifier.
type Notice struct {
	Key  string // a message key of this slice
	Args []any  // strings, or i18n.Key
	ID   int64  // the alert
	Link string
}

// Notifier puts a notice in the inbox of every enabled account of a role
// in [lo, hi] and queues SMS to those who chose it, set-based and in the
// caller's transaction; it returns how many inboxes and SMS (adapted in
// internal/app over notify.Outbox.ToRoleIn).
type Notifier interface {
	ToRoleIn(ctx context.Context, role auth.Role, lo, hi string, n Notice) (inapp, sms int, err error)
}

// Shelters reads the emergency shelters in use of [lo, hi] from the
// facility registry (adapted in internal/app).
type Shelters interface {
	Shelters(ctx context.Context, lo, hi string) ([]Shelter, error)
}

// Service holds the rules of the slice.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Uploads  *upload.Store
	People   People
	Notify   Notifier
	Shelters Shelters
	Now      func() time.Time
}

// NewService makes the service; People, Notify and Shelters are set when
// the app is wired.
func NewService(d *db.DB, a *audit.Log, up *upload.Store) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Uploads: up, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

var chinaZone = calendar.China

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

// Year is the current year in China.
func (s *Service) Year() int { return s.Now().In(calendar.China).Year() }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// inside checks that a community lies in the caller's area; one outside is
// a field error naming it (the caller cannot keep records there) and the
// attempt is audited.
func (s *Service) inside(ctx context.Context, action, field, code string) error {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return err
	}
	if code < lo || code > hi {
		s.Audit.Refused(ctx, action, "division", code, audit.OutsideArea)
		return errs.Invalid(errs.Field(field, "emergency.outside_area", code))
	}
	return nil
}

func (s *Service) community(ctx context.Context, action, field, code string) error {
	if err := s.inside(ctx, action, field, code); err != nil {
		return err
	}
	if _, err := s.Store.communityName(ctx, code); err != nil {
		return errs.Invalid(errs.Field(field, "emergency.not_a_community"))
	}
	return nil
}

// --- plans

// AddPlan records a new version of a community's plan (the old versions
// stay), with an optional scanned page (an image through upload).
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) AddPlan(ctx context.Context, in PlanInput, file *upload.File) (*Plan, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := s.community(ctx, "emergency.plan.create", "community_code", in.CommunityCode); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var fileID *int64
		name := ""
		if file != nil {
			fid, err := s.Uploads.Put(ctx, "emergency_plan", in.CommunityCode, file)
			if err != nil {
				return err
			}
			fileID, name = &fid, file.Name
		}
		var v int
		if id, v, err = s.Store.insertPlan(ctx, in, fileID, name, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "emergency.plan.create", ObjectType: "emergency_plan", ObjectID: idStr(id),
			Result: audit.OK, Detail: map[string]any{"community_code": in.CommunityCode, "version": v, "title": in.Title}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.plan(ctx, id)
}

// Plans lists the versions of a community's plan, newest (current) first.
// Errors: EFORBIDDEN.
func (s *Service) Plans(ctx context.Context, code string) ([]Plan, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.Store.plans(ctx, code)
}

// CurrentPlan is a community's current plan, nil when it has none. The
// community page shows it to anyone (its version and title are public).
func (s *Service) CurrentPlan(ctx context.Context, code string) (*Plan, error) {
	ps, err := s.Store.plans(auth.With(ctx, auth.SystemPrincipal), code)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}

// PlanFile returns the scanned page of a plan version in the caller's area.
// Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) PlanFile(ctx context.Context, id int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	p, err := s.Store.plan(ctx, id)
	if err != nil {
		return nil, s.Audit.RefusedOutside(ctx, err, "emergency.plan.read", "emergency_plan", id, s.Store.exists("plan"))
	}
	if p.FileID == nil {
		return nil, errs.NotFound("emergency.plan_not_found", id)
	}
	return s.Uploads.Load(ctx, "emergency_plan", *p.FileID)
}

// --- drills

// AddDrill records a drill, with an optional photo. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) AddDrill(ctx context.Context, in DrillInput, photo *upload.File) (*DrillRecord, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.check(s.today()); err != nil {
		return nil, err
	}
	if err := s.community(ctx, "emergency.drill.create", "community_code", in.CommunityCode); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var photoID *int64
		if photo != nil {
			pid, err := s.Uploads.Put(ctx, "emergency_drill", in.CommunityCode, photo)
			if err != nil {
				return err
			}
			photoID = &pid
		}
		if id, err = s.Store.insertDrill(ctx, in, photoID, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "emergency.drill.create", ObjectType: "emergency_drill", ObjectID: idStr(id),
			Result: audit.OK, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	ds, _, err := s.Store.drills(ctx, in.CommunityCode, in.CommunityCode, yearOf(in.HeldOn), 1, 200)
	if err != nil {
		return nil, err
	}
	for i := range ds {
		if ds[i].ID == id {
			return &ds[i], nil
		}
	}
	return nil, errs.Internal("emergency.Service.AddDrill: re-read", errs.NotFound("emergency.drill_not_found", id))
}

func yearOf(date string) int {
	y, _ := strconv.Atoi(date[:4])
	return y
}

// Drills lists one page of the drills at or under code (the caller's area
// when empty) held in year, newest first. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Drills(ctx context.Context, code string, year, page, perPage int) ([]DrillRecord, bool, error) {
	lo, hi, err := s.area(ctx, code)
	if err != nil {
		return nil, false, err
	}
	if year == 0 {
		year = s.Year()
	}
	page, perPage = db.Paging(page, perPage)
	return s.Store.drills(ctx, lo, hi, year, page, perPage)
}

// DrillPhoto returns a drill's photo in the caller's area. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) DrillPhoto(ctx context.Context, id int64) (*upload.Blob, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	pid, err := s.Store.drillPhoto(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.Uploads.Load(ctx, "emergency_drill", pid)
}

// area checks a division filter: empty is the caller's area; one outside
// it is ENOTFOUND. Errors: EFORBIDDEN.
func (s *Service) area(ctx context.Context, code string) (string, string, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return "", "", err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil || code == "" {
		return lo, hi, err
	}
	if !division.ValidCode(code) {
		return "", "", errs.Invalid(errs.Field("division", "emergency.code_format"))
	}
	clo, chi := division.Code(code).Range()
	if clo < lo || chi > hi {
		return "", "", errs.NotFound("emergency.division_not_found", code)
	}
	return clo, chi, nil
}

// --- fire stations

// AddStation records a micro fire station. Errors: EINVALID, EFORBIDDEN.
func (s *Service) AddStation(ctx context.Context, in StationInput) (*Station, error) {
	p, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if err := s.community(ctx, "emergency.station.create", "community_code", in.CommunityCode); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if id, err = s.Store.insertStation(ctx, in, p.Name, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "emergency.station.create", ObjectType: "fire_station", ObjectID: idStr(id),
			Result: audit.OK, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	sts, err := s.Store.stations(ctx, in.CommunityCode, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	for i := range sts {
		if sts[i].ID == id {
			return &sts[i], nil
		}
	}
	return nil, errs.Internal("emergency.Service.AddStation: re-read", errs.NotFound("emergency.division_not_found", in.CommunityCode))
}

// Stations lists the micro fire stations at or under code (the caller's
// area when empty). Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Stations(ctx context.Context, code string) ([]Station, error) {
	lo, hi, err := s.area(ctx, code)
	if err != nil {
		return nil, err
	}
	return s.Store.stations(ctx, lo, hi)
}

// ShelterList lists the emergency shelters at or under code (the caller's
// area when empty), from the facility registry. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) ShelterList(ctx context.Context, code string) ([]Shelter, error) {
	lo, hi, err := s.area(ctx, code)
	if err != nil {
		return nil, err
	}
	if s.Shelters == nil {
		return []Shelter{}, nil
	}
	return s.Shelters.Shelters(ctx, lo, hi)
}

// Readiness gathers what the community page shows of this slice: the
// current plan's version and title, and the shelters. It is public (read
// as the system), one community only.
func (s *Service) Readiness(ctx context.Context, code string) (plan *Plan, shelters []Shelter, err error) {
	if plan, err = s.CurrentPlan(ctx, code); err != nil {
		return nil, nil, err
	}
	shelters = []Shelter{}
	if s.Shelters != nil {
		shelters, err = s.Shelters.Shelters(auth.With(ctx, auth.SystemPrincipal), code, code)
	}
	return plan, shelters, err
}

// Figures counts an area's emergency work in a year (the current one when
// 0): communities with a plan, drills, shelters and their capacity, fire
// stations, alerts sent to divisions in it and their coverage. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code string, year int) (*AreaFigures, error) {
	lo, hi, err := s.area(ctx, code)
	if err != nil {
		return nil, err
	}
	if year == 0 {
		year = s.Year()
	}
	from, to := yearDates(year)
	start := time.Date(year, 1, 1, 0, 0, 0, 0, calendar.China)
	f, err := s.Store.figures(ctx, lo, hi, from, to, start.UTC(), start.AddDate(1, 0, 0).UTC())
	if err != nil {
		return nil, err
	}
	f.Code, f.Year = code, year
	if s.Shelters != nil {
		sh, err := s.Shelters.Shelters(ctx, lo, hi)
		if err != nil {
			return nil, err
		}
		f.Shelters = len(sh)
		for _, x := range sh {
			f.ShelterCapacity += x.Capacity
		}
	}
	return f, nil
}

// maskName masks a person's name for a task list.
func maskName(name string) string { return pii.MaskName(name) }
