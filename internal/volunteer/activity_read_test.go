package volunteer_test

import (
	"context"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/volunteer"
)

// TestWhoReadsAnActivity: published activities are read city-wide by
// residents and staff; a cancelled one only by its organisers and the
// volunteers signed up for it; sign-up lists only by its organisers; other
// roles read none.
func TestWhoReadsAnActivity(t *testing.T) {
	w := newWorld(t, 1)
	pub := w.publish(t, 5)
	gone := w.publish(t, 5)
	if _, err := w.s.SignUp(w.vols[0], gone.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.e.App.DB.Writer().Exec(`UPDATE volunteer_activities SET status = $1 WHERE id = $2`, volunteer.Cancelled, gone.ID); err != nil {
		t.Fatal(err)
	}
	e := w.e
	other := resident(e, "other", apptest.FarCommunity)
	readers := []struct {
		name       string
		ctx        context.Context
		cancelled  bool // reads the cancelled one
		signups    bool // reads the sign-up list
		forbidden  bool // reads nothing
		listsInOwn bool // lists the published one without a division filter
	}{
		{"lead", w.lead, true, true, false, true},
		{"signed-up volunteer", w.vols[0], true, false, false, true},
		{"resident of another county", other, false, false, false, true},
		{"community worker", w.staff, true, true, false, true},
		{"sibling community worker", as(e, auth.CommunityWorker, apptest.SiblingCommunity), false, false, false, false},
		{"township staff", as(e, auth.TownshipStaff, apptest.Township), true, true, false, true},
		{"sibling township staff", as(e, auth.TownshipStaff, apptest.SiblingTownship), false, false, false, false},
		{"other county's staff", as(e, auth.CountyStaff, apptest.SiblingCounty), false, false, false, false},
		{"city staff", as(e, auth.CityStaff, apptest.City), true, true, false, true},
		{"handling unit", as(e, auth.HandlingUnit, apptest.County), false, false, true, false},
		{"auditor", as(e, auth.Auditor, apptest.City), false, false, true, false},
		{"admin", as(e, auth.Admin, apptest.City), false, false, true, false},
	}
	for _, r := range readers {
		_, err := w.s.Activity(r.ctx, pub.ID)
		switch {
		case r.forbidden && errs.Code(err) != errs.EFORBIDDEN:
			t.Errorf("%s reads the published activity: %v", r.name, err)
		case !r.forbidden && err != nil:
			t.Errorf("%s cannot read the published activity: %v", r.name, err)
		}
		_, err = w.s.Activity(r.ctx, gone.ID)
		switch {
		case r.cancelled && err != nil:
			t.Errorf("%s cannot read the cancelled activity: %v", r.name, err)
		case !r.cancelled && err == nil:
			t.Errorf("%s reads the cancelled activity", r.name)
		}
		list, _, err := w.s.Activities(r.ctx, volunteer.ActivityFilter{Division: apptest.Community})
		ids := []int64{}
		for _, a := range list {
			ids = append(ids, a.ID)
		}
		switch {
		case r.forbidden:
			if errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s lists activities: %v", r.name, err)
			}
		case err != nil:
			t.Errorf("%s list: %v", r.name, err)
		default:
			if !slices.Contains(ids, pub.ID) {
				t.Errorf("%s does not find the published activity in the community's list", r.name)
			}
			if slices.Contains(ids, gone.ID) != r.cancelled {
				t.Errorf("%s finds the cancelled one in the list: %v, want %v", r.name, slices.Contains(ids, gone.ID), r.cancelled)
			}
		}
		if !r.forbidden {
			own, _, err := w.s.Activities(r.ctx, volunteer.ActivityFilter{})
			found := false
			for _, a := range own {
				found = found || a.ID == pub.ID
			}
			if err != nil || found != r.listsInOwn {
				t.Errorf("%s's default list has the published activity: %v, want %v (%v)", r.name, found, r.listsInOwn, err)
			}
		}
		_, err = w.s.Signups(r.ctx, pub.ID)
		if (err == nil) != r.signups {
			t.Errorf("%s reads the sign-ups: %v, want %v", r.name, err == nil, r.signups)
		}
	}
	var denied int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'volunteer.activity.read' AND result = 'denied'`).Scan(&denied); err != nil || denied == 0 {
		t.Errorf("refused reads of the cancelled activity audited %d times (%v)", denied, err)
	}
}
