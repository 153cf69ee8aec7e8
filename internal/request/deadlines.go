package request

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// DeadlineJob is the name of the leased job that warns and escalates.
const DeadlineJob = "request.deadlines"

// WarnBefore is how long before its resolution deadline an open request
// warns its unit: a day, or a quarter of the time it was given when that
// is shorter (an emergency's 2 hours warn 30 minutes before).
const WarnBefore = 24 * time.Hour

// Checked is what one deadline run did.
type Checked struct {
	Warned    int
	Escalated int
}

type dueRow struct {
	id, unit        int64
	hasUnit         bool
	code, unitKind  string
	due, created    time.Time
	warned, escaled bool
}

// RunDeadlines warns the units of open requests about to go overdue and
// escalates overdue ones to the level above (township staff, or county
// staff for a township's own unit), each once, in batches of at most 500.
// The job runner leases it, so with several nodes one runs it at a time;
// the row conditions make a second run a no-op anyway.
func (s *Service) RunDeadlines(ctx context.Context) (Checked, error) {
	var out Checked
	for {
		now := s.now()
		todo, err := s.Store.due(ctx, now.Add(WarnBefore), 500)
		if err != nil {
			return out, err
		}
		did := 0
		err = s.DB.WithTx(ctx, func(ctx context.Context) error {
			for _, d := range todo {
				overdue := now.After(d.due)
				if overdue && !d.escaled {
					done, err := s.escalate(ctx, d, now)
					if err != nil {
						return err
					}
					if done {
						out.Escalated++
						did++
					}
					continue
				}
				if overdue || d.warned {
					continue
				}
				window := WarnBefore
				if q := d.due.Sub(d.created) / 4; q < window {
					window = q
				}
				if d.due.Sub(now) > window {
					continue
				}
				done, err := s.warn(ctx, d, now)
				if err != nil {
					return err
				}
				if done {
					out.Warned++
					did++
				}
			}
			return nil
		})
		if err != nil || did == 0 || len(todo) < 500 {
			return out, err
		}
	}
}

// warn warns once; false when another run did it already.
func (s *Service) warn(ctx context.Context, d dueRow, now time.Time) (bool, error) {
	if ok, err := s.Store.markWarned(ctx, d.id, now); !ok || err != nil {
		return false, err
	}
	left := d.due.Sub(now).Round(time.Minute)
	if err := s.Store.event(ctx, d.id, EventWarn, nil, "system", string(auth.System), unitPtr(d), "",
		map[string]any{"due": d.due, "left_minutes": int(left.Minutes())}, now); err != nil {
		return false, errs.Internal("request.Service.warn: event", err)
	}
	num := Number(d.id, d.created)
	if d.hasUnit {
		return true, s.Outbox.ToUnit(ctx, d.unit, note(d.id, "request.note.due_soon", num, d.due.In(china).Format("01-02 15:04")))
	}
	return true, s.Outbox.ToStaff(ctx, division.Code(d.code).Township(), string(auth.TownshipStaff),
		note(d.id, "request.note.undispatched_due", num, d.due.In(china).Format("01-02 15:04")))
}

func ptr(v int64) *int64 { return &v }

func unitPtr(d dueRow) *int64 {
	if !d.hasUnit {
		return nil
	}
	return ptr(d.unit)
}

// escalate escalates once; false when another run did it already.
func (s *Service) escalate(ctx context.Context, d dueRow, now time.Time) (bool, error) {
	if ok, err := s.Store.markEscalated(ctx, d.id, now); !ok || err != nil {
		return false, err
	}
	code, role := division.Code(d.code).Township(), auth.TownshipStaff
	if d.unitKind == UnitTownship {
		code, role = division.Code(d.code).County(), auth.CountyStaff
	}
	if err := s.Store.event(ctx, d.id, EventEscalate, nil, "system", string(auth.System), unitPtr(d), "",
		map[string]any{"to": code, "role": role, "due": d.due}, now); err != nil {
		return false, errs.Internal("request.Service.escalate: event", err)
	}
	if err := s.Audit.Write(ctx, audit.Entry{Action: "request.escalate", ObjectType: "request", ObjectID: strconv.FormatInt(d.id, 10),
		Result: audit.OK, Detail: map[string]any{"to": code, "role": role}}); err != nil {
		return false, err
	}
	return true, s.Outbox.ToStaff(ctx, code, string(role), note(d.id, "request.note.overdue", Number(d.id, d.created),
		d.due.In(china).Format("01-02 15:04")))
}
