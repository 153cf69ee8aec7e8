package division

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/web"
)

type codeInput struct {
	Code string `path:"code" doc:"12-digit statistical division code" example:"131102000000"`
}

type divisionOutput struct{ Body *View }

type childrenOutput struct {
	Body struct {
		Parent Division `json:"parent"`
		Items  []Node   `json:"items"`
	}
}

type searchInput struct {
	Q       string `query:"q" doc:"part of a name, or a code prefix" maxLength:"50"`
	Page    int    `query:"page" doc:"page number from 1" default:"1"`
	PerPage int    `query:"per_page" doc:"items per page, at most 200" default:"50"`
}

type patchInput struct {
	Code string `path:"code" doc:"12-digit code of a village or community"`
	Body ProfilePatch
}

type profileOutput struct{ Body *Profile }

type historyInput struct {
	Code    string `path:"code"`
	Page    int    `query:"page" default:"1"`
	PerPage int    `query:"per_page" default:"50"`
}

// RegisterAPI adds the division routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "get-division", Method: http.MethodGet, Path: "/api/v1/divisions/{code}",
		Summary: "A division with its ancestors, children and (for a community) profile", Tags: []string{"divisions"}},
		func(ctx context.Context, in *codeInput) (*divisionOutput, error) {
			v, err := s.View(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			if v.Children == nil {
				v.Children = []Node{}
			}
			if v.Ancestors == nil {
				v.Ancestors = []Division{}
			}
			return &divisionOutput{Body: v}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-division-children", Method: http.MethodGet, Path: "/api/v1/divisions/{code}/children",
		Summary: "The children of a division with counts of communities, population and households", Tags: []string{"divisions"}},
		func(ctx context.Context, in *codeInput) (*childrenOutput, error) {
			d, err := s.Get(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			items, err := s.Store.Children(ctx, d)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &childrenOutput{}
			out.Body.Parent, out.Body.Items = *d, items
			if out.Body.Items == nil {
				out.Body.Items = []Node{}
			}
			return out, nil
		})
	web.ListOp(api, huma.Operation{OperationID: "search-divisions", Method: http.MethodGet, Path: "/api/v1/divisions",
		Summary: "Search divisions in the caller's area by name or code prefix", Tags: []string{"divisions"}},
		func(in *searchInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *searchInput) ([]Division, bool, error) {
			page, per := db.Paging(in.Page, in.PerPage)
			return s.Search(ctx, in.Q, page, per)
		})
	huma.Register(api, huma.Operation{OperationID: "get-division-profile", Method: http.MethodGet, Path: "/api/v1/divisions/{code}/profile",
		Summary: "A village's or community's profile", Tags: []string{"divisions"}},
		func(ctx context.Context, in *codeInput) (*profileOutput, error) {
			p, _, err := s.Profile(ctx, in.Code)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &profileOutput{Body: p}, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "patch-division-profile", Method: http.MethodPatch, Path: "/api/v1/divisions/{code}/profile",
		Summary: "Change a village's or community's profile",
		Description: "Fields left out stay as they are; `organisations`, when given, replaces the whole structure. " +
			"Give `version` to refuse the change (409) when someone else changed the profile since you read it.",
		Tags: []string{"divisions"}},
		func(ctx context.Context, in *patchInput) (*Profile, error) {
			return s.UpdateProfile(ctx, in.Code, in.Body)
		})
	web.ListOp(api, huma.Operation{OperationID: "list-division-profile-history", Method: http.MethodGet, Path: "/api/v1/divisions/{code}/history",
		Summary: "The change history of a community's profile, newest first", Tags: []string{"divisions"}},
		func(in *historyInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *historyInput) ([]Change, bool, error) {
			page, per := db.Paging(in.Page, in.PerPage)
			return s.History(ctx, in.Code, page, per)
		})
}
