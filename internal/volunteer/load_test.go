package volunteer_test

import (
	"reflect"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/measure"
	"shequ/internal/volunteer"
)

// The demo's volunteers load on the fixture, deterministically, and the
// measures match independent sums over what was generated.
func TestDemoLoad(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	comms, err := e.App.Divisions.Store.Communities(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	towns := []division.Division{{Code: apptest.Township, Name: "河西街道办事处", Level: division.Township}, {Code: apptest.SiblingTownship, Name: "河东街道办事处", Level: division.Township}}
	today := time.Date(2026, 11, 20, 0, 0, 0, 0, calendar.China)
	sd := demo.DemoVolunteers(comms, towns, today, 7)
	if again := demo.DemoVolunteers(comms, towns, today, 7); !reflect.DeepEqual(sd, again) {
		t.Fatal("the same seed gave different data")
	}
	if len(sd.Volunteers) == 0 || len(sd.Activities) == 0 {
		t.Fatalf("nothing generated: %d volunteers, %d activities", len(sd.Volunteers), len(sd.Activities))
	}
	s := newService(e, &clock{today.Add(10 * time.Hour)})
	if err := s.Load(e.Ctx, sd); err != nil {
		t.Fatal(err)
	}
	// Independent sums from the seed.
	var hours, month int64
	nov := "2026-11"
	active := map[int]bool{}
	for _, a := range sd.Activities {
		if !a.Closed {
			continue
		}
		for _, sv := range a.Served {
			h := volunteer.ClipHours(a.Input.StartsAt, a.Input.EndsAt, sv.In, sv.Out)
			hours += h
			if a.Input.StartsAt.In(calendar.China).Format("2006-01") == nov {
				month += h
			}
			if a.Input.StartsAt.After(today.AddDate(-1, 0, 0)) {
				active[sv.Volunteer] = true
			}
		}
	}
	tot, err := s.Measures.Totals(e.Ctx, []string{volunteer.Registered, volunteer.ActiveN, measure.Key(volunteer.HoursM, nov)}, []string{apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	c := tot[apptest.City]
	if c[volunteer.Registered] != int64(len(sd.Volunteers)) || c[volunteer.ActiveN] != int64(len(active)) || c[measure.Key(volunteer.HoursM, nov)] != month {
		t.Fatalf("measures %v; want registered %d, active %d, November %d", c, len(sd.Volunteers), len(active), month)
	}
	var stored int64
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COALESCE(sum(hours_centi), 0) FROM volunteers`).Scan(&stored); err != nil || stored != hours {
		t.Fatalf("stored hours %d, want %d (%v)", stored, hours, err)
	}
	// A bad row is named, and nothing is written.
	bad := demo.DemoVolunteers(comms, towns, today, 8)
	bad.Volunteers[1].Phone = "12"
	err = s.Load(e.Ctx, bad)
	if fieldKeys(t, err)["phone"] != "idcard.mobile" || fieldRow(err) != 2 {
		t.Fatalf("bad row: %v", err)
	}
}
