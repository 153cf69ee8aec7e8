package request

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/notify"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Act runs one action on a request, in one transaction with its timeline
// step, its audit record and its notifications:
//
//   - accept (the unit holding it): starts handling; the first unit to
//     accept stays responsible until closure (首接负责);
//   - reply (the unit holding it): the answer to the resident;
//   - extend: the unit holding it asks for Days more working days with a
//     Reason; a dispatcher one level up decides (Decision approve/refuse);
//   - return (the unit holding it, before accepting): back to the
//     dispatcher with a Reason; after the returns limit the level above
//     must dispatch it;
//   - dispatch: a dispatcher sends it to a unit (UnitID); the lead unit
//     or a dispatcher adds an assisting unit with Assist;
//   - supervise, remind: staff above the unit, with a Note;
//   - close: staff close a replied request without a callback;
//   - callback: staff record Contacted, Solved and Satisfaction;
//   - rate: the resident rates a replied request online with a Note;
//   - appeal: the unit asks to exclude it from scoring (Reason malicious,
//     duplicate, out_of_scope); a dispatcher one level up decides.
//
// Errors: EFORBIDDEN (role), ENOTFOUND (out of reach), EINVALID (fields),
// ECONFLICT (the request's state does not allow it, or Version is stale).
func (s *Service) Act(ctx context.Context, id int64, in Action) (*Request, error) {
	a, err := s.actor(ctx, ReadRoles...)
	if err != nil {
		return nil, err
	}
	if !oneOf(in.Action, Actions) {
		return nil, errs.Invalid(errs.Field("action", "error.one_of", strings.Join(Actions, ", ")))
	}
	in.Note = strings.TrimSpace(in.Note)
	if utf8.RuneCountInString(in.Note) > 2000 {
		return nil, errs.Invalid(errs.Field("note", "error.too_long", 2000))
	}
	var out *Request
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		r, err := s.Store.get(ctx, id, a.reach(), lang(a.Principal), true)
		if err != nil {
			if errs.Code(err) == errs.ENOTFOUND && s.Store.exists(ctx, id) {
				s.refused(ctx, "request."+in.Action, id)
			}
			return err
		}
		if in.Version != 0 && in.Version != r.Version {
			return errs.Conflict("request.stale")
		}
		now := s.now()
		st := &step{s: s, a: a, r: r, in: in, now: now, set: map[string]any{}}
		if err := st.run(ctx); err != nil {
			return err
		}
		before, err := s.Store.statStateOf(ctx, id)
		if err != nil {
			return err
		}
		if err := st.save(ctx); err != nil {
			return err
		}
		after, err := s.Store.statStateOf(ctx, id)
		if err != nil {
			return err
		}
		if err := s.Store.restat(ctx, before, after); err != nil {
			return err
		}
		detail := map[string]any{"status": r.Status}
		for k, v := range st.detail {
			detail[k] = v
		}
		if err := s.Audit.Write(ctx, audit.Entry{Action: "request." + in.Action, ObjectType: "request", ObjectID: strconv.FormatInt(id, 10),
			Result: audit.OK, Detail: detail}); err != nil {
			return err
		}
		out, err = s.Store.get(ctx, id, reach{all: true}, lang(a.Principal), false)
		if err == nil {
			err = s.Store.details(ctx, out)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.present(a, out)
	return out, nil
}

// step is one action being applied: the columns to set, the timeline
// entry and the audit detail.
type step struct {
	s      *Service
	a      actor
	r      *Request
	in     Action
	now    time.Time
	set    map[string]any
	note   string
	data   map[string]any
	detail map[string]any
	skip   bool // no timeline entry (it was written already)
	// then is a system entry for the timeline after the action's own (the
	// 重办 that an unsatisfied rating opens).
	then string
}

func (st *step) run(ctx context.Context) error {
	switch st.in.Action {
	case ActAccept:
		return st.accept()
	case ActReply:
		return st.reply(ctx)
	case ActExtend:
		return st.extend(ctx)
	case ActReturn:
		return st.ret(ctx)
	case ActDispatch:
		return st.dispatch(ctx)
	case ActSupervise, ActRemind:
		return st.supervise(ctx)
	case ActClose:
		return st.close()
	case ActCallback:
		return st.callback(ctx)
	case ActRate:
		return st.rate(ctx)
	case ActAppeal:
		return st.appeal(ctx)
	}
	return errs.Forbidden()
}

// save writes the changed columns and the timeline entry.
func (st *step) save(ctx context.Context) error {
	st.set["version"] = st.r.Version + 1
	st.set["updated_at"] = st.now
	if err := st.s.Store.update(ctx, st.r.ID, st.set); err != nil {
		return err
	}
	if st.skip {
		return nil
	}
	if err := st.s.Store.event(ctx, st.r.ID, st.in.Action, st.a.id(), st.a.Name, string(st.a.Role), st.a.unit(), st.note, st.data, st.now); err != nil {
		return errs.Internal("request.step.save: event", err)
	}
	if st.then != "" {
		if err := st.s.Store.event(ctx, st.r.ID, st.then, nil, "system", string(auth.System), st.r.UnitID, "", nil, st.now); err != nil {
			return errs.Internal("request.step.save: event", err)
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func conflict(key string) error { return errs.Conflict(key) }

func (st *step) needHolder() error {
	if !st.a.holds(st.r) {
		return errs.Forbidden()
	}
	return nil
}

// dispatcher: staff of the request's area at or above the rank that may
// dispatch it now.
func (st *step) dispatcher() bool {
	return st.a.Role == auth.System || (st.a.Role.Staff() && st.a.Role.Rank() >= st.r.DispatchRank)
}

// above: staff one level above the unit holding the request. A township or
// community unit is decided by the county; others by the township and up.
func (st *step) above(ctx context.Context) (bool, error) {
	if st.a.Role == auth.System {
		return true, nil
	}
	if !st.a.Role.Staff() {
		return false, nil
	}
	need := auth.TownshipStaff.Rank()
	if st.r.UnitID != nil {
		u, err := st.s.Store.unit(ctx, *st.r.UnitID)
		if err != nil {
			return false, err
		}
		if u.Kind == UnitTownship {
			need = auth.CountyStaff.Rank()
		}
		if st.a.unitID == u.ID {
			return false, nil // nobody decides on their own unit's ask
		}
	}
	return st.a.Role.Rank() >= need, nil
}

// decideAsk is four eyes on an extension or appeal: the unit that asked
// never decides it (auth.FourEyes), whichever unit holds the request now
// (it may have been returned or sent on while the ask waited), and a
// township's ask is decided by the county.
func (st *step) decideAsk(ctx context.Context, asker int64) error {
	if err := auth.FourEyes(st.a.unitID, asker); err != nil {
		return err
	}
	if st.a.Role == auth.System {
		return nil
	}
	u, err := st.s.Store.unit(ctx, asker)
	if err != nil {
		return err
	}
	if u.Kind == UnitTownship && st.a.Role.Rank() < auth.CountyStaff.Rank() {
		return errs.Forbidden()
	}
	return nil
}

func (st *step) open() error {
	if st.r.Status == StatusClosed {
		return conflict("request.closed")
	}
	return nil
}

func (st *step) accept() error {
	if err := st.needHolder(); err != nil {
		return err
	}
	if st.r.Status != StatusDispatched {
		return conflict("request.not_dispatched")
	}
	st.set["status"] = StatusAccepted
	if st.r.RespondedAt == nil {
		st.set["responded_at"] = st.now
	}
	if st.r.FirstUnitID == nil {
		st.set["first_unit_id"] = *st.r.UnitID
	}
	st.note = st.in.Note
	return nil
}

func (st *step) reply(ctx context.Context) error {
	if err := st.needHolder(); err != nil {
		return err
	}
	if st.r.Status != StatusAccepted && st.r.Status != StatusDispatched {
		return conflict("request.not_accepted")
	}
	var f errs.Fields
	if utf8.RuneCountInString(st.in.Note) < 2 {
		f.Add("note", "request.reply_needed")
	}
	needPhoto, err := st.s.Store.replyPhotoNeeded(ctx, st.r.CategoryCode)
	if err != nil {
		return errs.Internal("request.step.reply: replyPhotoNeeded", err)
	}
	if len(st.in.Photos) > MaxPhotos {
		f.Add("photos", "request.too_many_photos", MaxPhotos)
	} else if needPhoto && len(st.in.Photos) == 0 {
		f.Add("photos", "request.reply_photo_needed", st.r.CategoryName)
	}
	if err := f.Err(); err != nil {
		return err
	}
	for _, ph := range st.in.Photos {
		b, err := st.s.Blobs.Put(ctx, PhotoOwner, st.r.DivisionCode, ph)
		if err != nil {
			return err
		}
		if err := st.s.Store.addPhoto(ctx, st.r.ID, b, PhotoReply); err != nil {
			return errs.Internal("request.step.reply: addPhoto", err)
		}
	}
	if len(st.in.Photos) > 0 {
		st.data = map[string]any{"photos": len(st.in.Photos)}
	}
	st.set["status"] = StatusReplied
	st.set["reply"] = st.in.Note
	st.set["resolved_at"] = st.now
	if st.r.RespondedAt == nil {
		st.set["responded_at"] = st.now
	}
	if st.r.FirstUnitID == nil {
		st.set["first_unit_id"] = *st.r.UnitID
	}
	st.note = st.in.Note
	var resident int64
	if st.r.ResidentID != nil {
		resident = *st.r.ResidentID
	}
	return st.s.notifyResident(ctx, resident, st.r.phoneSealed,
		note(st.r.ID, "request.note.reply", st.r.Number, clip(st.in.Note, 200)))
}

// decidePending checks a decision on a unit's pending ask (an extension,
// an appeal): the caller is above the request's unit, says yes or no, and
// there is an ask (exists) from unit asker, whose decision it records.
func (st *step) decidePending(ctx context.Context, asker int64, exists bool) (approve bool, err error) {
	ok, err := st.above(ctx)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, errs.Forbidden()
	}
	if approve, err = st.decision(); err != nil {
		return false, err
	}
	if !exists {
		return false, conflict("request.no_pending")
	}
	return approve, st.decideAsk(ctx, asker)
}

func (st *step) decision() (bool, error) {
	switch st.in.Decision {
	case "approve":
		return true, nil
	case "refuse":
		return false, nil
	}
	return false, errs.Invalid(errs.Field("decision", "error.one_of", "approve, refuse"))
}

func (st *step) extend(ctx context.Context) error {
	if err := st.open(); err != nil {
		return err
	}
	exts, err := st.s.Store.extensions(ctx, st.r.ID)
	if err != nil {
		return errs.Internal("request.step.extend: extensions", err)
	}
	var pending *Extension
	for i := range exts {
		if exts[i].Status == Pending {
			pending = &exts[i]
		}
	}
	if st.in.Decision == "" {
		if err := st.needHolder(); err != nil {
			return err
		}
		var f errs.Fields
		if st.in.Days < 1 || st.in.Days > 30 {
			f.Add("days", "request.bad_days", 30)
		}
		reason := strings.TrimSpace(st.in.Reason + " " + st.in.Note)
		if utf8.RuneCountInString(reason) < 2 {
			f.Add("reason", "request.reason_needed")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if pending != nil {
			return conflict("request.extension_pending")
		}
		if err := st.s.Store.addExtension(ctx, st.r.ID, *st.r.UnitID, st.in.Days, reason, st.now); err != nil {
			return err
		}
		st.note, st.data = reason, map[string]any{"days": st.in.Days}
		return st.s.Outbox.ToStaff(ctx, division.Code(st.r.DivisionCode).Township(), string(auth.TownshipStaff),
			note(st.r.ID, "request.note.extend_asked", st.r.Number, st.in.Days))
	}
	var asker int64
	if pending != nil {
		asker = pending.UnitID
	}
	approve, err := st.decidePending(ctx, asker, pending != nil)
	if err != nil {
		return err
	}
	status := Refused
	if approve {
		status = Approved
		st.set["resolution_due"] = st.s.Calendar.AddWorkdays(st.r.ResolutionDue, pending.Days)
		st.set["warned_at"] = nil
		st.set["escalated_at"] = nil
	}
	if err := st.s.Store.decideExtension(ctx, pending.ID, status, st.a.Name, st.in.Note, st.now); err != nil {
		return err
	}
	st.note, st.data = st.in.Note, map[string]any{"extension": pending.ID, "decision": status, "days": pending.Days}
	st.detail = st.data
	return st.s.Outbox.ToUnit(ctx, pending.UnitID, note(st.r.ID, "request.note.extension_decided", st.r.Number, decided(status)))
}

func (st *step) ret(ctx context.Context) error {
	if err := st.needHolder(); err != nil {
		return err
	}
	if st.r.Status != StatusDispatched {
		// After accepting, the first receiver stays responsible.
		return conflict("request.first_receiver")
	}
	reason := strings.TrimSpace(st.in.Reason + " " + st.in.Note)
	if utf8.RuneCountInString(reason) < 2 {
		return errs.Invalid(errs.Field("reason", "request.reason_needed"))
	}
	returns := st.r.Returns + 1
	limit := int(st.s.Store.setting(ctx, SettingReturnsLimit, DefaultReturnsLimit))
	rank := st.r.DispatchRank
	if returns >= limit && returns%limit == 0 && rank < auth.CityStaff.Rank() {
		rank++
	}
	st.set["status"] = StatusReturned
	st.set["unit_id"] = nil
	st.set["returns"] = returns
	st.set["dispatch_rank"] = rank
	if err := st.s.Store.endAssignment(ctx, st.r.ID, *st.r.UnitID, st.now); err != nil {
		return err
	}
	st.note, st.data = reason, map[string]any{"returns": returns, "dispatch_rank": rank}
	st.detail = st.data
	code, role := division.Code(st.r.DivisionCode).Township(), auth.TownshipStaff
	if rank >= auth.CountyStaff.Rank() {
		code, role = division.Code(st.r.DivisionCode).County(), auth.CountyStaff
	}
	return st.s.Outbox.ToStaff(ctx, code, string(role), note(st.r.ID, "request.note.returned", st.r.Number, returns, clip(reason, 100)))
}

func (st *step) dispatch(ctx context.Context) error {
	if err := st.open(); err != nil {
		return err
	}
	if st.in.UnitID == 0 {
		return errs.Invalid(errs.Field("unit_id", "error.required"))
	}
	u, err := st.s.Store.unit(ctx, st.in.UnitID)
	if err != nil {
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid(errs.Field("unit_id", "request.bad_unit"))
		}
		return err
	}
	lo, hi := division.RangeOf(u.DivisionCode)
	if !u.Active || st.r.DivisionCode < lo || st.r.DivisionCode > hi {
		// A unit serves its own division's subtree.
		return errs.Invalid(errs.Field("unit_id", "request.bad_unit"))
	}
	st.data = map[string]any{"unit": u.ID, "unit_name": u.Name}
	st.detail = st.data
	if st.in.Assist {
		if !(st.a.holds(st.r) && st.r.Status == StatusAccepted) && !st.dispatcher() {
			return errs.Forbidden()
		}
		if st.r.UnitID == nil || *st.r.UnitID == u.ID {
			return conflict("request.no_lead")
		}
		if err := st.s.Store.assign(ctx, st.r.ID, u.ID, "assist", st.now); err != nil {
			return err
		}
		st.in.Action = EventAssist
		st.note = st.in.Note
		return st.s.Outbox.ToUnit(ctx, u.ID, note(st.r.ID, "request.note.assist", st.r.Number, st.r.Title))
	}
	if !st.dispatcher() {
		return errs.Forbidden()
	}
	switch st.r.Status {
	case StatusSubmitted, StatusReturned, StatusDispatched:
	default:
		return conflict("request.first_receiver")
	}
	if st.r.UnitID != nil && *st.r.UnitID == u.ID {
		return conflict("request.same_unit")
	}
	if st.r.UnitID != nil {
		if err := st.s.Store.endAssignment(ctx, st.r.ID, *st.r.UnitID, st.now); err != nil {
			return err
		}
	}
	if st.in.Urgency != "" && st.in.Urgency != st.r.Urgency {
		if !oneOf(st.in.Urgency, Urgencies) {
			return errs.Invalid(errs.Field("urgency", "error.one_of", strings.Join(Urgencies, ", ")))
		}
		// A new urgency moves the deadlines, counted from arrival under
		// the policy in force then.
		var pol *Policy
		if st.r.PolicyID != nil {
			ps, err := st.s.Store.policies(ctx, st.r.CategoryCode)
			if err != nil {
				return errs.Internal("request.step.dispatch: update request_assignments", err)
			}
			for i := range ps {
				if ps[i].ID == *st.r.PolicyID {
					pol = &ps[i]
				}
			}
		}
		lim := st.s.limits(pol, st.in.Urgency)
		st.set["urgency"] = st.in.Urgency
		st.set["response_due"] = st.s.due(st.r.CreatedAt, lim.Response)
		st.set["resolution_due"] = st.s.due(st.r.CreatedAt, lim.Resolution)
		st.data["urgency"] = st.in.Urgency
	}
	if err := st.s.Store.assign(ctx, st.r.ID, u.ID, "lead", st.now); err != nil {
		return err
	}
	st.set["status"] = StatusDispatched
	st.set["unit_id"] = u.ID
	st.set["dispatched_at"] = st.now
	st.note = st.in.Note
	return st.s.Outbox.ToUnit(ctx, u.ID, note(st.r.ID, "request.note.dispatched", st.r.Number, st.r.Title))
}

func (st *step) supervise(ctx context.Context) error {
	if err := st.open(); err != nil {
		return err
	}
	ok, err := st.above(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return errs.Forbidden()
	}
	if st.r.UnitID == nil {
		return conflict("request.no_lead")
	}
	if utf8.RuneCountInString(st.in.Note) < 2 {
		return errs.Invalid(errs.Field("note", "request.note_needed"))
	}
	word := i18n.Key("request.note.word.urge")
	if st.in.Action == ActSupervise {
		st.set["supervised"] = true
		word = "request.note.word.supervise"
	}
	st.note = st.in.Note
	return st.s.Outbox.ToUnit(ctx, *st.r.UnitID, note(st.r.ID, "request.note.urged", word, st.r.Number, clip(st.in.Note, 200)))
}

func (st *step) close() error {
	if !st.a.Role.Staff() && st.a.Role != auth.System {
		return errs.Forbidden()
	}
	if st.r.Status != StatusReplied {
		return conflict("request.not_replied")
	}
	st.set["status"] = StatusClosed
	st.set["closed_at"] = st.now
	st.note = st.in.Note
	return nil
}

// callback records what staff heard when they called the resident back. It
// never overwrites the resident's own rating: once the resident has rated
// the request online, the callback is kept beside the rating (its own
// verdict in request_callbacks and on the timeline) and the request's
// satisfaction stays the resident's. Before, a township's callback form,
// pre-filled with 满意, overwrote a resident's 不满意.
func (st *step) callback(ctx context.Context) error {
	if !st.a.Role.Staff() && st.a.Role != auth.System {
		return errs.Forbidden()
	}
	if st.r.Status != StatusReplied && st.r.Status != StatusClosed {
		return conflict("request.not_replied")
	}
	if st.in.Contacted && !oneOf(st.in.Satisfaction, Satisfactions) {
		return errs.Invalid(errs.Field("satisfaction", "error.one_of", strings.Join(Satisfactions, ", ")))
	}
	rated, err := st.s.Store.ratings(ctx, st.r.ID)
	if err != nil {
		return err
	}
	sat := ""
	if st.in.Contacted {
		sat = st.in.Satisfaction
		if rated == 0 {
			st.set["satisfaction"] = sat
		}
	}
	if err := st.s.Store.addCallback(ctx, st.r.ID, st.a.id(), Callback{Kind: KindCallback, Contacted: st.in.Contacted,
		Solved: st.in.Contacted && st.in.Solved, Satisfaction: sat, Comment: st.in.Note, ActorName: st.a.Name, At: st.now}); err != nil {
		return err
	}
	if st.r.Status != StatusClosed {
		st.set["status"] = StatusClosed
		st.set["closed_at"] = st.now
	}
	st.note = st.in.Note
	st.data = map[string]any{"contacted": st.in.Contacted, "solved": st.in.Contacted && st.in.Solved, "satisfaction": sat, "resident_rated": rated > 0}
	st.detail = st.data
	return nil
}

// MaxReopens is how many times an unsatisfied rating sends a request back
// to its unit (重办); a further unsatisfied rating stands as the verdict.
const MaxReopens = 1

// rate is the resident's own verdict on a replied request, once per reply.
// 不满意 opens 重办 (as 12345 centres do) while MaxReopens allows: the request
// goes back to the unit that replied, unresolved again, with its original
// resolution deadline, so the 解决率 counts it as not resolved on time; the
// timeline shows the 重办 and the resident rates the next reply.
func (st *step) rate(ctx context.Context) error {
	if st.a.Role != auth.Resident {
		return errs.Forbidden()
	}
	if st.r.Status != StatusReplied && st.r.Status != StatusClosed {
		return conflict("request.not_replied")
	}
	if !oneOf(st.in.Satisfaction, Satisfactions) {
		return errs.Invalid(errs.Field("satisfaction", "error.one_of", strings.Join(Satisfactions, ", ")))
	}
	n, err := st.s.Store.ratings(ctx, st.r.ID)
	if err != nil {
		return err
	}
	if n > st.r.Reopened {
		return conflict("request.rated")
	}
	if err := st.s.Store.addCallback(ctx, st.r.ID, st.a.id(), Callback{Kind: KindRating, Contacted: true,
		Solved: st.in.Solved || st.in.Satisfaction != NotSatisfied, Satisfaction: st.in.Satisfaction, Comment: st.in.Note,
		ActorName: st.a.Name, At: st.now}); err != nil {
		return err
	}
	st.set["satisfaction"] = st.in.Satisfaction
	st.note = st.in.Note
	st.data = map[string]any{"satisfaction": st.in.Satisfaction}
	if st.in.Satisfaction == NotSatisfied && st.r.Reopened < MaxReopens && st.r.UnitID != nil {
		st.set["status"] = StatusAccepted
		st.set["resolved_at"] = nil
		st.set["closed_at"] = nil
		st.set["reopened"] = st.r.Reopened + 1
		st.then = EventReopen
		st.data["reopened"] = true
	}
	st.detail = st.data
	return nil
}

func (st *step) appeal(ctx context.Context) error {
	aps, err := st.s.Store.appeals(ctx, st.r.ID)
	if err != nil {
		return errs.Internal("request.step.appeal: appeals", err)
	}
	var pending *Appeal
	for i := range aps {
		if aps[i].Status == Pending {
			pending = &aps[i]
		}
	}
	if st.in.Decision == "" {
		first := st.r.FirstUnitID != nil && *st.r.FirstUnitID == st.a.unitID
		if !st.a.holds(st.r) && !first {
			return errs.Forbidden()
		}
		if !oneOf(st.in.Reason, AppealReasons) {
			return errs.Invalid(errs.Field("reason", "error.one_of", strings.Join(AppealReasons, ", ")))
		}
		if utf8.RuneCountInString(st.in.Note) < 2 {
			return errs.Invalid(errs.Field("note", "request.note_needed"))
		}
		if pending != nil {
			return conflict("request.appeal_pending")
		}
		if st.r.Excluded {
			return conflict("request.excluded")
		}
		if err := st.s.Store.addAppeal(ctx, st.r.ID, st.a.unitID, st.in.Reason, st.in.Note, st.now); err != nil {
			return err
		}
		st.note, st.data = st.in.Note, map[string]any{"reason": st.in.Reason}
		return st.s.Outbox.ToStaff(ctx, division.Code(st.r.DivisionCode).County(), string(auth.CountyStaff),
			note(st.r.ID, "request.note.appeal_asked", st.r.Number, st.in.Reason))
	}
	var asker int64
	if pending != nil {
		asker = pending.UnitID
	}
	approve, err := st.decidePending(ctx, asker, pending != nil)
	if err != nil {
		return err
	}
	status := Refused
	if approve {
		status = Approved
		st.set["excluded"] = true
	}
	if err := st.s.Store.decideAppeal(ctx, pending.ID, status, st.a.Name, st.in.Note, st.now); err != nil {
		return err
	}
	st.note, st.data = st.in.Note, map[string]any{"appeal": pending.ID, "decision": status}
	st.detail = st.data
	return st.s.Outbox.ToUnit(ctx, pending.UnitID, note(st.r.ID, "request.note.appeal_decided", st.r.Number, decided(status)))
}

func decided(status string) i18n.Key {
	if status == Approved {
		return "request.note.approved"
	}
	return "request.note.refused"
}

// note is a notification about request id: a message key of the catalogue
// and its arguments, linked to the request's page.
func note(id int64, key string, args ...any) notify.Note {
	return notify.Note{Key: key, Args: args, Object: "request", ID: id, Link: "/requests/" + strconv.FormatInt(id, 10)}
}
