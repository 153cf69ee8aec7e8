package ledger

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type ledgerListInput struct {
	Period  string `query:"period" doc:"a plan period's code, e.g. 2021-2025"`
	Kind    string `query:"kind" enum:"key_task,special_action,project," doc:"key_task, special_action or project"`
	Q       string `query:"q" maxLength:"50" doc:"part of the title or number"`
	Overdue bool   `query:"overdue" doc:"only tasks past their deadline or with an overdue item"`
	web.PageQuery
}

type ledgerIDInput struct {
	ID int64 `path:"id"`
}

// LedgerTaskDetail is a task with its work items and their reports.
type LedgerTaskDetail struct {
	Task  *LedgerTask `json:"task"`
	Items []WorkItem  `json:"items"`
}

type ledgerReportInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Note string `json:"note" maxLength:"2000" doc:"the progress made (a photo goes through the web form)"`
	}
}

type ledgerReviewInput struct {
	ID   int64 `path:"id"`
	Body struct {
		Decision     string `json:"decision" enum:"accepted,returned"`
		ReturnReason string `json:"return_reason,omitempty" maxLength:"500" doc:"required to return"`
	}
}

type ledgerRatesInput struct {
	Period   string `query:"period" required:"true" doc:"a plan period's code"`
	Division string `query:"division" doc:"12-digit code inside the caller's area; theirs by default"`
}

// RegisterAPI adds the ledger's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"ledger"}
	web.ListOp(api, huma.Operation{OperationID: "list-ledger-tasks", Method: http.MethodGet, Path: "/api/v1/ledger/tasks",
		Summary: "The plan's tasks the caller reads, with their items done and overdue", Tags: tags},
		(*ledgerListInput).Paging,
		func(ctx context.Context, in *ledgerListInput) ([]LedgerTask, bool, error) {
			return s.List(ctx, Filter{Period: in.Period, Kind: in.Kind, Q: in.Q, Overdue: in.Overdue, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, huma.Operation{OperationID: "create-ledger-task", Method: http.MethodPost, Path: "/api/v1/ledger/tasks",
		Summary: "Record a key task, special action or project (city staff)", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct{ Body LedgerTaskInput }) (*LedgerTask, error) {
			return s.CreateTask(ctx, in.Body)
		})
	web.RecordOp(api, huma.Operation{OperationID: "get-ledger-task", Method: http.MethodGet, Path: "/api/v1/ledger/tasks/{id}",
		Summary: "A task with its yearly work items and their progress reports", Tags: tags},
		func(ctx context.Context, in *ledgerIDInput) (*LedgerTaskDetail, error) {
			t, items, err := s.TaskItems(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return &LedgerTaskDetail{Task: t, Items: items}, nil
		})
	web.RecordOp(api, huma.Operation{OperationID: "add-ledger-item", Method: http.MethodPost, Path: "/api/v1/ledger/tasks/{id}/items",
		Summary: "Add a yearly work item to a task (city staff)", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *struct {
			ID   int64 `path:"id"`
			Body WorkItemInput
		}) (*WorkItem, error) {
			return s.AddItem(ctx, in.ID, in.Body)
		})
	web.RecordOp(api, huma.Operation{OperationID: "report-ledger-item", Method: http.MethodPost, Path: "/api/v1/ledger/items/{id}/reports",
		Summary: "Report progress on one of the caller's unit's work items", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *ledgerReportInput) (*ProgressReport, error) {
			return s.Report(ctx, in.ID, in.Body.Note, nil)
		})
	web.RecordOp(api, huma.Operation{OperationID: "review-ledger-report", Method: http.MethodPost, Path: "/api/v1/ledger/reports/{id}/review",
		Summary: "Accept a progress report or return it with a reason (city staff; never the reporter)", Tags: tags},
		func(ctx context.Context, in *ledgerReviewInput) (*ProgressReport, error) {
			return s.Review(ctx, in.ID, in.Body.Decision, in.Body.ReturnReason)
		})
	web.RecordOp(api, huma.Operation{OperationID: "ledger-rates", Method: http.MethodGet, Path: "/api/v1/ledger/rates",
		Summary: "A period's completion rates of the work items in a division: in all, by unit and by county", Tags: tags},
		func(ctx context.Context, in *ledgerRatesInput) (*LedgerRates, error) {
			return s.Rates(ctx, in.Period, in.Division)
		})
	web.ItemsOp(api, huma.Operation{OperationID: "ledger-completion", Method: http.MethodGet, Path: "/api/v1/ledger/completion",
		Summary: "Each special action and project of a period with its items concerning a division, for the final evaluation", Tags: tags},
		func(ctx context.Context, in *ledgerRatesInput) ([]LedgerLine, error) {
			return s.Completion(ctx, in.Period, in.Division)
		})
}
