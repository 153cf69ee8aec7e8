package ledger_test

import (
	"context"
	"fmt"
	"testing"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/ledger"
	"shequ/internal/platform/auth"
)

// BenchmarkCompletion is the final evaluation's call for the city over
// 17 tasks with 40 work items each in four communities of two counties
// (a fifth of them done), and the rates page's.
func BenchmarkCompletion(b *testing.B) {
	e := apptest.New(b)
	reqs, co := e.App.Requests, e.App.Ledger
	u, err := reqs.CreateUnit(e.Ctx, requestUnit("衡水市民政局"))
	if err != nil {
		b.Fatal(err)
	}
	places := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity}
	for i := range 17 {
		t, err := co.CreateTask(e.Ctx, ledger.LedgerTaskInput{Period: app.Plan20212025, Kind: ledger.SpecialAction, Code: fmt.Sprintf("SA-%02d", i),
			Title: fmt.Sprintf("行动%d", i), LeadUnit: u.ID, Divisions: places, Deadline: "2025-12-31"})
		if err != nil {
			b.Fatal(err)
		}
		for j := range 40 {
			if _, err := co.AddItem(e.Ctx, t.ID, ledger.WorkItemInput{Year: 2021 + j%5, Title: fmt.Sprintf("事项%d", j),
				DivisionCode: places[j%4], DueOn: "2025-06-30"}); err != nil {
				b.Fatal(err)
			}
		}
	}
	cu, _ := e.App.Users.ByName(e.Ctx, e.User(auth.CityStaff, apptest.City))
	city := auth.With(context.Background(), &auth.Principal{UserID: cu.ID, Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, division.City)})
	b.Run("completion", func(b *testing.B) {
		for b.Loop() {
			if ls, err := co.Completion(city, app.Plan20212025, apptest.City); err != nil || len(ls) != 17 {
				b.Fatal(len(ls), err)
			}
		}
	})
	b.Run("rates", func(b *testing.B) {
		for b.Loop() {
			if _, err := co.Rates(city, app.Plan20212025, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
