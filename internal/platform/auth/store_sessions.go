package auth

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

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
	if db.IsNoRows(err) {
		return nil, errs.NotFound("auth.token_not_found", id)
	}
	if err != nil {
		return nil, errs.Internal("tokens.revoke", err)
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE api_tokens SET revoked = $1 WHERE id = $2`, true, id); err != nil {
		return nil, errs.Internal("tokens.revoke", err)
	}
	t.Revoked = true
	return t, nil
}
