package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Lockout policy.
const (
	MaxFailedLogins = 5
	LockoutFor      = 30 * time.Minute
)

// Users keeps accounts. Audit records are written by the callers (the
// account slice and the CLI), which know why a change happens.
type Users struct {
	DB       *db.DB
	Sessions *Sessions
	Now      func() time.Time
	// Secrets seals TOTP secrets at rest (the pii key ring).
	Secrets Sealer
}

// Sealer encrypts and decrypts stored secrets.
type Sealer interface {
	Seal(plaintext string) (string, error)
	Open(sealed string) (string, error)
}

// NewUsers makes the store.
func NewUsers(d *db.DB, s *Sessions) *Users { return &Users{DB: d, Sessions: s, Now: time.Now} }

func (u *Users) now() time.Time { return u.Now().UTC().Truncate(time.Microsecond) }

// NewUser is an account to create.
type NewUser struct {
	Name               string
	DisplayName        string
	Role               Role
	AreaCode           string
	Password           string
	MustChangePassword bool
	Demo               bool
}

// roleLevel is the division level an account of a role must sit at; 0 means any.
func roleLevel(r Role) int {
	switch r {
	case Resident, GridWorker, CommunityWorker:
		return 5
	case TownshipStaff:
		return 4
	case CountyStaff:
		return 3
	case CityStaff:
		return 2
	}
	return 0
}

// MayManage reports whether principal p may create or change an account of
// role r in area code: admins any account in their area; staff accounts of
// a lower rank inside their own subtree; city and county staff also
// handling units and residents.
func MayManage(p *Principal, r Role, areaCode string) bool {
	if p == nil {
		return false
	}
	if p.Role == System {
		return true
	}
	if !p.Area.Contains(areaCode) {
		return false
	}
	switch p.Role {
	case Admin:
		return true
	case CityStaff, CountyStaff, TownshipStaff:
		if r == HandlingUnit {
			return p.Role == CityStaff || p.Role == CountyStaff
		}
		if r == Resident {
			return true
		}
		return r.Rank() > 0 && r.Rank() < p.Role.Rank()
	}
	return false
}

var nameOK = func(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Create adds an account. The caller's principal in ctx must be allowed to
// manage it. Errors: EINVALID, ECONFLICT (name taken), EFORBIDDEN.
func (u *Users) Create(ctx context.Context, nu NewUser) (int64, error) {
	p, err := Must(ctx)
	if err != nil {
		return 0, err
	}
	var f errs.Fields
	nu.Name = strings.TrimSpace(nu.Name)
	if !nameOK(nu.Name) {
		f.Add("name", "auth.name_format")
	}
	if utf8.RuneCountInString(nu.DisplayName) > 64 {
		f.Add("display_name", "error.too_long", 64)
	}
	if !nu.Role.Valid() {
		f.Add("role", "auth.role_unknown")
	}
	lvl := 0
	err = u.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = $1`, nu.AreaCode).Scan(&lvl)
	if errors.Is(err, sql.ErrNoRows) {
		f.Add("area", "auth.area_unknown")
	} else if err != nil {
		return 0, errs.Internal("auth.Users.Create", err)
	} else if want := roleLevel(nu.Role); want != 0 && lvl != want && !(nu.Role == CityStaff && lvl < want) {
		f.Add("area", "auth.area_level")
	}
	if err := ValidatePassword("password", nu.Password, nu.Name, nu.DisplayName); err != nil {
		f = append(f, errs.As(err).Fields...)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	if !MayManage(p, nu.Role, nu.AreaCode) {
		return 0, errs.Forbidden()
	}
	hash, err := HashPassword(nu.Password)
	if err != nil {
		return 0, errs.Internal("auth.Users.Create: HashPassword", err)
	}
	now := u.now()
	var id int64
	err = u.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO users (name, display_name, role, area_code, password_hash, must_change_password,
		demo, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9) RETURNING id`,
		nu.Name, nu.DisplayName, string(nu.Role), nu.AreaCode, hash, nu.MustChangePassword, nu.Demo, p.Name, now).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Invalid(errs.Field("name", "auth.name_taken"))
	}
	if err != nil {
		return 0, errs.Internal("auth.Users.Create: insert users", err)
	}
	return id, nil
}

// User is an account as an admin sees it.
type User struct {
	ID                 int64      `json:"id"`
	Name               string     `json:"name"`
	DisplayName        string     `json:"display_name"`
	Role               Role       `json:"role"`
	AreaCode           string     `json:"area"`
	AreaName           string     `json:"area_name"`
	Disabled           bool       `json:"disabled"`
	Demo               bool       `json:"demo"`
	TOTPEnabled        bool       `json:"totp_enabled"`
	MustChangePassword bool       `json:"must_change_password"`
	LockedUntil        *time.Time `json:"locked_until,omitempty"`
	LastLoginAt        *time.Time `json:"last_login_at,omitempty"`
	CreatedAt          time.Time  `json:"created_at"`
}

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
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("auth.user_not_found", name)
	}
	if err != nil {
		return nil, errs.Internal("auth.Users.ByName: select", err)
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
	args = db.PageArgs(args, page, perPage)
	rows, err := u.DB.Q(ctx).QueryContext(ctx, `SELECT `+userCols+` FROM users u JOIN divisions d ON d.code = u.area_code
		WHERE `+where+` ORDER BY u.name LIMIT $`+itoa(len(args)-1)+` OFFSET $`+itoa(len(args)), args...)
	if err != nil {
		return nil, false, errs.Internal("auth.Users.List: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanUser)
	if err != nil {
		return nil, false, errs.Internal("auth.Users.List: select", err)
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

// manage loads an account the caller may manage.
func (u *Users) manage(ctx context.Context, name string) (*User, error) {
	x, err := u.ByName(ctx, name)
	if err != nil {
		return nil, err
	}
	if !MayManage(From(ctx), x.Role, x.AreaCode) {
		return nil, errs.Forbidden()
	}
	return x, nil
}

// SetDisabled disables or enables an account and ends its sessions.
func (u *Users) SetDisabled(ctx context.Context, name string, disabled bool) (*User, error) {
	x, err := u.manage(ctx, name)
	if err != nil {
		return nil, err
	}
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, u.now(), x.ID); err != nil {
		return nil, errs.Internal("auth.Users.SetDisabled: update users", err)
	}
	if disabled {
		if err := u.Sessions.DeleteForUser(ctx, x.ID); err != nil {
			return nil, errs.Internal("auth.Users.SetDisabled: update users", err)
		}
	}
	x.Disabled = disabled
	return x, nil
}

// ResetPassword sets a new password that must be changed at next sign-in,
// clears the lockout, ends the account's sessions and revokes its API
// tokens (whoever may have learnt the old password may have made them
// use it).
func (u *Users) ResetPassword(ctx context.Context, name, password string) (*User, error) {
	if err := ValidatePassword("password", password, name); err != nil {
		return nil, err
	}
	x, err := u.manage(ctx, name)
	if err != nil {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, errs.Internal("auth.Users.ResetPassword: update users", err)
	}
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0,
		locked_until = NULL, updated_at = $3 WHERE id = $4`, hash, true, u.now(), x.ID); err != nil {
		return nil, errs.Internal("auth.Users.ResetPassword: update users", err)
	}
	if err := u.clearSignInFailures(ctx, x.Name, u.now()); err != nil {
		return nil, err
	}
	if err := u.Sessions.DeleteForUser(ctx, x.ID); err != nil {
		return nil, errs.Internal("users.resetPassword", err)
	}
	if _, err := u.Sessions.RevokeTokensForUser(ctx, x.ID); err != nil {
		return nil, err
	}
	return x, nil
}

// ErrLockedNow is the cause of the error of the failure that locks the
// account (from an address, or at the TOTP step), so that the caller can
// record the lockout itself.
var ErrLockedNow = errors.New("account locked now")

// Causes of a refused sign-in that the answer does not tell (it is the
// same as for a wrong password), for the audit log.
var (
	ErrLockedHere = errors.New("account locked from this address")
	ErrThrottled  = errors.New("account throttled")
	ErrNoAccount  = errors.New("no such account")
	ErrDisabled   = errors.New("account disabled")
)

// Authenticate checks a name and password from the client address of the
// principal in ctx. Every refusal is the same EUNAUTHORIZED
// "auth.bad_credentials" answer after one argon2 run, whether the name is
// unknown, the account disabled, locked from this address or throttled,
// or the password wrong; the cause (ErrNoAccount, ErrDisabled,
// ErrLockedHere, ErrThrottled, ErrLockedNow, or none for a wrong password)
// is wrapped for the audit log. Failures count per (name, address): the
// MaxFailedLogins-th within FailureWindow locks the name from that address
// for FailureWindow; and per name over all addresses, for the throttle
// (ThrottleAfter).
func (u *Users) Authenticate(ctx context.Context, name, password string) (*Account, error) {
	client := ""
	if p := From(ctx); p != nil {
		client = p.Client
	}
	now := u.now()
	refuse := func(cause error) error {
		return &errs.Error{Code: errs.EUNAUTHORIZED, Key: "auth.bad_credentials", Err: cause}
	}
	st, err := u.signinState(ctx, name, client, now)
	if err != nil {
		return nil, err
	}
	var hash string
	var locked sql.NullTime
	row := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, u.password_hash, u.locked_until
		FROM users u JOIN divisions d ON d.code = u.area_code WHERE u.name = $1`, name)
	acc, err := scanAccount(row, &hash, &locked)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, errs.Internal("auth.Users.Authenticate: scanAccount", err)
	}
	if acc == nil || acc.Disabled {
		hash = "" // checked against the dummy hash: the same time
	}
	// A refusal for a lock or the throttle still runs argon2 and counts as
	// a failure (which keeps a hammering address locked), so that it takes
	// as long as a wrong password.
	var cause error
	if now.Before(st.lockedUntil) {
		cause = ErrLockedHere
	} else if st.throttled {
		ok, err := u.takeThrottleSlot(ctx, name, now)
		if err != nil {
			return nil, err
		}
		if !ok {
			cause = ErrThrottled
		}
	}
	if !CheckPassword(hash, password) || acc == nil || acc.Disabled || cause != nil {
		lockedNow, err := u.recordFailure(ctx, name, client, now)
		if err != nil {
			return nil, err
		}
		switch {
		case lockedNow:
			return acc, refuse(ErrLockedNow)
		case cause != nil:
			return acc, refuse(cause)
		case acc == nil:
			return nil, refuse(ErrNoAccount)
		case acc.Disabled:
			return acc, refuse(ErrDisabled)
		}
		return acc, refuse(nil)
	}
	if err := u.recordSuccess(ctx, name, client, now); err != nil {
		return nil, err
	}
	// Wrong TOTP codes lock the account's second step; that is said only
	// to whoever has just given the right password.
	if locked.Valid && now.Before(locked.Time) {
		return acc, lockedErr(locked.Time.Sub(now), nil)
	}
	if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, now, acc.ID); err != nil {
		return nil, errs.Internal("auth.Users.Authenticate: update users", err)
	}
	return acc, nil
}

// SignInRefusal names the cause of a refused sign-in for the audit log.
func SignInRefusal(err error) string {
	for _, c := range []struct {
		err    error
		reason string
	}{{ErrLockedNow, "locked now"}, {ErrLockedHere, "locked from this address"}, {ErrThrottled, "throttled"},
		{ErrNoAccount, "no such account"}, {ErrDisabled, "disabled"}} {
		if errors.Is(err, c.err) {
			return c.reason
		}
	}
	return errs.As(err).Key
}

func lockedErr(left time.Duration, cause error) error {
	return &errs.Error{Code: errs.ELOCKED, Key: "auth.locked", Args: []any{int(left.Minutes()) + 1}, Err: cause}
}

// countFailure adds a wrong TOTP code to the account's count, locking the
// second step at the fifth; the count is incremented in the database so
// that concurrent attempts on several nodes all count. (Wrong passwords
// are counted per address: recordFailure.)
func (u *Users) countFailure(ctx context.Context, id int64, key string) error {
	var failed int
	err := u.DB.Writer().QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, id).Scan(&failed)
	if err != nil {
		return errs.Internal("auth.Users.countFailure: update users", err)
	}
	if failed < MaxFailedLogins {
		return errs.E(errs.EUNAUTHORIZED, key)
	}
	until := u.now().Add(LockoutFor)
	if _, err := u.DB.Writer().ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = $1 WHERE id = $2`, until, id); err != nil {
		return errs.Internal("auth.Users.countFailure: update users", err)
	}
	return lockedErr(LockoutFor-time.Minute, ErrLockedNow)
}

// Unlock ends an account's lockouts (from every address, and of its TOTP
// step) and its throttle, and clears its failure counts.
// Errors: ENOTFOUND (outside the caller's area), EFORBIDDEN.
func (u *Users) Unlock(ctx context.Context, name string) (*User, error) {
	x, err := u.manage(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := u.clearSignInFailures(ctx, x.Name, u.now()); err != nil {
		return nil, err
	}
	if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2`, u.now(), x.ID); err != nil {
		return nil, errs.Internal("auth.Users.Unlock: update users", err)
	}
	x.LockedUntil = nil
	return x, nil
}

// Locked reports whether an account is locked now.
func (u *Users) Locked(x *User) bool { return x.LockedUntil != nil && u.now().Before(*x.LockedUntil) }

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

// ChangePassword changes the caller's own password after checking the old one.
func (u *Users) ChangePassword(ctx context.Context, old, new string) error {
	oldHash, newHash, err := u.CheckPasswordChange(ctx, old, new)
	if err != nil {
		return err
	}
	return u.SetOwnPassword(ctx, oldHash, newHash)
}

// CheckPasswordChange checks the caller's old password and the new one and
// returns the stored hash and the new one's, without writing: the two
// argon2 runs stay outside the transaction that stores the change.
// Errors: EINVALID (old_password, new_password).
func (u *Users) CheckPasswordChange(ctx context.Context, old, new string) (oldHash, newHash string, err error) {
	p, err := Must(ctx)
	if err != nil {
		return "", "", err
	}
	if err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, p.UserID).Scan(&oldHash); err != nil {
		return "", "", errs.Internal("users.checkPasswordChange", err)
	}
	var f errs.Fields
	if !CheckPassword(oldHash, old) {
		f.Add("old_password", "auth.old_password_wrong")
	}
	if err := ValidatePassword("new_password", new, p.Name); err != nil {
		f = append(f, errs.As(err).Fields...)
	} else if old == new {
		f.Add("new_password", "auth.password_same")
	}
	if err := f.Err(); err != nil {
		return "", "", err
	}
	if newHash, err = HashPassword(new); err != nil {
		return "", "", errs.Internal("auth.Users.CheckPasswordChange: select users", err)
	}
	return oldHash, newHash, nil
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
		return errs.Internal("users.setOwnPassword", err)
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
