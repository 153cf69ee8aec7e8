// Package sms sends text messages to mobile numbers. The platform speaks to
// one Sender: in the demo and in tests a Box that keeps every message in
// memory (and writes it to the log), in production an HTTP gateway adapter.
// A Message carries both a template id with its parameters (what Chinese SMS
// gateways such as 阿里云 and 腾讯云 require: only approved templates may be
// sent) and the rendered text (what the log, the box and the inbox show).
package sms

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Message is one text message.
type Message struct {
	// ID is the message's idempotency key at the gateway (empty: one is
	// made per Send and kept across its retries).
	ID       string
	Phone    string            // the mobile number, 11 digits
	Template string            // the gateway's template id, e.g. "signup_code"
	Params   map[string]string // the template's parameters, e.g. {"code": "123456"}
	Text     string            // the rendered text, in the recipient's language
}

// Sender delivers one message. An error means it was not accepted and may be
// retried; a nil error means the gateway took it.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Box is the sender of the demo and the tests: it keeps every message it is
// given, in order, and writes each to the log with the number masked.
type Box struct {
	mu   sync.Mutex
	sent []Sent
	Log  *slog.Logger // nil: slog.Default()
}

// Sent is a message the box received, with the time it received it.
type Sent struct {
	Message
	At time.Time
}

// Send keeps m.
func (b *Box) Send(_ context.Context, m Message) error {
	b.mu.Lock()
	b.sent = append(b.sent, Sent{Message: m, At: time.Now()})
	b.mu.Unlock()
	l := b.Log
	if l == nil {
		l = slog.Default()
	}
	l.Info("sms", "to", Mask(m.Phone), "template", m.Template, "text", m.Text)
	return nil
}

// Messages returns what the box received, oldest first.
func (b *Box) Messages() []Sent {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Sent(nil), b.sent...)
}

// Last returns the newest message to phone, and whether there is one.
func (b *Box) Last(phone string) (Sent, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i := len(b.sent) - 1; i >= 0; i-- {
		if b.sent[i].Phone == phone {
			return b.sent[i], true
		}
	}
	return Sent{}, false
}

// Mask shows the first 3 and last 4 digits of a mobile number (the form
// 138****5678 used on Chinese receipts), so logs hold no whole number.
func Mask(phone string) string {
	if len(phone) < 8 {
		return "****"
	}
	return phone[:3] + "****" + phone[len(phone)-4:]
}
