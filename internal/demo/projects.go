package demo

import (
	"context"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/project"
	"shequ/internal/residentunit"
)

// projects fills the three lists of the demo community and two of its
// neighbours: needs (one matched, one served, some open), resident units'
// resources, and projects (one accepted, one running with a milestone
// late, one without milestones yet). The demo community worker runs
// them; the township's staff accepts.
func (b *Builder) projects(ctx context.Context, comms []division.Division) error {
	workerID, townshipID := b.userID(ctx, "demo-community-worker"), b.userID(ctx, "demo-township-staff")
	home := b.userArea(ctx, workerID)
	if workerID == 0 || townshipID == 0 || home == "" {
		return nil
	}
	b.say("filling the three lists… ")
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	s, units := b.Projects, b.ResidentUnits
	if s == nil {
		s = project.NewService(b.DB, b.Audit, keys)
	}
	if units == nil {
		units = residentunit.NewService(b.DB, b.Audit, keys)
	}
	township := division.Code(home).Township()
	worker := auth.With(ctx, &auth.Principal{UserID: workerID, Name: "demo-community-worker", Role: auth.CommunityWorker,
		Area: auth.AreaOf(home, division.Community)})
	staff := auth.With(ctx, &auth.Principal{UserID: townshipID, Name: "demo-township-staff", Role: auth.TownshipStaff,
		Area: auth.AreaOf(township, division.Township)})
	today := time.Now().In(calendar.China)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(project.DateLayout) }
	codes := []string{home}
	for _, c := range comms {
		if len(codes) < 3 && c.Code != home && strings.HasPrefix(c.Code, division.Code(township).Prefix()) {
			codes = append(codes, c.Code)
		}
	}
	for i, code := range codes {
		for _, u := range []struct {
			unit, kind string
			r          residentunit.UnitResourceInput
		}{
			{"衡水市供电公司营销服务中心", "enterprise", residentunit.UnitResourceInput{Name: "单位食堂午间助餐", Contact: "0318-2150" + string(rune('1'+i)) + "21",
				Kind: "services", Serves: "elderly_care", Hours: "工作日 11:30-12:30", Capacity: 30}},
			{"衡水市第二中学", "school", residentunit.UnitResourceInput{Name: "周末开放篮球场", Kind: "venue", Serves: "culture_sport",
				Hours: "周六、周日 08:00-18:00", Capacity: 60}},
			{"河北衡水农村商业银行", "enterprise", residentunit.UnitResourceInput{Name: "夜间共享车位", Kind: "parking", Hours: "每天 19:00-次日 07:30",
				Capacity: 25}},
		} {
			d, err := units.Create(staff, residentunit.ResidentUnitInput{DivisionCode: code, Name: u.unit, Kind: u.kind})
			if err != nil {
				return err
			}
			if _, err := units.AddAgreement(staff, d.ID, residentunit.UnitAgreementInput{Title: "社区共驻共建协议", Content: "开放场地和服务，参与社区治理。",
				SignedOn: day(-200), StartsOn: day(-200), EndsOn: day(530)}, nil); err != nil {
				return err
			}
			if _, err := units.AddResource(staff, d.ID, u.r); err != nil {
				return err
			}
		}
		for _, n := range []project.NeedInput{
			{Title: "独居老人午餐无人照料", Kind: "elderly_care", Group: "elderly_special", Details: "走访发现多位独居老人午餐凑合，希望有助餐点。", Source: "visit"},
			{Title: "暑期留守儿童看护", Kind: "childcare", Group: "left_behind_child", Source: "survey", SourceRef: "2026 年居民需求问卷"},
			{Title: "小区夜间停车难", Kind: "facilities", Affected: 180, Source: "topic", SourceRef: "居民议事会第 3 次会议"},
			{Title: "青少年缺少运动场地", Kind: "culture_sport", Affected: 120},
		} {
			n.DivisionCode = code
			if _, err := s.RaiseNeed(staff, n); err != nil {
				return err
			}
		}
	}
	// The demo community: a served need, a matched one and projects in
	// each state.
	needs, _, err := s.Needs(worker, project.NeedFilter{Division: home, PerPage: 50})
	if err != nil {
		return err
	}
	byTitle := map[string]int64{}
	for _, n := range needs {
		byTitle[n.Title] = n.ID
	}
	for _, t := range []string{"独居老人午餐无人照料", "小区夜间停车难"} {
		ms, err := s.Matches(worker, byTitle[t])
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			if _, err := s.ConfirmMatch(worker, byTitle[t], ms[0].Key); err != nil {
				return err
			}
		}
	}
	meals, err := s.CreateProject(worker, project.ProjectInput{DivisionCode: home, Title: "长者助餐点建设（政府购买服务）",
		Description: "委托社工机构运营社区助餐点，为独居和高龄老人提供午餐。", Owner: "衡水市幸福里社会工作服务中心", Funding: "purchase",
		Budget: 18_600_000, Needs: []int64{byTitle["独居老人午餐无人照料"]}})
	if err != nil {
		return err
	}
	// The venue was ready on time; the meals began two days late.
	for _, m := range []struct{ title, due, done string }{{"场地改造完成", day(-40), day(-42)}, {"开餐试运营", day(-20), day(-18)}} {
		ms, err := s.AddMilestone(worker, meals.ID, project.MilestoneInput{Title: m.title, DueOn: m.due})
		if err != nil {
			return err
		}
		if err := s.MilestoneDone(worker, meals.ID, ms.ID, m.done); err != nil {
			return err
		}
	}
	if _, err := s.Report(worker, meals.ID, "助餐点已开餐，每日供餐 35 份，老人反映口味清淡合适。", nil); err != nil {
		return err
	}
	if _, err := s.Accept(staff, meals.ID, "现场查验场地、台账和餐食留样，验收合格。"); err != nil {
		return err
	}
	parking, err := s.CreateProject(worker, project.ProjectInput{DivisionCode: home, Title: "老旧小区停车位施划",
		Owner: "社区居委会", Funding: "finance", Budget: 4_500_000, Needs: []int64{byTitle["小区夜间停车难"]}})
	if err != nil {
		return err
	}
	if _, err := s.AddMilestone(worker, parking.ID, project.MilestoneInput{Title: "方案公示", DueOn: day(-10)}); err != nil {
		return err
	}
	if _, err := s.AddMilestone(worker, parking.ID, project.MilestoneInput{Title: "施划完成", DueOn: day(30)}); err != nil {
		return err
	}
	if _, err := s.CreateProject(worker, project.ProjectInput{DivisionCode: home, Title: "楼道照明改造", Owner: "物业服务企业",
		Funding: "social", Budget: 1_200_000}); err != nil {
		return err
	}
	b.say("done\n")
	return nil
}
