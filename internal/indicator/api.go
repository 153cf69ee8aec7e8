package indicator

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/division"
	"shequ/internal/platform/web"
)

// APIFigure is an indicator at a division as the API gives it: the figure
// with the indicator's names in both languages and what it is measured in.
type APIFigure struct {
	Indicator   string   `json:"indicator"`
	NameZh      string   `json:"name_zh"`
	NameEn      string   `json:"name_en"`
	Source      string   `json:"source" doc:"the section of the plan the indicator comes from"`
	Unit        string   `json:"unit"`
	Direction   string   `json:"direction" enum:"at_least,at_most"`
	Division    string   `json:"division"`
	Value       *float64 `json:"value" doc:"numerator / denominator × factor; null when there is nothing to count or the data is awaited"`
	Numerator   float64  `json:"numerator"`
	Denominator float64  `json:"denominator"`
	Baseline    *float64 `json:"baseline_2020"`
	YearTarget  float64  `json:"year_target" doc:"this year's target: set by city or county staff, else the straight line from the 2020 baseline to the 2025 target"`
	Target      float64  `json:"target_2025"`
	Gap         *float64 `json:"gap" doc:"how far the value is from the 2025 target (positive: still to close)"`
	Status      string   `json:"status" enum:"met,on_track,at_risk,no_data,awaiting"`
	Awaiting    string   `json:"awaiting,omitempty" doc:"the slice whose records are awaited"`
	Period      string   `json:"period,omitempty" doc:"the month or year a periodic indicator is read for"`
	HasList     bool     `json:"has_missing_list" doc:"whether /missing lists the divisions not yet covered"`
}

func (s *Service) apiFigure(f Figure) APIFigure {
	d := s.defOf(f)
	return APIFigure{Indicator: f.Indicator, NameZh: d.NameZh, NameEn: d.NameEn, Source: d.Source, Unit: d.Unit, Direction: d.Direction,
		Division: f.Division, Value: f.Value, Numerator: f.Numerator, Denominator: f.Denominator, Baseline: f.Baseline,
		YearTarget: f.YearTarget, Target: f.Target, Gap: f.Gap, Status: f.Status, Awaiting: f.Awaiting, Period: f.Period,
		HasList: d.ListLevel() > 0}
}

func (s *Service) apiFigures(fs []Figure) []APIFigure {
	out := make([]APIFigure, 0, len(fs))
	for _, f := range fs {
		out = append(out, s.apiFigure(f))
	}
	return out
}

type listInput struct {
	Division string `query:"division" required:"true" doc:"12-digit division code" example:"131100000000"`
	Children bool   `query:"children" doc:"also every indicator at each child division"`
	Period   string `query:"period" doc:"plan period code, e.g. 2021-2025; empty: the current period" example:"2021-2025"`
}

// IndicatorChild is every indicator at one child division.
type IndicatorChild struct {
	Division division.Division `json:"division"`
	Figures  []APIFigure       `json:"figures"`
}

// IndicatorList is every indicator at a division.
type IndicatorList struct {
	Division division.Division `json:"division"`
	Period   string            `json:"period" doc:"the plan period the figures are of"`
	Year     int               `json:"year"`
	Figures  []APIFigure       `json:"figures"`
	Children []IndicatorChild  `json:"children,omitempty"`
}

type listOutput struct{ Body IndicatorList }

type drillInput struct {
	Indicator string `path:"indicator" doc:"indicator code, e.g. rural_facility_coverage"`
	Division  string `query:"division" required:"true" doc:"12-digit division code"`
	Children  bool   `query:"children" doc:"also the indicator at each child division"`
	Sort      string `query:"sort" enum:"gap,name,value,code" default:"gap" doc:"order of the children"`
	Period    string `query:"period" doc:"plan period code; empty: the current period"`
}

// IndicatorChildFigure is one child's figure in a drill-down.
type IndicatorChildFigure struct {
	Division division.Division `json:"division"`
	Figure   APIFigure         `json:"figure"`
}

// IndicatorDrill is one indicator at a division and its children.
type IndicatorDrill struct {
	Division division.Division      `json:"division"`
	Figure   APIFigure              `json:"figure"`
	Children []IndicatorChildFigure `json:"children,omitempty"`
}

type drillOutput struct{ Body IndicatorDrill }

type missingInput struct {
	Indicator string `path:"indicator"`
	Division  string `query:"division" required:"true" doc:"12-digit division code"`
	Page      int    `query:"page" default:"1" doc:"page number from 1"`
	PerPage   int    `query:"per_page" default:"50" doc:"divisions per page, at most 200"`
}

type missingOutput struct{ Body *MissingList }

// TargetBody sets one year's target of an indicator for a division.
type TargetBody struct {
	Division string  `json:"division" doc:"12-digit division code inside the caller's area"`
	Year     int     `json:"year" doc:"the year, 2021 to 2030"`
	Value    float64 `json:"value" doc:"the target, in the indicator's unit (a percentage at most 100)"`
}

type targetInput struct {
	Indicator string `path:"indicator"`
	Body      TargetBody
}

type trendInput struct {
	Indicator string `path:"indicator"`
	Division  string `query:"division" required:"true"`
	Period    string `query:"period" doc:"plan period code; empty: the current period"`
}

// IndicatorTrend is the monthly snapshots of an indicator at a division.
type IndicatorTrend struct {
	Indicator string  `json:"indicator"`
	Division  string  `json:"division"`
	Points    []Point `json:"points"`
}

type trendOutput struct{ Body IndicatorTrend }

// RegisterAPI adds the indicator routes to the JSON API.
func (s *Service) RegisterAPI(api huma.API) {
	s.registerPlanAPI(api)
	tags := []string{"indicators"}
	huma.Register(api, huma.Operation{OperationID: "list-indicators", Method: http.MethodGet, Path: "/api/v1/indicators",
		Summary:     "Every indicator of the plan at a division (and, with children=true, at each child)",
		Description: "Value, numerator, denominator, 2020 baseline, this year's target, 2025 target, gap and status. A division outside the caller's area answers 404.",
		Tags:        tags},
		func(ctx context.Context, in *listInput) (*listOutput, error) {
			t, err := s.Table(WithPeriod(ctx, in.Period), in.Division, in.Children)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &listOutput{}
			out.Body = IndicatorList{Division: t.Division, Period: t.Period, Year: s.Engine.Year(), Figures: s.apiFigures(t.Figures)}
			for _, c := range t.Children {
				out.Body.Children = append(out.Body.Children, IndicatorChild{Division: c.Division, Figures: s.apiFigures(c.Figures)})
			}
			if in.Children && out.Body.Children == nil {
				out.Body.Children = []IndicatorChild{}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-indicator", Method: http.MethodGet, Path: "/api/v1/indicators/{indicator}",
		Summary: "One indicator at a division and, with children=true, at each child", Tags: tags},
		func(ctx context.Context, in *drillInput) (*drillOutput, error) {
			d, err := s.Drilldown(WithPeriod(ctx, in.Period), in.Indicator, in.Division, in.Children)
			if err == nil {
				err = SortRows(d.Children, in.Sort)
			}
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &drillOutput{}
			out.Body = IndicatorDrill{Division: d.Division, Figure: s.apiFigure(d.Figure)}
			if in.Children {
				out.Body.Children = []IndicatorChildFigure{}
				for _, r := range d.Children {
					out.Body.Children = append(out.Body.Children, IndicatorChildFigure{Division: r.Division, Figure: s.apiFigure(r.Figure)})
				}
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "list-indicator-missing", Method: http.MethodGet, Path: "/api/v1/indicators/{indicator}/missing",
		Summary:     "The divisions that a coverage indicator counts but that are not yet covered",
		Description: "For coverage indicators (has_missing_list): the communities (townships, counties) under the division in the denominator but not the numerator, in code order. Other indicators answer 404.",
		Tags:        tags},
		func(ctx context.Context, in *missingInput) (*missingOutput, error) {
			m, err := s.Missing(ctx, in.Indicator, in.Division, in.Page, in.PerPage)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &missingOutput{Body: m}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-indicator-trend", Method: http.MethodGet, Path: "/api/v1/indicators/{indicator}/trend",
		Summary: "The monthly snapshots of an indicator at a division, oldest first", Tags: tags},
		func(ctx context.Context, in *trendInput) (*trendOutput, error) {
			pts, err := s.Trend(WithPeriod(ctx, in.Period), in.Indicator, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &trendOutput{Body: IndicatorTrend{Indicator: in.Indicator, Division: in.Division, Points: pts}}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "set-indicator-target", Method: http.MethodPut, Path: "/api/v1/indicators/{indicator}/targets",
		Summary:     "Set one year's target of an indicator for a division (city and county staff; audited)",
		Description: "Answers the indicator at the division with the new target.",
		Tags:        tags},
		func(ctx context.Context, in *targetInput) (*drillOutput, error) {
			if err := s.SetTarget(ctx, in.Indicator, in.Body.Division, in.Body.Year, in.Body.Value); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			d, err := s.Drilldown(ctx, in.Indicator, in.Body.Division, false)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &drillOutput{Body: IndicatorDrill{Division: d.Division, Figure: s.apiFigure(d.Figure)}}, nil
		})
}
