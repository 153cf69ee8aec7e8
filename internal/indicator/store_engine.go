package indicator

import (
	"context"
	"strings"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// targets reads the yearly targets set for codes: key code|indicator.
func (e *Engine) targets(ctx context.Context, codes []string, year int) (map[string]*float64, error) {
	out := map[string]*float64{}
	if len(codes) == 0 {
		return out, nil
	}
	args := []any{year}
	for _, c := range codes {
		args = append(args, c)
	}
	rows, err := e.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, indicator, value FROM indicator_targets
		WHERE year = $1 AND division_code IN (`+db.Placeholders(len(codes), 2)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("indicator.Engine.targets: select indicator_targets", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, i string
		var v float64
		if err := rows.Scan(&c, &i, &v); err != nil {
			return nil, errs.Internal("indicator.Engine.targets: select indicator_targets", err)
		}
		out[c+"|"+i] = &v
	}
	return out, rows.Err()
}

// totals reads the totals of keys at codes. When codes are a division and
// the communities under it (a township's drill-down), one range scan of
// the totals' primary key under the division reads exactly those rows,
// faster than a lookup per code and key.
func (e *Engine) totals(ctx context.Context, keys, codes []string) (map[string]map[string]int64, error) {
	if len(codes) < 8 || len(codes[0]) != 12 {
		return e.Measures.Totals(ctx, keys, codes)
	}
	lvl := levelOf(codes[0])
	if lvl != 4 {
		return e.Measures.Totals(ctx, keys, codes)
	}
	prefix := codes[0][:9]
	for _, c := range codes[1:] {
		if !strings.HasPrefix(c, prefix) {
			return e.Measures.Totals(ctx, keys, codes)
		}
	}
	out := make(map[string]map[string]int64, len(codes))
	want := make(map[string]bool, len(codes))
	for _, c := range codes {
		out[c] = map[string]int64{}
		want[c] = true
	}
	args := []any{prefix + "000", prefix + "999"}
	for _, k := range keys {
		args = append(args, k)
	}
	rows, err := e.DB.Q(ctx).QueryContext(ctx, `SELECT division_code, measure, value FROM measure_totals
		WHERE division_code BETWEEN $1 AND $2 AND measure IN (`+db.Placeholders(len(keys), 3)+`)`, args...)
	if err != nil {
		return nil, errs.Internal("indicator.Engine.totals: select measure_totals", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, k string
		var v int64
		if err := rows.Scan(&c, &k, &v); err != nil {
			return nil, errs.Internal("indicator.Engine.totals: select measure_totals", err)
		}
		if want[c] {
			out[c][k] = v
		}
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.Engine.totals: select measure_totals", err)
	}
	return out, nil
}
