package app

import (
	"context"
	"time"

	"shequ/internal/volunteer"
)

// Volunteer service: pages, API, measures, and the daily job that moves
// volunteer.active across its 12-month boundary (a volunteer stops being
// active with no write to notice it).
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := volunteer.NewService(a.DB, a.Audit, a.Keys)
		a.Measures.Register(volunteer.Measures...)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
		a.Jobs.Every("volunteer.active", 24*time.Hour, func(ctx context.Context) error {
			return s.RefreshActive(SystemContext(ctx))
		})
	})
}
