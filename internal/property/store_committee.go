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

const committeeCols = `m.id, m.kind, m.division_code, COALESCE(d.name, ''), COALESCE(m.compound_id, 0), COALESCE(x.name, ''),
	m.name, m.term_start, m.term_end`

const committeeFrom = ` FROM property_committees m JOIN divisions d ON d.code = m.division_code
	LEFT JOIN property_compounds x ON x.id = m.compound_id`

func scanCommittee(sc scanner) (*PropertyCommittee, error) {
	var c PropertyCommittee
	err := sc.Scan(&c.ID, &c.Kind, &c.DivisionCode, &c.DivisionName, &c.CompoundID, &c.CompoundName, &c.Name, &c.TermStart, &c.TermEnd)
	c.Members = []PropertyMember{}
	return &c, err
}

func (s *Store) committee(ctx context.Context, id int64) (*PropertyCommittee, error) {
	var a args
	cond, err := inArea(ctx, &a, "m.division_code")
	if err != nil {
		return nil, err
	}
	c, err := scanCommittee(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+committeeCols+committeeFrom+` WHERE m.id = `+a.add(id)+` AND `+cond, a...))
	if err != nil {
		return nil, db.RowErr(err, "property.Store.committee: select", "property.committee_not_found", id)
	}
	return c, nil
}

func (s *Store) members(ctx context.Context, committee int64) ([]PropertyMember, error) {
	out := []PropertyMember{}
	err := s.each(ctx, "property.Store.members", `SELECT id, name, role FROM property_committee_members WHERE committee_id = $1 ORDER BY id LIMIT 500`,
		args{committee}, func(sc scanner) error {
			var m PropertyMember
			if err := sc.Scan(&m.ID, &m.Name, &m.Role); err != nil {
				return errs.Internal("property.Store.members: scan", err)
			}
			out = append(out, m)
			return nil
		})
	return out, err
}

func (s *Store) insertCommittee(ctx context.Context, in *PropertyCommitteeInput, code, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO property_committees (kind, division_code, compound_id, name, term_start, term_end,
		created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
		in.Kind, code, nullID(in.CompoundID), in.Name, in.TermStart, in.TermEnd, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("property.Store.insertCommittee: insert", err)
	}
	return id, nil
}

func (s *Store) insertMember(ctx context.Context, committee int64, in *PropertyMemberInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO property_committee_members (committee_id, name, role, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5) RETURNING id`, committee, in.Name, in.Role, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("property.Store.insertMember: insert", err)
	}
	return id, nil
}

func (s *Store) committees(ctx context.Context, f Filter, today string, ended bool) ([]PropertyCommittee, bool, error) {
	var a args
	cond, err := inArea(ctx, &a, "m.division_code")
	if err != nil {
		return nil, false, err
	}
	conds := []string{cond}
	if f.Division != "" {
		lo, hi := division.Code(f.Division).Range()
		conds = append(conds, "m.division_code BETWEEN "+a.add(lo)+" AND "+a.add(hi))
	}
	if f.Kind != "" {
		conds = append(conds, "m.kind = "+a.add(f.Kind))
	}
	if f.Q != "" {
		like := a.add(db.Contains(f.Q))
		conds = append(conds, "(m.name "+s.DB.ILike()+" "+like+` ESCAPE '\' OR x.name `+s.DB.ILike()+" "+like+` ESCAPE '\')`)
	}
	if f.CompoundID != 0 {
		conds = append(conds, "m.compound_id = "+a.add(f.CompoundID))
	}
	if ended {
		conds = append(conds, "m.term_end < "+a.add(today))
	}
	a = db.PageArgs(a, f.Page, f.PerPage)
	n := len(a)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+committeeCols+committeeFrom+" WHERE "+strings.Join(conds, " AND ")+
		fmt.Sprintf(` ORDER BY m.division_code, m.kind, m.name, m.id LIMIT $%d OFFSET $%d`, n-1, n), a...)
	if err != nil {
		return nil, false, errs.Internal("property.Store.committees: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCommittee)
	if err != nil {
		return nil, false, errs.Internal("property.Store.committees: scan", err)
	}
	return out, more, nil
}

// Meetings.

const meetingCols = `g.id, g.committee_id, m.name, g.division_code, g.held_on, g.topic, g.attendees, g.resolutions, g.created_by`

func scanMeeting(sc scanner) (*PropertyMeeting, error) {
	var g PropertyMeeting
	err := sc.Scan(&g.ID, &g.CommitteeID, &g.CommitteeName, &g.DivisionCode, &g.HeldOn, &g.Topic, &g.Attendees, &g.Resolutions, &g.CreatedBy)
	return &g, err
}

func (s *Store) insertMeeting(ctx context.Context, c *PropertyCommittee, in *PropertyMeetingInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO property_meetings (committee_id, division_code, held_on, topic, attendees,
		resolutions, created_at, created_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`,
		c.ID, c.DivisionCode, in.HeldOn, in.Topic, in.Attendees, in.Resolutions, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("property.Store.insertMeeting: insert", err)
	}
	return id, nil
}

// meetings lists the joint meetings inside the caller's area, of one
// committee when committee is not 0, newest first.
func (s *Store) meetings(ctx context.Context, committee int64, page, perPage int) ([]PropertyMeeting, bool, error) {
	var a args
	cond, err := inArea(ctx, &a, "g.division_code")
	if err != nil {
		return nil, false, err
	}
	if committee != 0 {
		cond += " AND g.committee_id = " + a.add(committee)
	}
	a = db.PageArgs(a, page, perPage)
	n := len(a)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+meetingCols+` FROM property_meetings g JOIN property_committees m ON m.id = g.committee_id
		WHERE `+cond+fmt.Sprintf(` ORDER BY g.held_on DESC, g.id DESC LIMIT $%d OFFSET $%d`, n-1, n), a...)
	if err != nil {
		return nil, false, errs.Internal("property.Store.meetings: select", err)
	}
	out, more, err := db.Page(rows, perPage, scanMeeting)
	if err != nil {
		return nil, false, errs.Internal("property.Store.meetings: scan", err)
	}
	return out, more, nil
}

// Scores.

// servedCompounds maps each company serving a compound inside the
// caller's area (under code) to its compounds there.
func (s *Store) servedCompounds(ctx context.Context, code string) (map[int64][]int64, map[int64]string, error) {
	var a args
	cond, err := inArea(ctx, &a, "x.community_code")
	if err != nil {
		return nil, nil, err
	}
	lo, hi := division.Code(code).Range()
	cond += " AND x.community_code BETWEEN " + a.add(lo) + " AND " + a.add(hi)
	byCompany, names := map[int64][]int64{}, map[int64]string{}
	err = s.each(ctx, "property.Store.servedCompounds", `SELECT x.company_id, c.name, x.id FROM property_compounds x
		JOIN property_companies c ON c.id = x.company_id WHERE x.management = 'company' AND `+cond+` ORDER BY x.company_id, x.id`, a,
		func(sc scanner) error {
			var company, compound int64
			var name string
			if err := sc.Scan(&company, &name, &compound); err != nil {
				return errs.Internal("property.Store.servedCompounds: scan", err)
			}
			byCompany[company] = append(byCompany[company], compound)
			names[company] = name
			return nil
		})
	return byCompany, names, err
}

// companyUnits maps companies to their handling units (those linked).
func (s *Store) companyUnits(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	var a args
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = a.add(id)
	}
	return db.Map[int64, int64](ctx, s.DB.Q(ctx), "property.Store.companyUnits",
		`SELECT id, unit_id FROM property_companies WHERE unit_id IS NOT NULL AND id IN (`+strings.Join(ph, ", ")+`)`, a...)
}
