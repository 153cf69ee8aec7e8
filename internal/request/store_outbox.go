package request

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/jobs"
)

// The outbox's delivery SQL. Claims use the database's clock (db.Now), the
// one clock every node shares.

// pending lists up to max pending messages that no live claim holds, oldest first.
func (o *Outbox) pending(ctx context.Context, max int) ([]Message, error) {
	rows, err := o.DB.Q(ctx).QueryContext(ctx, `SELECT id, channel, request_id, user_id, unit_id, division_code, role, phone_sealed,
		body, status, attempts, created_at FROM request_outbox
		WHERE status = $1 AND (claim_until IS NULL OR claim_until < `+o.DB.Now()+`) ORDER BY id LIMIT $2`, OutboxPending, max)
	if err != nil {
		return nil, errs.Internal("outbox.pending", err)
	}
	defer rows.Close()
	var ms []Message
	for rows.Next() {
		var m Message
		var req, user, unit sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Channel, &req, &user, &unit, &m.DivisionCode, &m.Role, &m.PhoneSealed, &m.Body, &m.Status,
			&m.Attempts, &m.CreatedAt); err != nil {
			return nil, errs.Internal("outbox.pending", err)
		}
		m.RequestID, m.UserID, m.UnitID = nullInt(req), nullInt(user), nullInt(unit)
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("outbox.pending", err)
	}
	return ms, nil
}

// claim claims a pending message for this outbox for ClaimFor, in a
// transaction of its own that is committed before the send; in a leased
// job the claim is fenced by the job's lease. False when the message is
// sent, failed or claimed by someone else meanwhile.
func (o *Outbox) claim(ctx context.Context, id int64) (bool, error) {
	ok := false
	err := o.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := jobs.Fence(ctx); err != nil {
			return err
		}
		res, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE request_outbox SET claimed_by = $1, claim_until = `+o.DB.NowPlus("$2")+`
			WHERE id = $3 AND status = $4 AND (claim_until IS NULL OR claim_until < `+o.DB.Now()+`)`,
			o.Claimant, o.claimFor().Milliseconds(), id, OutboxPending)
		if err != nil {
			return errs.Internal("outbox.claim", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return errs.Internal("outbox.claim", err)
		}
		ok = n == 1
		return nil
	})
	return ok, err
}

// markSent marks a message this outbox claimed as sent and drops the claim.
func (o *Outbox) markSent(ctx context.Context, id int64) error {
	res, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE request_outbox SET status = $1, sent_at = $2, attempts = attempts + 1,
		claimed_by = '', claim_until = NULL WHERE id = $3 AND status = $4 AND claimed_by = $5`,
		OutboxSent, o.Now().UTC().Truncate(time.Microsecond), id, OutboxPending, o.Claimant)
	if err != nil {
		return errs.Internal("outbox.markSent", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// The send outlasted the claim and another node claimed it: it
		// may be sent twice. SendTimeout must stay below ClaimFor.
		slog.Error("outbox message sent after its claim ran out", "id", id)
	}
	return nil
}

// markFailed counts a failed try of a message this outbox claimed and drops
// the claim: the message is retried on a later round, and failed after 5 tries.
func (o *Outbox) markFailed(ctx context.Context, id int64, msg string) error {
	_, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE request_outbox SET attempts = attempts + 1, error = $1,
		status = CASE WHEN attempts + 1 >= 5 THEN $2 ELSE status END, claimed_by = '', claim_until = NULL
		WHERE id = $3 AND status = $4 AND claimed_by = $5`, msg, OutboxFailed, id, OutboxPending, o.Claimant)
	if err != nil {
		return errs.Internal("outbox.markFailed", err)
	}
	return nil
}
