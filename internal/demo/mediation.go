package demo

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
)

// mediation gives the demo accounts' community a people's mediation
// committee with two mediators, three cases (closed with the agreement
// kept, agreed and awaiting the callback, still being mediated), a legal
// adviser with a log of services and three legal-literate villagers with
// their training.
func (b *Builder) mediation(ctx context.Context, code string) error {
	keys, err := b.ring(ctx)
	if err != nil {
		return err
	}
	return SeedMediation(ctx, mediation.NewService(b.DB, b.Audit, keys), code)
}

// SeedMediation writes the demo's mediation records at community code.
// ctx acts as the system, which closes the cases; the mediation itself is
// done as the community's worker (four eyes).
func SeedMediation(ctx context.Context, s *mediation.Service, code string) error {
	today := time.Now().In(calendar.China)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(mediation.DateLayout) }
	worker := auth.With(ctx, &auth.Principal{Name: "demo-community-worker", Role: auth.CommunityWorker, Area: auth.AreaOf(code, division.Community)})
	c, err := s.CreateCommittee(ctx, mediation.CommitteeInput{CommunityCode: code, Name: "社区人民调解委员会", EstablishedOn: "2019-06-01", Chair: "刘淑芬"})
	if err != nil {
		return err
	}
	for _, name := range []string{"张志强", "李桂兰"} {
		if c, err = s.AddMediator(ctx, c.ID, mediation.MediatorInput{Name: name, TermFrom: "2024-01-01", TermTo: day(730)}); err != nil {
			return err
		}
	}
	cases := []struct {
		kind, summary string
		parties       []mediation.CasePartyInput
		steps         []string
		terms         string
		kept          bool
	}{
		{"neighbours", "楼上住户空调外机滴水落在楼下阳台，双方多次争吵。",
			[]mediation.CasePartyInput{{Name: "王建国", Phone: "13831800101"}, {Name: "赵丽华", Phone: "13831800102"}},
			[]string{"分别走访双方了解情况", "组织双方在社区调解室面谈"}, "楼上住户三日内加装冷凝水管，楼下不再追究。", true},
		{"family", "兄妹就父母赡养费用分担发生争执。",
			[]mediation.CasePartyInput{{Name: "孙永福"}, {Name: "孙秀英"}},
			[]string{"电话联系双方约定调解时间", "召开家庭调解会"}, "兄妹按月各承担赡养费 800 元，轮流照料。", false},
		{"property", "小区车位被长期占用，业主与物业意见不一。",
			[]mediation.CasePartyInput{{Name: "周明"}, {Name: "某物业服务中心"}},
			[]string{"查看现场并拍照"}, "", false},
	}
	for i, x := range cases {
		k, err := s.OpenCase(worker, mediation.MediationCaseInput{CommunityCode: code, Kind: x.kind, Summary: x.summary, Parties: x.parties,
			MediatorIDs: []int64{c.Mediators[i%2].ID}})
		if err != nil {
			return err
		}
		for j, note := range x.steps {
			kind := "session"
			if j == 0 {
				kind = "visit"
			}
			if _, err := s.LogStep(worker, k.ID, mediation.CaseStepInput{On: day(-30 + 3*j), Kind: kind, Note: note}); err != nil {
				return err
			}
		}
		if x.terms == "" {
			continue
		}
		if _, err := s.Agree(worker, k.ID, mediation.AgreementInput{Terms: x.terms, SignedOn: day(-20)}, nil); err != nil {
			return err
		}
		if !x.kept {
			continue
		}
		if _, err := s.Callback(worker, k.ID, mediation.CallbackInput{On: day(-5), Kept: true, Note: "回访时已整改到位，双方满意。"}); err != nil {
			return err
		}
		if _, err := s.Close(ctx, k.ID, 0); err != nil {
			return err
		}
	}
	a, err := s.CreateAdviser(ctx, mediation.AdviserInput{CommunityCode: code, Name: "陈立新", Firm: "河北衡水正平律师事务所", Phone: "13903180066",
		TermFrom: "2025-01-01", TermTo: day(1095)})
	if err != nil {
		return err
	}
	for _, v := range []mediation.ServiceInput{
		{On: day(-40), Kind: "lecture", People: 56, Note: "民法典婚姻家庭编讲座"},
		{On: day(-21), Kind: "mediation_support", People: 2, Note: "协助调解空调滴水纠纷"},
		{On: day(-7), Kind: "consultation", People: 6, Note: "居民咨询劳务欠薪维权途径"},
	} {
		if _, err := s.LogService(ctx, a.ID, v); err != nil {
			return err
		}
	}
	for i, name := range []string{"马红梅", "郭振华", "田玉珍"} {
		l, err := s.CreateLiterate(ctx, mediation.LiterateInput{CommunityCode: code, Name: name})
		if err != nil {
			return err
		}
		if _, err := s.AddTraining(ctx, l.ID, mediation.LiterateTrainingInput{On: day(-60 + i), Course: "“法律明白人”培养工程集中培训", Hours: 6}); err != nil {
			return err
		}
	}
	return nil
}
