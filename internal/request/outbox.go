package request

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Outbox channels.
const (
	ChannelSMS   = "sms"
	ChannelInApp = "inapp"
)

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Message is a row of the outbox. PhoneSealed is the sealed number of an
// SMS to a resident without an account; the sender opens it.
type Message struct {
	ID           int64     `json:"id"`
	Channel      string    `json:"channel"`
	RequestID    *int64    `json:"request_id,omitempty"`
	UserID       *int64    `json:"user_id,omitempty"`
	UnitID       *int64    `json:"unit_id,omitempty"`
	DivisionCode string    `json:"division_code,omitempty"`
	Role         string    `json:"role,omitempty"`
	PhoneSealed  string    `json:"-"`
	Body         string    `json:"body"`
	Status       string    `json:"status"`
	Attempts     int       `json:"attempts"`
	CreatedAt    time.Time `json:"created_at"`
}

// Sender delivers one message (an SMS gateway, a push service). An error
// leaves the message pending for the next round (failed after 5 tries).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m Message) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// LogSender is the default sender: it writes the message to the log; the
// outbox row, marked sent, keeps it (in-app messages are read from there).
var LogSender = SenderFunc(func(_ context.Context, m Message) error {
	logSend(m)
	return nil
})

// Outbox queues messages in the writer's transaction, so a message exists
// exactly when the change it announces does, and delivers them later.
type Outbox struct {
	DB     *db.DB
	Sender Sender
	Now    func() time.Time
	// Claimant names this outbox in the claims of the messages it sends.
	Claimant string
	// ClaimFor is how long a claim keeps other nodes off a message (10
	// minutes by default); SendTimeout bounds one send (1 minute by
	// default) and must stay well below ClaimFor.
	ClaimFor, SendTimeout time.Duration
}

// NewOutbox makes an outbox; a nil sender is LogSender.
func NewOutbox(d *db.DB, sender Sender) *Outbox {
	if sender == nil {
		sender = LogSender
	}
	host, _ := os.Hostname()
	return &Outbox{DB: d, Sender: sender, Now: time.Now, Claimant: fmt.Sprintf("%s:%d:%x", host, os.Getpid(), rand.Uint32())}
}

func (o *Outbox) claimFor() time.Duration {
	if o.ClaimFor > 0 {
		return o.ClaimFor
	}
	return 10 * time.Minute
}

func (o *Outbox) sendTimeout() time.Duration {
	if o.SendTimeout > 0 {
		return o.SendTimeout
	}
	return time.Minute
}

func (o *Outbox) put(ctx context.Context, m Message) error {
	_, err := o.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_outbox (channel, request_id, user_id, unit_id, division_code, role,
		phone_sealed, body, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		m.Channel, m.RequestID, m.UserID, m.UnitID, m.DivisionCode, m.Role, m.PhoneSealed, m.Body, OutboxPending,
		o.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return errs.Internal("request.Outbox.put: insert request_outbox", err)
	}
	return nil
}

func ptr(v int64) *int64 { return &v }

// ToUser queues a message to an account.
func (o *Outbox) ToUser(ctx context.Context, requestID, userID int64, channel, body string) error {
	return o.put(ctx, Message{Channel: channel, RequestID: ptr(requestID), UserID: ptr(userID), Body: body})
}

// ToPhone queues an SMS to a sealed phone number.
func (o *Outbox) ToPhone(ctx context.Context, requestID int64, phoneSealed, body string) error {
	return o.put(ctx, Message{Channel: ChannelSMS, RequestID: ptr(requestID), PhoneSealed: phoneSealed, Body: body})
}

// ToUnit queues an in-app message to the accounts of a unit.
func (o *Outbox) ToUnit(ctx context.Context, requestID, unitID int64, body string) error {
	return o.put(ctx, Message{Channel: ChannelInApp, RequestID: ptr(requestID), UnitID: ptr(unitID), Body: body})
}

// ToStaff queues an in-app message to the staff of a division.
func (o *Outbox) ToStaff(ctx context.Context, requestID int64, code, role, body string) error {
	return o.put(ctx, Message{Channel: ChannelInApp, RequestID: ptr(requestID), DivisionCode: code, Role: role, Body: body})
}

// Deliver sends up to max pending messages, one at a time: each is first
// claimed (claimant and expiry, committed on its own), then sent, then
// marked sent (or its failed try counted and its claim dropped); it returns
// how many were sent. Only pending messages without a live claim are
// picked, so a message whose send stalls on one node is not sent again by
// another while its claim lasts (ClaimFor, longer than SendTimeout). When
// run as a leased job, each claim is fenced by the job's lease and a lost
// lease stops the loop; a message already being sent is finished and
// marked, never abandoned to a resend.
func (o *Outbox) Deliver(ctx context.Context, max int) (int, error) {
	ms, err := o.pending(ctx, max)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, m := range ms {
		if err := context.Cause(ctx); err != nil {
			return sent, err
		}
		claimed, err := o.claim(ctx, m.ID)
		if err != nil {
			return sent, err
		}
		if !claimed {
			continue // another node has it
		}
		// The send runs to its own deadline even if the job's ctx ends:
		// a message claimed is finished and marked here.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.sendTimeout())
		sendErr := o.Sender.Send(sctx, m)
		cancel()
		wctx := context.WithoutCancel(ctx)
		if sendErr != nil {
			if err := o.markFailed(wctx, m.ID, clip(sendErr.Error(), 500)); err != nil {
				return sent, err
			}
			continue
		}
		if err := o.markSent(wctx, m.ID); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// ForRequest lists the messages about a request, oldest first (tests and
// the timeline's notification view read them).
func (o *Outbox) ForRequest(ctx context.Context, requestID int64) ([]Message, error) {
	rows, err := o.DB.Q(ctx).QueryContext(ctx, `SELECT id, channel, request_id, user_id, unit_id, division_code, role, phone_sealed,
		body, status, attempts, created_at FROM request_outbox WHERE request_id = $1 ORDER BY id LIMIT 500`, requestID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var req, user, unit sql.NullInt64
		if err := rows.Scan(&m.ID, &m.Channel, &req, &user, &unit, &m.DivisionCode, &m.Role, &m.PhoneSealed, &m.Body, &m.Status,
			&m.Attempts, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.RequestID, m.UserID, m.UnitID = nullInt(req), nullInt(user), nullInt(unit)
		out = append(out, m)
	}
	return out, rows.Err()
}
