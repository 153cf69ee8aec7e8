package app

import "shequ/internal/organization"

// The social organisation registry: pages, API and measures.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := organization.NewService(a.DB, a.Audit)
		a.Measures.Register(organization.Measures...)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
	})
}
