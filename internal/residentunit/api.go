package residentunit

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type residentUnitListInput struct {
	Q        string `query:"q" doc:"part of a name" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: units at or under it"`
	Kind     string `query:"kind"`
	web.PageQuery
}

type residentUnitAgreementInput struct {
	ID   int64 `path:"id"`
	Body UnitAgreementInput
}

type residentUnitWithdrawInput struct {
	ID   int64 `path:"id"`
	RID  int64 `path:"rid"`
	Body struct {
		Reason string `json:"reason,omitempty" maxLength:"500"`
	}
}

// RegisterAPI adds the resident-unit routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"resident units"}
	web.ListOp(api, huma.Operation{OperationID: "list-resident-units", Method: http.MethodGet, Path: "/api/v1/resident-units",
		Summary: "Resident units (驻区单位) in the caller's area", Tags: tags},
		(*residentUnitListInput).Paging,
		func(ctx context.Context, in *residentUnitListInput) ([]ResidentUnit, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, Kind: in.Kind, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-resident-unit", Method: http.MethodPost, Path: "/api/v1/resident-units",
		Summary: "Record a resident unit", DefaultStatus: http.StatusCreated, Tags: tags},
		s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-resident-unit", Method: http.MethodGet, Path: "/api/v1/resident-units/{id}",
		Summary: "A resident unit with its agreements (共建协议) and the resources it opens", Tags: tags},
		s.Get)
	web.RecordOp(api, huma.Operation{OperationID: "add-resident-unit-agreement", Method: http.MethodPost,
		Path: "/api/v1/resident-units/{id}/agreements", Summary: "Record a joint-building agreement (the scanned copy is uploaded on the unit's page)",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *residentUnitAgreementInput) (*UnitAgreement, error) {
			return s.AddAgreement(ctx, in.ID, in.Body, nil)
		})
	web.IDBodyOp(api, huma.Operation{OperationID: "add-resident-unit-resource", Method: http.MethodPost,
		Path: "/api/v1/resident-units/{id}/resources", Summary: "Record a resource the unit opens to residents (venue, parking, services) with its hours",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.AddResource)
	huma.Register(api, huma.Operation{OperationID: "withdraw-resident-unit-resource", Method: http.MethodPost,
		Path: "/api/v1/resident-units/{id}/resources/{rid}/withdraw", Summary: "Take a resource off: the unit no longer opens it",
		DefaultStatus: http.StatusNoContent, Tags: tags},
		func(ctx context.Context, in *residentUnitWithdrawInput) (*struct{}, error) {
			if err := s.WithdrawResource(ctx, in.ID, in.RID, in.Body.Reason); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
}
