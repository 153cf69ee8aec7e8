package indicator

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

// PlanPeriodItem is one plan period as the API lists it.
type PlanPeriodItem struct {
	Code       string `json:"code" example:"2021-2025"`
	NameZh     string `json:"name_zh"`
	NameEn     string `json:"name_en"`
	BaseYear   int    `json:"base_year"`
	EndYear    int    `json:"end_year"`
	Indicators int    `json:"indicators"`
	Current    bool   `json:"current" doc:"the period containing this year, else the latest"`
}

// PlanPeriodList is every plan period, oldest first.
type PlanPeriodList struct {
	Items []PlanPeriodItem `json:"items"`
}

type planPeriodsOutput struct{ Body PlanPeriodList }

type evalInput struct {
	Period   string `path:"period" example:"2021-2025"`
	Year     int    `query:"year" doc:"the year evaluated; 0 or absent: the period's final year (终期评估), else a mid-term evaluation"`
	Division string `query:"division" required:"true" doc:"the city or a county"`
}

type evalOutput struct{ Body *Evaluation }

// PlanFreezeBody asks for a year's values to be frozen.
type PlanFreezeBody struct {
	Year int `json:"year" doc:"a year of the period, at most this year"`
}

type freezeInput struct {
	Period string `path:"period"`
	Body   PlanFreezeBody
}

type freezeOutput struct{ Body *FreezeResult }

// registerPlanAPI adds the plan periods, the freeze and the evaluation.
func (s *Service) registerPlanAPI(api huma.API) {
	tags := []string{"indicators"}
	huma.Register(api, huma.Operation{OperationID: "list-plan-periods", Method: http.MethodGet, Path: "/api/v1/plan-periods",
		Summary: "The plan periods, oldest first", Tags: tags},
		func(ctx context.Context, _ *struct{}) (*planPeriodsOutput, error) {
			if _, err := authRead(ctx); err != nil {
				return nil, web.APIErr(ctx, err)
			}
			ps, err := s.Plans(ctx)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			cur := current(ps, s.Engine.Year())
			out := &planPeriodsOutput{Body: PlanPeriodList{Items: []PlanPeriodItem{}}}
			for _, p := range ps {
				out.Body.Items = append(out.Body.Items, PlanPeriodItem{Code: p.Code, NameZh: p.NameZh, NameEn: p.NameEn, BaseYear: p.BaseYear,
					EndYear: p.EndYear, Indicators: len(p.Defs), Current: p == cur})
			}
			return out, nil
		})
	huma.Register(api, huma.Operation{OperationID: "get-plan-evaluation", Method: http.MethodGet, Path: "/api/v1/plan-periods/{period}/evaluation",
		Summary:     "The final (or mid-term) evaluation of a plan period at the city or a county",
		Description: "Per indicator the baseline, the target, the frozen year-end value and whether it is met; for the city each county too; and the task ledger's completion. County staff see their own county only.",
		Tags:        tags},
		func(ctx context.Context, in *evalInput) (*evalOutput, error) {
			ev, err := s.Evaluate(ctx, in.Period, in.Year, in.Division)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &evalOutput{Body: ev}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "freeze-plan-year", Method: http.MethodPost, Path: "/api/v1/plan-periods/{period}/freeze",
		Summary:     "Freeze a year's values of a plan period (city staff; idempotent; audited)",
		Description: "Takes each indicator's value at every division down to townships: the December snapshot when there is one, else computed now. Values frozen before are kept.",
		Tags:        tags},
		func(ctx context.Context, in *freezeInput) (*freezeOutput, error) {
			res, err := s.Freeze(ctx, in.Period, in.Body.Year)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &freezeOutput{Body: res}, nil
		})
}
