package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const accountCols = `u.id, u.name, u.display_name, u.role, u.area_code, d.level, u.must_change_password, u.totp_enabled, u.demo, u.disabled, u.lang, u.elderly_mode`

// DeleteOthersForUser ends every session of a user but one (a password
// change ends the others; the current one is rotated by Rotate).
func (s *Sessions) DeleteOthersForUser(ctx context.Context, userID int64, keep string) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, userID, keep); err != nil {
		return errs.Internal("sessions.deleteOthers", err)
	}
	return nil
}

// Rotate replaces a session by a new one with a fresh id and CSRF secret,
// the same user, second-factor state, client and start (so the absolute
// timeout still counts from the sign-in). Errors: EUNAUTHORIZED (no such
// session).
func (s *Sessions) Rotate(ctx context.Context, idHash string) (*Session, error) {
	var userID int64
	var mfa bool
	var created time.Time
	var client, ua string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT user_id, mfa_ok, created_at, client_addr, user_agent FROM sessions WHERE id_hash = $1`, idHash).
		Scan(&userID, &mfa, &created, &client, &ua)
	if db.IsNoRows(err) {
		return nil, errs.E(errs.EUNAUTHORIZED, "auth.session_expired")
	}
	if err != nil {
		return nil, errs.Internal("sessions.rotate", err)
	}
	tok := RandomToken(32)
	ses := &Session{Token: tok, IDHash: HashToken(tok), UserID: userID, CSRFSecret: RandomToken(32), MFAOK: mfa, CreatedAt: created, LastSeenAt: s.now()}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_secret, mfa_ok, created_at, last_seen_at, client_addr, user_agent)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, ses.IDHash, userID, ses.CSRFSecret, mfa, created, ses.LastSeenAt, client, ua); err != nil {
		return nil, errs.Internal("sessions.rotate", err)
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash); err != nil {
		return nil, errs.Internal("sessions.rotate", err)
	}
	return ses, nil
}

// RevokeTokensForUser revokes every live API token of a user (an admin's
// password reset) and returns how many.
func (s *Sessions) RevokeTokensForUser(ctx context.Context, userID int64) (int64, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE user_id = $2 AND revoked = $3`, true, userID, false)
	if err != nil {
		return 0, errs.Internal("tokens.revokeForUser", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// Token is an API token as an operator sees it: never its secret (only
// its hash is stored anyway).
type Token struct {
	ID         int64
	User       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	Revoked    bool
}

const tokenCols = `t.id, u.name, t.created_at, t.expires_at, t.last_used_at, t.revoked`

func scanToken(row interface{ Scan(...any) error }) (*Token, error) {
	var t Token
	var last sql.NullTime
	if err := row.Scan(&t.ID, &t.User, &t.CreatedAt, &t.ExpiresAt, &last, &t.Revoked); err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	if last.Valid {
		l := last.Time.UTC()
		t.LastUsedAt = &l
	}
	return &t, nil
}

// ListTokens lists the API tokens of the accounts inside the caller's
// area, or of one account when user is not empty, oldest first.
func (s *Sessions) ListTokens(ctx context.Context, user string) ([]Token, error) {
	lo, hi, err := Scope(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE u.area_code BETWEEN $1 AND $2 AND ($3 = '' OR u.name = $3) ORDER BY t.id`, lo, hi, user)
	if err != nil {
		return nil, errs.Internal("tokens.list", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, errs.Internal("tokens.list", err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("tokens.list", err)
	}
	return out, nil
}

// RevokeToken revokes an API token by id and returns it.
// Errors: ENOTFOUND (no such token of an account inside the caller's area).
func (s *Sessions) RevokeToken(ctx context.Context, id int64) (*Token, error) {
	lo, hi, err := Scope(ctx)
	if err != nil {
		return nil, err
	}
	t, err := scanToken(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.id = $1 AND u.area_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "tokens.revoke", "auth.token_not_found", id)
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE id = $2`, true, id); err != nil {
		return nil, errs.Internal("tokens.revoke", err)
	}
	t.Revoked = true
	return t, nil
}

// Create starts a new session for a user (a fresh id: rotation at login).
func (s *Sessions) Create(ctx context.Context, userID int64, mfaOK bool, client, ua string) (*Session, error) {
	tok := RandomToken(32)
	now := s.now()
	ses := &Session{Token: tok, IDHash: HashToken(tok), UserID: userID, CSRFSecret: RandomToken(32), MFAOK: mfaOK, CreatedAt: now, LastSeenAt: now}
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, csrf_secret, mfa_ok, created_at, last_seen_at, client_addr, user_agent)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, ses.IDHash, userID, ses.CSRFSecret, mfaOK, now, now, client, ua)
	if err != nil {
		return nil, errs.Internal("auth.Sessions.Create: insert sessions", err)
	}
	return ses, nil
}

// Delete ends a session.
func (s *Sessions) Delete(ctx context.Context, idHash string) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, idHash)
	return err
}

// DeleteForUser ends every session of a user (disable, password reset).
func (s *Sessions) DeleteForUser(ctx context.Context, userID int64) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
	return err
}

// SetMFA marks a session as having passed its second factor.
func (s *Sessions) SetMFA(ctx context.Context, idHash string) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE sessions SET mfa_ok = $1 WHERE id_hash = $2`, true, idHash)
	return err
}

func scanAccount(row interface{ Scan(...any) error }, extra ...any) (*Account, error) {
	var a Account
	var role string
	dest := append([]any{&a.ID, &a.Name, &a.DisplayName, &role, &a.AreaCode, &a.AreaLevel, &a.MustChangePassword,
		&a.TOTPEnabled, &a.Demo, &a.Disabled, &a.Lang, &a.Elderly}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.Role = Role(role)
	return &a, nil
}

// Purge deletes expired sessions; a background job calls it.
func (s *Sessions) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	res, err := s.DB.Writer().ExecContext(ctx, `DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2`,
		now.Add(-IdleTimeout), now.Add(-AbsoluteTimeout))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// CreateToken issues an API bearer token for a user; only its hash is kept.
func (s *Sessions) CreateToken(ctx context.Context, userID int64, ttl time.Duration) (string, time.Time, error) {
	tok := "shq_" + RandomToken(32)
	now := s.now()
	exp := now.Add(ttl)
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1,$2,$3,$4)`,
		userID, HashToken(tok), now, exp)
	if err != nil {
		return "", time.Time{}, errs.Internal("auth.Sessions.CreateToken: insert api_tokens", err)
	}
	return tok, exp, nil
}

// LoadAccount reads an account by id.
func (s *Sessions) LoadAccount(ctx context.Context, id int64) (*Account, error) {
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u JOIN divisions d ON d.code = u.area_code WHERE u.id = $1`, id)
	acc, err := scanAccount(row)
	if err != nil {
		return nil, db.RowErr(err, "auth.Sessions.LoadAccount: select", "error.not_found")
	}
	return acc, nil
}

// session reads a session by its id's hash, with its account.
// EUNAUTHORIZED when there is none.
func (s *Sessions) session(ctx context.Context, idHash string) (*Session, *Account, error) {
	var ses Session
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, s.csrf_secret, s.mfa_ok, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN divisions d ON d.code = u.area_code WHERE s.id_hash = $1`, idHash)
	acc, err := scanAccount(row, &ses.CSRFSecret, &ses.MFAOK, &ses.CreatedAt, &ses.LastSeenAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if err != nil {
		return nil, nil, errs.Internal("auth.Sessions.session: scanAccount", err)
	}
	return &ses, acc, nil
}

// touch records that a session was seen at at, outside the caller's
// transaction.
func (s *Sessions) touch(ctx context.Context, idHash string, at time.Time) error {
	if _, err := s.DB.Writer().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, at, idHash); err != nil {
		return errs.Internal("auth.Sessions.touch: update sessions", err)
	}
	return nil
}

// token reads an API token by its hash, with its account. EUNAUTHORIZED
// when there is none.
func (s *Sessions) token(ctx context.Context, hash string) (acc *Account, expires time.Time, revoked bool, lastUsed sql.NullTime, err error) {
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, t.expires_at, t.revoked, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN divisions d ON d.code = u.area_code WHERE t.token_hash = $1`, hash)
	acc, err = scanAccount(row, &expires, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, sql.NullTime{}, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if err != nil {
		return nil, time.Time{}, false, sql.NullTime{}, errs.Internal("auth.Sessions.token: scanAccount", err)
	}
	return acc, expires, revoked, lastUsed, nil
}

// touchToken records that a token was used at at, as well as it can (a
// failure only leaves the time older).
func (s *Sessions) touchToken(ctx context.Context, hash string, at time.Time) {
	_, _ = s.DB.Writer().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2`, at, hash)
}
