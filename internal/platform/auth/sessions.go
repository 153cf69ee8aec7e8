package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Session limits (等保 2.0 level 3).
const (
	IdleTimeout     = 30 * time.Minute
	AbsoluteTimeout = 8 * time.Hour
	// touchEvery bounds how often a session's last-seen time is written.
	touchEvery = time.Minute
)

// Session is a signed-in browser.
type Session struct {
	Token      string // only when just created; the store keeps its hash
	IDHash     string
	UserID     int64
	CSRFSecret string
	MFAOK      bool
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// Sessions keeps sessions and API tokens in the database, so that several
// nodes share them.
type Sessions struct {
	DB  *db.DB
	Now func() time.Time
}

// NewSessions makes the store.
func NewSessions(d *db.DB) *Sessions { return &Sessions{DB: d, Now: time.Now} }

func (s *Sessions) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

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

// Account is the part of a user that a request needs.
type Account struct {
	ID                 int64
	Name               string
	DisplayName        string
	Role               Role
	AreaCode           string
	AreaLevel          int
	MustChangePassword bool
	TOTPEnabled        bool
	Demo               bool
	Disabled           bool
	Lang               string
	Elderly            bool
}

const accountCols = `u.id, u.name, u.display_name, u.role, u.area_code, d.level, u.must_change_password, u.totp_enabled, u.demo, u.disabled, u.lang, u.elderly_mode`

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

// Principal turns an account into a principal.
func (a *Account) Principal(client, session string) *Principal {
	return &Principal{UserID: a.ID, Name: a.Name, DisplayName: a.DisplayName, Role: a.Role, Area: AreaOf(a.AreaCode, a.AreaLevel), Demo: a.Demo,
		Lang: a.Lang, Elderly: a.Elderly, Client: client, Session: session}
}

// Resolve finds the live session of a token and its account. Expired
// sessions are deleted; an unknown token is ENOTFOUND.
func (s *Sessions) Resolve(ctx context.Context, token string) (*Session, *Account, error) {
	h := HashToken(token)
	var ses Session
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, s.csrf_secret, s.mfa_ok, s.created_at, s.last_seen_at
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN divisions d ON d.code = u.area_code WHERE s.id_hash = $1`, h)
	acc, err := scanAccount(row, &ses.CSRFSecret, &ses.MFAOK, &ses.CreatedAt, &ses.LastSeenAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if err != nil {
		return nil, nil, errs.Internal("auth.Sessions.Resolve: scanAccount", err)
	}
	ses.IDHash, ses.UserID = h, acc.ID
	now := s.now()
	if acc.Disabled || now.Sub(ses.LastSeenAt) > IdleTimeout || now.Sub(ses.CreatedAt) > AbsoluteTimeout {
		_ = s.Delete(ctx, h)
		return nil, nil, errs.E(errs.EUNAUTHORIZED, "auth.session_expired")
	}
	if now.Sub(ses.LastSeenAt) > touchEvery {
		if _, err := s.DB.Writer().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now, h); err != nil {
			return nil, nil, errs.Internal("auth.Sessions.Resolve: update sessions", err)
		}
	}
	return &ses, acc, nil
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

// ResolveToken finds the account of a live bearer token.
func (s *Sessions) ResolveToken(ctx context.Context, token string) (*Account, error) {
	var exp time.Time
	var revoked bool
	var last sql.NullTime
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+`, t.expires_at, t.revoked, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN divisions d ON d.code = u.area_code WHERE t.token_hash = $1`, HashToken(token))
	acc, err := scanAccount(row, &exp, &revoked, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if err != nil {
		return nil, errs.Internal("auth.Sessions.ResolveToken: scanAccount", err)
	}
	now := s.now()
	if revoked || acc.Disabled || now.After(exp) {
		return nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !last.Valid || now.Sub(last.Time) > touchEvery {
		_, _ = s.DB.Writer().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2`, now, HashToken(token))
	}
	return acc, nil
}

// LoadAccount reads an account by id.
func (s *Sessions) LoadAccount(ctx context.Context, id int64) (*Account, error) {
	row := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+accountCols+` FROM users u JOIN divisions d ON d.code = u.area_code WHERE u.id = $1`, id)
	acc, err := scanAccount(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.NotFound("error.not_found")
	}
	if err != nil {
		return nil, errs.Internal("auth.Sessions.LoadAccount: select", err)
	}
	return acc, nil
}
