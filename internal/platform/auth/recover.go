package auth

import (
	"context"

	"shequ/internal/platform/errs"
)

// Recover stores a new password hash for account id, chosen by its owner
// after proving it by other means (a one-time code sent to the number on
// file): unlike ResetPassword it need not be changed at the next sign-in.
// It clears the lockout, ends the account's sessions and revokes its API
// tokens. The caller checks the proof, and validates and hashes the
// password (HashPassword) before its transaction: argon2 inside it would
// hold the writer. Errors: ENOTFOUND.
func (u *Users) Recover(ctx context.Context, id int64, hash string) error {
	name, err := u.nameOf(ctx, id)
	if err != nil {
		return err
	}
	now := u.now()
	if err := u.recoverPassword(ctx, id, hash, now); err != nil {
		return err
	}
	if err := u.clearSignInFailures(ctx, name, now); err != nil {
		return err
	}
	if err := u.Sessions.DeleteForUser(ctx, id); err != nil {
		return errs.Internal("auth.Users.Recover: DeleteForUser", err)
	}
	_, err = u.Sessions.RevokeTokensForUser(ctx, id)
	return err
}
