package request

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// DeadlineJob is the name of the leased job that warns and escalates.
const DeadlineJob = "request.deadlines"

// OutboxJob is the name of the leased job that delivers notifications.
const OutboxJob = "request.outbox"

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
		rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.id, r.unit_id, COALESCE(u.kind, ''), r.division_code, r.resolution_due, r.created_at,
			r.warned_at IS NOT NULL, r.escalated_at IS NOT NULL
			FROM requests r LEFT JOIN request_units u ON u.id = r.unit_id
			WHERE r.closed_at IS NULL AND r.resolved_at IS NULL AND r.resolution_due <= $1
			  AND (r.escalated_at IS NULL OR r.warned_at IS NULL)
			ORDER BY r.resolution_due LIMIT 500`, now.Add(WarnBefore))
		if err != nil {
			return out, errs.Internal("request.Service.RunDeadlines: select requests", err)
		}
		var todo []dueRow
		for rows.Next() {
			var d dueRow
			var unit sql.NullInt64
			if err := rows.Scan(&d.id, &unit, &d.unitKind, &d.code, &d.due, &d.created, &d.warned, &d.escaled); err != nil {
				rows.Close()
				return out, errs.Internal("request.Service.RunDeadlines: select requests", err)
			}
			d.unit, d.hasUnit = unit.Int64, unit.Valid
			todo = append(todo, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, errs.Internal("request.Service.RunDeadlines: select requests", err)
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
	res, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET warned_at = $1 WHERE id = $2 AND warned_at IS NULL`, now, d.id)
	if err != nil {
		return false, errs.Internal("request.Service.warn: update requests", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	left := d.due.Sub(now).Round(time.Minute)
	if err := s.Store.event(ctx, d.id, EventWarn, nil, "system", string(auth.System), unitPtr(d), "",
		map[string]any{"due": d.due, "left_minutes": int(left.Minutes())}, now); err != nil {
		return false, errs.Internal("request.Service.warn: update requests", err)
	}
	num := Number(d.id, d.created)
	if d.hasUnit {
		return true, s.Outbox.ToUnit(ctx, d.id, d.unit, fmt.Sprintf("诉求 %s 将于 %s 到期，请抓紧办理。", num, d.due.In(china).Format("01-02 15:04")))
	}
	return true, s.Outbox.ToStaff(ctx, d.id, division.Code(d.code).Township(), string(auth.TownshipStaff),
		fmt.Sprintf("诉求 %s 尚未派单，将于 %s 到期。", num, d.due.In(china).Format("01-02 15:04")))
}

func unitPtr(d dueRow) *int64 {
	if !d.hasUnit {
		return nil
	}
	return ptr(d.unit)
}

// escalate escalates once; false when another run did it already.
func (s *Service) escalate(ctx context.Context, d dueRow, now time.Time) (bool, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET escalated_at = $1, warned_at = COALESCE(warned_at, $1) WHERE id = $2 AND escalated_at IS NULL`, now, d.id)
	if err != nil {
		return false, errs.Internal("request.Service.escalate: update requests", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	code, role := division.Code(d.code).Township(), auth.TownshipStaff
	if d.unitKind == UnitTownship {
		code, role = division.Code(d.code).County(), auth.CountyStaff
	}
	if err := s.Store.event(ctx, d.id, EventEscalate, nil, "system", string(auth.System), unitPtr(d), "",
		map[string]any{"to": code, "role": role, "due": d.due}, now); err != nil {
		return false, errs.Internal("request.Service.escalate: update requests", err)
	}
	if err := s.Audit.Write(ctx, audit.Entry{Action: "request.escalate", ObjectType: "request", ObjectID: strconv.FormatInt(d.id, 10),
		Result: audit.OK, Detail: map[string]any{"to": code, "role": role}}); err != nil {
		return false, err
	}
	return true, s.Outbox.ToStaff(ctx, d.id, code, string(role), fmt.Sprintf("诉求 %s 已超期(时限 %s)，请督办。", Number(d.id, d.created),
		d.due.In(china).Format("01-02 15:04")))
}
