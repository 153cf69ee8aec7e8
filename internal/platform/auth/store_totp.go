package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/platform/errs"
)

// enableTOTP stores a sealed TOTP secret, turned on, with the step of the
// code that proved it.
func (u *Users) enableTOTP(ctx context.Context, id int64, sealed string, step int64, at time.Time) error {
	_, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = $3, updated_at = $4 WHERE id = $5`,
		sealed, true, step, at, id)
	if err != nil {
		return errs.Internal("auth.Users.enableTOTP: update users", err)
	}
	return nil
}

// totpState reads an account's sealed TOTP secret, whether it is on, the
// last step used and the lock of the second step. EUNAUTHORIZED when there
// is no such account.
func (u *Users) totpState(ctx context.Context, id int64) (sealed string, enabled bool, last int64, locked sql.NullTime, err error) {
	err = u.DB.Q(ctx).QueryRowContext(ctx, `SELECT totp_secret, totp_enabled, totp_last_step, locked_until FROM users WHERE id = $1`, id).
		Scan(&sealed, &enabled, &last, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, 0, sql.NullTime{}, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if err != nil {
		return "", false, 0, sql.NullTime{}, errs.Internal("auth.Users.totpState: select users", err)
	}
	return sealed, enabled, last, locked, nil
}

// useTOTPStep records a right code's step and clears the failure count and
// lock, if the step is later than the last one used: the condition makes a
// code good once even when two requests race with it. used is false when
// another request used the step first.
func (u *Users) useTOTPStep(ctx context.Context, id, step int64) (used bool, err error) {
	res, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET totp_last_step = $1, failed_logins = 0, locked_until = NULL
		WHERE id = $2 AND totp_last_step < $1`, step, id)
	if err != nil {
		return false, errs.Internal("auth.Users.useTOTPStep: update users", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// resetTOTP turns TOTP off and forgets the secret.
func (u *Users) resetTOTP(ctx context.Context, id int64, at time.Time) error {
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET totp_secret = '', totp_enabled = $1, totp_last_step = 0, updated_at = $2 WHERE id = $3`,
		false, at, id); err != nil {
		return errs.Internal("auth.Users.resetTOTP: update users", err)
	}
	return nil
}
