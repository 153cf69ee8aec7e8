package volunteer

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
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

// Org returns an organisation. Organisations are public: any signed-in
// caller may read one (a certificate names the organisation that recorded
// the hours). Errors: ENOTFOUND, EUNAUTHORIZED.
func (s *Service) Org(ctx context.Context, id int64) (*Org, error) {
	if _, err := auth.Must(ctx); err != nil {
		return nil, err
	}
	o, err := scanOrg(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+orgCols+orgFrom+` WHERE o.id = $1`, id))
	if db.IsNoRows(err) {
		return nil, errs.NotFound("volunteer.org_not_found", id)
	}
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Org: select", err)
	}
	return o, nil
}

// Orgs lists the organisations at or under a division (the caller's area
// when empty) and, for a volunteer, the ones they lead. Errors: EINVALID.
func (s *Service) Orgs(ctx context.Context, code string) ([]Org, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if code == "" {
		code = p.Area.Code
	}
	if code == "" {
		code = "000000000000"
	}
	if !division.ValidCode(code) {
		return nil, errs.Invalid(errs.Field("division", "volunteer.code_format"))
	}
	lo, hi := division.RangeOf(code)
	if code == "000000000000" {
		lo, hi = "000000000000", "999999999999"
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+orgCols+orgFrom+` WHERE o.division_code BETWEEN $1 AND $2 ORDER BY o.division_code, o.name LIMIT 500`, lo, hi)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Orgs: select", err)
	}
	defer rows.Close()
	out := []Org{}
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, errs.Internal("volunteer.Service.Orgs: select", err)
		}
		out = append(out, *o)
	}
	return out, rows.Err()
}

// LedOrgs lists the organisations the caller may organise activities for:
// the ones they lead as a volunteer, and for staff every one in their area.
func (s *Service) LedOrgs(ctx context.Context) ([]Org, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	if staff(p) {
		// Staff organise for the organisations in their area and, in
		// their area, for those above it (a township's station).
		lo, hi, _ := auth.Scope(ctx)
		args := []any{lo, hi}
		where := `WHERE o.division_code BETWEEN $1 AND $2`
		if p.Area.Code != "" {
			for _, a := range ancestors(p.Area.Code) {
				args = append(args, a)
				where += ` OR o.division_code = $` + strconv.Itoa(len(args))
			}
		}
		return s.orgList(ctx, where, args...)
	}
	me, err := s.myVolunteer(ctx)
	if err != nil || me == 0 {
		return []Org{}, err
	}
	return s.orgList(ctx, `WHERE o.id IN (SELECT org_id FROM volunteer_org_members WHERE volunteer_id = $1 AND lead)`, me)
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

// CreateOrg creates an organisation at a division in the caller's area.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) CreateOrg(ctx context.Context, in OrgInput) (*Org, error) {
	p, err := auth.Require(ctx, OrgRoles...)
	if err != nil {
		return nil, err
	}
	in.Name, in.DivisionCode = strings.TrimSpace(in.Name), strings.TrimSpace(in.DivisionCode)
	var bad errs.Fields
	switch {
	case in.Name == "":
		bad.Add("name", "error.required")
	case tooLong(in.Name, maxTitle):
		bad.Add("name", "error.too_long", maxTitle)
	}
	if !slices.Contains(OrgKinds, in.Kind) {
		bad.Add("kind", "error.one_of", strings.Join(OrgKinds, ", "))
	}
	if !division.ValidCode(in.DivisionCode) || !inScope(ctx, in.DivisionCode) || !s.exists(ctx, `SELECT count(*) FROM divisions WHERE code = $1`, in.DivisionCode) {
		bad.Add("division_code", "volunteer.division_not_found", in.DivisionCode)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO volunteer_orgs (division_code, name, kind, created_at, created_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, in.DivisionCode, in.Name, in.Kind, s.now(), p.Name).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.Invalid(errs.Field("name", "volunteer.org_exists"))
		}
		if err != nil {
			return errs.Internal("volunteer.Service.CreateOrg: insert volunteer_orgs", err)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.org.create", ObjectType: "volunteer_org", ObjectID: idStr(id), Result: audit.OK,
			Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return s.Org(ctx, id)
}

// orgInScope reads an organisation that staff may manage. ENOTFOUND else.
func (s *Service) orgInScope(ctx context.Context, id int64) (*Org, error) {
	o, err := s.Org(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inScope(ctx, o.DivisionCode) {
		return nil, errs.NotFound("volunteer.org_not_found", id)
	}
	return o, nil
}

// SetMember adds a volunteer to an organisation, or changes whether they
// lead it. Staff of the organisation's area only. Errors: ENOTFOUND,
// EFORBIDDEN.
func (s *Service) SetMember(ctx context.Context, orgID, volunteerID int64, lead bool) error {
	if _, err := auth.Require(ctx, OrgRoles...); err != nil {
		return err
	}
	if _, err := s.orgInScope(ctx, orgID); err != nil {
		return err
	}
	if _, err := s.Volunteer(ctx, volunteerID); err != nil {
		return err
	}
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO volunteer_org_members (org_id, volunteer_id, lead, joined_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, volunteer_id) DO UPDATE SET lead = excluded.lead`, orgID, volunteerID, lead, s.now()); err != nil {
			return errs.Internal("volunteer.Service.SetMember: insert volunteer_org_members", err)
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "volunteer.org.member", ObjectType: "volunteer_org", ObjectID: idStr(orgID), Result: audit.OK,
			Detail: map[string]any{"volunteer_id": volunteerID, "lead": lead}})
	})
}

// Members lists an organisation's members. Staff of its area and its
// leads. Errors: ENOTFOUND, EFORBIDDEN.
func (s *Service) Members(ctx context.Context, orgID int64) ([]Member, error) {
	if ok, err := s.mayOrganise(ctx, orgID); err != nil {
		return nil, err
	} else if !ok {
		return nil, errs.NotFound("volunteer.org_not_found", orgID)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT m.volunteer_id, v.name, m.lead FROM volunteer_org_members m JOIN volunteers v ON v.id = m.volunteer_id
		WHERE m.org_id = $1 ORDER BY m.lead DESC, v.name LIMIT 2000`, orgID)
	if err != nil {
		return nil, errs.Internal("volunteer.Service.Members: select volunteer_org_members", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.VolunteerID, &m.Name, &m.Lead); err != nil {
			return nil, errs.Internal("volunteer.Service.Members: select volunteer_org_members", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// mayOrganise reports whether the caller may organise for an organisation
// (in community, when not empty): staff whose area holds the organisation
// or the community, or a volunteer who leads the organisation.
func (s *Service) mayOrganise(ctx context.Context, orgID int64, community ...string) (bool, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return false, err
	}
	o, err := s.Org(ctx, orgID)
	if err != nil {
		return false, err
	}
	if staff(p) {
		return inScope(ctx, o.DivisionCode) || (len(community) > 0 && inScope(ctx, community[0])), nil
	}
	me, err := s.myVolunteer(ctx)
	if err != nil || me == 0 {
		return false, err
	}
	return s.exists(ctx, `SELECT count(*) FROM volunteer_org_members WHERE org_id = $1 AND volunteer_id = $2 AND lead`, orgID, me), nil
}

// ancestors are the codes of the divisions above code (province first).
func ancestors(code string) []string {
	var out []string
	for _, n := range []int{2, 4, 6, 9} {
		if a := code[:n] + strings.Repeat("0", 12-n); a != code && strings.TrimRight(code[n:], "0") != "" {
			out = append(out, a)
		}
	}
	return out
}
