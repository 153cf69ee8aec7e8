package app

import (
	"shequ/internal/notify"
	"shequ/internal/request"
)

// NotifyUnits names the accounts of a handling unit for the outbox (a
// unit's messages go to each of their inboxes).
func NotifyUnits(s *request.Service) notify.Units { return s.Store }
