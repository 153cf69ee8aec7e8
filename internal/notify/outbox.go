// Package notify is the platform's notifications: an outbox that every
// slice writes to in its own transaction (so a message exists exactly when
// the change it announces does), delivery by SMS through an sms.Sender, and
// the inbox every account reads them in. A message is a message key and its
// arguments, rendered in each recipient's language when read or sent.
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/sms"
)

// OutboxJob is the name of the leased job that delivers notifications.
const OutboxJob = "notify.outbox"

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

// Note is what a slice announces: a message key of its catalogue with the
// arguments (strings, or i18n.Key for words translated too: the key's text
// takes %s only), and the object it is about with the page that shows it.
type Note struct {
	Key    string
	Args   []any
	Object string // object type, e.g. "request"
	ID     int64  // object id
	Link   string // the object's page, e.g. "/requests/12"
}

// Message is a row of the outbox. PhoneSealed is the sealed number of an
// SMS; the sender opens it.
type Message struct {
	ID           int64     `json:"id"`
	Channel      string    `json:"channel"`
	UserID       *int64    `json:"user_id,omitempty"`
	UnitID       *int64    `json:"unit_id,omitempty"`
	DivisionCode string    `json:"division_code,omitempty"`
	Role         string    `json:"role,omitempty"`
	PhoneSealed  string    `json:"-"`
	Key          string    `json:"key"`
	Args         Args      `json:"args"`
	ObjectType   string    `json:"object_type,omitempty"`
	ObjectID     *int64    `json:"object_id,omitempty"`
	Link         string    `json:"link,omitempty"`
	Body         string    `json:"body"` // the Chinese text, for the log
	Status       string    `json:"status"`
	Attempts     int       `json:"attempts"`
	CreatedAt    time.Time `json:"created_at"`
}

// Text renders the message in lang.
func (m Message) Text(lang string) string {
	if m.Key == "" {
		return m.Body // written before messages had keys
	}
	return i18n.T(lang, m.Key, m.Args.values()...)
}

// Args are a message's arguments as stored: a JSON array whose items are
// strings, or {"k": key} for an argument translated too.
type Args []any

func argsOf(in []any) Args {
	out := make(Args, len(in))
	for i, a := range in {
		switch v := a.(type) {
		case i18n.Key:
			out[i] = v
		case string:
			out[i] = v
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}

func (a Args) values() []any { return []any(a) }

// MarshalJSON writes keys as {"k": key}.
func (a Args) MarshalJSON() ([]byte, error) {
	out := make([]any, len(a))
	for i, v := range a {
		if k, ok := v.(i18n.Key); ok {
			out[i] = map[string]string{"k": string(k)}
		} else {
			out[i] = v
		}
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (a *Args) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make(Args, len(raw))
	for i, r := range raw {
		var s string
		if json.Unmarshal(r, &s) == nil {
			out[i] = s
			continue
		}
		var k struct {
			K string `json:"k"`
		}
		if err := json.Unmarshal(r, &k); err != nil {
			return err
		}
		out[i] = i18n.Key(k.K)
	}
	*a = out
	return nil
}

// Sender delivers one message. An error leaves the message pending for the
// next round (failed after 5 tries).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, m Message) error

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// Units names the accounts that act for a handling unit (the request slice
// knows them; adapted in internal/app).
type Units interface {
	UnitAccounts(ctx context.Context, unitID int64) ([]int64, error)
}

// Opener opens a sealed phone number (pii.Ring).
type Opener interface {
	Open(sealed string) (string, error)
}

// Outbox queues messages in the writer's transaction and delivers them
// later: in-app messages are in their recipients' inboxes from the start
// (delivery only logs them), SMS go through SMS.
type Outbox struct {
	DB     *db.DB
	Store  *Store
	Sender Sender // nil: the built-in delivery (SMS through SMS, in-app to the log)
	SMS    sms.Sender
	Phones Opener
	Units  Units
	Now    func() time.Time
	// Claimant names this outbox in the claims of the messages it sends.
	Claimant string
	// ClaimFor is how long a claim keeps other nodes off a message (10
	// minutes by default); SendTimeout bounds one send (1 minute by
	// default) and must stay well below ClaimFor.
	ClaimFor, SendTimeout time.Duration
}

// NewOutbox makes an outbox; a nil sender is the built-in delivery, which
// sends SMS through smsSender and opens numbers with phones.
func NewOutbox(d *db.DB, sender Sender, smsSender sms.Sender, phones Opener) *Outbox {
	host, _ := os.Hostname()
	return &Outbox{DB: d, Store: &Store{DB: d}, Sender: sender, SMS: smsSender, Phones: phones, Now: time.Now,
		Claimant: fmt.Sprintf("%s:%d:%x", host, os.Getpid(), rand.Uint32())}
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

func (o *Outbox) message(channel string, n Note) Message {
	m := Message{Channel: channel, Key: n.Key, Args: argsOf(n.Args), ObjectType: n.Object, Link: n.Link,
		Status: OutboxPending, CreatedAt: o.Now().UTC().Truncate(time.Microsecond)}
	if n.Object != "" {
		m.ObjectID = ptr(n.ID)
	}
	m.Body = m.Text(i18n.ZH)
	return m
}

func ptr(v int64) *int64 { return &v }

// ToUser queues a message to an account: in its inbox, and by SMS too when
// the account chose SMS (notify_prefs).
func (o *Outbox) ToUser(ctx context.Context, userID int64, n Note) error {
	m := o.message(ChannelInApp, n)
	m.UserID = ptr(userID)
	if err := o.putInApp(ctx, m, []int64{userID}); err != nil {
		return err
	}
	pref, err := o.Store.prefs(ctx, userID)
	if err != nil || !pref.SMS || pref.PhoneSealed == "" {
		return err
	}
	m.Channel, m.PhoneSealed = ChannelSMS, pref.PhoneSealed
	_, err = o.Store.put(ctx, m)
	return err
}

// ToPhone queues an SMS to a sealed phone number (a resident without an
// account, who gave the number for this).
func (o *Outbox) ToPhone(ctx context.Context, phoneSealed string, n Note) error {
	m := o.message(ChannelSMS, n)
	m.PhoneSealed = phoneSealed
	_, err := o.Store.put(ctx, m)
	return err
}

// ToUnit queues an in-app message to the accounts of a handling unit.
func (o *Outbox) ToUnit(ctx context.Context, unitID int64, n Note) error {
	m := o.message(ChannelInApp, n)
	m.UnitID = ptr(unitID)
	var to []int64
	if o.Units != nil {
		var err error
		if to, err = o.Units.UnitAccounts(ctx, unitID); err != nil {
			return errs.Internal("notify.Outbox.ToUnit: unit accounts", err)
		}
	}
	return o.putInApp(ctx, m, to)
}

// ToStaff queues an in-app message to the accounts of a role whose area is
// the division code (the township's staff, the county's staff).
func (o *Outbox) ToStaff(ctx context.Context, code, role string, n Note) error {
	m := o.message(ChannelInApp, n)
	m.DivisionCode, m.Role = code, role
	to, err := o.Store.staff(ctx, code, role)
	if err != nil {
		return err
	}
	return o.putInApp(ctx, m, to)
}

func (o *Outbox) putInApp(ctx context.Context, m Message, to []int64) error {
	id, err := o.Store.put(ctx, m)
	if err != nil {
		return err
	}
	return o.Store.addToInboxes(ctx, id, to)
}

// send is the built-in delivery: an SMS is rendered in its recipient's
// language and given to the SMS sender; an in-app message is already in
// its inboxes and is only logged.
func (o *Outbox) send(ctx context.Context, m Message) error {
	if m.Channel != ChannelSMS {
		slog.Info("notification", "id", m.ID, "channel", m.Channel, "object", m.ObjectType, "key", m.Key)
		return nil
	}
	if o.SMS == nil || o.Phones == nil {
		return fmt.Errorf("notify: no SMS sender")
	}
	phone, err := o.Phones.Open(m.PhoneSealed)
	if err != nil {
		return fmt.Errorf("notify: open the number: %w", err)
	}
	lang := i18n.ZH
	if m.UserID != nil {
		if lang, err = o.Store.lang(ctx, *m.UserID); err != nil {
			return err
		}
	}
	params := map[string]string{}
	for i, a := range m.Args {
		v := fmt.Sprint(a)
		if k, ok := a.(i18n.Key); ok {
			v = i18n.T(lang, string(k))
		}
		params[fmt.Sprintf("p%d", i+1)] = v
	}
	return o.SMS.Send(ctx, sms.Message{Phone: phone, Template: m.Key, Params: params, Text: m.Text(lang)})
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
	sender := o.Sender
	if sender == nil {
		sender = SenderFunc(o.send)
	}
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
		sendErr := sender.Send(sctx, m)
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

// ForObject lists the messages about an object, oldest first (tests and
// the timeline's notification view read them).
func (o *Outbox) ForObject(ctx context.Context, objectType string, id int64) ([]Message, error) {
	return o.Store.forObject(ctx, objectType, id)
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Reach is how many accounts a message to an area reached: in their
// inboxes, and queued by SMS (those who chose SMS).
type Reach struct {
	InApp int `json:"inapp"`
	SMS   int `json:"sms"`
}

// ToRoleIn queues a message to every enabled account of role whose
// division lies in [lo, hi], set-based: one message row, one INSERT …
// SELECT into the inboxes and one into the outbox for the SMS of those who
// chose it (queued, sent by the outbox's job). Run it in the caller's
// transaction; the caller checks that the area is its own.
func (o *Outbox) ToRoleIn(ctx context.Context, role, lo, hi string, n Note) (Reach, error) {
	m := o.message(ChannelInApp, n)
	m.DivisionCode, m.Role = lo, role
	id, err := o.Store.put(ctx, m)
	if err != nil {
		return Reach{}, err
	}
	var r Reach
	if r.InApp, err = o.Store.toRoleIn(ctx, id, role, lo, hi); err != nil {
		return r, err
	}
	r.SMS, err = o.Store.smsToRoleIn(ctx, m, role, lo, hi)
	return r, err
}

// ToResidentsIn is ToRoleIn for the resident accounts of [lo, hi].
func (o *Outbox) ToResidentsIn(ctx context.Context, lo, hi string, n Note) (Reach, error) {
	return o.ToRoleIn(ctx, "resident", lo, hi, n)
}
