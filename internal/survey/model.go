// Package survey is the satisfaction survey (满意度测评): questionnaires
// built by staff and reused, yearly rounds that ask one in a community or in
// every community under an area, answers given online by the community's
// signed-in residents (one per account per round) or entered by a worker
// for someone interviewed in person, and results per community, township,
// county and city. Answers are anonymous: the accounts that answered a round
// are kept apart from the answers, and no page or API links them. A round
// that closes with at least its minimum responses in a community counts
// that community as surveyed for the year (survey.communities_surveyed, the
// numerator of satisfaction_survey_coverage).
package survey

import (
	"slices"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// Question kinds.
const (
	Single   = "single"   // one option
	Multiple = "multiple" // any of the options
	Rating   = "rating"   // 1 to 5
	Text     = "text"     // free text
)

// Kinds lists the question kinds.
var Kinds = []string{Single, Multiple, Rating, Text}

// Round states.
const (
	Open   = "open"
	Closed = "closed"
)

// Channels of a response.
const (
	Online    = "online"
	Interview = "interview"
)

// DefaultMinResponses is a round's minimum responses per community unless
// the round says otherwise.
const DefaultMinResponses = 30

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

const (
	maxTitle     = 100
	maxText      = 300
	maxOption    = 60
	maxOptions   = 10
	maxQuestions = 50
	maxAnswer    = 500
)

// Question is one question of a questionnaire.
type Question struct {
	ID       int64    `json:"id"`
	Position int      `json:"position" doc:"1, 2, … in the order asked"`
	Kind     string   `json:"kind" enum:"single,multiple,rating,text"`
	Text     string   `json:"text"`
	Required bool     `json:"required"`
	Options  []string `json:"options" doc:"the choices of a single or multiple choice question"`
}

// Questionnaire is a reusable set of questions, kept at the division of the
// staff who made it.
type Questionnaire struct {
	ID           int64      `json:"id"`
	DivisionCode string     `json:"division_code"`
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Questions    []Question `json:"questions"`
	CreatedAt    time.Time  `json:"created_at"`
	CreatedBy    string     `json:"created_by"`
}

// QuestionnaireInput is a new questionnaire.
type QuestionnaireInput struct {
	DivisionCode string          `json:"division_code,omitempty" doc:"where it is kept; the caller's area by default"`
	Title        string          `json:"title" maxLength:"100"`
	Description  string          `json:"description,omitempty" maxLength:"300"`
	Questions    []QuestionInput `json:"questions" maxItems:"50"`
}

// QuestionInput is one question of a new questionnaire, in order.
type QuestionInput struct {
	Kind     string   `json:"kind" enum:"single,multiple,rating,text"`
	Text     string   `json:"text" maxLength:"300"`
	Required bool     `json:"required,omitempty"`
	Options  []string `json:"options,omitempty" maxItems:"10"`
}

func (in *QuestionnaireInput) normalize() Questionnaire {
	q := Questionnaire{DivisionCode: strings.TrimSpace(in.DivisionCode), Title: strings.TrimSpace(in.Title),
		Description: strings.TrimSpace(in.Description)}
	for i, qi := range in.Questions {
		x := Question{Position: i + 1, Kind: strings.TrimSpace(qi.Kind), Text: strings.TrimSpace(qi.Text), Required: qi.Required}
		if x.Kind == Single || x.Kind == Multiple {
			for _, o := range qi.Options {
				if o = strings.TrimSpace(o); o != "" {
					x.Options = append(x.Options, o)
				}
			}
		}
		q.Questions = append(q.Questions, x)
	}
	return q
}

func (q *Questionnaire) validate() errs.Fields {
	var f errs.Fields
	switch {
	case q.Title == "":
		f.Add("title", "error.required")
	case len([]rune(q.Title)) > maxTitle:
		f.Add("title", "error.too_long", maxTitle)
	}
	if len([]rune(q.Description)) > maxText {
		f.Add("description", "error.too_long", maxText)
	}
	switch {
	case len(q.Questions) == 0:
		f.Add("questions", "survey.no_questions")
	case len(q.Questions) > maxQuestions:
		f.Add("questions", "survey.too_many_questions", maxQuestions)
	}
	for _, x := range q.Questions {
		field := "question"
		switch {
		case x.Text == "":
			f.Add(field, "survey.question_text", x.Position)
		case len([]rune(x.Text)) > maxText:
			f.Add(field, "survey.question_too_long", x.Position, maxText)
		}
		if !slices.Contains(Kinds, x.Kind) {
			f.Add(field, "survey.question_kind", x.Position, strings.Join(Kinds, ", "))
		}
		if x.Kind == Single || x.Kind == Multiple {
			if len(x.Options) < 2 || len(x.Options) > maxOptions {
				f.Add(field, "survey.question_options", x.Position, maxOptions)
			}
			for _, o := range x.Options {
				if len([]rune(o)) > maxOption {
					f.Add(field, "survey.option_too_long", x.Position, maxOption)
					break
				}
			}
		}
	}
	return f
}

// Round asks a questionnaire in a community, or in every community under
// an area, between two dates.
type Round struct {
	ID              int64  `json:"id"`
	QuestionnaireID int64  `json:"questionnaire_id"`
	Questionnaire   string `json:"questionnaire" doc:"its title"`
	DivisionCode    string `json:"division_code" doc:"a community, or the area whose communities it asks"`
	DivisionName    string `json:"division_name"`
	Title           string `json:"title"`
	OpensOn         string `json:"opens_on" doc:"YYYY-MM-DD"`
	ClosesOn        string `json:"closes_on" doc:"YYYY-MM-DD, the last day answers are taken"`
	MinResponses    int    `json:"min_responses" doc:"responses a community needs for the round to count it as surveyed"`
	Status          string `json:"status" enum:"open,closed"`
	ClosedOn        string `json:"closed_on"`
	Responses       int64  `json:"responses" doc:"responses so far inside the caller's area"`
	CreatedBy       string `json:"created_by"`
}

// RoundInput is a new round.
type RoundInput struct {
	QuestionnaireID int64  `json:"questionnaire_id"`
	DivisionCode    string `json:"division_code" doc:"a community, or a township, county or the city for all their communities"`
	Title           string `json:"title" maxLength:"100"`
	OpensOn         string `json:"opens_on" doc:"YYYY-MM-DD"`
	ClosesOn        string `json:"closes_on" doc:"YYYY-MM-DD"`
	MinResponses    int    `json:"min_responses,omitempty" doc:"30 when left out" maximum:"100000"`
}

func (in *RoundInput) normalize() Round {
	r := Round{QuestionnaireID: in.QuestionnaireID, DivisionCode: strings.TrimSpace(in.DivisionCode), Title: strings.TrimSpace(in.Title),
		OpensOn: strings.TrimSpace(in.OpensOn), ClosesOn: strings.TrimSpace(in.ClosesOn), MinResponses: in.MinResponses, Status: Open}
	if r.MinResponses == 0 {
		r.MinResponses = DefaultMinResponses
	}
	return r
}

func (r *Round) validate() errs.Fields {
	var f errs.Fields
	if r.QuestionnaireID <= 0 {
		f.Add("questionnaire_id", "error.required")
	}
	if r.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	switch {
	case r.Title == "":
		f.Add("title", "error.required")
	case len([]rune(r.Title)) > maxTitle:
		f.Add("title", "error.too_long", maxTitle)
	}
	open, err1 := time.Parse(DateLayout, r.OpensOn)
	if err1 != nil {
		f.Add("opens_on", "survey.date_invalid")
	}
	closes, err2 := time.Parse(DateLayout, r.ClosesOn)
	if err2 != nil {
		f.Add("closes_on", "survey.date_invalid")
	}
	if err1 == nil && err2 == nil && closes.Before(open) {
		f.Add("closes_on", "survey.closes_before_opens")
	}
	if r.MinResponses < 1 || r.MinResponses > 100000 {
		f.Add("min_responses", "survey.min_responses")
	}
	return f
}

// Answer is the answer to one question: Value is the chosen option
// (numbered from 1) of a single choice, or the rating (1–5) of a rating;
// Values the chosen options (from 1) of a multiple choice; Text the free
// text. A question left out, or with 0, is unanswered.
type Answer struct {
	QuestionID int64  `json:"question_id"`
	Value      int    `json:"value,omitempty"`
	Values     []int  `json:"values,omitempty"`
	Text       string `json:"text,omitempty" maxLength:"500"`
}

// ResponseInput is one response to a round. Community is the community of
// an interview (the worker's own by default); a resident answers for their
// own community.
type ResponseInput struct {
	Community string   `json:"community,omitempty" doc:"an interview's community; the worker's own by default"`
	Answers   []Answer `json:"answers" maxItems:"50"`
}

// answer is one stored answer: the options it counts in the summary (the
// option numbers, the rating, or 1 for a text) and the text.
type answer struct {
	questionID int64
	values     []int
	text       string
}

// check validates answers against the questions, returning what to store.
// An unanswered question that is not required is left out.
func check(qs []Question, in []Answer) ([]answer, errs.Fields) {
	var f errs.Fields
	by := map[int64]Answer{}
	for _, a := range in {
		by[a.QuestionID] = a
	}
	known := map[int64]bool{}
	var out []answer
	for _, q := range qs {
		known[q.ID] = true
		a := by[q.ID]
		var vals []int
		text := strings.TrimSpace(a.Text)
		bad := ""
		switch q.Kind {
		case Single:
			if a.Value < 0 || a.Value > len(q.Options) || len(a.Values) > 0 {
				bad = "survey.answer_option"
			} else if a.Value > 0 {
				vals = []int{a.Value}
			}
		case Multiple:
			for _, v := range a.Values {
				if v < 1 || v > len(q.Options) || slices.Contains(vals, v) {
					bad = "survey.answer_option"
				}
				vals = append(vals, v)
			}
		case Rating:
			if a.Value < 0 || a.Value > 5 || len(a.Values) > 0 {
				bad = "survey.answer_rating"
			} else if a.Value > 0 {
				vals = []int{a.Value}
			}
		case Text:
			if len([]rune(text)) > maxAnswer {
				f.Add("answers", "survey.answer_too_long", q.Position, maxAnswer)
				continue
			}
			if text != "" {
				vals = []int{1}
			}
		}
		if q.Kind != Text {
			text = ""
		}
		if bad != "" {
			f.Add("answers", bad, q.Position)
			continue
		}
		if len(vals) == 0 {
			if q.Required {
				f.Add("answers", "survey.answer_required", q.Position)
			}
			continue
		}
		out = append(out, answer{questionID: q.ID, values: vals, text: text})
	}
	for id := range by {
		if !known[id] {
			f.Add("answers", "survey.answer_unknown", id)
		}
	}
	return out, f
}
