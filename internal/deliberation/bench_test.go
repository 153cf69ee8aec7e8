package deliberation_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/deliberation"
	"shequ/internal/platform/auth"
)

// BenchmarkTally20000: the result of a secret vote of 20,000 ballots (of
// 20,000 people signed in) with its quorum check, as the meeting's page
// and the API read it; the 95th percentile must stay under 200 ms. Run with:
//
//	go test ./internal/deliberation -run '^$' -bench Tally20000 -benchtime 50x
func BenchmarkTally20000(b *testing.B) {
	const ballots = 20000
	e := apptest.New(b)
	s := e.App.Deliberation
	worker := auth.With(e.Ctx, &auth.Principal{UserID: 0, Name: "bench", Role: auth.CommunityWorker, Area: auth.AreaOf(apptest.Community, 5)})
	township := auth.With(e.Ctx, &auth.Principal{UserID: 0, Name: "bench-t", Role: auth.TownshipStaff, Area: auth.AreaOf(apptest.Township, 4)})
	topic, err := s.RaiseTopic(worker, deliberation.TopicInput{DivisionCode: apptest.Community, Title: "大型议题", Body: "全体居民表决"})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.ReviewTopic(township, topic.ID, deliberation.Review{Decision: "admit", Plan: "居民会议"}); err != nil {
		b.Fatal(err)
	}
	electorate := int64(30000)
	m, err := s.PlanMeeting(worker, deliberation.MeetingInput{TopicID: topic.ID, Kind: "assembly", Mode: "both", Title: "居民会议", StartsAt: time.Now(),
		Electorate: &electorate, Reason: "基准测试"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	att := make([][]any, ballots)
	for i := range att {
		att[i] = []any{m.ID, fmt.Sprintf("n%05d", i), fmt.Sprintf("居民%05d", i), "bench", now}
	}
	if _, err := e.App.DB.InsertRows(e.Ctx, `INSERT INTO delib_attendance (meeting_id, person, name, signed_by, created_at) VALUES `, 5, "", att); err != nil {
		b.Fatal(err)
	}
	r, err := s.OpenVote(worker, m.ID, deliberation.VoteInput{Motion: "同意", Secret: true})
	if err != nil {
		b.Fatal(err)
	}
	rows := make([][]any, ballots)
	voters := make([][]any, ballots)
	for i := range rows {
		rows[i] = []any{r.Vote.ID, []string{"yes", "yes", "no", "abstain"}[i%4], 1, ""}
		voters[i] = []any{r.Vote.ID, fmt.Sprintf("n%05d", i), now}
	}
	if _, err := e.App.DB.InsertRows(e.Ctx, `INSERT INTO delib_ballots (vote_id, choice, n, person) VALUES `, 4, "", rows); err != nil {
		b.Fatal(err)
	}
	if _, err := e.App.DB.InsertRows(e.Ctx, `INSERT INTO delib_voters (vote_id, person, created_at) VALUES `, 3, "", voters); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		res, err := s.Result(worker, r.Vote.ID)
		lat = append(lat, time.Since(t0))
		if err != nil || res.Cast != ballots || res.Yes != ballots/2 || !res.Quorate || res.Present != ballots {
			b.Fatalf("result: %v %+v", err, res)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	p95 := lat[(len(lat)*95+99)/100-1]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	if p95 > 200*time.Millisecond {
		b.Fatalf("p95 %v over 200 ms", p95)
	}
}
