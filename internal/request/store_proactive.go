package request

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// positiveSetting reads an integer setting, def when unset or not positive.
func (s *Store) positiveSetting(ctx context.Context, key string, def int64) int64 {
	var v int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT value FROM request_settings WHERE key = $1`, key).Scan(&v); err != nil || v <= 0 {
		return def
	}
	return v
}

// alerts lists the communities in [lo, hi] with at least threshold
// requests of one category since a time, most requests first, at most 500.
func (s *Store) alerts(ctx context.Context, since time.Time, lo, hi string, threshold int64, lang string) ([]ProactiveAlert, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.division_code, COALESCE(d.name, ''), r.category_code, COALESCE(c.name_zh, ''), COALESCE(c.name_en, ''),
			COUNT(*), MIN(r.created_at), MAX(r.created_at)
		FROM requests r LEFT JOIN divisions d ON d.code = r.division_code LEFT JOIN request_categories c ON c.code = r.category_code
		WHERE r.created_at >= $1 AND r.division_code BETWEEN $2 AND $3
		GROUP BY r.division_code, d.name, r.category_code, c.name_zh, c.name_en
		HAVING COUNT(*) >= $4
		ORDER BY COUNT(*) DESC, r.division_code, r.category_code LIMIT 500`, since, lo, hi, threshold)
	if err != nil {
		return nil, errs.Internal("request.Store.alerts: select requests", err)
	}
	defer rows.Close()
	out := []ProactiveAlert{}
	for rows.Next() {
		var a ProactiveAlert
		var zh, en string
		var first, last timeValue
		if err := rows.Scan(&a.DivisionCode, &a.DivisionName, &a.CategoryCode, &zh, &en, &a.Count, &first, &last); err != nil {
			return nil, errs.Internal("request.Store.alerts: scan requests", err)
		}
		a.CategoryName = (&Category{NameZh: zh, NameEn: en}).Name(lang)
		a.First, a.Last = first.t, last.t
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("request.Store.alerts: read requests", err)
	}
	return out, nil
}

// topCategories lists the 10 categories with most requests in [lo, hi]
// that arrived in [from, to).
func (s *Store) topCategories(ctx context.Context, from, to time.Time, lo, hi, lang string) ([]CategoryCount, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.category_code, COALESCE(c.name_zh, ''), COALESCE(c.name_en, ''), COUNT(*)
		FROM requests r LEFT JOIN request_categories c ON c.code = r.category_code
		WHERE r.created_at >= $1 AND r.created_at < $2 AND r.division_code BETWEEN $3 AND $4
		GROUP BY r.category_code, c.name_zh, c.name_en ORDER BY COUNT(*) DESC, r.category_code LIMIT 10`, from, to, lo, hi)
	if err != nil {
		return nil, errs.Internal("request.Store.topCategories: select requests", err)
	}
	defer rows.Close()
	out := []CategoryCount{}
	for rows.Next() {
		var c CategoryCount
		var zh, en string
		if err := rows.Scan(&c.CategoryCode, &zh, &en, &c.Count); err != nil {
			return nil, errs.Internal("request.Store.topCategories: scan requests", err)
		}
		c.CategoryName = (&Category{NameZh: zh, NameEn: en}).Name(lang)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("request.Store.topCategories: read requests", err)
	}
	return out, nil
}

// timeValue scans a MIN/MAX of a timestamp column: PostgreSQL gives a
// time, SQLite the stored text.
type timeValue struct{ t time.Time }

func (v *timeValue) Scan(src any) error {
	switch x := src.(type) {
	case time.Time:
		v.t = x.UTC()
	case string:
		v.t = parseStoredTime(x)
	case []byte:
		v.t = parseStoredTime(string(x))
	}
	return nil
}

func parseStoredTime(s string) time.Time {
	for _, f := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(f, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// Recurring lists the communities in [lo, hi], inside the caller's area,
// with at least threshold requests of one category since a time (category
// names in Chinese), as the proactive alerts do; the three lists raise
// needs from them.
func (s *Store) Recurring(ctx context.Context, since time.Time, lo, hi string, threshold int64) ([]ProactiveAlert, error) {
	alo, ahi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	lo, hi = max(lo, alo), min(hi, ahi)
	if lo > hi {
		return []ProactiveAlert{}, nil
	}
	return s.alerts(ctx, since, lo, hi, threshold, i18n.ZH)
}
