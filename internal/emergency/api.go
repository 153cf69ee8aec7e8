package emergency

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type alertsInput struct {
	Q     string `query:"q" doc:"words of the text or the area's name"`
	Kind  string `query:"kind" doc:"one kind; empty for all"`
	Level string `query:"level" doc:"blue, yellow, orange or red; empty for all"`
	web.PageQuery
}

type areaInput struct {
	Division string `query:"division" doc:"12-digit code in the caller's area; empty for the whole area"`
	Year     int    `query:"year" doc:"the year (the current one when 0)"`
}

type drillsInput struct {
	Division string `query:"division" doc:"12-digit code in the caller's area; empty for the whole area"`
	Year     int    `query:"year" doc:"the year (the current one when 0)"`
	web.PageQuery
}

type tasksInput struct {
	ID     int64  `path:"id"`
	Status string `query:"status" doc:"pending, reached or not_reached; empty for all"`
	web.PageQuery
}

type codeInput struct {
	Code string `path:"code" doc:"the community's 12-digit code"`
}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	tags := []string{"emergencies"}
	web.BodyOp(api, huma.Operation{OperationID: "send-alert", Method: http.MethodPost, Path: "/api/v1/emergency/alerts", DefaultStatus: http.StatusCreated,
		Summary:     "Send an alert to a division in the caller's area",
		Description: "Township, county and city staff. In one transaction every resident account of the area gets it in its inbox, SMS are queued to those who chose SMS, and the area's vulnerable people become the grid workers' task list.",
		Tags:        tags},
		s.Send)
	web.ListOp(api, huma.Operation{OperationID: "list-alerts", Method: http.MethodGet, Path: "/api/v1/emergency/alerts",
		Summary: "Alerts whose area meets the caller's, newest first, searched by text or area name, kind and level", Tags: tags},
		(*alertsInput).Paging, func(ctx context.Context, in *alertsInput) ([]Alert, bool, error) {
			return s.Alerts(ctx, AlertFilter{Q: in.Q, Kind: in.Kind, Level: in.Level}, in.Page, in.PerPage)
		})
	web.IDOp(api, huma.Operation{OperationID: "get-alert-coverage", Method: http.MethodGet, Path: "/api/v1/emergency/alerts/{id}",
		Summary: "An alert and its coverage by community (residents notified; vulnerable people reached, not reached, pending)", Tags: tags},
		s.Coverage)
	web.ListOp(api, huma.Operation{OperationID: "list-alert-tasks", Method: http.MethodGet, Path: "/api/v1/emergency/alerts/{id}/tasks",
		Summary: "An alert's task list inside the caller's area, pending first (names masked)", Tags: tags},
		(*tasksInput).Paging, func(ctx context.Context, in *tasksInput) ([]Task, bool, error) {
			_, items, more, err := s.Tasks(ctx, in.ID, in.Status, in.Page, in.PerPage)
			return items, more, err
		})
	web.IDBodyOp(api, huma.Operation{OperationID: "mark-task", Method: http.MethodPut, Path: "/api/v1/emergency/tasks/{id}",
		Summary: "Record whether a vulnerable person was reached (grid and community workers; a note is required when not reached)", Tags: tags},
		s.MarkTask)
	web.BodyOp(api, huma.Operation{OperationID: "create-emergency-plan", Method: http.MethodPost, Path: "/api/v1/emergency/plans", DefaultStatus: http.StatusCreated,
		Summary: "Record a new version of a community's emergency plan (earlier versions stay)", Tags: tags},
		func(ctx context.Context, in PlanInput) (*Plan, error) { return s.AddPlan(ctx, in, nil) })
	web.ItemsOp(api, huma.Operation{OperationID: "list-emergency-plans", Method: http.MethodGet, Path: "/api/v1/emergency/communities/{code}/plans",
		Summary: "Every version of a community's emergency plan, current first", Tags: tags},
		func(ctx context.Context, in *codeInput) ([]Plan, error) {
			if _, _, err := s.area(ctx, in.Code); err != nil {
				return nil, err
			}
			return s.Plans(ctx, in.Code)
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-drill", Method: http.MethodPost, Path: "/api/v1/emergency/drills", DefaultStatus: http.StatusCreated,
		Summary: "Record a drill a community held", Tags: tags},
		func(ctx context.Context, in DrillInput) (*DrillRecord, error) { return s.AddDrill(ctx, in, nil) })
	web.ListOp(api, huma.Operation{OperationID: "list-drills", Method: http.MethodGet, Path: "/api/v1/emergency/drills",
		Summary: "Drills held in a year at or under a division, newest first", Tags: tags},
		(*drillsInput).Paging, func(ctx context.Context, in *drillsInput) ([]DrillRecord, bool, error) {
			return s.Drills(ctx, in.Division, in.Year, in.Page, in.PerPage)
		})
	web.BodyOp(api, huma.Operation{OperationID: "create-fire-station", Method: http.MethodPost, Path: "/api/v1/emergency/fire-stations", DefaultStatus: http.StatusCreated,
		Summary: "Record a micro fire station", Tags: tags},
		s.AddStation)
	web.ItemsOp(api, huma.Operation{OperationID: "list-fire-stations", Method: http.MethodGet, Path: "/api/v1/emergency/fire-stations",
		Summary: "Micro fire stations at or under a division", Tags: tags},
		func(ctx context.Context, in *areaInput) ([]Station, error) { return s.Stations(ctx, in.Division) })
	web.ItemsOp(api, huma.Operation{OperationID: "list-shelters", Method: http.MethodGet, Path: "/api/v1/emergency/shelters",
		Summary: "Emergency shelters in use at or under a division (from the facility registry)", Tags: tags},
		func(ctx context.Context, in *areaInput) ([]Shelter, error) { return s.ShelterList(ctx, in.Division) })
	web.RecordOp(api, huma.Operation{OperationID: "get-emergency-figures", Method: http.MethodGet, Path: "/api/v1/emergency/figures",
		Summary: "An area's emergency figures for a year: plans, drills, shelters and capacity, fire stations, alerts and their coverage", Tags: tags},
		func(ctx context.Context, in *areaInput) (*AreaFigures, error) {
			return s.Figures(ctx, in.Division, in.Year)
		})
}
