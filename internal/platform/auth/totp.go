package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"shequ/internal/platform/errs"
)

// TOTP parameters: RFC 6238 defaults, which every authenticator app reads.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	// totpSkew accepts the step before and after, for clocks a little off.
	totpSkew = 1
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1}

// NewTOTPKey makes a new random TOTP secret for an account.
func NewTOTPKey(issuer, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod, Digits: totpDigits,
		Algorithm: otp.AlgorithmSHA1})
}

// matchTOTP returns the time step whose code equals code, if any.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	if secret == "" || len(code) != int(totpDigits) {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	found, ok := int64(0), false
	// Every candidate is compared, so the time taken does not say which matched.
	for k := int64(-totpSkew); k <= totpSkew; k++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+k)*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found, ok = step+k, true
		}
	}
	return found, ok
}

// EnableTOTP checks a first code against a new secret and, when it is
// right, stores the secret sealed and turns TOTP on for the caller.
// Errors: EINVALID (field "totp_code": wrong or malformed code).
func (u *Users) EnableTOTP(ctx context.Context, secret, code string) error {
	p, err := Must(ctx)
	if err != nil {
		return err
	}
	step, ok := matchTOTP(secret, code, u.now())
	if !ok {
		return errs.Invalid(errs.Field("totp_code", "auth.totp_wrong"))
	}
	if u.Secrets == nil {
		return errs.Internal("auth.Users.EnableTOTP: update users", errors.New("auth: no key ring to seal TOTP secrets"))
	}
	sealed, err := u.Secrets.Seal(secret)
	if err != nil {
		return errs.Internal("auth.Users.EnableTOTP: update users", err)
	}
	return u.enableTOTP(ctx, p.UserID, sealed, step, u.now())
}

// VerifyTOTP checks the code of the second sign-in step. A wrong code, or
// one already used, counts toward the same lockout as wrong passwords; a
// right one clears the count. Errors: ELOCKED (wrapping ErrLockedNow when
// this attempt locked it), EUNAUTHORIZED (wrong code).
func (u *Users) VerifyTOTP(ctx context.Context, id int64, code string) error {
	sealed, enabled, last, locked, err := u.totpState(ctx, id)
	if err != nil {
		return err
	}
	now := u.now()
	if locked.Valid && now.Before(locked.Time) {
		return lockedErr(locked.Time.Sub(now), nil)
	}
	secret := ""
	if sealed != "" {
		if u.Secrets == nil {
			return errs.Internal("auth.Users.VerifyTOTP", errors.New("auth: no key ring to open TOTP secrets"))
		}
		if secret, err = u.Secrets.Open(sealed); err != nil {
			return errs.Internal("auth.Users.VerifyTOTP: Open", err)
		}
	}
	step, ok := matchTOTP(secret, code, now)
	if !enabled || !ok || step <= last {
		return u.countFailure(ctx, id, "auth.totp_wrong")
	}
	// The condition on the last step makes a code good once even when two
	// requests race with it.
	used, err := u.useTOTPStep(ctx, id, step)
	if err != nil {
		return err
	}
	if !used {
		return u.countFailure(ctx, id, "auth.totp_wrong")
	}
	return nil
}

// ResetTOTP turns TOTP off for an account that lost its device and ends
// its sessions; a role that needs TOTP enrols again at its next sign-in.
// Errors: ENOTFOUND (outside the caller's area), EFORBIDDEN.
func (u *Users) ResetTOTP(ctx context.Context, name string) (*User, error) {
	x, err := u.manage(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := u.resetTOTP(ctx, x.ID, u.now()); err != nil {
		return nil, err
	}
	x.TOTPEnabled = false
	return x, u.Sessions.DeleteForUser(ctx, x.ID)
}
