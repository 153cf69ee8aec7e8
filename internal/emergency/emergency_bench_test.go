package emergency_test

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/emergency"
	"shequ/internal/platform/auth"
)

// BenchmarkAlertToTownship sends an alert to a township of 100,000 resident
// accounts (SHEQU_BENCH_RESIDENTS) and 5,000 vulnerable people
// (SHEQU_BENCH_VULNERABLE) in its two communities: each op is one Send, which
// puts the alert in every inbox and every task list in one transaction.
// The target is under 10 s an op on SQLite.
func BenchmarkAlertToTownship(b *testing.B) {
	nres, nvul := envInt("SHEQU_BENCH_RESIDENTS", 100_000), envInt("SHEQU_BENCH_VULNERABLE", 5_000)
	e := apptest.New(b)
	comms := []string{apptest.Community, apptest.SiblingCommunity}
	residents(b, e, "bench", nres/len(comms), comms...)
	ps := make([]person, nvul)
	kinds := []string{"living_alone", "disabled", ""}
	for i := range ps {
		k := kinds[i%3]
		g := "elderly_special"
		if k == "" {
			g = "disability"
		}
		ps[i] = person{comms[i%2], fmt.Sprintf("居民%d", i), g, k, ""}
	}
	people(b, e, ps)
	ctx := as(auth.CountyStaff, apptest.County, 3)
	e.User(auth.CountyStaff, apptest.County)
	u, err := e.App.Users.ByName(e.Ctx, apptest.Name(auth.CountyStaff, apptest.County))
	if err != nil {
		b.Fatal(err)
	}
	auth.From(ctx).UserID = u.ID
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, err := e.App.Emergencies.Send(ctx, emergency.AlertInput{AreaCode: apptest.Township, Kind: "flood", Level: "red", Body: "洪水红色预警，请立即转移"})
		if err != nil {
			b.Fatal(err)
		}
		if a.Residents != nres/len(comms)*len(comms) {
			b.Fatalf("reached %d residents, want %d", a.Residents, nres)
		}
		c, err := e.App.Emergencies.Coverage(ctx, a.ID)
		if err != nil {
			b.Fatal(err)
		}
		if c.Total.Pending != nvul {
			b.Fatalf("%d tasks, want %d", c.Total.Pending, nvul)
		}
	}
	b.ReportMetric(float64(nres), "residents/op")
	b.ReportMetric(float64(nvul), "tasks/op")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
