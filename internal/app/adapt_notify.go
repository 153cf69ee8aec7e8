package app

import (
	"context"

	"shequ/internal/notify"
	"shequ/internal/request"
)

// NotifyUnits names the accounts of a handling unit for the outbox (a
// unit's messages go to each of their inboxes).
func NotifyUnits(s *request.Service) notify.Units { return s.Store }

// inboxNotifier is the outbox as the slices' Notifier: a message to an
// account, in the caller's transaction.
type inboxNotifier struct{ o *notify.Outbox }

// NotifyUser queues the message key with its arguments to the account.
func (n inboxNotifier) NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error {
	as := make([]any, len(args))
	for i, a := range args {
		as[i] = a
	}
	return n.o.ToUser(ctx, userID, notify.Note{Key: key, Args: as, Object: object, ID: id, Link: link})
}
