package stats_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/request"
	"shequ/internal/request/stats"
)

// BenchmarkStatsAtScale bulk-loads synthetic requests straight into the
// tables (衡水's 5,118 communities, 36 months, one township unit per
// township and 26 county departments; default 3,000,000 requests, or
// SHEQU_BENCH_REQUESTS), then measures, each as p95 over repeated calls:
// the 三率 of the city by county for one month, a handling unit's list
// and a township's list (the core's List, first page).
//
//	SHEQU_BENCH_REQUESTS=3000000 go test -run '^$' -bench StatsAtScale -benchtime 1x -timeout 60m ./internal/request/stats/
func BenchmarkStatsAtScale(b *testing.B) {
	n := 3_000_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	a, sys, comms := apptest.Hengshui(b)
	rs := a.Requests
	if err := rs.SeedCategories(sys); err != nil {
		b.Fatal(err)
	}
	cats, err := rs.Store.DB.Q(sys).QueryContext(sys, `SELECT code FROM request_categories WHERE parent_code IS NOT NULL`)
	if err != nil {
		b.Fatal(err)
	}
	var catCodes []string
	for cats.Next() {
		var c string
		_ = cats.Scan(&c)
		catCodes = append(catCodes, c)
	}
	cats.Close()

	now := time.Now().UTC().Truncate(time.Second)
	t0 := time.Now()
	townUnit, counties := benchUnits(b, sys, a, comms, now)
	// Indexes are dropped during the load and built again after it, as a
	// bulk load would (much faster than keeping them row by row).
	idx, err := requestIndexes(sys, a)
	if err != nil {
		b.Fatal(err)
	}
	for name := range idx {
		if _, err := a.DB.W(sys).ExecContext(sys, `DROP INDEX `+name); err != nil {
			b.Fatal(err)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	sats := []string{"satisfied", "satisfied", "satisfied", "basically_satisfied", "not_satisfied", ""}
	start := now.AddDate(-3, 0, 0)
	span := now.Sub(start)
	const chunk = 50_000
	for done := 0; done < n; done += chunk {
		var reqs, assigns [][]any
		for i := done; i < min(done+chunk, n); i++ {
			rid := int64(i + 1)
			c := comms[r.IntN(len(comms))].Code
			// Created in order of id, as intake does.
			created := start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
			unit := townUnit[division.Code(c).Township()]
			if r.IntN(100) < 15 {
				unit = counties[division.Code(c).County()] + int64(r.IntN(2))
			}
			var responded, resolved any
			if r.IntN(100) < 95 {
				responded = created.Add(time.Duration(r.IntN(30)) * time.Hour)
			}
			if r.IntN(100) < 90 {
				resolved = created.Add(time.Duration(r.IntN(9*24)) * time.Hour)
			}
			reqs = append(reqs, []any{rid, c, catCodes[r.IntN(len(catCodes))], "general", "closed", "web", "标题", "描述内容", unit, unit,
				created.Add(24 * time.Hour), created.Add(7 * 24 * time.Hour), responded, resolved, r.IntN(200) == 0, sats[r.IntN(len(sats))], created, "bench", created, c[:9] + "000", c[:6] + "000000"})
			assigns = append(assigns, []any{rid, unit, "lead", created})
		}
		err := a.DB.WithTx(sys, func(ctx context.Context) error {
			if err := benchInsert(ctx, a, `INSERT INTO requests (id, division_code, category_code, urgency, status, channel, title, description, unit_id, first_unit_id,
				response_due, resolution_due, responded_at, resolved_at, excluded, satisfaction, created_at, created_by, updated_at, township_code, county_code) VALUES `, reqs); err != nil {
				return err
			}
			return benchInsert(ctx, a, `INSERT INTO request_assignments (request_id, unit_id, role, assigned_at) VALUES `, assigns)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for name, def := range idx {
		if _, err := a.DB.W(sys).ExecContext(sys, def); err != nil {
			b.Fatalf("%s: %v", name, err)
		}
	}
	if _, err := a.DB.W(sys).ExecContext(sys, `ANALYZE`); err != nil {
		b.Logf("analyze: %v", err)
	}
	st := stats.NewService(a.DB)
	// The load bypassed the service, which keeps the 三率 summary.
	if err := st.RebuildSummary(sys); err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d requests in %s", n, time.Since(t0).Round(time.Second))

	st.Now = func() time.Time { return now }
	month := now.In(calendar.China).AddDate(0, -1, 0).Format("2006-01")
	city := auth.With(context.Background(), &auth.Principal{UserID: 1, Name: "city", Role: auth.CityStaff, Area: auth.AreaOf("131100000000", 2)})
	unit := auth.With(context.Background(), &auth.Principal{UserID: 900001, Name: "bench-unit", Role: auth.HandlingUnit, Area: auth.AreaOf(division.Code(comms[0].Code).County(), 3)})
	town := auth.With(context.Background(), &auth.Principal{UserID: 900002, Name: "bench-township", Role: auth.TownshipStaff, Area: auth.AreaOf(division.Code(comms[0].Code).Township(), 4)})
	p95 := func(name string, runs int, fn func() error) {
		b.Run(name, func(b *testing.B) {
			var ls []time.Duration
			for i := 0; i < b.N; i++ {
				for k := 0; k < runs; k++ {
					t := time.Now()
					if err := fn(); err != nil {
						b.Fatal(err)
					}
					ls = append(ls, time.Since(t))
				}
			}
			sort.Slice(ls, func(i, j int) bool { return ls[i] < ls[j] })
			b.ReportMetric(float64(ls[len(ls)*95/100].Microseconds())/1000, "p95-ms")
			b.ReportMetric(float64(ls[len(ls)/2].Microseconds())/1000, "p50-ms")
		})
	}
	p95("RatesCityByCounty", 20, func() error {
		s, err := st.Rates(city, "131100000000", month, false)
		if err == nil && s.Division.Total < int64(n/40) {
			err = fmt.Errorf("city %s: %d requests", month, s.Division.Total)
		}
		return err
	})
	p95("UnitList", 100, func() error {
		items, _, err := rs.List(unit, request.Filter{}, 1, 20)
		if err == nil && len(items) == 0 {
			err = fmt.Errorf("unit list: empty")
		}
		return err
	})
	p95("TownshipList", 100, func() error {
		items, _, err := rs.List(town, request.Filter{}, 1, 20)
		if err == nil && len(items) == 0 {
			err = fmt.Errorf("township list: empty")
		}
		return err
	})
	p95("TownshipListStatus", 100, func() error {
		_, _, err := rs.List(town, request.Filter{Status: request.StatusClosed}, 1, 20)
		return err
	})
}

// benchUnits adds a unit per township and two departments per county, a
// handling-unit account in the first county's first department and a
// township account; it returns the township units and the first
// department id of each county.
func benchUnits(b *testing.B, sys context.Context, a *app.App, comms []division.Division, now time.Time) (map[string]int64, map[string]int64) {
	townUnit, county := map[string]int64{}, map[string]int64{}
	var units [][]any
	id := int64(0)
	for _, c := range comms {
		t, cc := division.Code(c.Code).Township(), division.Code(c.Code).County()
		if _, ok := townUnit[t]; !ok {
			id++
			townUnit[t] = id
			units = append(units, []any{id, "乡镇" + t, "township", t, true, now})
		}
		if _, ok := county[cc]; !ok {
			d := int64(10000 + 2*len(county))
			county[cc] = d
			units = append(units, []any{d, "部门" + cc + "-0", "department", cc, true, now}, []any{d + 1, "部门" + cc + "-1", "department", cc, true, now})
		}
	}
	first := comms[0].Code
	err := a.DB.WithTx(sys, func(ctx context.Context) error {
		if err := benchInsert(ctx, a, `INSERT INTO request_units (id, name, kind, division_code, active, created_at) VALUES `, units); err != nil {
			return err
		}
		if err := benchInsert(ctx, a, `INSERT INTO users (id, name, role, area_code, password_hash, created_at, updated_at) VALUES `, [][]any{
			{int64(900001), "bench-unit", "handling_unit", first[:6] + "000000", "x", now, now},
			{int64(900002), "bench-township", "township_staff", first[:9] + "000", "x", now, now}}); err != nil {
			return err
		}
		return benchInsert(ctx, a, `INSERT INTO request_unit_members (user_id, unit_id) VALUES `, [][]any{{int64(900001), county[division.Code(first).County()]}})
	})
	if err != nil {
		b.Fatal(err)
	}
	return townUnit, county
}

// benchInsert writes rows with multi-row INSERTs in ctx's transaction.
func benchInsert(ctx context.Context, a *app.App, head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	q := a.DB.Q(ctx)
	cols := len(rows[0])
	per := 30000 / cols
	for i := 0; i < len(rows); i += per {
		part := rows[i:min(i+per, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(part)*cols)
		for j, r := range part {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for k := range r {
				if k > 0 {
					sb.WriteByte(',')
				}
				// SQLite binds "?" in constant time; "$n" names are
				// looked up one by one, quadratic in a 30,000-value row.
				if a.DB.Dialect == db.SQLite {
					sb.WriteByte('?')
				} else {
					sb.WriteByte('$')
					sb.WriteString(strconv.Itoa(len(args) + k + 1))
				}
			}
			sb.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := q.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// requestIndexes reads the definitions of the secondary indexes of
// requests and request_assignments (name → CREATE statement).
func requestIndexes(ctx context.Context, a *app.App) (map[string]string, error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('requests', 'request_assignments') AND sql IS NOT NULL`
	if a.DB.Dialect == db.Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('requests', 'request_assignments') AND indexname NOT LIKE '%_pkey'`
	}
	rows, err := a.DB.Q(ctx).QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var n, d string
		if err := rows.Scan(&n, &d); err != nil {
			return nil, err
		}
		out[n] = d
	}
	return out, rows.Err()
}
