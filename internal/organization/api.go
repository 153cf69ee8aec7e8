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
	web.PageQuery
}

// RegisterAPI adds the organisation routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"organizations"}
	web.ListOp(api, huma.Operation{OperationID: "list-organizations", Method: http.MethodGet, Path: "/api/v1/organizations",
		Summary: "Social organisations in the caller's area", Tags: tags},
		(*listInput).Paging,
		func(ctx context.Context, in *listInput) ([]Organization, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, Type: in.Type, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-organization", Method: http.MethodPost, Path: "/api/v1/organizations",
		Summary: "Add a social organisation", DefaultStatus: http.StatusCreated, Tags: tags}, s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-organization", Method: http.MethodGet, Path: "/api/v1/organizations/{id}",
		Summary: "A social organisation", Tags: tags}, s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-organization", Method: http.MethodPatch, Path: "/api/v1/organizations/{id}",
		Summary:     "Change a social organisation",
		Description: "Fields left out stay as they are. `status: deregistered` (with `deregistered_on`, today by default) closes it. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags:        tags}, s.Update)
}
