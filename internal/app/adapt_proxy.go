package app

import (
	"context"
	"net/url"

	"shequ/internal/community"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/proxy"
	"shequ/internal/request"
	"shequ/internal/resident"
)

// proxyRequests gives 政务代办 what a case filed from a request takes from
// it: the number, the community, the contact's name and the resident's
// account (read as the caller, so the request must be in their reach).
type proxyRequests struct{ s *request.Service }

func (p proxyRequests) ForProxy(ctx context.Context, number string) (*proxy.FromRequest, error) {
	r, err := p.s.ByNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	out := &proxy.FromRequest{Number: r.Number, CommunityCode: r.DivisionCode, ContactName: r.ContactName}
	if r.ResidentID != nil {
		out.ResidentUserID = *r.ResidentID
	}
	return out, nil
}

// proxyOnward is the request page's link to take a proxy case from the
// request, for those who take cases, while the request is open.
func proxyOnward(ctx context.Context, r *request.Request) (string, string) {
	if _, err := auth.Require(ctx, proxy.HandleRoles...); err != nil || r.Status == request.StatusClosed || auth.From(ctx).Role == auth.System {
		return "", ""
	}
	return "/proxy/cases/new?request=" + url.QueryEscape(r.Number), "proxy.from_request"
}

// proxyAccounts finds a signed-up resident's account by the number a
// worker took a case with (the resident slice's blind index of it).
type proxyAccounts struct{ r *resident.Service }

func (p proxyAccounts) ResidentByPhone(ctx context.Context, phone string) (int64, bool, error) {
	return p.r.Store.UserByPhone(ctx, p.r.Keys.Index(phone))
}

// proxyCatalogue gives the community page the services the community
// offers to handle (政务代办); the page is public, so it reads as the system.
type proxyCatalogue struct{ s *proxy.Service }

func (c proxyCatalogue) ProxyServices(ctx context.Context, code string) ([]community.ProxyService, error) {
	all, err := c.s.Offerings(SystemContext(ctx), code)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []community.ProxyService
	for _, v := range all {
		if v.Offered {
			out = append(out, community.ProxyService{Name: v.Name, Materials: v.Materials, Department: v.Department, Days: v.Days})
		}
	}
	return out, nil
}
