package indicator_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"shequ/data"
	"shequ/internal/app"
	"shequ/internal/demo"
	"shequ/internal/division"
	"shequ/internal/indicator"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/measure"
)

// Benchmarks of the dashboard at city and province scale:
//
//	go test -run '^$' -bench . -benchtime 200x ./internal/indicator/
//	SHEQU_TEST_POSTGRES=postgres://… go test -run '^$' -bench Province ./internal/indicator/
//
// Each reports its p95 (ms) beside ns/op, and the city benchmark also
// computes the same figures by aggregating the per-community values per
// request (GROUP BY over measure_values, as a system without rollups
// would), checks that they agree, and logs the ratio.

type benchWorld struct {
	App  *app.App
	Svc  *indicator.Service
	Reg  *measure.Registry
	Ctx  context.Context // a reader whose area is the root
	Root string
}

// loadWorld opens a fresh database with a division file, demo profiles
// (population total) and synthetic measures at the densities of about
// 3.9 facilities and 1.6 workers per community (20,000 and 8,000 for the
// 5,118 communities of 衡水).
func loadWorld(b *testing.B, r io.Reader, root string, rootLevel int, population int64) *benchWorld {
	b.Helper()
	cfg := dbtest.Config(b)
	ctx := context.Background()
	a, err := app.Open(ctx, app.Config{DataDir: cfg.DataDir, DBURL: cfg.URL})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	sys := app.SystemContext(ctx)
	if _, err := a.Divisions.ImportCSV(sys, r, nil); err != nil {
		b.Fatal(err)
	}
	comms, err := a.Divisions.Store.Communities(sys)
	if err != nil {
		b.Fatal(err)
	}
	profiles := demo.Profiles(comms, population, 42)
	if err := a.DB.WithTx(sys, func(ctx context.Context) error {
		if err := a.Divisions.Store.InsertProfiles(ctx, profiles, "bench", time.Now().UTC()); err != nil {
			return err
		}
		return a.Divisions.RebuildMeasures(ctx)
	}); err != nil {
		b.Fatal(err)
	}
	reg := measure.NewRegistry()
	reg.Register(division.Measures...)
	eng, err := indicator.NewEngine(a.DB, reg)
	if err != nil {
		b.Fatal(err)
	}
	// Every measure the plan reads, under its real name, in this test's
	// registry (the slices that keep them may not be wired).
	periodOf := map[string]string{}
	for _, d := range eng.Defs {
		for _, m := range append(slices.Clone(d.Formula.Num), d.Formula.Den...) {
			if _, ok := reg.Lookup(m); ok {
				continue
			}
			owner, _, _ := strings.Cut(m, ".")
			def := measure.Def{Name: m, Owner: owner, Periodic: d.Formula.Period != ""}
			if strings.Contains(m, "area") {
				def.Scale = 100
			}
			reg.Register(def)
			periodOf[m] = d.Formula.Period
		}
	}
	vals := synthetic(b, a, comms, profiles)
	for name, v := range vals {
		if err := eng.Measures.Rebuild(sys, measure.Key(name, eng.Period(periodOf[name])), v); err != nil {
			b.Fatal(err)
		}
	}
	svc := &indicator.Service{DB: a.DB, Engine: eng, Divisions: a.Divisions, Audit: a.Audit}
	rctx := auth.With(ctx, &auth.Principal{Name: "bench", Role: auth.CityStaff, Area: auth.AreaOf(root, rootLevel)})
	return &benchWorld{App: a, Svc: svc, Reg: reg, Ctx: rctx, Root: root}
}

// synthetic makes per-division values of the measures other slices keep.
func synthetic(b *testing.B, a *app.App, comms []division.Division, profiles []division.Profile) map[string]map[string]int64 {
	b.Helper()
	r := rand.New(rand.NewPCG(7, 8))
	out := map[string]map[string]int64{}
	set := func(name, code string, v int64) {
		if out[name] == nil {
			out[name] = map[string]int64{}
		}
		if v != 0 {
			out[name][code] += v
		}
	}
	yes := func(p float64) int64 {
		if r.Float64() < p {
			return 1
		}
		return 0
	}
	reloc := map[string]bool{}
	for _, p := range profiles {
		reloc[p.Code] = p.Relocation
	}
	facilities, workers := 0, 0
	for _, c := range comms {
		urban, rural := c.Kind == "urban", c.Kind == "rural"
		nFac := r.IntN(9) // mean 4
		facilities += nFac
		comp := int64(0)
		if nFac > 0 {
			comp = yes(.85)
		}
		area := comp * int64(30000+r.IntN(120000)) // hundredths of m²
		if rural {
			set("facility.rural_with_comprehensive", c.Code, comp)
		}
		if urban {
			set("facility.urban_with_comprehensive", c.Code, comp)
			set("facility.floor_area_urban", c.Code, area+int64(nFac)*int64(r.IntN(20000)))
			set("facility.urban_with_terminal", c.Code, yes(.6))
		}
		set("facility.comprehensive_floor_area", c.Code, area)
		set("facility.comprehensive_activity_area", c.Code, area*int64(55+r.IntN(20))/100)
		set("facility.comprehensive_in_use", c.Code, comp)
		set("facility.comprehensive_open_8h", c.Code, comp*yes(.8))
		set("facility.with_practice_station_and_volunteer_point", c.Code, yes(.8))
		set("facility.with_home_care", c.Code, yes(.7))
		set("facility.with_fitness_circle", c.Code, yes(.75))
		if reloc[c.Code] {
			set("facility.relocation_with_facility", c.Code, comp)
		}
		nW := int64(r.IntN(4)) // mean 1.5
		workers += int(nW)
		if urban {
			set("worker.in_post_urban", c.Code, nW)
		}
		set("worker.with_disaster_officer", c.Code, min(nW, 1)*yes(.9))
		set("worker.leaders_in_post", c.Code, 2)
		set("worker.leaders_trained", c.Code, int64(r.IntN(3)))
		set("organization.full_time_staff", c.Code, int64(r.IntN(5)))
		set("organization.with_disabled_association", c.Code, yes(.7))
		due := int64(r.IntN(20))
		set("care.elderly_due", c.Code, due)
		set("care.elderly_visited", c.Code, max(0, due-int64(r.IntN(3))))
		set("survey.communities_surveyed", c.Code, yes(.5))
		set("proxy.communities_offering", c.Code, yes(.6))
		// Townships and counties: one value at the division itself.
		tw := division.ParentOf(c.Code, division.Community)
		if _, ok := out["facility.townships_with_social_work_station"][tw]; !ok {
			set("facility.townships_with_social_work_station", tw, yes(.7))
			out["facility.townships_with_social_work_station"][tw] += 0
		}
		co := division.ParentOf(tw, division.Township)
		if _, ok := out["organization.counties_with_incubation_base"][co]; !ok {
			set("organization.counties_with_incubation_base", co, yes(.6))
			out["organization.counties_with_incubation_base"][co] += 0
		}
	}
	b.Logf("%d communities, %d synthetic facilities, %d workers", len(comms), facilities, workers)
	return out
}

// timed runs f b.N times and reports the p95 and p50 in milliseconds.
func timed(b *testing.B, f func() error) {
	b.Helper()
	var ds []time.Duration
	for b.Loop() {
		t := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t))
	}
	slices.Sort(ds)
	if len(ds) > 0 {
		b.ReportMetric(float64(ds[len(ds)*95/100].Microseconds())/1000, "p95-ms")
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	}
}

// raw computes the numerator and denominator of every indicator at a
// division and its children the way a system without rollups would: one
// GROUP BY over the per-division values under the division, by child
// prefix, per request (and the same read of targets as the engine).
func raw(ctx context.Context, w *benchWorld, code string, level int) (map[string]map[string][2]float64, error) {
	eng := w.Svc.Engine
	var keys []string
	seen := map[string]bool{}
	for _, d := range eng.Defs {
		p := eng.Period(d.Formula.Period)
		for _, m := range append(slices.Clone(d.Formula.Num), d.Formula.Den...) {
			if k := measure.Key(m, p); !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	lo, hi := auth.AreaOf(code, level).Range()
	n := division.PrefixLen[level+1]
	args := []any{n, lo, hi}
	ph := make([]string, len(keys))
	for i, k := range keys {
		args = append(args, k)
		ph[i] = fmt.Sprintf("$%d", i+4)
	}
	rows, err := eng.DB.Q(ctx).QueryContext(ctx, `SELECT substr(division_code, 1, $1), measure, sum(value) FROM measure_values
		WHERE division_code BETWEEN $2 AND $3 AND measure IN (`+strings.Join(ph, ",")+`) GROUP BY substr(division_code, 1, $1), measure`, args...)
	if err != nil {
		return nil, err
	}
	sums := map[string]map[string]int64{} // child prefix → key → sum
	total := map[string]int64{}
	for rows.Next() {
		var p, k string
		var v int64
		if err := rows.Scan(&p, &k, &v); err != nil {
			rows.Close()
			return nil, err
		}
		child := p + strings.Repeat("0", 12-len(p))
		if sums[child] == nil {
			sums[child] = map[string]int64{}
		}
		sums[child][k] += v
		total[k] += v
	}
	rows.Close()
	sums[code] = total
	var t int
	if err := eng.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM indicator_targets WHERE year = $1 AND division_code BETWEEN $2 AND $3`,
		eng.Year(), lo, hi).Scan(&t); err != nil {
		return nil, err
	}
	out := map[string]map[string][2]float64{}
	for c, s := range sums {
		out[c] = map[string][2]float64{}
		for _, d := range eng.Defs {
			p := eng.Period(d.Formula.Period)
			side := func(names []string) float64 {
				var x float64
				for _, m := range names {
					def, _ := w.Reg.Lookup(m)
					x += float64(s[measure.Key(m, p)]) / float64(def.Scale)
				}
				return x
			}
			out[c][d.Code] = [2]float64{side(d.Formula.Num), side(d.Formula.Den)}
		}
	}
	return out, nil
}

// agree checks the rollups against the raw aggregation once.
func agree(b *testing.B, w *benchWorld, code string, level int) {
	b.Helper()
	t, err := w.Svc.Table(w.Ctx, code, true)
	if err != nil {
		b.Fatal(err)
	}
	rw, err := raw(w.Ctx, w, code, level)
	if err != nil {
		b.Fatal(err)
	}
	check := func(c string, figs []indicator.Figure) {
		for _, f := range figs {
			want := rw[c][f.Indicator]
			if math.Abs(f.Numerator-want[0]) > 1e-6 || math.Abs(f.Denominator-want[1]) > 1e-6 {
				b.Fatalf("%s at %s: rollups %v/%v, raw %v/%v", f.Indicator, c, f.Numerator, f.Denominator, want[0], want[1])
			}
			if f.Status == indicator.Awaiting {
				b.Fatalf("%s awaits %s in the bench registry", f.Indicator, f.Awaiting)
			}
		}
	}
	check(code, t.Figures)
	for _, c := range t.Children {
		check(c.Division.Code, c.Figures)
	}
}

func skipUnlessAsked(b *testing.B) {
	if testing.Short() || os.Getenv("CI") != "" && os.Getenv("SHEQU_BENCH") == "" {
		b.Skip("benchmarks run on request")
	}
}

// BenchmarkCity: 衡水 (5,118 communities), all indicators for the city with
// the per-county breakdown (target < 20 ms p95 on SQLite), and any township
// with its communities (< 10 ms), against the raw aggregation.
func BenchmarkCity(b *testing.B) {
	skipUnlessAsked(b)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := loadWorld(b, f, "131100000000", division.City, 4_200_000)
	// Any township: the bench walks all 129.
	var all []string
	rows, err := w.App.DB.Q(w.Ctx).QueryContext(w.Ctx, `SELECT code FROM divisions WHERE level = $1 ORDER BY code`, division.Township)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			b.Fatal(err)
		}
		all = append(all, c)
	}
	rows.Close()
	b.Logf("%d townships", len(all))
	agree(b, w, w.Root, division.City)
	agree(b, w, all[0], division.Township)
	ns := map[string]float64{}
	run := func(name string, f func(i int) error) {
		b.Run(name, func(b *testing.B) {
			i := 0
			timed(b, func() error { i++; return f(i) })
			ns[name] = float64(b.Elapsed().Nanoseconds()) / float64(max(b.N, 1))
		})
	}
	run("rollup/city+counties", func(int) error { _, err := w.Svc.Table(w.Ctx, w.Root, true); return err })
	run("raw/city+counties", func(int) error { _, err := raw(w.Ctx, w, w.Root, division.City); return err })
	run("rollup/township+communities", func(i int) error { _, err := w.Svc.Table(w.Ctx, all[i%len(all)], true); return err })
	run("raw/township+communities", func(i int) error { _, err := raw(w.Ctx, w, all[i%len(all)], division.Township); return err })
	run("rollup/drilldown-city", func(int) error {
		_, err := w.Svc.Drilldown(w.Ctx, "rural_facility_coverage", w.Root, true)
		return err
	})
	run("rollup/missing-city", func(int) error {
		_, err := w.Svc.Missing(w.Ctx, "rural_facility_coverage", w.Root, 1, 50)
		return err
	})
	if ns["rollup/city+counties"] > 0 && ns["rollup/township+communities"] > 0 {
		b.Logf("%s: raw aggregation / rollups: city+counties %.1f×, township+communities %.1f×", w.App.DB.Dialect,
			ns["raw/city+counties"]/ns["rollup/city+counties"], ns["raw/township+communities"]/ns["rollup/township+communities"])
	}
}

// BenchmarkProvince: Hebei's 56,712 divisions on PostgreSQL, the province
// with the per-city breakdown (target < 100 ms p95).
func BenchmarkProvince(b *testing.B) {
	skipUnlessAsked(b)
	if dbtest.PostgresURL() == "" {
		b.Skip("province scale runs on PostgreSQL: set SHEQU_TEST_POSTGRES")
	}
	f, err := os.Open("../../data/divisions/hebei.csv.gz")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	w := loadWorld(b, gz, "130000000000", division.Province, 74_000_000)
	if w.App.DB.Dialect != db.Postgres {
		b.Fatal("not on PostgreSQL")
	}
	b.Logf("loaded Hebei in %s", time.Since(start).Round(time.Second))
	agree(b, w, w.Root, division.Province)
	ns := map[string]float64{}
	run := func(name string, f func() error) {
		b.Run(name, func(b *testing.B) {
			timed(b, f)
			ns[name] = float64(b.Elapsed().Nanoseconds()) / float64(max(b.N, 1))
		})
	}
	run("rollup/province+cities", func() error { _, err := w.Svc.Table(w.Ctx, w.Root, true); return err })
	run("raw/province+cities", func() error { _, err := raw(w.Ctx, w, w.Root, division.Province); return err })
	run("rollup/city+counties", func() error { _, err := w.Svc.Table(w.Ctx, "131100000000", true); return err })
	if ns["rollup/province+cities"] > 0 {
		b.Logf("raw aggregation / rollups at the province: %.1f×", ns["raw/province+cities"]/ns["rollup/province+cities"])
	}
}

// BenchmarkEvaluation: the 2021–2025 final evaluation of 衡水 with its
// counties (2025 frozen first, down to townships): the evaluation, its PDF
// report with charts and its workbook, each under 3 s.
func BenchmarkEvaluation(b *testing.B) {
	skipUnlessAsked(b)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := loadWorld(b, f, "131100000000", division.City, 4_200_000)
	t := time.Now()
	res, err := w.Svc.Freeze(w.Ctx, indicator.ShippedCode, 2025)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: freeze 2025: %d computed, %d from snapshots in %v", w.App.DB.Dialect, res.Computed, res.FromSnapshot, time.Since(t))
	run := func(name string, f func() error) { b.Run(name, func(b *testing.B) { timed(b, f) }) }
	run("evaluate/city+counties", func() error { _, err := w.Svc.Evaluate(w.Ctx, indicator.ShippedCode, 0, w.Root); return err })
	run("report/city+counties", func() error {
		ev, err := w.Svc.Evaluate(w.Ctx, indicator.ShippedCode, 0, w.Root)
		if err != nil {
			return err
		}
		if err := indicator.WritePDF(io.Discard, ev, time.Now()); err != nil {
			return err
		}
		return indicator.WriteXLSX(io.Discard, "zh-CN", ev)
	})
}
