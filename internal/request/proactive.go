package request

import (
	"context"
	"net/http"
	"strings"
	"time"

	"shequ/internal/division"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// Proactive handling (未诉先办): when requests of one category from one
// community pile up in a short window, the township sees an alert and can
// act before more arrive; and each month, the categories that came most.

// Settings keys (request_settings) of the alert.
const (
	SettingProactiveThreshold = "proactive_threshold" // requests, default 5
	SettingProactiveDays      = "proactive_days"      // days, default 7
)

// ProactiveAlert is a community with many requests of one category in the
// window.
type ProactiveAlert struct {
	DivisionCode string    `json:"division_code"`
	DivisionName string    `json:"division_name"`
	CategoryCode string    `json:"category_code"`
	CategoryName string    `json:"category_name"`
	Count        int64     `json:"count"`
	First        time.Time `json:"first"`
	Last         time.Time `json:"last"`
}

// ProactiveAlerts is the alert list of an area.
type ProactiveAlerts struct {
	Division  string           `json:"division"`
	Threshold int64            `json:"threshold"`
	Days      int64            `json:"days"`
	Since     time.Time        `json:"since"`
	Alerts    []ProactiveAlert `json:"alerts"`
}

func (s *StatsService) setting(ctx context.Context, key string, def int64) int64 {
	var v int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT value FROM request_settings WHERE key = $1`, key).Scan(&v); err != nil || v <= 0 {
		return def
	}
	return v
}

// Alerts lists, for a division in the caller's area (default the area),
// the communities with at least the threshold of requests of one category
// in the last days (settings proactive_threshold, default 5, and
// proactive_days, default 7), most requests first.
//
// Errors: EFORBIDDEN, EINVALID (division), ENOTFOUND (outside the area).
func (s *StatsService) Alerts(ctx context.Context, code string) (*ProactiveAlerts, error) {
	code, err := statsScope(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &ProactiveAlerts{Division: code, Threshold: s.setting(ctx, SettingProactiveThreshold, 5),
		Days: s.setting(ctx, SettingProactiveDays, 7), Alerts: []ProactiveAlert{}}
	out.Since = s.now().Add(-time.Duration(out.Days) * 24 * time.Hour)
	lo, hi := division.RangeOf(code)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.division_code, COALESCE(d.name, ''), r.category_code, COALESCE(c.name_zh, ''), COALESCE(c.name_en, ''),
			COUNT(*), MIN(r.created_at), MAX(r.created_at)
		FROM requests r LEFT JOIN divisions d ON d.code = r.division_code LEFT JOIN request_categories c ON c.code = r.category_code
		WHERE r.created_at >= $1 AND r.division_code BETWEEN $2 AND $3
		GROUP BY r.division_code, d.name, r.category_code, c.name_zh, c.name_en
		HAVING COUNT(*) >= $4
		ORDER BY COUNT(*) DESC, r.division_code, r.category_code LIMIT 500`, out.Since, lo, hi, out.Threshold)
	if err != nil {
		return nil, errs.Internal("request.StatsService.Alerts: select requests", err)
	}
	defer rows.Close()
	lang := i18n.From(ctx)
	for rows.Next() {
		var a ProactiveAlert
		var zh, en string
		var first, last timeValue
		if err := rows.Scan(&a.DivisionCode, &a.DivisionName, &a.CategoryCode, &zh, &en, &a.Count, &first, &last); err != nil {
			return nil, errs.Internal("request.StatsService.Alerts: select requests", err)
		}
		a.CategoryName = (&Category{NameZh: zh, NameEn: en}).Name(lang)
		a.First, a.Last = first.t, last.t
		out.Alerts = append(out.Alerts, a)
	}
	return out, rows.Err()
}

// CategoryCount is a category's requests in a month.
type CategoryCount struct {
	CategoryCode string `json:"category_code"`
	CategoryName string `json:"category_name"`
	Count        int64  `json:"count"`
}

// TopCategories is the month's most frequent categories of a division.
type TopCategories struct {
	Division string          `json:"division"`
	Month    string          `json:"month"`
	Items    []CategoryCount `json:"items"`
}

// Top lists the 10 categories with most requests in a month (default this
// month) in a division of the caller's area (default the area).
//
// Errors: EFORBIDDEN, EINVALID (division, month), ENOTFOUND (outside the area).
func (s *StatsService) Top(ctx context.Context, code, month string) (*TopCategories, error) {
	code, err := statsScope(ctx, code)
	if err != nil {
		return nil, err
	}
	if month == "" {
		month = s.StatsMonth()
	}
	from, to, ok := monthRange(month)
	if !ok {
		return nil, errs.Invalid(errs.Field("month", "request.stats.bad_month"))
	}
	lo, hi := division.RangeOf(code)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.category_code, COALESCE(c.name_zh, ''), COALESCE(c.name_en, ''), COUNT(*)
		FROM requests r LEFT JOIN request_categories c ON c.code = r.category_code
		WHERE r.created_at >= $1 AND r.created_at < $2 AND r.division_code BETWEEN $3 AND $4
		GROUP BY r.category_code, c.name_zh, c.name_en ORDER BY COUNT(*) DESC, r.category_code LIMIT 10`, from, to, lo, hi)
	if err != nil {
		return nil, errs.Internal("request.StatsService.Top: select requests", err)
	}
	defer rows.Close()
	out := &TopCategories{Division: code, Month: month, Items: []CategoryCount{}}
	lang := i18n.From(ctx)
	for rows.Next() {
		var c CategoryCount
		var zh, en string
		if err := rows.Scan(&c.CategoryCode, &zh, &en, &c.Count); err != nil {
			return nil, errs.Internal("request.StatsService.Top: select requests", err)
		}
		c.CategoryName = (&Category{NameZh: zh, NameEn: en}).Name(lang)
		out.Items = append(out.Items, c)
	}
	return out, rows.Err()
}

// timeValue scans a MIN/MAX of a timestamp column: PostgreSQL gives a
// time, SQLite the stored text.
type timeValue struct{ t time.Time }

func (v *timeValue) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		v.t = x.UTC()
	case string:
		v.t = parseStoredTime(x)
	case []byte:
		v.t = parseStoredTime(string(x))
	}
	return nil
}

func parseStoredTime(s string) time.Time {
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(f, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

type proactiveInput struct {
	Division string `query:"division" doc:"a division code in the caller's area; default the area itself"`
}
type proactiveOutput struct{ Body *ProactiveAlerts }
type topOutput struct{ Body *TopCategories }

// RegisterProactiveAPI adds the alert list and the monthly top categories.
func (s *StatsService) RegisterProactiveAPI(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "request-proactive-alerts", Method: http.MethodGet, Path: "/api/v1/requests/proactive",
		Summary: "未诉先办 alerts: communities with at least the threshold of requests of one category in the window (default 5 in 7 days)", Tags: []string{"requests"}},
		func(ctx context.Context, in *proactiveInput) (*proactiveOutput, error) {
			a, err := s.Alerts(ctx, strings.TrimSpace(in.Division))
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &proactiveOutput{Body: a}, nil
		})
	huma.Register(api, huma.Operation{OperationID: "request-top-categories", Method: http.MethodGet, Path: "/api/v1/requests/top-categories",
		Summary: "The month's 10 most frequent request categories in a division", Tags: []string{"requests"}},
		func(ctx context.Context, in *statsInput) (*topOutput, error) {
			t, err := s.Top(ctx, strings.TrimSpace(in.Division), strings.TrimSpace(in.Month))
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			return &topOutput{Body: t}, nil
		})
}

type proactivePage struct {
	Alerts *ProactiveAlerts
	Top    *TopCategories
	Months []string
}

// RegisterProactiveWeb adds the alert page (with the month's top categories).
func (s *StatsService) RegisterProactiveWeb(srv *web.Server) {
	srv.AddNav(web.NavItem{Key: "request.proactive.nav", Path: "/requests/proactive", Roles: StatsRoles, Order: 42, Group: web.NavRequests})
	srv.Page("GET /requests/proactive", func(w http.ResponseWriter, r *http.Request) error {
		q := r.URL.Query()
		a, err := s.Alerts(r.Context(), strings.TrimSpace(q.Get("division")))
		if err != nil {
			return err
		}
		t, err := s.Top(r.Context(), a.Division, strings.TrimSpace(q.Get("month")))
		if err != nil {
			return err
		}
		d := &proactivePage{Alerts: a, Top: t}
		m, _ := time.Parse("2006-01", s.StatsMonth())
		for i := 0; i < 12; i++ {
			d.Months = append(d.Months, m.AddDate(0, -i, 0).Format("2006-01"))
		}
		srv.Render.Render(w, http.StatusOK, "requeststats/proactive", srv.NewPage(r, "request.proactive.title", d))
		return nil
	})
}
