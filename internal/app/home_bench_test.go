package app_test

import (
	"context"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// fillTownship stores open requests in the township's two communities
// (SHEQU_BENCH_OPEN, default 10,000: to dispatch, dispatched, in hand,
// returned and replied, their deadlines from 10 days ago to 10 days ahead)
// and twice as many closed ones, with the rest of the county's requests
// beside them, in one transaction.
func fillTownship(b *testing.B, e *apptest.Env, open int) {
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		b.Fatal(err)
	}
	statuses := []string{request.StatusSubmitted, request.StatusDispatched, request.StatusAccepted, request.StatusAccepted,
		request.StatusReturned, request.StatusReplied}
	comms := []string{apptest.Community, apptest.SiblingCommunity}
	now := time.Now().UTC()
	err = e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		w := e.App.DB.W(ctx)
		put := func(i int, c, status string, closed bool) error {
			at := now.Add(-time.Duration(i%(30*24)) * time.Hour)
			due := now.Add(time.Duration(i%(20*24)-10*24) * time.Hour)
			var unitID any
			if status != request.StatusSubmitted && status != request.StatusReturned {
				unitID = unit.ID
			}
			var closedAt any
			if closed {
				status, closedAt = request.StatusClosed, at.Add(time.Hour)
			}
			_, err := w.ExecContext(ctx, `INSERT INTO requests (division_code, category_code, urgency, status, channel, title, description,
				unit_id, response_due, resolution_due, closed_at, created_at, created_by, updated_at, township_code, county_code)
				VALUES ($1, 'city.road', 'general', $2, 'web', '路面破损', '路面破损需要修补', $3, $4, $5, $6, $7, 'bench', $7, $8, $9)`,
				c, status, unitID, at.Add(24*time.Hour), due, closedAt, at, request.TownshipOf(c), request.CountyOf(c))
			return err
		}
		for i := 0; i < open; i++ {
			if err := put(i, comms[i%len(comms)], statuses[i%len(statuses)], false); err != nil {
				return err
			}
		}
		for i := 0; i < 2*open; i++ {
			if err := put(i, comms[i%len(comms)], request.StatusAccepted, true); err != nil {
				return err
			}
			if err := put(i, apptest.CousinCommunity, statuses[i%len(statuses)], i%3 != 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.App.DB.Writer().ExecContext(e.Ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTownshipHome: the home page of a township's staff over HTTP
// (the work queues and the header's unread count), with 10,000 open
// requests in the township; reports p50 and p95 of the page's time.
func BenchmarkTownshipHome(b *testing.B) {
	open := 10_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_OPEN")); err == nil && v > 0 {
		open = v
	}
	e := apptest.New(b)
	s := e.Session(auth.TownshipStaff, apptest.Township)
	fillTownship(b, e, open)
	var took []time.Duration
	for b.Loop() {
		start := time.Now()
		res := s.Get("/")
		took = append(took, time.Since(start))
		if res.StatusCode != http.StatusOK {
			b.Fatalf("home: %d", res.StatusCode)
		}
	}
	slices.Sort(took)
	q := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.95), "p95-ms")
}
