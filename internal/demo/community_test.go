package demo_test

import (
	"context"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/demo"
)

// The demo community's page has its notices, its own and its county's
// services and the hall's phone.
func TestSeedCommunityPage(t *testing.T) {
	e := apptest.New(t)
	if err := demo.SeedCommunityPage(e.Ctx, e.App.Communities, apptest.Community); err != nil {
		t.Fatal(err)
	}
	p, err := e.App.Communities.Page(context.Background(), apptest.Community)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Notices) != 3 || len(p.Catalogue) != 8 || p.Hall == nil || p.Hall.Phone == "" {
		t.Errorf("demo page: %d notices, %d services, hall %+v", len(p.Notices), len(p.Catalogue), p.Hall)
	}
}
