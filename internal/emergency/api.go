package emergency

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/db"
	"shequ/internal/platform/web"
)

type body[T any] struct{ Body T }

type page[T any] struct {
	Items []T  `json:"items"`
	Page  int  `json:"page"`
	More  bool `json:"more"`
}

func pageOf[T any](items []T, p, perPage int, more bool) *body[page[T]] {
	p, _ = db.Paging(p, perPage)
	if items == nil {
		items = []T{}
	}
	return &body[page[T]]{Body: page[T]{Items: items, Page: p, More: more}}
}

type idInput struct {
	ID int64 `path:"id"`
}

type pagingInput struct {
	Page    int `query:"page" default:"1"`
	PerPage int `query:"per_page" default:"50" doc:"at most 200"`
}

type alertsInput struct {
	Q       string `query:"q" doc:"words of the text or the area's name"`
	Kind    string `query:"kind" doc:"one kind; empty for all"`
	Level   string `query:"level" doc:"blue, yellow, orange or red; empty for all"`
	Page    int    `query:"page" default:"1"`
	PerPage int    `query:"per_page" default:"50" doc:"at most 200"`
}

type areaInput struct {
	Division string `query:"division" doc:"12-digit code in the caller's area; empty for the whole area"`
	Year     int    `query:"year" doc:"the year (the current one when 0)"`
}

type drillsInput struct {
	Division string `query:"division" doc:"12-digit code in the caller's area; empty for the whole area"`
	Year     int    `query:"year" doc:"the year (the current one when 0)"`
	Page     int    `query:"page" default:"1"`
	PerPage  int    `query:"per_page" default:"50" doc:"at most 200"`
}

type tasksInput struct {
	ID      int64  `path:"id"`
	Status  string `query:"status" doc:"pending, reached or not_reached; empty for all"`
	Page    int    `query:"page" default:"1"`
	PerPage int    `query:"per_page" default:"50" doc:"at most 200"`
}

type codeInput struct {
	Code string `path:"code" doc:"the community's 12-digit code"`
}

type markInput struct {
	ID   int64 `path:"id"`
	Body Mark
}

type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) *body[list[T]] {
	if items == nil {
		items = []T{}
	}
	return &body[list[T]]{Body: list[T]{Items: items}}
}

// op registers an operation whose errors become problem documents.
func op[I, O any](api huma.API, o huma.Operation, fn func(ctx context.Context, in *I) (*O, error)) {
	o.Tags = []string{"emergencies"}
	huma.Register(api, o, func(ctx context.Context, in *I) (*O, error) {
		out, err := fn(ctx, in)
		if err != nil {
			return nil, web.APIErr(ctx, err)
		}
		return out, nil
	})
}

// RegisterAPI adds the slice's routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	op(api, huma.Operation{OperationID: "send-alert", Method: http.MethodPost, Path: "/api/v1/emergency/alerts", DefaultStatus: http.StatusCreated,
		Summary:     "Send an alert to a division in the caller's area",
		Description: "Township, county and city staff. In one transaction every resident account of the area gets it in its inbox, SMS are queued to those who chose SMS, and the area's vulnerable people become the grid workers' task list."},
		func(ctx context.Context, in *body[AlertInput]) (*body[*Alert], error) {
			a, err := s.Send(ctx, in.Body)
			return &body[*Alert]{Body: a}, err
		})
	op(api, huma.Operation{OperationID: "list-alerts", Method: http.MethodGet, Path: "/api/v1/emergency/alerts",
		Summary: "Alerts whose area meets the caller's, newest first, searched by text or area name, kind and level"},
		func(ctx context.Context, in *alertsInput) (*body[page[Alert]], error) {
			items, more, err := s.Alerts(ctx, AlertFilter{Q: in.Q, Kind: in.Kind, Level: in.Level}, in.Page, in.PerPage)
			return pageOf(items, in.Page, in.PerPage, more), err
		})
	op(api, huma.Operation{OperationID: "get-alert-coverage", Method: http.MethodGet, Path: "/api/v1/emergency/alerts/{id}",
		Summary: "An alert and its coverage by community (residents notified; vulnerable people reached, not reached, pending)"},
		func(ctx context.Context, in *idInput) (*body[*AlertCoverage], error) {
			c, err := s.Coverage(ctx, in.ID)
			return &body[*AlertCoverage]{Body: c}, err
		})
	op(api, huma.Operation{OperationID: "list-alert-tasks", Method: http.MethodGet, Path: "/api/v1/emergency/alerts/{id}/tasks",
		Summary: "An alert's task list inside the caller's area, pending first (names masked)"},
		func(ctx context.Context, in *tasksInput) (*body[page[Task]], error) {
			_, items, more, err := s.Tasks(ctx, in.ID, in.Status, in.Page, in.PerPage)
			return pageOf(items, in.Page, in.PerPage, more), err
		})
	op(api, huma.Operation{OperationID: "mark-task", Method: http.MethodPut, Path: "/api/v1/emergency/tasks/{id}",
		Summary: "Record whether a vulnerable person was reached (grid and community workers; a note is required when not reached)"},
		func(ctx context.Context, in *markInput) (*body[*Task], error) {
			t, err := s.MarkTask(ctx, in.ID, in.Body)
			return &body[*Task]{Body: t}, err
		})
	op(api, huma.Operation{OperationID: "create-emergency-plan", Method: http.MethodPost, Path: "/api/v1/emergency/plans", DefaultStatus: http.StatusCreated,
		Summary: "Record a new version of a community's emergency plan (earlier versions stay)"},
		func(ctx context.Context, in *body[PlanInput]) (*body[*Plan], error) {
			p, err := s.AddPlan(ctx, in.Body, nil)
			return &body[*Plan]{Body: p}, err
		})
	op(api, huma.Operation{OperationID: "list-emergency-plans", Method: http.MethodGet, Path: "/api/v1/emergency/communities/{code}/plans",
		Summary: "Every version of a community's emergency plan, current first"},
		func(ctx context.Context, in *codeInput) (*body[list[Plan]], error) {
			if _, _, err := s.area(ctx, in.Code); err != nil {
				return nil, err
			}
			ps, err := s.Plans(ctx, in.Code)
			return listOf(ps), err
		})
	op(api, huma.Operation{OperationID: "create-drill", Method: http.MethodPost, Path: "/api/v1/emergency/drills", DefaultStatus: http.StatusCreated,
		Summary: "Record a drill a community held"},
		func(ctx context.Context, in *body[DrillInput]) (*body[*DrillRecord], error) {
			d, err := s.AddDrill(ctx, in.Body, nil)
			return &body[*DrillRecord]{Body: d}, err
		})
	op(api, huma.Operation{OperationID: "list-drills", Method: http.MethodGet, Path: "/api/v1/emergency/drills",
		Summary: "Drills held in a year at or under a division, newest first"},
		func(ctx context.Context, in *drillsInput) (*body[page[DrillRecord]], error) {
			items, more, err := s.Drills(ctx, in.Division, in.Year, in.Page, in.PerPage)
			return pageOf(items, in.Page, in.PerPage, more), err
		})
	op(api, huma.Operation{OperationID: "create-fire-station", Method: http.MethodPost, Path: "/api/v1/emergency/fire-stations", DefaultStatus: http.StatusCreated,
		Summary: "Record a micro fire station"},
		func(ctx context.Context, in *body[StationInput]) (*body[*Station], error) {
			st, err := s.AddStation(ctx, in.Body)
			return &body[*Station]{Body: st}, err
		})
	op(api, huma.Operation{OperationID: "list-fire-stations", Method: http.MethodGet, Path: "/api/v1/emergency/fire-stations",
		Summary: "Micro fire stations at or under a division"},
		func(ctx context.Context, in *areaInput) (*body[list[Station]], error) {
			items, err := s.Stations(ctx, in.Division)
			return listOf(items), err
		})
	op(api, huma.Operation{OperationID: "list-shelters", Method: http.MethodGet, Path: "/api/v1/emergency/shelters",
		Summary: "Emergency shelters in use at or under a division (from the facility registry)"},
		func(ctx context.Context, in *areaInput) (*body[list[Shelter]], error) {
			items, err := s.ShelterList(ctx, in.Division)
			return listOf(items), err
		})
	op(api, huma.Operation{OperationID: "get-emergency-figures", Method: http.MethodGet, Path: "/api/v1/emergency/figures",
		Summary: "An area's emergency figures for a year: plans, drills, shelters and capacity, fire stations, alerts and their coverage"},
		func(ctx context.Context, in *areaInput) (*body[*AreaFigures], error) {
			f, err := s.Figures(ctx, in.Division, in.Year)
			return &body[*AreaFigures]{Body: f}, err
		})
}
