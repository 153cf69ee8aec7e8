package grid_test

import (
	"context"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/grid"
	"shequ/internal/platform/auth"
)

// patrolling returns a grid worker's ctx at the fixture community and the
// id of a grid it is assigned to.
func patrolling(b *testing.B, e *apptest.Env) (context.Context, int64) {
	b.Helper()
	login := e.User(auth.GridWorker, apptest.Community)
	u, err := e.App.Users.ByName(e.Ctx, login)
	if err != nil {
		b.Fatal(err)
	}
	g, err := e.App.Grids.Create(as(e, auth.CommunityWorker, apptest.Community, 5), grid.GridInput{CommunityCode: apptest.Community, Number: 1, Name: "第一网格", Workers: []string{login}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := auth.With(context.Background(), &auth.Principal{UserID: u.ID, Name: login, Role: auth.GridWorker, Area: auth.AreaOf(apptest.Community, 5)})
	return ctx, g.ID
}

var resolved = grid.GridEventInput{Kind: "dispute", Description: "邻里停车口角", Outcome: grid.Resolved, Resolution: "当场劝解"}

// BenchmarkGridEvent: an event resolved on the spot, on a patrol under way,
// its audit record included.
func BenchmarkGridEvent(b *testing.B) {
	e := apptest.New(b)
	ctx, gid := patrolling(b, e)
	p, err := e.App.Grids.Start(ctx, gid)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.App.Grids.AddEvent(ctx, p.ID, resolved, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGridFigures: the city's figures of the month, a row per county,
// over 400 patrols with 800 events.
func BenchmarkGridFigures(b *testing.B) {
	e := apptest.New(b)
	ctx, gid := patrolling(b, e)
	s := e.App.Grids
	for range 400 {
		p, err := s.Start(ctx, gid)
		if err != nil {
			b.Fatal(err)
		}
		for range 2 {
			if _, err := s.AddEvent(ctx, p.ID, resolved, nil); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.End(ctx, p.ID); err != nil {
			b.Fatal(err)
		}
	}
	city := as(e, auth.CityStaff, apptest.City, 2)
	b.ResetTimer()
	for b.Loop() {
		f, err := s.Figures(city, "", "")
		if err != nil || f.Total.Patrols != 400 || f.Total.Events != 800 {
			b.Fatalf("%+v %v", f, err)
		}
	}
}
