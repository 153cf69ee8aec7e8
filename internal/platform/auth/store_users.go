package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const userCols = `u.id, u.name, u.display_name, u.role, u.area_code, d.name, u.disabled, u.demo, u.totp_enabled, u.must_change_password,
	u.locked_until, u.last_login_at, u.created_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var x User
	var role string
	var locked, last sql.NullTime
	if err := row.Scan(&x.ID, &x.Name, &x.DisplayName, &role, &x.AreaCode, &x.AreaName, &x.Disabled, &x.Demo, &x.TOTPEnabled,
		&x.MustChangePassword, &locked, &last, &x.CreatedAt); err != nil {
		return nil, err
	}
	x.Role = Role(role)
	if locked.Valid {
		t := locked.Time.UTC()
		x.LockedUntil = &t
	}
	if last.Valid {
		t := last.Time.UTC()
		x.LastLoginAt = &t
	}
	return &x, nil
}

// ByName finds an account by login name inside the caller's area.
func (u *Users) ByName(ctx context.Context, name string) (*User, error) {
	lo, hi, err := Scope(ctx)
	if err != nil {
		return nil, err
	}
	x, err := scanUser(u.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+userCols+` FROM users u JOIN divisions d ON d.code = u.area_code
		WHERE u.name = $1 AND u.area_code BETWEEN $2 AND $3`, name, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "auth.Users.ByName: select", "auth.user_not_found", name)
	}
	return x, nil
}

// List lists accounts inside the caller's area, by name, filtered by a
// part of the name and a role.
func (u *Users) List(ctx context.Context, q string, role Role, page, perPage int) ([]User, bool, error) {
	lo, hi, err := Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	args := []any{lo, hi}
	where := `u.area_code BETWEEN $1 AND $2`
	if q != "" {
		args = append(args, db.Contains(q))
		where += ` AND (u.name ` + u.DB.ILike() + ` $3 ESCAPE '\' OR u.display_name ` + u.DB.ILike() + ` $3 ESCAPE '\')`
	}
	if role != "" {
		args = append(args, string(role))
		where += ` AND u.role = $` + itoa(len(args))
	}
	args = append(args, perPage+1, (page-1)*perPage)
	rows, err := u.DB.Q(ctx).QueryContext(ctx, `SELECT `+userCols+` FROM users u JOIN divisions d ON d.code = u.area_code
		WHERE `+where+` ORDER BY u.name LIMIT $`+itoa(len(args)-1)+` OFFSET $`+itoa(len(args)), args...)
	if err != nil {
		return nil, false, errs.Internal("auth.Users.List: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanUser)
	if err != nil {
		return nil, false, errs.Internal("auth.Users.List: scan", err)
	}
	return out, more, nil
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// AreaName returns the name of a division inside the caller's area.
// Errors: EINVALID (unknown, or outside the area, field "area").
func (u *Users) AreaName(ctx context.Context, code string) (string, error) {
	lo, hi, err := Scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = u.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.Invalid(errs.Field("area", "auth.area_outside"))
	}
	if err != nil {
		return "", errs.Internal("auth.Users.AreaName: select divisions", err)
	}
	return name, nil
}

// SetOwnPassword stores the caller's new password hash if the stored one
// is still oldHash. Errors: ECONFLICT (changed meanwhile).
func (u *Users) SetOwnPassword(ctx context.Context, oldHash, newHash string) error {
	p, err := Must(ctx)
	if err != nil {
		return err
	}
	res, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 WHERE id = $4 AND password_hash = $5`,
		newHash, false, u.now(), p.UserID, oldHash)
	if err != nil {
		return errs.Internal("auth.Users.SetOwnPassword: update users", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("auth.password_raced")
	}
	return nil
}

// SetPrefs stores the caller's language and elderly mode.
func (u *Users) SetPrefs(ctx context.Context, lang *string, elderly *bool) error {
	p := From(ctx)
	if p == nil || p.UserID == 0 {
		return nil
	}
	if lang != nil {
		if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET lang = $1 WHERE id = $2`, *lang, p.UserID); err != nil {
			return errs.Internal("auth.Users.SetPrefs: update users", err)
		}
	}
	if elderly != nil {
		if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET elderly_mode = $1 WHERE id = $2`, *elderly, p.UserID); err != nil {
			return errs.Internal("auth.Users.SetPrefs: update users", err)
		}
	}
	return nil
}

// TOTPSecret returns the caller's stored TOTP secret (sealed form).
func (u *Users) TOTPSecret(ctx context.Context, id int64) (string, bool, error) {
	var s string
	var on bool
	err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT totp_secret, totp_enabled FROM users WHERE id = $1`, id).Scan(&s, &on)
	if err != nil {
		return "", false, errs.Internal("auth.Users.TOTPSecret: select users", err)
	}
	return s, on, nil
}

// SetTOTP stores a TOTP secret and whether it is enabled.
func (u *Users) SetTOTP(ctx context.Context, id int64, secret string, enabled bool) error {
	_, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET totp_secret = $1, totp_enabled = $2, updated_at = $3 WHERE id = $4`,
		secret, enabled, u.now(), id)
	if err != nil {
		return errs.Internal("auth.Users.SetTOTP: update users", err)
	}
	return nil
}

// Count returns how many accounts exist.
func (u *Users) Count(ctx context.Context) (int, error) {
	var n int
	err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

// areaLevel reads the level of a division; found is false when there is
// none.
func (u *Users) areaLevel(ctx context.Context, code string) (level int, found bool, err error) {
	err = u.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = $1`, code).Scan(&level)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, errs.Internal("auth.Users.areaLevel: select divisions", err)
	}
	return level, true, nil
}

// insertUser stores a new account with its password hash. EINVALID when
// the name is taken.
func (u *Users) insertUser(ctx context.Context, nu UserInput, hash, by string, at time.Time) (int64, error) {
	var id int64
	err := u.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO users (name, display_name, role, area_code, password_hash, must_change_password,
		demo, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING id`,
		nu.Name, nu.DisplayName, string(nu.Role), nu.AreaCode, hash, nu.MustChangePassword, nu.Demo, by, at).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Invalid(errs.Field("name", "auth.name_taken"))
	}
	if err != nil {
		return 0, errs.Internal("auth.Users.insertUser: insert users", err)
	}
	return id, nil
}

// setDisabled disables or enables an account.
func (u *Users) setDisabled(ctx context.Context, id int64, disabled bool, at time.Time) error {
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, at, id); err != nil {
		return errs.Internal("auth.Users.setDisabled: update users", err)
	}
	return nil
}

// resetPassword sets a password hash that must be changed at the next
// sign-in and clears the account's lock.
func (u *Users) resetPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
		locked_until = NULL, updated_at = $3 WHERE id = $4`, hash, true, at, id); err != nil {
		return errs.Internal("auth.Users.resetPassword: update users", err)
	}
	return nil
}

// signInAccount reads the account a sign-in names, with its password hash
// and the lock of its second step; a nil account when there is none.
func (u *Users) signInAccount(ctx context.Context, name string) (acc *Account, hash string, locked sql.NullTime, err error) {
	row := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, u.password_hash, u.locked_until
		FROM users u JOIN divisions d ON d.code = u.area_code WHERE u.name = $1`, name)
	acc, err = scanAccount(row, &hash, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", sql.NullTime{}, nil
	}
	if err != nil {
		return nil, "", sql.NullTime{}, errs.Internal("auth.Users.signInAccount: scanAccount", err)
	}
	return acc, hash, locked, nil
}

// setLastLogin records a successful sign-in, outside the caller's
// transaction.
func (u *Users) setLastLogin(ctx context.Context, id int64, at time.Time) error {
	if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, at, id); err != nil {
		return errs.Internal("auth.Users.setLastLogin: update users", err)
	}
	return nil
}

// addFailedLogin counts a wrong second-step code in the database (so that
// attempts on several nodes all count) and returns the count.
func (u *Users) addFailedLogin(ctx context.Context, id int64) (int, error) {
	var failed int
	err := u.DB.Writer().QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, id).Scan(&failed)
	if err != nil {
		return 0, errs.Internal("auth.Users.addFailedLogin: update users", err)
	}
	return failed, nil
}

// lockSecondStep locks an account's second step until until and restarts
// its count.
func (u *Users) lockSecondStep(ctx context.Context, id int64, until time.Time) error {
	if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2`, until, id); err != nil {
		return errs.Internal("auth.Users.lockSecondStep: update users", err)
	}
	return nil
}

// unlock clears an account's lock and failure count.
func (u *Users) unlock(ctx context.Context, id int64, at time.Time) error {
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2`, at, id); err != nil {
		return errs.Internal("auth.Users.unlock: update users", err)
	}
	return nil
}

// passwordHash reads an account's password hash.
func (u *Users) passwordHash(ctx context.Context, id int64) (string, error) {
	var h string
	if err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, id).Scan(&h); err != nil {
		return "", errs.Internal("auth.Users.passwordHash: select users", err)
	}
	return h, nil
}

// nameOf is the login name of account id. Errors: ENOTFOUND.
func (u *Users) nameOf(ctx context.Context, id int64) (string, error) {
	var name string
	err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "auth.Users.nameOf: select users", "error.not_found")
	}
	return name, nil
}

// recoverPassword stores a hash its owner chose (no change at the next
// sign-in) and clears the lockout.
func (u *Users) recoverPassword(ctx context.Context, id int64, hash string, at time.Time) error {
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
		locked_until = NULL, updated_at = $3 WHERE id = $4`, hash, false, at, id); err != nil {
		return errs.Internal("auth.Users.recoverPassword: update users", err)
	}
	return nil
}
