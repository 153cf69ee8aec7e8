package organization

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

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

type idInput struct {
	ID int64 `path:"id"`
}

type createInput struct{ Body OrganizationPatch }

type patchInput struct {
	ID   int64 `path:"id"`
	Body OrganizationPatch
}

// RegisterAPI adds the organisation routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"organizations"}
	web.ListOp(api, huma.Operation{OperationID: "list-organizations", Method: http.MethodGet, Path: "/api/v1/organizations",
		Summary: "Social organisations in the caller's area", Tags: tags},
		func(in *listInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *listInput) ([]Organization, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, Type: in.Type, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, huma.Operation{OperationID: "create-organization", Method: http.MethodPost, Path: "/api/v1/organizations",
		Summary: "Add a social organisation", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *createInput) (*Organization, error) { return s.Create(ctx, in.Body) })
	web.RecordOp(api, huma.Operation{OperationID: "get-organization", Method: http.MethodGet, Path: "/api/v1/organizations/{id}",
		Summary: "A social organisation", Tags: tags},
		func(ctx context.Context, in *idInput) (*Organization, error) { return s.Get(ctx, in.ID) })
	web.RecordOp(api, huma.Operation{OperationID: "patch-organization", Method: http.MethodPatch, Path: "/api/v1/organizations/{id}",
		Summary:     "Change a social organisation",
		Description: "Fields left out stay as they are. `status: deregistered` (with `deregistered_on`, today by default) closes it. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags:        tags},
		func(ctx context.Context, in *patchInput) (*Organization, error) { return s.Update(ctx, in.ID, in.Body) })
}
