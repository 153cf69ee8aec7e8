package request

import (
	"context"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Options say which steps the caller may offer on a request's page; Act
// checks again, so they only decide what is shown.
type Options struct {
	Accept, Return, Reply, Extend, Appeal, Assist bool
	Dispatch, Supervise, Callback, Close, Rate    bool
	DecideExtension, DecideAppeal                 bool
	Units                                         []Unit // for dispatch and assist
	// Next is the step the request's state asks of the unit holding it
	// (accept when dispatched, reply when accepted), shown first; the
	// unit's other steps are folded away. Empty for everyone else.
	Next string
	// ActingFor names the unit the caller acts for, when they hold the
	// request or may appeal it.
	ActingFor string
	// ReplyPhoto: the category asks for a photo with the reply.
	ReplyPhoto bool
}

// Folded reports whether one of the unit's steps other than Next is
// offered (they go under "other steps"; accept is only ever offered as
// Next).
func (o *Options) Folded() bool {
	return (o.Reply && o.Next != ActReply) || o.Return || o.Extend || o.Appeal
}

// Any reports whether some step is offered.
func (o *Options) Any() bool {
	return o.Accept || o.Return || o.Reply || o.Extend || o.Appeal || o.Assist || o.Dispatch || o.Supervise ||
		o.Callback || o.Close || o.Rate || o.DecideExtension || o.DecideAppeal
}

// OptionsFor works out the steps the caller may take on r (read by Get).
func (s *Service) OptionsFor(ctx context.Context, r *Request) (*Options, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	o := &Options{}
	st := &step{s: s, a: a, r: r}
	holds := a.holds(r)
	closed := r.Status == StatusClosed
	pendingExt, pendingApp := false, false
	ownExt, ownApp := false, false // asked by the caller's unit: never theirs to decide
	for _, e := range r.Extensions {
		pendingExt = pendingExt || e.Status == Pending
		ownExt = ownExt || (e.Status == Pending && auth.FourEyes(a.unitID, e.UnitID) != nil)
	}
	for _, ap := range r.Appeals {
		pendingApp = pendingApp || ap.Status == Pending
		ownApp = ownApp || (ap.Status == Pending && auth.FourEyes(a.unitID, ap.UnitID) != nil)
	}
	o.Accept = holds && r.Status == StatusDispatched
	o.Return = holds && r.Status == StatusDispatched
	o.Reply = holds && (r.Status == StatusAccepted || r.Status == StatusDispatched)
	o.Extend = holds && !closed && r.Status != StatusReplied && !pendingExt
	first := r.FirstUnitID != nil && a.unitID != 0 && *r.FirstUnitID == a.unitID
	o.Appeal = (holds || first) && !pendingApp && !r.Excluded
	o.Assist = holds && r.Status == StatusAccepted
	o.Dispatch = st.dispatcher() && (r.Status == StatusSubmitted || r.Status == StatusReturned || r.Status == StatusDispatched)
	above, err := st.above(ctx)
	if err != nil {
		return nil, err
	}
	o.Supervise = above && !closed && r.UnitID != nil
	o.DecideExtension = above && pendingExt && !ownExt
	o.DecideAppeal = above && pendingApp && !ownApp
	staff := a.Role.Staff()
	o.Callback = staff && (r.Status == StatusReplied || r.Status == StatusClosed)
	o.Close = staff && r.Status == StatusReplied
	// One rating per reply: a 重办 lets the resident rate the next one.
	ratings := 0
	for _, c := range r.Callbacks {
		if c.Kind == KindRating {
			ratings++
		}
	}
	o.Rate = a.Role == auth.Resident && (r.Status == StatusReplied || r.Status == StatusClosed) && ratings <= r.Reopened
	switch {
	case o.Accept:
		o.Next = ActAccept
	case o.Reply && r.Status == StatusAccepted:
		o.Next = ActReply
	}
	if a.unitID != 0 && (o.Accept || o.Return || o.Reply || o.Extend || o.Appeal || o.Assist) {
		u, err := s.Store.unit(ctx, a.unitID)
		if err != nil {
			return nil, err
		}
		o.ActingFor = u.Name
	}
	if o.Reply {
		if o.ReplyPhoto, err = s.Store.replyPhotoNeeded(ctx, r.CategoryCode); err != nil {
			return nil, errs.Internal("request.Service.OptionsFor: replyPhotoNeeded", err)
		}
	}
	if o.Dispatch || o.Assist {
		if o.Units, err = s.Units(ctx, r.DivisionCode); err != nil {
			return nil, err
		}
	}
	return o, nil
}
