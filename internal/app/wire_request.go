package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"shequ/internal/care"
	"shequ/internal/platform/calendar"
	"shequ/internal/request"
)

// NewRequests builds the requests service over the app's database with
// the working-day calendar (shipped days and the database's additions);
// tests use it to drive the deadline job with their clock.
func NewRequests(a *App) *request.Service {
	cal, err := calendar.Load(context.Background(), a.DB)
	if err != nil {
		slog.Error("request calendar: using the shipped days only", "err", err)
		cal = nil
	}
	return request.NewService(a.DB, a.Audit, a.Keys, cal)
}

// Resident requests (接诉即办): intake, the dispatch catalogue, handling,
// deadlines with a leased job that warns and escalates, callbacks,
// ratings, appeals, and the outbox of notifications delivered by a leased
// job (the default sender logs each message and marks it sent).
func init() {
	extraRoutes = append(extraRoutes, func(a *App) {
		s := NewRequests(a)
		if err := s.SeedCategories(SystemContext(context.Background())); err != nil {
			slog.Error("request categories", "err", err)
		}
		a.Jobs.Every(request.DeadlineJob, 5*time.Minute, func(ctx context.Context) error {
			// Days another node added to the calendar count from here on.
			if err := s.Calendar.Reload(ctx, a.DB); err != nil {
				return err
			}
			_, err := s.RunDeadlines(SystemContext(ctx))
			return err
		})
		a.Jobs.Every(request.OutboxJob, 15*time.Second, func(ctx context.Context) error {
			_, err := s.Outbox.Deliver(SystemContext(ctx), 500)
			return err
		})
		s.RegisterAPI(a.API)
		s.RegisterWeb(a.Web)
	})
}

// CareRequests opens a request for a visit's follow-up (channel visit,
// category elderly care, in the visit's community), in the visit's
// transaction, as the visiting worker. The visits slice uses it as its
// care.RequestOpener (care.Service.Requests).
func CareRequests(s *request.Service) care.RequestOpener { return careOpener{s} }

type careOpener struct{ s *request.Service }

func (c careOpener) OpenFromVisit(ctx context.Context, f care.FollowUp) (int64, error) {
	r, err := c.s.Create(ctx, request.NewRequest{DivisionCode: f.DivisionCode, CategoryCode: "social.elderly",
		Channel: request.ChannelVisit, ContactName: f.PersonName, Title: "探访发现：" + f.PersonName,
		Description: fmt.Sprintf("探访发现(探访记录 %d)：%s", f.VisitID, f.Text)})
	if err != nil {
		return 0, err
	}
	return r.ID, nil
}
