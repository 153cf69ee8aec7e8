package app

import (
	"context"
	"slices"
	"strconv"

	"shequ/internal/certificate"
	"shequ/internal/deliberation"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/web"
	"shequ/internal/volunteer"
)

// homeFirst is how many items a queue adapted here shows.
const homeFirst = 5

func queueOf(ctx context.Context, key, link string, count int, items []web.QueueItem) web.Queue {
	if len(items) > homeFirst {
		items = items[:homeFirst]
	}
	if items == nil {
		items = []web.QueueItem{}
	}
	return web.Queue{Key: key, Title: i18n.T(i18n.From(ctx), key), Count: count, Link: link, Items: items}
}

// volunteerHome is the volunteer slice's work for the home page: the
// corrections of hours an organiser (a community or township worker, or a
// resident who leads an organisation) decides, today's activities in a
// worker's area, and a resident's own sign-ups.
type volunteerHome struct{ s *volunteer.Service }

// correctionRoles decide corrections on their home page (county and city
// staff organise for every organisation below them: their list stays on
// its own page).
var correctionRoles = []auth.Role{auth.Resident, auth.CommunityWorker, auth.TownshipStaff}

func (h volunteerHome) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil {
		return nil, nil
	}
	var out []web.Queue
	if slices.Contains(correctionRoles, p.Role) {
		cs, err := h.s.Corrections(ctx)
		if err != nil {
			return nil, err
		}
		// A resident who leads no organisation has nothing to decide.
		if len(cs) > 0 || p.Role != auth.Resident {
			var items []web.QueueItem
			for _, c := range cs {
				items = append(items, web.QueueItem{Text: c.Name,
					Note: i18n.T(i18n.From(ctx), "volunteer.home.hours", strconv.FormatFloat(c.OldHours, 'f', -1, 64), strconv.FormatFloat(c.Hours, 'f', -1, 64)),
					Link: "/volunteer/corrections"})
			}
			out = append(out, queueOf(ctx, "volunteer.home.corrections", "/volunteer/corrections", len(cs), items))
		}
	}
	switch {
	case p.Role.Staff():
		today := h.s.Now().In(calendar.China).Format(volunteer.DateLayout)
		as, _, err := h.s.Activities(ctx, volunteer.ActivityFilter{Date: today, PerPage: 100})
		if err != nil {
			return nil, err
		}
		out = append(out, queueOf(ctx, "volunteer.home.today", "/activities?date="+today, len(as), activityItems(as)))
	case p.Role == auth.Resident:
		as, err := h.s.MySignups(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, queueOf(ctx, "volunteer.home.mine", "/activities", len(as), activityItems(as)))
	}
	return out, nil
}

func activityItems(as []volunteer.Activity) []web.QueueItem {
	var items []web.QueueItem
	for _, a := range as {
		items = append(items, web.QueueItem{Text: a.Title, Note: a.StartsAt.In(calendar.China).Format("01-02 15:04"),
			Link: "/activities/" + strconv.FormatInt(a.ID, 10)})
	}
	return items
}

// certificateHome is the certificates slice's work for the home page: the
// requests waiting for a decision of the staff who issue, and a resident
// volunteer's own requests with their state.
type certificateHome struct{ s *certificate.Service }

func (h certificateHome) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil {
		return nil, nil
	}
	lang := i18n.From(ctx)
	switch {
	case slices.Contains(certificate.IssueRoles, p.Role):
		rs, _, err := h.s.Requests(ctx, certificate.RequestFilter{Status: certificate.RequestPending, PerPage: 200})
		if err != nil {
			return nil, err
		}
		var items []web.QueueItem
		for _, r := range rs {
			items = append(items, web.QueueItem{Text: r.VolunteerName + " · " + r.OrganizationName, Note: r.From + " – " + r.To, Link: "/certificates"})
		}
		return []web.Queue{queueOf(ctx, "certificate.home.to_decide", "/certificates", len(rs), items)}, nil
	case p.Role == auth.Resident:
		rs, _, err := h.s.Requests(ctx, certificate.RequestFilter{PerPage: 200})
		if err != nil {
			return nil, err
		}
		var items []web.QueueItem
		for _, r := range rs {
			note := i18n.T(lang, "certificate.request_"+r.Status)
			if r.Number != "" {
				note += " " + r.Number
			}
			items = append(items, web.QueueItem{Text: r.OrganizationName + " " + r.From + " – " + r.To, Note: note, Link: "/certificates/mine"})
		}
		return []web.Queue{queueOf(ctx, "certificate.home.mine", "/certificates/mine", len(rs), items)}, nil
	}
	return nil, nil
}

// deliberationHome is the topics waiting for review (议题待审核) in the
// caller's area, for staff who review them.
type deliberationHome struct{ s *deliberation.Service }

// Home lists the proposed topics, oldest waiting first on the page.
func (h deliberationHome) Home(ctx context.Context) ([]web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || !slices.Contains(deliberation.StaffRoles, p.Role) {
		return nil, nil
	}
	ts, _, err := h.s.Topics(ctx, deliberation.TopicFilter{Status: deliberation.Proposed, PerPage: 200})
	if err != nil {
		return nil, err
	}
	var items []web.QueueItem
	for _, t := range ts {
		items = append(items, web.QueueItem{Text: t.Title, Note: t.DivisionName, Link: "/topics/" + strconv.FormatInt(t.ID, 10)})
	}
	return []web.Queue{queueOf(ctx, "deliberation.home.to_review", "/topics?status=proposed", len(ts), items)}, nil
}
