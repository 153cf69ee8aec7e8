package mediation

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/web"
)

type idInput struct {
	ID int64 `path:"id"`
}

type areaInput struct {
	Division string `query:"division" doc:"12-digit code: records at or under it"`
	Q        string `query:"q" maxLength:"50" doc:"part of a name"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
}

type page[T any] struct {
	Body struct {
		Items []T  `json:"items"`
		Page  int  `json:"page"`
		More  bool `json:"more"`
	}
}

func pageOf[T any](items []T, more bool, p, perPage int) *page[T] {
	out := &page[T]{}
	out.Body.Page, _ = db.Paging(p, perPage)
	out.Body.Items, out.Body.More = items, more
	if out.Body.Items == nil {
		out.Body.Items = []T{}
	}
	return out
}

type body[T any] struct{ Body T }

type idBody[T any] struct {
	ID   int64 `path:"id"`
	Body T
}

type caseListInput struct {
	Division string `query:"division" doc:"12-digit code: cases at or under it"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
	Status   string `query:"status" doc:"open, agreed, failed or closed"`
	Kind     string `query:"kind"`
	Q        string `query:"q" maxLength:"50" doc:"part of the summary, or a request number"`
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

// reg registers one operation whose handler maps service errors to problems.
func reg[I, O any](api huma.API, id, method, path, summary string, status int, fn func(context.Context, *I) (O, error)) {
	huma.Register(api, huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, DefaultStatus: status, Tags: []string{"mediation"}},
		func(ctx context.Context, in *I) (*O, error) {
			out, err := fn(ctx, in)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &out, nil
		})
}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	const get, post, created, ok = http.MethodGet, http.MethodPost, http.StatusCreated, http.StatusOK
	reg(api, "mediation-figures", get, "/api/v1/mediation/figures", "Mediation and legal services figures of an area and the areas under it", ok,
		func(ctx context.Context, in *struct {
			Division string `query:"division" doc:"12-digit code; the caller's area when empty"`
		}) (mediationFiguresOutput, error) {
			var out mediationFiguresOutput
			var err error
			out.Body.Total, out.Body.Rows, err = s.Figures(ctx, in.Division)
			if out.Body.Rows == nil {
				out.Body.Rows = []MediationFigures{}
			}
			return out, err
		})
	// Committees.
	reg(api, "list-mediation-committees", get, "/api/v1/mediation/committees", "Mediation committees in the caller's area", ok,
		func(ctx context.Context, in *areaInput) (page[Committee], error) {
			items, more, err := s.Committees(ctx, in.Division, in.Q, in.Page, in.PerPage)
			return *pageOf(items, more, in.Page, in.PerPage), err
		})
	reg(api, "create-mediation-committee", post, "/api/v1/mediation/committees", "Add a community's mediation committee", created,
		func(ctx context.Context, in *body[CommitteeInput]) (body[*Committee], error) {
			c, err := s.CreateCommittee(ctx, in.Body)
			return body[*Committee]{c}, err
		})
	reg(api, "get-mediation-committee", get, "/api/v1/mediation/committees/{id}", "A mediation committee with its mediators", ok,
		func(ctx context.Context, in *idInput) (body[*Committee], error) {
			c, err := s.Committee(ctx, in.ID)
			return body[*Committee]{c}, err
		})
	reg(api, "add-mediator", post, "/api/v1/mediation/committees/{id}/mediators", "Add a mediator (a community worker, or a named volunteer)", created,
		func(ctx context.Context, in *idBody[MediatorInput]) (body[*Committee], error) {
			c, err := s.AddMediator(ctx, in.ID, in.Body)
			return body[*Committee]{c}, err
		})
	// Cases.
	reg(api, "list-mediation-cases", get, "/api/v1/mediation/cases", "Mediation cases in the caller's area, newest first", ok,
		func(ctx context.Context, in *caseListInput) (page[MediationCase], error) {
			items, more, err := s.Cases(ctx, CaseFilter{Division: in.Division, Status: in.Status, Kind: in.Kind, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
			return *pageOf(items, more, in.Page, in.PerPage), err
		})
	reg(api, "open-mediation-case", post, "/api/v1/mediation/cases", "Open a mediation case", created,
		func(ctx context.Context, in *body[MediationCaseInput]) (body[*MediationCase], error) {
			c, err := s.OpenCase(ctx, in.Body)
			return body[*MediationCase]{c}, err
		})
	reg(api, "search-mediation-cases", post, "/api/v1/mediation/cases/search",
		"Cases in the caller's area with a party of this whole ID number (in the body, never the URL; limited per account and audited)", ok,
		func(ctx context.Context, in *body[searchBody]) (page[MediationCase], error) {
			b := in.Body
			items, more, err := s.Cases(ctx, CaseFilter{IDNumber: b.IDNumber, Reason: b.Reason, Page: b.Page, PerPage: b.PerPage})
			return *pageOf(items, more, b.Page, b.PerPage), err
		})
	reg(api, "open-mediation-case-from-request", post, "/api/v1/mediation/cases/from-request",
		"Open a mediation case from a resident request in a dispute category (one per request; it keeps the request's number)", created,
		func(ctx context.Context, in *body[fromRequest]) (body[*MediationCase], error) {
			c, err := s.OpenFromRequest(ctx, in.Body.RequestID, in.Body.Kind, in.Body.MediatorIDs)
			return body[*MediationCase]{c}, err
		})
	reg(api, "get-mediation-case", get, "/api/v1/mediation/cases/{id}", "A mediation case (parties masked)", ok,
		func(ctx context.Context, in *idInput) (body[*MediationCase], error) {
			c, err := s.Case(ctx, in.ID)
			return body[*MediationCase]{c}, err
		})
	reg(api, "add-mediation-party", post, "/api/v1/mediation/cases/{id}/parties", "Add a party to an open case", ok,
		func(ctx context.Context, in *idBody[CasePartyInput]) (body[*MediationCase], error) {
			c, err := s.AddParty(ctx, in.ID, in.Body)
			return body[*MediationCase]{c}, err
		})
	reg(api, "assign-mediation-mediator", post, "/api/v1/mediation/cases/{id}/mediators", "Assign a mediator of the community to an open case", ok,
		func(ctx context.Context, in *idBody[assignBody]) (body[*MediationCase], error) {
			c, err := s.AssignMediator(ctx, in.ID, in.Body.MediatorID)
			return body[*MediationCase]{c}, err
		})
	reg(api, "log-mediation-step", post, "/api/v1/mediation/cases/{id}/steps", "Log a dated step of an open case", ok,
		func(ctx context.Context, in *idBody[CaseStepInput]) (body[*MediationCase], error) {
			c, err := s.LogStep(ctx, in.ID, in.Body)
			return body[*MediationCase]{c}, err
		})
	reg(api, "record-mediation-agreement", post, "/api/v1/mediation/cases/{id}/agreement",
		"Record the agreement (调解协议) of an open case; the scanned copy is uploaded on the case page", ok,
		func(ctx context.Context, in *idBody[AgreementInput]) (body[*MediationCase], error) {
			c, err := s.Agree(ctx, in.ID, in.Body, nil)
			return body[*MediationCase]{c}, err
		})
	reg(api, "record-mediation-failure", post, "/api/v1/mediation/cases/{id}/failure", "Record that mediation failed, with the referral", ok,
		func(ctx context.Context, in *idBody[FailureInput]) (body[*MediationCase], error) {
			c, err := s.Fail(ctx, in.ID, in.Body)
			return body[*MediationCase]{c}, err
		})
	reg(api, "record-mediation-callback", post, "/api/v1/mediation/cases/{id}/callback", "Record the callback (回访) of an agreement", ok,
		func(ctx context.Context, in *idBody[CallbackInput]) (body[*MediationCase], error) {
			c, err := s.Callback(ctx, in.ID, in.Body)
			return body[*MediationCase]{c}, err
		})
	reg(api, "close-mediation-case", post, "/api/v1/mediation/cases/{id}/close",
		"Close a case after review (not by whoever mediated it: 403 mediation.four_eyes)", ok,
		func(ctx context.Context, in *idBody[closeBody]) (body[*MediationCase], error) {
			c, err := s.Close(ctx, in.ID, in.Body.Version)
			return body[*MediationCase]{c}, err
		})
	reg(api, "reveal-mediation-parties", post, "/api/v1/mediation/cases/{id}/reveal", "A case's parties unmasked, with a reason (audited)", ok,
		func(ctx context.Context, in *idBody[revealBody]) (body[[]RevealedParty], error) {
			ps, err := s.RevealParties(ctx, in.ID, in.Body.Reason)
			return body[[]RevealedParty]{ps}, err
		})
	// Legal advisers.
	reg(api, "list-legal-advisers", get, "/api/v1/legal-advisers", "Legal advisers in the caller's area", ok,
		func(ctx context.Context, in *areaInput) (page[Adviser], error) {
			items, more, err := s.Advisers(ctx, in.Division, in.Q, in.Page, in.PerPage)
			return *pageOf(items, more, in.Page, in.PerPage), err
		})
	reg(api, "create-legal-adviser", post, "/api/v1/legal-advisers", "Add a community's legal adviser", created,
		func(ctx context.Context, in *body[AdviserInput]) (body[*Adviser], error) {
			a, err := s.CreateAdviser(ctx, in.Body)
			return body[*Adviser]{a}, err
		})
	reg(api, "get-legal-adviser", get, "/api/v1/legal-advisers/{id}", "A legal adviser (phone masked)", ok,
		func(ctx context.Context, in *idInput) (body[*Adviser], error) {
			a, err := s.Adviser(ctx, in.ID)
			return body[*Adviser]{a}, err
		})
	reg(api, "log-legal-adviser-service", post, "/api/v1/legal-advisers/{id}/services", "Log a service of a legal adviser", created,
		func(ctx context.Context, in *idBody[ServiceInput]) (body[*AdviserService], error) {
			v, err := s.LogService(ctx, in.ID, in.Body)
			return body[*AdviserService]{v}, err
		})
	reg(api, "list-legal-adviser-services", get, "/api/v1/legal-adviser-services", "Legal advisers' services in the caller's area, newest first", ok,
		func(ctx context.Context, in *struct {
			Division string `query:"division" doc:"12-digit code: services at or under it"`
			Adviser  int64  `query:"adviser" doc:"one adviser's"`
			Page     int    `query:"page" default:"1"`
			PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
		}) (page[AdviserService], error) {
			items, more, err := s.Services(ctx, in.Division, in.Adviser, in.Page, in.PerPage)
			return *pageOf(items, more, in.Page, in.PerPage), err
		})
	// Legal-literate villagers.
	reg(api, "list-legal-literates", get, "/api/v1/legal-literates", "Legal-literate villagers (法律明白人) in the caller's area", ok,
		func(ctx context.Context, in *areaInput) (page[Literate], error) {
			items, more, err := s.Literates(ctx, in.Division, in.Q, in.Page, in.PerPage)
			return *pageOf(items, more, in.Page, in.PerPage), err
		})
	reg(api, "create-legal-literate", post, "/api/v1/legal-literates", "Add a legal-literate villager to a community's roster", created,
		func(ctx context.Context, in *body[LiterateInput]) (body[*Literate], error) {
			l, err := s.CreateLiterate(ctx, in.Body)
			return body[*Literate]{l}, err
		})
	reg(api, "get-legal-literate", get, "/api/v1/legal-literates/{id}", "A legal-literate villager with the training records", ok,
		func(ctx context.Context, in *idInput) (body[*Literate], error) {
			l, err := s.Literate(ctx, in.ID)
			return body[*Literate]{l}, err
		})
	reg(api, "add-legal-literate-training", post, "/api/v1/legal-literates/{id}/trainings", "Record a training of a legal-literate villager", created,
		func(ctx context.Context, in *idBody[LiterateTrainingInput]) (body[*Literate], error) {
			l, err := s.AddTraining(ctx, in.ID, in.Body)
			return body[*Literate]{l}, err
		})
}
