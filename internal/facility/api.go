package facility

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

type facilityListInput struct {
	Q        string `query:"q" doc:"part of the name or address" maxLength:"50"`
	Kind     string `query:"kind" doc:"a kind of facility"`
	Status   string `query:"status" doc:"in_use, under_construction or closed"`
	Division string `query:"division" doc:"a division code: facilities in its subtree"`
	Page     int    `query:"page" doc:"page number from 1" default:"1"`
	PerPage  int    `query:"per_page" doc:"items per page, at most 200" default:"50"`
}

// translated fills a write's warnings in the caller's language.
func translated(ctx context.Context, s *SavedFacility, err error) (*SavedFacility, error) {
	if err != nil {
		return nil, err
	}
	s.Warnings = []string{}
	for _, k := range s.warnKeys {
		s.Warnings = append(s.Warnings, i18n.T(i18n.From(ctx), k))
	}
	return s, nil
}

// RegisterAPI adds the registry's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"facilities"}
	web.ListOp(api, huma.Operation{OperationID: "list-facilities", Method: http.MethodGet, Path: "/api/v1/facilities",
		Summary: "Service facilities in the caller's area, newest first, filtered", Tags: tags},
		func(in *facilityListInput) (int, int) { return in.Page, in.PerPage },
		func(ctx context.Context, in *facilityListInput) ([]Facility, bool, error) {
			page, per := db.Paging(in.Page, in.PerPage)
			return s.List(ctx, Filter{Q: in.Q, Kind: in.Kind, Status: in.Status, Division: in.Division}, page, per)
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-facility", Method: http.MethodPost, Path: "/api/v1/facilities",
		Summary: "Add a facility serving a community or township in the caller's area", DefaultStatus: http.StatusCreated,
		Description: "`division_code`, `kind` and `name` are required; `status` defaults to in_use. " +
			"`warnings` lists advice that did not block the write (a newly built urban comprehensive facility under 600 m²).",
		Tags: tags},
		func(ctx context.Context, in FacilityInput) (*SavedFacility, error) {
			sv, err := s.Create(ctx, in)
			return translated(ctx, sv, err)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-facility", Method: http.MethodGet, Path: "/api/v1/facilities/{id}",
		Summary: "One facility", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-facility", Method: http.MethodPatch, Path: "/api/v1/facilities/{id}",
		Summary: "Change or close a facility",
		Description: "Fields left out stay as they are. Close with `status: closed` and a `close_reason` (`closed_on` defaults to today). " +
			"Give `version` to refuse the change (409) when someone else changed the facility since you read it.",
		Tags: tags},
		func(ctx context.Context, id int64, in FacilityInput) (*SavedFacility, error) {
			sv, err := s.Update(ctx, id, in)
			return translated(ctx, sv, err)
		})
}
