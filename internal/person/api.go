package person

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
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
	Page      int    `query:"page" default:"1"`
	PerPage   int    `query:"per_page" default:"50" doc:"at most 200"`
}

type personListOutput struct {
	Body struct {
		Items []Person `json:"items"`
		Page  int      `json:"page"`
		More  bool     `json:"more"`
	}
}

type personIDInput struct {
	ID int64 `path:"id"`
}

type personOutput struct{ Body *Person }

type personCreateInput struct{ Body PersonPatch }

type personPatchInput struct {
	ID   int64 `path:"id"`
	Body PersonPatch
}

type personRevealInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Reason string `json:"reason" doc:"why you need to see the unmasked data; kept in the audit log" maxLength:"200"`
	}
}

type personRevealOutput struct{ Body *RevealedPerson }

type personHistoryOutput struct {
	Body struct {
		Items []PersonChange `json:"items"`
	}
}

// RegisterAPI adds the people routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"persons"}
	huma.Register(api, huma.Operation{OperationID: "list-persons", Method: http.MethodGet, Path: "/api/v1/persons",
		Summary: "People in the caller's area; ID numbers, phones and addresses masked", Tags: tags},
		func(ctx context.Context, in *personListInput) (*personListOutput, error) {
			f := Filter{Q: in.Q, Community: in.Community, Group: in.Group, IDNumber: in.IDNumber, Phone: in.Phone, Address: in.Address, Reason: in.Reason, Page: in.Page, PerPage: in.PerPage}
			items, more, err := s.List(ctx, f)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &personListOutput{}
			out.Body.Page, _ = db.Paging(in.Page, in.PerPage)
			out.Body.Items, out.Body.More = items, more
			if out.Body.Items == nil {
				out.Body.Items = []Person{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "create-person", Method: http.MethodPost, Path: "/api/v1/persons",
		Summary: "Add a person", Description: "Birth date and sex are derived from the ID number, which must be valid (GB 11643) and not yet registered.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *personCreateInput) (*personOutput, error) {
			p, err := s.Create(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &personOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-person", Method: http.MethodGet, Path: "/api/v1/persons/{id}",
		Summary: "A person with group memberships, masked", Tags: tags},
		func(ctx context.Context, in *personIDInput) (*personOutput, error) {
			p, err := s.Get(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &personOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "patch-person", Method: http.MethodPatch, Path: "/api/v1/persons/{id}",
		Summary:     "PersonChange a person",
		Description: "Fields left out stay as they are; `groups`, when given, replaces the memberships (end one by setting its `end`). Give `version` to refuse the change (409) when someone else changed the person since you read it.",
		Tags:        tags},
		func(ctx context.Context, in *personPatchInput) (*personOutput, error) {
			p, err := s.Update(ctx, in.ID, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &personOutput{Body: p}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "reveal-person", Method: http.MethodPost, Path: "/api/v1/persons/{id}/reveal",
		Summary:     "A person's ID number, phones and address unmasked",
		Description: "Needs the reveal permission (community workers, township, county and city staff) and a reason; the view is audited with who asked, about whom and why.",
		Tags:        tags},
		func(ctx context.Context, in *personRevealInput) (*personRevealOutput, error) {
			r, err := s.Reveal(ctx, in.ID, in.Body.Reason)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &personRevealOutput{Body: r}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "person-history", Method: http.MethodGet, Path: "/api/v1/persons/{id}/history",
		Summary: "A person's changes, newest first, sealed fields masked", Tags: tags},
		func(ctx context.Context, in *personIDInput) (*personHistoryOutput, error) {
			items, err := s.History(ctx, in.ID)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &personHistoryOutput{}
			out.Body.Items = items
			return out, nil
		})
}
