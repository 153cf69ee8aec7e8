package notify

import (
	"context"
	"encoding/json"

	"shequ/internal/platform/errs"
)

// toRoleIn puts message id in the inbox of every enabled account of role
// whose division lies in [lo, hi]: one INSERT … SELECT, however many.
func (s *Store) toRoleIn(ctx context.Context, id int64, role, lo, hi string) (int, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO notify_inbox (user_id, message_id)
		SELECT id, $1 FROM users WHERE role = $2 AND area_code BETWEEN $3 AND $4 AND disabled = $5
		ON CONFLICT (user_id, message_id) DO NOTHING`, id, role, lo, hi, false)
	if err != nil {
		return 0, errs.Internal("notify.Store.toRoleIn: insert notify_inbox", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errs.Internal("notify.Store.toRoleIn: rows affected", err)
	}
	return int(n), nil
}

// smsToRoleIn queues one SMS (pending, sent later by the outbox's job) to
// every enabled account of role in [lo, hi] that chose SMS and gave a
// number: one INSERT … SELECT.
func (s *Store) smsToRoleIn(ctx context.Context, m Message, role, lo, hi string) (int, error) {
	args, err := json.Marshal(m.Args)
	if err != nil {
		return 0, errs.Internal("notify.Store.smsToRoleIn: args", err)
	}
	res, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO notify_outbox (channel, user_id, division_code, role, phone_sealed,
		msg_key, args, object_type, object_id, link, body, status, created_at)
		SELECT $1, u.id, $2, $3, p.phone_sealed, $4, $5, $6, $7, $8, $9, $10, $11
		FROM users u JOIN notify_prefs p ON p.user_id = u.id
		WHERE u.role = $3 AND u.area_code BETWEEN $12 AND $13 AND u.disabled = $14 AND p.sms = $15 AND p.phone_sealed <> ''`,
		ChannelSMS, m.DivisionCode, role, m.Key, string(args), m.ObjectType, m.ObjectID, m.Link, m.Body, OutboxPending, m.CreatedAt,
		lo, hi, false, true)
	if err != nil {
		return 0, errs.Internal("notify.Store.smsToRoleIn: insert notify_outbox", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, errs.Internal("notify.Store.smsToRoleIn: rows affected", err)
	}
	return int(n), nil
}
