package app

import (
	"context"

	"shequ/internal/grid"
	"shequ/internal/request"
)

// gridCategories is the request category an event found on patrol is
// filed under: hazards as safety, disputes as disputes (so the request's
// page offers to open a mediation case), needs as social services.
var gridCategories = map[string]string{"hazard": "safety", "dispute": "dispute", "need": "social"}

// gridRequests files a patrol's event as a request (channel patrol) in
// the event's transaction, as the grid worker; the request's own rules
// (area, deadlines, dispatch) hold.
type gridRequests struct{ s *request.Service }

func (g gridRequests) FileFromPatrol(ctx context.Context, r grid.Report) (int64, string, error) {
	req, err := g.s.Create(ctx, request.Intake{DivisionCode: r.CommunityCode, CategoryCode: gridCategories[r.EventKind],
		Channel: request.ChannelPatrol, Title: "网格巡查发现（" + r.GridCode + "）", Description: r.Description})
	if err != nil {
		return 0, "", err
	}
	return req.ID, req.Number, nil
}

// gridOnward links a request filed from a patrol back to the patrol, for
// those who may read it.
func gridOnward(g *grid.Service) request.Onward {
	return func(ctx context.Context, r *request.Request) (string, string) {
		if r.Channel != request.ChannelPatrol {
			return "", ""
		}
		link, err := g.PatrolOfRequest(ctx, r.ID)
		if err != nil || link == "" {
			return "", ""
		}
		return link, "grid.from_request"
	}
}
