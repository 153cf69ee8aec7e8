package partymember

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the slice. Reads are bounded by the caller's area
// unless a method says otherwise.
type Store struct{ DB *db.DB }

type scanner interface{ Scan(...any) error }

// divisionName reads a division inside the caller's area; ENOTFOUND
// otherwise.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	var name string
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "partymember.Store.divisionName: select divisions", "partymember.division_not_found", code)
	}
	return name, nil
}

// ---- posts

func (s *Store) insertPost(ctx context.Context, in *PartyPostInput, actor string, now time.Time) (int64, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM party_posts WHERE division_code = $1 AND name = $2`,
		in.DivisionCode, in.Name).Scan(&n); err != nil {
		return 0, errs.Internal("partymember.Store.insertPost: select", err)
	}
	if n > 0 {
		return 0, errs.Invalid(errs.Field("name", "partymember.post_taken"))
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO party_posts (division_code, name, details, active, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, in.DivisionCode, in.Name, in.Details, true, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("partymember.Store.insertPost: insert", err)
	}
	return id, nil
}

// posts lists the active posts at or under code inside the caller's area.
func (s *Store) posts(ctx context.Context, code string) ([]PartyPost, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	clo, chi := division.Code(code).Range()
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT p.id, p.division_code, COALESCE(d.name, ''), p.name, p.details,
		(SELECT count(*) FROM party_member_posts mp JOIN party_members m ON m.id = mp.member_id WHERE mp.post_id = p.id AND m.status = $5)
		FROM party_posts p JOIN divisions d ON d.code = p.division_code
		WHERE p.division_code BETWEEN $1 AND $2 AND p.division_code BETWEEN $3 AND $4 AND p.active = $6
		ORDER BY p.division_code, p.name, p.id`, lo, hi, clo, chi, Confirmed, true)
	if err != nil {
		return nil, errs.Internal("partymember.Store.posts: select", err)
	}
	defer rows.Close()
	out := []PartyPost{}
	for rows.Next() {
		var p PartyPost
		if err := rows.Scan(&p.ID, &p.DivisionCode, &p.DivisionName, &p.Name, &p.Details, &p.Members); err != nil {
			return nil, errs.Internal("partymember.Store.posts: scan", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("partymember.Store.posts: rows", err)
	}
	return out, nil
}

// ---- members

const memberCols = `m.id, m.division_code, COALESCE(d.name, ''), COALESCE(m.user_id, 0), m.name, m.phone_sealed, COALESCE(m.unit_id, 0),
	m.unit_name, m.status, m.reason, m.registered_by_id, m.registered_by, m.registered_at, m.decided_by, m.decided_at`

const memberFrom = ` FROM party_members m JOIN divisions d ON d.code = m.division_code`

func scanMember(r scanner) (*PartyMember, string, error) {
	var m PartyMember
	var sealed string
	err := r.Scan(&m.ID, &m.DivisionCode, &m.DivisionName, &m.UserID, &m.Name, &sealed, &m.UnitID, &m.Unit, &m.Status, &m.Reason,
		&m.registeredBy, &m.RegisteredBy, &m.RegisteredAt, &m.DecidedBy, &m.DecidedAt)
	m.RegisteredAt = m.RegisteredAt.UTC()
	if m.DecidedAt != nil {
		t := m.DecidedAt.UTC()
		m.DecidedAt = &t
	}
	return &m, sealed, err
}

func (s *Store) userRegistered(ctx context.Context, userID int64) (bool, error) {
	var n int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM party_members WHERE user_id = $1`, userID).Scan(&n); err != nil {
		return false, errs.Internal("partymember.Store.userRegistered: select", err)
	}
	return n > 0, nil
}

// activePosts reads which of ids are active posts of a community.
func (s *Store) activePosts(ctx context.Context, code string, ids []int64) (map[int64]bool, error) {
	args := []any{code, true}
	for _, id := range ids {
		args = append(args, id)
	}
	return db.Set[int64](ctx, s.DB.Q(ctx), "partymember.Store.activePosts", `SELECT id FROM party_posts WHERE division_code = $1 AND active = $2
		AND id IN (`+db.Placeholders(len(ids), 3)+`)`, args...)
}

func (s *Store) insertMember(ctx context.Context, m *PartyMember, sealed string, userID *int64, unitID *int64, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO party_members (division_code, user_id, name, phone_sealed, unit_id, unit_name, status,
		registered_by_id, registered_by, registered_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
		m.DivisionCode, userID, m.Name, sealed, unitID, m.Unit, Pending, m.registeredBy, m.RegisteredBy, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("partymember.Store.insertMember: insert", err)
	}
	for _, p := range m.PostIDs {
		if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO party_member_posts (member_id, post_id) VALUES ($1, $2)`, id, p); err != nil {
			return 0, errs.Internal("partymember.Store.insertMember: insert post", err)
		}
	}
	return id, nil
}

// member reads a registration inside the caller's area (own is true for
// a resident's own, read by account instead); ENOTFOUND otherwise.
func (s *Store) member(ctx context.Context, id int64, own bool) (*PartyMember, string, error) {
	var row *PartyMember
	var sealed string
	var err error
	lock := s.DB.LockOf(ctx, "m")
	if own {
		row, sealed, err = scanMember(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+memberCols+memberFrom+` WHERE m.user_id = $1`, auth.From(ctx).UserID))
	} else {
		lo, hi, serr := auth.Scope(ctx)
		if serr != nil {
			return nil, "", serr
		}
		row, sealed, err = scanMember(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+memberCols+memberFrom+
			` WHERE m.id = $1 AND m.division_code BETWEEN $2 AND $3`+lock, id, lo, hi))
	}
	if err != nil {
		return nil, "", db.RowErr(err, "partymember.Store.member: select", "partymember.not_found", id)
	}
	return row, sealed, s.withPosts(ctx, []*PartyMember{row})
}

func (s *Store) exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "party_members", id)
}

// withPosts fills the members' posts.
func (s *Store) withPosts(ctx context.Context, ms []*PartyMember) error {
	if len(ms) == 0 {
		return nil
	}
	by := map[int64]*PartyMember{}
	args := []any{}
	for _, m := range ms {
		by[m.ID] = m
		m.Posts, m.PostIDs = []string{}, []int64{}
		args = append(args, m.ID)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT mp.member_id, p.id, p.name FROM party_member_posts mp JOIN party_posts p ON p.id = mp.post_id
		WHERE mp.member_id IN (`+db.Placeholders(len(args), 1)+`) ORDER BY p.name, p.id`, args...)
	if err != nil {
		return errs.Internal("partymember.Store.withPosts: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		var mid, pid int64
		var name string
		if err := rows.Scan(&mid, &pid, &name); err != nil {
			return errs.Internal("partymember.Store.withPosts: scan", err)
		}
		by[mid].Posts, by[mid].PostIDs = append(by[mid].Posts, name), append(by[mid].PostIDs, pid)
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("partymember.Store.withPosts: rows", err)
	}
	return nil
}

func (s *Store) decide(ctx context.Context, id int64, status, reason string, by int64, byName string, now time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE party_members SET status = $1, reason = $2, decided_by_id = $3, decided_by = $4,
		decided_at = $5 WHERE id = $6`, status, reason, by, byName, now, id); err != nil {
		return errs.Internal("partymember.Store.decide: update", err)
	}
	return nil
}

func (s *Store) where(ctx context.Context, f Filter) (string, []any, error) {
	w, err := division.Scoped(ctx, "m.division_code")
	if err != nil {
		return "", nil, err
	}
	w.Under("m.division_code", f.Division)
	w.Equal("m.status", f.Status)
	if f.Q != "" {
		like := w.Arg(db.Contains(f.Q))
		w.Add("(m.name " + s.DB.ILike() + " " + like + ` ESCAPE '\' OR m.unit_name ` + s.DB.ILike() + " " + like + ` ESCAPE '\')`)
	}
	return w.SQL(), w.Args, nil
}

// members reads the registrations the filter selects: one page when
// f.Page > 0, else all of them; more tells whether another page follows.
func (s *Store) members(ctx context.Context, f Filter) ([]*PartyMember, bool, error) {
	w, args, err := s.where(ctx, f)
	if err != nil {
		return nil, false, err
	}
	q := `SELECT ` + memberCols + memberFrom + w + ` ORDER BY m.division_code, m.status, m.name, m.id`
	if f.Page > 0 {
		args = db.PageArgs(args, f.Page, f.PerPage)
		q += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, false, errs.Internal("partymember.Store.members: select", err)
	}
	defer rows.Close()
	var out []*PartyMember
	for rows.Next() {
		m, _, err := scanMember(rows)
		if err != nil {
			return nil, false, errs.Internal("partymember.Store.members: scan", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, errs.Internal("partymember.Store.members: rows", err)
	}
	more := false
	if f.Page > 0 {
		_, per := db.Paging(f.Page, f.PerPage)
		out, more = db.More(out, per)
	}
	return out, more, s.withPosts(ctx, out)
}
