package partymember

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type partyListInput struct {
	Q        string `query:"q" doc:"part of a name or a work unit" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: registrations at or under it"`
	Status   string `query:"status" doc:"pending, confirmed or refused; empty for all"`
	web.PageQuery
}

type partyDecideInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Confirm bool   `json:"confirm" doc:"true confirms, false refuses"`
		Reason  string `json:"reason,omitempty" maxLength:"500" doc:"needed to refuse"`
	}
}

type partyPostsInput struct {
	Division string `query:"division" doc:"12-digit code; empty: the caller's area (a resident: their community)"`
}

type partyFiguresInput struct {
	Division string `query:"division" doc:"12-digit code inside the caller's area; empty: all of it"`
}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"party members"}
	web.ListOp(api, huma.Operation{OperationID: "list-party-members", Method: http.MethodGet, Path: "/api/v1/party-members",
		Summary: "Party members registered with the communities of the caller's area, with this year's service hours", Tags: tags},
		(*partyListInput).Paging,
		func(ctx context.Context, in *partyListInput) ([]PartyMember, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "register-party-member", Method: http.MethodPost, Path: "/api/v1/party-members",
		Summary:       "Register a Party member with a community",
		Description:   "A verified resident registers themselves (division_code and user_id are their own); staff enter one for a community of their area. It waits for the community to confirm it.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.Register)
	web.RecordOp(api, huma.Operation{OperationID: "my-party-registration", Method: http.MethodGet, Path: "/api/v1/party-members/mine",
		Summary: "The signed-in resident's own registration with this year's service hours", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*PartyMember, error) { return s.Mine(ctx) })
	web.IDOp(api, huma.Operation{OperationID: "get-party-member", Method: http.MethodGet, Path: "/api/v1/party-members/{id}",
		Summary: "A registration (the read is audited)", Tags: tags},
		s.Member)
	web.RecordOp(api, huma.Operation{OperationID: "decide-party-member", Method: http.MethodPost, Path: "/api/v1/party-members/{id}/decision",
		Summary: "Confirm or refuse a pending registration; not by whoever entered it", Tags: tags},
		func(ctx context.Context, in *partyDecideInput) (*PartyMember, error) {
			return s.Decide(ctx, in.ID, in.Body.Confirm, in.Body.Reason)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "list-party-posts", Method: http.MethodGet, Path: "/api/v1/party-posts",
		Summary: "Communities' service posts for Party members", Tags: tags},
		func(ctx context.Context, in *partyPostsInput) ([]PartyPost, error) { return s.Posts(ctx, in.Division) })
	web.BodyOp(api, huma.Operation{OperationID: "add-party-post", Method: http.MethodPost, Path: "/api/v1/party-posts",
		Summary: "Add a service post to a community", DefaultStatus: http.StatusCreated, Tags: tags},
		s.AddPost)
	web.RecordOp(api, huma.Operation{OperationID: "party-figures", Method: http.MethodGet, Path: "/api/v1/party-figures",
		Summary: "Coverage by community and by work unit: registered members and the share with service hours this year", Tags: tags},
		func(ctx context.Context, in *partyFiguresInput) (*PartyFigures, error) {
			return s.Figures(ctx, in.Division)
		})
}
