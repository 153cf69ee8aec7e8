package mediation_test

import (
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/mediation"
)

// seedCases opens n cases spread over the fixture's four communities,
// every other one with an agreement called back.
func seedCases(b *testing.B, e *apptest.Env, n int) {
	b.Helper()
	s := e.App.Mediation
	comms := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity}
	for i := range n {
		_, err := s.OpenCase(e.Ctx, mediation.MediationCaseInput{CommunityCode: comms[i%4], Kind: mediation.Kinds[i%len(mediation.Kinds)],
			Summary: "纠纷 " + strconv.Itoa(i), Parties: []mediation.CasePartyInput{{Name: "张三", Phone: "13912345678"}, {Name: "李四"}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMediationOpenCase: opening a case with two sealed parties, its
// audit record included.
func BenchmarkMediationOpenCase(b *testing.B) {
	e := apptest.New(b)
	s := e.App.Mediation
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.OpenCase(e.Ctx, mediation.MediationCaseInput{CommunityCode: apptest.Community, Kind: "family", Summary: "纠纷",
			Parties: []mediation.CasePartyInput{{Name: "张三", Phone: "13912345678", IDNumber: "110101199003074477"}, {Name: "李四"}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMediationFigures: the city's figures with a row per county over
// 2,000 cases.
func BenchmarkMediationFigures(b *testing.B) {
	e := apptest.New(b)
	seedCases(b, e, 2000)
	b.ResetTimer()
	for b.Loop() {
		total, _, err := e.App.Mediation.Figures(e.Ctx, apptest.City)
		if err != nil || total.Cases != 2000 {
			b.Fatalf("%+v %v", total, err)
		}
	}
}
