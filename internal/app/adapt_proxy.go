package app

import (
	"context"

	"shequ/internal/proxy"
	"shequ/internal/request"
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
