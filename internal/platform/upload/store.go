package upload

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Blob is a stored upload. Blobs live in the database (backed up and
// replicated with everything else) and have no public address: a slice
// keeps a blob's id on its record and serves it from its own handler after
// checking that the caller may see the record.
type Blob struct {
	ID           int64
	Owner        string // the slice and use, e.g. "care.visit", "volunteer.seal"
	DivisionCode string // the area the blob belongs to
	Type         string
	Width        int
	Height       int
	Size         int64
	SHA256       string
	Name         string
	CreatedAt    time.Time
	CreatedBy    string
	Bytes        []byte
}

// Store keeps blobs.
type Store struct {
	DB  *db.DB
	Now func() time.Time
}

// NewStore makes a store.
func NewStore(d *db.DB) *Store { return &Store{DB: d, Now: time.Now} }

// Put stores f as owner's blob in division code, in ctx's transaction if
// there is one, and returns its id. The same bytes stored twice by one
// owner in one division are one blob (a resent form does not duplicate it).
func (s *Store) Put(ctx context.Context, owner, code string, f *File) (int64, error) {
	if f == nil || len(f.Bytes) == 0 || owner == "" || code == "" {
		return 0, errs.Internal("upload.Store.Put", fmt.Errorf("upload: put without file, owner or division"))
	}
	by := ""
	if p := auth.From(ctx); p != nil {
		by = p.Name
	}
	var id int64
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		q := s.DB.Q(ctx)
		err := q.QueryRowContext(ctx, `SELECT id FROM upload_blobs WHERE owner = $1 AND division_code = $2 AND sha256 = $3`,
			owner, code, f.SHA256).Scan(&id)
		if err == nil {
			return nil
		}
		if !db.IsNoRows(err) {
			return errs.Internal("upload.Store.Put: select upload_blobs", err)
		}
		name := f.Name
		if r := []rune(name); len(r) > 200 {
			name = string(r[:200])
		}
		// Another writer (another node on PostgreSQL) may store the same
		// bytes at the same moment: the unique index decides, and the
		// loser reads the winner's id.
		err = q.QueryRowContext(ctx, `INSERT INTO upload_blobs (owner, division_code, content_type, width, height, size, sha256, name, data, created_at, created_by)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
			ON CONFLICT (owner, division_code, sha256) DO NOTHING RETURNING id`,
			owner, code, f.Type, f.Width, f.Height, int64(len(f.Bytes)), f.SHA256, name, f.Bytes, s.Now().UTC(), by).Scan(&id)
		if db.IsNoRows(err) {
			err = q.QueryRowContext(ctx, `SELECT id FROM upload_blobs WHERE owner = $1 AND division_code = $2 AND sha256 = $3`,
				owner, code, f.SHA256).Scan(&id)
		}
		if err != nil {
			return errs.Internal("upload.Store.Put: insert upload_blobs", err)
		}
		return nil
	})
	return id, err
}

// Load returns a blob of owner by id with no area check: the caller has
// checked that the principal may see the record that references it.
//
// Errors: ENOTFOUND.
func (s *Store) Load(ctx context.Context, owner string, id int64) (*Blob, error) {
	b := &Blob{}
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, owner, division_code, content_type, width, height, size, sha256, name, created_at, created_by, data
		FROM upload_blobs WHERE id = $1 AND owner = $2`, id, owner).Scan(&b.ID, &b.Owner, &b.DivisionCode, &b.Type,
		&b.Width, &b.Height, &b.Size, &b.SHA256, &b.Name, &b.CreatedAt, &b.CreatedBy, &b.Bytes)
	if err != nil {
		return nil, db.RowErr(err, "upload.Store.Load: select upload_blobs", "error.not_found")
	}
	b.CreatedAt = b.CreatedAt.UTC()
	return b, nil
}

// Get is Load limited to the caller's area: a blob of a division outside
// it is ENOTFOUND.
func (s *Store) Get(ctx context.Context, owner string, id int64) (*Blob, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	b, err := s.Load(ctx, owner, id)
	if err != nil {
		return nil, err
	}
	if b.DivisionCode < lo || b.DivisionCode > hi {
		return nil, errs.NotFound("error.not_found")
	}
	return b, nil
}

// Delete removes a blob of owner (in ctx's transaction if there is one).
func (s *Store) Delete(ctx context.Context, owner string, id int64) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `DELETE FROM upload_blobs WHERE id = $1 AND owner = $2`, id, owner)
	if err != nil {
		return errs.Internal("upload.Store.Delete: delete upload_blobs", err)
	}
	return nil
}

// Serve writes a blob as the response: its checked type, never sniffed,
// private to the browser, shown inline.
func Serve(w http.ResponseWriter, r *http.Request, b *Blob) {
	h := w.Header()
	h.Set("Content-Type", b.Type)
	h.Set("Content-Length", strconv.FormatInt(int64(len(b.Bytes)), 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Disposition", "inline")
	h.Set("ETag", `"`+b.SHA256+`"`)
	if r.Header.Get("If-None-Match") == `"`+b.SHA256+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b.Bytes)
}
