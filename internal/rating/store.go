package rating

import (
	"context"
	"fmt"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the rating slice. Staff read the ratings of
// subjects inside their area; a resident reads their own.
type Store struct{ DB *db.DB }

const cols = `r.id, r.subject_kind, r.subject_id, r.subject_name, r.division_code, COALESCE(d.name, ''), r.occasion, r.level, r.comment,
	r.created_at, r.rectification, COALESCE(r.due_on, ''), r.reply, r.replied_at, r.replied_by, r.rater_id`

const from = ` FROM ratings r JOIN divisions d ON d.code = r.division_code`

func scan(s interface{ Scan(...any) error }) (*Rating, error) {
	var r Rating
	var at *time.Time
	err := s.Scan(&r.ID, &r.SubjectKind, &r.SubjectID, &r.SubjectName, &r.DivisionCode, &r.DivisionName, &r.Occasion, &r.Level, &r.Comment,
		&r.CreatedAt, &r.Rectification, &r.DueOn, &r.Reply, &at, &r.RepliedBy, &r.raterID)
	r.CreatedAt = r.CreatedAt.UTC()
	if at != nil {
		u := at.UTC()
		r.RepliedAt = &u
	}
	return &r, err
}

func (s *Store) insert(ctx context.Context, sub Subject, in RateInput, rater int64, now time.Time, dueOn string) (int64, error) {
	rect := None
	var due any
	if Bad(in.Level) {
		rect, due = Open, dueOn
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO ratings (subject_kind, subject_id, subject_name, division_code, rater_id, occasion,
		level, comment, created_at, rectification, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (subject_kind, subject_id, rater_id, occasion) DO NOTHING RETURNING id`,
		sub.Kind, sub.ID, sub.Name, sub.DivisionCode, rater, in.Occasion, in.Level, in.Comment, now, rect, due).Scan(&id)
	if db.IsNoRows(err) {
		return 0, errs.Conflict("rating.rated_already")
	}
	if err != nil {
		return 0, errs.Internal("rating.Store.insert: insert ratings", err)
	}
	return id, nil
}

// get reads a rating the caller may see: inside their area (staff), or
// their own (a resident). Locked inside a transaction.
func (s *Store) get(ctx context.Context, id int64) (*Rating, error) {
	p, err := auth.Must(ctx)
	if err != nil {
		return nil, err
	}
	lock := s.DB.LockOf(ctx, "r")
	var row *Rating
	if p.Role == auth.Resident {
		row, err = scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+from+` WHERE r.id = $1 AND r.rater_id = $2`+lock, id, p.UserID))
	} else {
		lo, hi, serr := auth.Scope(ctx)
		if serr != nil {
			return nil, serr
		}
		row, err = scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+from+` WHERE r.id = $1 AND r.division_code BETWEEN $2 AND $3`+lock, id, lo, hi))
	}
	if err != nil {
		return nil, db.RowErr(err, "rating.Store.get: select", "rating.not_found", id)
	}
	return row, nil
}

// exists reports whether a rating exists at all; for auditing refusals.
func (s *Store) exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "ratings", id)
}

func (s *Store) reply(ctx context.Context, id int64, reply, actor string, now time.Time) error {
	res, err := s.DB.Q(ctx).ExecContext(ctx, `UPDATE ratings SET reply = $1, replied_at = $2, replied_by = $3, rectification = $4
		WHERE id = $5 AND rectification = $6`, reply, now, actor, Done, id, Open)
	if err != nil {
		return errs.Internal("rating.Store.reply: update", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("rating.not_open")
	}
	return nil
}

func (s *Store) where(ctx context.Context, f Filter, today string) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	w := db.Within("r.division_code", lo, hi)
	arg := w.Arg
	if f.Division != "" {
		dlo, dhi := division.Code(f.Division).Range()
		w.Between("r.division_code", dlo, dhi)
	}
	if f.Kind != "" {
		w.Add("r.subject_kind = " + arg(f.Kind))
	}
	if f.Level != 0 {
		w.Add("r.level = " + arg(f.Level))
	}
	switch f.Rectification {
	case Open, Done:
		w.Add("r.rectification = " + arg(f.Rectification))
	case Overdue:
		w.Add("r.rectification = " + arg(Open) + " AND r.due_on < " + arg(today))
	}
	if f.Q != "" {
		w.Add("r.subject_name " + s.DB.ILike() + " " + arg(db.Contains(f.Q)) + ` ESCAPE '\'`)
	}
	return w.SQL(), w.Args, nil
}

func (s *Store) list(ctx context.Context, f Filter, today string) ([]Rating, bool, error) {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+fmt.Sprintf(` ORDER BY r.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("rating.Store.list: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scan)
	if err != nil {
		return nil, false, errs.Internal("rating.Store.list: scan", err)
	}
	return out, more, nil
}

func (s *Store) each(ctx context.Context, f Filter, today string, fn func(*Rating) error) error {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+` ORDER BY r.id DESC`, args...)
	if err != nil {
		return errs.Internal("rating.Store.each: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return errs.Internal("rating.Store.each: scan", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// mine lists the caller's own ratings, newest first.
func (s *Store) mine(ctx context.Context, rater int64, page, perPage int) ([]Rating, bool, error) {
	args := db.PageArgs([]any{rater}, page, perPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+` WHERE r.rater_id = $1 ORDER BY r.id DESC LIMIT $2 OFFSET $3`, args...)
	if err != nil {
		return nil, false, errs.Internal("rating.Store.mine: select", err)
	}
	out, more, err := db.Page(rows, perPage, scan)
	if err != nil {
		return nil, false, errs.Internal("rating.Store.mine: scan", err)
	}
	return out, more, nil
}

// figures counts the ratings under [lo, hi] by level and the
// rectifications by state.
func (s *Store) figures(ctx context.Context, lo, hi, today string) (*RatingFigures, error) {
	f := &RatingFigures{}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT level, count(*),
		sum(CASE WHEN rectification = $3 THEN 1 ELSE 0 END),
		sum(CASE WHEN rectification = $3 AND due_on < $4 THEN 1 ELSE 0 END),
		sum(CASE WHEN rectification = $5 THEN 1 ELSE 0 END)
		FROM ratings WHERE division_code BETWEEN $1 AND $2 GROUP BY level`, lo, hi, Open, today, Done)
	if err != nil {
		return nil, errs.Internal("rating.Store.figures: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		var level int
		var n, open, overdue, done int64
		if err := rows.Scan(&level, &n, &open, &overdue, &done); err != nil {
			return nil, errs.Internal("rating.Store.figures: scan", err)
		}
		if level >= 1 && level <= 5 {
			f.ByLevel[level] = n
		}
		f.Total += n
		f.Open += open
		f.Overdue += overdue
		f.Done += done
	}
	return f, rows.Err()
}

// levels counts the ratings of a kind under [lo, hi] created in [from,
// to) by subject and level.
func (s *Store) levels(ctx context.Context, kind, lo, hi string, from, to time.Time) (map[int64][6]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT subject_id, level, count(*) FROM ratings WHERE subject_kind = $1
		AND division_code BETWEEN $2 AND $3 AND created_at >= $4 AND created_at < $5 GROUP BY subject_id, level`, kind, lo, hi, from, to)
	if err != nil {
		return nil, errs.Internal("rating.Store.levels: select", err)
	}
	defer rows.Close()
	out := map[int64][6]int64{}
	for rows.Next() {
		var id, n int64
		var level int
		if err := rows.Scan(&id, &level, &n); err != nil {
			return nil, errs.Internal("rating.Store.levels: scan", err)
		}
		if level >= 1 && level <= 5 {
			v := out[id]
			v[level] = n
			out[id] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("rating.Store.levels: select", err)
	}
	return out, nil
}
