package demo_test

import (
	"context"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/deliberation"
	"shequ/internal/demo"
	"shequ/internal/platform/auth"
)

// The demo community has an admitted, a waiting and a declined topic, a
// meeting whose secret paper ballot passed, and a decision published.
func TestSeedDeliberation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	b := &demo.Builder{DB: e.App.DB, Divisions: e.App.Divisions, Users: e.App.Users, Audit: e.App.Audit}
	if err := b.SeedDeliberation(e.Ctx, apptest.Community); err != nil {
		t.Fatal(err)
	}
	s := e.App.Deliberation
	worker := auth.With(context.Background(), &auth.Principal{Name: "w", Role: auth.CommunityWorker, Area: auth.AreaOf(apptest.Community, 5)})
	topics, _, err := s.Topics(worker, deliberation.TopicFilter{})
	if err != nil || len(topics) != 3 {
		t.Fatalf("topics: %v %d", err, len(topics))
	}
	pub, _, err := s.Published(context.Background(), apptest.Community, 1, 10)
	if err != nil || len(pub) != 1 {
		t.Fatalf("published: %v %+v", err, pub)
	}
	roster, err := s.Roster(worker, "")
	if err != nil || len(roster) != 2 {
		t.Fatalf("roster: %v %+v", err, roster)
	}
}
