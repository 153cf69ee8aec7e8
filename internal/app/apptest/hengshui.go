package apptest

import (
	"context"
	"testing"

	"shequ/data"
	"shequ/internal/app"
	"shequ/internal/division"
	"shequ/internal/platform/db/dbtest"
)

// Hengshui opens the whole application on a fresh database holding 衡水's
// shipped division tree (5,118 communities), for benchmarks at the city's
// scale. It returns the app, a context acting as the system and the
// communities.
func Hengshui(tb testing.TB) (*app.App, context.Context, []division.Division) {
	tb.Helper()
	cfg := dbtest.Config(tb)
	a, err := app.Open(context.Background(), app.Config{DataDir: cfg.DataDir, DBURL: cfg.URL})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	sys := app.SystemContext(context.Background())
	f, err := data.FS.Open("divisions/hengshui.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := a.Divisions.ImportCSV(sys, f, nil); err != nil {
		tb.Fatal(err)
	}
	comms, err := a.Divisions.Store.Communities(sys)
	if err != nil {
		tb.Fatal(err)
	}
	return a, sys, comms
}
