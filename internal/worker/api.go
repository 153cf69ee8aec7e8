package worker

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type listInput struct {
	Q        string `query:"q" doc:"part of a name" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: workers in communities at or under it"`
	Post     string `query:"post" doc:"one of the posts"`
	Status   string `query:"status" doc:"in_post (today), left, future; empty for all"`
	Phone    string `query:"phone" doc:"exact, whole phone number"`
	IDNumber string `query:"id_number" doc:"exact, whole ID number (18 characters)"`
	Reason   string `query:"reason" doc:"why you search by phone or ID number (required with them; kept in the audit log). Such searches are limited to 30 per 10 minutes per account (429 beyond)" maxLength:"200"`
	web.PageQuery
}

type trainingIDInput struct {
	ID         int64 `path:"id"`
	TrainingID int64 `path:"tid"`
}

// RegisterAPI adds the worker routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"workers"}
	web.ListOp(api, huma.Operation{OperationID: "list-workers", Method: http.MethodGet, Path: "/api/v1/workers",
		Summary: "Community workers in the caller's area; phones and ID numbers masked", Tags: tags},
		(*listInput).Paging,
		func(ctx context.Context, in *listInput) ([]Worker, bool, error) {
			return s.List(ctx, Filter{Q: in.Q, Division: in.Division, Post: in.Post, Status: in.Status, Phone: in.Phone, IDNumber: in.IDNumber, Reason: in.Reason, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-worker", Method: http.MethodPost, Path: "/api/v1/workers",
		Summary: "Add a community worker", DefaultStatus: http.StatusCreated, Tags: tags},
		s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-worker", Method: http.MethodGet, Path: "/api/v1/workers/{id}",
		Summary: "A community worker with training records", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "patch-worker", Method: http.MethodPatch, Path: "/api/v1/workers/{id}",
		Summary:     "Change a community worker",
		Description: "Fields left out stay as they are. Setting `in_post_to` closes the worker's time in post. Give `version` to refuse the change (409) when someone else changed the worker since you read it.",
		Tags:        tags},
		s.Update)
	web.IDBodyOp(api, huma.Operation{OperationID: "add-worker-training", Method: http.MethodPost, Path: "/api/v1/workers/{id}/trainings",
		Summary: "Add a training record to a worker", DefaultStatus: http.StatusCreated, Tags: tags},
		s.AddTraining)
	huma.Register(api, huma.Operation{OperationID: "remove-worker-training", Method: http.MethodDelete, Path: "/api/v1/workers/{id}/trainings/{tid}",
		Summary: "Remove a training record entered by mistake", DefaultStatus: http.StatusNoContent, Tags: tags},
		func(ctx context.Context, in *trainingIDInput) (*struct{}, error) {
			if err := s.RemoveTraining(ctx, in.ID, in.TrainingID); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return nil, nil
		})
}
