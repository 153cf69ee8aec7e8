package demo

import (
	"context"
	"math/rand/v2"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/rating"
	"shequ/internal/survey"
)

// demoQuestionnaire is the city's satisfaction questionnaire in the demo.
var demoQuestionnaire = survey.QuestionnaireInput{Title: "社区服务群众满意度测评问卷", Description: "匿名填写，约两分钟。", Questions: []survey.QuestionInput{
	{Kind: survey.Rating, Text: "您对本社区提供的公共服务总体是否满意？", Required: true},
	{Kind: survey.Rating, Text: "您对社区工作人员的服务态度是否满意？", Required: true},
	{Kind: survey.Single, Text: "您去社区党群服务中心办事的频率？", Options: []string{"每周", "每月", "每年几次", "从未去过"}},
	{Kind: survey.Multiple, Text: "您希望社区加强哪些服务？", Options: []string{"养老助餐", "托育", "文体活动", "就业帮扶", "环境卫生"}},
	{Kind: survey.Text, Text: "您对社区服务的意见和建议"},
}}

var demoSuggestions = []string{"希望服务大厅周末也能开放", "楼道照明需要维修", "老年食堂的菜品可以更多样", "希望多组织一些亲子活动", "小区停车太难"}

// surveys gives the demo a closed round over the demo accounts' county
// (most communities reached 30 responses, some did not, so the coverage
// indicator has a figure between 0 and 100) and an open round in the demo
// community that the demo resident can answer; and the demo resident's
// 差评 of a facility of their community, with its rectification open.
func (b *Builder) surveys(ctx context.Context, comms []division.Division, accs []Account) error {
	start := time.Now()
	var resident, community string
	for _, a := range accs {
		if a.Role == auth.Resident {
			resident, community = a.Name, a.Area
		}
	}
	if community == "" {
		return nil
	}
	b.say("survey rounds and ratings… ")
	s := survey.NewService(b.DB, b.Audit)
	county := division.Code(community).County()
	city := division.Code(community).At(division.City)
	qin := demoQuestionnaire
	qin.DivisionCode = city
	q, err := s.CreateQuestionnaire(ctx, qin)
	if err != nil {
		return err
	}
	year := time.Now().In(calendar.China).Year()
	spring, err := s.CreateRound(ctx, survey.RoundInput{QuestionnaireID: q.ID, DivisionCode: county, Title: "上半年社区服务满意度测评",
		OpensOn:  time.Date(year, 3, 1, 0, 0, 0, 0, calendar.China).Format(survey.DateLayout),
		ClosesOn: time.Date(year, 6, 30, 0, 0, 0, 0, calendar.China).Format(survey.DateLayout)})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(14, uint64(year)))
	var batch []survey.ResponseInput
	for _, c := range comms {
		if !strings.HasPrefix(c.Code, division.Code(county).Prefix()) {
			continue
		}
		for n := 18 + rng.IntN(24); n > 0; n-- {
			batch = append(batch, demoResponse(rng, q))
			batch[len(batch)-1].Community = c.Code
		}
	}
	if err := s.Load(ctx, spring.ID, batch, spring.ClosesOn); err != nil {
		return err
	}
	if _, err := s.CloseDue(ctx); err != nil {
		return err
	}
	today := time.Now().In(calendar.China).Format(survey.DateLayout)
	autumn, err := s.CreateRound(ctx, survey.RoundInput{QuestionnaireID: q.ID, DivisionCode: community, Title: "下半年社区服务满意度测评",
		OpensOn: today, ClosesOn: time.Date(year, 12, 31, 0, 0, 0, 0, calendar.China).Format(survey.DateLayout)})
	if err != nil {
		return err
	}
	batch = batch[:0]
	for n := 0; n < 12; n++ {
		r := demoResponse(rng, q)
		r.Community = community
		batch = append(batch, r)
	}
	if err := s.Load(ctx, autumn.ID, batch, today); err != nil {
		return err
	}

	// The resident's 差评 of a facility of their community.
	fs := facility.NewService(b.DB, b.Audit)
	list, _, err := fs.List(ctx, facility.Filter{Division: community, Status: facility.InUse}, 1, 1)
	if err != nil || len(list) == 0 {
		b.say("done (%.1fs)\n", time.Since(start).Seconds())
		return err
	}
	u, err := b.Users.ByName(ctx, resident)
	if err != nil {
		return err
	}
	rs := rating.NewService(b.DB, b.Audit)
	f := list[0]
	rs.Register("facility", func(context.Context, int64) (rating.Subject, error) {
		return rating.Subject{Name: f.Name, DivisionCode: f.DivisionCode}, nil
	})
	rctx := auth.With(ctx, &auth.Principal{UserID: u.ID, Name: u.Name, Role: auth.Resident, Area: auth.AreaOf(community, division.Community)})
	if _, err := rs.Rate(rctx, rating.RateInput{Kind: "facility", ID: f.ID, Level: rating.Dissatisfied, Comment: "周末上午不开门，白跑了一趟"}); err != nil {
		return err
	}
	b.say("done (%.1fs)\n", time.Since(start).Seconds())
	return nil
}

// demoResponse is one plausible response: mostly satisfied, a suggestion
// now and then.
func demoResponse(rng *rand.Rand, q *survey.Questionnaire) survey.ResponseInput {
	var in survey.ResponseInput
	for _, x := range q.Questions {
		a := survey.Answer{QuestionID: x.ID}
		switch x.Kind {
		case survey.Rating:
			a.Value = []int{5, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1}[rng.IntN(11)]
		case survey.Single:
			a.Value = 1 + rng.IntN(len(x.Options))
		case survey.Multiple:
			for o := 1; o <= len(x.Options); o++ {
				if rng.IntN(3) == 0 {
					a.Values = append(a.Values, o)
				}
			}
		case survey.Text:
			if rng.IntN(4) == 0 {
				a.Text = demoSuggestions[rng.IntN(len(demoSuggestions))]
			}
		}
		in.Answers = append(in.Answers, a)
	}
	return in
}
