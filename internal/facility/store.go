package facility

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Store is the SQL of the registry. Every read and write is bounded by the
// caller's area, taken from the principal in ctx.
type Store struct{ DB *db.DB }

const cols = `f.id, f.division_code, d.name, f.kind, f.name, f.address, f.floor_area, f.activity_area, f.commercial_area,
	f.status, f.year_opened, f.newly_built, f.hours, f.open_8h, f.online_24h, f.barrier_free, f.age_friendly,
	f.fitness_circle, f.terminals, f.capacity, f.closed_on, f.close_reason, f.version, f.updated_at, f.updated_by`

func scan(row interface{ Scan(...any) error }) (*Facility, error) {
	var f Facility
	var floor, act, com int64
	var hours string
	if err := row.Scan(&f.ID, &f.DivisionCode, &f.DivisionName, &f.Kind, &f.Name, &f.Address, &floor, &act, &com,
		&f.Status, &f.YearOpened, &f.NewlyBuilt, &hours, &f.Open8h, &f.Online24h, &f.BarrierFree, &f.AgeFriendly,
		&f.FitnessCircle, &f.Terminals, &f.Capacity, &f.ClosedOn, &f.CloseReason, &f.Version, &f.UpdatedAt, &f.UpdatedBy); err != nil {
		return nil, err
	}
	f.FloorArea, f.ActivityArea, f.CommercialArea = float64(floor)/100, float64(act)/100, float64(com)/100
	f.Hours = ParseWeek(hours)
	f.UpdatedAt = f.UpdatedAt.UTC()
	return &f, nil
}

// Get reads a facility inside the caller's area; ENOTFOUND otherwise.
func (s *Store) Get(ctx context.Context, id int64, lock bool) (*Facility, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	suffix := ""
	if lock {
		suffix = s.DB.ForUpdate()
	}
	f, err := scan(s.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+cols+` FROM facilities f JOIN divisions d ON d.code = f.division_code
		WHERE f.id = $1 AND f.division_code BETWEEN $2 AND $3`+suffix, id, lo, hi))
	if err != nil {
		return nil, db.RowErr(err, "facility.Store.Get: select", "facility.not_found", id)
	}
	return f, nil
}

// Exists says whether a facility exists at all, for auditing refusals.
func (s *Store) Exists(ctx context.Context, id int64) bool {
	return s.DB.Exists(ctx, "facilities", id)
}

// Filter selects facilities for a list or an export.
type Filter struct {
	Q        string `json:"q,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Status   string `json:"status,omitempty"`
	Division string `json:"division,omitempty"` // a division code: its subtree
}

// where builds the filter's condition inside [lo, hi].
func (s *Store) where(f Filter, lo, hi string) (string, []any) {
	conds := []string{"f.division_code BETWEEN $1 AND $2"}
	args := []any{lo, hi}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(args))))
	}
	if f.Kind != "" {
		add("f.kind = ?", f.Kind)
	}
	if f.Status != "" {
		add("f.status = ?", f.Status)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		add("(f.name "+s.DB.ILike()+" ? ESCAPE '\\' OR f.address "+s.DB.ILike()+" ? ESCAPE '\\')", db.Contains(q))
	}
	return strings.Join(conds, " AND "), args
}

// List reads one page (from 1) of the facilities the filter selects inside
// [lo, hi], newest first, and whether more follow.
func (s *Store) List(ctx context.Context, f Filter, lo, hi string, page, perPage int) ([]Facility, bool, error) {
	w, args := s.where(f, lo, hi)
	args = db.PageArgs(args, page, perPage)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+` FROM facilities f JOIN divisions d ON d.code = f.division_code
		WHERE `+w+fmt.Sprintf(` ORDER BY f.id DESC LIMIT $%d OFFSET $%d`, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, false, errs.Internal("facility.Store.List: select", err)
	}
	out, more, err := db.Page(rows, perPage, scan)
	if err != nil {
		return nil, false, errs.Internal("facility.Store.List: select", err)
	}
	return out, more, nil
}

// Each calls fn for every facility the filter selects inside [lo, hi], in
// id order, at most max of them; it says how many and whether it cut.
func (s *Store) Each(ctx context.Context, f Filter, lo, hi string, max int, fn func(*Facility) error) (int, bool, error) {
	w, args := s.where(f, lo, hi)
	args = append(args, max+1)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT `+cols+` FROM facilities f JOIN divisions d ON d.code = f.division_code
		WHERE `+w+fmt.Sprintf(` ORDER BY f.id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return 0, false, errs.Internal("facility.Store.Each: select", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		if n == max {
			return n, true, nil
		}
		x, err := scan(rows)
		if err != nil {
			return n, false, errs.Internal("facility.Store.Each: select", err)
		}
		if err := fn(x); err != nil {
			return n, false, err
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, false, errs.Internal("facility.Store.Each: select", err)
	}
	return n, false, nil
}

// Insert adds a facility in ctx's transaction and sets its id.
func (s *Store) Insert(ctx context.Context, f *Facility, now time.Time) error {
	err := s.DB.Q(ctx).QueryRowContext(ctx, `INSERT INTO facilities (division_code, kind, name, address, floor_area, activity_area,
		commercial_area, status, year_opened, newly_built, hours, open_8h, online_24h, barrier_free, age_friendly, fitness_circle,
		terminals, closed_on, close_reason, version, created_at, updated_at, updated_by, capacity)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,1,$20,$20,$21,$22) RETURNING id`,
		f.DivisionCode, f.Kind, f.Name, f.Address, centi(f.FloorArea), centi(f.ActivityArea), centi(f.CommercialArea),
		f.Status, f.YearOpened, f.NewlyBuilt, f.Hours.String(), f.Open8h, f.Online24h, f.BarrierFree, f.AgeFriendly,
		f.FitnessCircle, f.Terminals, f.ClosedOn, f.CloseReason, now, f.UpdatedBy, f.Capacity).Scan(&f.ID)
	if err != nil {
		return errs.Internal("facility.Store.Insert: insert facilities", err)
	}
	f.Version, f.UpdatedAt = 1, now
	return nil
}

// Update writes a facility whose stored version is oldVersion; ECONFLICT
// when it moved on.
func (s *Store) Update(ctx context.Context, f *Facility, oldVersion int, now time.Time) error {
	err := s.DB.UpdateOne(ctx, "facility.Store.Update: update facilities", `UPDATE facilities SET division_code=$1, kind=$2, name=$3, address=$4, floor_area=$5,
		activity_area=$6, commercial_area=$7, status=$8, year_opened=$9, newly_built=$10, hours=$11, open_8h=$12, online_24h=$13,
		barrier_free=$14, age_friendly=$15, fitness_circle=$16, terminals=$17, closed_on=$18, close_reason=$19,
		version=version+1, updated_at=$20, updated_by=$21, capacity=$24 WHERE id=$22 AND version=$23`,
		f.DivisionCode, f.Kind, f.Name, f.Address, centi(f.FloorArea), centi(f.ActivityArea), centi(f.CommercialArea),
		f.Status, f.YearOpened, f.NewlyBuilt, f.Hours.String(), f.Open8h, f.Online24h, f.BarrierFree, f.AgeFriendly,
		f.FitnessCircle, f.Terminals, f.ClosedOn, f.CloseReason, now, f.UpdatedBy, f.ID, oldVersion, f.Capacity)
	if err != nil {
		return err
	}
	f.Version, f.UpdatedAt = oldVersion+1, now
	return nil
}

// InsertMany adds facilities in ctx's transaction with multi-row inserts,
// for imports and the demo.
func (s *Store) InsertMany(ctx context.Context, fs []*Facility, now time.Time) error {
	const per = 22
	const batch = 40 // 40 × 22 parameters, within every engine's limits
	for i := 0; i < len(fs); i += batch {
		part := fs[i:min(i+batch, len(fs))]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO facilities (division_code, kind, name, address, floor_area, activity_area,
		commercial_area, status, year_opened, newly_built, hours, open_8h, online_24h, barrier_free, age_friendly, fitness_circle,
		terminals, closed_on, close_reason, version, created_at, updated_at, updated_by, capacity) VALUES `)
		args := make([]any, 0, len(part)*per)
		for j, f := range part {
			if j > 0 {
				sb.WriteString(",")
			}
			n := j * per
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,$%d,1,$%d,$%d,$%d,$%d)",
				n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10, n+11, n+12, n+13, n+14, n+15, n+16, n+17, n+18, n+19, n+20, n+20, n+21, n+22)
			args = append(args, f.DivisionCode, f.Kind, f.Name, f.Address, centi(f.FloorArea), centi(f.ActivityArea), centi(f.CommercialArea),
				f.Status, f.YearOpened, f.NewlyBuilt, f.Hours.String(), f.Open8h, f.Online24h, f.BarrierFree, f.AgeFriendly,
				f.FitnessCircle, f.Terminals, f.ClosedOn, f.CloseReason, now, f.UpdatedBy, f.Capacity)
		}
		if _, err := s.DB.Q(ctx).ExecContext(ctx, sb.String(), args...); err != nil {
			return errs.Internal("facility.Store.InsertMany: insert facilities", err)
		}
	}
	return nil
}

// place is what the registry needs to know of a division.
type place struct {
	Code       string
	Name       string
	Level      int
	Kind       string
	Relocation bool
}

// Places reads the townships and communities inside [lo, hi], for checking
// many rows at once.
func (s *Store) Places(ctx context.Context, lo, hi string) (map[string]place, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT d.code, d.name, d.level, d.kind, COALESCE(p.relocation, $1)
		FROM divisions d LEFT JOIN community_profiles p ON p.division_code = d.code
		WHERE d.code BETWEEN $2 AND $3 AND d.level >= $4`, false, lo, hi, division.Township)
	if err != nil {
		return nil, errs.Internal("facility.Store.Places: select divisions", err)
	}
	defer rows.Close()
	out := map[string]place{}
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.Code, &p.Name, &p.Level, &p.Kind, &p.Relocation); err != nil {
			return nil, errs.Internal("facility.Store.Places: select divisions", err)
		}
		out[p.Code] = p
	}
	return out, rows.Err()
}

// Place reads one division inside the caller's area.
func (s *Store) Place(ctx context.Context, code string) (*place, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	var p place
	err = s.DB.Q(ctx).QueryRowContext(ctx, `SELECT d.code, d.name, d.level, d.kind, COALESCE(p.relocation, $1)
		FROM divisions d LEFT JOIN community_profiles p ON p.division_code = d.code
		WHERE d.code = $2 AND d.code BETWEEN $3 AND $4`, false, code, lo, hi).Scan(&p.Code, &p.Name, &p.Level, &p.Kind, &p.Relocation)
	if err != nil {
		return nil, db.RowErr(err, "facility.Store.Place: select divisions", "facility.division_not_found", code)
	}
	return &p, nil
}
