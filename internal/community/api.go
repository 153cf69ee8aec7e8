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

type noticeListOutput struct {
	Body struct {
		Items []Notice `json:"items"`
		Page  int      `json:"page"`
		More  bool     `json:"more"`
	}
}

type listInput struct {
	Division string `query:"division" doc:"12-digit code: notices at or under it"`
	Kind     string `query:"kind" doc:"announcement or public_notice"`
	Status   string `query:"status" doc:"published or withdrawn; empty for all"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"20" doc:"at most 200"`
}

type idInput struct {
	ID int64 `path:"id"`
}

type noticeOutput struct{ Body *Notice }

type createNoticeInput struct{ Body NoticePatch }

type patchNoticeInput struct {
	ID   int64 `path:"id"`
	Body NoticePatch
}

type itemsOutput struct {
	Body struct {
		Items []CatalogueItem `json:"items"`
	}
}

type itemsInput struct {
	Division string `query:"division" required:"true" doc:"12-digit code: the items kept at exactly this division"`
}

type itemOutput struct{ Body *CatalogueItem }

type createItemInput struct{ Body ItemPatch }

type patchItemInput struct {
	ID   int64 `path:"id"`
	Body ItemPatch
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
	huma.Register(api, huma.Operation{OperationID: "get-community-page", Method: http.MethodGet, Path: "/api/v1/communities/{code}",
		Summary: "A community's page: service hall, workers in post, facilities, current notices, catalogue", Security: public, Tags: tags},
		func(ctx context.Context, in *codeInput) (*pageOutput, error) {
			p, err := s.Page(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &pageOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-community-current-notices", Method: http.MethodGet, Path: "/api/v1/communities/{code}/notices",
		Summary: "The notices a community shows today", Security: public, Tags: tags},
		func(ctx context.Context, in *currentInput) (*noticeListOutput, error) {
			items, more, err := s.CurrentNotices(ctx, in.Code, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return noticeList(items, in.Page, in.PerPage, more), nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-community-catalogue", Method: http.MethodGet, Path: "/api/v1/communities/{code}/catalogue",
		Summary: "A community's public service catalogue, with the items its township and county keep", Security: public, Tags: tags},
		func(ctx context.Context, in *codeInput) (*itemsOutput, error) {
			items, err := s.Catalogue(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return itemList(items), nil
		})
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
	huma.Register(api, huma.Operation{OperationID: "list-notices", Method: http.MethodGet, Path: "/api/v1/notices",
		Summary: "Notices in the caller's area, withdrawn and past ones too", Tags: tags},
		func(ctx context.Context, in *listInput) (*noticeListOutput, error) {
			items, more, err := s.ListNotices(ctx, NoticeFilter{Division: in.Division, Kind: in.Kind, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return noticeList(items, in.Page, in.PerPage, more), nil
		})
	huma.Register(api, huma.Operation{OperationID: "create-notice", Method: http.MethodPost, Path: "/api/v1/notices",
		Summary: "Publish a notice or public notice of a community", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *createNoticeInput) (*noticeOutput, error) {
			n, err := s.CreateNotice(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &noticeOutput{Body: n}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-notice", Method: http.MethodGet, Path: "/api/v1/notices/{id}",
		Summary: "A notice in the caller's area", Tags: tags},
		func(ctx context.Context, in *idInput) (*noticeOutput, error) {
			n, err := s.GetNotice(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &noticeOutput{Body: n}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "patch-notice", Method: http.MethodPatch, Path: "/api/v1/notices/{id}",
		Summary: "Change or withdraw a notice", Description: "Fields left out stay as they are; `status: withdrawn` takes it down. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags: tags},
		func(ctx context.Context, in *patchNoticeInput) (*noticeOutput, error) {
			n, err := s.UpdateNotice(ctx, in.ID, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &noticeOutput{Body: n}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-catalogue-items", Method: http.MethodGet, Path: "/api/v1/catalogue-items",
		Summary: "The catalogue items kept at one division in the caller's area, withdrawn ones too", Tags: tags},
		func(ctx context.Context, in *itemsInput) (*itemsOutput, error) {
			items, err := s.Items(ctx, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return itemList(items), nil
		})
	huma.Register(api, huma.Operation{OperationID: "create-catalogue-item", Method: http.MethodPost, Path: "/api/v1/catalogue-items",
		Summary: "Add a service to a community's catalogue, or to a township's or county's for all its communities", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *createItemInput) (*itemOutput, error) {
			it, err := s.CreateItem(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &itemOutput{Body: it}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "patch-catalogue-item", Method: http.MethodPatch, Path: "/api/v1/catalogue-items/{id}",
		Summary: "Change or withdraw a catalogue item", Tags: tags},
		func(ctx context.Context, in *patchItemInput) (*itemOutput, error) {
			it, err := s.UpdateItem(ctx, in.ID, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &itemOutput{Body: it}, nil
		})
}

func noticeList(items []Notice, page, perPage int, more bool) *noticeListOutput {
	out := &noticeListOutput{}
	out.Body.Page, _ = Paging(page, perPage)
	out.Body.Items, out.Body.More = items, more
	if out.Body.Items == nil {
		out.Body.Items = []Notice{}
	}
	return out
}

func itemList(items []CatalogueItem) *itemsOutput {
	out := &itemsOutput{}
	out.Body.Items = items
	if out.Body.Items == nil {
		out.Body.Items = []CatalogueItem{}
	}
	return out
}
