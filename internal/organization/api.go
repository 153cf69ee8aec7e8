package organization

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/web"
)

type listInput struct {
	Q        string `query:"q" doc:"part of a name, or an exact registration number" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: organisations at or under it"`
	Type     string `query:"type"`
	Status   string `query:"status" doc:"active or deregistered; empty for all"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
}

type organizationListOutput struct {
	Body struct {
		Items []Organization `json:"items"`
		Page  int            `json:"page"`
		More  bool           `json:"more"`
	}
}

type idInput struct {
	ID int64 `path:"id"`
}

type orgOutput struct{ Body *Organization }

type createInput struct{ Body OrganizationPatch }

type patchInput struct {
	ID   int64 `path:"id"`
	Body OrganizationPatch
}

// RegisterAPI adds the organisation routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"organizations"}
	huma.Register(api, huma.Operation{OperationID: "list-organizations", Method: http.MethodGet, Path: "/api/v1/organizations",
		Summary: "Social organisations in the caller's area", Tags: tags},
		func(ctx context.Context, in *listInput) (*organizationListOutput, error) {
			items, more, err := s.List(ctx, Filter{Q: in.Q, Division: in.Division, Type: in.Type, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &organizationListOutput{}
			out.Body.Page, _ = db.Paging(in.Page, in.PerPage)
			out.Body.Items, out.Body.More = items, more
			if out.Body.Items == nil {
				out.Body.Items = []Organization{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "create-organization", Method: http.MethodPost, Path: "/api/v1/organizations",
		Summary: "Add a social organisation", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *createInput) (*orgOutput, error) {
			o, err := s.Create(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &orgOutput{Body: o}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-organization", Method: http.MethodGet, Path: "/api/v1/organizations/{id}",
		Summary: "A social organisation", Tags: tags},
		func(ctx context.Context, in *idInput) (*orgOutput, error) {
			o, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &orgOutput{Body: o}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "patch-organization", Method: http.MethodPatch, Path: "/api/v1/organizations/{id}",
		Summary:     "Change a social organisation",
		Description: "Fields left out stay as they are. `status: deregistered` (with `deregistered_on`, today by default) closes it. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags:        tags},
		func(ctx context.Context, in *patchInput) (*orgOutput, error) {
			o, err := s.Update(ctx, in.ID, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &orgOutput{Body: o}, nil
		})
}
