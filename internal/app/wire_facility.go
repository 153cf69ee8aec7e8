package app

import (
	"context"

	"shequ/internal/facility"
)

// The service-facility registry: its pages, API and measures, which follow
// the communities' profiles (relocation) and rebuilds of the tree.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := facility.NewService(a.DB, a.Audit)
		a.Measures.Register(facility.Measures...)
		a.Divisions.ProfileListeners = append(a.Divisions.ProfileListeners, func(ctx context.Context, code string) error {
			return s.Refresh(ctx, code)
		})
		a.Divisions.RebuildListeners = append(a.Divisions.RebuildListeners, s.RebuildMeasures)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
	})
}
