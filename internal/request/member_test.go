package request_test

import (
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/request"
)

// TestUnitMembersStayInTheirArea: county staff cannot take over a unit
// account of another county (the penetration test moved a 冀州区 account
// into a 桃城区 unit), nor move an account from one unit to another
// silently; refusals are audited.
func TestUnitMembersStayInTheirArea(t *testing.T) {
	f := setup(t)
	e := f.e
	far, err := f.s.CreateUnit(e.Ctx, request.Unit{Name: "冀州区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.SiblingCounty})
	if err != nil {
		t.Fatal(err)
	}
	farAcc := auth.From(as(t, e, auth.HandlingUnit, apptest.SiblingCounty)).UserID
	if err := f.s.AddMember(e.Ctx, far.ID, farAcc); err != nil {
		t.Fatal(err)
	}
	county := as(t, e, auth.CountyStaff, apptest.County)
	own := auth.From(f.unitCtx).UserID
	denied := func() int {
		var n int
		if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'request.unit.member' AND result = 'denied'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The other county's account into our unit: refused, audited, not moved.
	before := denied()
	if err := f.s.AddMember(county, f.water.ID, farAcc); code(err) != errs.EINVALID {
		t.Fatalf("other county's account: %v", err)
	}
	if got := denied(); got != before+1 {
		t.Errorf("refusal audited %d times, want 1", got-before)
	}
	// Our account into the other county's unit: not found.
	if err := f.s.AddMember(county, far.ID, own); code(err) != errs.ENOTFOUND {
		t.Errorf("other county's unit: %v", err)
	}
	// A resident's account is not a unit account.
	res := auth.From(as(t, e, auth.Resident, apptest.Community)).UserID
	if err := f.s.AddMember(county, f.water.ID, res); code(err) != errs.EINVALID {
		t.Errorf("resident account: %v", err)
	}
	// Even city staff do not move a member of another unit: a conflict
	// naming the unit it acts for.
	city := as(t, e, auth.CityStaff, apptest.City)
	err = f.s.AddMember(city, f.water.ID, farAcc)
	if code(err) != errs.ECONFLICT || len(errs.As(err).Args) == 0 || errs.As(err).Args[0] != "冀州区供水公司" {
		t.Fatalf("member of another unit: %v", err)
	}
	// Within the county too; adding to its own unit again is a no-op.
	gas, err := f.s.CreateUnit(county, request.Unit{Name: "桃城区燃气公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddMember(county, gas.ID, own); code(err) != errs.ECONFLICT {
		t.Errorf("move within the county: %v", err)
	}
	if err := f.s.AddMember(county, f.water.ID, own); err != nil {
		t.Errorf("add again: %v", err)
	}
	// The far account still acts for its own unit: it reads nothing of ours.
	reqs, _, err := f.s.List(as(t, e, auth.HandlingUnit, apptest.SiblingCounty), request.Filter{}, 1, 50)
	if err != nil || len(reqs) != 0 {
		t.Errorf("far unit's list: %d, %v", len(reqs), err)
	}
	// Removing: not by the other county; then the move is a remove and an add.
	if err := f.s.RemoveMember(county, far.ID, farAcc); code(err) != errs.ENOTFOUND {
		t.Errorf("remove from the other county's unit: %v", err)
	}
	if err := f.s.RemoveMember(county, gas.ID, own); code(err) != errs.ENOTFOUND {
		t.Errorf("remove a non-member: %v", err)
	}
	if err := f.s.RemoveMember(county, f.water.ID, own); err != nil {
		t.Fatal(err)
	}
	if err := f.s.AddMember(county, gas.ID, own); err != nil {
		t.Errorf("add after removal: %v", err)
	}
	if err := f.s.AddMember(as(t, e, auth.TownshipStaff, apptest.Township), gas.ID, own); code(err) != errs.EFORBIDDEN {
		t.Errorf("township staff: %v", err)
	}
}

// TestUnitNeverDecidesItsOwnAsk: whoever asks never decides. A township
// that asked for an extension cannot approve it once it has returned the
// request (it no longer holds it); the county decides.
func TestUnitNeverDecidesItsOwnAsk(t *testing.T) {
	f := setup(t)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	county := as(t, f.e, auth.CountyStaff, apptest.County)
	r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.road",
		Description: "路面塌陷一个大坑", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.township.ID})
	act(t, f, township, r.ID, request.Action{Action: request.ActExtend, Days: 5, Reason: "需要协调施工队"})
	if _, err := f.s.Act(township, r.ID, request.Action{Action: request.ActExtend, Decision: "approve"}); code(err) != errs.EFORBIDDEN {
		t.Fatalf("township deciding its own ask while holding: %v", err)
	}
	r = act(t, f, township, r.ID, request.Action{Action: request.ActReturn, Reason: "不归街道管"})
	o, err := f.s.OptionsFor(township, r)
	if err != nil || o.DecideExtension {
		t.Errorf("township offered to decide its own ask: %+v %v", o, err)
	}
	if _, err := f.s.Act(township, r.ID, request.Action{Action: request.ActExtend, Decision: "approve"}); code(err) != errs.EFORBIDDEN {
		t.Fatalf("township deciding its own ask after returning: %v", err)
	}
	r = act(t, f, county, r.ID, request.Action{Action: request.ActExtend, Decision: "refuse", Note: "请按期办结"})
	if len(r.Extensions) != 1 || r.Extensions[0].Status != request.Refused {
		t.Errorf("extensions %+v", r.Extensions)
	}
}
