package app

import (
	"context"
	"slices"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/web"
	"shequ/internal/request"
	"shequ/internal/resident"
)

// residentContacts gives the request form a signed-in resident's own
// name, phone and community from their sign-up.
type residentContacts struct{ r *resident.Service }

var _ request.Contacts = residentContacts{}

func (c residentContacts) Contact(ctx context.Context) (name, phone, community string, ok bool) {
	return c.r.Contact(ctx)
}

// residentSignups is the sign-ups waiting for the caller to confirm
// residence (认证居民), for the home page of the workers who verify.
type residentSignups struct{ s *resident.Service }

func (q residentSignups) ToVerify(ctx context.Context) (web.Queue, error) {
	p := auth.From(ctx)
	if p == nil || !slices.Contains(resident.VerifyRoles, p.Role) {
		return web.Queue{}, nil
	}
	n, err := q.s.Waiting(ctx)
	if err != nil {
		return web.Queue{}, err
	}
	rs, _, err := q.s.Queue(ctx, resident.Unverified, 1, homeFirst)
	if err != nil {
		return web.Queue{}, err
	}
	items := make([]web.QueueItem, 0, len(rs))
	for _, r := range rs {
		items = append(items, web.QueueItem{Text: r.DisplayName, Note: r.CommunityPath, Link: "/residents?status=" + resident.Unverified})
	}
	return queueOf(ctx, "resident.home.to_verify", "/residents?status="+resident.Unverified, n, items), nil
}
