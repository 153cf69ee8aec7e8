package community

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type codeInput struct {
	Code string `path:"code" doc:"the community's 12-digit code"`
}

type pageOutput struct{ Body *CommunityPage }

type currentInput struct {
	Code    string `path:"code"`
	Page    int    `query:"page" default:"1"`
	PerPage int    `query:"per_page" default:"20" doc:"at most 200"`
}

type listInput struct {
	Division string `query:"division" doc:"12-digit code: notices at or under it"`
	Kind     string `query:"kind" doc:"announcement or public_notice"`
	Status   string `query:"status" doc:"published or withdrawn; empty for all"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"20" doc:"at most 200"`
}

type itemsInput struct {
	Division string `query:"division" required:"true" doc:"12-digit code: the items kept at exactly this division"`
}

type hallInput struct {
	Code string `path:"code"`
	Body struct {
		Phone   string `json:"phone" doc:"the service hall's work number; empty to remove it"`
		Version int    `json:"version" doc:"the version read (0 before any)"`
	}
}

var public = []map[string][]string{}

// RegisterAPI adds the slice's routes to the JSON API: the community page,
// its current notices and its catalogue are public.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"communities"}
	web.RecordOp(api, huma.Operation{OperationID: "get-community-page", Method: http.MethodGet, Path: "/api/v1/communities/{code}",
		Summary: "A community's page: service hall, workers in post, facilities, current notices, catalogue", Security: public, Tags: tags},
		func(ctx context.Context, in *codeInput) (*CommunityPage, error) { return s.Page(ctx, in.Code) })
	web.ListOp(api, huma.Operation{OperationID: "list-community-current-notices", Method: http.MethodGet, Path: "/api/v1/communities/{code}/notices",
		Summary: "The notices a community shows today", Security: public, Tags: tags},
		func(in *currentInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *currentInput) ([]Notice, bool, error) {
			return s.CurrentNotices(ctx, in.Code, in.Page, in.PerPage)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "get-community-catalogue", Method: http.MethodGet, Path: "/api/v1/communities/{code}/catalogue",
		Summary: "A community's public service catalogue, with the items its township and county keep", Security: public, Tags: tags},
		func(ctx context.Context, in *codeInput) ([]CatalogueItem, error) { return s.Catalogue(ctx, in.Code) })
	huma.Register(api, huma.Operation{OperationID: "put-community-hall", Method: http.MethodPut, Path: "/api/v1/communities/{code}/hall",
		Summary: "Keep the service hall's work phone", Tags: tags},
		func(ctx context.Context, in *hallInput) (*pageOutput, error) {
			if err := s.SaveHallPhone(ctx, in.Code, in.Body.Phone, in.Body.Version); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			p, err := s.Page(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &pageOutput{Body: p}, nil
		})
	web.ListOp(api, huma.Operation{OperationID: "list-notices", Method: http.MethodGet, Path: "/api/v1/notices",
		Summary: "Notices in the caller's area, withdrawn and past ones too", Tags: tags},
		func(in *listInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *listInput) ([]Notice, bool, error) {
			return s.ListNotices(ctx, NoticeFilter{Division: in.Division, Kind: in.Kind, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-notice", Method: http.MethodPost, Path: "/api/v1/notices",
		Summary: "Publish a notice or public notice of a community", DefaultStatus: http.StatusCreated, Tags: tags},
		s.CreateNotice)
	web.IDOp(api, huma.Operation{OperationID: "get-notice", Method: http.MethodGet, Path: "/api/v1/notices/{id}",
		Summary: "A notice in the caller's area", Tags: tags},
		s.GetNotice)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-notice", Method: http.MethodPatch, Path: "/api/v1/notices/{id}",
		Summary: "Change or withdraw a notice", Description: "Fields left out stay as they are; `status: withdrawn` takes it down. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags: tags},
		s.UpdateNotice)
	web.ItemsOp(api, huma.Operation{OperationID: "list-catalogue-items", Method: http.MethodGet, Path: "/api/v1/catalogue-items",
		Summary: "The catalogue items kept at one division in the caller's area, withdrawn ones too", Tags: tags},
		func(ctx context.Context, in *itemsInput) ([]CatalogueItem, error) { return s.Items(ctx, in.Division) })
	web.BodyOp(api, huma.Operation{OperationID: "create-catalogue-item", Method: http.MethodPost, Path: "/api/v1/catalogue-items",
		Summary: "Add a service to a community's catalogue, or to a township's or county's for all its communities", DefaultStatus: http.StatusCreated, Tags: tags},
		s.CreateItem)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-catalogue-item", Method: http.MethodPatch, Path: "/api/v1/catalogue-items/{id}",
		Summary: "Change or withdraw a catalogue item", Tags: tags},
		s.UpdateItem)
}
