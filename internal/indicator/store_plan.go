package indicator

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// loadPlans reads every stored plan period with its indicators.
func loadPlans(ctx context.Context, d *db.DB) ([]*Plan, error) {
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT code, name_zh, name_en, base_year, end_year FROM plan_periods ORDER BY base_year LIMIT 100`)
	if err != nil {
		return nil, errs.Internal("indicator.loadPlans: select plan_periods", err)
	}
	var out []*Plan
	byCode := map[string]*Plan{}
	for rows.Next() {
		p := &Plan{}
		if err := rows.Scan(&p.Code, &p.NameZh, &p.NameEn, &p.BaseYear, &p.EndYear); err != nil {
			rows.Close()
			return nil, errs.Internal("indicator.loadPlans: scan plan_periods", err)
		}
		out = append(out, p)
		byCode[p.Code] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("indicator.loadPlans: select plan_periods", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	irows, err := d.Q(ctx).QueryContext(ctx, `SELECT period_code, code, name_zh, name_en, source, baseline, target, attribute, direction, unit,
		scope, how_computed, numerator, denominator, factor, period_kind FROM plan_indicators ORDER BY period_code, position LIMIT 10000`)
	if err != nil {
		return nil, errs.Internal("indicator.loadPlans: select plan_indicators", err)
	}
	defer irows.Close()
	for irows.Next() {
		var pc, num, den string
		var df Def
		if err := irows.Scan(&pc, &df.Code, &df.NameZh, &df.NameEn, &df.Source, &df.Baseline, &df.Target, &df.Attribute, &df.Direction,
			&df.Unit, &df.Scope, &df.How, &num, &den, &df.Formula.Factor, &df.Formula.Period); err != nil {
			return nil, errs.Internal("indicator.loadPlans: scan plan_indicators", err)
		}
		df.Formula.Num, df.Formula.Den = SplitMeasures(num), SplitMeasures(den)
		if p := byCode[pc]; p != nil {
			p.Defs = append(p.Defs, df)
		}
	}
	if err := irows.Err(); err != nil {
		return nil, errs.Internal("indicator.loadPlans: select plan_indicators", err)
	}
	for _, p := range out {
		newPlan(p)
	}
	return out, nil
}

// periodExists says whether a period is stored.
func periodExists(ctx context.Context, d *db.DB, code string) (bool, error) {
	var n int
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM plan_periods WHERE code = $1`, code).Scan(&n); err != nil {
		return false, errs.Internal("indicator.periodExists: select plan_periods", err)
	}
	return n > 0, nil
}

// seedPlan stores a period and its indicators unless the period is stored.
func seedPlan(ctx context.Context, d *db.DB, p *Plan, by string, at time.Time) error {
	return d.WithTx(ctx, func(ctx context.Context) error {
		ok, err := periodExists(ctx, d, p.Code)
		if err != nil || ok {
			return err
		}
		return insertPlan(ctx, d, p, by, at)
	})
}

// insertPlan stores a new period and its indicators (inside a transaction).
func insertPlan(ctx context.Context, d *db.DB, p *Plan, by string, at time.Time) error {
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO plan_periods (code, name_zh, name_en, base_year, end_year, loaded_by, loaded_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (code) DO NOTHING`, p.Code, p.NameZh, p.NameEn, p.BaseYear, p.EndYear, by, at); err != nil {
		return errs.Internal("indicator.insertPlan: insert plan_periods", err)
	}
	for i, df := range p.Defs {
		if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO plan_indicators (period_code, code, position, name_zh, name_en, source, baseline,
			target, attribute, direction, unit, scope, how_computed, numerator, denominator, factor, period_kind)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`, p.Code, df.Code, i+1, df.NameZh, df.NameEn, df.Source,
			df.Baseline, df.Target, df.Attribute, df.Direction, df.Unit, df.Scope, df.How, strings.Join(df.Formula.Num, "+"),
			strings.Join(df.Formula.Den, "+"), df.Formula.Factor, df.Formula.Period); err != nil {
			return errs.Internal("indicator.insertPlan: insert plan_indicators", err)
		}
	}
	return nil
}
