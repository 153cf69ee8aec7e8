package app

import (
	"context"

	"shequ/internal/request"
	"shequ/internal/resident"
)

// residentContacts gives the request form a signed-in resident's own
// name, phone and community from their sign-up.
type residentContacts struct{ r *resident.Service }

var _ request.Contacts = residentContacts{}

func (c residentContacts) Contact(ctx context.Context) (name, phone, community string, ok bool) {
	return c.r.Contact(ctx)
}
