package care

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/upload"
)

// PhotoOwner is the owner name of visit photos in the blob store.
const PhotoOwner = "care.visit"

// Service holds the slice's rules.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Measures *measure.Store
	Keys     *pii.Ring
	Blobs    *upload.Store
	// Photos says what a visit photo may be.
	Photos upload.Config
	// People is the people registry; Requests opens requests for
	// follow-ups (nil: the follow-up stays on the visit).
	People   People
	Requests RequestOpener
	// Notify reminds each visitor of the month's visits (nil: nobody is
	// reminded).
	Notify Notifier
	Now    func() time.Time
}

// NewService makes the service.
func NewService(d *db.DB, a *audit.Log, keys *pii.Ring, people People) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Measures: &measure.Store{DB: d}, Keys: keys,
		Blobs: upload.NewStore(d), Photos: upload.Config{MaxBytes: 8 << 20, Types: []string{upload.JPEG, upload.PNG}},
		People: people, Now: time.Now}
}

// CurrentMonth is this month in China.
func (s *Service) CurrentMonth() string { return MonthOf(s.Now()) }

// scope is the code range the caller reads, narrowed to a division filter
// inside it (ENOTFOUND outside).
func (s *Service) scope(ctx context.Context, code string) (string, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", "", err
	}
	if code == "" {
		return lo, hi, nil
	}
	if !division.ValidCode(code) {
		return "", "", errs.Invalid(errs.Field("division", "division.code_format"))
	}
	if code < lo || code > hi {
		return "", "", errs.NotFound("care.division_not_found", code)
	}
	flo, fhi := auth.AreaOf(code, division.LevelFromCode(code)).Range()
	return flo, fhi, nil
}

func (s *Service) checkMonth(m *string) error {
	if *m == "" {
		*m = s.CurrentMonth()
		return nil
	}
	if _, ok := ParseMonth(*m); !ok {
		return errs.Invalid(errs.Field("month", "care.bad_month"))
	}
	return nil
}

// List returns tasks of a month in the caller's area: a grid worker sees
// only the tasks assigned to it; community and township workers every task
// in their area, filtered by assignee, division and status.
//
// Errors: EFORBIDDEN, EINVALID (month, status, division), ENOTFOUND
// (division outside the area).
func (s *Service) List(ctx context.Context, f Filter, page, perPage int) ([]VisitTask, bool, error) {
	p, err := auth.Require(ctx, ListRoles...)
	if err != nil {
		return nil, false, err
	}
	if err := s.checkMonth(&f.Month); err != nil {
		return nil, false, err
	}
	if f.Status != "" && f.Status != "unvisited" && !slices.Contains(Statuses, f.Status) {
		return nil, false, errs.Invalid(errs.Field("status", "error.one_of", strings.Join(Statuses, ", ")))
	}
	if len([]rune(f.Q)) > 50 {
		return nil, false, errs.Invalid(errs.Field("q", "error.too_long", 50))
	}
	lo, hi, err := s.scope(ctx, f.Division)
	if err != nil {
		return nil, false, err
	}
	if p.Role == auth.GridWorker {
		f.Assignee = p.UserID
	}
	page, perPage = db.Paging(page, perPage)
	items, more, err := s.Store.list(ctx, f, lo, hi, s.CurrentMonth(), page, perPage)
	for i := range items {
		s.decorate(p, &items[i])
	}
	return items, more, err
}

func (s *Service) decorate(p *auth.Principal, t *VisitTask) {
	t.CanRecord = slices.Contains(RecordRoles, p.Role) && t.AssigneeID != nil && *t.AssigneeID == p.UserID
	t.CanReassign = slices.Contains(AssignRoles, p.Role)
}

// visible reads a task the caller may see (grid workers: only theirs);
// anything else is ENOTFOUND, audited.
func (s *Service) visible(ctx context.Context, id int64, lock bool) (*VisitTask, *auth.Principal, error) {
	p, err := auth.Require(ctx, ListRoles...)
	if err != nil {
		return nil, nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.Store.task(ctx, id, lo, hi, lock)
	if err == nil && p.Role == auth.GridWorker && (t.AssigneeID == nil || *t.AssigneeID != p.UserID) {
		t, err = nil, errs.NotFound("care.task_not_found")
	}
	if errs.Code(err) == errs.ENOTFOUND && s.Store.taskExists(ctx, id) {
		db.AfterTx(ctx, func(ctx context.Context) {
			s.Audit.Refused(ctx, "care.task.read", "care_task", id, "outside area or not assigned")
		})
	}
	if err != nil {
		return nil, nil, err
	}
	t.Status = t.status(s.CurrentMonth())
	s.decorate(p, t)
	return t, p, nil
}

// Get returns a task with its visits. Errors: as List; ENOTFOUND.
func (s *Service) Get(ctx context.Context, id int64) (*VisitTask, error) {
	t, _, err := s.visible(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if t.VisitsList, err = s.Store.visits(ctx, id); err != nil {
		return nil, err
	}
	for i := range t.VisitsList {
		if err := s.openLocation(&t.VisitsList[i]); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (s *Service) openLocation(v *Visit) error {
	if v.locationSealed == "" {
		return nil
	}
	plain, err := s.Keys.Open(v.locationSealed)
	if err != nil {
		return errs.Internal("care.Service.openLocation: Open", err)
	}
	var l VisitLocation
	if err := json.Unmarshal([]byte(plain), &l); err != nil {
		return errs.Internal("care.Service.openLocation: Unmarshal", err)
	}
	v.Location = &l
	return nil
}

// Recorded is the answer to a visit submission.
type VisitRecorded struct {
	Visit   *Visit `json:"visit"`
	Created bool   `json:"created" doc:"false when this idempotency key was already recorded: nothing new was stored"`
}

// RecordVisit records a visit for a task assigned to the caller, with its
// photos (checked and stripped by package upload), in one transaction with
// the task's count, the month's visited measure of the community, the
// follow-up's request (when a RequestOpener is wired) and the audit
// record. A visit whose idempotency key is already stored records nothing
// and answers the stored visit, so a phone may resend its queue safely.
//
// Errors: EFORBIDDEN (role, or not the task's assignee), ENOTFOUND (task
// outside the area), EINVALID (fields, visit outside the task's month),
// ECONFLICT (the key was used by another account).
func (s *Service) RecordVisit(ctx context.Context, in VisitInput, photos []*upload.File) (*VisitRecorded, error) {
	p, err := auth.Require(ctx, RecordRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if len(photos) > maxPhotos {
		return nil, errs.Invalid(errs.Field("photo", "care.too_many_photos", maxPhotos))
	}
	// A resend answers the first result before anything else is checked
	// again (the task may have been reassigned since).
	if r, err := s.replay(ctx, p, in.IdempotencyKey); r != nil || err != nil {
		return r, err
	}
	var out *VisitRecorded
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		t, _, err := s.visible(ctx, in.TaskID, true)
		if err != nil {
			return err
		}
		if t.AssigneeID == nil || *t.AssigneeID != p.UserID {
			return errs.E(errs.EFORBIDDEN, "care.not_assignee")
		}
		ts := now(s.Now)
		at := ts
		if in.VisitedAt != nil {
			at = in.VisitedAt.UTC().Truncate(time.Microsecond)
		}
		if at.After(ts.Add(5 * time.Minute)) {
			return errs.Invalid(errs.Field("visited_at", "care.visit_in_future"))
		}
		if MonthOf(at) != t.Month {
			return errs.Invalid(errs.Field("visited_at", "care.visit_outside_month", t.Month))
		}
		loc := ""
		if in.Location != nil {
			b, _ := json.Marshal(in.Location)
			if loc, err = s.Keys.Seal(string(b)); err != nil {
				return errs.Internal("care.Service.RecordVisit: Seal", err)
			}
		}
		id, err := s.Store.insertVisit(ctx, t, p, at, in, loc, ts)
		if err != nil {
			return err
		}
		for _, f := range photos {
			bid, err := s.Blobs.Put(ctx, PhotoOwner, t.DivisionCode, f)
			if err != nil {
				return err
			}
			if err := s.Store.addPhoto(ctx, id, bid); err != nil {
				return err
			}
		}
		if err := s.Store.countVisit(ctx, t.ID, at, ts); err != nil {
			return err
		}
		if t.Visits == 0 {
			_, visited, err := s.Store.counts(ctx, t.Month, t.DivisionCode)
			if err != nil {
				return err
			}
			if err := s.Measures.Set(ctx, measure.Key(MeasureVisited, t.Month), t.DivisionCode, visited); err != nil {
				return err
			}
		}
		var reqID *int64
		if in.FollowUp != "" && s.Requests != nil {
			rid, err := s.Requests.OpenFromVisit(ctx, FollowUp{VisitID: id, TaskID: t.ID, PersonID: t.PersonID, PersonName: t.PersonName,
				DivisionCode: t.DivisionCode, Text: in.FollowUp})
			switch c := errs.Code(err); {
			case err == nil:
				reqID = &rid
				if err := s.Store.setFollowUpRequest(ctx, id, rid); err != nil {
					return err
				}
			case c == errs.EINVALID || c == errs.EFORBIDDEN:
				// The request was refused before anything was written
				// (the visitor may not open one, or its text does not
				// fit a request): the visit stands, and the follow-up
				// stays on it for the community to take up.
				slog.Warn("care: follow-up kept on the visit, no request opened", "visit", id, "err", err)
			default:
				return err
			}
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "care.visit.record", ObjectType: "care_task", ObjectID: strconv.FormatInt(t.ID, 10),
			Result: audit.OK, Detail: map[string]any{"visit": id, "method": in.Method, "photos": len(photos), "follow_up": in.FollowUp != ""}}); err != nil {
			return err
		}
		v := &Visit{ID: id, TaskID: t.ID, DivisionCode: t.DivisionCode, VisitorName: p.Name, VisitedAt: at, Method: in.Method,
			Checklist: in.Checklist, Notes: in.Notes, FollowUp: in.FollowUp, FollowUpRequest: reqID, Location: in.Location,
			IdempotencyKey: in.IdempotencyKey, CreatedAt: ts}
		if v.Photos, err = s.Store.photos(ctx, id); err != nil {
			return err
		}
		out = &VisitRecorded{Visit: v, Created: true}
		return nil
	})
	if err != nil && db.IsUniqueViolation(errs.As(err).Err) {
		// Two sends of one visit raced (two tabs, two nodes): the first won.
		if r, rerr := s.replay(ctx, p, in.IdempotencyKey); r != nil || rerr != nil {
			return r, rerr
		}
	}
	return out, err
}

// replay answers a key already recorded: the same visit for the same
// account, ECONFLICT for another; nil when the key is new.
func (s *Service) replay(ctx context.Context, p *auth.Principal, key string) (*VisitRecorded, error) {
	v, visitor, err := s.Store.visitByKey(ctx, key)
	if err != nil || v == nil {
		return nil, err
	}
	if visitor != p.UserID {
		return nil, errs.Conflict("care.key_used")
	}
	if err := s.openLocation(v); err != nil {
		return nil, err
	}
	return &VisitRecorded{Visit: v, Created: false}, nil
}

// Assignees lists who a task in a community may be given to. Errors: as
// Reassign.
func (s *Service) Assignees(ctx context.Context, taskID int64) ([]VisitAssignee, error) {
	if _, err := auth.Require(ctx, AssignRoles...); err != nil {
		return nil, err
	}
	t, _, err := s.visible(ctx, taskID, false)
	if err != nil {
		return nil, err
	}
	return s.Store.assignees(ctx, t.DivisionCode)
}

// Reassign gives a task to another account of the task's community (a
// grid or community worker). Version, when not zero, must match.
//
// Errors: EFORBIDDEN (role), ENOTFOUND (task outside the area), EINVALID
// (the account may not take it), ECONFLICT (version).
func (s *Service) Reassign(ctx context.Context, taskID, assigneeID int64, version int) (*VisitTask, error) {
	if _, err := auth.Require(ctx, AssignRoles...); err != nil {
		return nil, err
	}
	var out *VisitTask
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		t, p, err := s.visible(ctx, taskID, true)
		if err != nil {
			return err
		}
		if version != 0 && version != t.Version {
			return errs.Conflict("error.conflict")
		}
		a, err := s.Store.account(ctx, assigneeID)
		if err != nil {
			return err
		}
		if !slices.Contains(AssigneeRoles, auth.Role(a.Role)) || a.Area != t.DivisionCode {
			return errs.Invalid(errs.Field("assignee_id", "care.bad_assignee"))
		}
		if err := s.Store.reassign(ctx, t.ID, a.ID, now(s.Now)); err != nil {
			return err
		}
		before := ""
		if t.AssigneeID != nil {
			before = strconv.FormatInt(*t.AssigneeID, 10)
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "care.task.reassign", ObjectType: "care_task", ObjectID: strconv.FormatInt(t.ID, 10),
			Result: audit.OK, Detail: map[string]any{"before": before, "after": a.ID}}); err != nil {
			return err
		}
		lo, hi, _ := auth.Scope(ctx)
		out, err = s.Store.task(ctx, t.ID, lo, hi, false)
		if err != nil {
			return err
		}
		out.Status = out.status(s.CurrentMonth())
		s.decorate(p, out)
		return nil
	})
	return out, err
}

// VisitRateRow is the visit rate of one division in one month.
type VisitRateRow struct {
	Code    string  `json:"code"`
	Name    string  `json:"name"`
	Due     int64   `json:"due" doc:"people to visit"`
	Visited int64   `json:"visited" doc:"people visited at least once"`
	Rate    float64 `json:"rate" doc:"visited / due × 100, 0 when nobody is due"`
}

// Rate is a division's monthly visit rate and its children's.
type VisitRate struct {
	Month    string         `json:"month"`
	Division VisitRateRow   `json:"division"`
	Children []VisitRateRow `json:"children"`
}

// Rate reads the monthly visit rate (elderly_monthly_visit_rate) of a
// division in the caller's area (default: the area itself) and of each of
// its children, from the measure totals.
//
// Errors: EFORBIDDEN, EINVALID (month, code), ENOTFOUND (outside the area).
func (s *Service) Rate(ctx context.Context, code, month string) (*VisitRate, error) {
	p, err := auth.Require(ctx, RateRoles...)
	if err != nil {
		return nil, err
	}
	if err := s.checkMonth(&month); err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
		if p.Role == auth.System {
			return nil, errs.Invalid(errs.Field("division", "error.required"))
		}
	}
	if _, _, err := s.scope(ctx, code); err != nil {
		return nil, err
	}
	d, err := s.Store.division(ctx, code)
	if err != nil {
		return nil, err
	}
	kids, err := s.Store.children(ctx, code)
	if err != nil {
		return nil, err
	}
	codes := []string{code}
	for _, k := range kids {
		codes = append(codes, k.Code)
	}
	due, visited := measure.Key(MeasureDue, month), measure.Key(MeasureVisited, month)
	tot, err := s.Measures.Totals(ctx, []string{due, visited}, codes)
	if err != nil {
		return nil, err
	}
	row := func(c, name string) VisitRateRow {
		r := VisitRateRow{Code: c, Name: name, Due: tot[c][due], Visited: tot[c][visited]}
		if r.Due > 0 {
			r.Rate = float64(r.Visited) * 100 / float64(r.Due)
		}
		return r
	}
	out := &VisitRate{Month: month, Division: row(d.Code, d.Name), Children: []VisitRateRow{}}
	for _, k := range kids {
		out.Children = append(out.Children, row(k.Code, k.Name))
	}
	return out, nil
}

// Photo returns a visit photo if the caller may see the visit's task.
// Errors: ENOTFOUND.
func (s *Service) Photo(ctx context.Context, blobID int64) (*upload.Blob, error) {
	taskID, err := s.Store.photoTask(ctx, blobID)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.visible(ctx, taskID, false); err != nil {
		return nil, err
	}
	return s.Blobs.Load(ctx, PhotoOwner, blobID)
}

// String is for logs.
func (g *Generated) String() string {
	return fmt.Sprintf("months %v, %d tasks, %d escalated", g.Months, g.Tasks, g.Escalated)
}
