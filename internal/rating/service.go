package rating

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Who may do what in this slice.
var (
	// RateRoles give ratings: residents.
	RateRoles = []auth.Role{auth.Resident}
	// ReadRoles read the ratings of their area and its figures.
	ReadRoles = auth.AreaStaff()
	// ReplyRoles reply to a rectification of their area.
	ReplyRoles = auth.OfficeStaff()
)

// Service holds the rules of the service ratings.
type Service struct {
	DB     *db.DB
	Store  *Store
	Audit  *audit.Log
	Notify Notifier
	Now    func() time.Time

	mu    sync.RWMutex
	kinds map[string]SubjectFunc
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Now: time.Now, kinds: map[string]SubjectFunc{}}
}

// Register makes a kind of subject ratable: f resolves its ids. The
// application registers every kind while it is built.
func (s *Service) Register(kind string, f SubjectFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kinds[kind] = f
}

// Kinds lists the registered kinds, sorted.
func (s *Service) Kinds() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.kinds))
	for k := range s.kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Service) kind(k string) (SubjectFunc, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.kinds[k]
	return f, ok
}

// Today is the date in China.
func (s *Service) Today() string { return s.Now().In(calendar.China).Format("2006-01-02") }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// Subject resolves a subject a resident of ctx may rate: a registered
// kind, and a subject of their community or of a division above it.
// Errors: EINVALID (kind), ENOTFOUND.
func (s *Service) Subject(ctx context.Context, kind string, sid int64) (Subject, error) {
	p, err := auth.Require(ctx, RateRoles...)
	if err != nil {
		return Subject{}, err
	}
	f, ok := s.kind(kind)
	if !ok {
		return Subject{}, errs.Invalid(errs.Field("kind", "error.one_of", strings.Join(s.Kinds(), ", ")))
	}
	sub, err := f(ctx, sid)
	if err != nil {
		return Subject{}, err
	}
	sub.Kind, sub.ID = kind, sid
	if p.Role != auth.System && (sub.DivisionCode == "" || !strings.HasPrefix(p.Area.Code, division.Code(sub.DivisionCode).Prefix())) {
		return Subject{}, errs.NotFound("rating.subject_not_found", kind, sid)
	}
	return sub, nil
}

// Rate records a resident's rating of a subject of their community, once
// per subject and occasion. A 差评 opens a rectification owed by the
// subject's community, due DueDays days later. Errors: EINVALID, ECONFLICT
// (rated already), ENOTFOUND, EFORBIDDEN.
func (s *Service) Rate(ctx context.Context, in RateInput) (*Rating, error) {
	p, err := auth.Require(ctx, RateRoles...)
	if err != nil {
		return nil, err
	}
	if bad := in.check(); len(bad) > 0 {
		return nil, bad.Err()
	}
	sub, err := s.Subject(ctx, in.Kind, in.ID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	due := now.In(calendar.China).AddDate(0, 0, DueDays).Format("2006-01-02")
	var rid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if rid, err = s.Store.insert(ctx, sub, in, p.UserID, now.UTC().Truncate(time.Microsecond), due); err != nil {
			return err
		}
		detail := map[string]any{"subject_kind": sub.Kind, "subject_id": sub.ID, "division_code": sub.DivisionCode, "level": in.Level}
		if Bad(in.Level) {
			detail["rectification_due_on"] = due
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "rating.create", ObjectType: "rating", ObjectID: id(rid), Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, rid)
}

// Get returns a rating: to staff inside its area, to the resident who gave
// it. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Get(ctx context.Context, rid int64) (*Rating, error) {
	if _, err := auth.Require(ctx, append(slices.Clone(ReadRoles), RateRoles...)...); err != nil {
		return nil, err
	}
	return s.get(ctx, rid, "rating.read")
}

func (s *Service) get(ctx context.Context, rid int64, action string) (*Rating, error) {
	r, err := s.Store.get(ctx, rid)
	err = s.Audit.RefusedOutside(ctx, err, action, "rating", rid, s.Store.exists)
	if err != nil {
		return nil, err
	}
	s.mark(ctx, r)
	return r, nil
}

func (s *Service) mark(ctx context.Context, r *Rating) {
	r.Overdue = r.Rectification == Open && r.DueOn < s.Today()
	if p := auth.From(ctx); p != nil && p.UserID == r.raterID && p.Role == auth.Resident {
		r.Mine = true
	}
}

// Reply answers a rectification of the caller's area and closes it; the
// rater is told in their inbox. Errors: EINVALID, ECONFLICT (no open
// rectification), ENOTFOUND, EFORBIDDEN.
func (s *Service) Reply(ctx context.Context, rid int64, reply string) (*Rating, error) {
	p, err := auth.Require(ctx, ReplyRoles...)
	if err != nil {
		return nil, err
	}
	reply = strings.TrimSpace(reply)
	switch {
	case reply == "":
		return nil, errs.Invalid(errs.Field("reply", "error.required"))
	case len([]rune(reply)) > maxReply:
		return nil, errs.Invalid(errs.Field("reply", "error.too_long", maxReply))
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.get(ctx, rid, "rating.reply")
		if err != nil {
			return err
		}
		if err := s.Store.reply(ctx, rid, reply, p.Display(), s.Now().UTC().Truncate(time.Microsecond)); err != nil {
			return err
		}
		if s.Notify != nil {
			if err := s.Notify.NotifyUser(ctx, r.raterID, "rating.note.replied", []string{r.SubjectName}, "rating", rid, "/ratings/"+id(rid)); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "rating.reply", ObjectType: "rating", ObjectID: id(rid),
			Detail: map[string]any{"overdue": r.Overdue, "due_on": r.DueOn}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, rid)
}

func (s *Service) checkFilter(f *Filter) error {
	var bad errs.Fields
	f.Q, f.Division = strings.TrimSpace(f.Q), strings.TrimSpace(f.Division)
	if len([]rune(f.Q)) > 50 {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "rating.code_format")
	}
	if f.Level < 0 || f.Level > 5 {
		bad.Add("level", "rating.level_range")
	}
	if f.Rectification != "" && !slices.Contains([]string{Open, Overdue, Done}, f.Rectification) {
		bad.Add("rectification", "error.one_of", "open, overdue, done")
	}
	if f.Kind != "" {
		if _, ok := s.kind(f.Kind); !ok {
			bad.Add("kind", "error.one_of", strings.Join(s.Kinds(), ", "))
		}
	}
	return bad.Err()
}

// List returns one page of the ratings of the caller's area. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Rating, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	if err := s.checkFilter(&f); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	out, more, err := s.Store.list(ctx, f, s.Today())
	for i := range out {
		s.mark(ctx, &out[i])
	}
	return out, more, err
}

// Mine returns one page of the caller's own ratings. Errors: EFORBIDDEN.
func (s *Service) Mine(ctx context.Context, page, perPage int) ([]Rating, bool, error) {
	p, err := auth.Require(ctx, RateRoles...)
	if err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	out, more, err := s.Store.mine(ctx, p.UserID, page, perPage)
	for i := range out {
		s.mark(ctx, &out[i])
	}
	return out, more, err
}

// Figures counts the ratings of a division inside the caller's area (their
// own by default): by level, the share of 好评, and the rectifications
// open, overdue and done. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Figures(ctx context.Context, code string) (*RatingFigures, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if code = strings.TrimSpace(code); code == "" {
		code = p.Area.Code
		if p.Role == auth.System {
			code = "000000000000"
		}
	}
	if code != "000000000000" && !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "rating.code_format"))
	}
	lo, hi := division.Code(code).Range()
	if code == "000000000000" {
		lo, hi = "000000000000", "999999999999"
	}
	if p.Role != auth.System && !p.Area.Contains(code) {
		return nil, errs.NotFound("rating.division_not_found", code)
	}
	f, err := s.Store.figures(ctx, lo, hi, s.Today())
	if err != nil {
		return nil, err
	}
	f.Division = code
	if f.Total > 0 {
		f.GoodShare = float64(f.ByLevel[4]+f.ByLevel[5]) * 100 / float64(f.Total)
	}
	return f, nil
}

// Levels counts the ratings of one kind given in a year (China time) to
// subjects of a division inside the caller's area, per subject and level
// (index 1 to 5): the property slice's yearly company scores. Errors:
// EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Levels(ctx context.Context, kind, code string, year int) (map[int64][6]int64, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "rating.code_format"))
	}
	if p.Role != auth.System && !p.Area.Contains(code) {
		return nil, errs.NotFound("rating.division_not_found", code)
	}
	lo, hi := division.Code(code).Range()
	from := time.Date(year, 1, 1, 0, 0, 0, 0, calendar.China).UTC()
	return s.Store.levels(ctx, kind, lo, hi, from, from.AddDate(1, 0, 0))
}
