package request_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// fill inserts n requests spread over the fixture's communities, each
// dispatched to one of the fixture's units, in one transaction.
func fill(b *testing.B, f *fixture, n int) {
	comms := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.RuralCommunity, apptest.FarCommunity}
	units := []int64{f.water.ID, f.township.ID, f.cousin.ID}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err := f.e.App.DB.WithTx(f.e.Ctx, func(ctx context.Context) error {
		w := f.e.App.DB.W(ctx)
		for i := 0; i < n; i++ {
			at := start.Add(time.Duration(i) * 30 * time.Second)
			unit, c := units[i%len(units)], comms[i%len(comms)]
			var id int64
			if err := w.QueryRowContext(ctx, `INSERT INTO requests (division_code, category_code, urgency, status, channel, title, description,
				unit_id, response_due, resolution_due, created_at, created_by, updated_at, township_code, county_code)
				VALUES ($1, 'city.road', 'general', 'accepted', 'web', '路面破损', '路面破损需要修补', $2, $3, $4, $5, 'bench', $5, $6, $7) RETURNING id`,
				c, unit, at.Add(24*time.Hour), at.Add(7*24*time.Hour), at, request.TownshipOf(c), request.CountyOf(c)).Scan(&id); err != nil {
				return err
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO request_assignments (request_id, unit_id, role, assigned_at) VALUES ($1, $2, 'lead', $3)`,
				id, unit, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Fresh statistics, as autovacuum (PostgreSQL) or the optimizer's
	// defaults (SQLite) give a table that has lived a while.
	if _, err := f.e.App.DB.Writer().ExecContext(f.e.Ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkList: the first page (50) of a unit's list, a township's list
// and a county's list filtered by status, with SHEQU_BENCH_REQUESTS
// requests stored (default 200,000).
func BenchmarkList(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	f := setup(b)
	fill(b, f, n)
	cases := []struct {
		name string
		ctx  context.Context
		f    request.Filter
	}{
		{"unit", f.unitCtx, request.Filter{}},
		{"township", as(b, f.e, auth.TownshipStaff, apptest.Township), request.Filter{}},
		{"county-status", as(b, f.e, auth.CountyStaff, apptest.County), request.Filter{Status: request.StatusAccepted}},
		{"community", as(b, f.e, auth.CommunityWorker, apptest.Community), request.Filter{}},
		{"city", as(b, f.e, auth.CityStaff, apptest.City), request.Filter{}},
		{"city-township-filter", as(b, f.e, auth.CityStaff, apptest.City), request.Filter{Division: apptest.SiblingTownship}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				items, _, err := f.s.List(c.ctx, c.f, 1, 50)
				if err != nil || len(items) != 50 {
					b.Fatalf("%d items, %v", len(items), err)
				}
			}
		})
	}
}

// BenchmarkCreate: intake by a resident through the service (one
// transaction with the timeline, the audit record and the outbox message),
// with a catalogue rule to find; parallel as many clients would.
func BenchmarkCreate(b *testing.B) {
	f := setup(b)
	if _, err := f.s.SetPolicy(f.e.Ctx, request.PolicyInput{CategoryCode: "utility", DivisionCode: apptest.County, UnitID: f.water.ID}); err != nil {
		b.Fatal(err)
	}
	ctx := as(b, f.e, auth.Resident, apptest.Community)
	in := request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water", Description: "楼道水管漏水需要维修",
		Phone: "13812345678", Address: "游园小区 3 号楼"}
	b.SetParallelism(16)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := f.s.Create(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
