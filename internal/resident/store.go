package resident

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/ratelimit"
)

// Store is the SQL of the resident slice.
type Store struct{ DB *db.DB }

// row is a residents row joined with its account, numbers still sealed.
type row struct {
	Resident
	PhoneSealed string
	IDSealed    string
}

const residentCols = `r.user_id, u.name, u.display_name, r.community_code, r.phone_sealed, r.id_number_sealed, r.status, r.reason,
	r.decided_by, r.decided_at, r.created_at`

func scanRow(sc interface{ Scan(...any) error }) (*row, error) {
	var x row
	var decided sql.NullTime
	if err := sc.Scan(&x.UserID, &x.Name, &x.DisplayName, &x.CommunityCode, &x.PhoneSealed, &x.IDSealed, &x.Status, &x.Reason,
		&x.DecidedBy, &decided, &x.CreatedAt); err != nil {
		return nil, err
	}
	x.CreatedAt = x.CreatedAt.UTC()
	if decided.Valid {
		t := decided.Time.UTC()
		x.DecidedAt = &t
	}
	return &x, nil
}

// Insert adds the resident row of a new account.
func (s *Store) Insert(ctx context.Context, userID int64, community, phoneSealed, phoneIndex, idSealed, idIndex string, now time.Time) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO residents (user_id, community_code, phone_sealed, phone_index, id_number_sealed,
		id_number_index, status, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)`,
		userID, community, phoneSealed, phoneIndex, idSealed, idIndex, Unverified, now)
	if db.IsUniqueViolation(err) {
		return errs.Conflict("resident.phone_taken")
	}
	if err != nil {
		return errs.Internal("resident.Store.Insert: insert residents", err)
	}
	return nil
}

// UserByPhone returns the account id of the resident with this number's
// index, and whether there is one.
func (s *Store) UserByPhone(ctx context.Context, phoneIndex string) (int64, bool, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT user_id FROM residents WHERE phone_index = $1`, phoneIndex).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, errs.Internal("resident.Store.UserByPhone: select", err)
	}
	return id, true, nil
}

// Get reads one resident inside the caller's area (the whole tree for the
// system). ENOTFOUND otherwise.
func (s *Store) Get(ctx context.Context, userID int64, forUpdate bool) (*row, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lock := ""
	if forUpdate {
		lock = s.DB.ForUpdate()
	}
	x, err := scanRow(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+residentCols+` FROM residents r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = $1 AND r.community_code BETWEEN $2 AND $3`+lock, userID, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "resident.Store.Get: select", "resident.not_found")
	}
	return x, nil
}

// Own reads the caller's own resident row; ENOTFOUND for an account that
// did not sign itself up.
func (s *Store) Own(ctx context.Context, userID int64) (*row, error) {
	x, err := scanRow(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+residentCols+` FROM residents r JOIN users u ON u.id = r.user_id
		WHERE r.user_id = $1`, userID))
	if err != nil {
		return nil, db.RowErr(err, "resident.Store.Own: select", "resident.not_found")
	}
	return x, nil
}

// Exists reports whether a resident row exists at all, whatever the
// caller's area; for auditing refusals only.
func (s *Store) Exists(ctx context.Context, userID int64) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM residents WHERE user_id = $1`, userID).Scan(&n)
	return n > 0
}

// Queue lists the sign-ups in the caller's area in one state, oldest first;
// one more than perPage tells whether there are more.
func (s *Store) Queue(ctx context.Context, status string, page, perPage int) ([]row, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+residentCols+` FROM residents r JOIN users u ON u.id = r.user_id
		WHERE r.community_code BETWEEN $1 AND $2 AND r.status = $3 ORDER BY r.created_at, r.user_id LIMIT $4 OFFSET $5`,
		lo, hi, status, perPage+1, (page-1)*perPage)
	if err != nil {
		return nil, false, errs.Internal("resident.Store.Queue: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanRow)
	if err != nil {
		return nil, false, errs.Internal("resident.Store.Queue: scan", err)
	}
	return out, more, nil
}

// CountUnverified counts the sign-ups waiting in the caller's area.
func (s *Store) CountUnverified(ctx context.Context) (int, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM residents WHERE community_code BETWEEN $1 AND $2 AND status = $3`,
		lo, hi, Unverified).Scan(&n)
	if err != nil {
		return 0, errs.Internal("resident.Store.CountUnverified: select", err)
	}
	return n, nil
}

// Decide stores a decision on a resident.
func (s *Store) Decide(ctx context.Context, userID int64, status, reason, by string, now time.Time) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE residents SET status = $1, reason = $2, decided_by = $3, decided_at = $4, updated_at = $4
		WHERE user_id = $5`, status, reason, by, now, userID)
	if err != nil {
		return errs.Internal("resident.Store.Decide: update residents", err)
	}
	return nil
}

// IsVerified reports whether an account is a verified resident (for votes).
func (s *Store) IsVerified(ctx context.Context, userID int64) (bool, error) {
	var st string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT status FROM residents WHERE user_id = $1`, userID).Scan(&st)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, errs.Internal("resident.Store.IsVerified: select", err)
	}
	return st == Verified, nil
}

// code is a live one-time code's row.
type code struct {
	Hash      string
	Tries     int
	ExpiresAt time.Time
}

// PutCode keeps the hash of a new code for a number and purpose, replacing
// the one before.
func (s *Store) PutCode(ctx context.Context, phoneIndex, purpose, hash string, now, expires time.Time) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO sms_codes (phone_index, purpose, code_hash, tries, expires_at, created_at)
		VALUES ($1,$2,$3,0,$4,$5) ON CONFLICT (phone_index, purpose) DO UPDATE SET code_hash = excluded.code_hash, tries = 0,
		expires_at = excluded.expires_at, created_at = excluded.created_at`, phoneIndex, purpose, hash, expires, now)
	if err != nil {
		return errs.Internal("resident.Store.PutCode: upsert sms_codes", err)
	}
	return nil
}

// Code reads the live code of a number and purpose, locked for the check.
func (s *Store) Code(ctx context.Context, phoneIndex, purpose string) (*code, bool, error) {
	var c code
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT code_hash, tries, expires_at FROM sms_codes WHERE phone_index = $1 AND purpose = $2`+
		s.DB.ForUpdate(), phoneIndex, purpose).Scan(&c.Hash, &c.Tries, &c.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, errs.Internal("resident.Store.Code: select", err)
	}
	return &c, true, nil
}

// CountTry counts a wrong code against its tries.
func (s *Store) CountTry(ctx context.Context, phoneIndex, purpose string) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE sms_codes SET tries = tries + 1 WHERE phone_index = $1 AND purpose = $2`, phoneIndex, purpose)
	if err != nil {
		return errs.Internal("resident.Store.CountTry: update sms_codes", err)
	}
	return nil
}

// DeleteCode ends a code (used).
func (s *Store) DeleteCode(ctx context.Context, phoneIndex, purpose string) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sms_codes WHERE phone_index = $1 AND purpose = $2`, phoneIndex, purpose)
	if err != nil {
		return errs.Internal("resident.Store.DeleteCode: delete sms_codes", err)
	}
	return nil
}

// PurgeCodes forgets codes that ran out before now.
func (s *Store) PurgeCodes(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM sms_codes WHERE expires_at < $1`, now)
	if err != nil {
		return 0, errs.Internal("resident.Store.PurgeCodes: delete sms_codes", err)
	}
	return res.RowsAffected()
}

// PurgeBuckets forgets this slice's rate-limit buckets untouched since
// before (full again by then), leaving other slices' buckets alone.
func (s *Store) PurgeBuckets(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM `+ratelimit.Table+` WHERE client LIKE 'resident.code:%' AND updated_at < $1`, before)
	if err != nil {
		return 0, errs.Internal("resident.Store.PurgeBuckets: delete", err)
	}
	return res.RowsAffected()
}

// CountVerified counts a community's verified residents (a deliberation
// meeting's electorate is prefilled with it).
func (s *Store) CountVerified(ctx context.Context, community string) (int64, error) {
	var n int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM residents WHERE community_code = $1 AND status = $2`, community, Verified).Scan(&n)
	if err != nil {
		return 0, errs.Internal("resident.Store.CountVerified: select", err)
	}
	return n, nil
}
