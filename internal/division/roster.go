package division

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/xlsx"
)

// RosterEditRoles add, change and end the members of a community's
// organisations: its community workers and the staff above it.
var RosterEditRoles = auth.OfficeStaff()

// DateLayout is how terms are written.
const DateLayout = "2006-01-02"

// RosterMember is one member of a part of a community's six-part /
// five-part structure, for one term. The phone is masked when read.
type RosterMember struct {
	ID            int64     `json:"id"`
	DivisionCode  string    `json:"division_code"`
	CommunityName string    `json:"community_name"`
	Part          string    `json:"part"`
	Name          string    `json:"name"`
	Position      string    `json:"position" doc:"e.g. 书记, 主任, 委员, 楼门长"`
	Phone         string    `json:"phone,omitempty" doc:"masked"`
	TermStart     string    `json:"term_start" doc:"YYYY-MM-DD"`
	TermEnd       string    `json:"term_end,omitempty" doc:"YYYY-MM-DD; empty while the term is open"`
	Ended         bool      `json:"ended" doc:"the term's end is past"`
	Note          string    `json:"note,omitempty"`
	Version       int       `json:"version"`
	UpdatedAt     time.Time `json:"updated_at"`
	UpdatedBy     string    `json:"updated_by"`
}

// RosterInput is a new member or a member's new values. A phone equal to
// the masked stored one keeps the stored phone.
type RosterInput struct {
	DivisionCode string `json:"division_code,omitempty" doc:"the community; new members only"`
	Part         string `json:"part" doc:"an organisation of the community's structure, e.g. party_branch"`
	Name         string `json:"name" maxLength:"50"`
	Position     string `json:"position" maxLength:"50"`
	Phone        string `json:"phone,omitempty" doc:"11-digit mobile number"`
	TermStart    string `json:"term_start" doc:"YYYY-MM-DD"`
	TermEnd      string `json:"term_end,omitempty" doc:"YYYY-MM-DD; empty for an open term"`
	Note         string `json:"note,omitempty" maxLength:"500"`
	// Version must match the stored one when changing a member.
	Version int `json:"version,omitempty"`
}

// RosterEnd ends a member's term.
type RosterEnd struct {
	TermEnd string `json:"term_end,omitempty" doc:"YYYY-MM-DD; today when empty"`
	Version int    `json:"version" doc:"the version read"`
}

// RosterFilter selects members for a list or an export.
type RosterFilter struct {
	Division string // at or under this division; the caller's area when empty
	Part     string
	Q        string // part of a name or position
	Ended    bool   // ended terms instead of current ones
	Page     int
	PerPage  int
}

func (f *RosterFilter) check() error {
	var fs errs.Fields
	f.Division, f.Part, f.Q = strings.TrimSpace(f.Division), strings.TrimSpace(f.Part), strings.TrimSpace(f.Q)
	if f.Division != "" && !ValidCode(f.Division) {
		fs.Add("division", "division.code_format")
	}
	if f.Part != "" && !slices.Contains(UrbanParts, f.Part) && !slices.Contains(RuralParts, f.Part) {
		fs.Add("part", "division.part_unknown", f.Part)
	}
	if len([]rune(f.Q)) > 50 {
		fs.Add("q", "error.too_long", 50)
	}
	return fs.Err()
}

func validDate(f *errs.Fields, field, v string, required bool) bool {
	if v == "" {
		if required {
			f.Add(field, "error.required")
		}
		return false
	}
	if _, err := time.Parse(DateLayout, v); err != nil {
		f.Add(field, "division.date_invalid")
		return false
	}
	return true
}

// check validates a member of a community of kind; masked is the stored
// phone as shown, which the input may give back unchanged.
func (in *RosterInput) check(kind, masked string) errs.Fields {
	var f errs.Fields
	for _, p := range []*string{&in.DivisionCode, &in.Part, &in.Name, &in.Position, &in.Phone, &in.TermStart, &in.TermEnd, &in.Note} {
		*p = strings.TrimSpace(*p)
	}
	if !slices.Contains(PartsFor(kind), in.Part) {
		f.Add("part", "division.part_unknown", in.Part)
	}
	for _, t := range []struct {
		field, v string
		max      int
	}{{"name", in.Name, 50}, {"position", in.Position, 50}} {
		if t.v == "" {
			f.Add(t.field, "error.required")
		} else if len([]rune(t.v)) > t.max {
			f.Add(t.field, "error.too_long", t.max)
		}
	}
	if len([]rune(in.Note)) > 500 {
		f.Add("note", "error.too_long", 500)
	}
	if in.Phone != "" && (masked == "" || in.Phone != masked) && !idcard.ValidMobile(in.Phone) {
		f.Add("phone", "division.bad_phone")
	}
	okStart := validDate(&f, "term_start", in.TermStart, true)
	okEnd := validDate(&f, "term_end", in.TermEnd, false)
	if okStart && okEnd && in.TermEnd < in.TermStart {
		f.Add("term_end", "division.end_before_start")
	}
	return f
}

func (s *Service) today() string { return s.Now().Format(DateLayout) }

// community reads a community the caller may act on with roles; EINVALID
// when code is not a community, ENOTFOUND outside the area.
func (s *Service) community(ctx context.Context, code string, roles []auth.Role) (*Division, error) {
	d, err := s.get(ctx, code, roles)
	if err != nil {
		return nil, err
	}
	if d.Level != Community {
		return nil, errs.Invalid(errs.Field("division_code", "division.not_community"))
	}
	return d, nil
}

// Roster lists members inside the caller's area. Errors: EINVALID,
// ENOTFOUND (a division outside the area), EFORBIDDEN.
func (s *Service) Roster(ctx context.Context, f RosterFilter) ([]RosterMember, bool, error) {
	if _, err := auth.Require(ctx, ProfileReadRoles...); err != nil {
		return nil, false, err
	}
	if err := f.check(); err != nil {
		return nil, false, err
	}
	if f.Division != "" {
		if _, err := s.get(ctx, f.Division, ProfileReadRoles); err != nil {
			return nil, false, err
		}
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.Roster(ctx, f, s.today())
}

// RosterMember reads one member inside the caller's area. Errors:
// ENOTFOUND, EFORBIDDEN.
func (s *Service) RosterMember(ctx context.Context, id int64) (*RosterMember, error) {
	if _, err := auth.Require(ctx, ProfileReadRoles...); err != nil {
		return nil, err
	}
	m, _, err := s.Store.RosterMember(ctx, id, s.today())
	return m, err
}

// AddRosterMember adds a member to a part of a community, audited.
// Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) AddRosterMember(ctx context.Context, in RosterInput) (*RosterMember, error) {
	var out *RosterMember
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := auth.Require(ctx, RosterEditRoles...); err != nil {
			return err
		}
		in.DivisionCode = strings.TrimSpace(in.DivisionCode)
		if !ValidCode(in.DivisionCode) {
			return errs.Invalid(errs.Field("division_code", "division.code_format"))
		}
		d, err := s.community(ctx, in.DivisionCode, RosterEditRoles)
		if err != nil {
			return err
		}
		if err := in.check(d.Kind, "").Err(); err != nil {
			return err
		}
		phone, err := s.seal(in.Phone)
		if err != nil {
			return err
		}
		p := auth.From(ctx)
		id, err := s.Store.AddRosterMember(ctx, &in, phone, p.Name, s.Now().UTC())
		if err != nil {
			return err
		}
		if out, _, err = s.Store.RosterMember(ctx, id, s.today()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "division.roster.add", ObjectType: "roster_member", ObjectID: itoa(id),
			Detail: rosterDetail(out)})
	})
	return out, err
}

// UpdateRosterMember changes a member if in.Version is still the stored
// one, audited. Errors: EINVALID, ECONFLICT, ENOTFOUND, EFORBIDDEN.
func (s *Service) UpdateRosterMember(ctx context.Context, id int64, in RosterInput) (*RosterMember, error) {
	var out *RosterMember
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := auth.Require(ctx, RosterEditRoles...); err != nil {
			return err
		}
		before, sealed, err := s.Store.RosterMember(ctx, id, s.today())
		if err != nil {
			return err
		}
		d, err := s.community(ctx, before.DivisionCode, RosterEditRoles)
		if err != nil {
			return err
		}
		in.DivisionCode = before.DivisionCode
		if err := in.check(d.Kind, before.Phone).Err(); err != nil {
			return err
		}
		if in.Version != before.Version {
			return errs.Conflict("error.conflict")
		}
		if in.Phone != before.Phone || in.Phone == "" {
			if sealed, err = s.seal(in.Phone); err != nil {
				return err
			}
		}
		if err := s.Store.UpdateRosterMember(ctx, id, &in, sealed, auth.From(ctx).Name, s.Now().UTC()); err != nil {
			return err
		}
		if out, _, err = s.Store.RosterMember(ctx, id, s.today()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "division.roster.update", ObjectType: "roster_member", ObjectID: itoa(id),
			Detail: map[string]any{"before": rosterDetail(before), "after": rosterDetail(out)}})
	})
	return out, err
}

// EndRosterMember ends a member's term (today unless given), audited.
// Errors as UpdateRosterMember.
func (s *Service) EndRosterMember(ctx context.Context, id int64, end RosterEnd) (*RosterMember, error) {
	var out *RosterMember
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := auth.Require(ctx, RosterEditRoles...); err != nil {
			return err
		}
		m, _, err := s.Store.RosterMember(ctx, id, s.today())
		if err != nil {
			return err
		}
		if _, err := s.community(ctx, m.DivisionCode, RosterEditRoles); err != nil {
			return err
		}
		end.TermEnd = strings.TrimSpace(end.TermEnd)
		if end.TermEnd == "" {
			end.TermEnd = s.today()
		}
		var f errs.Fields
		if validDate(&f, "term_end", end.TermEnd, true) && end.TermEnd < m.TermStart {
			f.Add("term_end", "division.end_before_start")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if end.Version != m.Version {
			return errs.Conflict("error.conflict")
		}
		if err := s.Store.EndRosterMember(ctx, id, end.TermEnd, m.Version, auth.From(ctx).Name, s.Now().UTC()); err != nil {
			return err
		}
		if out, _, err = s.Store.RosterMember(ctx, id, s.today()); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "division.roster.end", ObjectType: "roster_member", ObjectID: itoa(id),
			Detail: map[string]any{"term_end": end.TermEnd, "before": m.TermEnd}})
	})
	return out, err
}

// PartRoster is one part of a community's structure: its organisation as
// the profile keeps it (if it exists) and its current members.
type PartRoster struct {
	Part    string
	Org     *Organisation
	Members []RosterMember
}

// partRosters lays out a community's parts with their current members.
func (s *Service) partRosters(ctx context.Context, d *Division, p *Profile) ([]PartRoster, error) {
	members, err := s.Store.CurrentRoster(ctx, d.Code, s.today())
	if err != nil {
		return nil, err
	}
	var out []PartRoster
	for _, part := range PartsFor(d.Kind) {
		pr := PartRoster{Part: part, Members: members[part]}
		for i := range p.Organisations {
			if p.Organisations[i].Part == part {
				pr.Org = &p.Organisations[i]
			}
		}
		out = append(out, pr)
	}
	return out, nil
}

// RosterSheet is the export's columns.
var RosterSheet = &xlsx.Spec{SheetZh: "组织成员", SheetEn: "Rosters", Columns: []xlsx.Column{
	{Key: "division_code", Zh: "区划代码", En: "Division code"},
	{Key: "community_name", Zh: "村(社区)", En: "Community"},
	{Key: "part", Zh: "组织", En: "Organisation"},
	{Key: "name", Zh: "姓名", En: "Name"},
	{Key: "position", Zh: "职务", En: "Position"},
	{Key: "phone", Zh: "联系电话", En: "Phone"},
	{Key: "term_start", Zh: "任期开始", En: "Term start"},
	{Key: "term_end", Zh: "任期结束", En: "Term end"},
	{Key: "ended", Zh: "任期已满", En: "Term ended"},
	{Key: "note", Zh: "备注", En: "Note"},
}}

// ExportRoster writes the members the filter selects (every page), phones
// masked, and audits it. Errors as Roster.
func (s *Service) ExportRoster(ctx context.Context, f RosterFilter, w io.Writer) error {
	lang := i18n.From(ctx)
	f.PerPage = db.MaxPerPage
	return RosterSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		for f.Page = 1; ; f.Page++ {
			items, more, err := s.Roster(ctx, f)
			if err != nil {
				return err
			}
			for _, m := range items {
				ended := i18n.T(lang, "layout.no")
				if m.Ended {
					ended = i18n.T(lang, "layout.yes")
				}
				if err := ex.Write(m.DivisionCode, m.CommunityName, i18n.T(lang, "part."+m.Part), pii.MaskName(m.Name), m.Position, m.Phone,
					m.TermStart, m.TermEnd, ended, m.Note); err != nil {
					return err
				}
			}
			if !more {
				return nil
			}
		}
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "division.roster.export", ObjectType: "roster_member", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "division": f.Division, "part": f.Part, "q": f.Q, "ended": f.Ended}})
	})
}

func (s *Service) seal(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	x, err := s.Store.Keys.Seal(v)
	if err != nil {
		return "", errs.Internal("division.Service.seal", err)
	}
	return x, nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func rosterDetail(m *RosterMember) map[string]any {
	return map[string]any{"division_code": m.DivisionCode, "part": m.Part, "name": pii.MaskName(m.Name), "position": m.Position,
		"phone": m.Phone, "term_start": m.TermStart, "term_end": m.TermEnd}
}
