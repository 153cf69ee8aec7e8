package worker

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Store is the SQL of the worker slice. Every read and write is bounded by
// the caller's area, taken from the principal in ctx.
type Store struct {
	DB   *db.DB
	Keys *pii.Ring
}

const cols = `w.id, w.community_code, COALESCE(d.name, ''), w.name, w.phone_sealed, w.id_number_sealed, w.post,
	w.in_post_from, COALESCE(w.in_post_to, ''), w.certified_social_worker, w.disaster_officer, w.version, w.updated_at, w.updated_by`

const from = ` FROM workers w JOIN divisions d ON d.code = w.community_code`

// row is a stored worker with its sealed fields.
type row struct {
	Worker
	phoneSealed, idSealed string
}

func scan(s interface{ Scan(...any) error }) (*row, error) {
	var r row
	err := s.Scan(&r.ID, &r.CommunityCode, &r.CommunityName, &r.Name, &r.phoneSealed, &r.idSealed, &r.Post,
		&r.InPostFrom, &r.InPostTo, &r.CertifiedSocialWorker, &r.DisasterOfficer, &r.Version, &r.UpdatedAt, &r.UpdatedBy)
	return &r, err
}

// open unseals the personal data of a stored worker.
func (s *Store) open(r *row) (record, error) {
	phone, err := s.Keys.Open(r.phoneSealed)
	if err != nil {
		return record{}, errs.Internal("worker.Store.open: Open", err)
	}
	id, err := s.Keys.Open(r.idSealed)
	if err != nil {
		return record{}, errs.Internal("worker.Store.open: Open", err)
	}
	return record{ID: r.ID, CommunityCode: r.CommunityCode, Name: r.Name, Phone: phone, IDNumber: id, Post: r.Post,
		InPostFrom: r.InPostFrom, InPostTo: r.InPostTo, CertifiedSocialWorker: r.CertifiedSocialWorker,
		DisasterOfficer: r.DisasterOfficer, Version: r.Version}, nil
}

// masked is the worker as callers see it: phone and ID number masked.
func (s *Store) masked(r *row, today string) (Worker, error) {
	rec, err := s.open(r)
	if err != nil {
		return Worker{}, err
	}
	w := r.Worker
	w.Phone, w.IDNumber = pii.Mask(rec.Phone), pii.MaskIDNumber(rec.IDNumber)
	w.InPost = inPostOn(w.InPostFrom, w.InPostTo, today)
	w.UpdatedAt = w.UpdatedAt.UTC()
	return w, nil
}

// get reads a worker inside the caller's area (locked for update inside a
// transaction). ENOTFOUND otherwise.
func (s *Store) get(ctx context.Context, id int64) (*row, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	r, err := scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+from+` WHERE w.id = $1 AND w.community_code BETWEEN $2 AND $3`+s.DB.LockOf(ctx, "w"), id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "worker.Store.get: select", "worker.not_found", id)
	}
	return r, nil
}

// byIDNumber is the newest worker of a community with this ID number (0
// when none, or when the number is empty).
func (s *Store) byIDNumber(ctx context.Context, community, idNumber string) (int64, error) {
	if idNumber == "" {
		return 0, nil
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id FROM workers WHERE community_code = $1 AND id_number_index = $2
		ORDER BY id DESC LIMIT 1`, community, s.Keys.Index(strings.ToUpper(idNumber))).Scan(&id)
	if db.IsNoRows(err) {
		return 0, nil
	}
	if err != nil {
		return 0, errs.Internal("worker.Store.byIDNumber: select workers", err)
	}
	return id, nil
}

// exists reports whether a worker exists at all, whatever the area; for
// auditing refusals only.
func (s *Store) exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "workers", id)
}

// community returns the kind of a community inside the caller's area;
// ENOTFOUND for anything else (a township, a code outside the area).
func (s *Store) community(ctx context.Context, code string) (kind string, err error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", err
	}
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT kind FROM divisions WHERE code = $1 AND level = 5 AND code BETWEEN $2 AND $3`, code, lo, hi).Scan(&kind)
	return kind, db.RowErr(err, "worker.Store.community: select divisions", "worker.community_not_found", code)
}

// sealed are the stored forms of a record's personal data.
type sealed struct{ phone, phoneIdx, id, idIdx string }

func (s *Store) seal(r *record) (sealed, error) {
	var out sealed
	var err error
	if out.phone, err = s.Keys.Seal(r.Phone); err != nil {
		return out, errs.Internal("worker.Store.seal: Seal", err)
	}
	if out.id, err = s.Keys.Seal(r.IDNumber); err != nil {
		return out, errs.Internal("worker.Store.seal: Seal", err)
	}
	out.phoneIdx, out.idIdx = s.Keys.Index(r.Phone), s.Keys.Index(r.IDNumber)
	return out, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insert adds a worker in ctx's transaction and returns its id.
func (s *Store) insert(ctx context.Context, r *record, actor string, now time.Time) (int64, error) {
	sl, err := s.seal(r)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO workers (community_code, name, phone_sealed, phone_index, id_number_sealed,
		id_number_index, post, in_post_from, in_post_to, certified_social_worker, disaster_officer, version, created_at, updated_at, updated_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,1,$12,$12,$13) RETURNING id`,
		r.CommunityCode, r.Name, sl.phone, sl.phoneIdx, sl.id, sl.idIdx, r.Post, r.InPostFrom, nullable(r.InPostTo),
		r.CertifiedSocialWorker, r.DisasterOfficer, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("worker.Store.insert: insert workers", err)
	}
	return id, nil
}

// update saves a changed worker if its version is still oldVersion.
func (s *Store) update(ctx context.Context, r *record, oldVersion int, actor string, now time.Time) error {
	sl, err := s.seal(r)
	if err != nil {
		return err
	}
	return s.DB.UpdateOne(ctx, "worker.Store.update: update workers", `UPDATE workers SET community_code = $1, name = $2, phone_sealed = $3, phone_index = $4,
		id_number_sealed = $5, id_number_index = $6, post = $7, in_post_from = $8, in_post_to = $9, certified_social_worker = $10,
		disaster_officer = $11, version = version + 1, updated_at = $12, updated_by = $13 WHERE id = $14 AND version = $15`,
		r.CommunityCode, r.Name, sl.phone, sl.phoneIdx, sl.id, sl.idIdx, r.Post, r.InPostFrom, nullable(r.InPostTo),
		r.CertifiedSocialWorker, r.DisasterOfficer, now, actor, r.ID, oldVersion)
}

// where builds the list's conditions: always inside the caller's area.
func (s *Store) where(ctx context.Context, f Filter, today string) (string, []any, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return "", nil, err
	}
	w := db.Within("w.community_code", lo, hi)
	arg := w.Arg
	if f.Division != "" {
		dlo, dhi := division.Code(f.Division).Range()
		w.Between("w.community_code", dlo, dhi)
	}
	if f.Q != "" {
		w.Add("w.name " + s.DB.ILike() + " " + arg(db.Contains(f.Q)) + ` ESCAPE '\'`)
	}
	if f.Post != "" {
		w.Add("w.post = " + arg(f.Post))
	}
	if f.Phone != "" {
		w.Add("w.phone_index = " + arg(s.Keys.Index(NormalizePhone(f.Phone))))
	}
	if f.IDNumber != "" {
		w.Add("w.id_number_index = " + arg(s.Keys.Index(strings.ToUpper(strings.TrimSpace(f.IDNumber)))))
	}
	switch f.Status {
	case "in_post":
		t := arg(today)
		w.Add("w.in_post_from <= " + t + " AND (w.in_post_to IS NULL OR w.in_post_to >= " + t + ")")
	case "left":
		w.Add("w.in_post_to < " + arg(today))
	case "future":
		w.Add("w.in_post_from > " + arg(today))
	}
	return w.SQL(), w.Args, nil
}

// list returns one page of workers (page ≥ 1) and whether more follow.
func (s *Store) list(ctx context.Context, f Filter, today string) ([]Worker, bool, error) {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+from+w+
		fmt.Sprintf(` ORDER BY w.community_code, w.name, w.id LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("worker.Store.list: select", err)
	}
	var maskErr error
	out, more, err := db.Page(rows, f.PerPage, func(sc interface{ Scan(...any) error }) (*Worker, error) {
		r, err := scan(sc)
		if err != nil {
			return nil, err
		}
		m, err := s.masked(r, today)
		maskErr = err
		return &m, err
	})
	if maskErr != nil {
		return nil, false, maskErr
	}
	if err != nil {
		return nil, false, errs.Internal("worker.Store.list: select", err)
	}
	return out, more, nil
}

// each calls fn for every worker the filter selects, masked, for exports.
func (s *Store) each(ctx context.Context, f Filter, today string, fn func(Worker) error) error {
	w, args, err := s.where(ctx, f, today)
	if err != nil {
		return err
	}
	return db.Each(ctx, s.DB.Q(ctx), "worker.Store.each: select", `SELECT `+cols+from+w+` ORDER BY w.community_code, w.name, w.id`, args,
		scan, func(r *row) error {
			m, err := s.masked(r, today)
			if err != nil {
				return err
			}
			return fn(m)
		})
}

// trainings lists a worker's training records, newest first.
func (s *Store) trainings(ctx context.Context, workerID int64) ([]Training, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT id, worker_id, course, hours, date, level FROM worker_trainings
		WHERE worker_id = $1 ORDER BY date DESC, id DESC LIMIT 1000`, workerID)
	if err != nil {
		return nil, errs.Internal("worker.Store.trainings: select worker_trainings", err)
	}
	defer rows.Close()
	out := []Training{}
	for rows.Next() {
		var t Training
		if err := rows.Scan(&t.ID, &t.WorkerID, &t.Course, &t.Hours, &t.Date, &t.Level); err != nil {
			return nil, errs.Internal("worker.Store.trainings: select worker_trainings", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("worker.Store.trainings: select worker_trainings", err)
	}
	return out, nil
}

func (s *Store) addTraining(ctx context.Context, workerID int64, t TrainingInput, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO worker_trainings (worker_id, course, hours, date, level, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, workerID, t.Course, t.Hours, t.Date, t.Level, now).Scan(&id)
	if err != nil {
		return 0, errs.Internal("worker.Store.addTraining: insert worker_trainings", err)
	}
	return id, nil
}

func (s *Store) training(ctx context.Context, workerID, id int64) (*Training, error) {
	var t Training
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT id, worker_id, course, hours, date, level FROM worker_trainings
		WHERE id = $1 AND worker_id = $2`, id, workerID).Scan(&t.ID, &t.WorkerID, &t.Course, &t.Hours, &t.Date, &t.Level)
	if err != nil {
		return nil, db.RowErr(err, "worker.Store.training: select worker_trainings", "worker.training_not_found", id)
	}
	return &t, nil
}

func (s *Store) removeTraining(ctx context.Context, workerID, id int64) error {
	_, err := s.DB.Q(ctx).ExecContext(ctx, `DELETE FROM worker_trainings WHERE id = $1 AND worker_id = $2`, id, workerID)
	if err != nil {
		return errs.Internal("worker.Store.removeTraining: delete worker_trainings", err)
	}
	return nil
}
