package person

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type personListInput struct {
	Q         string `query:"q" doc:"part of a name" maxLength:"50"`
	Community string `query:"community" doc:"12-digit code: people in communities at or under it"`
	Group     string `query:"group" doc:"current members of a group: elderly_special, left_behind_child, child_in_difficulty, disability, priority_employment"`
	IDNumber  string `query:"id_number" doc:"exact, whole ID number (18 characters)"`
	Phone     string `query:"phone" doc:"exact, whole phone number (an 11-digit mobile or a landline with its area code)"`
	Address   string `query:"address" doc:"exact address, as registered" maxLength:"200"`
	Reason    string `query:"reason" doc:"why you search by ID number, phone or address (required with them; kept in the audit log). Such searches take whole values only and are limited to 30 per 10 minutes per account (429 beyond)" maxLength:"200"`
	web.PageQuery
}

type personRevealInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"reason" doc:"why you need to see the unmasked data; kept in the audit log" maxLength:"200"`
	}
}

// RegisterAPI adds the people routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"persons"}
	web.ListOp(api, huma.Operation{OperationID: "list-persons", Method: http.MethodGet, Path: "/api/v1/persons",
		Summary: "People in the caller's area; ID numbers, phones and addresses masked", Tags: tags},
		(*personListInput).Paging,
		func(ctx context.Context, in *personListInput) ([]Person, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Community: in.Community, Group: in.Group, IDNumber: in.IDNumber, Phone: in.Phone, Address: in.Address, Reason: in.Reason, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-person", Method: http.MethodPost, Path: "/api/v1/persons",
		Summary: "Add a person", Description: "Birth date and sex are derived from the ID number, which must be valid (GB 11643) and not yet registered.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-person", Method: http.MethodGet, Path: "/api/v1/persons/{id}",
		Summary: "A person with group memberships, masked", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-person", Method: http.MethodPatch, Path: "/api/v1/persons/{id}",
		Summary:     "Change a person",
		Description: "Fields left out stay as they are; `groups`, when given, replaces the memberships (end one by setting its `end`). Give `version` to refuse the change (409) when someone else changed the person since you read it.",
		Tags:        tags},
		s.Update)
	web.RecordOp(api, huma.Operation{OperationID: "reveal-person", Method: http.MethodPost, Path: "/api/v1/persons/{id}/reveal",
		Summary:     "A person's ID number, phones and address unmasked",
		Description: "Needs the reveal permission (community workers, township, county and city staff) and a reason; the view is audited with who asked, about whom and why.",
		Tags:        tags},
		func(ctx context.Context, in *personRevealInput) (*RevealedPerson, error) {
			return s.Reveal(ctx, in.ID, in.Body.Reason)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "person-history", Method: http.MethodGet, Path: "/api/v1/persons/{id}/history",
		Summary: "A person's changes, newest first, sealed fields masked", Tags: tags},
		func(ctx context.Context, in *web.IDInput) ([]PersonChange, error) { return s.History(ctx, in.ID) })
}
