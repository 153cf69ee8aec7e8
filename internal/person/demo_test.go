package person_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/person"
	"shequ/internal/platform/idcard"
)

func TestDemoPersons(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	comms, err := e.App.Divisions.Store.Communities(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	seeds := demo.DemoPersons(comms, today, 7)
	again := demo.DemoPersons(comms, today, 7)
	if len(seeds) != len(again) || seeds[len(seeds)-1].IDNumber != again[len(again)-1].IDNumber {
		t.Fatal("not deterministic")
	}
	elderly := map[string]int{}
	seen := map[string]bool{}
	for _, s := range seeds {
		if !idcard.Valid(s.IDNumber) || seen[s.IDNumber] {
			t.Fatalf("bad or repeated ID number %s", s.IDNumber)
		}
		seen[s.IDNumber] = true
		if !strings.HasPrefix(s.Name, "演示") {
			t.Fatalf("a name that looks real: %s", s.Name)
		}
		if s.Groups[0].Group == person.GroupElderly && s.Groups[0].End == "" {
			elderly[s.CommunityCode]++
		}
	}
	for _, c := range comms {
		if elderly[c.Code] == 0 {
			t.Errorf("no elderly people in %s", c.Code)
		}
	}
	s := svc(e)
	if err := s.Load(e.Ctx, seeds); err != nil {
		t.Fatal(err)
	}
	// The measures count what was loaded, today's members only.
	s.Now = func() time.Time { return today.Add(6 * time.Hour) }
	if err := s.Reconcile(e.Ctx, true); err != nil {
		t.Fatal(err)
	}
	tot, _ := s.Measures.Totals(context.Background(), []string{person.ElderlySpecial}, []string{apptest.City})
	want := 0
	for _, n := range elderly {
		want += n
	}
	if got := tot[apptest.City][person.ElderlySpecial]; got != int64(want) {
		t.Errorf("city elderly measure %d, want %d", got, want)
	}
	// Loading the same people twice is refused.
	if err := s.Load(e.Ctx, seeds[:1]); err == nil {
		t.Error("a second load of the same ID number went in")
	}
}
