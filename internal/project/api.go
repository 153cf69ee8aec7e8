package project

import (
	"bytes"
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/upload"
	"shequ/internal/platform/web"
)

// PageFields are the query fields every list of the three lists takes.
// (Exported: huma reads no fields from an embedded unexported struct.)
type PageFields struct {
	Q        string `query:"q" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: at or under it"`
	Status   string `query:"status"`
	web.PageQuery
}

type needsInput struct {
	PageFields
	Kind string `query:"kind"`
}

type resourcesInput struct {
	PageFields
	Kind   string `query:"kind" doc:"venue, parking, funds, services or other"`
	Source string `query:"source" doc:"unit, facility, organization or team"`
}

type projectsInput struct {
	PageFields
	Funding string `query:"funding"`
}

type listFiguresOutput struct {
	Body struct {
		Total *ListFigures  `json:"total"`
		Rows  []ListFigures `json:"rows" doc:"each division directly under it"`
	}
}

// RegisterAPI adds the lists' routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"three lists"}
	reg := func(op huma.Operation) huma.Operation { op.Tags = tags; return op }
	web.ListOp(api, reg(huma.Operation{OperationID: "list-needs", Method: http.MethodGet, Path: "/api/v1/needs",
		Summary: "Residents' needs (居民需求清单) in the caller's area"}),
		(*needsInput).Paging, func(ctx context.Context, in *needsInput) ([]Need, bool, error) {
			return s.Needs(ctx, NeedFilter{Q: in.Q, Division: in.Division, Kind: in.Kind, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, reg(huma.Operation{OperationID: "raise-need", Method: http.MethodPost, Path: "/api/v1/needs",
		Summary:     "Record a need",
		Description: "With a `group` and no `affected`, the count is read from the people registry (counts only).", DefaultStatus: http.StatusCreated}),
		s.RaiseNeed)
	huma.Register(api, reg(huma.Operation{OperationID: "raise-recurring-needs", Method: http.MethodPost, Path: "/api/v1/needs/recurring",
		Summary: "Raise a need for every request category with at least 5 requests in a community in 90 days"}),
		func(ctx context.Context, in *struct {
			Division string `query:"division"`
		}) (*struct {
			Body struct {
				Raised []int64 `json:"raised"`
			}
		}, error) {
			ids, err := s.RaiseRecurring(ctx, in.Division, RecurringMin)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &struct {
				Body struct {
					Raised []int64 `json:"raised"`
				}
			}{}
			out.Body.Raised = append([]int64{}, ids...)
			return out, nil
		})
	web.IDOp(api, reg(huma.Operation{OperationID: "get-need", Method: http.MethodGet, Path: "/api/v1/needs/{id}", Summary: "A need"}), s.Need)
	web.ItemsOp(api, reg(huma.Operation{OperationID: "need-matches", Method: http.MethodGet, Path: "/api/v1/needs/{id}/matches",
		Summary: "Resources suggested for a need: same community first, then township, county"}),
		func(ctx context.Context, in *web.IDInput) ([]Match, error) { return s.Matches(ctx, in.ID) })
	web.RecordOp(api, reg(huma.Operation{OperationID: "confirm-need-match", Method: http.MethodPost, Path: "/api/v1/needs/{id}/match",
		Summary: "Confirm one of a need's suggested resources: the need is matched"}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Resource string `json:"resource" doc:"the key of a suggested resource"`
			}
		}) (*Need, error) {
			return s.ConfirmMatch(ctx, in.ID, in.Body.Resource)
		})
	web.RecordOp(api, reg(huma.Operation{OperationID: "close-need", Method: http.MethodPost, Path: "/api/v1/needs/{id}/close",
		Summary: "Close an open or matched need with a reason"}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Reason string `json:"reason"`
			}
		}) (*Need, error) {
			return s.CloseNeed(ctx, in.ID, in.Body.Reason)
		})
	web.ListOp(api, reg(huma.Operation{OperationID: "list-resources", Method: http.MethodGet, Path: "/api/v1/resources",
		Summary: "Service resources (服务资源清单): the registries' facilities, organisations and teams, and resident units' offers"}),
		(*resourcesInput).Paging, func(ctx context.Context, in *resourcesInput) ([]Resource, bool, error) {
			return s.Resources(ctx, ResourceFilter{Q: in.Q, Division: in.Division, Kind: in.Kind, Source: in.Source, Page: in.Page, PerPage: in.PerPage})
		})
	web.ListOp(api, reg(huma.Operation{OperationID: "list-projects", Method: http.MethodGet, Path: "/api/v1/projects",
		Summary: "Livelihood projects (民生项目清单) in the caller's area"}),
		(*projectsInput).Paging, func(ctx context.Context, in *projectsInput) ([]Project, bool, error) {
			return s.Projects(ctx, ProjectFilter{Q: in.Q, Division: in.Division, Funding: in.Funding, Status: in.Status, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, reg(huma.Operation{OperationID: "create-project", Method: http.MethodPost, Path: "/api/v1/projects",
		Summary: "Start a project run by the caller, serving needs and using resources", DefaultStatus: http.StatusCreated}),
		s.CreateProject)
	web.IDOp(api, reg(huma.Operation{OperationID: "get-project", Method: http.MethodGet, Path: "/api/v1/projects/{id}",
		Summary: "A project with its milestones, progress, needs and resources"}), s.Project)
	web.RecordOp(api, reg(huma.Operation{OperationID: "start-project", Method: http.MethodPost, Path: "/api/v1/projects/{id}/start",
		Summary: "Set a proposed project running, run by the caller"}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Owner   string `json:"owner"`
				Funding string `json:"funding"`
				Budget  int64  `json:"budget" doc:"fen"`
			}
		}) (*ProjectDetail, error) {
			return s.Start(ctx, in.ID, in.Body.Owner, in.Body.Funding, in.Body.Budget)
		})
	web.IDBodyOp(api, reg(huma.Operation{OperationID: "add-milestone", Method: http.MethodPost, Path: "/api/v1/projects/{id}/milestones",
		Summary: "Add a milestone to a running project", DefaultStatus: http.StatusCreated}),
		s.AddMilestone)
	huma.Register(api, reg(huma.Operation{OperationID: "milestone-done", Method: http.MethodPost, Path: "/api/v1/projects/{id}/milestones/{mid}/done",
		Summary: "Mark a milestone met (today when done_on is empty)", DefaultStatus: http.StatusNoContent}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			MID  int64 `path:"mid"`
			Body struct {
				DoneOn string `json:"done_on,omitempty" doc:"YYYY-MM-DD"`
			}
		}) (*struct{}, error) {
			if err := s.MilestoneDone(ctx, in.ID, in.MID, in.Body.DoneOn); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &struct{}{}, nil
		})
	web.RecordOp(api, reg(huma.Operation{OperationID: "report-progress", Method: http.MethodPost, Path: "/api/v1/projects/{id}/progress",
		Summary:       "Report a running project's progress, with a photo",
		Description:   "`photo` is a JPEG or PNG, base64 in JSON (the body is capped at 1 MiB; larger photos go through the page's form). It is re-encoded without metadata.",
		DefaultStatus: http.StatusCreated}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Note  string `json:"note"`
				Photo []byte `json:"photo,omitempty"`
			}
		}) (*Progress, error) {
			var photo *upload.File
			if len(in.Body.Photo) > 0 {
				var err error
				if photo, err = s.Photos.Check(bytes.NewReader(in.Body.Photo), "photo"); err != nil {
					return nil, err
				}
			}
			return s.Report(ctx, in.ID, in.Body.Note, photo)
		})
	web.RecordOp(api, reg(huma.Operation{OperationID: "accept-project", Method: http.MethodPost, Path: "/api/v1/projects/{id}/acceptance",
		Summary:     "Accept (验收) a running project",
		Description: "By staff who neither ran it, recorded it nor reported its progress (403 otherwise). The needs it serves become served."}),
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body struct {
				Note string `json:"note"`
			}
		}) (*ProjectDetail, error) {
			return s.Accept(ctx, in.ID, in.Body.Note)
		})
	huma.Register(api, reg(huma.Operation{OperationID: "project-figures", Method: http.MethodGet, Path: "/api/v1/project-figures",
		Summary: "The three lists' figures at a division (the caller's area by default) and at each division under it"}),
		func(ctx context.Context, in *struct {
			Division string `query:"division"`
		}) (*listFiguresOutput, error) {
			total, rows, err := s.Figures(ctx, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &listFiguresOutput{}
			out.Body.Total, out.Body.Rows = total, rows
			return out, nil
		})
}
