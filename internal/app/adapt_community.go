package app

import (
	"context"
	"sort"

	"shequ/internal/community"
	"shequ/internal/division"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/web"
	"shequ/internal/worker"
)

// communityDirectory gives the community page what it shows from other
// slices: facilities in use, workers in post (name and post, never a
// personal phone or ID number) and the profile's counts. The page is
// public, so these reads act as the system and return published facts
// of one community only.
type communityDirectory struct {
	facilities *facility.Service
	workers    *worker.Service
	divisions  *division.Service
}

func (d communityDirectory) Facilities(ctx context.Context, code string) ([]community.PageFacility, error) {
	fs, _, err := d.facilities.List(SystemContext(ctx), facility.Filter{Division: code, Status: facility.InUse}, 1, 100)
	if err != nil {
		return nil, err
	}
	out := make([]community.PageFacility, 0, len(fs))
	for _, f := range fs {
		out = append(out, community.PageFacility{ID: f.ID, Name: f.Name, Kind: f.Kind, Address: f.Address, Hours: f.Hours})
	}
	// The comprehensive facility is the service hall: first.
	sort.SliceStable(out, func(i, j int) bool {
		return facility.IsComprehensive(out[i].Kind) && !facility.IsComprehensive(out[j].Kind)
	})
	return out, nil
}

func (d communityDirectory) Staff(ctx context.Context, code string) ([]community.StaffMember, error) {
	ws, _, err := d.workers.List(SystemContext(ctx), worker.Filter{Division: code, Status: "in_post", PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]community.StaffMember, 0, len(ws))
	for _, w := range ws {
		out = append(out, community.StaffMember{Name: w.Name, Post: w.Post})
	}
	return out, nil
}

func (d communityDirectory) Counts(ctx context.Context, code string) (int64, int64, error) {
	p, _, err := d.divisions.Profile(SystemContext(ctx), code)
	if err != nil {
		return 0, 0, err
	}
	return p.Population, p.Households, nil
}

// communityNotices is the community page's notices on a resident's home
// page: the ones their community shows today (the first page of them).
type communityNotices struct{ s *community.Service }

// homeNoticesMax bounds the notices counted for the home page; a community
// showing more has its page for the rest.
const homeNoticesMax = 50

func (n communityNotices) HomeNotices(ctx context.Context) (web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || !division.ValidCode(p.Area.Code) {
		return queueOf(ctx, "community.home.notices", "", 0, nil), nil
	}
	ns, _, err := n.s.CurrentNotices(ctx, p.Area.Code, 1, homeNoticesMax)
	if err != nil {
		return web.Queue{}, err
	}
	items := make([]web.QueueItem, 0, len(ns))
	for _, x := range ns {
		items = append(items, web.QueueItem{Text: x.Title, Note: x.StartsOn, Link: "/communities/" + p.Area.Code})
	}
	return queueOf(ctx, "community.home.notices", "/communities/"+p.Area.Code, len(ns), items), nil
}
