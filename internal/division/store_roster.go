package division

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

const rosterCols = `m.id, m.division_code, d.name, m.part, m.name, m.position, m.phone_sealed, m.term_start, m.term_end, m.note,
	m.version, m.updated_at, m.updated_by`

// scanRoster reads a member, opening and masking the phone; it returns
// the sealed phone too.
func (s *Store) scanRoster(sc interface{ Scan(...any) error }, today string) (*RosterMember, string, error) {
	var m RosterMember
	var sealed string
	if err := sc.Scan(&m.ID, &m.DivisionCode, &m.CommunityName, &m.Part, &m.Name, &m.Position, &sealed, &m.TermStart, &m.TermEnd,
		&m.Note, &m.Version, &m.UpdatedAt, &m.UpdatedBy); err != nil {
		return nil, "", err
	}
	m.UpdatedAt = m.UpdatedAt.UTC()
	m.Ended = m.TermEnd != "" && m.TermEnd < today
	if sealed != "" {
		phone, err := s.Keys.Open(sealed)
		if err != nil {
			return nil, "", err
		}
		m.Phone = pii.Mask(phone)
	}
	return &m, sealed, nil
}

// Roster lists the members the filter selects inside the caller's area:
// current terms, or ended ones (term_end before today).
func (s *Store) Roster(ctx context.Context, f RosterFilter, today string) ([]RosterMember, bool, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, false, err
	}
	w := db.Within("m.division_code", lo, hi)
	if f.Division != "" {
		flo, fhi := RangeOf(f.Division)
		w.Between("m.division_code", flo, fhi)
	}
	if f.Part != "" {
		w.Add("m.part = " + w.Arg(f.Part))
	}
	if f.Q != "" {
		like := w.Arg(db.Contains(f.Q))
		w.Add(`(m.name LIKE ` + like + ` ESCAPE '\' OR m.position LIKE ` + like + ` ESCAPE '\')`)
	}
	if f.Ended {
		w.Add("m.term_end <> '' AND m.term_end < " + w.Arg(today))
	} else {
		w.Add("(m.term_end = '' OR m.term_end >= " + w.Arg(today) + ")")
	}
	n := len(w.Args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+rosterCols+` FROM roster_members m JOIN divisions d ON d.code = m.division_code`+
		w.SQL()+fmt.Sprintf(` ORDER BY m.division_code, m.part, m.term_start, m.id LIMIT $%d OFFSET $%d`, n+1, n+2),
		db.PageArgs(w.Args, f.Page, f.PerPage)...)
	if err != nil {
		return nil, false, errs.Internal("division.Store.Roster: select roster_members", err)
	}
	out, more, err := db.Page(rows, f.PerPage, func(sc interface{ Scan(...any) error }) (*RosterMember, error) {
		m, _, err := s.scanRoster(sc, today)
		return m, err
	})
	if err != nil {
		return nil, false, errs.Internal("division.Store.Roster: scan", err)
	}
	return out, more, nil
}

// CurrentRoster is a community's members whose terms are open, by part.
func (s *Store) CurrentRoster(ctx context.Context, code, today string) (map[string][]RosterMember, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+rosterCols+` FROM roster_members m JOIN divisions d ON d.code = m.division_code
		WHERE m.division_code = $1 AND (m.term_end = '' OR m.term_end >= $2) ORDER BY m.part, m.term_start, m.id LIMIT 1000`, code, today)
	if err != nil {
		return nil, errs.Internal("division.Store.CurrentRoster: select roster_members", err)
	}
	defer rows.Close()
	out := map[string][]RosterMember{}
	for rows.Next() {
		m, _, err := s.scanRoster(rows, today)
		if err != nil {
			return nil, errs.Internal("division.Store.CurrentRoster: scan", err)
		}
		out[m.Part] = append(out[m.Part], *m)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("division.Store.CurrentRoster: rows", err)
	}
	return out, nil
}

// RosterMember reads a member inside the caller's area with its sealed
// phone; ENOTFOUND otherwise.
func (s *Store) RosterMember(ctx context.Context, id int64, today string) (*RosterMember, string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, "", err
	}
	m, sealed, err := s.scanRoster(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+rosterCols+` FROM roster_members m
		JOIN divisions d ON d.code = m.division_code WHERE m.id = $1 AND m.division_code BETWEEN $2 AND $3`, id, lo, hi), today)
	if err != nil {
		return nil, "", db.RowErr(err, "division.Store.RosterMember: select roster_members", "error.not_found")
	}
	return m, sealed, nil
}

// AddRosterMember inserts a member and returns its id.
func (s *Store) AddRosterMember(ctx context.Context, in *RosterInput, phone, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO roster_members (division_code, part, name, position, phone_sealed,
		term_start, term_end, note, version, updated_at, updated_by) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,1,$9,$10) RETURNING id`,
		in.DivisionCode, in.Part, in.Name, in.Position, phone, in.TermStart, in.TermEnd, in.Note, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("division.Store.AddRosterMember: insert roster_members", err)
	}
	return id, nil
}

// UpdateRosterMember writes a member's values if its version is still
// in.Version; ECONFLICT otherwise.
func (s *Store) UpdateRosterMember(ctx context.Context, id int64, in *RosterInput, phone, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE roster_members SET part=$2, name=$3, position=$4, phone_sealed=$5, term_start=$6,
		term_end=$7, note=$8, version=version+1, updated_at=$9, updated_by=$10 WHERE id=$1 AND version=$11`,
		id, in.Part, in.Name, in.Position, phone, in.TermStart, in.TermEnd, in.Note, now, actor, in.Version)
	return versioned(res, err, "division.Store.UpdateRosterMember: update roster_members")
}

// EndRosterMember sets a member's term end if its version is still
// version; ECONFLICT otherwise.
func (s *Store) EndRosterMember(ctx context.Context, id int64, end string, version int, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE roster_members SET term_end=$2, version=version+1, updated_at=$3, updated_by=$4
		WHERE id=$1 AND version=$5`, id, end, now, actor, version)
	return versioned(res, err, "division.Store.EndRosterMember: update roster_members")
}

func versioned(res sql.Result, err error, op string) error {
	if err != nil {
		return errs.Internal(op, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("error.conflict")
	}
	return nil
}
