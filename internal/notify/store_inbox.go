package notify

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// inbox lists one page of an account's messages, newest first.
func (s *Store) inbox(ctx context.Context, userID int64, limit, offset int) ([]InboxItem, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT i.read_at, m.id, m.channel, m.user_id, m.unit_id, m.division_code, m.role, m.phone_sealed,
		m.msg_key, m.args, m.object_type, m.object_id, m.link, m.body, m.status, m.attempts, m.created_at
		FROM notify_inbox i JOIN notify_outbox m ON m.id = i.message_id
		WHERE i.user_id = $1 ORDER BY i.message_id DESC LIMIT $2 OFFSET $3`, userID, limit, offset)
	if err != nil {
		return nil, errs.Internal("notify.Store.inbox: select notify_inbox", err)
	}
	defer rows.Close()
	var out []InboxItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, errs.Internal("notify.Store.inbox: scan", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("notify.Store.inbox: rows", err)
	}
	return out, nil
}

func scanItem(sc interface{ Scan(...any) error }) (InboxItem, error) {
	var read sql.NullTime
	var it InboxItem
	var user, unit, obj sql.NullInt64
	var args string
	var m Message
	if err := sc.Scan(&read, &m.ID, &m.Channel, &user, &unit, &m.DivisionCode, &m.Role, &m.PhoneSealed, &m.Key, &args, &m.ObjectType, &obj,
		&m.Link, &m.Body, &m.Status, &m.Attempts, &m.CreatedAt); err != nil {
		return it, err
	}
	m.UserID, m.UnitID, m.ObjectID = nullInt(user), nullInt(unit), nullInt(obj)
	if err := m.Args.UnmarshalJSON([]byte(args)); err != nil {
		return it, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	it.m = m
	if read.Valid {
		t := read.Time.UTC()
		it.ReadAt = &t
	}
	return it, nil
}

// inboxItem reads one message of an account's inbox.
func (s *Store) inboxItem(ctx context.Context, userID, id int64) (InboxItem, error) {
	it, err := scanItem(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT i.read_at, m.id, m.channel, m.user_id, m.unit_id, m.division_code, m.role,
		m.phone_sealed, m.msg_key, m.args, m.object_type, m.object_id, m.link, m.body, m.status, m.attempts, m.created_at
		FROM notify_inbox i JOIN notify_outbox m ON m.id = i.message_id WHERE i.user_id = $1 AND i.message_id = $2`, userID, id))
	if err != nil {
		return it, db.RowErr(err, "notify.Store.inboxItem: select notify_inbox", "notify.not_found")
	}
	return it, nil
}

// markRead marks a message of an account's inbox read (once).
func (s *Store) markRead(ctx context.Context, userID, id int64, now time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE notify_inbox SET read_at = $1 WHERE user_id = $2 AND message_id = $3 AND read_at IS NULL`,
		now, userID, id); err != nil {
		return errs.Internal("notify.Store.markRead: update notify_inbox", err)
	}
	return nil
}

// unread counts an account's unread messages: one range of the index
// notify_inbox_unread.
func (s *Store) unread(ctx context.Context, userID int64) (int, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM notify_inbox WHERE user_id = $1 AND read_at IS NULL`, userID).Scan(&n); err != nil {
		return 0, errs.Internal("notify.Store.unread: count notify_inbox", err)
	}
	return n, nil
}
