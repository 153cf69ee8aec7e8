package app

// The plan indicators' dashboard pages and API, added through extraRoutes
// so that this slice's wiring stays out of the lines others edit in
// routes(). The service itself (a.Indicators) and its snapshot job are
// built in Open, since other slices register measures it reads.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		a.Indicators.RegisterWeb(a.Web)
		a.Indicators.RegisterAPI(a.API)
	})
}
