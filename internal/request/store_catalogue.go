package request

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// The catalogue's writes (catalogue.go): categories, rules, units and
// settings.

// seedCategory adds a shipped category unless its code exists.
func (s *Store) seedCategory(ctx context.Context, c Category) error {
	var parent any
	if c.ParentCode != "" {
		parent = c.ParentCode
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_categories (code, parent_code, name_zh, name_en, urgency, sort)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING`, c.Code, parent, c.NameZh, c.NameEn, c.Urgency, c.Sort); err != nil {
		return errs.Internal("request.Store.seedCategory: insert request_categories", err)
	}
	return nil
}

// saveCategory adds a category or changes the one with its code.
func (s *Store) saveCategory(ctx context.Context, c Category) error {
	var parent any
	if c.ParentCode != "" {
		parent = c.ParentCode
	}
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_categories (code, parent_code, name_zh, name_en, urgency, sort, reply_photo)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO UPDATE SET parent_code = excluded.parent_code, name_zh = excluded.name_zh,
		name_en = excluded.name_en, urgency = excluded.urgency, sort = excluded.sort, reply_photo = excluded.reply_photo`,
		c.Code, parent, strings.TrimSpace(c.NameZh), strings.TrimSpace(c.NameEn), c.Urgency, c.Sort, c.ReplyPhoto); err != nil {
		return errs.Internal("request.Store.saveCategory: insert request_categories", err)
	}
	return nil
}

// divisionLevel is a division's level; ENOTFOUND when there is none.
func (s *Store) divisionLevel(ctx context.Context, code string) (int, error) {
	var lvl int
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT level FROM divisions WHERE code = $1`, code).Scan(&lvl)
	if err != nil {
		return 0, db.RowErr(err, "request.Store.divisionLevel: select divisions", "request.division_not_found", code)
	}
	return lvl, nil
}

// divisionName is a division's name; ENOTFOUND when there is none.
func (s *Store) divisionName(ctx context.Context, code string) (string, error) {
	var name string
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT name FROM divisions WHERE code = $1`, code).Scan(&name)
	if err != nil {
		return "", db.RowErr(err, "request.Store.divisionName: select divisions", "request.division_not_found", code)
	}
	return name, nil
}

// addPolicy adds a rule of the catalogue (unit nil: no default unit).
func (s *Store) addPolicy(ctx context.Context, category, code string, from time.Time, unit any, limits map[string]Limits, at time.Time, by string) (int64, error) {
	b, err := json.Marshal(limits)
	if err != nil {
		return 0, errs.Internal("request.Store.addPolicy: marshal limits", err)
	}
	var id int64
	if err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO request_policies (category_code, division_code, effective_from, unit_id, limits,
		created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, category, code,
		from, unit, string(b), at, by).Scan(&id); err != nil {
		return 0, errs.Internal("request.Store.addPolicy: insert request_policies", err)
	}
	return id, nil
}

// addUnit adds an active handling unit; ECONFLICT when its name is taken
// in the division.
func (s *Store) addUnit(ctx context.Context, u Unit, at time.Time) (int64, error) {
	var id int64
	err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO request_units (name, kind, division_code, active, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, u.Name, u.Kind, u.DivisionCode, true, at).Scan(&id)
	if db.IsUniqueViolation(err) {
		return 0, errs.Conflict("request.unit_taken")
	}
	if err != nil {
		return 0, errs.Internal("request.Store.addUnit: insert request_units", err)
	}
	return id, nil
}

// setSetting sets an integer setting.
func (s *Store) setSetting(ctx context.Context, key string, value int64, at time.Time, by string) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		key, value, at, by); err != nil {
		return errs.Internal("request.Store.setSetting: insert request_settings", err)
	}
	return nil
}
