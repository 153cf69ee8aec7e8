package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/calendar"
	"shequ/internal/volunteer"
)

var volunteerSkills = []string{"理发", "医疗护理", "心理疏导", "法律咨询", "家电维修", "书法", "摄影", "驾驶", "文艺表演", "课业辅导", "急救", "手语"}

var activityKinds = []struct{ title, content, target string }{
	{"为独居老人理发", "上门或在活动室为老人义务理发", "elderly"},
	{"敬老院探访", "陪伴聊天、打扫卫生、读报", "elderly"},
	{"义诊量血压", "联合卫生院为居民免费量血压、测血糖", "residents"},
	{"四点半课堂", "为放学后的孩子辅导作业", "children"},
	{"环境卫生整治", "清理楼道堆物和小广告", "environment"},
	{"助残上门服务", "为残疾人家庭送餐、代购", "disabled"},
	{"反诈宣传", "在小区广场宣讲防范电信诈骗", "residents"},
	{"困难家庭帮扶", "走访困难家庭，登记需求", "families"},
}

// DemoVolunteers makes the demo's volunteer service: a civilisation
// practice station in most townships, volunteer teams in some urban
// communities, about three thousand volunteers (more in towns), a lead for
// every organisation, and a year of activities with attendance, some still
// open in the coming weeks. The same seed and day give the same data.
func DemoVolunteers(comms, townships []division.Division, today time.Time, seed uint64) volunteer.Seed {
	r := rand.New(rand.NewPCG(seed, seed^0x701))
	var sd volunteer.Seed
	byTownship := map[string][]division.Division{}
	for _, c := range comms {
		t := division.ParentOf(c.Code, division.Community)
		byTownship[t] = append(byTownship[t], c)
	}
	type org struct {
		idx   int
		comms []division.Division
		vols  []int
	}
	var orgs []*org
	seen := map[string]bool{}
	newVol := func(c division.Division) int {
		id := idNumber(r, c.Code)
		for seen[id] {
			id = idNumber(r, c.Code)
		}
		seen[id] = true
		var skills []string
		for range r.IntN(3) {
			skills = append(skills, volunteerSkills[r.IntN(len(volunteerSkills))])
		}
		sd.Volunteers = append(sd.Volunteers, volunteer.SeedVolunteer{CommunityCode: c.Code, Name: personName(r), IDNumber: id, Phone: phone(r), Skills: skills})
		return len(sd.Volunteers) - 1
	}
	for _, t := range townships {
		cs := byTownship[t.Code]
		if len(cs) == 0 || r.Float64() > 0.85 {
			continue
		}
		sd.Orgs = append(sd.Orgs, volunteer.OrgInput{DivisionCode: t.Code, Name: short(t.Name) + "新时代文明实践所", Kind: "practice_station"})
		o := &org{idx: len(sd.Orgs) - 1, comms: cs}
		orgs = append(orgs, o)
		for _, c := range cs {
			// Urban communities have more volunteers; a few villages one.
			n := r.IntN(2)
			if c.Kind == "urban" {
				n = 3 + r.IntN(10)
			}
			var local []int
			for range n {
				local = append(local, newVol(c))
			}
			o.vols = append(o.vols, local...)
			if c.Kind == "urban" && len(local) >= 6 && r.Float64() < 0.3 {
				sd.Orgs = append(sd.Orgs, volunteer.OrgInput{DivisionCode: c.Code, Name: short(c.Name) + "志愿服务队", Kind: "volunteer_team"})
				team := &org{idx: len(sd.Orgs) - 1, comms: []division.Division{c}, vols: local}
				orgs = append(orgs, team)
			}
		}
	}
	for _, o := range orgs {
		for j, v := range o.vols {
			sd.Members = append(sd.Members, volunteer.SeedMember{Org: o.idx, Volunteer: v, Lead: j == 0})
		}
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, calendar.China)
	for _, o := range orgs {
		if len(o.vols) < 3 {
			continue
		}
		// About one activity a month over the past year, two coming up.
		for k := range 14 {
			kind := activityKinds[r.IntN(len(activityKinds))]
			c := o.comms[r.IntN(len(o.comms))]
			offset := -360 + k*27 + r.IntN(10)
			closed := k < 12
			if !closed {
				offset = 2 + r.IntN(20)
			}
			start := day.AddDate(0, 0, offset).Add(time.Duration(8+r.IntN(8)) * time.Hour)
			end := start.Add(time.Duration(1+r.IntN(3)) * time.Hour)
			slots := 5 + r.IntN(16)
			a := volunteer.SeedActivity{Org: o.idx, Closed: closed, Input: volunteer.ActivityInput{CommunityCode: c.Code, Title: kind.title,
				Content: kind.content, Target: kind.target, Place: short(c.Name) + "党群服务中心", StartsAt: start, EndsAt: end, Slots: slots}}
			used := map[int]bool{}
			for range min(slots, len(o.vols), 2+r.IntN(10)) {
				v := o.vols[r.IntN(len(o.vols))]
				if used[v] {
					continue
				}
				used[v] = true
				sv := volunteer.SeedServed{Volunteer: v}
				if closed {
					sv.In = start.Add(time.Duration(r.IntN(40)-15) * time.Minute)
					sv.Out = end.Add(time.Duration(r.IntN(40)-25) * time.Minute)
				}
				a.Served = append(a.Served, sv)
			}
			sd.Activities = append(sd.Activities, a)
		}
	}
	return sd
}

// volunteers fills volunteer service and its measures.
func (b *Builder) volunteers(ctx context.Context, comms []division.Division) error {
	start := time.Now()
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	townships, err := b.divisions(ctx, division.Township)
	if err != nil {
		return err
	}
	sd := DemoVolunteers(comms, townships, time.Now().In(calendar.China), 2026)
	b.say("writing %d volunteers, %d organisations, %d activities… ", len(sd.Volunteers), len(sd.Orgs), len(sd.Activities))
	if err := volunteer.NewService(b.DB, b.Audit, keys).Load(ctx, sd); err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return b.seals(ctx, keys)
}
