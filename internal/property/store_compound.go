package property

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const compoundCols = `x.id, x.community_code, COALESCE(d.name, ''), x.name, x.address, x.households, x.buildings, x.management,
	COALESCE(x.company_id, 0), COALESCE(c.name, ''), x.contract_start, x.contract_end, x.version, x.updated_at, x.updated_by`

const compoundFrom = ` FROM property_compounds x JOIN divisions d ON d.code = x.community_code
	LEFT JOIN property_companies c ON c.id = x.company_id`

func scanCompound(sc scanner) (*PropertyCompound, error) {
	var c PropertyCompound
	err := sc.Scan(&c.ID, &c.CommunityCode, &c.CommunityName, &c.Name, &c.Address, &c.Households, &c.Buildings, &c.Management,
		&c.CompanyID, &c.CompanyName, &c.ContractStart, &c.ContractEnd, &c.Version, &c.UpdatedAt, &c.UpdatedBy)
	c.UpdatedAt = c.UpdatedAt.UTC()
	return &c, err
}

// compound reads a compound inside the caller's area (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) compound(ctx context.Context, id int64) (*PropertyCompound, error) {
	var a args
	cond, err := inArea(ctx, &a, "x.community_code")
	if err != nil {
		return nil, err
	}
	c, err := scanCompound(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+compoundCols+compoundFrom+` WHERE x.id = `+a.add(id)+` AND `+cond+s.lock(ctx, "x"), a...))
	if err != nil {
		return nil, db.RowErr(err, "property.Store.compound: select", "property.compound_not_found", id)
	}
	return c, nil
}

func (s *Store) insertCompound(ctx context.Context, c *PropertyCompound, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO property_compounds (community_code, name, address, households, buildings,
		management, company_id, contract_start, contract_end, version, created_at, updated_at, updated_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,1,$10,$10,$11) RETURNING id`,
		c.CommunityCode, c.Name, c.Address, c.Households, c.Buildings, c.Management, nullID(c.CompanyID), c.ContractStart, c.ContractEnd,
		now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("property.Store.insertCompound: insert", err)
	}
	return id, nil
}

func (s *Store) updateCompound(ctx context.Context, c *PropertyCompound, oldVersion int, actor string, now time.Time) error {
	return s.DB.UpdateOne(ctx, "property.Store.updateCompound: update", `UPDATE property_compounds SET community_code = $1, name = $2, address = $3,
		households = $4, buildings = $5, management = $6, company_id = $7, contract_start = $8, contract_end = $9,
		version = version + 1, updated_at = $10, updated_by = $11 WHERE id = $12 AND version = $13`,
		c.CommunityCode, c.Name, c.Address, c.Households, c.Buildings, c.Management, nullID(c.CompanyID), c.ContractStart, c.ContractEnd,
		now, actor, c.ID, oldVersion)
}

// compoundWhere selects compounds inside the caller's area; company, when
// not 0, those it serves.
func (s *Store) compoundWhere(ctx context.Context, f Filter, company int64) (string, args, error) {
	var a args
	cond, err := inArea(ctx, &a, "x.community_code")
	if err != nil {
		return "", nil, err
	}
	conds := []string{cond}
	if f.Division != "" {
		lo, hi := division.Code(f.Division).Range()
		conds = append(conds, "x.community_code BETWEEN "+a.add(lo)+" AND "+a.add(hi))
	}
	if f.Q != "" {
		like := a.add(db.Contains(f.Q))
		conds = append(conds, "(x.name "+s.DB.ILike()+" "+like+` ESCAPE '\' OR c.name `+s.DB.ILike()+" "+like+` ESCAPE '\')`)
	}
	if company != 0 {
		conds = append(conds, "x.company_id = "+a.add(company))
	}
	return " WHERE " + strings.Join(conds, " AND "), a, nil
}

func (s *Store) compounds(ctx context.Context, f Filter, company int64) ([]PropertyCompound, bool, error) {
	w, a, err := s.compoundWhere(ctx, f, company)
	if err != nil {
		return nil, false, err
	}
	a = db.PageArgs(a, f.Page, f.PerPage)
	n := len(a)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+compoundCols+compoundFrom+w+
		fmt.Sprintf(` ORDER BY x.community_code, x.name, x.id LIMIT $%d OFFSET $%d`, n-1, n), a...)
	if err != nil {
		return nil, false, errs.Internal("property.Store.compounds: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCompound)
	if err != nil {
		return nil, false, errs.Internal("property.Store.compounds: scan", err)
	}
	return out, more, nil
}

func (s *Store) eachCompound(ctx context.Context, f Filter, fn func(*PropertyCompound) error) error {
	w, a, err := s.compoundWhere(ctx, f, 0)
	if err != nil {
		return err
	}
	return s.each(ctx, "property.Store.eachCompound", `SELECT `+compoundCols+compoundFrom+w+` ORDER BY x.community_code, x.name, x.id`, a,
		func(sc scanner) error {
			c, err := scanCompound(sc)
			if err != nil {
				return errs.Internal("property.Store.eachCompound: scan", err)
			}
			return fn(c)
		})
}

// Property requests filed from a compound.

func (s *Store) insertRequest(ctx context.Context, requestID, compoundID, residentID int64, title string, now time.Time) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO property_requests (request_id, compound_id, resident_id, title, created_at)
		VALUES ($1, $2, $3, $4, $5)`, requestID, compoundID, residentID, title, now)
	if err != nil {
		return errs.Internal("property.Store.insertRequest: insert", err)
	}
	return nil
}

// PropertyFiled is a property request a resident filed from a compound.
type PropertyFiled struct {
	RequestID    int64     `json:"request_id"`
	CompoundID   int64     `json:"compound_id"`
	CompoundName string    `json:"compound_name"`
	Title        string    `json:"title"`
	CreatedAt    time.Time `json:"created_at"`
}

func (s *Store) myRequests(ctx context.Context, residentID int64, limit int) ([]PropertyFiled, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.request_id, r.compound_id, x.name, r.title, r.created_at FROM property_requests r
		JOIN property_compounds x ON x.id = r.compound_id WHERE r.resident_id = $1 ORDER BY r.request_id DESC LIMIT $2`, residentID, limit)
	if err != nil {
		return nil, errs.Internal("property.Store.myRequests: select", err)
	}
	defer rows.Close()
	out := []PropertyFiled{}
	for rows.Next() {
		var m PropertyFiled
		if err := rows.Scan(&m.RequestID, &m.CompoundID, &m.CompoundName, &m.Title, &m.CreatedAt); err != nil {
			return nil, errs.Internal("property.Store.myRequests: scan", err)
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// communityCompounds lists the compounds of one community, for its
// residents (a bounded list: a community has tens of compounds).
func (s *Store) communityCompounds(ctx context.Context, community string) ([]PropertyCompound, error) {
	var out []PropertyCompound
	err := s.each(ctx, "property.Store.communityCompounds", `SELECT `+compoundCols+compoundFrom+` WHERE x.community_code = $1 ORDER BY x.name, x.id LIMIT 500`,
		args{community}, func(sc scanner) error {
			c, err := scanCompound(sc)
			if err != nil {
				return errs.Internal("property.Store.communityCompounds: scan", err)
			}
			out = append(out, *c)
			return nil
		})
	return out, err
}

// compoundOf reads a compound by id without an area (its community is
// checked by the caller).
func (s *Store) compoundOf(ctx context.Context, id int64) (*PropertyCompound, error) {
	c, err := scanCompound(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+compoundCols+compoundFrom+` WHERE x.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "property.Store.compoundOf: select", "property.compound_not_found", id)
	}
	return c, nil
}
