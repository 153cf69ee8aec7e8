package proxy

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the proxy slice. Reads of cases are bounded by the
// caller's area (and a resident's own account), taken from ctx.
type Store struct{ DB *db.DB }

// owners are the division codes whose services apply at code: the
// city-wide catalogue (”), the city and the county of code.
func owners(code string) []any {
	c := division.Code(code)
	city := code[:4] + "00000000"
	return []any{"", city, c.County()}
}

const serviceCols = `id, division_code, name, materials, department, days`

func scanService(s interface{ Scan(...any) error }) (*ServiceEntry, error) {
	var v ServiceEntry
	var m string
	err := s.Scan(&v.ID, &v.DivisionCode, &v.Name, &m, &v.Department, &v.Days)
	v.Materials = splitLines(m)
	return &v, err
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// services lists the active services that apply at code (its city and
// county's, and the city-wide ones) or, with inside, also those kept by
// counties inside [lo, hi].
func (s *Store) services(ctx context.Context, code string, lo, hi string) ([]ServiceEntry, error) {
	args := append(owners(code), lo, hi)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+serviceCols+` FROM proxy_services
		WHERE active AND (division_code IN ($1, $2, $3) OR division_code BETWEEN $4 AND $5) ORDER BY division_code, id`, args...)
	if err != nil {
		return nil, errs.Internal("proxy.Store.services: select", err)
	}
	defer rows.Close()
	var out []ServiceEntry
	for rows.Next() {
		v, err := scanService(rows)
		if err != nil {
			return nil, errs.Internal("proxy.Store.services: scan", err)
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("proxy.Store.services: rows", err)
	}
	return out, nil
}

// serviceAt reads an active service that applies at a community;
// ENOTFOUND otherwise.
func (s *Store) serviceAt(ctx context.Context, id int64, community string) (*ServiceEntry, error) {
	args := append([]any{id}, owners(community)...)
	v, err := scanService(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+serviceCols+` FROM proxy_services
		WHERE id = $1 AND active AND division_code IN ($2, $3, $4)`, args...))
	if err != nil {
		return nil, db.RowErr(err, "proxy.Store.serviceAt: select", "proxy.service_not_found", id)
	}
	return v, nil
}

func (s *Store) insertService(ctx context.Context, in *ServiceEntryInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO proxy_services (division_code, name, materials, department, days, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, in.DivisionCode, in.Name, strings.Join(in.Materials, "\n"), in.Department, in.Days, now, actor).Scan(&id)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return 0, errs.Invalid(errs.Field("name", "proxy.service_exists"))
		}
		return 0, errs.Internal("proxy.Store.insertService: insert", err)
	}
	return id, nil
}

// level returns the level of a division inside the caller's area
// (division.Store.Level, bounded here); ENOTFOUND otherwise.
func (s *Store) level(ctx context.Context, code string) (int, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, err
	}
	if code < lo || code > hi {
		return 0, errs.NotFound("proxy.division_not_found", code)
	}
	return (&division.Store{DB: s.DB}).Level(ctx, code)
}

// communities lists the communities in [lo, hi].
func (s *Store) communities(ctx context.Context, lo, hi string) ([]string, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code FROM divisions WHERE level = 5 AND code BETWEEN $1 AND $2 ORDER BY code`, lo, hi)
	if err != nil {
		return nil, errs.Internal("proxy.Store.communities: select", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.Internal("proxy.Store.communities: scan", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// offered returns the ids of the services a community offers.
func (s *Store) offered(ctx context.Context, community string) (map[int64]bool, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT service_id FROM proxy_offerings WHERE community_code = $1`, community)
	if err != nil {
		return nil, errs.Internal("proxy.Store.offered: select", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, errs.Internal("proxy.Store.offered: scan", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}

func (s *Store) offer(ctx context.Context, community string, id int64, actor string, now time.Time) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `INSERT INTO proxy_offerings (community_code, service_id, created_at, created_by)
		VALUES ($1, $2, $3, $4)`, community, id, now, actor); err != nil {
		return errs.Internal("proxy.Store.offer: insert", err)
	}
	return nil
}

func (s *Store) withdraw(ctx context.Context, community string, id int64) error {
	if _, err := s.DB.Q(ctx).ExecContext(ctx, `DELETE FROM proxy_offerings WHERE community_code = $1 AND service_id = $2`, community, id); err != nil {
		return errs.Internal("proxy.Store.withdraw: delete", err)
	}
	return nil
}

// coveredValues is 1 for each community in [lo, hi] that offers at least
// MinOffered services and received a case in [from, to).
func (s *Store) coveredValues(ctx context.Context, lo, hi string, from, to time.Time) (map[string]int64, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT o.community_code FROM proxy_offerings o
		WHERE o.community_code BETWEEN $1 AND $2
		AND EXISTS (SELECT 1 FROM proxy_cases c WHERE c.community_code = o.community_code AND c.created_at >= $3 AND c.created_at < $4)
		GROUP BY o.community_code HAVING count(*) >= $5`, lo, hi, from, to, MinOffered)
	if err != nil {
		return nil, errs.Internal("proxy.Store.coveredValues: select", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, errs.Internal("proxy.Store.coveredValues: scan", err)
		}
		out[c] = 1
	}
	return out, rows.Err()
}

const caseCols = `c.id, c.community_code, COALESCE(d.name, ''), c.service_id, v.name, v.department, v.materials, c.checked, c.status, c.channel,
	c.request_number, COALESCE(c.resident_user_id, 0), c.name_masked, c.name_sealed, c.phone_sealed, c.id_sealed, c.note, c.due_at,
	c.submitted_at, c.result_at, c.closed_at, c.reason, c.rating, c.version, c.created_at, c.created_by`

const caseFrom = ` FROM proxy_cases c JOIN proxy_services v ON v.id = c.service_id JOIN divisions d ON d.code = c.community_code`

func scanCase(s interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var materials, checked string
	var sub, res, closed sql.NullTime
	err := s.Scan(&c.ID, &c.CommunityCode, &c.CommunityName, &c.ServiceID, &c.ServiceName, &c.Department, &materials, &checked, &c.Status, &c.Channel,
		&c.RequestNumber, &c.residentUserID, &c.Name, &c.nameSealed, &c.phoneSealed, &c.idSealed, &c.Note, &c.DueAt,
		&sub, &res, &closed, &c.Reason, &c.Rating, &c.Version, &c.CreatedAt, &c.CreatedBy)
	c.Materials, c.Checked = splitLines(materials), splitLines(checked)
	at := func(t sql.NullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		u := t.Time.UTC()
		return &u
	}
	c.SubmittedAt, c.ResultAt, c.ClosedAt = at(sub), at(res), at(closed)
	c.DueAt, c.CreatedAt = c.DueAt.UTC(), c.CreatedAt.UTC()
	return &c, err
}

// reach is the caller's bound on cases: the area, and for a resident
// their own cases only.
func reach(ctx context.Context, args []any, conds []string) ([]any, []string, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	args = append(args, lo, hi)
	conds = append(conds, fmt.Sprintf("c.community_code BETWEEN $%d AND $%d", len(args)-1, len(args)))
	if p := auth.From(ctx); p != nil && p.Role == auth.Resident {
		args = append(args, p.UserID)
		conds = append(conds, fmt.Sprintf("c.resident_user_id = $%d", len(args)))
	}
	return args, conds, nil
}

// getCase reads a case within the caller's reach (locked inside a
// transaction); ENOTFOUND otherwise.
func (s *Store) getCase(ctx context.Context, id int64) (*Case, error) {
	args, conds, err := reach(ctx, []any{id}, []string{"c.id = $1"})
	if err != nil {
		return nil, err
	}
	lock := ""
	if db.InTx(ctx) && s.DB.ForUpdate() != "" {
		lock = " FOR UPDATE OF c"
	}
	c, err := scanCase(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+caseCols+caseFrom+` WHERE `+strings.Join(conds, " AND ")+lock, args...))
	if err != nil {
		return nil, db.RowErr(err, "proxy.Store.getCase: select", "proxy.not_found", id)
	}
	return c, nil
}

// caseExists reports whether a case exists at all; for auditing refusals.
func (s *Store) caseExists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "proxy_cases", id)
}

type sealed struct{ name, masked, phone, phoneIndex, id, idIndex string }

func (s *Store) insertCase(ctx context.Context, c *Case, p sealed, actor string, now time.Time) (int64, error) {
	var resident any
	if c.residentUserID != 0 {
		resident = c.residentUserID
	}
	var id int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO proxy_cases (community_code, service_id, status, channel, request_number, resident_user_id,
		name_masked, name_sealed, phone_sealed, phone_index, id_sealed, id_index, note, due_at, created_at, created_by, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$15) RETURNING id`,
		c.CommunityCode, c.ServiceID, c.Status, c.Channel, c.RequestNumber, resident, p.masked, p.name, p.phone, p.phoneIndex, p.id, p.idIndex,
		c.Note, c.DueAt, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("proxy.Store.insertCase: insert", err)
	}
	return id, nil
}

// updateCase writes a case's moving parts if its version is unchanged.
func (s *Store) updateCase(ctx context.Context, c *Case, now time.Time) error {
	return s.DB.UpdateOne(ctx, "proxy.Store.updateCase: update", `UPDATE proxy_cases SET status = $1, checked = $2, submitted_at = $3, result_at = $4, closed_at = $5,
		reason = $6, rating = $7, rated_at = CASE WHEN $7 > 0 AND rating = 0 THEN $8 ELSE rated_at END, version = version + 1, updated_at = $8
		WHERE id = $9 AND version = $10`,
		c.Status, strings.Join(c.Checked, "\n"), c.SubmittedAt, c.ResultAt, c.ClosedAt, c.Reason, c.Rating, now, c.ID, c.Version)
}

// where builds the conditions of a list; idx is the blind index of Q.
func (s *Store) where(ctx context.Context, f Filter, idx string, now time.Time) (string, []any, error) {
	args, conds, err := reach(ctx, nil, nil)
	if err != nil {
		return "", nil, err
	}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Division != "" {
		lo, hi := division.Code(f.Division).Range()
		conds = append(conds, "c.community_code BETWEEN "+arg(lo)+" AND "+arg(hi))
	}
	if f.Status != "" {
		conds = append(conds, "c.status = "+arg(f.Status))
	}
	if f.Overdue {
		conds = append(conds, "c.status IN ("+arg(StatusReceived)+", "+arg(StatusSubmitted)+") AND c.due_at < "+arg(now))
	}
	if f.Q != "" {
		i := arg(idx)
		conds = append(conds, "(c.phone_index = "+i+" OR c.id_index = "+i+" OR c.request_number = "+arg(f.Q)+")")
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func (s *Store) listCases(ctx context.Context, f Filter, idx string, now time.Time) ([]Case, bool, error) {
	w, args, err := s.where(ctx, f, idx, now)
	if err != nil {
		return nil, false, err
	}
	args = db.PageArgs(args, f.Page, f.PerPage)
	n := len(args)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+caseCols+caseFrom+w+fmt.Sprintf(` ORDER BY c.id DESC LIMIT $%d OFFSET $%d`, n-1, n), args...)
	if err != nil {
		return nil, false, errs.Internal("proxy.Store.listCases: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanCase)
	if err != nil {
		return nil, false, errs.Internal("proxy.Store.listCases: scan", err)
	}
	return out, more, nil
}

func (s *Store) eachCase(ctx context.Context, f Filter, idx string, now time.Time, fn func(*Case) error) error {
	w, args, err := s.where(ctx, f, idx, now)
	if err != nil {
		return err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+caseCols+caseFrom+w+` ORDER BY c.id DESC`, args...)
	if err != nil {
		return errs.Internal("proxy.Store.eachCase: select", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return errs.Internal("proxy.Store.eachCase: scan", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return rows.Err()
}

// figures counts the cases received in [from, to) in [lo, hi].
func (s *Store) figures(ctx context.Context, lo, hi string, from, to, now time.Time, f *CaseFigures) error {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT status, count(*),
		COALESCE(sum(CASE WHEN status IN ($5, $6) AND due_at < $7 THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN result_at IS NOT NULL THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN result_at IS NOT NULL AND result_at <= due_at THEN 1 ELSE 0 END), 0),
		COALESCE(sum(CASE WHEN rating > 0 THEN 1 ELSE 0 END), 0),
		COALESCE(sum(rating), 0)
		FROM proxy_cases WHERE community_code BETWEEN $1 AND $2 AND created_at >= $3 AND created_at < $4 GROUP BY status`,
		lo, hi, from, to, StatusReceived, StatusSubmitted, now)
	if err != nil {
		return errs.Internal("proxy.Store.figures: select", err)
	}
	defer rows.Close()
	var ratingSum int
	for rows.Next() {
		var st string
		var n, late, fin, ontime, rated, sum int
		if err := rows.Scan(&st, &n, &late, &fin, &ontime, &rated, &sum); err != nil {
			return errs.Internal("proxy.Store.figures: scan", err)
		}
		f.ByStatus[st] = n
		f.Total += n
		f.Overdue += late
		f.Finished += fin
		f.OnTime += ontime
		f.Rated += rated
		ratingSum += sum
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("proxy.Store.figures: rows", err)
	}
	if f.Rated > 0 {
		f.AverageRating = float64(ratingSum) / float64(f.Rated)
	}
	return nil
}

// home counts the open cases in [lo, hi] (overdue ones only with late)
// and returns the first n, oldest deadline first.
func (s *Store) home(ctx context.Context, lo, hi string, late bool, now time.Time, n int) (int, []Case, error) {
	cond := ` WHERE c.community_code BETWEEN $1 AND $2 AND c.status IN ($3, $4)`
	args := []any{lo, hi, StatusReceived, StatusSubmitted}
	if late {
		cond += ` AND c.due_at < $5`
		args = append(args, now)
	}
	var count int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM proxy_cases c`+cond, args...).Scan(&count); err != nil {
		return 0, nil, errs.Internal("proxy.Store.home: count", err)
	}
	args = append(args, n)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+caseCols+caseFrom+cond+fmt.Sprintf(` ORDER BY c.due_at, c.id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return 0, nil, errs.Internal("proxy.Store.home: select", err)
	}
	out, _, err := db.Page(rows, n, scanCase)
	if err != nil {
		return 0, nil, errs.Internal("proxy.Store.home: scan", err)
	}
	return count, out, nil
}
