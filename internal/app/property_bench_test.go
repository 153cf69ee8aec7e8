package app_test

import (
	"fmt"
	"net/http"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// BenchmarkPropertyScores reads a county's company scores: 20 companies
// with linked units, 5 compounds each (per call: the compounds, the units,
// the ratings and up to twelve months of the 三率 summary).
func BenchmarkPropertyScores(b *testing.B) {
	e := apptest.New(b)
	county := e.Token(auth.CountyStaff, apptest.County)
	communities := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity}
	for i := 0; i < 20; i++ {
		u, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: fmt.Sprintf("物业单位%d", i), Kind: request.UnitCompany, DivisionCode: apptest.County})
		if err != nil {
			b.Fatal(err)
		}
		res := e.API("POST", "/api/v1/property/companies", county, map[string]any{"division_code": apptest.County, "name": fmt.Sprintf("物业%d", i),
			"credit_code": creditCode(b, fmt.Sprintf("91131102MA0%06d", i)), "contact": "经理", "phone": "13800000000", "unit_id": u.ID})
		if res.StatusCode != http.StatusCreated {
			b.Fatal(res.Body)
		}
		for j := 0; j < 5; j++ {
			res := e.API("POST", "/api/v1/property/compounds", county, map[string]any{"community_code": communities[j%3], "name": fmt.Sprintf("小区%d-%d", i, j),
				"management": "company", "company_id": i + 1, "contract_start": "2024-01-01", "contract_end": "2099-12-31"})
			if res.StatusCode != http.StatusCreated {
				b.Fatal(res.Body)
			}
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if res := e.API("GET", "/api/v1/property/scores", county, nil); res.StatusCode != http.StatusOK {
			b.Fatal(res.Body)
		}
	}
}
