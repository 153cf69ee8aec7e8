package burden

import (
	"context"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// myUnit is the department the caller acts for. Errors: EINVALID (none).
func (s *Service) myUnit(ctx context.Context) (*Unit, error) {
	u, err := s.Units.MyUnit(ctx)
	if err != nil {
		return nil, err
	}
	if u == nil {
		return nil, errs.Invalid(errs.Field("department", "burden.no_unit"))
	}
	return u, nil
}

// File files a department's admission request (准入申请) to put a work
// item on a county's list, audited. Errors: EINVALID, ENOTFOUND (the
// county outside the caller's area), EFORBIDDEN.
func (s *Service) File(ctx context.Context, a BurdenAdmission) (*BurdenAdmission, error) {
	sc, err := s.scope(ctx, UnitRoles...)
	if err != nil {
		return nil, err
	}
	u, err := s.myUnit(ctx)
	if err != nil {
		return nil, err
	}
	it := BurdenItem{List: ListWork, DivisionCode: a.DivisionCode, Name: a.Name, Basis: a.Basis, UnitID: u.ID, Kind: a.Kind,
		Funding: a.Funding, Conditions: a.Conditions}
	bad := it.validate()
	a.Reason = strings.TrimSpace(a.Reason)
	text(&bad, "grounds", a.Reason, maxText, false)
	if len(bad) == 0 && division.LevelFromCode(a.DivisionCode) != division.County {
		bad.Add("division_code", "burden.county_required")
	}
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	if !sc.inside(a.DivisionCode) {
		return nil, s.outside(ctx, "burden.admission.file", "division", a.DivisionCode, "burden.division_not_found")
	}
	a.Name, a.Basis, a.Funding, a.Conditions = it.Name, it.Basis, it.Funding, it.Conditions
	a.UnitID, a.UnitName, a.Status = u.ID, u.Name, Pending
	a.filedByID, a.FiledBy, a.FiledAt = sc.p.UserID, sc.p.Name, s.now()
	a.ID, a.ItemID, a.DecidedAt, a.DecidedBy, a.DecisionReason = 0, 0, nil, "", ""
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertAdmission(ctx, &a); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.admission.file", ObjectType: "burden_admission", ObjectID: itoa(a.ID),
			Result: audit.OK, Detail: map[string]string{"county": a.DivisionCode, "unit": a.UnitName, "name": a.Name, "kind": a.Kind}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.admission(ctx, a.ID, false)
}

// Admissions lists admission requests: a department's own, or those to the
// counties of a staff member's area.
func (s *Service) Admissions(ctx context.Context, f AdmissionFilter) ([]BurdenAdmission, bool, error) {
	sc, err := s.scope(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	if sc.p.Role == auth.HandlingUnit {
		u, err := s.Units.MyUnit(ctx)
		if err != nil {
			return nil, false, err
		}
		if u == nil {
			return []BurdenAdmission{}, false, nil
		}
		f.unitID = u.ID
	}
	f.lo, f.hi = sc.lo, sc.hi
	if len(sc.above) == 2 {
		f.above = sc.above[1]
	}
	return s.Store.admissions(ctx, f)
}

// Admission reads one request: its department's, or one to a county of
// the caller's area. Errors: ENOTFOUND (also outside; audited), EFORBIDDEN.
func (s *Service) Admission(ctx context.Context, id int64) (*BurdenAdmission, error) {
	sc, err := s.scope(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	a, err := s.Store.admission(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if !s.sees(ctx, sc, a) {
		return nil, s.outside(ctx, "burden.admission.read", "burden_admission", id, "burden.admission_not_found")
	}
	return a, nil
}

func (s *Service) sees(ctx context.Context, sc *scope, a *BurdenAdmission) bool {
	if sc.p.Role == auth.HandlingUnit {
		u, err := s.Units.MyUnit(ctx)
		return err == nil && u != nil && u.ID == a.UnitID
	}
	return sc.inside(a.DivisionCode) || (len(sc.above) == 2 && sc.above[1] == a.DivisionCode)
}

// Decision is a county's answer to an admission request.
type BurdenDecision struct {
	Admit  bool   `json:"admit"`
	Reason string `json:"decision_reason,omitempty" maxLength:"500" doc:"required when refusing"`
}

// Decide admits (the item joins the county's list) or refuses (with a
// reason) a pending request to a county of the caller's area; never by the
// account that filed it. Errors: EINVALID, ENOTFOUND, ECONFLICT (decided,
// or the name already on the list), EFORBIDDEN (four-eyes).
func (s *Service) Decide(ctx context.Context, id int64, d BurdenDecision) (*BurdenAdmission, error) {
	sc, err := s.scope(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	a, err := s.Store.admission(ctx, id, false)
	if err != nil {
		return nil, err
	}
	if !sc.inside(a.DivisionCode) {
		return nil, s.outside(ctx, "burden.admission.decide", "burden_admission", id, "burden.admission_not_found")
	}
	if a.filedByID == sc.p.UserID {
		s.Audit.Refused(ctx, "burden.admission.decide", "burden_admission", id, "four_eyes")
		return nil, errs.E(errs.EFORBIDDEN, "burden.four_eyes")
	}
	d.Reason = strings.TrimSpace(d.Reason)
	var bad errs.Fields
	text(&bad, "decision_reason", d.Reason, maxText, !d.Admit)
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		a, err = s.Store.admission(ctx, id, true)
		if err != nil {
			return err
		}
		if a.Status != Pending {
			return errs.Conflict("burden.admission_decided")
		}
		at := s.now()
		a.DecidedBy, a.DecidedAt, a.DecisionReason, a.Status = sc.p.Name, &at, d.Reason, Refused
		if d.Admit {
			a.Status = Admitted
			it := BurdenItem{List: ListWork, DivisionCode: a.DivisionCode, Name: a.Name, Basis: a.Basis, UnitID: a.UnitID, UnitName: a.UnitName,
				Kind: a.Kind, Funding: a.Funding, Conditions: a.Conditions, AdmissionID: a.ID, CreatedAt: at, CreatedBy: sc.p.Name}
			if err := s.addItem(ctx, &it); err != nil {
				return err
			}
			a.ItemID = it.ID
		}
		if err := s.Store.decideAdmission(ctx, a); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.admission." + a.Status, ObjectType: "burden_admission", ObjectID: itoa(a.ID),
			Result: audit.OK, Detail: map[string]string{"reason": a.DecisionReason}})
	})
	if err != nil {
		return nil, err
	}
	return s.Store.admission(ctx, id, false)
}

// AssignInput assigns work to the communities of an area.
type BurdenAssignInput struct {
	ItemID   int64  `json:"item_id,omitempty" doc:"the work item of the list; or item_name"`
	ItemName string `json:"item_name,omitempty" maxLength:"100" doc:"the work item's name on the list, when item_id is not given"`
	Title    string `json:"title" maxLength:"100" doc:"what the communities are to do"`
	AreaCode string `json:"target_area" doc:"the county, township or community whose communities get the work"`
	Deadline string `json:"deadline" doc:"YYYY-MM-DD, not before today"`
}

// Assign assigns work of a work item to every community of an area in
// the caller's department's name. The item must be on the list that holds
// for the area (its county's or the city's) and be the department's own;
// otherwise the platform refuses the assignment, saves nothing of it and
// counts the refusal. Errors: EINVALID, ENOTFOUND (the area outside the
// caller's), EFORBIDDEN.
func (s *Service) Assign(ctx context.Context, in BurdenAssignInput) (*BurdenTask, error) {
	sc, err := s.scope(ctx, UnitRoles...)
	if err != nil {
		return nil, err
	}
	u, err := s.myUnit(ctx)
	if err != nil {
		return nil, err
	}
	in.Title, in.ItemName = strings.TrimSpace(in.Title), strings.TrimSpace(in.ItemName)
	var bad errs.Fields
	text(&bad, "title", in.Title, maxName, true)
	if in.ItemID <= 0 {
		text(&bad, "item_name", in.ItemName, maxName, true)
	}
	if !division.ValidCode(in.AreaCode) || division.LevelFromCode(in.AreaCode) < division.County {
		bad.Add("target_area", "burden.area_level")
	}
	day := today(s.Now())
	if _, err := time.Parse(DateLayout, in.Deadline); err != nil {
		bad.Add("deadline", "burden.date_format")
	} else if in.Deadline < day {
		bad.Add("deadline", "burden.deadline_past")
	}
	if len(bad) > 0 {
		return nil, bad.Err()
	}
	if !sc.inside(in.AreaCode) {
		return nil, s.outside(ctx, "burden.task.assign", "division", in.AreaCode, "burden.division_not_found")
	}
	it, err := s.resolve(ctx, ListWork, in.AreaCode, in.ItemID, in.ItemName)
	if err != nil {
		return nil, err
	}
	county := division.Code(in.AreaCode).County()
	name := in.ItemName
	var refusal errs.FieldError
	switch {
	case it == nil:
		if name == "" {
			name = "#" + itoa(in.ItemID)
		}
		countyName, err := s.Store.divisionName(ctx, county)
		if err != nil {
			return nil, err
		}
		refusal = errs.Field("item_name", "burden.not_on_list", name, countyName)
	case it.UnitID != u.ID:
		name = it.Name
		refusal = errs.Field("item_name", "burden.not_your_item", it.Name, it.UnitName)
	}
	if refusal.Key != "" {
		if err := s.refuse(ctx, sc.p, u, in, name); err != nil {
			return nil, err
		}
		return nil, errs.Invalid(refusal)
	}
	t := &BurdenTask{UnitID: u.ID, UnitName: u.Name, ItemID: it.ID, ItemName: it.Name, Title: in.Title, AreaCode: in.AreaCode,
		Deadline: in.Deadline, CreatedBy: sc.p.Name, CreatedAt: s.now()}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertTask(ctx, t); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.task.assign", ObjectType: "burden_task", ObjectID: itoa(t.ID), Result: audit.OK,
			Detail: map[string]any{"unit": u.Name, "item": it.Name, "area": in.AreaCode, "communities": t.Communities}})
	})
	if err != nil {
		return nil, err
	}
	t.AreaName, _ = s.Store.divisionName(ctx, t.AreaCode)
	return t, nil
}

// refuse counts a refused assignment and audits it; the task is not saved.
func (s *Service) refuse(ctx context.Context, p *auth.Principal, u *Unit, in BurdenAssignInput, item string) error {
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertRefusal(ctx, u, in.AreaCode, in.Title, item, s.now(), p.Name); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.task.assign", ObjectType: "division", ObjectID: in.AreaCode, Result: audit.Denied,
			Detail: map[string]string{"unit": u.Name, "item": item, "title": in.Title, "reason": "not_on_list"}})
	})
}

// Tasks lists assigned work: a department's own (counted over all their
// communities), or the work given to the communities of a staff member's
// area (a community worker's: their community's share).
func (s *Service) Tasks(ctx context.Context, f TaskFilter) ([]BurdenTask, bool, error) {
	sc, err := s.scope(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	f.lo, f.hi = sc.lo, sc.hi
	if sc.p.Role == auth.HandlingUnit {
		u, err := s.Units.MyUnit(ctx)
		if err != nil {
			return nil, false, err
		}
		if u == nil {
			return []BurdenTask{}, false, nil
		}
		f.unitID, f.lo, f.hi = u.ID, "000000000000", "999999999999"
	}
	f.one = division.ValidCode(sc.p.Area.Code) && division.LevelFromCode(sc.p.Area.Code) == division.Community && sc.p.Role != auth.HandlingUnit
	return s.Store.tasks(ctx, f)
}

// Done marks the caller's community's share of a task done, audited.
// Errors: ENOTFOUND (no such share, or done already), EFORBIDDEN.
func (s *Service) Done(ctx context.Context, taskID int64) error {
	sc, err := s.scope(ctx, CommunityRoles...)
	if err != nil {
		return err
	}
	code := sc.p.Area.Code
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		ok, err := s.Store.markDone(ctx, taskID, code, s.now(), sc.p.Name)
		if err != nil {
			return err
		}
		if !ok {
			return errs.NotFound("burden.task_not_found", taskID)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.task.done", ObjectType: "burden_task", ObjectID: itoa(taskID), Result: audit.OK,
			Detail: map[string]string{"community": code}})
	})
}
