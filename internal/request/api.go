package request

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type reqListInput struct {
	Division string `query:"division" doc:"a division code: requests in its subtree (staff)"`
	Status   string `query:"status" doc:"submitted, dispatched, accepted, returned, replied or closed"`
	Category string `query:"category" doc:"a category code: it and its children"`
	Overdue  bool   `query:"overdue" doc:"only open requests past their resolution deadline"`
	Q        string `query:"q" doc:"a request number" maxLength:"30"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
}

type reqListOutput struct {
	Body struct {
		Items []Request `json:"items"`
		Page  int       `json:"page"`
		More  bool      `json:"more"`
	}
}

type reqCreateInput struct{ Body NewRequest }

type reqOutput struct{ Body *Request }

type reqIDInput struct {
	ID int64 `path:"id"`
}

type reqActInput struct {
	ID   int64 `path:"id"`
	Body Action
}

type reqCategoriesOutput struct {
	Body struct {
		Items []Category `json:"items"`
	}
}

type reqUnitsInput struct {
	Division string `query:"division" doc:"the units serving this division (default the caller's area)"`
}

type reqUnitsOutput struct {
	Body struct {
		Items []Unit `json:"items"`
	}
}

// RegisterAPI adds the request routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"requests"}
	huma.Register(api, huma.Operation{OperationID: "list-requests", Method: http.MethodGet, Path: "/api/v1/requests",
		Summary: "Requests the caller may see: a resident their own, a unit those dispatched to it, staff their area", Tags: tags},
		func(ctx context.Context, in *reqListInput) (*reqListOutput, error) {
			f := Filter{Division: in.Division, Status: in.Status, Category: in.Category, Overdue: in.Overdue, Q: strings.TrimSpace(in.Q)}
			items, more, err := s.List(ctx, f, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &reqListOutput{}
			out.Body.Items, out.Body.More, out.Body.Page = items, more, max(in.Page, 1)
			if out.Body.Items == nil {
				out.Body.Items = []Request{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "create-request", Method: http.MethodPost, Path: "/api/v1/requests",
		Summary: "File a request: a resident for themselves, staff for a resident (phone or walk-in) in their area",
		Description: "The answer carries the request `number` to follow it. Deadlines come from the dispatch catalogue; " +
			"a catalogue rule with a default unit dispatches it at once. Photos are sent with the form at /requests/new.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *reqCreateInput) (*reqOutput, error) {
			in.Body.Photos = nil
			r, err := s.Create(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &reqOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "request-categories", Method: http.MethodGet, Path: "/api/v1/requests/categories",
		Summary: "The category tree of the dispatch catalogue", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*reqCategoriesOutput, error) {
			cs, err := s.Categories(ctx)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &reqCategoriesOutput{}
			out.Body.Items = cs
			if out.Body.Items == nil {
				out.Body.Items = []Category{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "request-units", Method: http.MethodGet, Path: "/api/v1/requests/units",
		Summary: "Handling units serving a division (its subtree's units and those of the divisions above it)", Tags: tags},
		func(ctx context.Context, in *reqUnitsInput) (*reqUnitsOutput, error) {
			us, err := s.Units(ctx, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &reqUnitsOutput{}
			out.Body.Items = us
			if out.Body.Items == nil {
				out.Body.Items = []Unit{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-request", Method: http.MethodGet, Path: "/api/v1/requests/{id}",
		Summary: "One request with its timeline, callbacks, extensions and appeals", Tags: tags},
		func(ctx context.Context, in *reqIDInput) (*reqOutput, error) {
			r, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &reqOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "act-on-request", Method: http.MethodPost, Path: "/api/v1/requests/{id}/actions",
		Summary: "Take a step on a request: accept, reply, extend, return, dispatch, supervise, remind, close, callback, rate, appeal",
		Description: "extend and appeal without `decision` are the unit's ask; with `decision` (approve or refuse) the level above decides. " +
			"dispatch with `assist` adds an assisting unit. `version`, when given, must match the request's or the answer is 409.",
		Tags: tags},
		func(ctx context.Context, in *reqActInput) (*reqOutput, error) {
			r, err := s.Act(ctx, in.ID, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &reqOutput{Body: r}, nil
		})
}
