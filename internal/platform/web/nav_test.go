package web

import (
	"fmt"
	"testing"
)

func TestGroupNav(t *testing.T) {
	items := []NavItem{
		{Key: "a", Order: 10, Group: NavAdmin},
		{Key: "b", Order: 20, Group: NavOverview},
		{Key: "c", Order: 30, Group: "no such group"},
		{Key: "d", Order: 40, Group: NavAdmin},
		{Key: "e", Order: 50},
		{Key: "f", Order: 60, Group: NavRequests},
	}
	got := fmt.Sprint(groupNav(items))
	// The groups' order, entries in their order within a group, the
	// ungrouped last and untitled.
	want := fmt.Sprint([]NavGroup{
		{Key: NavOverview, Items: []NavItem{items[1]}},
		{Key: NavRequests, Items: []NavItem{items[5]}},
		{Key: NavAdmin, Items: []NavItem{items[0], items[3]}},
		{Items: []NavItem{items[2], items[4]}},
	})
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if groupNav(nil) != nil {
		t.Error("no entries, no groups")
	}
}
