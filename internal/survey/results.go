package survey

import (
	"context"
	"strings"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// OptionResult is how often an option was chosen (a rating's option is
// the rating).
type OptionResult struct {
	Option int    `json:"option"`
	Label  string `json:"label"`
	Count  int64  `json:"count"`
	// Share is the count over the responses that answered the question,
	// in per cent (a multiple choice's shares may add up to more than 100).
	Share float64 `json:"share"`
}

// QuestionResult is one question's results.
type QuestionResult struct {
	Question Question       `json:"question"`
	Answered int64          `json:"answered" doc:"responses that answered it"`
	Options  []OptionResult `json:"options"`
	// Average is a rating question's mean, 0 with no answers.
	Average float64 `json:"average"`
}

// PlaceResult is one division of the drill-down.
type PlaceResult struct {
	Place
	Responses   int64 `json:"responses"`
	Interviews  int64 `json:"interviews"`
	Communities int64 `json:"communities" doc:"communities with at least one response"`
	Surveyed    int64 `json:"surveyed" doc:"communities with at least the round's minimum responses"`
}

// Results are a round's results in one division: its totals, its
// questions and its children's totals for the drill-down.
type Results struct {
	Round     *Round           `json:"round"`
	Division  PlaceResult      `json:"division"`
	Questions []QuestionResult `json:"questions"`
	Children  []PlaceResult    `json:"children"`
}

// Results sums a round's results in a division of the caller's area (the
// caller's own area by default; the round's, when it lies inside it), from
// the summary the answers keep. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Results(ctx context.Context, rid int64, code string) (*Results, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	r, err := s.round(ctx, rid, "survey.results")
	if err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		code = p.Area.Code
		if p.Role == auth.System || p.Area.Contains(r.DivisionCode) {
			code = r.DivisionCode
		}
	}
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "survey.code_format"))
	}
	if _, _, err := s.Store.division(ctx, code); err != nil {
		return nil, err
	}
	pl, err := s.Store.place(ctx, code)
	if err != nil {
		return nil, err
	}
	lo, hi := division.Code(code).Range()
	qs, err := s.Store.questions(ctx, r.QuestionnaireID)
	if err != nil {
		return nil, err
	}
	dist, err := s.Store.distribution(ctx, rid, code)
	if err != nil {
		return nil, err
	}
	res := &Results{Round: r, Division: PlaceResult{Place: pl}, Questions: make([]QuestionResult, 0, len(qs)), Children: []PlaceResult{}}
	for _, q := range qs {
		res.Questions = append(res.Questions, result(q, dist))
	}
	own, err := s.Store.tallies(ctx, rid, code, code, pl.Level)
	if err != nil {
		return nil, err
	}
	t := own[code]
	res.Division.Responses, res.Division.Interviews, res.Division.Communities, res.Division.Surveyed = t.responses, t.interviews, t.communities, t.covered
	if pl.Level < division.Community {
		kids, err := s.Store.children(ctx, code, lo, hi)
		if err != nil {
			return nil, err
		}
		sums, err := s.Store.tallies(ctx, rid, lo, hi, pl.Level+1)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			t := sums[k.Code]
			res.Children = append(res.Children, PlaceResult{Place: k, Responses: t.responses, Interviews: t.interviews,
				Communities: t.communities, Surveyed: t.covered})
		}
	}
	return res, nil
}

// result sums one question from the distribution.
func result(q Question, dist map[optionKey]int64) QuestionResult {
	out := QuestionResult{Question: q, Options: []OptionResult{}}
	var labels []string
	switch q.Kind {
	case Single, Multiple:
		labels = q.Options
	case Rating:
		labels = []string{"1", "2", "3", "4", "5"}
	}
	var sum int64
	for i, l := range labels {
		n := dist[optionKey{q.ID, i + 1}]
		out.Options = append(out.Options, OptionResult{Option: i + 1, Label: l, Count: n})
		sum += int64(i+1) * n
	}
	out.Answered = dist[optionKey{q.ID, 0}]
	if out.Answered > 0 {
		for i := range out.Options {
			out.Options[i].Share = float64(out.Options[i].Count) * 100 / float64(out.Answered)
		}
		if q.Kind == Rating {
			out.Average = float64(sum) / float64(out.Answered)
		}
	}
	return out
}

// Texts lists the free-text answers to a question of a round from the
// communities of a division inside the caller's area, newest first, and
// audits the reading. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) Texts(ctx context.Context, rid, question int64, code string, page, perPage int) ([]TextAnswer, bool, error) {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return nil, false, err
	}
	r, err := s.round(ctx, rid, "survey.texts")
	if err != nil {
		return nil, false, err
	}
	if code = strings.TrimSpace(code); code == "" {
		code = p.Area.Code
		if p.Role == auth.System || p.Area.Contains(r.DivisionCode) {
			code = r.DivisionCode
		}
	}
	if !division.ValidCode(code) {
		return nil, false, errs.Invalid(errs.Field("division", "survey.code_format"))
	}
	if _, _, err := s.Store.division(ctx, code); err != nil {
		return nil, false, err
	}
	qs, err := s.Store.questions(ctx, r.QuestionnaireID)
	if err != nil {
		return nil, false, err
	}
	if !textQuestion(qs, question) {
		return nil, false, errs.NotFound("survey.question_not_found", question)
	}
	lo, hi := division.Code(code).Range()
	page, perPage = db.Paging(page, perPage)
	out, more, err := s.Store.texts(ctx, rid, question, lo, hi, page, perPage)
	if err != nil {
		return nil, false, err
	}
	if err := s.Audit.Write(ctx, audit.Entry{Action: "survey.texts", ObjectType: "survey_round", ObjectID: id(rid),
		Detail: map[string]any{"question_id": question, "division": code, "page": page}}); err != nil {
		return nil, false, err
	}
	return out, more, nil
}

func textQuestion(qs []Question, question int64) bool {
	for _, q := range qs {
		if q.ID == question && q.Kind == Text {
			return true
		}
	}
	return false
}
