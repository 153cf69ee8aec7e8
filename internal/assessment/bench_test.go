package assessment_test

import (
	"context"
	"io"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/assessment"
	"shequ/internal/platform/auth"
)

func as(id int64, role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: id, Name: string(role), Role: role, Area: auth.AreaOf(area, level)})
}

// approveCounty takes every community of the fixture's county through a
// whole round (start, hand score, submit, review, approve) and returns
// the scheme and how many communities were assessed.
func approveCounty(b *testing.B, e env, year int) (*assessment.AssessmentScheme, int) {
	sc := scheme(b, e, year)
	s := e.App.Assessments
	county := as(3, auth.CountyStaff, apptest.County, 3)
	towns, err := e.App.Divisions.Children(county, apptest.County)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, t := range towns {
		comms, err := e.App.Divisions.Children(county, t.Code)
		if err != nil {
			b.Fatal(err)
		}
		for i, c := range comms {
			e.src.set(c.Code, float64(50+i%50))
			cw := as(1, auth.CommunityWorker, c.Code, 5)
			a, err := s.Start(cw, year)
			if err == nil {
				_, err = s.ScoreHand(cw, a.ID, sc.Items[1].ID, assessment.AssessmentHandInput{Points: float64(i % 60)}, nil)
			}
			if err == nil {
				_, err = s.Submit(cw, a.ID)
			}
			if err == nil {
				_, err = s.Review(as(2, auth.TownshipStaff, t.Code, 4), a.ID)
			}
			if err == nil {
				_, err = s.Approve(county, a.ID)
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	return sc, n
}

// BenchmarkAssessmentCounty: a county's ranking and its Excel export of
// results, with every community of 桃城区 approved.
func BenchmarkAssessmentCounty(b *testing.B) {
	e := env{apptest.New(b), &fakeSource{values: map[string]float64{}}}
	e.App.Assessments.Source = e.src
	year := e.App.Assessments.Year()
	sc, n := approveCounty(b, e, year)
	county := as(3, auth.CountyStaff, apptest.County, 3)
	b.Run("ranking", func(b *testing.B) {
		for b.Loop() {
			rk, err := e.App.Assessments.Ranking(county, sc.ID, apptest.County)
			if err != nil || len(rk.Rows) != n {
				b.Fatalf("%v: %d rows of %d", err, len(rk.Rows), n)
			}
		}
	})
	b.Run("export", func(b *testing.B) {
		for b.Loop() {
			if err := e.App.Assessments.Export(county, assessment.Filter{Year: year}, io.Discard); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Logf("%d communities of the county approved", n)
}
