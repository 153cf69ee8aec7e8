package project

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
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

// Who may do what in this slice.
var (
	// ReadRoles may read the three lists and the figures of their area.
	ReadRoles = auth.AreaStaff()
	// EditRoles record needs and resources, match, run projects and
	// accept another's project.
	EditRoles = auth.OfficeStaff()
)

// PhotoOwner owns the progress reports' photos in upload_blobs.
const PhotoOwner = "project.progress"

// RecurringDays is how far back recurring request categories are counted.
const RecurringDays = 90

// RecurringJob is the daily job that raises needs from recurring
// request categories.
const RecurringJob = "project.recurring"

// RecurringMin is how many requests of a category in a community in
// RecurringDays make it recurring.
const RecurringMin = 5

// People counts the members of a people-registry group in a community
// (counts only, never names). known is false for a group the registry
// does not count.
type People interface {
	CountGroup(ctx context.Context, divisionCode, group string) (n int, known bool, err error)
}

// Registries reads the resources the registries hold (facilities in use
// with their opening hours, social organisations, volunteer teams) at or
// under a division, inside the caller's area.
type Registries interface {
	Resources(ctx context.Context, divisionCode string) ([]Resource, error)
}

// RecurringCategory is a request category with its requests in a
// community over a period.
type RecurringCategory struct {
	DivisionCode string
	Category     string
	Name         string // the category's name in Chinese
	Requests     int
}

// Requests reads the request categories with at least min requests since
// a time in each community between lo and hi.
type Requests interface {
	Recurring(ctx context.Context, lo, hi string, since time.Time, min int) ([]RecurringCategory, error)
}

// Service holds the rules of the three lists.
type Service struct {
	DB     *db.DB
	Store  *Store
	Audit  *audit.Log
	Keys   *pii.Ring
	Blobs  *upload.Store
	Photos upload.Config
	Now    func() time.Time
	// Set in internal/app; each may be nil (then no counts are read, the
	// resource list is empty, no category recurs).
	People     People
	Registries Registries
	Requests   Requests
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Keys: keys, Blobs: upload.NewStore(d),
		Photos: upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}}, Now: time.Now}
}

func (s *Service) today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// refused audits a read or change of a record outside the caller's area.
func (s *Service) refused(ctx context.Context, err error, table, action string, id int64) {
	if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, table, id) {
		s.Audit.Refused(ctx, action, table, id, audit.OutsideArea)
	}
}

// checkDivision adds a field error when code is not a division in the
// caller's area.
func (s *Service) checkDivision(ctx context.Context, code string, bad *errs.Fields) error {
	if code == "" || len(*bad) > 0 && slices.ContainsFunc(*bad, func(f errs.FieldError) bool { return f.Field == "division_code" }) {
		return nil
	}
	_, err := s.Store.divisionName(ctx, code)
	return bad.Missing(err, "division_code", "project.division_not_found", code)
}

// ---- needs

// RaiseNeed records a need, entered by a worker or raised from another
// record (a topic, a survey, a recurring request category, a visit: Source
// and SourceRef). With a Group and no count, the count is read from the
// people registry. Errors: EINVALID, EFORBIDDEN.
func (s *Service) RaiseNeed(ctx context.Context, in NeedInput) (Need, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return Need{}, err
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		id, err = s.raise(ctx, in)
		return err
	})
	if err != nil {
		return Need{}, err
	}
	n, err := s.Store.need(ctx, id)
	if err != nil {
		return Need{}, err
	}
	return *n, nil
}

// raise writes a need and its audit record in ctx's transaction.
func (s *Service) raise(ctx context.Context, in NeedInput) (int64, error) {
	in.clean()
	bad := in.validate()
	if err := s.checkDivision(ctx, in.DivisionCode, &bad); err != nil {
		return 0, err
	}
	if err := bad.Err(); err != nil {
		return 0, err
	}
	if in.Group != "" && in.Affected == 0 && s.People != nil {
		n, known, err := s.People.CountGroup(ctx, in.DivisionCode, in.Group)
		if err != nil {
			return 0, err
		}
		if known {
			in.Affected = n
		}
	}
	id, err := s.Store.insertNeed(ctx, &in, auth.From(ctx).Name, s.now())
	if err != nil {
		return 0, err
	}
	return id, s.Audit.Write(ctx, audit.Entry{Action: "project.need.raise", ObjectType: "need", ObjectID: idString(id),
		Detail: map[string]any{"division_code": in.DivisionCode, "title": in.Title, "kind": in.Kind, "source": in.Source,
			"source_ref": in.SourceRef, "group": in.Group, "affected": in.Affected}})
}

// Needs lists one page of the needs the filter selects in the caller's
// area. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Needs(ctx context.Context, f NeedFilter) ([]Need, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.needs(ctx, f)
}

// Need returns a need; one outside the caller's area is ENOTFOUND, the
// refusal audited. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Need(ctx context.Context, id int64) (*Need, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	return s.need(ctx, id, "project.need.read")
}

func (s *Service) need(ctx context.Context, id int64, action string) (*Need, error) {
	n, err := s.Store.need(ctx, id)
	s.refused(ctx, err, "need", action, id)
	return n, err
}

// CloseNeed closes an open or matched need with a reason. Errors:
// EINVALID, ECONFLICT (served or closed), ENOTFOUND, EFORBIDDEN.
func (s *Service) CloseNeed(ctx context.Context, id int64, reason string) (*Need, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var bad errs.Fields
	text(&bad, "reason", reason, 500, true)
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.need(ctx, id, "project.need.close")
		if err != nil {
			return err
		}
		if n.Status != NeedOpen && n.Status != NeedMatched {
			return errs.Conflict("project.need_not_open")
		}
		before := n.Status
		n.Status, n.CloseReason = NeedClosed, reason
		if err := s.Store.setNeed(ctx, n, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.need.close", ObjectType: "need", ObjectID: idString(id),
			Detail: map[string]any{"before": before, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Need(ctx, id)
}

// ---- resources

// resources reads the registries' resources (facilities, organisations,
// teams, resident units' offers) at or under code (the caller's area when
// empty), inside the caller's area.
func (s *Service) resources(ctx context.Context, code string) ([]Resource, error) {
	if code == "" {
		code = auth.From(ctx).Area.Code
	}
	var out []Resource
	if s.Registries != nil && code != "" {
		if division.ValidCode(code) {
			rs, err := s.Registries.Resources(ctx, code)
			if err != nil {
				return nil, err
			}
			// The registries apply their own area rules; this list keeps
			// to the caller's area whatever they return.
			lo, hi, err := auth.Scope(ctx)
			if err != nil {
				return nil, err
			}
			for _, r := range rs {
				if r.DivisionCode >= lo && r.DivisionCode <= hi {
					out = append(out, r)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DivisionCode != out[j].DivisionCode {
			return out[i].DivisionCode < out[j].DivisionCode
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Resources lists one page of the merged resource list (the units'
// offers and the registries') the filter selects in the caller's area.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) Resources(ctx context.Context, f ResourceFilter) ([]Resource, bool, error) {
	all, err := s.AllResources(ctx, f)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	from := (f.Page - 1) * f.PerPage
	if from >= len(all) {
		return nil, false, nil
	}
	out, more := db.More(all[from:], f.PerPage)
	return out, more, nil
}

// AllResources is every resource the filter selects (exports).
func (s *Service) AllResources(ctx context.Context, f ResourceFilter) ([]Resource, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	all, err := s.resources(ctx, "")
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(all, func(r Resource) bool { return !f.match(&r) }), nil
}

// ---- matching

func distance(a, b string) string {
	ca, cb := division.Code(a), division.Code(b)
	switch {
	case a == b:
		return "community"
	case ca.Level() >= division.Township && cb.Level() >= division.Township && ca.Township() == cb.Township():
		return "township"
	case ca.Level() >= division.County && cb.Level() >= division.County && ca.County() == cb.County():
		return "county"
	}
	return "wider"
}

// near is where resources for a record at code are looked for: its county,
// or the caller's area when that is narrower (a township or community
// worker sees only their own).
func near(ctx context.Context, code string) string {
	county := division.Code(code).County()
	area := auth.From(ctx).Area.Code
	if division.ValidCode(area) && area > county && strings.HasPrefix(code, division.Code(area).Prefix()) {
		return area
	}
	return county
}

var distanceOrder = map[string]int{"community": 0, "township": 1, "county": 2, "wider": 3}

// Matches suggests resources for a need: those that suit its kind (or any
// kind), in the caller's area under the need's county, the same
// community first, then its township, then its county. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) Matches(ctx context.Context, id int64) ([]Match, error) {
	n, err := s.Need(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.matches(ctx, n)
}

func (s *Service) matches(ctx context.Context, n *Need) ([]Match, error) {
	rs, err := s.resources(ctx, near(ctx, n.DivisionCode))
	if err != nil {
		return nil, err
	}
	var out []Match
	for _, r := range rs {
		if r.Serves != "" && r.Serves != n.Kind {
			continue
		}
		out = append(out, Match{Resource: r, Distance: distance(n.DivisionCode, r.DivisionCode)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := distanceOrder[out[i].Distance], distanceOrder[out[j].Distance]
		if di != dj {
			return di < dj
		}
		// A resource meant for this kind before a general one.
		return out[i].Serves != "" && out[j].Serves == ""
	})
	if len(out) > 20 {
		out = out[:20]
	}
	return out, nil
}

// ConfirmMatch links an open need to one of its suggested resources: the
// need is matched. Errors: EINVALID (not a suggested resource), ECONFLICT
// (not open), ENOTFOUND, EFORBIDDEN.
func (s *Service) ConfirmMatch(ctx context.Context, id int64, key string) (*Need, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return nil, err
	}
	key = strings.TrimSpace(key)
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.need(ctx, id, "project.need.match")
		if err != nil {
			return err
		}
		if n.Status != NeedOpen {
			return errs.Conflict("project.need_not_open")
		}
		ms, err := s.matches(ctx, n)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(ms, func(m Match) bool { return m.Key == key })
		if i < 0 {
			return errs.Invalid(errs.Field("resource", "project.not_a_match"))
		}
		n.Status, n.ResourceKey, n.ResourceName = NeedMatched, key, ms[i].Name
		if err := s.Store.setNeed(ctx, n, s.now()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "project.need.match", ObjectType: "need", ObjectID: idString(id),
			Detail: map[string]any{"resource": key, "name": ms[i].Name}})
	})
	if err != nil {
		return nil, err
	}
	return s.Need(ctx, id)
}
