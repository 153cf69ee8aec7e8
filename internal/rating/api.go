package rating

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/web"
)

type listInput struct {
	Division      string `query:"division" doc:"12-digit code: ratings at or under it"`
	Kind          string `query:"kind" doc:"subject kind: facility, worker, …"`
	Level         int    `query:"level" doc:"1 to 5; 0 for all"`
	Rectification string `query:"rectification" doc:"open, overdue or done"`
	Q             string `query:"q" maxLength:"50" doc:"part of the subject's name"`
	Page          int    `query:"page" default:"1"`
	PerPage       int    `query:"per_page" default:"50" doc:"at most 200"`
}

type ratingListOutput struct {
	Body struct {
		Items []Rating `json:"items"`
		Page  int      `json:"page"`
		More  bool     `json:"more"`
	}
}

type idInput struct {
	ID int64 `path:"id"`
}

type ratingOutput struct{ Body *Rating }

type replyInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reply string `json:"reply" maxLength:"1000"`
	}
}

type pageInput struct {
	Page    int `query:"page" default:"1"`
	PerPage int `query:"per_page" default:"50"`
}

// RegisterAPI adds the rating routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"ratings"}
	huma.Register(api, huma.Operation{OperationID: "create-rating", Method: http.MethodPost, Path: "/api/v1/ratings",
		Summary:       "Rate a service (好差评)",
		Description:   "A resident rates a subject of their community once per occasion; level 2 or 1 (差评) needs a comment and opens a rectification due in 15 calendar days.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body RateInput }) (*ratingOutput, error) {
			r, err := s.Rate(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &ratingOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-ratings", Method: http.MethodGet, Path: "/api/v1/ratings",
		Summary: "Ratings of subjects in the caller's area", Tags: tags},
		func(ctx context.Context, in *listInput) (*ratingListOutput, error) {
			items, more, err := s.List(ctx, Filter{Division: in.Division, Kind: in.Kind, Level: in.Level, Rectification: in.Rectification,
				Q: in.Q, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &ratingListOutput{}
			out.Body.Page, _ = db.Paging(in.Page, in.PerPage)
			out.Body.Items, out.Body.More = items, more
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "my-ratings", Method: http.MethodGet, Path: "/api/v1/ratings/mine",
		Summary: "The caller's own ratings, with their rectifications and replies", Tags: tags},
		func(ctx context.Context, in *pageInput) (*ratingListOutput, error) {
			items, more, err := s.Mine(ctx, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &ratingListOutput{}
			out.Body.Page, _ = db.Paging(in.Page, in.PerPage)
			out.Body.Items, out.Body.More = items, more
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-rating", Method: http.MethodGet, Path: "/api/v1/ratings/{id}",
		Summary: "A rating: to staff of its area, or to the resident who gave it", Tags: tags},
		func(ctx context.Context, in *idInput) (*ratingOutput, error) {
			r, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &ratingOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "reply-rating", Method: http.MethodPost, Path: "/api/v1/ratings/{id}/reply",
		Summary: "Reply to a rectification (整改) and close it", Tags: tags},
		func(ctx context.Context, in *replyInput) (*ratingOutput, error) {
			r, err := s.Reply(ctx, in.ID, in.Body.Reply)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &ratingOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "rating-figures", Method: http.MethodGet, Path: "/api/v1/rating-figures",
		Summary: "Ratings of an area by level, share of 好评, rectifications open, overdue and done", Tags: tags},
		func(ctx context.Context, in *struct {
			Division string `query:"division" doc:"12-digit code inside the caller's area; theirs by default"`
		}) (*struct{ Body *RatingFigures }, error) {
			f, err := s.Figures(ctx, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &struct{ Body *RatingFigures }{Body: f}, nil
		})
}
