package app

import (
	"context"
	"time"

	"shequ/internal/person"
)

// The people registry: pages, API, measures, and the job that moves the
// measures across the date boundary (a membership that begins or ends
// today).
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := person.NewService(a.DB, a.Audit, a.Keys)
		a.Measures.Register(person.Measures...)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
		a.Jobs.Every("person.date_boundary", time.Hour, func(ctx context.Context) error {
			return s.Reconcile(SystemContext(ctx), false)
		})
	})
}
