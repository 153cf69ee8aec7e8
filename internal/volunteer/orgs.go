package volunteer

import (
	"context"
	"slices"
	"strings"

	"shequ/internal/division"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Org returns an organisation. Organisations are public: any signed-in
// caller may read one (a certificate names the organisation that recorded
// the hours). Errors: ENOTFOUND, EUNAUTHORIZED.
func (s *Service) Org(ctx context.Context, id int64) (*Org, error) {
	if _, err := auth.Must(ctx); err != nil {
		return nil, err
	}
	return s.org(ctx, id)
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
	return s.orgsIn(ctx, lo, hi, nil)
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
		var above []string
		if p.Area.Code != "" {
			above = ancestors(p.Area.Code)
		}
		return s.orgsIn(ctx, lo, hi, above)
	}
	me, err := s.myVolunteer(ctx)
	if err != nil || me == 0 {
		return []Org{}, err
	}
	return s.ledBy(ctx, me)
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
	if !division.ValidCode(in.DivisionCode) || !inScope(ctx, in.DivisionCode) || !s.divisionExists(ctx, in.DivisionCode) {
		bad.Add("division_code", "volunteer.division_not_found", in.DivisionCode)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if id, err = s.insertOrg(ctx, in, s.now(), p.Name); err != nil {
			return err
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
		if err := s.setMember(ctx, orgID, volunteerID, lead, s.now()); err != nil {
			return err
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
	return s.membersOf(ctx, orgID)
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
	return s.leads(ctx, orgID, me), nil
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
