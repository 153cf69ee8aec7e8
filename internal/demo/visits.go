package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"shequ/internal/care"
	"shequ/internal/person"
	"shequ/internal/platform/calendar"
)

var (
	demoNotes    = []string{"精神状态良好，按时服药", "家中整洁，饮食正常", "腿脚不便，需要助餐服务", "独居，子女每周来看望", "血压偏高，已提醒就医", "天气转凉，已检查取暖设施"}
	demoFollowUp = []string{"需要联系卫生室上门量血压", "燃气灶老化，需协调更换", "申请助餐服务"}
)

// visits makes last month's and this month's visit tasks for the demo's
// elderly people and records visits: nearly all of last month's, and this
// month's in proportion to the days gone, so the monthly visit rate and the
// township's escalation list have something to show.
func (b *Builder) visits(ctx context.Context) error {
	start := time.Now()
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	ps := person.NewService(b.DB, b.Audit, keys)
	people := care.PeopleFunc(func(ctx context.Context, lo, hi string, on time.Time) ([]care.Person, error) {
		ms, err := ps.Members(ctx, person.GroupElderly, lo, hi, on)
		out := make([]care.Person, len(ms))
		for i, m := range ms {
			out[i] = care.Person{ID: m.ID, Name: m.Name, CommunityCode: m.CommunityCode}
		}
		return out, err
	})
	s := care.NewService(b.DB, b.Audit, keys, people)
	now := time.Now()
	cur := care.MonthOf(now)
	b.say("making visit tasks and visits… ")
	r := rand.New(rand.NewPCG(2026, 11))
	var seeds []care.SeedVisit
	// The current month only: a second month doubled the demo's longest
	// phase and kept the first run too close to its 20-second budget.
	for _, m := range []string{cur} {
		if _, err := s.Generate(ctx, m); err != nil {
			return err
		}
		tasks, err := s.TasksOf(ctx, m)
		if err != nil {
			return err
		}
		mStart, _ := care.ParseMonth(m)
		end := mStart.AddDate(0, 1, 0)
		share := 0.93
		if m == cur {
			end = now
			share = 0.9 * float64(now.In(calendar.China).Day()) / 30
		}
		span := end.Sub(mStart)
		for _, t := range tasks {
			if r.Float64() >= share {
				continue
			}
			v := care.SeedVisit{TaskID: t.ID, Visitor: "演示网格员", VisitedAt: mStart.Add(time.Duration(r.Int64N(int64(span)))),
				Method:    []string{care.Home, care.Home, care.Home, care.Phone, care.Video}[r.IntN(5)],
				Checklist: map[string]string{}, Notes: demoNotes[r.IntN(len(demoNotes))]}
			for _, item := range care.ChecklistItems {
				v.Checklist[item] = care.OK
				if r.Float64() < 0.08 {
					v.Checklist[item] = care.Attention
				}
			}
			if r.Float64() < 0.05 {
				v.FollowUp = demoFollowUp[r.IntN(len(demoFollowUp))]
			}
			seeds = append(seeds, v)
		}
	}
	if err := s.LoadVisits(ctx, seeds); err != nil {
		return err
	}
	s.Now = func() time.Time { return now }
	if _, err := s.Escalate(ctx); err != nil {
		return err
	}
	b.say("%d visits (%.1fs)\n", len(seeds), time.Since(start).Seconds())
	return nil
}
