package demo_test

import (
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/mediation"
)

// The demo community has a committee, three cases in three states, an
// adviser with services and three legal-literate villagers, and the
// figures count them.
func TestSeedMediation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	if err := demo.SeedMediation(e.Ctx, e.App.Mediation, apptest.Community); err != nil {
		t.Fatal(err)
	}
	total, _, err := e.App.Mediation.Figures(e.Ctx, apptest.Township)
	if err != nil {
		t.Fatal(err)
	}
	want := mediation.MediationFigures{Code: apptest.Township, Name: total.Name, Cases: 3, Agreements: 2, AgreementsKept: 1,
		CommunitiesAdvised: 1, LegalLiterates: 3, DrillDown: true}
	if *total != want {
		t.Errorf("figures %+v, want %+v", *total, want)
	}
	cs, _, err := e.App.Mediation.Cases(e.Ctx, mediation.CaseFilter{Status: mediation.Closed})
	if err != nil || len(cs) != 1 {
		t.Errorf("closed cases: %d %v", len(cs), err)
	}
}
