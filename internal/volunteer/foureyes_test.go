package volunteer_test

import (
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/volunteer"
)

// TestLeadNeverDecidesOwnCorrection: the penetration test's lead asked for
// 3.13 → 9.48 hours and approved it. Whoever asks never decides: the lead
// does not see their own correction among the pending ones and is refused
// (audited); another lead or the staff of the area decide.
func TestLeadNeverDecidesOwnCorrection(t *testing.T) {
	w := newWorld(t, 1)
	a := w.publish(t, 5)
	leadID := leadVolunteerID(t, w)
	if _, err := w.s.SignUp(w.lead, a.ID); err != nil {
		t.Fatal(err)
	}
	w.c.t = at("2026-11-20 11:30:00")
	// Nor does a lead confirm their own attendance by hand.
	if err := w.s.Confirm(w.lead, a.ID, volunteer.Attendance{VolunteerID: leadID, CheckinAt: at("2026-11-20 09:00:00"),
		CheckoutAt: at("2026-11-20 11:00:00"), Reason: "忘记签到"}); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("the lead confirms their own attendance: %v", err)
	}
	if err := w.s.Confirm(w.staff, a.ID, volunteer.Attendance{VolunteerID: leadID, CheckinAt: at("2026-11-20 09:00:00"),
		CheckoutAt: at("2026-11-20 10:00:00"), Reason: "手机没电"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Close(w.staff, a.ID); err != nil {
		t.Fatal(err)
	}
	recs, err := w.s.Records(w.lead, leadID, time.Time{}, time.Time{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("lead's records %v %v", recs, err)
	}
	c, err := w.s.AskCorrection(w.lead, recs[0].ID, 9.48, "活动结束后还整理了物资")
	if err != nil {
		t.Fatal(err)
	}
	// The only lead: not on their list, refused, audited.
	if list, err := w.s.Corrections(w.lead); err != nil || len(list) != 0 {
		t.Errorf("lead's pending list has their own: %v %v", list, err)
	}
	denied := func() int {
		var n int
		if err := w.e.App.DB.Q(w.e.Ctx).QueryRowContext(w.e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'volunteer.correction.decide' AND result = 'denied'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := denied()
	for _, approve := range []bool{true, false} {
		if _, err := w.s.Decide(w.lead, c.ID, approve, "自己审批"); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("the lead decides their own (approve %v): %v", approve, err)
		}
	}
	if got := denied(); got != before+2 {
		t.Errorf("refusals audited %d, want 2", got-before)
	}
	// The staff of the area see it, and so does another lead once there is one.
	if list, _ := w.s.Corrections(w.staff); len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("staff's pending list %v", list)
	}
	if err := w.s.SetMember(as(w.e, auth.TownshipStaff, apptest.Township), w.org.ID, w.ids[0], true); err != nil {
		t.Fatal(err)
	}
	if list, _ := w.s.Corrections(w.vols[0]); len(list) != 1 || list[0].ID != c.ID {
		t.Errorf("other lead's pending list %v", list)
	}
	got, err := w.s.Decide(w.staff, c.ID, false, "签到记录只有一小时")
	if err != nil || got.Status != volunteer.Refused || got.DecidedBy == "lead" {
		t.Fatalf("staff decide %+v %v", got, err)
	}
	if rs, _ := w.s.Records(w.lead, leadID, time.Time{}, time.Time{}); rs[0].HoursCenti != 100 {
		t.Errorf("hours after the refusal %d", rs[0].HoursCenti)
	}
}

// leadVolunteerID is the registration of the world's lead.
func leadVolunteerID(t *testing.T, w *world) int64 {
	t.Helper()
	var id int64
	if err := w.e.App.DB.Q(w.e.Ctx).QueryRowContext(w.e.Ctx, `SELECT v.id FROM volunteers v JOIN users u ON u.id = v.user_id WHERE u.name = 'lead'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
