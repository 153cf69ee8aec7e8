package auth

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Sign-in failure policy (see docs/operations.md): counted per account
// name and client address, and per account name over all addresses.
const (
	// FailureWindow is how long failures are remembered and how long a
	// lock lasts.
	FailureWindow = 30 * time.Minute
	// ThrottleAfter failures of one account from all addresses within
	// FailureWindow turn on its throttle: an address that has not signed in
	// to the account within KnownFor gets one password check a ThrottleEvery
	// for the whole account; addresses that have are not throttled.
	ThrottleAfter = 20
	ThrottleEvery = time.Minute
	KnownFor      = 30 * 24 * time.Hour
)

// allClients is the client of the row that counts an account's failures
// from every address.
const allClients = "*"

// signinState is what the stored failures say of an attempt.
type signinState struct {
	lockedUntil time.Time // from this address
	throttled   bool      // the account's throttle is on and this address is not known
}

// signinState reads the failures of name from client and from all
// addresses.
func (u *Users) signinState(ctx context.Context, name, client string, now time.Time) (signinState, error) {
	var st signinState
	var locked, success sql.NullTime
	err := u.DB.Q(ctx).QueryRowContext(ctx, `SELECT locked_until, last_success_at FROM signin_failures WHERE name = $1 AND client = $2`,
		name, client).Scan(&locked, &success)
	if err != nil && !db.IsNoRows(err) {
		return st, errs.Internal("signin.state", err)
	}
	if locked.Valid {
		st.lockedUntil = locked.Time
	}
	known := success.Valid && now.Sub(success.Time) < KnownFor
	var failures int
	var start time.Time
	err = u.DB.Q(ctx).QueryRowContext(ctx, `SELECT failures, window_start FROM signin_failures WHERE name = $1 AND client = $2`,
		name, allClients).Scan(&failures, &start)
	if err != nil && !db.IsNoRows(err) {
		return st, errs.Internal("signin.state", err)
	}
	st.throttled = !known && failures >= ThrottleAfter && now.Sub(start) < FailureWindow
	return st, nil
}

// takeThrottleSlot claims the account's one check of the ThrottleEvery
// period, with one conditional UPDATE so that nodes racing for it get it
// once.
func (u *Users) takeThrottleSlot(ctx context.Context, name string, now time.Time) (bool, error) {
	res, err := u.DB.Writer().ExecContext(ctx, `UPDATE signin_failures SET next_try_at = $1 WHERE name = $2 AND client = $3
		AND (next_try_at IS NULL OR next_try_at <= $4)`, now.Add(ThrottleEvery), name, allClients, now)
	if err != nil {
		return false, errs.Internal("signin.takeThrottleSlot", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// recordFailure counts a wrong password for name from client and from all
// addresses, and locks the account from client at the MaxFailedLogins-th
// failure within FailureWindow; it reports whether this one locked it.
func (u *Users) recordFailure(ctx context.Context, name, client string, now time.Time) (bool, error) {
	lockedNow := false
	err := u.DB.WithTx(ctx, func(ctx context.Context) error {
		var n int
		for _, c := range []string{client, allClients} {
			err := u.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO signin_failures (name, client, failures, window_start, updated_at)
				VALUES ($1, $2, 1, $3, $3)
				ON CONFLICT (name, client) DO UPDATE SET
					failures = CASE WHEN signin_failures.window_start < $4 THEN 1 ELSE signin_failures.failures + 1 END,
					window_start = CASE WHEN signin_failures.window_start < $4 THEN excluded.window_start ELSE signin_failures.window_start END,
					updated_at = excluded.updated_at
				RETURNING failures`, name, c, now, now.Add(-FailureWindow)).Scan(&n)
			if err != nil {
				return errs.Internal("signin.recordFailure", err)
			}
			if c == client && n >= MaxFailedLogins {
				if _, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE signin_failures SET failures = 0, window_start = $1, locked_until = $2
					WHERE name = $3 AND client = $4`, now, now.Add(FailureWindow), name, client); err != nil {
					return errs.Internal("signin.recordFailure", err)
				}
				lockedNow = true
			}
		}
		return nil
	})
	return lockedNow, err
}

// recordSuccess clears the failures of name from client and remembers the
// address as one the account signs in from.
func (u *Users) recordSuccess(ctx context.Context, name, client string, now time.Time) error {
	_, err := u.DB.Writer().ExecContext(ctx, `INSERT INTO signin_failures (name, client, failures, window_start, last_success_at, updated_at)
		VALUES ($1, $2, 0, $3, $3, $3)
		ON CONFLICT (name, client) DO UPDATE SET failures = 0, locked_until = NULL, last_success_at = excluded.last_success_at,
			updated_at = excluded.updated_at`, name, client, now)
	if err != nil {
		return errs.Internal("signin.recordSuccess", err)
	}
	return nil
}

// clearSignInFailures forgets the failures and locks of name from every
// address and turns its throttle off (an administrator's unlock); the
// addresses it signed in from stay known.
func (u *Users) clearSignInFailures(ctx context.Context, name string, now time.Time) error {
	_, err := u.DB.W(ctx).ExecContext(ctx, `UPDATE signin_failures SET failures = 0, locked_until = NULL, next_try_at = NULL, updated_at = $1
		WHERE name = $2`, now, name)
	if err != nil {
		return errs.Internal("signin.clear", err)
	}
	return nil
}

// LockedNames returns the accounts locked now from some address, or
// throttled, by name, for the administrators' pages.
func (u *Users) LockedNames(ctx context.Context) (map[string]bool, error) {
	now := u.now()
	return db.Set[string](ctx, u.DB.Q(ctx), "signin.lockedNames", `SELECT DISTINCT name FROM signin_failures
		WHERE locked_until > $1 OR (client = $2 AND failures >= $3 AND window_start > $4)`, now, allClients, ThrottleAfter, now.Add(-FailureWindow))
}

// PurgeSignInFailures forgets the rows that hold neither a failure nor a
// lock of the last FailureWindow nor a success of the last KnownFor.
func (u *Users) PurgeSignInFailures(ctx context.Context) (int64, error) {
	now := u.now()
	var n int64
	err := u.DB.WithTx(ctx, func(ctx context.Context) error {
		res, err := u.DB.W(ctx).ExecContext(ctx, `DELETE FROM signin_failures WHERE updated_at < $1
			AND (locked_until IS NULL OR locked_until < $2) AND (next_try_at IS NULL OR next_try_at < $2)
			AND (last_success_at IS NULL OR last_success_at < $3)`, now.Add(-FailureWindow), now, now.Add(-KnownFor))
		if err != nil {
			return errs.Internal("signin.purge", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}
