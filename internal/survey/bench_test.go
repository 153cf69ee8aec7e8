package survey_test

import (
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/survey"
)

// BenchmarkResultsAtScale loads one city-wide round over 衡水's 5,118
// communities with synthetic responses to a ten-question questionnaire
// (four ratings, three single and two multiple choices, a free text) until
// they hold SHEQU_BENCH_ANSWERS answers (default 1,000,000), through the
// same store path as an answer (the summary kept in the transaction), then
// measures the results as p95 over repeated calls: the city (with its
// counties), a county (with its townships) and a township.
//
//	go test -run '^$' -bench ResultsAtScale -benchtime 1x -timeout 60m ./internal/survey/
func BenchmarkResultsAtScale(b *testing.B) {
	target := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_ANSWERS")); err == nil && v > 0 {
		target = v
	}
	a, sys, comms := apptest.Hengshui(b)
	const city = "131100000000"
	qin := survey.QuestionnaireInput{DivisionCode: city, Title: "年度满意度测评"}
	for i := 0; i < 4; i++ {
		qin.Questions = append(qin.Questions, survey.QuestionInput{Kind: survey.Rating, Text: "评分题 " + strconv.Itoa(i), Required: true})
	}
	for i := 0; i < 3; i++ {
		qin.Questions = append(qin.Questions, survey.QuestionInput{Kind: survey.Single, Text: "单选题 " + strconv.Itoa(i), Options: []string{"甲", "乙", "丙", "丁"}})
	}
	for i := 0; i < 2; i++ {
		qin.Questions = append(qin.Questions, survey.QuestionInput{Kind: survey.Multiple, Text: "多选题 " + strconv.Itoa(i), Options: []string{"一", "二", "三", "四", "五"}})
	}
	qin.Questions = append(qin.Questions, survey.QuestionInput{Kind: survey.Text, Text: "建议"})
	q, err := a.Surveys.CreateQuestionnaire(sys, qin)
	if err != nil {
		b.Fatal(err)
	}
	today := a.Surveys.Today()
	r, err := a.Surveys.CreateRound(sys, survey.RoundInput{QuestionnaireID: q.ID, DivisionCode: city, Title: "全市测评", OpensOn: today, ClosesOn: today})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(14, 2026))
	answers, responses := 0, 0
	start := time.Now()
	for answers < target {
		batch := make([]survey.ResponseInput, 0, 5000)
		for len(batch) < cap(batch) && answers < target {
			in := survey.ResponseInput{Community: comms[rng.IntN(len(comms))].Code}
			for _, x := range q.Questions {
				a := survey.Answer{QuestionID: x.ID}
				switch x.Kind {
				case survey.Rating:
					a.Value = 1 + rng.IntN(5)
					answers++
				case survey.Single:
					a.Value = 1 + rng.IntN(4)
					answers++
				case survey.Multiple:
					for o := 1; o <= 5; o++ {
						if rng.IntN(5) < 2 {
							a.Values = append(a.Values, o)
							answers++
						}
					}
				case survey.Text:
					if rng.IntN(10) < 3 {
						a.Text = "建议增加服务时间"
						answers++
					}
				}
				in.Answers = append(in.Answers, a)
			}
			batch = append(batch, in)
		}
		if err := a.Surveys.Load(sys, r.ID, batch, today); err != nil {
			b.Fatal(err)
		}
		responses += len(batch)
	}
	b.Logf("loaded %d responses, %d answers in %s", responses, answers, time.Since(start).Round(time.Second))
	p95 := func(name string, runs int, fn func() error) {
		b.Run(name, func(b *testing.B) {
			var ls []time.Duration
			for i := 0; i < runs; i++ {
				t0 := time.Now()
				if err := fn(); err != nil {
					b.Fatal(err)
				}
				ls = append(ls, time.Since(t0))
			}
			sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
			b.ReportMetric(float64(ls[len(ls)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(ls[len(ls)/2].Microseconds())/1000, "p50-ms")
		})
	}
	check := func(res *survey.Results, err error) error {
		if err == nil && res.Division.Responses == 0 {
			b.Fatalf("no responses in %s", res.Division.Code)
		}
		return err
	}
	p95("City", 40, func() error { return check(a.Surveys.Results(sys, r.ID, city)) })
	p95("County", 40, func() error { return check(a.Surveys.Results(sys, r.ID, division.Code(comms[0].Code).County())) })
	p95("Township", 40, func() error { return check(a.Surveys.Results(sys, r.ID, division.Code(comms[0].Code).Township())) })
}
