package auth

import (
	"context"

	"shequ/internal/platform/errs"
)

// Recover sets a new password for account id, chosen by its owner after
// proving it by other means (a one-time code sent to the number on file):
// unlike ResetPassword it need not be changed at the next sign-in. It
// clears the lockout, ends the account's sessions and revokes its API
// tokens. The caller checks the proof. Errors: EINVALID (a weak password),
// ENOTFOUND.
func (u *Users) Recover(ctx context.Context, id int64, password string) error {
	var name, display string
	if err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT name, display_name FROM users WHERE id = $1`, id).Scan(&name, &display); err != nil {
		return errs.NotFound("error.not_found")
	}
	if err := ValidatePassword("password", password, name, display); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return errs.Internal("auth.Users.Recover: HashPassword", err)
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
	_, err = u.Sessions.RevokeTokensForUser(ctx, id)
	return err
}
