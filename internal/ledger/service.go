package ledger

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
)

// Who may do what in this slice.
var (
	// ManageRoles keep the ledger: tasks, items, imports, reviews.
	ManageRoles = []auth.Role{auth.CityStaff}
	// ReadRoles read tasks: city staff all, county and township staff
	// those concerning their area, a unit those it leads, co-operates on
	// or owes an item of.
	ReadRoles = []auth.Role{auth.CityStaff, auth.CountyStaff, auth.TownshipStaff, auth.HandlingUnit}
	// ReportRoles report progress on their unit's items.
	ReportRoles = []auth.Role{auth.HandlingUnit}
	// RateRoles read the completion rates of their area.
	RateRoles = []auth.Role{auth.CityStaff, auth.CountyStaff, auth.TownshipStaff}
)

// Service holds the rules of the task ledger.
type Service struct {
	DB      *db.DB
	Store   *Store
	Audit   *audit.Log
	Blobs   *upload.Store
	Photos  upload.Config
	Units   Units
	Periods Periods
	Now     func() time.Time
}

// NewService makes the service; the application sets Units and Periods.
func NewService(d *db.DB, a *audit.Log, blobs *upload.Store) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Blobs: blobs, Now: time.Now}
}

// Today is the date in China.
func (s *Service) Today() string { return s.Now().In(calendar.China).Format(DateLayout) }

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// scope is what the caller reads.
func (s *Service) scope(ctx context.Context, p *auth.Principal) (scope, error) {
	switch p.Role {
	case auth.System, auth.CityStaff:
		return scope{all: true}, nil
	case auth.HandlingUnit:
		u, err := s.Units.Mine(ctx)
		if err != nil {
			return scope{}, err
		}
		if u == 0 {
			u = -1 // a unit account that acts for no unit reads nothing
		}
		return scope{unit: u}, nil
	}
	lo, hi := p.Area.Range()
	return scope{lo: lo, hi: hi}, nil
}

// checkPeriod checks a period code against the plan periods.
func (s *Service) checkPeriod(ctx context.Context, period string) (bool, []string, error) {
	ps, err := s.Periods.Periods(ctx)
	if err != nil {
		return false, nil, err
	}
	return slices.Contains(ps, period), ps, nil
}

// unitIndex reads the units by id.
func (s *Service) unitIndex(ctx context.Context) (map[int64]LedgerUnit, error) {
	us, err := s.Units.All(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]LedgerUnit, len(us))
	for _, u := range us {
		m[u.ID] = u
	}
	return m, nil
}

// CreateTask records a task (city staff). A task without divisions
// concerns the whole city. Errors: EINVALID, ECONFLICT (code taken in the
// period), EFORBIDDEN.
func (s *Service) CreateTask(ctx context.Context, in LedgerTaskInput) (*LedgerTask, error) {
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return nil, err
	}
	var tid int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		tid, err = s.createTask(ctx, in, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, tid)
}

// createTask checks and stores a task in ctx's transaction; units is the
// index of units (read when nil).
func (s *Service) createTask(ctx context.Context, in LedgerTaskInput, units map[int64]LedgerUnit) (int64, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return 0, err
	}
	f := in.check()
	if in.Period != "" {
		ok, ps, err := s.checkPeriod(ctx, in.Period)
		if err != nil {
			return 0, err
		}
		if !ok {
			f.Add("period", "error.one_of", strings.Join(ps, ", "))
		}
	}
	if units == nil {
		if units, err = s.unitIndex(ctx); err != nil {
			return 0, err
		}
	}
	lead, ok := units[in.LeadUnit]
	if in.LeadUnit > 0 && !ok {
		f.Add("lead_unit", "ledger.unit_not_found", in.LeadUnit)
	}
	var co []LedgerUnitRef
	for _, u := range in.CoUnits {
		cu, ok := units[u]
		if !ok {
			f.Add("co_units", "ledger.unit_not_found", u)
			continue
		}
		if u != in.LeadUnit && !slices.ContainsFunc(co, func(r LedgerUnitRef) bool { return r.ID == u }) {
			co = append(co, LedgerUnitRef{ID: cu.ID, Name: cu.Name})
		}
	}
	if len(in.Divisions) == 0 {
		c, err := s.Store.city(ctx)
		if err != nil {
			return 0, err
		}
		if c != "" {
			in.Divisions = []string{c}
		}
	}
	slices.Sort(in.Divisions)
	in.Divisions = slices.Compact(in.Divisions)
	for _, d := range in.Divisions {
		if !has(f, "divisions") {
			ok, err := s.Store.divisionExists(ctx, d)
			if err != nil {
				return 0, err
			}
			if !ok {
				f.Add("divisions", "ledger.division_not_found", d)
			}
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	tid, err := s.Store.insertTask(ctx, in, lead.Name, co, p.Display(), s.now())
	if err != nil {
		return 0, err
	}
	return tid, s.Audit.Write(ctx, audit.Entry{Action: "ledger.task.create", ObjectType: "ledger_task", ObjectID: id(tid),
		Detail: map[string]any{"period": in.Period, "kind": in.Kind, "code": in.Code, "lead_unit": in.LeadUnit, "co_units": in.CoUnits,
			"divisions": in.Divisions, "deadline": in.Deadline}})
}

// LedgerTask reads a task the caller may read, with its items and their
// reports. Errors: ENOTFOUND (missing or not the caller's), EFORBIDDEN.
func (s *Service) Task(ctx context.Context, tid int64) (*LedgerTask, error) {
	t, _, err := s.TaskItems(ctx, tid)
	return t, err
}

// TaskItems reads a task and its work items with their reports.
func (s *Service) TaskItems(ctx context.Context, tid int64) (*LedgerTask, []WorkItem, error) {
	t, err := s.task(ctx, tid, "ledger.task.read")
	if err != nil {
		return nil, nil, err
	}
	items, err := s.Store.items(ctx, tid)
	if err != nil {
		return nil, nil, err
	}
	rs, err := s.Store.reports(ctx, tid)
	if err != nil {
		return nil, nil, err
	}
	today := s.Today()
	for i := range items {
		s.markItem(&items[i], today)
		for _, r := range rs {
			if r.ItemID == items[i].ID {
				items[i].Reports = append(items[i].Reports, r)
			}
		}
	}
	return t, items, nil
}

func (s *Service) task(ctx context.Context, tid int64, action string) (*LedgerTask, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	sc, err := s.scope(ctx, p)
	if err != nil {
		return nil, err
	}
	t, err := s.Store.task(ctx, sc, tid, s.Today())
	err = s.Audit.RefusedOutside(ctx, err, action, "ledger_task", tid, s.Store.taskExists)
	if err != nil {
		return nil, err
	}
	s.markTask(t)
	return t, nil
}

func (s *Service) markTask(t *LedgerTask) {
	t.Late = t.Deadline < s.Today() && (t.Items == 0 || t.Done < t.Items)
}

func (s *Service) markItem(it *WorkItem, today string) {
	it.Overdue = it.Status != Done && it.DueOn < today
}

// List returns one page of the tasks the caller reads. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]LedgerTask, bool, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	sc, err := s.scope(ctx, p)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	out, more, err := s.Store.list(ctx, sc, f, s.Today())
	for i := range out {
		s.markTask(&out[i])
	}
	return out, more, err
}

// AddItem adds a yearly work item to a task (city staff). The unit is the
// task's lead unit or one of its co-units; the division defaults to the
// task's first. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddItem(ctx context.Context, tid int64, in WorkItemInput) (*WorkItem, error) {
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return nil, err
	}
	var iid int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		t, err := s.task(ctx, tid, "ledger.item.create")
		if err != nil {
			return err
		}
		iid, err = s.addItem(ctx, t, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	it, err := s.Store.item(ctx, iid)
	if err != nil {
		return nil, err
	}
	s.markItem(it, s.Today())
	return it, nil
}

func (s *Service) addItem(ctx context.Context, t *LedgerTask, in WorkItemInput) (int64, error) {
	f := in.check()
	unit := t.LeadUnit
	if in.Unit != 0 && in.Unit != t.LeadUnit.ID {
		i := slices.IndexFunc(t.CoUnits, func(u LedgerUnitRef) bool { return u.ID == in.Unit })
		if i < 0 {
			f.Add("unit_id", "ledger.not_task_unit")
		} else {
			unit = t.CoUnits[i]
		}
	}
	if in.DivisionCode == "" && len(t.Divisions) > 0 {
		in.DivisionCode = t.Divisions[0]
	}
	if !has(f, "division_code") {
		if ok, err := s.Store.divisionExists(ctx, in.DivisionCode); err != nil {
			return 0, err
		} else if !ok {
			f.Add("division_code", "ledger.division_not_found", in.DivisionCode)
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	iid, err := s.Store.insertItem(ctx, t.ID, in, unit, s.now())
	if err != nil {
		return 0, err
	}
	return iid, s.Audit.Write(ctx, audit.Entry{Action: "ledger.item.create", ObjectType: "ledger_item", ObjectID: id(iid),
		Detail: map[string]any{"task": t.ID, "year": in.Year, "unit": unit.ID, "division_code": in.DivisionCode, "due_on": in.DueOn}})
}

// ProgressReport records a unit's progress on one of its items, with a photo as
// evidence when given; the item waits for review. Errors: EINVALID,
// ENOTFOUND (not the caller's unit's item), ECONFLICT (done, or a report
// already waits), EFORBIDDEN.
func (s *Service) Report(ctx context.Context, iid int64, note string, photo *upload.File) (*ProgressReport, error) {
	p, err := auth.Require(ctx, ReportRoles...)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	var f errs.Fields
	textField(&f, "note", note, maxNote, true)
	if err := f.Err(); err != nil {
		return nil, err
	}
	unit, err := s.Units.Mine(ctx)
	if err != nil {
		return nil, err
	}
	var rid int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		it, err := s.Store.item(ctx, iid)
		if err != nil {
			return err
		}
		if p.Role != auth.System && it.Unit.ID != unit {
			s.Audit.Refused(ctx, "ledger.report", "ledger_item", iid, "not the unit's item")
			return errs.NotFound("ledger.item_not_found", iid)
		}
		switch it.Status {
		case Done:
			return errs.Conflict("ledger.item_done")
		case Reported:
			return errs.Conflict("ledger.report_waiting")
		}
		var photoID int64
		if photo != nil {
			if photoID, err = s.Blobs.Put(ctx, PhotoOwner, it.DivisionCode, photo); err != nil {
				return err
			}
		}
		if rid, err = s.Store.insertReport(ctx, iid, note, photoID, p.UserID, p.Display(), s.now()); err != nil {
			return err
		}
		if err := s.Store.setStatus(ctx, iid, Reported, nil); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "ledger.report", ObjectType: "ledger_item", ObjectID: id(iid),
			Detail: map[string]any{"report": rid, "photo": photoID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.report(ctx, rid)
}

// Review accepts a report (the item is done) or returns it with a reason
// (the unit reports again); city staff only, never the reporter. Errors:
// EINVALID, ENOTFOUND, ECONFLICT (reviewed already), EFORBIDDEN.
func (s *Service) Review(ctx context.Context, rid int64, decision, reason string) (*ProgressReport, error) {
	p, err := auth.Require(ctx, ManageRoles...)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var f errs.Fields
	if decision != Accept && decision != Return {
		f.Add("decision", "error.one_of", Accept+", "+Return)
	}
	if decision == Return && reason == "" {
		f.Add("return_reason", "ledger.reason_required")
	}
	if utf8.RuneCountInString(reason) > maxReason {
		f.Add("return_reason", "error.too_long", maxReason)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.report(ctx, rid)
		if err != nil {
			return err
		}
		if r.reporterID == p.UserID {
			s.Audit.Refused(ctx, "ledger.review", "ledger_report", rid, "own report")
			return errs.E(errs.EFORBIDDEN, "ledger.own_report")
		}
		if err := s.Store.review(ctx, rid, decision, reason, p.Display(), s.now()); err != nil {
			return err
		}
		status, doneOn := Returned, any(nil)
		if decision == Accept {
			status, doneOn = Done, s.Today()
		}
		if err := s.Store.setStatus(ctx, r.ItemID, status, doneOn); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "ledger.review", ObjectType: "ledger_report", ObjectID: id(rid),
			Detail: map[string]any{"item": r.ItemID, "decision": decision, "reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.report(ctx, rid)
}

// Photo returns a report's photo of a task the caller reads. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) Photo(ctx context.Context, tid, photo int64) (*upload.Blob, error) {
	if _, err := s.task(ctx, tid, "ledger.photo"); err != nil {
		return nil, err
	}
	ok, err := s.Store.photoOf(ctx, tid, photo)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errs.NotFound("ledger.photo_not_found")
	}
	return s.Blobs.Get(ctx, PhotoOwner, photo)
}

// rateScope checks the caller's role, the period and the division of a
// figure (the caller's own by default) and returns its code range.
func (s *Service) rateScope(ctx context.Context, period, code string) (string, string, error) {
	p, err := auth.Require(ctx, RateRoles...)
	if err != nil {
		return "", "", err
	}
	if ok, ps, err := s.checkPeriod(ctx, period); err != nil {
		return "", "", err
	} else if !ok {
		return "", "", errs.Invalid(errs.Field("period", "error.one_of", strings.Join(ps, ", ")))
	}
	if code = strings.TrimSpace(code); code == "" {
		code = p.Area.Code
		if p.Role == auth.System {
			c, err := s.Store.city(ctx)
			if err != nil {
				return "", "", err
			}
			code = c
		}
	}
	ok, err := s.Store.divisionExists(ctx, code)
	if err != nil {
		return "", "", err
	}
	if !ok || (p.Role != auth.System && !p.Area.Contains(code)) {
		return "", "", errs.NotFound("ledger.division_not_found", code)
	}
	lo, hi := codeRange(code)
	return lo, hi, nil
}

// LedgerRates is a period's completion rates of the items concerning a division
// inside the caller's area (their own by default): in all, by unit and by
// county. Errors: EINVALID (period), ENOTFOUND (division), EFORBIDDEN.
func (s *Service) Rates(ctx context.Context, period, code string) (*LedgerRates, error) {
	lo, hi, err := s.rateScope(ctx, period, code)
	if err != nil {
		return nil, err
	}
	r := &LedgerRates{Period: period, ByUnit: []LedgerRate{}, ByCounty: []LedgerRate{}}
	byUnit, byCounty, err := s.Store.rates(ctx, period, lo, hi, s.Today())
	if err != nil {
		return nil, err
	}
	r.ByUnit = append(r.ByUnit, byUnit...)
	r.ByCounty = append(r.ByCounty, byCounty...)
	for _, u := range byUnit {
		r.Total.Items += u.Items
		r.Total.Done += u.Done
		r.Total.Overdue += u.Overdue
	}
	r.Total.fill()
	return r, nil
}

// Completion is, for the final evaluation, each special action and
// project of a period with its lead unit and the work items concerning
// the division (the city or a county, inside the caller's area): total,
// done, overdue, and whether all are done. Errors: EINVALID (period),
// ENOTFOUND (division), EFORBIDDEN.
func (s *Service) Completion(ctx context.Context, period, divisionCode string) ([]LedgerLine, error) {
	lo, hi, err := s.rateScope(ctx, period, divisionCode)
	if err != nil {
		return nil, err
	}
	return s.Store.completion(ctx, period, lo, hi, s.Today())
}
