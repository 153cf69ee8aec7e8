package project_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/project"
	"shequ/internal/residentunit"
)

// fillCounty records needs (SHEQU_BENCH_NEEDS, default 4,000) across four
// communities of the county, a resource for each kind in each, and a
// project for every fifth need with two milestones (one late), in one
// transaction, as county staff.
func fillCounty(b *testing.B, e *apptest.Env, needs int) context.Context {
	county := as(1, auth.CountyStaff, apptest.County, 3)
	s := e.App.Projects
	comms := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.RuralCommunity}
	err := e.App.DB.WithTx(county, func(ctx context.Context) error {
		for i, c := range comms {
			u, err := e.App.ResidentUnits.Create(ctx, residentunit.ResidentUnitInput{DivisionCode: c, Name: "驻区单位", Kind: "enterprise"})
			if err != nil {
				return err
			}
			for _, k := range project.NeedKinds {
				if _, err := e.App.ResidentUnits.AddResource(ctx, u.ID, residentunit.UnitResourceInput{Name: fmt.Sprintf("资源%d-%s", i, k),
					Kind: "services", Serves: k}); err != nil {
					return err
				}
			}
		}
		for i := 0; i < needs; i++ {
			n, err := s.RaiseNeed(ctx, project.NeedInput{DivisionCode: comms[i%len(comms)], Title: "需求" + strconv.Itoa(i),
				Kind: project.NeedKinds[i%len(project.NeedKinds)], Affected: i % 50})
			if err != nil {
				return err
			}
			if i%5 != 0 {
				continue
			}
			p, err := s.CreateProject(ctx, project.ProjectInput{DivisionCode: n.DivisionCode, Title: "项目" + strconv.Itoa(i), Owner: "社工站",
				Funding: project.Fundings[i%len(project.Fundings)], Budget: int64(i) * 1000, Needs: []int64{n.ID}})
			if err != nil {
				return err
			}
			for _, due := range []string{"2026-01-10", "2027-06-30"} {
				if _, err := s.AddMilestone(ctx, p.ID, project.MilestoneInput{Title: "节点", DueOn: due}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return county
}

func benchNeeds() int {
	if n, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_NEEDS")); err == nil && n > 0 {
		return n
	}
	return 4000
}

// BenchmarkFiguresCounty reads a county's figures with its townships'
// rows (the figures page and API).
func BenchmarkFiguresCounty(b *testing.B) {
	e := apptest.New(b)
	ctx := fillCounty(b, e, benchNeeds())
	e.App.Projects.Now = func() time.Time { return time.Date(2026, 12, 5, 4, 0, 0, 0, time.UTC) }
	b.ResetTimer()
	for b.Loop() {
		total, _, err := e.App.Projects.Figures(ctx, "")
		if err != nil || total.NeedsOpen == 0 {
			b.Fatal(total, err)
		}
	}
}

// BenchmarkMatches suggests resources for a need (the need's page).
func BenchmarkMatches(b *testing.B) {
	e := apptest.New(b)
	ctx := fillCounty(b, e, benchNeeds())
	ns, _, err := e.App.Projects.Needs(ctx, project.NeedFilter{PerPage: 1})
	if err != nil || len(ns) == 0 {
		b.Fatal(ns, err)
	}
	b.ResetTimer()
	for b.Loop() {
		ms, err := e.App.Projects.Matches(ctx, ns[0].ID)
		if err != nil || len(ms) == 0 {
			b.Fatal(ms, err)
		}
	}
}
