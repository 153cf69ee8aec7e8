package division

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type rosterListInput struct {
	Division string `query:"division" doc:"12-digit code: members at or under it; empty: the caller's area"`
	Part     string `query:"part" doc:"an organisation part, e.g. party_branch; empty for all"`
	Q        string `query:"q" doc:"part of a name or position" maxLength:"50"`
	Ended    bool   `query:"ended" doc:"list ended terms instead of current ones"`
	web.PageQuery
}

// RegisterRosterAPI adds the routes of the organisations' rosters.
func (s *Service) RegisterRosterAPI(api huma.API) {
	tags := []string{"divisions"}
	web.ListOp(api, huma.Operation{OperationID: "list-roster-members", Method: http.MethodGet, Path: "/api/v1/roster-members",
		Summary: "Members of the communities' six-part / five-part organisations in the caller's area", Tags: tags},
		(*rosterListInput).Paging,
		func(ctx context.Context, in *rosterListInput) ([]RosterMember, bool, error) {
			return s.Roster(ctx, RosterFilter{Division: in.Division, Part: in.Part, Q: in.Q, Ended: in.Ended, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "add-roster-member", Method: http.MethodPost, Path: "/api/v1/roster-members",
		Summary: "Add a member to an organisation of a community", DefaultStatus: http.StatusCreated, Tags: tags},
		s.AddRosterMember)
	web.IDOp(api, huma.Operation{OperationID: "get-roster-member", Method: http.MethodGet, Path: "/api/v1/roster-members/{id}",
		Summary: "A member of a community's organisation", Tags: tags},
		s.RosterMember)
	web.IDBodyOp(api, huma.Operation{OperationID: "update-roster-member", Method: http.MethodPut, Path: "/api/v1/roster-members/{id}",
		Summary:     "Change a member of a community's organisation",
		Description: "Give the `version` read: a member changed since answers 409. A phone equal to the masked one keeps the stored phone.",
		Tags:        tags},
		s.UpdateRosterMember)
	web.IDBodyOp(api, huma.Operation{OperationID: "end-roster-member", Method: http.MethodPost, Path: "/api/v1/roster-members/{id}/end",
		Summary: "End a member's term (today unless a date is given)", Tags: tags},
		s.EndRosterMember)
}
