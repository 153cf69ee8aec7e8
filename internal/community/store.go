package community

import (
	"context"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the community slice. Workers' reads and writes are
// bounded by the caller's area, taken from the principal in ctx; the
// public reads take one community's code and return only what is
// published (and, for notices, within its dates).
type Store struct{ DB *db.DB }

const noticeCols = `n.id, n.division_code, COALESCE(d.name, ''), n.kind, n.title, n.body, n.starts_on, n.ends_on, n.status,
	n.version, n.created_at, n.created_by, n.updated_at, n.updated_by`

const noticeFrom = ` FROM community_notices n JOIN divisions d ON d.code = n.division_code`

func scanNotice(s interface{ Scan(...any) error }, today string) (*Notice, error) {
	var n Notice
	err := s.Scan(&n.ID, &n.DivisionCode, &n.DivisionName, &n.Kind, &n.Title, &n.Body, &n.StartsOn, &n.EndsOn, &n.Status,
		&n.Version, &n.CreatedAt, &n.CreatedBy, &n.UpdatedAt, &n.UpdatedBy)
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	n.CurrentlyShown = n.Status == Published && n.StartsOn <= today && today <= n.EndsOn
	return &n, err
}

// division returns the level and name of a division inside the caller's
// area; ENOTFOUND otherwise.
func (s *Store) division(ctx context.Context, code string) (int, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, "", err
	}
	var level int
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level, name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&level, &name)
	if err != nil {
		return 0, "", db.RowErr(err, "community.Store.division: select divisions", "community.division_not_found", code)
	}
	return level, name, nil
}

// community reads a community and the names of its ancestors (county and
// township first) for the public page, whatever the caller; ENOTFOUND when
// the code is not a community.
func (s *Store) community(ctx context.Context, code string) (name string, path []string, err error) {
	codes := []string{code}
	for l := division.Township; l >= division.County; l-- {
		codes = append(codes, division.ParentOf(code, l+1))
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, level FROM divisions WHERE code IN ($1, $2, $3) ORDER BY level`, codes[0], codes[1], codes[2])
	if err != nil {
		return "", nil, errs.Internal("community.Store.community: select divisions", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var c, n string
		var level int
		if err := rows.Scan(&c, &n, &level); err != nil {
			return "", nil, errs.Internal("community.Store.community: scan", err)
		}
		if c == code {
			found = level == division.Community
			name = n
			continue
		}
		path = append(path, n)
	}
	if err := rows.Err(); err != nil {
		return "", nil, errs.Internal("community.Store.community: rows", err)
	}
	if !found {
		return "", nil, errs.NotFound("community.not_found", code)
	}
	return name, path, nil
}

// getNotice reads a notice inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) getNotice(ctx context.Context, id int64, today string) (*Notice, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lock := s.DB.LockOf(ctx, "n")
	n, err := scanNotice(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+noticeCols+noticeFrom+
		` WHERE n.id = $1 AND n.division_code BETWEEN $2 AND $3`+lock, id, lo, hi), today)
	if err != nil {
		return nil, db.RowErr(err, "community.Store.getNotice: select", "community.notice_not_found", id)
	}
	return n, nil
}

// noticeExists reports whether a notice exists at all; for auditing refusals only.
func (s *Store) noticeExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "community_notices", id)
}

func (s *Store) insertNotice(ctx context.Context, n *Notice, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO community_notices (division_code, kind, title, body, starts_on, ends_on, status,
		version, created_at, created_by, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,1,$8,$9,$8,$9) RETURNING id`,
		n.DivisionCode, n.Kind, n.Title, n.Body, n.StartsOn, n.EndsOn, n.Status, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("community.Store.insertNotice: insert community_notices", err)
	}
	return id, nil
}

func (s *Store) updateNotice(ctx context.Context, n *Notice, oldVersion int, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE community_notices SET kind = $1, title = $2, body = $3, starts_on = $4, ends_on = $5,
		status = $6, version = version + 1, updated_at = $7, updated_by = $8 WHERE id = $9 AND version = $10`,
		n.Kind, n.Title, n.Body, n.StartsOn, n.EndsOn, n.Status, now, actor, n.ID, oldVersion)
	if err != nil {
		return errs.Internal("community.Store.updateNotice: update community_notices", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

func (s *Store) collectNotices(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, today, op string) ([]Notice, error) {
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		n, err := scanNotice(rows, today)
		if err != nil {
			return nil, errs.Internal(op+": scan", err)
		}
		out = append(out, *n)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(op+": rows", err)
	}
	return out, nil
}

// listNotices reads one page of the notices at or under a division inside
// the caller's area, newest first.
func (s *Store) listNotices(ctx context.Context, f NoticeFilter, today string) ([]Notice, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	w := db.Within("n.division_code", lo, hi)
	arg := w.Arg
	if f.Division != "" {
		dlo, dhi := division.RangeOf(f.Division)
		w.Add("n.division_code BETWEEN " + arg(dlo) + " AND " + arg(dhi))
	}
	if f.Kind != "" {
		w.Add("n.kind = " + arg(f.Kind))
	}
	if f.Status != "" {
		w.Add("n.status = " + arg(f.Status))
	}
	q := `SELECT ` + noticeCols + noticeFrom + w.SQL() +
		` ORDER BY n.starts_on DESC, n.id DESC LIMIT ` + arg(f.PerPage+1) + ` OFFSET ` + arg((f.Page-1)*f.PerPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, w.Args...)
	if err != nil {
		return nil, false, errs.Internal("community.Store.listNotices: select", err)
	}
	out, err := s.collectNotices(rows, today, "community.Store.listNotices")
	if err != nil {
		return nil, false, err
	}
	out, more := db.More(out, f.PerPage)
	return out, more, nil
}

// currentNotices reads the published notices of one community shown on
// day today, newest first; public.
func (s *Store) currentNotices(ctx context.Context, code, today string, limit, offset int) ([]Notice, bool, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+noticeCols+noticeFrom+` WHERE n.division_code = $1 AND n.status = $2
		AND n.starts_on <= $3 AND n.ends_on >= $3 ORDER BY n.starts_on DESC, n.id DESC LIMIT $4 OFFSET $5`,
		code, Published, today, limit+1, offset)
	if err != nil {
		return nil, false, errs.Internal("community.Store.currentNotices: select", err)
	}
	out, err := s.collectNotices(rows, today, "community.Store.currentNotices")
	if err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

const itemCols = `i.id, i.division_code, COALESCE(d.name, ''), i.name, i.description, i.materials, i.service_hours, i.place, i.status,
	i.version, i.updated_at, i.updated_by`

const itemFrom = ` FROM catalogue_items i JOIN divisions d ON d.code = i.division_code`

func scanItem(s interface{ Scan(...any) error }) (*CatalogueItem, error) {
	var it CatalogueItem
	err := s.Scan(&it.ID, &it.DivisionCode, &it.DivisionName, &it.Name, &it.Description, &it.Materials, &it.ServiceHours, &it.Place,
		&it.Status, &it.Version, &it.UpdatedAt, &it.UpdatedBy)
	it.UpdatedAt = it.UpdatedAt.UTC()
	return &it, err
}

// getItem reads a catalogue item inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) getItem(ctx context.Context, id int64) (*CatalogueItem, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lock := s.DB.LockOf(ctx, "i")
	it, err := scanItem(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+itemCols+itemFrom+
		` WHERE i.id = $1 AND i.division_code BETWEEN $2 AND $3`+lock, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "community.Store.getItem: select", "community.item_not_found", id)
	}
	return it, nil
}

// itemExists reports whether a catalogue item exists at all; for auditing refusals only.
func (s *Store) itemExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "catalogue_items", id)
}

func (s *Store) insertItem(ctx context.Context, it *CatalogueItem, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO catalogue_items (division_code, name, description, materials, service_hours, place,
		status, version, created_at, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,1,$8,$8,$9) RETURNING id`,
		it.DivisionCode, it.Name, it.Description, it.Materials, it.ServiceHours, it.Place, it.Status, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("community.Store.insertItem: insert catalogue_items", err)
	}
	return id, nil
}

func (s *Store) updateItem(ctx context.Context, it *CatalogueItem, oldVersion int, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE catalogue_items SET name = $1, description = $2, materials = $3, service_hours = $4,
		place = $5, status = $6, version = version + 1, updated_at = $7, updated_by = $8 WHERE id = $9 AND version = $10`,
		it.Name, it.Description, it.Materials, it.ServiceHours, it.Place, it.Status, now, actor, it.ID, oldVersion)
	if err != nil {
		return errs.Internal("community.Store.updateItem: update catalogue_items", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}

// maxCatalogue bounds a catalogue: a community's own items and those it
// inherits.
const maxCatalogue = 500

func (s *Store) collectItems(ctx context.Context, op, q string, args ...any) ([]CatalogueItem, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, errs.Internal(op+": select", err)
	}
	defer rows.Close()
	var out []CatalogueItem
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, errs.Internal(op+": scan", err)
		}
		out = append(out, *it)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal(op+": rows", err)
	}
	return out, nil
}

// catalogue reads the published items a community offers: its own, then
// those its township and county keep for all their communities; public.
func (s *Store) catalogue(ctx context.Context, code string) ([]CatalogueItem, error) {
	township, county := division.ParentOf(code, division.Community), division.ParentOf(code, division.Township)
	return s.collectItems(ctx, "community.Store.catalogue", `SELECT `+itemCols+itemFrom+
		` WHERE i.division_code IN ($1, $2, $3) AND i.status = $4 ORDER BY d.level DESC, i.name, i.id LIMIT $5`,
		code, township, county, Published, maxCatalogue)
}

// items reads every item kept at exactly one division inside the caller's
// area, withdrawn ones too.
func (s *Store) items(ctx context.Context, code string) ([]CatalogueItem, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	return s.collectItems(ctx, "community.Store.items", `SELECT `+itemCols+itemFrom+
		` WHERE i.division_code = $1 AND i.division_code BETWEEN $2 AND $3 ORDER BY i.status, i.name, i.id LIMIT $4`,
		code, lo, hi, maxCatalogue)
}

// hall reads the hall's phone record; a community without one has an
// empty phone at version 0. Public.
func (s *Store) hall(ctx context.Context, code string) (phone string, version int, err error) {
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT phone, version FROM service_halls WHERE division_code = $1`, code).Scan(&phone, &version)
	if db.IsNoRows(err) {
		return "", 0, nil
	}
	if err != nil {
		return "", 0, errs.Internal("community.Store.hall: select service_halls", err)
	}
	return phone, version, nil
}

// saveHall writes the hall's phone when the stored version is oldVersion
// (0: none stored yet).
func (s *Store) saveHall(ctx context.Context, code, phone string, oldVersion int, actor string, now time.Time) error {
	if oldVersion == 0 {
		_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO service_halls (division_code, phone, version, updated_at, updated_by)
			VALUES ($1, $2, 1, $3, $4)`, code, phone, now, actor)
		if db.IsUniqueViolation(err) {
			return errs.Conflict("error.conflict")
		}
		if err != nil {
			return errs.Internal("community.Store.saveHall: insert service_halls", err)
		}
		return nil
	}
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE service_halls SET phone = $1, version = version + 1, updated_at = $2, updated_by = $3
		WHERE division_code = $4 AND version = $5`, phone, now, actor, code, oldVersion)
	if err != nil {
		return errs.Internal("community.Store.saveHall: update service_halls", err)
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}
