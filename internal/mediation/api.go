package mediation

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type areaInput struct {
	Division string `query:"division" doc:"12-digit code: records at or under it"`
	Q        string `query:"q" maxLength:"50" doc:"part of a name"`
	web.PageQuery
}

type caseListInput struct {
	Division string `query:"division" doc:"12-digit code: cases at or under it"`
	web.PageQuery
	Status string `query:"status" doc:"open, agreed, failed or closed"`
	Kind   string `query:"kind"`
	Q      string `query:"q" maxLength:"50" doc:"part of the summary, or a request number"`
}

type servicesInput struct {
	Division string `query:"division" doc:"12-digit code: services at or under it"`
	Adviser  int64  `query:"adviser" doc:"one adviser's"`
	web.PageQuery
}

type fromRequest struct {
	RequestID   int64   `json:"request_id" doc:"the resident request, in a dispute category"`
	Kind        string  `json:"kind,omitempty" doc:"by the request's category when not given: neighbours, family, land, property, labour, damages or other"`
	MediatorIDs []int64 `json:"mediator_ids,omitempty" maxItems:"10"`
}

type searchBody struct {
	IDNumber string `json:"id_number" doc:"a party's whole ID number"`
	Reason   string `json:"reason" maxLength:"200" doc:"why; audited with the number's blind index, never the number"`
	Page     int    `json:"page,omitempty"`
	PerPage  int    `json:"per_page,omitempty"`
}

type assignBody struct {
	MediatorID int64 `json:"mediator_id"`
}

type closeBody struct {
	Version int `json:"version,omitempty"`
}

type revealBody struct {
	Reason string `json:"reason" maxLength:"200" doc:"why the parties are needed in full; audited"`
}

type mediationFiguresOutput struct {
	Body struct {
		Total *MediationFigures  `json:"total"`
		Rows  []MediationFigures `json:"rows" doc:"the divisions directly under it"`
	}
}

// op is one of the slice's operations.
func op(id, method, path, summary string, status int) huma.Operation {
	return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, DefaultStatus: status, Tags: []string{"mediation"}}
}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	const get, post, created, ok = http.MethodGet, http.MethodPost, http.StatusCreated, http.StatusOK
	huma.Register(api, op("mediation-figures", get, "/api/v1/mediation/figures", "Mediation and legal services figures of an area and the areas under it", ok),
		func(ctx context.Context, in *struct {
			Division string `query:"division" doc:"12-digit code; the caller's area when empty"`
		}) (*mediationFiguresOutput, error) {
			var out mediationFiguresOutput
			var err error
			if out.Body.Total, out.Body.Rows, err = s.Figures(ctx, in.Division); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			if out.Body.Rows == nil {
				out.Body.Rows = []MediationFigures{}
			}
			return &out, nil
		})
	// Committees.
	web.ListOp(api, op("list-mediation-committees", get, "/api/v1/mediation/committees", "Mediation committees in the caller's area", ok),
		(*areaInput).Paging, func(ctx context.Context, in *areaInput) ([]Committee, bool, error) {
			return s.Committees(ctx, in.Division, in.Q, in.Page, in.PerPage)
		})
	web.BodyOp(api, op("create-mediation-committee", post, "/api/v1/mediation/committees", "Add a community's mediation committee", created), s.CreateCommittee)
	web.IDOp(api, op("get-mediation-committee", get, "/api/v1/mediation/committees/{id}", "A mediation committee with its mediators", ok), s.Committee)
	web.IDBodyOp(api, op("add-mediator", post, "/api/v1/mediation/committees/{id}/mediators", "Add a mediator (a community worker, or a named volunteer)", created), s.AddMediator)
	// Cases.
	web.ListOp(api, op("list-mediation-cases", get, "/api/v1/mediation/cases", "Mediation cases in the caller's area, newest first", ok),
		(*caseListInput).Paging, func(ctx context.Context, in *caseListInput) ([]MediationCase, bool, error) {
			return s.Cases(ctx, CaseFilter{Division: in.Division, Status: in.Status, Kind: in.Kind, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, op("open-mediation-case", post, "/api/v1/mediation/cases", "Open a mediation case", created), s.OpenCase)
	web.ListOp(api, op("search-mediation-cases", post, "/api/v1/mediation/cases/search",
		"Cases in the caller's area with a party of this whole ID number (in the body, never the URL; limited per account and audited)", ok),
		func(in *web.BodyInput[searchBody]) (int, int) { return in.Body.Page, in.Body.PerPage },
		func(ctx context.Context, in *web.BodyInput[searchBody]) ([]MediationCase, bool, error) {
			b := in.Body
			return s.Cases(ctx, CaseFilter{IDNumber: b.IDNumber, Reason: b.Reason, Page: b.Page, PerPage: b.PerPage})
		})
	web.BodyOp(api, op("open-mediation-case-from-request", post, "/api/v1/mediation/cases/from-request",
		"Open a mediation case from a resident request in a dispute category (one per request; it keeps the request's number)", created),
		func(ctx context.Context, b fromRequest) (*MediationCase, error) {
			return s.OpenFromRequest(ctx, b.RequestID, b.Kind, b.MediatorIDs)
		})
	web.IDOp(api, op("get-mediation-case", get, "/api/v1/mediation/cases/{id}", "A mediation case (parties masked)", ok), s.Case)
	web.IDBodyOp(api, op("add-mediation-party", post, "/api/v1/mediation/cases/{id}/parties", "Add a party to an open case", ok), s.AddParty)
	web.IDBodyOp(api, op("assign-mediation-mediator", post, "/api/v1/mediation/cases/{id}/mediators", "Assign a mediator of the community to an open case", ok),
		func(ctx context.Context, id int64, b assignBody) (*MediationCase, error) {
			return s.AssignMediator(ctx, id, b.MediatorID)
		})
	web.IDBodyOp(api, op("log-mediation-step", post, "/api/v1/mediation/cases/{id}/steps", "Log a dated step of an open case", ok), s.LogStep)
	web.IDBodyOp(api, op("record-mediation-agreement", post, "/api/v1/mediation/cases/{id}/agreement",
		"Record the agreement (调解协议) of an open case; the scanned copy is uploaded on the case page", ok),
		func(ctx context.Context, id int64, b AgreementInput) (*MediationCase, error) {
			return s.Agree(ctx, id, b, nil)
		})
	web.IDBodyOp(api, op("record-mediation-failure", post, "/api/v1/mediation/cases/{id}/failure", "Record that mediation failed, with the referral", ok), s.Fail)
	web.IDBodyOp(api, op("record-mediation-callback", post, "/api/v1/mediation/cases/{id}/callback", "Record the callback (回访) of an agreement", ok), s.Callback)
	web.IDBodyOp(api, op("close-mediation-case", post, "/api/v1/mediation/cases/{id}/close",
		"Close a case after review (not by whoever mediated it: 403 mediation.four_eyes)", ok),
		func(ctx context.Context, id int64, b closeBody) (*MediationCase, error) {
			return s.Close(ctx, id, b.Version)
		})
	web.IDBodyOp(api, op("reveal-mediation-parties", post, "/api/v1/mediation/cases/{id}/reveal", "A case's parties unmasked, with a reason (audited)", ok),
		func(ctx context.Context, id int64, b revealBody) ([]RevealedParty, error) {
			return s.RevealParties(ctx, id, b.Reason)
		})
	// Legal advisers.
	web.ListOp(api, op("list-legal-advisers", get, "/api/v1/legal-advisers", "Legal advisers in the caller's area", ok),
		(*areaInput).Paging, func(ctx context.Context, in *areaInput) ([]Adviser, bool, error) {
			return s.Advisers(ctx, in.Division, in.Q, in.Page, in.PerPage)
		})
	web.BodyOp(api, op("create-legal-adviser", post, "/api/v1/legal-advisers", "Add a community's legal adviser", created), s.CreateAdviser)
	web.IDOp(api, op("get-legal-adviser", get, "/api/v1/legal-advisers/{id}", "A legal adviser (phone masked)", ok), s.Adviser)
	web.IDBodyOp(api, op("log-legal-adviser-service", post, "/api/v1/legal-advisers/{id}/services", "Log a service of a legal adviser", created), s.LogService)
	web.ListOp(api, op("list-legal-adviser-services", get, "/api/v1/legal-adviser-services", "Legal advisers' services in the caller's area, newest first", ok),
		(*servicesInput).Paging, func(ctx context.Context, in *servicesInput) ([]AdviserService, bool, error) {
			return s.Services(ctx, in.Division, in.Adviser, in.Page, in.PerPage)
		})
	// Legal-literate villagers.
	web.ListOp(api, op("list-legal-literates", get, "/api/v1/legal-literates", "Legal-literate villagers (法律明白人) in the caller's area", ok),
		(*areaInput).Paging, func(ctx context.Context, in *areaInput) ([]Literate, bool, error) {
			return s.Literates(ctx, in.Division, in.Q, in.Page, in.PerPage)
		})
	web.BodyOp(api, op("create-legal-literate", post, "/api/v1/legal-literates", "Add a legal-literate villager to a community's roster", created), s.CreateLiterate)
	web.IDOp(api, op("get-legal-literate", get, "/api/v1/legal-literates/{id}", "A legal-literate villager with the training records", ok), s.Literate)
	web.IDBodyOp(api, op("add-legal-literate-training", post, "/api/v1/legal-literates/{id}/trainings", "Record a training of a legal-literate villager", created), s.AddTraining)
}
