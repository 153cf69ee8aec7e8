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
	var name string
	if err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name); err != nil {
		return errs.NotFound("error.not_found")
	}
	now := u.now()
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
		locked_until = NULL, updated_at = $3 WHERE id = $4`, hash, false, now, id); err != nil {
		return errs.Internal("auth.Users.Recover: update users", err)
	}
	if err := u.clearSignInFailures(ctx, name, now); err != nil {
		return err
	}
	if err := u.Sessions.DeleteForUser(ctx, id); err != nil {
		return errs.Internal("auth.Users.Recover: DeleteForUser", err)
	}
	_, err := u.Sessions.RevokeTokensForUser(ctx, id)
	return err
}
