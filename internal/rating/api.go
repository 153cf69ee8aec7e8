package rating

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type listInput struct {
	Division      string `query:"division" doc:"12-digit code: ratings at or under it"`
	Kind          string `query:"kind" doc:"subject kind: facility, worker, …"`
	Level         int    `query:"level" doc:"1 to 5; 0 for all"`
	Rectification string `query:"rectification" doc:"open, overdue or done"`
	Q             string `query:"q" maxLength:"50" doc:"part of the subject's name"`
	web.PageQuery
}

type replyInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reply string `json:"reply" maxLength:"1000"`
	}
}

// RegisterAPI adds the rating routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"ratings"}
	web.RecordOp(api, huma.Operation{OperationID: "create-rating", Method: http.MethodPost, Path: "/api/v1/ratings",
		Summary:       "Rate a service (好差评)",
		Description:   "A resident rates a subject of their community once per occasion; level 2 or 1 (差评) needs a comment and opens a rectification due in 15 calendar days.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body RateInput }) (*Rating, error) { return s.Rate(ctx, in.Body) })
	web.ListOp(api, huma.Operation{OperationID: "list-ratings", Method: http.MethodGet, Path: "/api/v1/ratings",
		Summary: "Ratings of subjects in the caller's area", Tags: tags},
		(*listInput).Paging,
		func(ctx context.Context, in *listInput) ([]Rating, bool, error) {
			return s.List(ctx, Filter{Division: in.Division, Kind: in.Kind, Level: in.Level, Rectification: in.Rectification,
				Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	web.ListOp(api, huma.Operation{OperationID: "my-ratings", Method: http.MethodGet, Path: "/api/v1/ratings/mine",
		Summary: "The caller's own ratings, with their rectifications and replies", Tags: tags},
		(*web.PageQuery).Paging,
		func(ctx context.Context, in *web.PageQuery) ([]Rating, bool, error) {
			return s.Mine(ctx, in.Page, in.PerPage)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-rating", Method: http.MethodGet, Path: "/api/v1/ratings/{id}",
		Summary: "A rating: to staff of its area, or to the resident who gave it", Tags: tags},
		s.Get)
	web.RecordOp(api, huma.Operation{OperationID: "reply-rating", Method: http.MethodPost, Path: "/api/v1/ratings/{id}/reply",
		Summary: "Reply to a rectification (整改) and close it", Tags: tags},
		func(ctx context.Context, in *replyInput) (*Rating, error) { return s.Reply(ctx, in.ID, in.Body.Reply) })
	web.RecordOp(api, huma.Operation{OperationID: "rating-figures", Method: http.MethodGet, Path: "/api/v1/rating-figures",
		Summary: "Ratings of an area by level, share of 好评, rectifications open, overdue and done", Tags: tags},
		func(ctx context.Context, in *struct {
			Division string `query:"division" doc:"12-digit code inside the caller's area; theirs by default"`
		}) (*RatingFigures, error) {
			return s.Figures(ctx, in.Division)
		})
}
