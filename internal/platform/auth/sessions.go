package auth

import (
	"context"
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

// Principal turns an account into a principal.
func (a *Account) Principal(client, session string) *Principal {
	return &Principal{UserID: a.ID, Name: a.Name, DisplayName: a.DisplayName, Role: a.Role, Area: AreaOf(a.AreaCode, a.AreaLevel), Demo: a.Demo,
		Lang: a.Lang, Elderly: a.Elderly, Client: client, Session: session}
}

// Resolve finds the live session of a token and its account. Expired
// sessions are deleted; an unknown token is ENOTFOUND.
func (s *Sessions) Resolve(ctx context.Context, token string) (*Session, *Account, error) {
	h := HashToken(token)
	ses, acc, err := s.session(ctx, h)
	if err != nil {
		return nil, nil, err
	}
	ses.IDHash, ses.UserID = h, acc.ID
	now := s.now()
	if acc.Disabled || now.Sub(ses.LastSeenAt) > IdleTimeout || now.Sub(ses.CreatedAt) > AbsoluteTimeout {
		_ = s.Delete(ctx, h)
		return nil, nil, errs.E(errs.EUNAUTHORIZED, "auth.session_expired")
	}
	if now.Sub(ses.LastSeenAt) > touchEvery {
		if err := s.touch(ctx, h, now); err != nil {
			return nil, nil, err
		}
	}
	return ses, acc, nil
}

// ResolveToken finds the account of a live bearer token.
func (s *Sessions) ResolveToken(ctx context.Context, token string) (*Account, error) {
	acc, exp, revoked, last, err := s.token(ctx, HashToken(token))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if revoked || acc.Disabled || now.After(exp) {
		return nil, errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	if !last.Valid || now.Sub(last.Time) > touchEvery {
		s.touchToken(ctx, HashToken(token), now)
	}
	return acc, nil
}
