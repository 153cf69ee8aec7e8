package proxy

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type offeringsInput struct {
	Community string `path:"community" doc:"12-digit community code"`
}

type setOfferingsInput struct {
	Community string `path:"community"`
	Body      struct {
		ServiceIDs []int64 `json:"service_ids" doc:"exactly the services the community offers" maxItems:"200"`
	}
}

type offerAllInput struct {
	Body struct {
		DivisionCode string `json:"division_code" doc:"a township (every community in it) or a community"`
	}
}

// ProxyOfferAllResult is how many offerings offer-all added.
type ProxyOfferAllResult struct {
	Added int `json:"added"`
}

type listInput struct {
	Division string `query:"division" doc:"12-digit code: cases at or under it"`
	Status   string `query:"status"`
	Overdue  bool   `query:"overdue" doc:"open cases past their deadline only"`
	Q        string `query:"q" doc:"an exact phone number, ID number or request number" maxLength:"30"`
	web.PageQuery
}

type rateInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Rating int `json:"rating" doc:"1 非常不满意, 2 不满意, 3 一般, 4 满意, 5 非常满意"`
	}
}

type revealInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"reason" maxLength:"200"`
	}
}

type figuresInput struct {
	Division string `query:"division" doc:"12-digit code; the caller's area when empty"`
}

// RegisterAPI adds the proxy routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"proxy"}
	web.ItemsOp(api, huma.Operation{OperationID: "list-proxy-services", Method: http.MethodGet, Path: "/api/v1/proxy/services",
		Summary: "The proxy service catalogue as it applies in the caller's area", Tags: tags},
		func(ctx context.Context, _ *struct{}) ([]ServiceEntry, error) { return s.Services(ctx) })
	web.RecordOp(api, huma.Operation{OperationID: "create-proxy-service", Method: http.MethodPost, Path: "/api/v1/proxy/services",
		Summary: "Add a service to the catalogue at the city or a county", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body ServiceEntryInput }) (*ServiceEntry, error) {
			return s.AddService(ctx, in.Body)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "get-proxy-offerings", Method: http.MethodGet, Path: "/api/v1/proxy/offerings/{community}",
		Summary: "The services that apply at a community, each marked whether it offers it", Tags: tags},
		func(ctx context.Context, in *offeringsInput) ([]ServiceEntry, error) {
			return s.Offerings(ctx, in.Community)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "set-proxy-offerings", Method: http.MethodPut, Path: "/api/v1/proxy/offerings/{community}",
		Summary: "Set the services a community offers", Tags: tags},
		func(ctx context.Context, in *setOfferingsInput) ([]ServiceEntry, error) {
			if err := s.SetOfferings(ctx, in.Community, in.Body.ServiceIDs); err != nil {
				return nil, err
			}
			return s.Offerings(ctx, in.Community)
		})
	web.RecordOp(api, huma.Operation{OperationID: "offer-all-proxy-services", Method: http.MethodPost, Path: "/api/v1/proxy/offerings/offer-all",
		Summary: "Make every community of a township offer every service that applies", Tags: tags},
		func(ctx context.Context, in *offerAllInput) (ProxyOfferAllResult, error) {
			n, err := s.OfferAll(ctx, in.Body.DivisionCode)
			return ProxyOfferAllResult{Added: n}, err
		})
	web.ListOp(api, huma.Operation{OperationID: "list-proxy-cases", Method: http.MethodGet, Path: "/api/v1/proxy/cases",
		Summary: "Proxy cases in the caller's area (a resident: their own)", Tags: tags},
		(*listInput).Paging,
		func(ctx context.Context, in *listInput) ([]Case, bool, error) {
			return s.List(ctx, Filter{Division: in.Division, Status: in.Status, Overdue: in.Overdue, Q: in.Q, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-proxy-case", Method: http.MethodPost, Path: "/api/v1/proxy/cases",
		Summary:       "Take a proxy case",
		Description:   "A worker at the hall (community_code), or from a request (request_number: its community and the resident's account come from it); a resident for themselves at their community. The community must offer the service.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-proxy-case", Method: http.MethodGet, Path: "/api/v1/proxy/cases/{id}",
		Summary: "A proxy case (personal data masked)", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "act-proxy-case", Method: http.MethodPost, Path: "/api/v1/proxy/cases/{id}/transitions",
		Summary:     "Move a proxy case",
		Description: "check (the materials present), submit (every material checked), done or refuse (with a reason; the resident is told), close.",
		Tags:        tags},
		s.Act)
	web.RecordOp(api, huma.Operation{OperationID: "rate-proxy-case", Method: http.MethodPost, Path: "/api/v1/proxy/cases/{id}/rating",
		Summary: "The resident rates their finished case, once", Tags: tags},
		func(ctx context.Context, in *rateInput) (*Case, error) { return s.Rate(ctx, in.ID, in.Body.Rating) })
	web.RecordOp(api, huma.Operation{OperationID: "reveal-proxy-case", Method: http.MethodPost, Path: "/api/v1/proxy/cases/{id}/reveal",
		Summary: "A case's personal data unmasked, with a reason (audited)", Tags: tags},
		func(ctx context.Context, in *revealInput) (*Revealed, error) {
			return s.Reveal(ctx, in.ID, in.Body.Reason)
		})
	web.RecordOp(api, huma.Operation{OperationID: "get-proxy-figures", Method: http.MethodGet, Path: "/api/v1/proxy/figures",
		Summary: "This year's cases at or under a division: by status, overdue, on time, average rating, communities covered", Tags: tags},
		func(ctx context.Context, in *figuresInput) (*CaseFigures, error) { return s.Figures(ctx, in.Division) })
}
