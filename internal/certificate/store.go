package certificate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the slice. Reads that take the caller's area filter
// on the issuing organisation's division code.
type Store struct{ DB *db.DB }

const certCols = `c.id, c.number, c.volunteer_id, c.volunteer_name, c.id_number_masked, c.org_id, c.org_name, c.division_code,
	c.period_from, c.period_to, c.hours_centi, c.seal_id, c.issued_at, c.issued_by, c.revoked_at, c.revoked_by, c.revoke_reason`

func scanCert(sc interface{ Scan(...any) error }) (*Certificate, error) {
	var c Certificate
	var revoked *time.Time
	err := sc.Scan(&c.ID, &c.Number, &c.VolunteerID, &c.VolunteerName, &c.IDNumber, &c.OrganizationID, &c.OrganizationName,
		&c.DivisionCode, &c.From, &c.To, &c.centi, &c.SealID, &c.IssuedAt, &c.IssuedBy, &revoked, &c.RevokedBy, &c.RevokeReason)
	if err != nil {
		return nil, err
	}
	// Certificates issued before the mask kept fewer characters hold the
	// older, longer mask: mask it again for every screen and PDF.
	c.IDNumber = pii.MaskIDNumber(c.IDNumber)
	c.Hours = hours(c.centi)
	c.IssuedAt = c.IssuedAt.UTC()
	if revoked != nil {
		t := revoked.UTC()
		c.RevokedAt = &t
	}
	return &c, nil
}

// byNumber reads a certificate by number, with no area check: for the
// public verification and for telling a refusal from a miss.
func (st *Store) byNumber(ctx context.Context, number string) (*Certificate, error) {
	c, err := scanCert(st.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+certCols+` FROM certificates c WHERE c.number = $1`, number))
	if err != nil {
		return nil, db.RowErr(err, "certificate.Store.byNumber: select", "certificate.not_found", number)
	}
	return c, nil
}

// inArea reads a certificate issued inside the caller's area.
func (st *Store) inArea(ctx context.Context, number string, lock bool) (*Certificate, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + certCols + ` FROM certificates c WHERE c.number = $1 AND c.division_code BETWEEN $2 AND $3`
	if lock {
		q += st.DB.ForUpdate()
	}
	c, err := scanCert(st.DB.Q(ctx).QueryRowContext(ctx, q, number, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "certificate.Store.inArea: select", "certificate.not_found", number)
	}
	return c, nil
}

func (st *Store) items(ctx context.Context, c *Certificate) error {
	rows, err := st.DB.Q(ctx).QueryContext(ctx, `SELECT date, hours_centi, content FROM certificate_items
		WHERE certificate_id = $1 ORDER BY seq`, c.ID)
	if err != nil {
		return errs.Internal("certificate.Store.items: select certificate_items", err)
	}
	defer rows.Close()
	c.Items = []Item{}
	for rows.Next() {
		var it Item
		if err := rows.Scan(&it.Date, &it.centi, &it.Content); err != nil {
			return errs.Internal("certificate.Store.items: select certificate_items", err)
		}
		it.Hours = hours(it.centi)
		c.Items = append(c.Items, it)
	}
	return rows.Err()
}

// Filter selects certificates in a list.
type Filter struct {
	VolunteerID int64
	OrgID       int64
	Page        int
	PerPage     int
}

// list returns one page of the certificates issued in the caller's area,
// newest first.
func (st *Store) list(ctx context.Context, f Filter) ([]Certificate, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	q := `SELECT ` + certCols + ` FROM certificates c WHERE c.division_code BETWEEN $1 AND $2`
	args := []any{lo, hi}
	if f.VolunteerID != 0 {
		args = append(args, f.VolunteerID)
		q += ` AND c.volunteer_id = $3`
	}
	if f.OrgID != 0 {
		args = append(args, f.OrgID)
		q += ` AND c.org_id = $` + strconv.Itoa(len(args))
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	q += ` ORDER BY c.division_code, c.issued_at DESC, c.id DESC LIMIT $` + strconv.Itoa(len(args)-1) + ` OFFSET $` + strconv.Itoa(len(args))
	rows, err := st.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("certificate.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCert)
	if err != nil {
		return nil, false, errs.Internal("certificate.Store.list: select", err)
	}
	return out, more, nil
}

// insert writes a certificate and its items; the number is unique.
func (st *Store) insert(ctx context.Context, c *Certificate) error {
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO certificates (number, volunteer_id, volunteer_name, id_number_masked,
		org_id, org_name, division_code, period_from, period_to, hours_centi, seal_id, issued_at, issued_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		c.Number, c.VolunteerID, c.VolunteerName, c.IDNumber, c.OrganizationID, c.OrganizationName, c.DivisionCode,
		c.From, c.To, c.centi, c.SealID, c.IssuedAt, c.IssuedBy).Scan(&c.ID)
	if err != nil {
		return err
	}
	for i, it := range c.Items {
		if _, err := st.DB.Q(ctx).ExecContext(ctx, `INSERT INTO certificate_items (certificate_id, seq, date, hours_centi, content)
			VALUES ($1, $2, $3, $4, $5)`, c.ID, i+1, it.Date, it.centi, it.Content); err != nil {
			return errs.Internal("certificate.Store.insert: insert certificate_items", err)
		}
	}
	return nil
}

func (st *Store) revoke(ctx context.Context, id int64, at time.Time, by, reason string) error {
	_, err := st.DB.Q(ctx).ExecContext(ctx, `UPDATE certificates SET revoked_at = $1, revoked_by = $2, revoke_reason = $3
		WHERE id = $4 AND revoked_at IS NULL`, at, by, reason, id)
	if err != nil {
		return errs.Internal("certificate.Store.revoke: update certificates", err)
	}
	return nil
}

// Seal is an organisation's current seal image.
type Seal struct {
	ID           int64     `json:"id"`
	OrgID        int64     `json:"org_id"`
	DivisionCode string    `json:"division_code"`
	SHA256       string    `json:"sha256"`
	UploadedAt   time.Time `json:"uploaded_at"`
	UploadedBy   string    `json:"uploaded_by"`
	Image        []byte    `json:"-"`
}

const sealCols = `id, org_id, division_code, sha256, uploaded_at, uploaded_by, image`

func scanSeal(sc interface{ Scan(...any) error }) (*Seal, error) {
	var s Seal
	if err := sc.Scan(&s.ID, &s.OrgID, &s.DivisionCode, &s.SHA256, &s.UploadedAt, &s.UploadedBy, &s.Image); err != nil {
		return nil, err
	}
	s.UploadedAt = s.UploadedAt.UTC()
	return &s, nil
}

// currentSeal is the newest seal of an organisation.
func (st *Store) currentSeal(ctx context.Context, orgID int64) (*Seal, error) {
	s, err := scanSeal(st.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+sealCols+` FROM certificate_seals
		WHERE org_id = $1 ORDER BY id DESC LIMIT 1`, orgID))
	if err != nil {
		return nil, db.RowErr(err, "certificate.Store.currentSeal: select", "certificate.no_seal")
	}
	return s, nil
}

func (st *Store) seal(ctx context.Context, id int64) (*Seal, error) {
	s, err := scanSeal(st.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+sealCols+` FROM certificate_seals WHERE id = $1`, id))
	if err != nil {
		return nil, errs.Internal("certificate.Store.seal: select", err)
	}
	return s, nil
}

func (st *Store) insertSeal(ctx context.Context, s *Seal) error {
	sum := sha256.Sum256(s.Image)
	s.SHA256 = hex.EncodeToString(sum[:])
	err := st.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO certificate_seals (org_id, division_code, image, sha256, uploaded_at, uploaded_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, s.OrgID, s.DivisionCode, s.Image, s.SHA256, s.UploadedAt, s.UploadedBy).Scan(&s.ID)
	if err != nil {
		return errs.Internal("certificate.Store.insertSeal: insert certificate_seals", err)
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
