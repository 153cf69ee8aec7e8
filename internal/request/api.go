package request

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type reqListInput struct {
	Division string `query:"division" doc:"a division code: requests in its subtree (staff)"`
	Status   string `query:"status" doc:"submitted, dispatched, accepted, returned, replied or closed"`
	Category string `query:"category" doc:"a category code: it and its children"`
	Overdue  bool   `query:"overdue" doc:"only open requests past their resolution deadline"`
	Q        string `query:"q" doc:"a request number" maxLength:"30"`
	web.PageQuery
}

type reqCreateInput struct{ Body Intake }

type reqOutput struct{ Body *Request }

type reqUnitsInput struct {
	Division string `query:"division" doc:"the units serving this division (default the caller's area)"`
}

type reqPoliciesInput struct {
	Category string `query:"category" doc:"a category code; empty: all"`
}

type reqCategoryInput struct {
	Code string `path:"code"`
	Body struct {
		ParentCode string `json:"parent_code,omitempty"`
		NameZh     string `json:"name_zh"`
		NameEn     string `json:"name_en,omitempty"`
		Urgency    string `json:"urgency"`
		Sort       int    `json:"sort,omitempty"`
		ReplyPhoto bool   `json:"reply_photo,omitempty" doc:"a reply to a request of this category (or of one under it) must bring a photo of the work done (sent with the request page's reply form)"`
	}
}

type reqUnitInput struct {
	Body struct {
		Name         string `json:"name"`
		Kind         string `json:"kind" doc:"township, community, department, utility or company"`
		DivisionCode string `json:"division_code"`
	}
}

type reqMemberInput struct {
	ID   int64 `path:"id"`
	Body struct {
		UserID int64 `json:"user_id" doc:"an account of role handling_unit"`
	}
}

type reqMemberRemoveInput struct {
	ID     int64 `path:"id"`
	UserID int64 `path:"user_id"`
}

type reqCalendarInput struct {
	Body struct {
		Day  string `json:"day" doc:"YYYY-MM-DD"`
		Kind string `json:"kind" doc:"holiday or workday"`
		Name string `json:"name,omitempty"`
	}
}

type reqSettingInput struct {
	Key  string `path:"key" doc:"returns_limit"`
	Body struct {
		Value int64 `json:"value"`
	}
}

// RegisterAPI adds the request routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"requests"}
	web.ListOp(api, huma.Operation{OperationID: "list-requests", Method: http.MethodGet, Path: "/api/v1/requests",
		Summary: "Requests the caller may see: a resident their own, a unit those dispatched to it, staff their area", Tags: tags},
		(*reqListInput).Paging,
		func(ctx context.Context, in *reqListInput) ([]Request, bool, error) {
			return s.List(ctx, Filter{Division: in.Division, Status: in.Status, Category: in.Category, Overdue: in.Overdue, Q: strings.TrimSpace(in.Q)}, in.Page, in.PerPage)
		})
	huma.Register(api, huma.Operation{OperationID: "create-request", Method: http.MethodPost, Path: "/api/v1/requests",
		Summary: "File a request: a resident for themselves, staff for a resident (phone or walk-in) in their area",
		Description: "The answer carries the request `number` to follow it. Deadlines come from the dispatch catalogue; " +
			"a catalogue rule with a default unit dispatches it at once. Photos are sent with the form at /requests/new.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *reqCreateInput) (*reqOutput, error) {
			in.Body.Photos = nil
			r, err := s.Create(ctx, in.Body)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &reqOutput{Body: r}, nil
		})
	web.ItemsOp(api, huma.Operation{OperationID: "request-categories", Method: http.MethodGet, Path: "/api/v1/requests/categories",
		Summary: "The category tree of the dispatch catalogue", Tags: tags},
		func(ctx context.Context, _ *struct{}) ([]Category, error) { return s.Categories(ctx) })
	web.ItemsOp(api, huma.Operation{OperationID: "request-units", Method: http.MethodGet, Path: "/api/v1/requests/units",
		Summary: "Handling units serving a division (its subtree's units and those of the divisions above it)", Tags: tags},
		func(ctx context.Context, in *reqUnitsInput) ([]Unit, error) { return s.Units(ctx, in.Division) })
	web.IDOp(api, huma.Operation{OperationID: "get-request", Method: http.MethodGet, Path: "/api/v1/requests/{id}",
		Summary: "One request with its timeline, callbacks, extensions and appeals", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "act-on-request", Method: http.MethodPost, Path: "/api/v1/requests/{id}/actions",
		Summary: "Take a step on a request: accept, reply, extend, return, dispatch, supervise, remind, close, callback, rate, appeal",
		Description: "extend and appeal without `decision` are the unit's ask; with `decision` (approve or refuse) the level above decides. " +
			"dispatch with `assist` adds an assisting unit. `version`, when given, must match the request's or the answer is 409. " +
			"A reply to a request whose category has `reply_photo` needs photos, which are sent with the request page's reply form; " +
			"here it is refused (422, field `photos`).",
		Tags: tags},
		s.Act)
	web.ItemsOp(api, huma.Operation{OperationID: "request-policies", Method: http.MethodGet, Path: "/api/v1/requests/policies",
		Summary: "Rules of the dispatch catalogue (staff)", Tags: tags},
		func(ctx context.Context, in *reqPoliciesInput) ([]Policy, error) { return s.Policies(ctx, in.Category) })
	web.BodyOp(api, huma.Operation{OperationID: "add-request-policy", Method: http.MethodPost, Path: "/api/v1/requests/policies",
		Summary:       "Add a rule to the dispatch catalogue from a date (city staff); earlier requests keep their rule",
		DefaultStatus: http.StatusCreated, Tags: tags},
		s.SetPolicy)
	huma.Register(api, huma.Operation{OperationID: "save-request-category", Method: http.MethodPut, Path: "/api/v1/requests/categories/{code}",
		Summary: "Add or change a category (city staff)", Tags: tags},
		func(ctx context.Context, in *reqCategoryInput) (*struct{}, error) {
			err := s.SaveCategory(ctx, Category{Code: in.Code, ParentCode: in.Body.ParentCode, NameZh: in.Body.NameZh, NameEn: in.Body.NameEn,
				Urgency: in.Body.Urgency, Sort: in.Body.Sort, ReplyPhoto: in.Body.ReplyPhoto})
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "create-request-unit", Method: http.MethodPost, Path: "/api/v1/requests/units",
		Summary: "Add a handling unit (city or county staff, in their area)", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *reqUnitInput) (*Unit, error) {
			return s.CreateUnit(ctx, Unit{Name: in.Body.Name, Kind: in.Body.Kind, DivisionCode: in.Body.DivisionCode})
		})
	huma.Register(api, huma.Operation{OperationID: "add-request-unit-member", Method: http.MethodPost, Path: "/api/v1/requests/units/{id}/members",
		Summary: "Let a handling-unit account act for a unit (city or county staff; unit and account in their area; a member of another unit is a conflict)", Tags: tags},
		func(ctx context.Context, in *reqMemberInput) (*struct{}, error) {
			if err := s.AddMember(ctx, in.ID, in.Body.UserID); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
	huma.Register(api, huma.Operation{OperationID: "remove-request-unit-member", Method: http.MethodDelete, Path: "/api/v1/requests/units/{id}/members/{user_id}",
		Summary: "End an account's membership of a unit (city or county staff whose area holds the unit)", DefaultStatus: http.StatusNoContent, Tags: tags},
		func(ctx context.Context, in *reqMemberRemoveInput) (*struct{}, error) {
			if err := s.RemoveMember(ctx, in.ID, in.UserID); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
	huma.Register(api, huma.Operation{OperationID: "set-calendar-day", Method: http.MethodPost, Path: "/api/v1/requests/calendar",
		Summary: "List a holiday or make-up working day in the deadline calendar (city staff)", Tags: tags},
		func(ctx context.Context, in *reqCalendarInput) (*struct{}, error) {
			if err := s.SetCalendarDay(ctx, in.Body.Day, in.Body.Kind, in.Body.Name); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
	huma.Register(api, huma.Operation{OperationID: "set-request-setting", Method: http.MethodPut, Path: "/api/v1/requests/settings/{key}",
		Summary: "Change a setting (city staff): returns_limit", Tags: tags},
		func(ctx context.Context, in *reqSettingInput) (*struct{}, error) {
			if err := s.SetSetting(ctx, in.Key, in.Body.Value); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
}
