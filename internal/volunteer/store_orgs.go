package volunteer

import (
	"context"
	"strconv"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const orgCols = `o.id, o.division_code, COALESCE(d.name, ''), o.name, o.kind,
	(SELECT count(*) FROM volunteer_org_members m WHERE m.org_id = o.id)`

const orgFrom = ` FROM volunteer_orgs o JOIN divisions d ON d.code = o.division_code`

func scanOrg(sc interface{ Scan(...any) error }) (*Org, error) {
	var o Org
	err := sc.Scan(&o.ID, &o.DivisionCode, &o.DivisionName, &o.Name, &o.Kind, &o.Members)
	return &o, err
}

func (s *Service) orgList(ctx context.Context, where string, args ...any) ([]Org, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+orgCols+orgFrom+` `+where+` ORDER BY o.division_code, o.name LIMIT 500`, args...)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.orgList: select", err)
	}
	defer rows.Close()
	out := []Org{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.orgList: select", err)
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// org reads an organisation. ENOTFOUND when there is none.
func (s *Service) org(ctx context.Context, id int64) (*Org, error) {
	o, err := scanOrg(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+orgCols+orgFrom+` WHERE o.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "volunteer.Service.org: select", "volunteer.org_not_found", id)
	}
	return o, nil
}

// orgsIn lists the organisations in [lo, hi] and at the divisions above
// (500 at most), by division and name.
func (s *Service) orgsIn(ctx context.Context, lo, hi string, above []string) ([]Org, error) {
	args := []any{lo, hi}
	where := `WHERE o.division_code BETWEEN $1 AND $2`
	for _, a := range above {
		args = append(args, a)
		where += ` OR o.division_code = $` + strconv.Itoa(len(args))
	}
	return s.orgList(ctx, where, args...)
}

// ledBy lists the organisations a volunteer leads.
func (s *Service) ledBy(ctx context.Context, volunteerID int64) ([]Org, error) {
	return s.orgList(ctx, `WHERE o.id IN (SELECT org_id FROM volunteer_org_members WHERE volunteer_id = $1 AND lead)`, volunteerID)
}

// divisionExists reports whether code is in the tree.
func (s *Service) divisionExists(ctx context.Context, code string) bool {
	return s.exists(ctx, `SELECT count(*) FROM divisions WHERE code = $1`, code)
}

// insertOrg stores a new organisation and returns its id; EINVALID when
// its name is taken.
func (s *Service) insertOrg(ctx context.Context, in OrgInput, at time.Time, by string) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_orgs (division_code, name, kind, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.DivisionCode, in.Name, in.Kind, at, by).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Invalid(errs.Field("name", "volunteer.org_exists"))
	}
	if err != nil {
		return 0, errs.Internal("volunteer.Service.insertOrg: insert volunteer_orgs", err)
	}
	return id, nil
}

// setMember adds a volunteer to an organisation or sets whether they lead.
func (s *Service) setMember(ctx context.Context, orgID, volunteerID int64, lead bool, at time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_org_members (org_id, volunteer_id, lead, joined_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, volunteer_id) DO UPDATE SET lead = excluded.lead`, orgID, volunteerID, lead, at); err != nil {
		return errs.Internal("volunteer.Service.setMember: insert volunteer_org_members", err)
	}
	return nil
}

// membersOf lists an organisation's members, leads first.
func (s *Service) membersOf(ctx context.Context, orgID int64) ([]Member, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT m.volunteer_id, v.name, m.lead FROM volunteer_org_members m JOIN volunteers v ON v.id = m.volunteer_id
		WHERE m.org_id = $1 ORDER BY m.lead DESC, v.name LIMIT 2000`, orgID)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.membersOf: select volunteer_org_members", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.VolunteerID, &m.Name, &m.Lead); err != nil {
			return nil, errs.Internal("volunteer.Service.membersOf: select volunteer_org_members", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// leads reports whether a volunteer leads an organisation.
func (s *Service) leads(ctx context.Context, orgID, volunteerID int64) bool {
	return s.exists(ctx, `SELECT count(*) FROM volunteer_org_members WHERE org_id = $1 AND volunteer_id = $2 AND lead`, orgID, volunteerID)
}
