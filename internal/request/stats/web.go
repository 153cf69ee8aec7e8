package stats

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/platform/xlsx"
	"shequ/internal/request"
)

//go:embed templates/stats.html
var statsTemplates embed.FS

type statsInput struct {
	Division string `query:"division" doc:"a division code in the caller's area; default the area itself"`
	Month    string `query:"month" doc:"YYYY-MM (China time); default this month"`
}

type statsOutput struct{ Body *Stats }

// RegisterAPI adds GET /api/v1/requests/stats.
func (s *Service) RegisterAPI(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "request-stats", Method: http.MethodGet, Path: "/api/v1/requests/stats",
		Summary: "The 三率 of a division for a month: its own, each child's and each handling unit's, ranked by composite, and a 12-month trend",
		Description: "Response rate = responded by the response deadline / due a response; resolution rate = resolved by the resolution deadline / due resolution; " +
			"satisfaction rate = (satisfied + 0.9 × basically satisfied) / valid callbacks; composite = weighted mean (default 10/50/40). " +
			"Requests excluded by an approved appeal are left out. Rates are null when nothing is due.",
		Tags: []string{"requests"}},
		func(ctx context.Context, in *statsInput) (*statsOutput, error) {
			st, err := s.Rates(ctx, strings.TrimSpace(in.Division), strings.TrimSpace(in.Month), true)
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &statsOutput{Body: st}, nil
		})
}

type statsWeb struct {
	S   *Service
	Srv *web.Server
}

// RegisterWeb adds the stats page, its Excel export and the nav entry.
func (s *Service) RegisterWeb(srv *web.Server) {
	h := &statsWeb{S: s, Srv: srv}
	srv.Render.AddPages("requeststats", statsTemplates, "templates/*.html")
	srv.AddNav(web.NavItem{Key: "request.stats.nav", Path: "/requests/stats", Roles: request.StatsRoles, Order: 41, Group: web.NavRequests})
	srv.Page("GET /requests/stats", h.page)
	srv.Page("GET /requests/stats/export", h.export)
}

type statsPage struct {
	Stats  *Stats
	Months []string
	Chart  statsChart
}

// statsChart is what web/static/js/dashboard.js draws (data-* attributes;
// the CSP forbids inline script).
type statsChart struct {
	Labels, Values, TrendLabels, TrendValues string
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func round1(p *float64) *float64 {
	if p == nil {
		return nil
	}
	v := float64(int64(*p*10+0.5)) / 10
	return &v
}

func (h *statsWeb) page(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	st, err := h.S.Rates(r.Context(), strings.TrimSpace(q.Get("division")), strings.TrimSpace(q.Get("month")), true)
	if err != nil {
		return err
	}
	d := &statsPage{Stats: st}
	t, _ := time.Parse("2006-01", h.S.Month())
	for i := 0; i < 12; i++ {
		d.Months = append(d.Months, t.AddDate(0, -i, 0).Format("2006-01"))
	}
	var labels []string
	var values []*float64
	for _, c := range st.Children {
		labels = append(labels, c.Name)
		values = append(values, round1(c.Composite))
	}
	d.Chart.Labels, d.Chart.Values = jsonOf(labels), jsonOf(values)
	labels, values = nil, nil
	for _, m := range st.Trend {
		labels = append(labels, m.Month)
		values = append(values, round1(m.Composite))
	}
	d.Chart.TrendLabels, d.Chart.TrendValues = jsonOf(labels), jsonOf(values)
	h.Srv.Render.Render(w, http.StatusOK, "requeststats/stats", h.Srv.NewPage(r, "request.stats.title", d))
	return nil
}

var statsSpec = xlsx.Spec{SheetZh: "三率", SheetEn: "Rates", Columns: []xlsx.Column{
	{Key: "scope", Zh: "范围", En: "Scope"},
	{Key: "code", Zh: "代码", En: "Code", Width: 16},
	{Key: "name", Zh: "名称", En: "Name", Width: 24},
	{Key: "rank", Zh: "排名", En: "Rank"},
	{Key: "total", Zh: "诉求数", En: "Requests"},
	{Key: "due_response", Zh: "应响应", En: "Due a response"},
	{Key: "responded_on_time", Zh: "按时响应", En: "Responded on time"},
	{Key: "response_rate", Zh: "响应率(%)", En: "Response rate (%)"},
	{Key: "due_resolution", Zh: "应办结", En: "Due resolution"},
	{Key: "resolved_on_time", Zh: "按时办结", En: "Resolved on time"},
	{Key: "resolution_rate", Zh: "解决率(%)", En: "Resolution rate (%)"},
	{Key: "valid_callbacks", Zh: "有效回访", En: "Valid callbacks"},
	{Key: "satisfied", Zh: "满意", En: "Satisfied"},
	{Key: "basically_satisfied", Zh: "基本满意", En: "Basically satisfied"},
	{Key: "satisfaction_rate", Zh: "满意率(%)", En: "Satisfaction rate (%)"},
	{Key: "composite", Zh: "综合得分", En: "Composite"},
}}

func cell(p *float64) any {
	if p == nil {
		return ""
	}
	return *round1(p)
}

// Export writes the 三率 of a division (own, children, units) as a workbook.
func (s *Service) Export(ctx context.Context, code, month string, buf *bytes.Buffer) (*Stats, error) {
	st, err := s.Rates(ctx, code, month, false)
	if err != nil {
		return nil, err
	}
	lang := i18n.From(ctx)
	err = statsSpec.Export(buf, lang, func(e *xlsx.Exporter) error {
		write := func(scope string, r StatsRow) error {
			code := r.Code
			if r.UnitID != 0 {
				code = strconv.FormatInt(r.UnitID, 10)
			}
			var rk any = ""
			if r.Rank > 0 {
				rk = r.Rank
			}
			return e.Write(i18n.T(lang, "request.stats.scope_"+scope), code, r.Name, rk, r.Total, r.DueResponse, r.RespondedOnTime,
				cell(r.ResponseRate), r.DueResolution, r.ResolvedOnTime, cell(r.ResolutionRate), r.ValidCallbacks, r.Satisfied,
				r.Basically, cell(r.SatisfactionRate), cell(r.Composite))
		}
		if err := write("total", st.Division); err != nil {
			return err
		}
		for _, c := range st.Children {
			if err := write("division", c); err != nil {
				return err
			}
		}
		for _, u := range st.Units {
			if err := write("unit", u); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return st, nil
}

func (h *statsWeb) export(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	st, err := h.S.Export(r.Context(), strings.TrimSpace(q.Get("division")), strings.TrimSpace(q.Get("month")), &buf)
	if err != nil {
		return err
	}
	name := i18n.T(i18n.From(r.Context()), "request.stats.file") + "-" + st.Division.Code + "-" + st.Month + ".xlsx"
	xlsx.Send(w, name, buf.Bytes())
	return nil
}
