package proxy

import (
	"context"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// HomeFirst is how many cases each work queue shows on the home page.
const HomeFirst = 5

// Home is the caller's work queues of proxy cases for the home page: the
// open cases in a worker's area (oldest deadline first) and the overdue
// ones. Other roles have none.
func (s *Service) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || p.UserID == 0 || p.Role == auth.System || !p.Role.Staff() {
		return nil, nil
	}
	lang := i18n.From(ctx)
	lo, hi := p.Area.Range()
	now := s.now()
	var out []web.Queue
	for _, l := range []struct {
		key, link string
		late      bool
	}{{"proxy.home.open", "/proxy", false}, {"proxy.home.overdue", "/proxy?overdue=1", true}} {
		n, cs, err := s.Store.home(ctx, lo, hi, l.late, now, HomeFirst)
		if err != nil {
			return nil, err
		}
		q := web.Queue{Key: l.key, Title: i18n.T(lang, l.key), Count: n, Link: l.link, Urgent: l.late, Items: []web.QueueItem{}}
		for _, c := range cs {
			q.Items = append(q.Items, web.QueueItem{Text: c.ServiceName + " " + c.Name, Link: "/proxy/cases/" + strconv.FormatInt(c.ID, 10),
				Note: i18n.T(lang, "proxy.home.due", c.DueAt.In(calendar.China).Format("01-02"))})
		}
		out = append(out, q)
	}
	return out, nil
}
