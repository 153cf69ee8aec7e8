package burden_test

import (
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/burden"
	"shequ/internal/platform/auth"
)

// BenchmarkAssign: a department's assignment of a listed item to every
// community of a county (the list check, the task, one share per
// community by INSERT … SELECT, the audit record, one transaction), an
// assignment refused off the list (counted and audited), and the figures
// of the city.
func BenchmarkAssign(b *testing.B) {
	e := apptest.New(b)
	unit := e.Department(apptest.County, "区卫健局")
	it, err := e.App.Burden.AddItem(e.Ctx, burden.BurdenItem{List: burden.ListWork, DivisionCode: apptest.County, Name: "慢病随访协助",
		Basis: "规范", UnitID: unit, Kind: burden.KindDuty})
	if err != nil {
		b.Fatal(err)
	}
	acc, err := e.App.Users.ByName(e.Ctx, e.User(auth.HandlingUnit, apptest.County))
	if err != nil {
		b.Fatal(err)
	}
	dept := auth.With(e.Ctx, &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.HandlingUnit, Area: auth.AreaOf(apptest.County, 3)})
	in := burden.BurdenAssignInput{ItemID: it.ID, Title: "随访", AreaCode: apptest.County, Deadline: "2099-01-01"}
	b.Run("assign", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.App.Burden.Assign(dept, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	off := burden.BurdenAssignInput{ItemName: "不在清单上的工作", Title: "宣传", AreaCode: apptest.County, Deadline: "2099-01-01"}
	b.Run("refused", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.App.Burden.Assign(dept, off); err == nil {
				b.Fatal("assigned off the list")
			}
		}
	})
	b.Run("figures", func(b *testing.B) {
		for b.Loop() {
			if _, err := e.App.Burden.Figures(e.Ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
