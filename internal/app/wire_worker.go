package app

import (
	"context"
	"time"

	"shequ/internal/worker"
)

// The community worker registry: pages, API, measures, and the job that
// moves the measures across the date boundary (a time in post that begins
// or ends today) and into a new year.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := worker.NewService(a.DB, a.Audit, a.Keys)
		a.Measures.Register(worker.Measures...)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
		// A division import may change a community's kind (urban/rural).
		a.Divisions.RebuildListeners = append(a.Divisions.RebuildListeners, func(ctx context.Context) error {
			return s.Reconcile(ctx, false)
		})
		a.Jobs.Every("worker.date_boundary", time.Hour, func(ctx context.Context) error {
			return s.Reconcile(SystemContext(ctx), false)
		})
	})
}
