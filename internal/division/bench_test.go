package division_test

import (
	"context"
	"os"
	"testing"

	"shequ/data"
	"shequ/internal/app/apptest"
	"shequ/internal/demo"
	"shequ/internal/platform/auth"
)

// benchEnv is the demo database: the real 衡水 tree and profiles.
func benchEnv(b *testing.B) (*apptest.Env, context.Context) {
	b.Helper()
	e := apptest.New(b)
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, f, nil); err != nil {
		b.Fatal(err)
	}
	bl := &demo.Builder{DB: e.App.DB, Divisions: e.App.Divisions, Users: e.App.Users, Audit: e.App.Audit, DataDir: b.TempDir()}
	if _, _, err := bl.Ensure(e.Ctx); err != nil {
		b.Fatal(err)
	}
	ctx := auth.With(context.Background(), &auth.Principal{Name: "bench", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	return e, ctx
}

// go test -run '^$' -bench . -benchtime 2s ./internal/division/
func BenchmarkView(b *testing.B) {
	if testing.Short() || os.Getenv("CI") != "" && os.Getenv("SHEQU_BENCH") == "" {
		b.Skip("benchmarks run on request")
	}
	e, ctx := benchEnv(b)
	for _, code := range []struct{ name, code string }{{"city", apptest.City}, {"county", apptest.County}, {"township", apptest.Township}, {"community", apptest.Community}} {
		b.Run(code.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := e.App.Divisions.View(ctx, code.code); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("search", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := e.App.Divisions.Search(ctx, "社区", 1, 50); err != nil {
				b.Fatal(err)
			}
		}
	})
}
