package request_test

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

	"shequ/data"
	"shequ/internal/app"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/request"
)

// BenchmarkStatsAtScale bulk-loads synthetic requests straight into the
// tables (衡水's 5,118 communities, 36 months, one township unit per
// township and 26 county departments; default 3,000,000 requests, or
// SHEQU_BENCH_REQUESTS), then measures, each as p95 over repeated calls:
// the 三率 of the city by county for one month, a handling unit's list
// and a township's list (the core's List, first page).
//
//	SHEQU_BENCH_REQUESTS=3000000 go test -run '^$' -bench StatsAtScale -benchtime 1x -timeout 60m ./internal/request/
func BenchmarkStatsAtScale(b *testing.B) {
	n := 3_000_000
	if v, err := strconv.Atoi(os.Getenv("SHEQU_BENCH_REQUESTS")); err == nil && v > 0 {
		n = v
	}
	cfg := dbtest.Config(b)
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: cfg.DataDir, DBURL: cfg.URL})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	sys := app.SystemContext(ctx)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.Divisions.ImportCSV(sys, f, nil); err != nil {
		b.Fatal(err)
	}
	f.Close()
	comms, err := a.Divisions.Store.Communities(sys)
	if err != nil {
		b.Fatal(err)
	}
	rs := app.NewRequests(a)
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
	start := now.AddDate(-3, 0, 0)
	townUnit := map[string]int64{}
	var counties []string
	t0 := time.Now()
	err = a.DB.WithTx(sys, func(ctx context.Context) error {
		q := a.DB.Q(ctx)
		insert := func(head string, rows [][]any) error {
			if len(rows) == 0 {
				return nil
			}
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
						sb.WriteByte('$')
						sb.WriteString(strconv.Itoa(len(args) + k + 1))
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
		var units, users, members [][]any
		id := int64(0)
		for _, c := range comms {
			t := c.Code[:9] + "000"
			if _, ok := townUnit[t]; !ok {
				id++
				townUnit[t] = id
				units = append(units, []any{id, "乡镇" + t, "township", t, true, now})
			}
			if cc := c.Code[:6] + "000000"; len(counties) == 0 || counties[len(counties)-1] != cc {
				counties = append(counties, cc)
			}
		}
		for i, c := range counties {
			for k := 0; k < 2; k++ {
				units = append(units, []any{int64(10000 + 2*i + k), fmt.Sprintf("部门%d-%d", i, k), "department", c, true, now})
			}
		}
		users = append(users, []any{int64(900001), "bench-unit", "handling_unit", counties[0], "x", now, now},
			[]any{int64(900002), "bench-township", "township_staff", comms[0].Code[:9] + "000", "x", now, now})
		members = append(members, []any{int64(900001), int64(10000)})
		if err := insert(`INSERT INTO request_units (id, name, kind, division_code, active, created_at) VALUES `, units); err != nil {
			return err
		}
		if err := insert(`INSERT INTO users (id, name, role, area_code, password_hash, created_at, updated_at) VALUES `, users); err != nil {
			return err
		}
		if err := insert(`INSERT INTO request_unit_members (user_id, unit_id) VALUES `, members); err != nil {
			return err
		}
		r := rand.New(rand.NewPCG(1, 2))
		sats := []string{"satisfied", "satisfied", "satisfied", "basically_satisfied", "not_satisfied", ""}
		const chunk = 50_000
		span := now.Sub(start)
		for done := 0; done < n; done += chunk {
			var reqs, assigns [][]any
			for i := done; i < min(done+chunk, n); i++ {
				rid := int64(i + 1)
				c := comms[r.IntN(len(comms))].Code
				// Created in order of id, as intake does.
				created := start.Add(time.Duration(float64(span) * float64(i) / float64(n)))
				unit := townUnit[c[:9]+"000"]
				if r.IntN(100) < 15 {
					ci := 0
					for k, cc := range counties {
						if cc[:6] == c[:6] {
							ci = k
						}
					}
					unit = int64(10000 + 2*ci + r.IntN(2))
				}
				respDue, resolDue := created.Add(24*time.Hour), created.Add(7*24*time.Hour)
				var responded, resolved any
				if r.IntN(100) < 95 {
					responded = created.Add(time.Duration(r.IntN(30)) * time.Hour)
				}
				if r.IntN(100) < 90 {
					resolved = created.Add(time.Duration(r.IntN(9*24)) * time.Hour)
				}
				reqs = append(reqs, []any{rid, c, catCodes[r.IntN(len(catCodes))], "general", "closed", "web", "标题", "描述内容", unit, unit,
					respDue, resolDue, responded, resolved, r.IntN(200) == 0, sats[r.IntN(len(sats))], created, "bench", created})
				assigns = append(assigns, []any{rid, unit, "lead", created})
			}
			if err := insert(`INSERT INTO requests (id, division_code, category_code, urgency, status, channel, title, description, unit_id, first_unit_id,
				response_due, resolution_due, responded_at, resolved_at, excluded, satisfaction, created_at, created_by, updated_at) VALUES `, reqs); err != nil {
				return err
			}
			if err := insert(`INSERT INTO request_assignments (request_id, unit_id, role, assigned_at) VALUES `, assigns); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := a.DB.W(sys).ExecContext(sys, `ANALYZE`); err != nil {
		b.Logf("analyze: %v", err)
	}
	b.Logf("loaded %d requests in %s", n, time.Since(t0).Round(time.Second))

	st := request.NewStatsService(a.DB)
	st.Now = func() time.Time { return now }
	month := now.In(time.FixedZone("CST", 8*3600)).AddDate(0, -1, 0).Format("2006-01")
	city := auth.With(ctx, &auth.Principal{UserID: 1, Name: "city", Role: auth.CityStaff, Area: auth.AreaOf("131100000000", 2)})
	unit := auth.With(ctx, &auth.Principal{UserID: 900001, Name: "bench-unit", Role: auth.HandlingUnit, Area: auth.AreaOf(counties[0], 3)})
	town := auth.With(ctx, &auth.Principal{UserID: 900002, Name: "bench-township", Role: auth.TownshipStaff, Area: auth.AreaOf(comms[0].Code[:9]+"000", 4)})
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
		if err == nil && len(items) != 20 {
			err = fmt.Errorf("unit list: %d", len(items))
		}
		return err
	})
	p95("TownshipList", 100, func() error {
		items, _, err := rs.List(town, request.Filter{}, 1, 20)
		if err == nil && len(items) != 20 {
			err = fmt.Errorf("township list: %d", len(items))
		}
		return err
	})
	p95("TownshipListStatus", 100, func() error {
		_, _, err := rs.List(town, request.Filter{Status: request.StatusClosed}, 1, 20)
		return err
	})
}
