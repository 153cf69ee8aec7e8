package notify

import (
	"context"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// InboxItem is a message of an inbox as its reader sees it.
type InboxItem struct {
	ID         int64      `json:"id"`
	Text       string     `json:"text"`
	ObjectType string     `json:"object_type,omitempty"`
	ObjectID   *int64     `json:"object_id,omitempty"`
	Link       string     `json:"link,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ReadAt     *time.Time `json:"read_at,omitempty"`

	m Message
}

// OpenKey is the message key of the link to the item's object: "查看诉求"
// for a request, the plain "查看" for an object without words of its own.
func (it InboxItem) OpenKey() string {
	if _, ok := i18n.Lookup("notify.open." + it.ObjectType); ok {
		return "notify.open." + it.ObjectType
	}
	return "notify.open."
}

// Read reports whether the item was opened.
func (it InboxItem) Read() bool { return it.ReadAt != nil }

func (it *InboxItem) render(lang string) {
	it.ID, it.Text, it.ObjectType, it.ObjectID = it.m.ID, it.m.Text(lang), it.m.ObjectType, it.m.ObjectID
	it.Link, it.CreatedAt = it.m.Link, it.m.CreatedAt
}

// account is the caller's account: every signed-in account has an inbox;
// the system and anonymous callers have none.
func account(ctx context.Context) (*auth.Principal, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if p.UserID == 0 {
		return nil, errs.Forbidden()
	}
	return p, nil
}

// Inbox lists one page of the caller's messages, newest first, in the
// caller's language, and whether there are more.
//
// Errors: EUNAUTHORIZED, EFORBIDDEN (the system: no account).
func (o *Outbox) Inbox(ctx context.Context, page, perPage int) ([]InboxItem, bool, error) {
	p, err := account(ctx)
	if err != nil {
		return nil, false, err
	}
	page, perPage = db.Paging(page, perPage)
	items, err := o.Store.inbox(ctx, p.UserID, perPage+1, (page-1)*perPage)
	if err != nil {
		return nil, false, err
	}
	more := len(items) > perPage
	if more {
		items = items[:perPage]
	}
	lang := i18n.From(ctx)
	for i := range items {
		items[i].render(lang)
	}
	return items, more, nil
}

// Open reads one message of the caller's inbox and marks it read.
//
// Errors: EUNAUTHORIZED, EFORBIDDEN (the system), ENOTFOUND (not in the caller's inbox).
func (o *Outbox) Open(ctx context.Context, id int64) (*InboxItem, error) {
	p, err := account(ctx)
	if err != nil {
		return nil, err
	}
	it, err := o.Store.inboxItem(ctx, p.UserID, id)
	if err != nil {
		return nil, err
	}
	if it.ReadAt == nil {
		now := o.Now().UTC().Truncate(time.Microsecond)
		if err := o.Store.markRead(ctx, p.UserID, id, now); err != nil {
			return nil, err
		}
		it.ReadAt = &now
	}
	it.render(i18n.From(ctx))
	return &it, nil
}

// Unread counts the caller's unread messages (0 for the system).
func (o *Outbox) Unread(ctx context.Context) (int, error) {
	p := auth.From(ctx)
	if p == nil || p.UserID == 0 {
		return 0, nil
	}
	return o.Store.unread(ctx, p.UserID)
}

// Prefs reads the caller's choice of channels.
//
// Errors: EUNAUTHORIZED, EFORBIDDEN (the system: no account).
func (o *Outbox) Prefs(ctx context.Context) (Prefs, error) {
	p, err := account(ctx)
	if err != nil {
		return Prefs{}, err
	}
	return o.Store.prefs(ctx, p.UserID)
}

// SMSFor reports whether account userID gets its messages by SMS too.
func (o *Outbox) SMSFor(ctx context.Context, userID int64) (bool, error) {
	p, err := o.Store.prefs(ctx, userID)
	return p.SMS, err
}

// SetSMSFor records whether an account gets its messages by SMS too, and
// the sealed number to send them to (the sign-up stores the number it
// verified; off by default).
func (o *Outbox) SetSMSFor(ctx context.Context, userID int64, on bool, phoneSealed string) error {
	return o.Store.setPrefs(ctx, userID, Prefs{SMS: on, PhoneSealed: phoneSealed}, o.Now().UTC().Truncate(time.Microsecond))
}
