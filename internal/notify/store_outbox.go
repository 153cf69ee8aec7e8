package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/jobs"
)

// Store holds the slice's SQL.
type Store struct {
	DB *db.DB
}

const messageCols = `id, channel, user_id, unit_id, division_code, role, phone_sealed, msg_key, args, object_type, object_id, link,
	body, status, attempts, created_at`

func scanMessage(sc interface{ Scan(...any) error }, extra ...any) (Message, error) {
	var m Message
	var user, unit, obj sql.NullInt64
	var args string
	dest := append([]any{&m.ID, &m.Channel, &user, &unit, &m.DivisionCode, &m.Role, &m.PhoneSealed, &m.Key, &args, &m.ObjectType, &obj,
		&m.Link, &m.Body, &m.Status, &m.Attempts, &m.CreatedAt}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return m, err
	}
	m.UserID, m.UnitID, m.ObjectID = nullInt(user), nullInt(unit), nullInt(obj)
	if err := json.Unmarshal([]byte(args), &m.Args); err != nil {
		return m, err
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return m, nil
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// put inserts a pending message and returns its id.
func (s *Store) put(ctx context.Context, m Message) (int64, error) {
	args, err := json.Marshal(m.Args)
	if err != nil {
		return 0, errs.Internal("notify.Store.put: args", err)
	}
	var id int64
	err = s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO notify_outbox (channel, user_id, unit_id, division_code, role, phone_sealed,
		msg_key, args, object_type, object_id, link, body, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		m.Channel, m.UserID, m.UnitID, m.DivisionCode, m.Role, m.PhoneSealed, m.Key, string(args), m.ObjectType, m.ObjectID, m.Link,
		m.Body, OutboxPending, m.CreatedAt).Scan(&id)
	if err != nil {
		return 0, errs.Internal("notify.Store.put: insert notify_outbox", err)
	}
	return id, nil
}

// addToInboxes puts a message in the inboxes of the accounts.
func (s *Store) addToInboxes(ctx context.Context, id int64, users []int64) error {
	for _, u := range users {
		if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO notify_inbox (user_id, message_id) VALUES ($1, $2)
			ON CONFLICT (user_id, message_id) DO NOTHING`, u, id); err != nil {
			return errs.Internal("notify.Store.addToInboxes: insert notify_inbox", err)
		}
	}
	return nil
}

// staff lists the enabled accounts of a role whose area is code.
func (s *Store) staff(ctx context.Context, code, role string) ([]int64, error) {
	return db.Column[int64](ctx, s.DB.Q(ctx), "notify.Store.staff: select users", `SELECT id FROM users WHERE area_code = $1 AND role = $2 AND disabled = $3 ORDER BY id LIMIT 1000`,
		code, role, false)
}

// Prefs is an account's choice of channels.
type Prefs struct {
	SMS         bool   `json:"sms"`
	PhoneSealed string `json:"-"`
}

func (s *Store) prefs(ctx context.Context, userID int64) (Prefs, error) {
	var p Prefs
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT sms, phone_sealed FROM notify_prefs WHERE user_id = $1`, userID).Scan(&p.SMS, &p.PhoneSealed)
	if err != nil && !db.IsNoRows(err) {
		return p, errs.Internal("notify.Store.prefs: select notify_prefs", err)
	}
	return p, nil
}

func (s *Store) setPrefs(ctx context.Context, userID int64, p Prefs, now time.Time) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO notify_prefs (user_id, sms, phone_sealed, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET sms = excluded.sms, phone_sealed = excluded.phone_sealed, updated_at = excluded.updated_at`,
		userID, p.SMS, p.PhoneSealed, now)
	if err != nil {
		return errs.Internal("notify.Store.setPrefs: upsert notify_prefs", err)
	}
	return nil
}

// lang is an account's language (zh-CN when it chose none).
func (s *Store) lang(ctx context.Context, userID int64) (string, error) {
	var l string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT lang FROM users WHERE id = $1`, userID).Scan(&l)
	if err != nil && !db.IsNoRows(err) {
		return "", errs.Internal("notify.Store.lang: select users", err)
	}
	return i18n.Normalize(l), nil
}

func (s *Store) forObject(ctx context.Context, objectType string, id int64) ([]Message, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM notify_outbox WHERE object_type = $1 AND object_id = $2
		ORDER BY id LIMIT 500`, objectType, id)
	if err != nil {
		return nil, errs.Internal("notify.Store.forObject: select notify_outbox", err)
	}
	return scanMessages(rows, "notify.Store.forObject")
}

func scanMessages(rows *sql.Rows, op string) ([]Message, error) {
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, errs.Internal(op+": scan", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(op+": rows", err)
	}
	return out, nil
}

// The outbox's delivery SQL. Claims use the database's clock (db.Now), the
// one clock every node shares.

// pending lists up to max pending messages that no live claim holds, oldest first.
func (o *Outbox) pending(ctx context.Context, max int) ([]Message, error) {
	rows, err := o.DB.Q(ctx).QueryContext(ctx, `SELECT `+messageCols+` FROM notify_outbox
		WHERE status = $1 AND (claim_until IS NULL OR claim_until < `+o.DB.Now()+`) ORDER BY id LIMIT $2`, OutboxPending, max)
	if err != nil {
		return nil, errs.Internal("notify.Outbox.pending: select notify_outbox", err)
	}
	return scanMessages(rows, "notify.Outbox.pending")
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
		res, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE notify_outbox SET claimed_by = $1, claim_until = `+o.DB.NowPlus("$2")+`
			WHERE id = $3 AND status = $4 AND (claim_until IS NULL OR claim_until < `+o.DB.Now()+`)`,
			o.Claimant, o.claimFor().Milliseconds(), id, OutboxPending)
		if err != nil {
			return errs.Internal("notify.Outbox.claim: update notify_outbox", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return errs.Internal("notify.Outbox.claim: rows affected", err)
		}
		ok = n == 1
		return nil
	})
	return ok, err
}

// markSent marks a message this outbox claimed as sent and drops the claim.
func (o *Outbox) markSent(ctx context.Context, id int64) error {
	res, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE notify_outbox SET status = $1, sent_at = $2, attempts = attempts + 1,
		claimed_by = '', claim_until = NULL WHERE id = $3 AND status = $4 AND claimed_by = $5`,
		OutboxSent, o.Now().UTC().Truncate(time.Microsecond), id, OutboxPending, o.Claimant)
	if err != nil {
		return errs.Internal("notify.Outbox.markSent: update notify_outbox", err)
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
	_, err := o.DB.W(ctx).ExecContext(ctx, `UPDATE notify_outbox SET attempts = attempts + 1, error = $1,
		status = CASE WHEN attempts + 1 >= 5 THEN $2 ELSE status END, claimed_by = '', claim_until = NULL
		WHERE id = $3 AND status = $4 AND claimed_by = $5`, msg, OutboxFailed, id, OutboxPending, o.Claimant)
	if err != nil {
		return errs.Internal("notify.Outbox.markFailed: update notify_outbox", err)
	}
	return nil
}
