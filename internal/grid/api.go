package grid

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type gridListInput struct {
	Q        string `query:"q" doc:"part of a name, or an exact grid code" maxLength:"50"`
	Division string `query:"division" doc:"12-digit code: grids at or under it"`
	web.PageQuery
}

type gridPatrolListInput struct {
	Division string `query:"division" doc:"12-digit code: patrols at or under it"`
	web.PageQuery
}

type gridStartInput struct {
	Body struct {
		GridID int64 `json:"grid_id"`
	}
}

// GridNoteBody is a note taken on a patrol (photos go through the page's form).
type GridNoteBody struct {
	Note string `json:"note"`
}

type gridNoteInput struct {
	ID   int64 `path:"id"`
	Body GridNoteBody
}

type gridEventInput struct {
	ID   int64 `path:"id"`
	Body GridEventInput
}

// GridRevealBody is the reason to see a grid's heads in full.
type GridRevealBody struct {
	Reason string `json:"reason" doc:"why the heads are needed in full; audited"`
}

type gridRevealInput struct {
	ID   int64 `path:"id"`
	Body GridRevealBody
}

type gridFiguresInput struct {
	Division string `query:"division" doc:"12-digit code in your area; empty: your area"`
	Month    string `query:"month" doc:"YYYY-MM; empty: this month"`
}

// RegisterAPI adds the grid and patrol routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"grids"}
	web.ListOp(api, huma.Operation{OperationID: "list-grids", Method: http.MethodGet, Path: "/api/v1/grids",
		Summary: "Grids in the caller's area", Tags: tags},
		(*gridListInput).Paging,
		func(ctx context.Context, in *gridListInput) ([]Grid, bool, error) {
			return s.List(ctx, GridFilter{Q: in.Q, Division: in.Division, Page: in.Page, PerPage: in.PerPage})
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-grid", Method: http.MethodPost, Path: "/api/v1/grids",
		Summary: "Add a grid to a community", DefaultStatus: http.StatusCreated, Tags: tags},
		s.Create)
	web.IDOp(api, huma.Operation{OperationID: "get-grid", Method: http.MethodGet, Path: "/api/v1/grids/{id}",
		Summary: "A grid with its workers and units (heads masked)", Tags: tags},
		s.Get)
	web.IDBodyOp(api, huma.Operation{OperationID: "put-grid", Method: http.MethodPut, Path: "/api/v1/grids/{id}",
		Summary:     "Replace a grid's number, name, workers and units",
		Description: "The community stays. A unit's head sent back as read (masked) keeps the stored head. Give `version` to refuse the change (409) when someone else changed it since you read it.",
		Tags:        tags},
		s.Update)
	web.ItemsOp(api, huma.Operation{OperationID: "reveal-grid-heads", Method: http.MethodPost, Path: "/api/v1/grids/{id}/reveal",
		Summary: "A grid's units with their heads' names and phones in full (audited with the reason)", Tags: tags},
		func(ctx context.Context, in *gridRevealInput) ([]GridUnit, error) {
			return s.RevealHeads(ctx, in.ID, in.Body.Reason)
		})
	web.ListOp(api, huma.Operation{OperationID: "list-grid-patrols", Method: http.MethodGet, Path: "/api/v1/grid-patrols",
		Summary: "Patrols in the caller's area, newest first (a grid worker's own)", Tags: tags},
		(*gridPatrolListInput).Paging,
		func(ctx context.Context, in *gridPatrolListInput) ([]GridPatrol, bool, error) {
			return s.Patrols(ctx, PatrolFilter{Division: in.Division, Page: in.Page, PerPage: in.PerPage})
		})
	web.RecordOp(api, huma.Operation{OperationID: "start-grid-patrol", Method: http.MethodPost, Path: "/api/v1/grid-patrols",
		Summary: "Start a patrol of a grid you are assigned to", DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *gridStartInput) (*GridPatrol, error) {
			return s.Start(ctx, in.Body.GridID)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-grid-patrol", Method: http.MethodGet, Path: "/api/v1/grid-patrols/{id}",
		Summary: "A patrol with its notes and events", Tags: tags},
		s.Patrol)
	web.RecordOp(api, huma.Operation{OperationID: "note-grid-patrol", Method: http.MethodPost, Path: "/api/v1/grid-patrols/{id}/notes",
		Summary: "Add a note to your patrol under way", Tags: tags},
		func(ctx context.Context, in *gridNoteInput) (*GridPatrol, error) {
			if err := s.AddNote(ctx, in.ID, in.Body.Note, nil); err != nil {
				return nil, err
			}
			return s.Patrol(ctx, in.ID)
		})
	web.RecordOp(api, huma.Operation{OperationID: "add-grid-event", Method: http.MethodPost, Path: "/api/v1/grid-patrols/{id}/events",
		Summary:       "Record an event found on your patrol under way",
		Description:   "`outcome: reported` files it as a request (channel patrol) and answers with the request's number; `outcome: resolved` keeps the `resolution`.",
		DefaultStatus: http.StatusCreated, Tags: tags},
		func(ctx context.Context, in *gridEventInput) (*GridEvent, error) {
			return s.AddEvent(ctx, in.ID, in.Body, nil)
		})
	web.RecordOp(api, huma.Operation{OperationID: "end-grid-patrol", Method: http.MethodPost, Path: "/api/v1/grid-patrols/{id}/end",
		Summary: "End your patrol under way", Tags: tags},
		func(ctx context.Context, in *web.IDInput) (*GridPatrol, error) {
			if err := s.End(ctx, in.ID); err != nil {
				return nil, err
			}
			return s.Patrol(ctx, in.ID)
		})
	web.RecordOp(api, huma.Operation{OperationID: "grid-figures", Method: http.MethodGet, Path: "/api/v1/grid-figures",
		Summary: "A month's patrols and events at a division and each part under it", Tags: tags},
		func(ctx context.Context, in *gridFiguresInput) (*GridFigures, error) {
			return s.Figures(ctx, in.Division, in.Month)
		})
}
