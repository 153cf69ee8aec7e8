package app

import "shequ/internal/auditlog"

// The auditor's pages and API, added through extraRoutes so that this
// slice's wiring stays out of the lines others edit in routes().
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := auditlog.New(a.Audit)
		s.RegisterWeb(a.Web)
		s.RegisterAPI(a.API)
	})
}
