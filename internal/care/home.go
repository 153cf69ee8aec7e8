package care

import (
	"context"
	"slices"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/web"
)

// homeFirst is how many tasks each queue shows on the home page.
const homeFirst = 5

// Home is the caller's visits for the home page: this month's not yet
// visited, and the overdue (not visited in the three months before, or
// sent to the township this month); a grid worker's own, other workers'
// across their area. Roles that do not visit have none.
func (s *Service) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || !slices.Contains(ListRoles, p.Role) {
		return nil, nil
	}
	lo, hi := p.Area.Range()
	var assignee int64
	if p.Role == auth.GridWorker {
		assignee = p.UserID
	}
	lang := i18n.From(ctx)
	cur := s.CurrentMonth()
	start, _ := ParseMonth(cur)
	first := MonthOf(start.AddDate(0, -3, 0))
	prev := MonthOf(start.AddDate(0, -1, 0))
	due, dueItems, err := s.Store.homeQueue(ctx, cur, cur, lo, hi, assignee, false, homeFirst)
	if err != nil {
		return nil, err
	}
	late, lateItems, err := s.Store.homeQueue(ctx, first, prev, lo, hi, assignee, false, homeFirst)
	if err != nil {
		return nil, err
	}
	sent, sentItems, err := s.Store.homeQueue(ctx, cur, cur, lo, hi, assignee, true, homeFirst)
	if err != nil {
		return nil, err
	}
	items := func(ts []VisitTask) []web.QueueItem {
		out := []web.QueueItem{}
		for _, t := range ts {
			out = append(out, web.QueueItem{Text: pii.MaskName(t.PersonName), Note: t.Month, Link: "/visits/tasks/" + strconv.FormatInt(t.ID, 10)})
		}
		return out
	}
	overdue := append(items(sentItems), items(lateItems)...)
	if len(overdue) > homeFirst {
		overdue = overdue[:homeFirst]
	}
	return []web.Queue{
		{Key: "care.home.due", Title: i18n.T(lang, "care.home.due"), Count: due, Link: "/visits?status=unvisited", Items: items(dueItems)},
		{Key: "care.home.overdue", Title: i18n.T(lang, "care.home.overdue"), Count: late + sent, Link: "/visits?month=" + prev + "&status=" + StatusOverdue,
			Urgent: true, Items: overdue},
	}, nil
}
