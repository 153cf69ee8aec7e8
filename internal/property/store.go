package property

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the property slice. Reads and writes are bounded by
// the caller's area, taken from the principal in ctx; a company is also
// visible below the division it is registered at (a county's company
// serves its communities' compounds).
type Store struct{ DB *db.DB }

type scanner = interface{ Scan(...any) error }

// args collects a query's arguments and numbers their placeholders.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return fmt.Sprintf("$%d", len(*a))
}

// visible is the condition that a company with division column col is
// inside the caller's area or at one of its ancestors.
func visible(ctx context.Context, a *args, col string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	cond := col + " BETWEEN " + a.add(lo) + " AND " + a.add(hi)
	p := auth.From(ctx)
	if p == nil || p.Role == auth.System || !division.ValidCode(p.Area.Code) {
		return "(" + cond + ")", nil
	}
	code := division.Code(p.Area.Code)
	var up []string
	for level := division.Province; level < code.Level(); level++ {
		up = append(up, a.add(code.At(level)))
	}
	if len(up) > 0 {
		cond += " OR " + col + " IN (" + strings.Join(up, ", ") + ")"
	}
	return "(" + cond + ")", nil
}

// inArea is the condition that col is inside the caller's area.
func inArea(ctx context.Context, a *args, col string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	return col + " BETWEEN " + a.add(lo) + " AND " + a.add(hi), nil
}

func (s *Store) lock(ctx context.Context, alias string) string {
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// divisionLevel returns the level of a division inside the caller's area;
// ENOTFOUND otherwise.
func (s *Store) divisionLevel(ctx context.Context, code string) (int, error) {
	var a args
	cond, err := inArea(ctx, &a, "code")
	if err != nil {
		return 0, err
	}
	var level int
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = `+a.add(code)+` AND `+cond, a...).Scan(&level)
	if err != nil {
		return 0, db.RowErr(err, "property.Store.divisionLevel: select divisions", "property.division_not_found", code)
	}
	return level, nil
}

// exists reports whether a row of table with id exists at all; for
// auditing refusals only.
func (s *Store) exists(ctx context.Context, table string, id int64) bool {
	var n int
	_ = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, id).Scan(&n)
	return n > 0
}

// Companies.

const companyCols = `c.id, c.division_code, COALESCE(d.name, ''), c.name, c.credit_code, c.contact_sealed, c.phone_sealed,
	COALESCE(c.unit_id, 0), COALESCE(u.name, ''), (SELECT count(*) FROM property_compounds x WHERE x.company_id = c.id),
	c.version, c.updated_at, c.updated_by`

const companyFrom = ` FROM property_companies c JOIN divisions d ON d.code = c.division_code LEFT JOIN request_units u ON u.id = c.unit_id`

// sealedCompany is a company as stored, its contact still sealed.
type sealedCompany struct {
	PropertyCompany
	contactSealed, phoneSealed string
}

func scanCompany(sc scanner) (*sealedCompany, error) {
	var c sealedCompany
	err := sc.Scan(&c.ID, &c.DivisionCode, &c.DivisionName, &c.Name, &c.CreditCode, &c.contactSealed, &c.phoneSealed,
		&c.UnitID, &c.UnitName, &c.Compounds, &c.Version, &c.UpdatedAt, &c.UpdatedBy)
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, err
}

// company reads a company visible to the caller (locked in a transaction
// when edit, which also requires it inside the caller's area).
func (s *Store) company(ctx context.Context, id int64, edit bool) (*sealedCompany, error) {
	var a args
	where := visible
	if edit {
		where = inArea
	}
	cond, err := where(ctx, &a, "c.division_code")
	if err != nil {
		return nil, err
	}
	lock := ""
	if edit {
		lock = s.lock(ctx, "c")
	}
	c, err := scanCompany(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+companyCols+companyFrom+` WHERE c.id = `+a.add(id)+` AND `+cond+lock, a...))
	if err != nil {
		return nil, db.RowErr(err, "property.Store.company: select", "property.company_not_found", id)
	}
	return c, nil
}

// CompanyUnit is the handling unit of the company serving a compound
// (0 when self-managed or unlinked) and the compound's community; read
// without an area, for routing a request already checked by the request
// slice.
func (s *Store) CompanyUnit(ctx context.Context, compoundID int64) (community string, unit int64, err error) {
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT x.community_code, COALESCE(c.unit_id, 0) FROM property_compounds x
		LEFT JOIN property_companies c ON c.id = x.company_id WHERE x.id = $1`, compoundID).Scan(&community, &unit)
	if err != nil {
		return "", 0, db.RowErr(err, "property.Store.CompanyUnit: select", "property.compound_not_found", compoundID)
	}
	return community, unit, nil
}

func (s *Store) creditCodeTaken(ctx context.Context, code string, except int64) (bool, error) {
	var n int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM property_companies WHERE credit_code = $1 AND id <> $2`, code, except).Scan(&n)
	if err != nil {
		return false, errs.Internal("property.Store.creditCodeTaken: select", err)
	}
	return n > 0, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *Store) insertCompany(ctx context.Context, c *PropertyCompany, contact, phone, index, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO property_companies (division_code, name, credit_code, contact_sealed,
		phone_sealed, phone_index, unit_id, version, created_at, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,1,$8,$8,$9) RETURNING id`,
		c.DivisionCode, c.Name, c.CreditCode, contact, phone, index, nullID(c.UnitID), now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("property.Store.insertCompany: insert", err)
	}
	return id, nil
}

func (s *Store) updateCompany(ctx context.Context, c *PropertyCompany, contact, phone, index string, oldVersion int, actor string, now time.Time) error {
	return s.DB.UpdateOne(ctx, "property.Store.updateCompany: update", `UPDATE property_companies SET division_code = $1, name = $2, credit_code = $3,
		contact_sealed = $4, phone_sealed = $5, phone_index = $6, unit_id = $7, version = version + 1, updated_at = $8, updated_by = $9
		WHERE id = $10 AND version = $11`,
		c.DivisionCode, c.Name, c.CreditCode, contact, phone, index, nullID(c.UnitID), now, actor, c.ID, oldVersion)
}

// companyWhere selects companies visible to the caller; phoneIndex, when
// not empty, is the blind index of a phone searched for exactly.
func (s *Store) companyWhere(ctx context.Context, f Filter, phoneIndex string) (string, args, error) {
	var a args
	cond, err := visible(ctx, &a, "c.division_code")
	if err != nil {
		return "", nil, err
	}
	conds := []string{cond}
	if f.Division != "" {
		lo, hi := division.Code(f.Division).Range()
		conds = append(conds, "c.division_code BETWEEN "+a.add(lo)+" AND "+a.add(hi))
	}
	if f.Q != "" {
		q := "c.name " + s.DB.ILike() + " " + a.add(db.Contains(f.Q)) + ` ESCAPE '\' OR c.credit_code = ` + a.add(strings.ToUpper(f.Q))
		if phoneIndex != "" {
			q += " OR c.phone_index = " + a.add(phoneIndex)
		}
		conds = append(conds, "("+q+")")
	}
	return " WHERE " + strings.Join(conds, " AND "), a, nil
}

func (s *Store) companies(ctx context.Context, f Filter, phoneIndex string) ([]sealedCompany, bool, error) {
	w, a, err := s.companyWhere(ctx, f, phoneIndex)
	if err != nil {
		return nil, false, err
	}
	a = db.PageArgs(a, f.Page, f.PerPage)
	n := len(a)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+companyCols+companyFrom+w+
		fmt.Sprintf(` ORDER BY c.name, c.id LIMIT $%d OFFSET $%d`, n-1, n), a...)
	if err != nil {
		return nil, false, errs.Internal("property.Store.companies: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCompany)
	if err != nil {
		return nil, false, errs.Internal("property.Store.companies: scan", err)
	}
	return out, more, nil
}

func (s *Store) eachCompany(ctx context.Context, f Filter, phoneIndex string, fn func(*sealedCompany) error) error {
	w, a, err := s.companyWhere(ctx, f, phoneIndex)
	if err != nil {
		return err
	}
	return s.each(ctx, "property.Store.eachCompany", `SELECT `+companyCols+companyFrom+w+` ORDER BY c.name, c.id`, a, func(sc scanner) error {
		c, err := scanCompany(sc)
		if err != nil {
			return errs.Internal("property.Store.eachCompany: scan", err)
		}
		return fn(c)
	})
}

// each runs fn on every row of a query.
func (s *Store) each(ctx context.Context, op, query string, a args, fn func(scanner) error) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, query, a...)
	if err != nil {
		return errs.Internal(op+": select", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal(op+": select", err)
	}
	return nil
}

// companyByCode finds a company visible to the caller by its credit code.
func (s *Store) companyByCode(ctx context.Context, code string) (int64, error) {
	var a args
	cond, err := visible(ctx, &a, "c.division_code")
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT c.id FROM property_companies c WHERE c.credit_code = `+a.add(strings.ToUpper(strings.TrimSpace(code)))+` AND `+cond, a...).Scan(&id)
	if err != nil {
		return 0, db.RowErr(err, "property.Store.companyByCode: select", "property.company_code_unknown", code)
	}
	return id, nil
}
