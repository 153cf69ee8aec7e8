package volunteer_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/volunteer"
)

// An activity that is over cannot be published, even one that started
// within the day before (which the start's own rule lets through).
func TestPublishRefusesEndedActivity(t *testing.T) {
	w := newWorld(t, 0) // the clock reads 2026-11-20 08:00
	in := volunteer.ActivityInput{OrgID: w.org.ID, CommunityCode: apptest.Community, Title: "敬老院探访", Target: "elderly", Place: "敬老院",
		StartsAt: at("2026-11-20 06:00:00"), EndsAt: at("2026-11-20 07:30:00"), Slots: 3}
	_, err := w.s.Publish(w.lead, in)
	if f := fieldKeys(t, err); f["ends_at"] != "volunteer.ends_past" || len(f) != 1 {
		t.Fatalf("ended activity: %v", f)
	}
	in.EndsAt = at("2026-11-20 08:00:00") // ends this very moment
	if _, err := w.s.Publish(w.lead, in); fieldKeys(t, err)["ends_at"] != "volunteer.ends_past" {
		t.Fatalf("activity ending now: %v", err)
	}
	in.EndsAt = at("2026-11-20 09:00:00") // under way: still open for check-out
	if _, err := w.s.Publish(w.lead, in); err != nil {
		t.Fatalf("activity under way: %v", err)
	}
}

// A check-out is taken only after MinServe served inside the activity's
// window, by code and by hand, so no attendance records 0.00 h.
func TestCheckoutNeedsTimeServed(t *testing.T) {
	w := newWorld(t, 3)
	a := w.publish(t, 5) // 09:00 to 11:00
	for _, v := range w.vols {
		if _, err := w.s.SignUp(v, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	try := func(i int, dir, when string) error {
		t.Helper()
		w.c.t = at("2026-11-20 " + when)
		code, err := w.s.CurrentCode(w.lead, a.ID, dir)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.s.CheckIn(w.vols[i], a.ID, dir, code.Code)
		return err
	}
	tooSoon := func(err error) bool {
		e := errs.As(err)
		return errs.Code(err) == errs.ECONFLICT && e.Key == "volunteer.checkout_too_soon" && fmt.Sprint(e.Args) == "[15]"
	}
	if err := try(0, volunteer.In, "09:00:00"); err != nil {
		t.Fatal(err)
	}
	// Straight after the check-in, and a second short of 15 minutes.
	for _, when := range []string{"09:00:40", "09:14:59"} {
		if err := try(0, volunteer.Out, when); !tooSoon(err) {
			t.Fatalf("check-out at %s: %v", when, err)
		}
	}
	if err := try(0, volunteer.Out, "09:15:00"); err != nil {
		t.Fatalf("check-out after 15 minutes: %v", err)
	}
	// Checked in early: the time before the start does not count.
	if err := try(1, volunteer.In, "08:30:00"); err != nil {
		t.Fatal(err)
	}
	if err := try(1, volunteer.Out, "09:05:00"); !tooSoon(err) {
		t.Fatalf("check-out 5 minutes into the activity: %v", err)
	}
	// By hand: the same minimum, on the check-out field.
	att := volunteer.Attendance{VolunteerID: w.ids[2], CheckinAt: at("2026-11-20 09:00:00"), CheckoutAt: at("2026-11-20 09:05:00"), Reason: "没有手机"}
	w.c.t = at("2026-11-20 10:00:00")
	if f := fieldKeys(t, w.s.Confirm(w.lead, a.ID, att)); f["checkout_at"] != "volunteer.served_too_short" {
		t.Fatalf("confirmed by hand after 5 minutes: %v", f)
	}
	att.CheckoutAt = at("2026-11-20 09:30:00")
	if err := w.s.Confirm(w.lead, a.ID, att); err != nil {
		t.Fatal(err)
	}
	n, err := w.s.Close(w.lead, a.ID)
	if err != nil || n != 2 {
		t.Fatalf("close: %d %v", n, err)
	}
	for i, want := range []int64{25, 0, 50} {
		if v, err := w.s.Volunteer(w.vols[i], w.ids[i]); err != nil || v.HoursCenti != want {
			t.Errorf("volunteer %d: %v %v, want %d", i, v, err, want)
		}
	}
}

// The organiser's sign-up list shows attendance: signed up, checked in,
// then checked out with the hours closing will record.
func TestSignupListShowsAttendance(t *testing.T) {
	w := newWorld(t, 1)
	a := w.publish(t, 5)
	if _, err := w.s.SignUp(w.vols[0], a.ID); err != nil {
		t.Fatal(err)
	}
	staff := w.e.Session(auth.CommunityWorker, apptest.Community)
	state := func() string {
		t.Helper()
		res := staff.Get(fmt.Sprintf("/activities/%d", a.ID))
		if res.StatusCode != http.StatusOK {
			t.Fatalf("activity page: %d", res.StatusCode)
		}
		_, after, ok := strings.Cut(res.Body, `<td class="attendance">`)
		if !ok {
			t.Fatalf("no attendance cell: %s", res.Body)
		}
		cell, _, _ := strings.Cut(after, "</td>")
		return cell
	}
	if got := state(); got != "已报名" {
		t.Fatalf("signed up: %q", got)
	}
	for _, step := range []struct{ dir, when, want string }{
		{volunteer.In, "08:50:00", "已签到"},
		{volunteer.Out, "10:15:00", "已签退（1.25 小时）"}, // from the start at 09:00
	} {
		w.c.t = at("2026-11-20 " + step.when)
		code, err := w.s.CurrentCode(w.lead, a.ID, step.dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CheckIn(w.vols[0], a.ID, step.dir, code.Code); err != nil {
			t.Fatal(err)
		}
		if got := state(); got != step.want {
			t.Fatalf("after %s: %q, want %q", step.dir, got, step.want)
		}
	}
	staff.Lang = "en"
	if got := state(); got != "Checked out (1.25 h)" {
		t.Fatalf("in English: %q", got)
	}
}
