package mediation

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// --- legal advisers and their services ---

const adviserCols = `a.id, a.community_code, d.name, a.name, a.firm, a.phone_sealed, a.term_from, a.term_to
	FROM legal_advisers a JOIN divisions d ON d.code = a.community_code`

func (s *Store) scanAdviser(r interface{ Scan(...any) error }) (*Adviser, error) {
	var a Adviser
	var sealed string
	if err := r.Scan(&a.ID, &a.CommunityCode, &a.CommunityName, &a.Name, &a.Firm, &sealed, &a.TermFrom, &a.TermTo); err != nil {
		return nil, err
	}
	phone, err := s.Keys.Open(sealed)
	if err != nil {
		return nil, err
	}
	a.Phone = pii.Mask(phone)
	return &a, nil
}

func (s *Store) insertAdviser(ctx context.Context, in *AdviserInput, actor string, now time.Time) (int64, error) {
	sealed, err := s.Keys.Seal(in.Phone)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertAdviser: seal", err)
	}
	var id int64
	err = s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO legal_advisers (community_code, name, firm, phone_sealed, term_from, term_to, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, in.CommunityCode, in.Name, in.Firm, sealed, in.TermFrom, in.TermTo, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertAdviser: insert", err)
	}
	return id, nil
}

func (s *Store) adviser(ctx context.Context, id int64) (*Adviser, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	a, err := s.scanAdviser(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+adviserCols+` WHERE a.id = $1 AND a.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "mediation.Store.adviser: select", "mediation.adviser_not_found", id)
	}
	return a, nil
}

// areaArgs starts a query's arguments with the caller's area and, when
// code is given, the range under it; cond is the matching condition on col.
func areaArgs(ctx context.Context, col, code string) (string, []any, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return "", nil, err
	}
	args := []any{lo, hi}
	cond := col + " BETWEEN $1 AND $2"
	if code != "" {
		dlo, dhi := division.Code(code).Range()
		args = append(args, dlo, dhi)
		cond += " AND " + col + " BETWEEN $3 AND $4"
	}
	return cond, args, nil
}

// query runs a list's query: one page of it, or all of it when perPage
// is 0 (an export). It returns the rows and the page size to read them with.
func (s *Store) query(ctx context.Context, q string, args []any, page, perPage int) (*sql.Rows, int, error) {
	if perPage == 0 {
		rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
		return rows, 1 << 30, err
	}
	args = db.PageArgs(args, page, perPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q+fmt.Sprintf(` LIMIT $%d OFFSET $%d`, n-1, n), args...)
	return rows, perPage, err
}

// named adds to a condition that col holds part of q (nothing when q is empty).
func (s *Store) named(cond string, args []any, col, q string) (string, []any) {
	if q == "" {
		return cond, args
	}
	args = append(args, db.Contains(q))
	return cond + " AND " + col + " " + s.DB.ILike() + fmt.Sprintf(" $%d", len(args)) + ` ESCAPE '\'`, args
}

func (s *Store) advisers(ctx context.Context, code, q string, page, perPage int) ([]Adviser, bool, error) {
	cond, args, err := areaArgs(ctx, "a.community_code", code)
	if err != nil {
		return nil, false, err
	}
	cond, args = s.named(cond, args, "a.name", q)
	args = db.PageArgs(args, page, perPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+adviserCols+` WHERE `+cond+fmt.Sprintf(` ORDER BY a.community_code, a.id LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.advisers: select", err)
	}
	out, more, err := db.Page(rows, perPage, s.scanAdviser)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.advisers: scan", err)
	}
	return out, more, nil
}

func (s *Store) insertService(ctx context.Context, a *Adviser, in *ServiceInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO legal_adviser_services (adviser_id, community_code, on_date, kind, people, note, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, a.ID, a.CommunityCode, in.On, in.Kind, in.People, in.Note, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertService: insert", err)
	}
	return id, nil
}

const serviceCols = `s.id, s.adviser_id, a.name, s.community_code, d.name, s.on_date, s.kind, s.people, s.note
	FROM legal_adviser_services s JOIN legal_advisers a ON a.id = s.adviser_id JOIN divisions d ON d.code = s.community_code`

func scanService(r interface{ Scan(...any) error }) (*AdviserService, error) {
	var v AdviserService
	err := r.Scan(&v.ID, &v.AdviserID, &v.AdviserName, &v.CommunityCode, &v.CommunityName, &v.On, &v.Kind, &v.People, &v.Note)
	return &v, err
}

// services lists advisers' services in the caller's area, under code
// and of one adviser when given; perPage 0 reads them all (the export).
func (s *Store) services(ctx context.Context, code string, adviserID int64, page, perPage int) ([]AdviserService, bool, error) {
	cond, args, err := areaArgs(ctx, "s.community_code", code)
	if err != nil {
		return nil, false, err
	}
	if adviserID > 0 {
		args = append(args, adviserID)
		cond += fmt.Sprintf(" AND s.adviser_id = $%d", len(args))
	}
	rows, limit, err := s.query(ctx, `SELECT `+serviceCols+` WHERE `+cond+` ORDER BY s.on_date DESC, s.id DESC`, args, page, perPage)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.services: select", err)
	}
	out, more, err := db.Page(rows, limit, scanService)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.services: scan", err)
	}
	return out, more, nil
}

// --- legal-literate villagers and their training ---

const literateCols = `l.id, l.community_code, d.name, l.name,
	COALESCE((SELECT sum(t.hours) FROM legal_literate_trainings t WHERE t.literate_id = l.id), 0)
	FROM legal_literates l JOIN divisions d ON d.code = l.community_code`

func scanLiterate(r interface{ Scan(...any) error }) (*Literate, error) {
	var l Literate
	err := r.Scan(&l.ID, &l.CommunityCode, &l.CommunityName, &l.Name, &l.Hours)
	return &l, err
}

func (s *Store) insertLiterate(ctx context.Context, in *LiterateInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO legal_literates (community_code, name, created_at, created_by) VALUES ($1,$2,$3,$4) RETURNING id`,
		in.CommunityCode, in.Name, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertLiterate: insert", err)
	}
	return id, nil
}

func (s *Store) literate(ctx context.Context, id int64) (*Literate, error) {
	lo, hi, err := scope(ctx)
	if err != nil {
		return nil, err
	}
	l, err := scanLiterate(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+literateCols+` WHERE l.id = $1 AND l.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "mediation.Store.literate: select", "mediation.literate_not_found", id)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, on_date, course, hours FROM legal_literate_trainings WHERE literate_id = $1 ORDER BY on_date, id`, id)
	if err != nil {
		return nil, errs.Internal("mediation.Store.literate: select trainings", err)
	}
	defer rows.Close()
	l.Trainings = []LiterateTraining{}
	for rows.Next() {
		var t LiterateTraining
		if err := rows.Scan(&t.ID, &t.On, &t.Course, &t.Hours); err != nil {
			return nil, errs.Internal("mediation.Store.literate: scan trainings", err)
		}
		l.Trainings = append(l.Trainings, t)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("mediation.Store.literate: trainings", err)
	}
	return l, nil
}

func (s *Store) literates(ctx context.Context, code, q string, page, perPage int) ([]Literate, bool, error) {
	cond, args, err := areaArgs(ctx, "l.community_code", code)
	if err != nil {
		return nil, false, err
	}
	cond, args = s.named(cond, args, "l.name", q)
	rows, limit, err := s.query(ctx, `SELECT `+literateCols+` WHERE `+cond+` ORDER BY l.community_code, l.id`, args, page, perPage)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.literates: select", err)
	}
	out, more, err := db.Page(rows, limit, scanLiterate)
	if err != nil {
		return nil, false, errs.Internal("mediation.Store.literates: scan", err)
	}
	return out, more, nil
}

func (s *Store) insertTraining(ctx context.Context, l *Literate, in *LiterateTrainingInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO legal_literate_trainings (literate_id, community_code, on_date, course, hours, created_at, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, l.ID, l.CommunityCode, in.On, in.Course, in.Hours, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("mediation.Store.insertTraining: insert", err)
	}
	return id, nil
}
