package app

import (
	"context"
	"log/slog"
	"time"

	"shequ/internal/request"
)

// The 三率 of resident requests (pages, API, Excel export), their measures
// for the indicator engine (kept by a leased job), and proactive-handling
// alerts. Open311 is wired here too, over the request service.
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := request.NewStatsService(a.DB)
		a.Measures.Register(request.StatsMeasures...)
		// Each run reads the 三率 summary (a few thousand rows a month), so
		// the indicator engine is at most a minute behind the stats pages.
		a.Jobs.Every(request.StatsJob, time.Minute, func(ctx context.Context) error {
			n, err := s.SyncStatsMeasures(SystemContext(ctx))
			if n > 0 {
				slog.Info("request stats measures updated", "changed", n)
			}
			return err
		})
		s.RegisterStatsWeb(a.Web)
		s.RegisterStatsAPI(a.API)
		s.RegisterProactiveWeb(a.Web)
		s.RegisterProactiveAPI(a.API)
		NewRequests(a).RegisterOpen311(a.Web)
	})
}
