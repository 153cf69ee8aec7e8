package care

import (
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type careTaskListInput struct {
	Month    string `query:"month" doc:"YYYY-MM (China time); default this month"`
	Assignee int64  `query:"assignee" doc:"an account id: its tasks (grid workers always see only their own)"`
	Division string `query:"division" doc:"a division code: tasks in its subtree"`
	Status   string `query:"status" doc:"due, done, overdue, escalated, or unvisited (not visited yet, whatever the month)"`
	Q        string `query:"q" doc:"part of the person's name" maxLength:"50"`
	web.PageQuery
}

type careTaskListOutput struct {
	Body struct {
		Month string      `json:"month"`
		Items []VisitTask `json:"items"`
		Page  int         `json:"page"`
		More  bool        `json:"more"`
	}
}

type careVisitInput struct {
	IdempotencyKey string `header:"Idempotency-Key" doc:"the visit's key, if not in the body"`
	Body           VisitInput
}

type careVisitOutput struct {
	Status int
	Body   *VisitRecorded
}

type careTaskIDInput struct {
	ID int64 `path:"id"`
}

type careReassignInput struct {
	ID   int64 `path:"id"`
	Body struct {
		AssigneeID int64 `json:"assignee_id" doc:"a grid or community worker account of the task's community"`
		Version    int   `json:"version,omitempty" doc:"the task's version as read; refused with 409 if it changed"`
	}
}

type careRateInput struct {
	Division string `query:"division" doc:"a division code in the caller's area; default the area itself"`
	Month    string `query:"month" doc:"YYYY-MM; default this month"`
}

// RegisterAPI adds the visit routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"visits"}
	huma.Register(api, huma.Operation{OperationID: "list-visit-tasks", Method: http.MethodGet, Path: "/api/v1/visits",
		Summary: "Visit tasks of a month: a grid worker's own, or every task in a community or township worker's area", Tags: tags},
		func(ctx context.Context, in *careTaskListInput) (*careTaskListOutput, error) {
			f := Filter{Month: in.Month, Assignee: in.Assignee, Division: in.Division, Status: in.Status, Q: strings.TrimSpace(in.Q)}
			items, more, err := s.List(ctx, f, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &careTaskListOutput{}
			out.Body.Month = f.Month
			if out.Body.Month == "" {
				out.Body.Month = s.CurrentMonth()
			}
			out.Body.Items, out.Body.More = items, more
			out.Body.Page = max(in.Page, 1)
			if out.Body.Items == nil {
				out.Body.Items = []VisitTask{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "record-visit", Method: http.MethodPost, Path: "/api/v1/visits",
		Summary: "Record a visit for a task assigned to the caller",
		Description: "`idempotency_key` (or the `Idempotency-Key` header) is the client's key for this visit: sending the same visit again " +
			"records nothing and answers the stored visit with 200 and `created: false`; the first send answers 201. " +
			"Photos are sent with the form at /visits/record (multipart).",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *careVisitInput) (*careVisitOutput, error) {
			if in.Body.IdempotencyKey == "" {
				in.Body.IdempotencyKey = in.IdempotencyKey
			}
			r, err := s.RecordVisit(ctx, in.Body, nil)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			st := http.StatusCreated
			if !r.Created {
				st = http.StatusOK
			}
			return &careVisitOutput{Status: st, Body: r}, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "visit-rate", Method: http.MethodGet, Path: "/api/v1/visits/rate",
		Summary: "Monthly visit rate of a division and of each of its children (elderly_monthly_visit_rate)", Tags: tags},
		func(ctx context.Context, in *careRateInput) (*VisitRate, error) {
			return s.Rate(ctx, in.Division, in.Month)
		})
	web.RecordOp(api, huma.Operation{OperationID: "visit-summary", Method: http.MethodGet, Path: "/api/v1/visits/summary",
		Summary: "A month's tasks counted (done, open, escalated) by child division, or by assignee inside a community", Tags: tags},
		func(ctx context.Context, in *careRateInput) (*VisitSummary, error) {
			return s.Summary(ctx, in.Division, in.Month)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-visit-task", Method: http.MethodGet, Path: "/api/v1/visits/tasks/{id}",
		Summary: "One visit task with its visits", Tags: tags},
		s.Get)
	web.ItemsOp(api, huma.Operation{OperationID: "visit-task-assignees", Method: http.MethodGet, Path: "/api/v1/visits/tasks/{id}/assignees",
		Summary: "Who a task may be given to: the grid and community workers of its community", Tags: tags},
		func(ctx context.Context, in *careTaskIDInput) ([]VisitAssignee, error) {
			return s.Assignees(ctx, in.ID)
		})
	web.RecordOp(api, huma.Operation{OperationID: "reassign-visit-task", Method: http.MethodPut, Path: "/api/v1/visits/tasks/{id}/assignee",
		Summary: "Give a task to another grid or community worker of its community", Tags: tags},
		func(ctx context.Context, in *careReassignInput) (*VisitTask, error) {
			return s.Reassign(ctx, in.ID, in.Body.AssigneeID, in.Body.Version)
		})
}
