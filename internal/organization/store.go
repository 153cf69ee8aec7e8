package organization

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the organisation slice. Every read and write is
// bounded by the caller's area, taken from the principal in ctx.
type Store struct{ DB *db.DB }

const cols = `o.id, o.division_code, COALESCE(d.name, ''), o.name, o.registration, o.registration_number, o.type,
	o.full_time_staff, o.incubation_base, o.status, COALESCE(o.deregistered_on, ''), o.version, o.updated_at, o.updated_by`

const from = ` FROM organizations o JOIN divisions d ON d.code = o.division_code`

func scan(s interface{ Scan(...any) error }) (*Organization, error) {
	var o Organization
	err := s.Scan(&o.ID, &o.DivisionCode, &o.DivisionName, &o.Name, &o.Registration, &o.RegistrationNumber, &o.Type,
		&o.FullTimeStaff, &o.IncubationBase, &o.Status, &o.DeregisteredOn, &o.Version, &o.UpdatedAt, &o.UpdatedBy)
	o.UpdatedAt = o.UpdatedAt.UTC()
	return &o, err
}

// get reads an organisation inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) get(ctx context.Context, id int64) (*Organization, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	o, err := scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+from+` WHERE o.id = $1 AND o.division_code BETWEEN $2 AND $3`+s.DB.LockOf(ctx, "o"), id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "organization.Store.get: select", "organization.not_found", id)
	}
	return o, nil
}

// exists reports whether an organisation exists at all; for auditing
// refusals only.
func (s *Store) exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "organizations", id)
}

// division returns the level of a division inside the caller's area (a
// county, township or community); ENOTFOUND otherwise.
func (s *Store) division(ctx context.Context, code string) (int, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, err
	}
	var level int
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&level)
	return level, db.RowErr(err, "organization.Store.division: select divisions", "organization.division_not_found", code)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (s *Store) insert(ctx context.Context, o *Organization, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO organizations (division_code, name, registration, registration_number, type,
		full_time_staff, incubation_base, status, deregistered_on, version, created_at, updated_at, updated_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1,$10,$10,$11) RETURNING id`,
		o.DivisionCode, o.Name, o.Registration, o.RegistrationNumber, o.Type, o.FullTimeStaff, o.IncubationBase, o.Status,
		nullable(o.DeregisteredOn), now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("organization.Store.insert: insert organizations", err)
	}
	return id, nil
}

func (s *Store) update(ctx context.Context, o *Organization, oldVersion int, actor string, now time.Time) error {
	return s.DB.UpdateOne(ctx, "organization.Store.update: update organizations", `UPDATE organizations SET division_code = $1, name = $2, registration = $3,
		registration_number = $4, type = $5, full_time_staff = $6, incubation_base = $7, status = $8, deregistered_on = $9,
		version = version + 1, updated_at = $10, updated_by = $11 WHERE id = $12 AND version = $13`,
		o.DivisionCode, o.Name, o.Registration, o.RegistrationNumber, o.Type, o.FullTimeStaff, o.IncubationBase, o.Status,
		nullable(o.DeregisteredOn), now, actor, o.ID, oldVersion)
}

func (s *Store) where(ctx context.Context, f Filter) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	w := db.Within("o.division_code", lo, hi)
	arg := w.Arg
	if f.Division != "" {
		dlo, dhi := division.Code(f.Division).Range()
		w.Between("o.division_code", dlo, dhi)
	}
	if f.Q != "" {
		like := arg(db.Contains(f.Q))
		w.Add("(o.name " + s.DB.ILike() + " " + like + ` ESCAPE '\' OR o.registration_number = ` + arg(f.Q) + ")")
	}
	if f.Type != "" {
		w.Add("o.type = " + arg(f.Type))
	}
	if f.Status != "" {
		w.Add("o.status = " + arg(f.Status))
	}
	return w.SQL(), w.Args, nil
}

func (s *Store) list(ctx context.Context, f Filter) ([]Organization, bool, error) {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+
		fmt.Sprintf(` ORDER BY o.division_code, o.name, o.id LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("organization.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scan)
	if err != nil {
		return nil, false, errs.Internal("organization.Store.list: select", err)
	}
	return out, more, nil
}

func (s *Store) each(ctx context.Context, f Filter, fn func(Organization) error) error {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return err
	}
	return db.Each(ctx, s.DB.Q(ctx), "organization.Store.each: select", `SELECT `+cols+from+w+` ORDER BY o.division_code, o.name, o.id`, args,
		scan, func(o *Organization) error { return fn(*o) })
}
