package auth

import (
	"context"
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

// UserInput is an account to create.
type UserInput struct {
	Name               string
	DisplayName        string
	Role               Role
	AreaCode           string
	Password           string
	MustChangePassword bool
	Demo               bool
	// PasswordHash, when set, is stored instead of hashing Password (the
	// caller validated and hashed it before its transaction, or it is
	// NoPassword).
	PasswordHash string
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
func (u *Users) Create(ctx context.Context, nu UserInput) (int64, error) {
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
	lvl, found, err := u.areaLevel(ctx, nu.AreaCode)
	if err != nil {
		return 0, err
	}
	if want := roleLevel(nu.Role); !found {
		f.Add("area", "auth.area_unknown")
	} else if want != 0 && lvl != want && !(nu.Role == CityStaff && lvl < want) {
		f.Add("area", "auth.area_level")
	}
	if nu.PasswordHash == "" {
		if err := ValidatePassword("password", nu.Password, nu.Name, nu.DisplayName); err != nil {
			f = append(f, errs.As(err).Fields...)
		}
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	if !MayManage(p, nu.Role, nu.AreaCode) {
		return 0, errs.Forbidden()
	}
	hash := nu.PasswordHash
	if hash == "" {
		if hash, err = HashPassword(nu.Password); err != nil {
			return 0, errs.Internal("auth.Users.Create: HashPassword", err)
		}
	}
	return u.insertUser(ctx, nu, hash, p.Name, u.now())
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
	if err := u.setDisabled(ctx, x.ID, disabled, u.now()); err != nil {
		return nil, err
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
	if err := u.resetPassword(ctx, x.ID, hash, u.now()); err != nil {
		return nil, err
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
	acc, hash, locked, err := u.signInAccount(ctx, name)
	if err != nil {
		return nil, err
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
	if err := u.setLastLogin(ctx, acc.ID, now); err != nil {
		return nil, err
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
	failed, err := u.addFailedLogin(ctx, id)
	if err != nil {
		return err
	}
	if failed < MaxFailedLogins {
		return errs.E(errs.EUNAUTHORIZED, key)
	}
	until := u.now().Add(LockoutFor)
	if err := u.lockSecondStep(ctx, id, until); err != nil {
		return err
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
	if err := u.unlock(ctx, x.ID, u.now()); err != nil {
		return nil, err
	}
	x.LockedUntil = nil
	return x, nil
}

// Locked reports whether an account is locked now.
func (u *Users) Locked(x *User) bool { return x.LockedUntil != nil && u.now().Before(*x.LockedUntil) }

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
	if oldHash, err = u.passwordHash(ctx, p.UserID); err != nil {
		return "", "", err
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
