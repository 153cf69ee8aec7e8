package ledger

import (
	"context"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// HomeFirst is how many items a home queue shows.
const HomeFirst = 5

// Home is the ledger's work for the home page: a unit's work items still
// to report on (open or returned), the overdue ones flagged; city staff's
// reports waiting for review.
func (s *Service) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || p.UserID == 0 {
		return nil, nil
	}
	lang := i18n.From(ctx)
	today := s.Today()
	queue := func(key, link string, n int, items []WorkItem, urgent bool) web.Queue {
		q := web.Queue{Key: key, Title: i18n.T(lang, key), Count: n, Link: link, Urgent: urgent, Items: []web.QueueItem{}}
		for _, it := range items {
			note := i18n.T(lang, "ledger.home.due", it.DueOn)
			if it.Status != Done && it.DueOn < today {
				note = i18n.T(lang, "ledger.home.overdue", it.DueOn)
			}
			q.Items = append(q.Items, web.QueueItem{Text: it.TaskTitle + " · " + it.Title, Note: note,
				Link: "/ledger/" + strconv.FormatInt(it.TaskID, 10) + "#item-" + strconv.FormatInt(it.ID, 10)})
		}
		return q
	}
	switch p.Role {
	case auth.HandlingUnit:
		u, err := s.Units.Mine(ctx)
		if err != nil || u == 0 {
			return nil, err
		}
		n, items, err := s.Store.unitItems(ctx, u, HomeFirst)
		if err != nil {
			return nil, err
		}
		late := false
		for _, it := range items {
			late = late || it.DueOn < today
		}
		return []web.Queue{queue("ledger.home.items", "/ledger", n, items, late)}, nil
	case auth.CityStaff:
		n, items, err := s.Store.pending(ctx, HomeFirst)
		if err != nil {
			return nil, err
		}
		return []web.Queue{queue("ledger.home.to_review", "/ledger", n, items, false)}, nil
	}
	return nil, nil
}
