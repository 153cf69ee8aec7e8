package demo

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/emergency"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
)

// emergencies gives the demo accounts' community its emergency records:
// two versions of its plan, two drills this year, a micro fire station;
// and a rainstorm alert the county sent to its township, with about half
// the vulnerable people reached by its grid worker. It needs the app's
// emergency service (Builder.Emergencies): nothing without it.
func (b *Builder) emergencies(ctx context.Context, accs []Account) error {
	var community, township string
	var county, grid *auth.Principal
	for _, a := range accs {
		u, err := b.Users.ByName(ctx, a.Name)
		if err != nil {
			return err
		}
		p := &auth.Principal{UserID: u.ID, Name: a.Name, Role: a.Role, Area: auth.AreaOf(a.Area, division.LevelFromCode(a.Area))}
		switch a.Role {
		case auth.Resident:
			community, township = a.Area, division.Code(a.Area).Township()
		case auth.CountyStaff:
			county = p
		case auth.GridWorker:
			grid = p
		}
	}
	if b.Emergencies == nil || community == "" || county == nil || grid == nil {
		return nil
	}
	s := b.Emergencies
	b.say("emergency plans, drills and an alert… ")
	for _, p := range []emergency.PlanInput{
		{Title: "社区防汛防台风应急预案", Body: "汛期（6 月至 9 月）实行 24 小时值班；接到橙色及以上预警后，网格员逐户通知低洼地带居民，优先转移独居、失能老人和残疾人。",
			Contacts: "总指挥 社区党组织书记 0318-2100001\n联络员 社区灾害信息员 0318-2100002"},
		{Title: "社区综合应急预案（2026 年修订）", Body: "涵盖洪涝、火灾、地震、暴雪和极端高温；明确转移路线、应急避难场所和物资储备点，每年至少组织两次演练。",
			Contacts: "总指挥 社区党组织书记 0318-2100001\n联络员 社区灾害信息员 0318-2100002\n物资 社区居委会委员 0318-2100003"},
	} {
		p.CommunityCode = community
		if _, err := s.AddPlan(ctx, p, nil); err != nil {
			return err
		}
	}
	now := time.Now().In(calendar.China)
	for _, d := range []emergency.DrillInput{
		{HeldOn: now.AddDate(0, -5, 0).Format(emergency.DateLayout), Kind: "flood", Participants: 126, Note: "低洼片区居民转移至避难场所，用时 38 分钟"},
		{HeldOn: now.AddDate(0, -1, 0).Format(emergency.DateLayout), Kind: "fire", Participants: 64, Note: "高层住宅疏散与微型消防站初起火灾扑救"},
	} {
		if d.HeldOn[:4] != now.Format("2006") {
			d.HeldOn = now.Format("2006") + "-01-15"
		}
		d.CommunityCode = community
		if _, err := s.AddDrill(ctx, d, nil); err != nil {
			return err
		}
	}
	if _, err := s.AddStation(ctx, emergency.StationInput{CommunityCode: community, Place: "党群服务中心东侧车库",
		Equipment: "手抬机动泵 1 台、灭火器 30 具、水带 10 盘、消防战斗服 8 套", Members: 8, Phone: "0318-2100119"}); err != nil {
		return err
	}
	a, err := s.Send(auth.With(ctx, county), emergency.AlertInput{AreaCode: township, Kind: "rainstorm", Level: "yellow",
		Body: "预计今夜到明天有大到暴雨，请居民减少外出，低洼地带注意防范积水。"})
	if err != nil {
		return err
	}
	gctx := auth.With(ctx, grid)
	_, tasks, _, err := s.Tasks(gctx, a.ID, emergency.Pending, 1, 200)
	if err != nil {
		return err
	}
	for i, t := range tasks {
		m := emergency.Mark{Status: emergency.Reached, Note: "已电话确认，家中安全"}
		switch {
		case i%2 == 1:
			continue // still to reach
		case i%6 == 4:
			m = emergency.Mark{Status: emergency.NotReached, Note: "电话无人接听，已请邻居上门查看"}
		}
		if _, err := s.MarkTask(gctx, t.ID, m); err != nil {
			return err
		}
	}
	b.say("done\n")
	return nil
}
