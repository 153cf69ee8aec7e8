package request

import (
	"context"
	"strconv"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
)

// HomeFirst is how many items each work queue shows on the home page.
const HomeFirst = 5

// Home is the caller's work queues of requests, for the home page: a
// handling unit's to sign for, to handle, due within a day and overdue;
// staff's to dispatch, to call back and overdue in their area; a
// resident's own requests. Other roles have none.
func (s *Service) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || p.UserID == 0 {
		return nil, nil
	}
	a := actor{Principal: p}
	lang := i18n.From(ctx)
	now := s.now()
	type line struct {
		key, link string
		urgent    bool
		cond      queueCond
	}
	var lines []line
	switch {
	case p.Role == auth.HandlingUnit:
		unit, err := s.Store.unitOfUser(ctx, p.UserID, "")
		if err != nil {
			return nil, err
		}
		if unit == 0 {
			return nil, nil
		}
		lines = []line{
			{"request.home.to_sign", "/requests?status=" + StatusDispatched, false, toSignFor(unit)},
			{"request.home.to_handle", "/requests?status=" + StatusAccepted, false, toHandle(unit)},
			{"request.home.due_soon", "/requests", false, unitDueSoon(unit, now)},
			{"request.home.overdue", "/requests?overdue=1", true, unitOverdue(unit, now)},
		}
	case p.Role.Staff():
		lo, hi := a.Area.Range()
		lines = []line{
			{"request.home.to_dispatch", "/requests?status=" + StatusSubmitted, false, toDispatch(lo, hi)},
			{"request.home.to_call_back", "/requests?status=" + StatusReplied, false, toCallBack(lo, hi)},
			{"request.home.overdue", "/requests?overdue=1", true, areaOverdue(lo, hi, now)},
		}
	case p.Role == auth.Resident:
		lines = []line{{"request.home.mine", "/requests", false, residentRequests(p.UserID)}}
	default:
		return nil, nil
	}
	out := make([]web.Queue, 0, len(lines))
	for _, l := range lines {
		n, rs, err := s.Store.queue(ctx, l.cond, lang, HomeFirst)
		if err != nil {
			return nil, err
		}
		q := web.Queue{Key: l.key, Title: i18n.T(lang, l.key), Count: n, Link: l.link, Urgent: l.urgent, Items: []web.QueueItem{}}
		for _, r := range rs {
			note := i18n.T(lang, "request.status."+r.Status)
			if r.Status != StatusClosed && r.Status != StatusReplied && p.Role != auth.Resident {
				note = i18n.T(lang, "request.home.due", r.ResolutionDue.In(china).Format("01-02 15:04"))
			}
			q.Items = append(q.Items, web.QueueItem{Text: r.Number + " " + r.Title, Note: note, Link: "/requests/" + strconv.FormatInt(r.ID, 10)})
		}
		out = append(out, q)
	}
	return out, nil
}
