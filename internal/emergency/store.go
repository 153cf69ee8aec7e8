package emergency

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store holds the slice's SQL. Every read is bounded by the caller's area
// (auth.Scope): records by their community's code, alerts by the overlap
// of their area with the caller's.
type Store struct {
	DB *db.DB
}

type scanner = interface{ Scan(...any) error }

// scope is the caller's range clipped to [lo, hi]; ok is false when they
// do not meet.
func scope(ctx context.Context, lo, hi string) (string, string, bool, error) {
	alo, ahi, err := auth.Scope(ctx)
	if err != nil {
		return "", "", false, err
	}
	lo, hi = max(lo, alo), min(hi, ahi)
	return lo, hi, lo <= hi, nil
}

func nullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

func count(ctx context.Context, q db.Querier, op, query string, args ...any) (int, error) {
	var n sql.NullInt64
	if err := q.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, errs.Internal("emergency.Store."+op, err)
	}
	return int(n.Int64), nil
}

// communityName reads a community's name; ENOTFOUND when the code is not a
// community.
func (s *Store) communityName(ctx context.Context, code string) (string, error) {
	var name string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1 AND level = $2`, code, division.Community).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "emergency.Store.communityName: select divisions", "emergency.community_not_found", code)
	}
	return name, nil
}

// divisionName reads a division's name; ENOTFOUND when there is none.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	var name string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "emergency.Store.divisionName: select divisions", "emergency.community_not_found", code)
	}
	return name, nil
}

// --- plans

const planCols = `p.id, p.community_code, d.name, p.version, p.title, p.body, p.contacts, p.file_id, p.file_name, p.created_at, p.created_by`

func scanPlan(sc scanner) (*Plan, error) {
	var p Plan
	var file sql.NullInt64
	if err := sc.Scan(&p.ID, &p.CommunityCode, &p.CommunityName, &p.Version, &p.Title, &p.Body, &p.Contacts, &file, &p.FileName,
		&p.CreatedAt, &p.CreatedBy); err != nil {
		return nil, err
	}
	p.FileID, p.CreatedAt = nullID(file), p.CreatedAt.UTC()
	return &p, nil
}

// insertPlan adds the next version of a community's plan.
func (s *Store) insertPlan(ctx context.Context, in PlanInput, fileID *int64, fileName, actor string, now time.Time) (int64, int, error) {
	v, err := count(ctx, s.DB.W(ctx), "insertPlan: max version", `SELECT MAX(version) FROM emergency_plans WHERE community_code = $1`, in.CommunityCode)
	if err != nil {
		return 0, 0, err
	}
	var id int64
	err = s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO emergency_plans (community_code, version, title, body, contacts, file_id, file_name,
		created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		in.CommunityCode, v+1, in.Title, in.Body, in.Contacts, fileID, fileName, now, actor).Scan(&id)
	if err != nil {
		return 0, 0, errs.Internal("emergency.Store.insertPlan: insert emergency_plans", err)
	}
	return id, v + 1, nil
}

// plans lists every version of a community's plan, newest first.
func (s *Store) plans(ctx context.Context, code string) ([]Plan, error) {
	lo, hi, ok, err := scope(ctx, code, code)
	if err != nil || !ok {
		return []Plan{}, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+planCols+` FROM emergency_plans p JOIN divisions d ON d.code = p.community_code
		WHERE p.community_code BETWEEN $1 AND $2 ORDER BY p.version DESC LIMIT 200`, lo, hi)
	if err != nil {
		return nil, errs.Internal("emergency.Store.plans: select emergency_plans", err)
	}
	out, _, err := db.Page(rows, 200, scanPlan)
	if err != nil {
		return nil, errs.Internal("emergency.Store.plans: scan", err)
	}
	return out, nil
}

// plan reads one version of a plan inside the caller's area.
func (s *Store) plan(ctx context.Context, id int64) (*Plan, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	p, err := scanPlan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+planCols+` FROM emergency_plans p JOIN divisions d ON d.code = p.community_code
		WHERE p.id = $1 AND p.community_code BETWEEN $2 AND $3`, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "emergency.Store.plan: select emergency_plans", "emergency.plan_not_found", id)
	}
	return p, nil
}

// exists is the check audit.RefusedOutside makes before it records a
// refusal: whether a plan, an alert or a task of that id is there at all
// (outside the caller's area, since the caller could not read it).
func (s *Store) exists(table string) func(context.Context, int64) bool {
	var q string
	switch table {
	case "plan":
		q = `SELECT 1 FROM emergency_plans WHERE id = $1`
	case "alert":
		q = `SELECT 1 FROM emergency_alerts WHERE id = $1`
	case "task":
		q = `SELECT 1 FROM emergency_tasks WHERE id = $1`
	default:
		return func(context.Context, int64) bool { return false }
	}
	return func(ctx context.Context, id int64) bool {
		var one int
		return s.DB.Q(ctx).QueryRowContext(ctx, q, id).Scan(&one) == nil
	}
}

// --- drills

const drillCols = `r.id, r.community_code, d.name, r.held_on, r.kind, r.participants, r.note, r.photo_id, r.created_at, r.created_by`

func scanDrill(sc scanner) (*DrillRecord, error) {
	var r DrillRecord
	var photo sql.NullInt64
	if err := sc.Scan(&r.ID, &r.CommunityCode, &r.CommunityName, &r.HeldOn, &r.Kind, &r.Participants, &r.Note, &photo, &r.CreatedAt, &r.CreatedBy); err != nil {
		return nil, err
	}
	r.PhotoID, r.CreatedAt = nullID(photo), r.CreatedAt.UTC()
	return &r, nil
}

func (s *Store) insertDrill(ctx context.Context, in DrillInput, photo *int64, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO emergency_drills (community_code, held_on, kind, participants, note, photo_id,
		created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		in.CommunityCode, in.HeldOn, in.Kind, in.Participants, in.Note, photo, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("emergency.Store.insertDrill: insert emergency_drills", err)
	}
	return id, nil
}

// drills lists one page of the drills under [lo, hi] in a year, newest first.
func (s *Store) drills(ctx context.Context, lo, hi string, year, page, perPage int) ([]DrillRecord, bool, error) {
	lo, hi, ok, err := scope(ctx, lo, hi)
	if err != nil || !ok {
		return []DrillRecord{}, false, err
	}
	from, to := yearDates(year)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+drillCols+` FROM emergency_drills r JOIN divisions d ON d.code = r.community_code
		WHERE r.community_code BETWEEN $1 AND $2 AND r.held_on BETWEEN $3 AND $4 ORDER BY r.held_on DESC, r.id DESC LIMIT $5 OFFSET $6`,
		db.PageArgs([]any{lo, hi, from, to}, page, perPage)...)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.drills: select emergency_drills", err)
	}
	out, more, err := db.Page(rows, perPage, scanDrill)
	if err != nil {
		return nil, false, errs.Internal("emergency.Store.drills: scan", err)
	}
	return out, more, nil
}

func yearDates(year int) (string, string) {
	y := strconv.Itoa(year)
	return y + "-01-01", y + "-12-31"
}

func (s *Store) drillPhoto(ctx context.Context, id int64) (int64, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, err
	}
	var photo sql.NullInt64
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT photo_id FROM emergency_drills WHERE id = $1 AND community_code BETWEEN $2 AND $3`,
		id, lo, hi).Scan(&photo)
	if db.IsNoRows(err) || (err == nil && !photo.Valid) {
		return 0, errs.NotFound("emergency.drill_not_found", id)
	}
	if err != nil {
		return 0, errs.Internal("emergency.Store.drillPhoto: select emergency_drills", err)
	}
	return photo.Int64, nil
}

// --- fire stations

func (s *Store) insertStation(ctx context.Context, in StationInput, actor string, now time.Time) (int64, error) {
	var id int64
	err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO fire_stations (community_code, place, equipment, members, phone, created_at,
		updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id`,
		in.CommunityCode, in.Place, in.Equipment, in.Members, in.Phone, now, actor).Scan(&id)
	if err != nil {
		return 0, errs.Internal("emergency.Store.insertStation: insert fire_stations", err)
	}
	return id, nil
}

// stations lists the micro fire stations under [lo, hi] (at most 500).
func (s *Store) stations(ctx context.Context, lo, hi string) ([]Station, error) {
	lo, hi, ok, err := scope(ctx, lo, hi)
	if err != nil || !ok {
		return []Station{}, err
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT f.id, f.community_code, d.name, f.place, f.equipment, f.members, f.phone, f.updated_at
		FROM fire_stations f JOIN divisions d ON d.code = f.community_code WHERE f.community_code BETWEEN $1 AND $2
		ORDER BY f.community_code, f.id LIMIT 500`, lo, hi)
	if err != nil {
		return nil, errs.Internal("emergency.Store.stations: select fire_stations", err)
	}
	out, _, err := db.Page(rows, 500, func(sc scanner) (*Station, error) {
		var st Station
		err := sc.Scan(&st.ID, &st.CommunityCode, &st.CommunityName, &st.Place, &st.Equipment, &st.Members, &st.Phone, &st.UpdatedAt)
		st.UpdatedAt = st.UpdatedAt.UTC()
		return &st, err
	})
	if err != nil {
		return nil, errs.Internal("emergency.Store.stations: scan", err)
	}
	return out, nil
}
