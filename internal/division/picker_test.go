package division_test

import (
	"context"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/errs"
)

// The picker answers anyone (no principal in ctx): division names are public.
func TestPickerFindsAndWalksCommunities(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Divisions
	ctx := context.Background()
	found, more, err := s.PickSearch(ctx, " 游园 ")
	if err != nil || more || len(found) != 1 || found[0].Code != apptest.Community || !found[0].Choosable ||
		!strings.HasPrefix(found[0].Path, "衡水市 › 桃城区 › 河西街道 › 游园") {
		t.Fatalf("search 游园: %+v %v %v", found, more, err)
	}
	// Only communities are found: 河西 is a township's name.
	if found, _, _ := s.PickSearch(ctx, "河西街道"); len(found) != 0 {
		t.Fatalf("search 河西街道 found %+v", found)
	}
	// A LIKE wildcard is a character, not a pattern.
	if found, _, _ := s.PickSearch(ctx, "%"); len(found) != 0 {
		t.Fatalf("search %% found %d", len(found))
	}
	if _, _, err := s.PickSearch(ctx, strings.Repeat("社", 51)); errs.Code(err) != errs.EINVALID {
		t.Fatalf("a long search: %v", err)
	}
	// The top skips the single city; a township lists its communities.
	trail, kids, err := s.PickChildren(ctx, "")
	if err != nil || len(trail) != 0 || len(kids) < 2 || kids[0].Level != "county" || !kids[0].HasChildren {
		t.Fatalf("top: %+v %+v %v", trail, kids, err)
	}
	trail, kids, err = s.PickChildren(ctx, apptest.Township)
	if err != nil || len(trail) != 3 || trail[2].Code != apptest.Township {
		t.Fatalf("trail to the township: %+v %v", trail, err)
	}
	codes := map[string]bool{}
	for _, k := range kids {
		codes[k.Code] = k.Choosable
	}
	if !codes[apptest.Community] || !codes[apptest.SiblingCommunity] {
		t.Fatalf("the township's communities: %+v", kids)
	}
	if _, _, err := s.PickChildren(ctx, "12"); errs.Code(err) != errs.EINVALID {
		t.Fatalf("a bad parent: %v", err)
	}
	// A chosen township is not a community; a chosen community shows with
	// its township's communities beside it.
	p := &division.Picker{Field: "community"}
	if err := s.Pick(ctx, p, apptest.Township, "", ""); err != nil || p.Error != "division.pick_a_community" || p.Selected != nil {
		t.Fatalf("a township chosen: %+v %v", p, err)
	}
	p = &division.Picker{Field: "community"}
	if err := s.Pick(ctx, p, apptest.Community, "", ""); err != nil || p.Selected == nil || p.Selected.Code != apptest.Community ||
		len(p.Trail) == 0 || p.Trail[len(p.Trail)-1].Code != apptest.Township {
		t.Fatalf("a community chosen: %+v %v", p, err)
	}
}
