package survey

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type idInput struct {
	ID int64 `path:"id"`
}

// TitlePage is the query of the survey lists. (Exported: huma reads no
// fields from an embedded struct of an unexported type.)
type TitlePage struct {
	Q string `query:"q" maxLength:"50" doc:"part of the title"`
	web.PageQuery
}

type roundListInput struct {
	TitlePage
	Status string `query:"status" doc:"open or closed; empty for all"`
}

type answerInput struct {
	ID   int64 `path:"id"`
	Body ResponseInput
}

type resultsInput struct {
	ID       int64  `path:"id"`
	Division string `query:"division" doc:"12-digit code inside the caller's area; the round's (or the caller's) by default"`
}

type textsInput struct {
	ID       int64  `path:"id"`
	Question int64  `path:"question"`
	Division string `query:"division"`
	web.PageQuery
}

// RegisterAPI adds the survey routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"surveys"}
	web.ListOp(api, huma.Operation{OperationID: "list-questionnaires", Method: http.MethodGet, Path: "/api/v1/questionnaires",
		Summary: "Questionnaires the caller may use (kept in their area or above it)", Tags: tags},
		(*TitlePage).Paging,
		func(ctx context.Context, in *TitlePage) ([]Questionnaire, bool, error) {
			return s.Questionnaires(ctx, in.Q, in.Page, in.PerPage)
		})
	web.RecordOp(api, huma.Operation{OperationID: "create-questionnaire", Method: http.MethodPost, Path: "/api/v1/questionnaires",
		Summary: "Build a questionnaire", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body QuestionnaireInput }) (*Questionnaire, error) {
			return s.CreateQuestionnaire(ctx, in.Body)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-questionnaire", Method: http.MethodGet, Path: "/api/v1/questionnaires/{id}",
		Summary: "A questionnaire with its questions", Tags: tags},
		s.Questionnaire)
	web.ListOp(api, huma.Operation{OperationID: "list-survey-rounds", Method: http.MethodGet, Path: "/api/v1/survey-rounds",
		Summary: "Survey rounds that ask in the caller's area", Tags: tags},
		(*roundListInput).Paging,
		func(ctx context.Context, in *roundListInput) ([]Round, bool, error) {
			return s.Rounds(ctx, RoundFilter{Q: in.Q, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, huma.Operation{OperationID: "create-survey-round", Method: http.MethodPost, Path: "/api/v1/survey-rounds",
		Summary: "Open a survey round in a community or in every community under an area", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body RoundInput }) (*Round, error) {
			return s.CreateRound(ctx, in.Body)
		})
	huma.Register(api, huma.Operation{OperationID: "get-survey-round", Method: http.MethodGet, Path: "/api/v1/survey-rounds/{id}",
		Summary: "A survey round, its questions, and whether the caller answered it", Tags: tags},
		func(ctx context.Context, in *idInput) (*struct{ Body *Form }, error) {
			f, err := s.Form(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &struct{ Body *Form }{Body: f}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "answer-survey-round", Method: http.MethodPost, Path: "/api/v1/survey-rounds/{id}/responses",
		Summary:       "Answer a survey round",
		Description:   "A resident answers for their own community, once per round (409 the second time). Staff enter an interview held in person, for `community` (their own by default); it is marked as an interview with their name. Answers are anonymous.",
		DefaultStatus: http.StatusNoContent, Tags: tags},
		func(ctx context.Context, in *answerInput) (*struct{}, error) {
			if err := s.Answer(ctx, in.ID, in.Body); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &struct{}{}, nil
		})
	web.IDOp(api, huma.Operation{OperationID: "close-survey-round", Method: http.MethodPost, Path: "/api/v1/survey-rounds/{id}/close",
		Summary: "Close a survey round early; its surveyed communities count for this year", Tags: tags},
		s.Close)
	huma.Register(api, huma.Operation{OperationID: "survey-round-results", Method: http.MethodGet, Path: "/api/v1/survey-rounds/{id}/results",
		Summary: "A round's results in a division: counts, distributions, averages and the children for the drill-down", Tags: tags},
		func(ctx context.Context, in *resultsInput) (*struct{ Body *Results }, error) {
			r, err := s.Results(ctx, in.ID, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &struct{ Body *Results }{Body: r}, nil
		})
	web.ListOp(api, huma.Operation{OperationID: "survey-round-texts", Method: http.MethodGet, Path: "/api/v1/survey-rounds/{id}/questions/{question}/texts",
		Summary: "Free-text answers to a question, from the communities of a division in the caller's area", Tags: tags},
		(*textsInput).Paging,
		func(ctx context.Context, in *textsInput) ([]TextAnswer, bool, error) {
			return s.Texts(ctx, in.ID, in.Question, in.Division, in.Page, in.PerPage)
		})
}
