package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/notify"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/pii"
	"shequ/internal/request"
	"shequ/internal/request/stats"
)

// DemoRequests is how many requests the demo files over the last
// DemoRequestDays days.
const (
	DemoRequests    = 6000
	DemoRequestDays = 365
)

var demoProblems = map[string][]string{
	"city.garbage":      {"小区门口垃圾堆放多日无人清运", "垃圾桶满溢，气味很大", "建筑垃圾堆在路边"},
	"city.road":         {"路面塌陷出现大坑", "人行道砖松动，老人容易绊倒", "下雨后路面积水严重"},
	"city.light":        {"路灯晚上不亮", "小区主干道路灯损坏多盏", "路灯白天也亮着"},
	"utility.water":     {"楼道水管漏水", "小区停水没有提前通知", "自来水发黄有异味"},
	"utility.power":     {"整栋楼停电", "电压不稳，电器经常跳闸"},
	"utility.heating":   {"暖气不热，室温只有十五度", "暖气管道漏水"},
	"safety.gas":        {"楼道里闻到燃气味", "燃气管道锈蚀严重"},
	"safety.building":   {"外墙瓷砖脱落", "楼顶防水层破损漏雨"},
	"property.service":  {"物业不清扫楼道", "电梯经常故障物业不修"},
	"property.parking":  {"消防通道被车辆占用", "小区车位乱收费"},
	"social.elderly":    {"想给老人申请居家养老服务", "社区老年食堂什么时候开"},
	"social.assistance": {"咨询低保申请条件", "家里困难想申请临时救助"},
	"dispute.neighbour": {"楼上漏水邻居不配合维修", "邻居占用公共楼道堆放杂物"},
	"dispute.wages":     {"装修工程款被拖欠", "打工工资被拖欠三个月"},
	"other":             {"咨询社区办事时间", "希望增加小区健身器材"},
}

// requests files the demo's requests across 衡水: handling units for each
// township and three per county, a deterministic flow of dispatches,
// returns, replies, callbacks and appeals with timelines, so the pages and
// the 三率 have data. The demo unit account joins its county's water
// company; the demo resident owns some requests.
func (b *Builder) requests(ctx context.Context, comms []division.Division) error {
	start := time.Now()
	b.say("filing %d requests… ", DemoRequests)
	keys, _ := b.Users.Secrets.(*pii.Ring)
	out := notify.NewOutbox(b.DB, nil, nil, keys)
	s := request.NewService(b.DB, b.Audit, keys, nil, out)
	out.Units = s.Store
	if err := s.SeedCategories(ctx); err != nil {
		return err
	}
	cal, err := calendar.Load(ctx, b.DB)
	if err != nil {
		return err
	}
	leaves, err := b.leafCategories(ctx)
	if err != nil {
		return err
	}
	residentID, unitUserID := b.userID(ctx, "demo-resident"), b.userID(ctx, "demo-handling-unit")
	residentArea := b.userArea(ctx, residentID)
	r := rand.New(rand.NewPCG(2026, 0x4e0))
	now := time.Now().UTC().Truncate(time.Second)
	n := 0
	err = b.DB.WithTx(ctx, func(ctx context.Context) error {
		unitAt := map[string]int64{} // township code, or county code + "/" + kind
		addUnit := func(key, name, kind, code string) error {
			id, err := b.insertUnit(ctx, name, kind, code, now)
			if err != nil {
				return err
			}
			unitAt[key] = id
			return nil
		}
		names := map[string]string{}
		divs, err := b.divisions(ctx, division.County, division.Township)
		if err != nil {
			return err
		}
		for _, d := range divs {
			names[d.Code] = d.Name
			if d.Level == division.Township {
				if err := addUnit(d.Code, d.Name+"办事处", request.UnitTownship, d.Code); err != nil {
					return err
				}
				continue
			}
			for _, u := range []struct{ kind, suffix, key string }{{request.UnitUtility, "供水公司", "water"},
				{request.UnitDepartment, "住房和城乡建设局", "housing"}, {request.UnitDepartment, "城市管理局", "city"}} {
				if err := addUnit(d.Code+"/"+u.key, d.Name+u.suffix, u.kind, d.Code); err != nil {
					return err
				}
			}
		}
		if unitUserID != 0 {
			if id, ok := unitAt[b.userArea(ctx, unitUserID)+"/water"]; ok {
				if err := b.addUnitMember(ctx, unitUserID, id); err != nil {
					return err
				}
			}
		}
		unitFor := func(category, community string) int64 {
			county, township := division.Code(community).County(), division.Code(community).Township()
			switch {
			case strings.HasPrefix(category, "utility."):
				return unitAt[county+"/water"]
			case strings.HasPrefix(category, "city."):
				return unitAt[county+"/city"]
			case strings.HasPrefix(category, "safety."):
				return unitAt[county+"/housing"]
			}
			return unitAt[township]
		}
		due := func(t time.Time, l request.Limit) time.Time {
			if l.Workdays > 0 {
				return cal.AddWorkdays(t, l.Workdays)
			}
			return t.Add(time.Duration(l.Hours) * time.Hour)
		}
		event := func(id int64, action, actor, role string, unit any, note string, at time.Time) error {
			return b.insertEvent(ctx, id, action, actor, role, unit, note, at)
		}
		sats := []string{request.Satisfied, request.BasicallySatisfied, request.NotSatisfied}
		for i := 0; i < DemoRequests; i++ {
			c := comms[r.IntN(len(comms))]
			var resident any
			if residentID != 0 && i%400 == 0 {
				resident = residentID
				for _, x := range comms {
					if x.Code == residentArea {
						c = x
					}
				}
			}
			lc := leaves[r.IntN(len(leaves))]
			texts := demoProblems[lc.code]
			if len(texts) == 0 {
				texts = demoProblems["other"]
			}
			desc := texts[r.IntN(len(texts))]
			created := now.Add(-time.Duration(r.Int64N(int64(DemoRequestDays * 24 * time.Hour)))).Truncate(time.Second)
			if h := created.In(calendar.China).Hour(); h < 7 || h > 22 {
				created = created.Add(10 * time.Hour)
				if created.After(now) {
					created = now.Add(-time.Hour)
				}
			}
			lim := request.DefaultLimits[lc.urgency]
			respDue, resoDue := due(created, lim.Response), due(created, lim.Resolution)
			span := resoDue.Sub(created)
			phone := ""
			if keys != nil {
				phone, _ = keys.Seal(fmt.Sprintf("13%d%08d", 3+r.IntN(7), r.IntN(100000000)))
			}
			channel := []string{request.ChannelWeb, request.ChannelPhone, request.ChannelPhone, request.ChannelWalkIn}[r.IntN(4)]
			id, err := b.insertRequest(ctx, demoRequest{community: c, category: lc.code, urgency: lc.urgency, channel: channel,
				text: desc, resident: resident, contact: personName(r), phoneSealed: phone, anonymous: r.IntN(10) == 0,
				responseDue: respDue, resolutionDue: resoDue, at: created})
			if err != nil {
				return err
			}
			if err := event(id, request.EventSubmit, "demo", "resident", nil, "", created); err != nil {
				return err
			}
			n++
			set := map[string]any{}
			at := created
			step := func(frac float64) bool { // advance by a share of the time given; false when that is in the future
				at = at.Add(time.Duration(frac * float64(span)))
				return !at.After(now)
			}
			unit := unitFor(lc.code, c.Code)
			if !step(0.02 + r.Float64()*0.05) {
				goto save
			}
			if r.IntN(100) < 8 { // dispatched to the wrong unit once, returned
				wrong := unitAt[division.Code(c.Code).Township()]
				if wrong == unit {
					wrong = unitAt[division.Code(c.Code).County()+"/housing"]
				}
				ended := at.Add(time.Hour)
				if err := b.insertAssignment(ctx, id, wrong, at, &ended); err != nil {
					return err
				}
				if err := event(id, request.ActDispatch, "demo-township", "township_staff", wrong, "", at); err != nil {
					return err
				}
				at = at.Add(time.Hour)
				if err := event(id, request.ActReturn, "demo-unit", "handling_unit", wrong, "不属于本单位职责", at); err != nil {
					return err
				}
				set["returns"] = 1
				if !step(0.02) {
					set["status"] = request.StatusReturned
					goto save
				}
			}
			if err := b.insertAssignment(ctx, id, unit, at, nil); err != nil {
				return err
			}
			if err := event(id, request.ActDispatch, "demo-township", "township_staff", unit, "", at); err != nil {
				return err
			}
			set["status"], set["unit_id"], set["dispatched_at"] = request.StatusDispatched, unit, at
			if !step(0.01 + r.Float64()*0.08) {
				goto save
			}
			if err := event(id, request.ActAccept, "demo-unit", "handling_unit", unit, "", at); err != nil {
				return err
			}
			set["status"], set["responded_at"], set["first_unit_id"] = request.StatusAccepted, at, unit
			// 85 % are resolved within the time given, the rest late.
			if !step(0.2 + r.Float64()*0.6 + map[bool]float64{true: 0.5 + r.Float64(), false: 0}[r.IntN(100) < 15]) {
				if now.After(resoDue) {
					set["warned_at"], set["escalated_at"] = resoDue.Add(-time.Hour), resoDue.Add(5*time.Minute)
				}
				goto save
			}
			if err := event(id, request.ActReply, "demo-unit", "handling_unit", unit, "已现场处理完毕。", at); err != nil {
				return err
			}
			set["status"], set["resolved_at"], set["reply"] = request.StatusReplied, at, "已现场处理完毕。"
			if at.After(resoDue) {
				set["warned_at"], set["escalated_at"] = resoDue.Add(-time.Hour), resoDue.Add(5*time.Minute)
			}
			at = at.Add(time.Duration(12+r.IntN(48)) * time.Hour)
			if at.After(now) || r.IntN(100) < 8 {
				goto save
			}
			{
				contacted := r.IntN(100) < 95
				sat := ""
				if contacted {
					p := r.IntN(100)
					sat = sats[0]
					if p >= 78 {
						sat = sats[1]
					}
					if p >= 92 {
						sat = sats[2]
					}
					set["satisfaction"] = sat
				}
				if err := b.insertCallback(ctx, id, contacted, contacted && sat != request.NotSatisfied, sat, at); err != nil {
					return err
				}
				if err := event(id, request.ActCallback, "demo-community-worker", "community_worker", nil, "", at); err != nil {
					return err
				}
				set["status"], set["closed_at"] = request.StatusClosed, at
				if r.IntN(100) < 3 {
					if err := b.insertAppeal(ctx, id, unit, at); err != nil {
						return err
					}
					set["excluded"] = true
				}
			}
		save:
			if err := b.updateRequest(ctx, id, set); err != nil {
				return err
			}
		}
		// The rows were written directly: count them into the 三率 summary.
		// And into the measures behind the 三率 trend, every month of it.
		rates := stats.NewService(b.DB)
		if err := rates.RebuildSummary(ctx); err != nil {
			return err
		}
		if _, err := rates.SyncAllMeasures(ctx); err != nil {
			return err
		}
		return b.Audit.Write(ctx, audit.Entry{Action: "demo.requests", ObjectType: "request", ObjectID: "*", Detail: map[string]int{"requests": n, "units": len(unitAt)}})
	})
	if err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return nil
}
