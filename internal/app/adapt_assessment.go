package app

import (
	"context"
	"strings"

	"shequ/internal/assessment"
	"shequ/internal/indicator"
	"shequ/internal/platform/errs"
	"shequ/internal/request/stats"
)

// assessmentSource gives the assessment of communities its live figures:
// any indicator of the dashboard at a community (the monthly visit rate
// among them), and the 三率 of 接诉即办 over the year so far.
type assessmentSource struct {
	engine *indicator.Engine
	stats  *stats.Service
}

// The 三率 a computed item may read (requests:<rate>).
var assessmentRates = []assessment.AssessmentMetric{
	{Code: "requests:response_rate", Zh: "接诉即办响应率", En: "Requests: response rate", Unit: "%"},
	{Code: "requests:resolution_rate", Zh: "接诉即办解决率", En: "Requests: resolution rate", Unit: "%"},
	{Code: "requests:satisfaction_rate", Zh: "接诉即办满意率", En: "Requests: satisfaction rate", Unit: "%"},
	{Code: "requests:composite", Zh: "接诉即办三率综合得分", En: "Requests: composite of the three rates", Unit: ""},
}

func (a assessmentSource) Metrics() []assessment.AssessmentMetric {
	out := make([]assessment.AssessmentMetric, 0, len(a.engine.Defs)+len(assessmentRates))
	for _, d := range a.engine.Defs {
		out = append(out, assessment.AssessmentMetric{Code: "indicator:" + d.Code, Zh: d.NameZh, En: d.NameEn, Unit: d.Unit})
	}
	return append(out, assessmentRates...)
}

func (a assessmentSource) Value(ctx context.Context, metric, community string, year int) (*float64, error) {
	kind, code, _ := strings.Cut(metric, ":")
	switch kind {
	case "indicator":
		def, err := a.engine.Def(code)
		if err != nil {
			return nil, err
		}
		figs, err := a.engine.Compute(ctx, []string{community}, []*indicator.Def{def})
		if err != nil || len(figs[community]) == 0 {
			return nil, err
		}
		return figs[community][0].Value, nil
	case "requests":
		r, err := a.stats.YearRates(ctx, community, year)
		if err != nil {
			return nil, err
		}
		switch code {
		case "response_rate":
			return r.ResponseRate, nil
		case "resolution_rate":
			return r.ResolutionRate, nil
		case "satisfaction_rate":
			return r.SatisfactionRate, nil
		case "composite":
			return r.Composite, nil
		}
	}
	return nil, errs.Invalid(errs.Field("metric", "assessment.unknown_metric", metric))
}
