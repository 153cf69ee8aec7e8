package apptest

import (
	"fmt"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/resident"
)

// VerifiedResident makes a resident account (login, display name, the
// fixture's password) of a community with its residents row, verified
// (认证居民) when verified is true, and returns its id.
func (e *Env) VerifiedResident(login, display, community string, verified bool) int64 {
	e.T.Helper()
	id, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: login, DisplayName: display, Role: auth.Resident, AreaCode: community, PasswordHash: PasswordHash()})
	if err != nil {
		e.T.Fatalf("create %s: %v", login, err)
	}
	phone := fmt.Sprintf("139%08d", id)
	sealed, err := e.App.Keys.Seal(phone)
	if err != nil {
		e.T.Fatal(err)
	}
	now := time.Now().UTC()
	if err := e.App.Residents.Store.Insert(e.Ctx, id, community, sealed, e.App.Keys.Index(phone), "", "", now); err != nil {
		e.T.Fatal(err)
	}
	if verified {
		if err := e.App.Residents.Store.Decide(e.Ctx, id, resident.Verified, "", "apptest", now); err != nil {
			e.T.Fatal(err)
		}
	}
	return id
}
