package request

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
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

// StatsRoles may read the 三率 (request/stats) and the proactive alerts
// of their area.
var StatsRoles = []auth.Role{auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}

// StatsScope checks that code is a division in the caller's area (default
// the area itself) for the roles that read the 三率 and the alerts.
//
// Errors: EFORBIDDEN, EINVALID (division), ENOTFOUND (outside the area).
func StatsScope(ctx context.Context, code string) (string, error) {
	p, err := auth.Require(ctx, StatsRoles...)
	if err != nil {
		return "", err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	if code == "" {
		code = p.Area.Code
		if code == "" {
			return "", errs.Invalid(errs.Field("division", "error.required"))
		}
	}
	if !division.ValidCode(code) {
		return "", errs.Invalid(errs.Field("division", "division.code_format"))
	}
	if code < lo || code > hi {
		return "", errs.NotFound("request.stats.division_not_found", code)
	}
	return code, nil
}

// MonthRange is a month's (YYYY-MM, China time) start and end in UTC;
// false when month is not one between 2000 and 2100.
func MonthRange(month string) (time.Time, time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", month, china)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, time.Time{}, false
	}
	return t.UTC(), t.AddDate(0, 1, 0).UTC(), true
}

// month is the current month in China.
func (s *Service) month() string { return s.now().In(china).Format("2006-01") }

// Alerts lists, for a division in the caller's area (default the area),
// the communities with at least the threshold of requests of one category
// in the last days (settings proactive_threshold, default 5, and
// proactive_days, default 7), most requests first.
//
// Errors: EFORBIDDEN, EINVALID (division), ENOTFOUND (outside the area).
func (s *Service) Alerts(ctx context.Context, code string) (*ProactiveAlerts, error) {
	code, err := StatsScope(ctx, code)
	if err != nil {
		return nil, err
	}
	out := &ProactiveAlerts{Division: code, Threshold: s.Store.positiveSetting(ctx, SettingProactiveThreshold, 5),
		Days: s.Store.positiveSetting(ctx, SettingProactiveDays, 7)}
	out.Since = s.now().Add(-time.Duration(out.Days) * 24 * time.Hour)
	lo, hi := division.RangeOf(code)
	if out.Alerts, err = s.Store.alerts(ctx, out.Since, lo, hi, out.Threshold, i18n.From(ctx)); err != nil {
		return nil, err
	}
	return out, nil
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
func (s *Service) Top(ctx context.Context, code, month string) (*TopCategories, error) {
	code, err := StatsScope(ctx, code)
	if err != nil {
		return nil, err
	}
	if month == "" {
		month = s.month()
	}
	from, to, ok := MonthRange(month)
	if !ok {
		return nil, errs.Invalid(errs.Field("month", "request.stats.bad_month"))
	}
	lo, hi := division.RangeOf(code)
	items, err := s.Store.topCategories(ctx, from, to, lo, hi, i18n.From(ctx))
	if err != nil {
		return nil, err
	}
	return &TopCategories{Division: code, Month: month, Items: items}, nil
}

type proactiveInput struct {
	Division string `query:"division" doc:"a division code in the caller's area; default the area itself"`
}
type topInput struct {
	Division string `query:"division" doc:"a division code in the caller's area; default the area itself"`
	Month    string `query:"month" doc:"YYYY-MM (China time); default this month"`
}
type proactiveOutput struct{ Body *ProactiveAlerts }
type topOutput struct{ Body *TopCategories }

// RegisterProactiveAPI adds the alert list and the monthly top categories.
func (s *Service) RegisterProactiveAPI(api huma.API) {
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
		func(ctx context.Context, in *topInput) (*topOutput, error) {
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
func (s *Service) RegisterProactiveWeb(srv *web.Server) {
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
		m, _ := time.Parse("2006-01", s.month())
		for i := 0; i < 12; i++ {
			d.Months = append(d.Months, m.AddDate(0, -i, 0).Format("2006-01"))
		}
		srv.Render.Render(w, http.StatusOK, "request/proactive", srv.NewPage(r, "request.proactive.title", d))
		return nil
	})
}
