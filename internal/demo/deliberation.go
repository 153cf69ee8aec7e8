package demo

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/deliberation"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/pii"
)

// SeedDeliberation gives a community a deliberation record worth reading
// in the demo: a topic carried through a 居民代表会议 (sign-in, a secret
// paper ballot with a witness, a decision published), one waiting for
// review from a need, and one declined with its reason. ctx acts as the
// system.
func (b *Builder) SeedDeliberation(ctx context.Context, code string) error {
	keys, _ := b.Users.Secrets.(*pii.Ring)
	s := deliberation.NewService(b.DB, b.Audit, keys, nil)
	worker := auth.With(ctx, &auth.Principal{Name: "demo-community", DisplayName: "社区工作人员", Role: auth.CommunityWorker, Area: auth.AreaOf(code, division.Community)})
	township := division.ParentOf(code, division.Community)
	office := auth.With(ctx, &auth.Principal{Name: "demo-township", DisplayName: "街道办", Role: auth.TownshipStaff, Area: auth.AreaOf(township, division.Township)})

	lift, err := s.RaiseTopic(worker, deliberation.TopicInput{DivisionCode: code, Title: "3号楼老旧住宅加装电梯及费用分摊",
		Body:       "3号楼共 6 层 24 户，多位高龄老人上下楼困难。拟申请既有住宅加装电梯补贴，需协商费用分摊办法和施工期间的出行安排。",
		SourceKind: "request_cluster", SourceRef: "同类诉求 7 件"})
	if err != nil {
		return err
	}
	if _, err := s.ReviewTopic(office, lift.ID, deliberation.Review{Decision: "admit", Plan: "先召开楼栋议事协商会听取意见，再提交居民代表会议表决。"}); err != nil {
		return err
	}
	reps := int64(25)
	m, err := s.PlanMeeting(worker, deliberation.MeetingInput{TopicID: lift.ID, Kind: "representatives", Mode: "offline", Title: "加装电梯事项居民代表会议",
		Place: "社区党群服务中心二楼会议室", StartsAt: time.Now().Add(-26 * time.Hour), Chair: "王秀兰", Facilitator: "李建国",
		Electorate: &reps, Reason: "本届居民代表 25 人"})
	if err != nil {
		return err
	}
	for i := 0; i < 19; i++ {
		if _, err := s.RecordAttendance(worker, m.ID, deliberation.AttendeeInput{Name: fmt.Sprintf("居民代表%02d", i+1)}); err != nil {
			return err
		}
	}
	v, err := s.OpenVote(worker, m.ID, deliberation.VoteInput{Motion: "同意3号楼加装电梯，费用按楼层分摊（一层不分摊）", Secret: true})
	if err != nil {
		return err
	}
	if _, err := s.EnterTally(worker, v.Vote.ID, deliberation.TallyInput{Yes: 16, No: 2, Abstain: 1, Witness: "赵卫东"}); err != nil {
		return err
	}
	if _, err := s.CloseVote(worker, v.Vote.ID); err != nil {
		return err
	}
	if _, err := s.Publish(worker, m.ID, deliberation.DecisionInput{VoteID: v.Vote.ID, Title: "关于3号楼加装电梯的决定",
		Body: "经居民代表会议表决（到会 19 人，同意 16 人），同意3号楼加装电梯；费用按楼层分摊，一层住户不分摊；施工期间由社区协调临时出行帮扶。公示期内如有异议，请向社区居委会书面提出。"}); err != nil {
		return err
	}
	if _, err := s.RecordMinutes(worker, m.ID, "会议由王秀兰主持，李建国介绍前期楼栋协商情况。代表就费用分摊、施工噪音、消防通道等提出意见，经讨论形成分摊方案并表决通过。"); err != nil {
		return err
	}
	if _, err := s.RaiseTopic(worker, deliberation.TopicInput{DivisionCode: code, Title: "小区夜间停车难",
		Body: "晚上八点后车位不足，车辆占用消防通道。建议协商夜间错峰开放周边学校操场停车。", SourceKind: "need", SourceRef: "需求 12"}); err != nil {
		return err
	}
	noise, err := s.RaiseTopic(worker, deliberation.TopicInput{DivisionCode: code, Title: "广场舞音响扰民", Body: "傍晚广场音响声音过大，影响临街住户休息。",
		SourceKind: "visit_followup", SourceRef: "走访记录"})
	if err != nil {
		return err
	}
	_, err = s.ReviewTopic(office, noise.ID, deliberation.Review{Decision: "decline",
		Reason: "已由社区与舞蹈队约定音量和时段（19:00-20:30），不再提交议事会议；如仍扰民请通过诉求渠道反映。"})
	return err
}
