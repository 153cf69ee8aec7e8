package residentunit

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the resident-unit registry. Every read is bounded
// by the caller's area, taken from the principal in ctx.
type Store struct{ DB *db.DB }

type scanner interface{ Scan(...any) error }

const unitCols = `u.id, u.division_code, COALESCE(d.name, ''), u.name, u.kind, u.address, u.contact_sealed, u.created_at, u.created_by,
	(SELECT count(*) FROM resident_unit_resources r WHERE r.unit_id = u.id AND r.active),
	(SELECT count(*) FROM resident_unit_agreements a WHERE a.unit_id = u.id)`

const unitFrom = ` FROM resident_units u JOIN divisions d ON d.code = u.division_code`

func scanUnit(r scanner) (*ResidentUnit, string, error) {
	var u ResidentUnit
	var sealed string
	err := r.Scan(&u.ID, &u.DivisionCode, &u.DivisionName, &u.Name, &u.Kind, &u.Address, &sealed, &u.CreatedAt, &u.CreatedBy,
		&u.Resources, &u.Agreements)
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, sealed, err
}

// divisionName reads a division inside the caller's area; ENOTFOUND
// otherwise.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	return name, db.RowErr(err, "residentunit.Store.divisionName: select divisions", "residentunit.division_not_found", code)
}

// exists reports whether a row exists at all; for auditing refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	q := `SELECT count(*) FROM resident_units WHERE id = $1`
	if table == "resident_unit_resources" {
		q = `SELECT count(*) FROM resident_unit_resources WHERE id = $1`
	}
	_ = s.DB.Q(ctx).QueryRowContext(ctx, q, id).Scan(&n)
	return n > 0
}

func (s *Store) nameTaken(ctx context.Context, code, name string) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM resident_units WHERE division_code = $1 AND name = $2`, code, name).Scan(&n)
	if err != nil {
		return false, errs.Internal("residentunit.Store.nameTaken: select", err)
	}
	return n > 0, nil
}

func (s *Store) insertUnit(ctx context.Context, in *ResidentUnitInput, sealed, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO resident_units (division_code, name, kind, address, contact_sealed, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, in.DivisionCode, in.Name, in.Kind, in.Address, sealed, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("residentunit.Store.insertUnit: insert resident_units", err)
	}
	return id, nil
}

// unit reads a unit inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) unit(ctx context.Context, id int64) (*ResidentUnit, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, "", err
	}
	lock := ""
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF u"
	}
	u, sealed, err := scanUnit(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+unitCols+unitFrom+
		` WHERE u.id = $1 AND u.division_code BETWEEN $2 AND $3`+lock, id, lo, hi))
	if err != nil {
		return nil, "", db.RowErr(err, "residentunit.Store.unit: select", "residentunit.not_found", id)
	}
	return u, sealed, nil
}

func (s *Store) where(ctx context.Context, f Filter) (string, []any, error) {
	w, err := division.Scoped(ctx, "u.division_code")
	if err != nil {
		return "", nil, err
	}
	w.Under("u.division_code", f.Division)
	w.Equal("u.kind", f.Kind)
	if f.Q != "" {
		w.Add("u.name " + s.DB.ILike() + " " + w.Arg(db.Contains(f.Q)) + ` ESCAPE '\'`)
	}
	return w.SQL(), w.Args, nil
}

// list reads one page of units with their sealed contacts.
func (s *Store) list(ctx context.Context, f Filter, fn func(*ResidentUnit, string) error) (bool, error) {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return false, err
	}
	q := `SELECT ` + unitCols + unitFrom + w + ` ORDER BY u.division_code, u.name, u.id`
	n, per := 0, -1
	if f.Page > 0 {
		_, per = db.Paging(f.Page, f.PerPage)
		args = db.PageArgs(args, f.Page, f.PerPage)
		q += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return false, errs.Internal("residentunit.Store.list: select", err)
	}
	defer rows.Close()
	more := false
	for rows.Next() {
		u, sealed, err := scanUnit(rows)
		if err != nil {
			return false, errs.Internal("residentunit.Store.list: scan", err)
		}
		if n++; per >= 0 && n > per {
			more = true
			break
		}
		if err := fn(u, sealed); err != nil {
			return false, err
		}
	}
	if err := rows.Err(); err != nil {
		return false, errs.Internal("residentunit.Store.list: rows", err)
	}
	return more, nil
}

// ---- agreements

func (s *Store) insertAgreement(ctx context.Context, unitID int64, in *UnitAgreementInput, blob *int64, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO resident_unit_agreements (unit_id, title, content, signed_on, starts_on, ends_on,
		copy_blob, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
		unitID, in.Title, in.Content, in.SignedOn, in.StartsOn, in.EndsOn, blob, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("residentunit.Store.insertAgreement: insert", err)
	}
	return id, nil
}

// agreements reads a unit's agreements, newest first (the unit was read
// inside the caller's area before).
func (s *Store) agreements(ctx context.Context, unitID int64, today string) ([]UnitAgreement, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, unit_id, title, content, signed_on, starts_on, ends_on, copy_blob, created_at, created_by
		FROM resident_unit_agreements WHERE unit_id = $1 ORDER BY starts_on DESC, id DESC`, unitID)
	if err != nil {
		return nil, errs.Internal("residentunit.Store.agreements: select", err)
	}
	defer rows.Close()
	out := []UnitAgreement{}
	for rows.Next() {
		var a UnitAgreement
		if err := rows.Scan(&a.ID, &a.UnitID, &a.Title, &a.Content, &a.SignedOn, &a.StartsOn, &a.EndsOn, &a.copyBlob, &a.CreatedAt,
			&a.CreatedBy); err != nil {
			return nil, errs.Internal("residentunit.Store.agreements: scan", err)
		}
		a.CreatedAt, a.HasCopy = a.CreatedAt.UTC(), a.copyBlob != nil
		a.Current = a.StartsOn <= today && (a.EndsOn == "" || a.EndsOn >= today)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("residentunit.Store.agreements: rows", err)
	}
	return out, nil
}

// ---- resources

const resourceCols = `r.id, r.unit_id, u.name, r.division_code, COALESCE(d.name, ''), r.name, r.kind, r.serves, r.hours, r.capacity,
	r.details, r.active, r.contact_sealed`

const resourceFrom = ` FROM resident_unit_resources r JOIN resident_units u ON u.id = r.unit_id JOIN divisions d ON d.code = r.division_code`

func scanResource(r scanner) (*UnitResource, string, error) {
	var x UnitResource
	var sealed string
	err := r.Scan(&x.ID, &x.UnitID, &x.Unit, &x.DivisionCode, &x.DivisionName, &x.Name, &x.Kind, &x.Serves, &x.Hours, &x.Capacity,
		&x.Details, &x.Active, &sealed)
	return &x, sealed, err
}

func (s *Store) insertResource(ctx context.Context, u *ResidentUnit, in *UnitResourceInput, sealed, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO resident_unit_resources (unit_id, division_code, name, contact_sealed, kind, serves,
		hours, capacity, details, active, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) RETURNING id`,
		u.ID, u.DivisionCode, in.Name, sealed, in.Kind, in.Serves, in.Hours, in.Capacity, in.Details, true, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("residentunit.Store.insertResource: insert", err)
	}
	return id, nil
}

// resource reads a unit's active resource inside the caller's area;
// ENOTFOUND otherwise.
func (s *Store) resource(ctx context.Context, unitID, id int64) (*UnitResource, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	x, _, err := scanResource(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+resourceCols+resourceFrom+
		` WHERE r.id = $1 AND r.unit_id = $2 AND r.active AND r.division_code BETWEEN $3 AND $4`, id, unitID, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "residentunit.Store.resource: select", "residentunit.resource_not_found", id)
	}
	return x, nil
}

func (s *Store) withdrawResource(ctx context.Context, id int64) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE resident_unit_resources SET active = $1 WHERE id = $2`, false, id); err != nil {
		return errs.Internal("residentunit.Store.withdrawResource: update", err)
	}
	return nil
}

// resources reads the resources of one unit (unitID > 0) or the active
// ones at or under code, inside the caller's area, with sealed contacts.
func (s *Store) resources(ctx context.Context, unitID int64, code string, fn func(*UnitResource, string) error) error {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return err
	}
	args := []any{lo, hi}
	q := `SELECT ` + resourceCols + resourceFrom + ` WHERE r.division_code BETWEEN $1 AND $2`
	if unitID > 0 {
		args = append(args, unitID)
		q += ` AND r.unit_id = $3 ORDER BY r.active DESC, r.name, r.id`
	} else {
		clo, chi := division.Code(code).Range()
		args = append(args, clo, chi, true)
		q += ` AND r.division_code BETWEEN $3 AND $4 AND r.active = $5 ORDER BY r.division_code, r.name, r.id`
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return errs.Internal("residentunit.Store.resources: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		x, sealed, err := scanResource(rows)
		if err != nil {
			return errs.Internal("residentunit.Store.resources: scan", err)
		}
		if err := fn(x, sealed); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("residentunit.Store.resources: rows", err)
	}
	return nil
}
