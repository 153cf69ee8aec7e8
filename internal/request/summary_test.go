package request_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
	"shequ/internal/request/stats"
)

// The summary the 三率 read is kept in each action's transaction. After a
// random run of actions (many refused for their state, which must change
// nothing), across a month boundary and past deadlines, it equals a
// recount from the requests, and so do the rates read from it.
func TestSummaryFollowsEveryAction(t *testing.T) {
	f := setup(t)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	county := as(t, f.e, auth.CountyStaff, apptest.County)
	resident := as(t, f.e, auth.Resident, apptest.Community)
	rng := rand.New(rand.NewPCG(7, 11))
	// 31 March 20:00 China time: the first requests fall in March, the
	// later ones in April.
	f.now = time.Date(2026, 3, 31, 12, 0, 0, 0, time.UTC)
	var ids []int64
	sats := []string{request.Satisfied, request.BasicallySatisfied, request.NotSatisfied}
	for step := 0; step < 400; step++ {
		f.now = f.now.Add(time.Duration(rng.IntN(90)) * time.Minute)
		if len(ids) < 40 && (len(ids) == 0 || rng.IntN(4) == 0) {
			who, in := township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.road",
				Description: fmt.Sprintf("路面问题第 %d 号", step), Phone: "13812345678"}
			if rng.IntN(2) == 0 {
				who = resident
			}
			r, err := f.s.Create(who, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
			continue
		}
		id := ids[rng.IntN(len(ids))]
		var ctx context.Context
		var a request.Action
		switch rng.IntN(9) {
		case 0:
			ctx, a = township, request.Action{Action: request.ActDispatch, UnitID: []int64{f.water.ID, f.township.ID}[rng.IntN(2)]}
		case 1:
			ctx, a = county, request.Action{Action: request.ActDispatch, UnitID: f.water.ID}
		case 2:
			ctx, a = f.unitCtx, request.Action{Action: request.ActAccept}
		case 3:
			ctx, a = f.unitCtx, request.Action{Action: request.ActReply, Note: "已经处理完毕"}
		case 4:
			ctx, a = f.unitCtx, request.Action{Action: request.ActReturn, Reason: "不归我们管"}
		case 5:
			ctx, a = township, request.Action{Action: request.ActCallback, Contacted: true, Solved: rng.IntN(2) == 0, Satisfaction: sats[rng.IntN(3)]}
		case 6:
			ctx, a = resident, request.Action{Action: request.ActRate, Satisfaction: sats[rng.IntN(3)], Note: "评价"}
		case 7:
			ctx, a = f.unitCtx, request.Action{Action: request.ActAppeal, Reason: request.AppealDuplicate, Note: "重复"}
		case 8:
			ctx, a = township, request.Action{Action: request.ActAppeal, Decision: []string{"approve", "reject"}[rng.IntN(2)], Note: "审核"}
		}
		_, _ = f.s.Act(ctx, id, a)
	}
	rates := stats.NewService(f.e.App.DB)
	rates.Now = func() time.Time { return f.now }
	kept := summaryRows(t, f)
	lead := map[string]*stats.Stats{}
	for _, m := range []string{"2026-03", "2026-04"} {
		st, err := rates.Rates(as(t, f.e, auth.CityStaff, apptest.City), "", m, false)
		if err != nil {
			t.Fatal(err)
		}
		lead[m] = st
	}
	if err := rates.RebuildSummary(f.e.Ctx); err != nil {
		t.Fatal(err)
	}
	recount := summaryRows(t, f)
	if !slices.Equal(kept, recount) {
		t.Errorf("summary kept by the actions:\n%v\nrecounted:\n%v", kept, recount)
	}
	total := int64(0)
	for _, m := range []string{"2026-03", "2026-04"} {
		st, err := rates.Rates(as(t, f.e, auth.CityStaff, apptest.City), "", m, false)
		if err != nil {
			t.Fatal(err)
		}
		if st.Division.StatsCounts != lead[m].Division.StatsCounts {
			t.Errorf("%s: kept %+v, recounted %+v", m, lead[m].Division.StatsCounts, st.Division.StatsCounts)
		}
		total += st.Division.Total
	}
	if total == 0 || len(kept) < 2 {
		t.Errorf("the run produced too little to compare: %d requests, %d rows", total, len(kept))
	}
}

// summaryRows lists the non-zero summary rows in order.
func summaryRows(t *testing.T, f *fixture) []string {
	t.Helper()
	rows, err := f.e.App.DB.Q(f.e.Ctx).QueryContext(f.e.Ctx, `SELECT month, division_code, unit_id, total, responded, responded_on_time,
		resolved, resolved_on_time, valid_callbacks, satisfied, basically FROM request_stats ORDER BY month, division_code, unit_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var m, d string
		var v [9]int64
		if err := rows.Scan(&m, &d, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]); err != nil {
			t.Fatal(err)
		}
		if [8]int64(v[1:]) != [8]int64{} {
			out = append(out, fmt.Sprint(m, " ", d, " ", v))
		}
	}
	return out
}
