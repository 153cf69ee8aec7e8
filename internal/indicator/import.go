package indicator

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// PlanRoles load plan periods and freeze year-end values: city staff.
var PlanRoles = []auth.Role{auth.CityStaff}

// planSpec is the sheet of a plan period's indicators.
var planSpec = &xlsx.Spec{SheetZh: "规划指标", SheetEn: "Plan indicators", MaxBytes: 2 << 20, MaxRows: 500, Columns: []xlsx.Column{
	{Key: "ind_code", Zh: "指标代码", En: "Code", Required: true, HelpZh: "小写字母、数字和下划线，期内唯一", HelpEn: "lower-case letters, digits and _; unique in the period", Example: "rural_facility_coverage"},
	{Key: "ind_name_zh", Zh: "指标名称", En: "Name (Chinese)", Required: true, Example: "农村社区综合服务设施覆盖率"},
	{Key: "ind_name_en", Zh: "英文名称", En: "Name (English)", Required: true, Example: "Rural community service facility coverage"},
	{Key: "ind_source", Zh: "规划章节", En: "Section", HelpZh: "主要指标、专栏N 或章节号", HelpEn: "主要指标, 专栏N or a section number", Example: "主要指标"},
	{Key: "ind_baseline", Zh: "基期值", En: "Baseline", HelpZh: "基期年份的值，可空", HelpEn: "the value in the baseline year; may be empty", Example: "80"},
	{Key: "ind_target", Zh: "期末目标值", En: "Final-year target", Required: true, Example: "95"},
	{Key: "ind_attribute", Zh: "属性", En: "Attribute", Required: true, Choice: &xlsx.Choice{Codes: []string{"expected", "binding"}, Label: "indicator.attribute."}},
	{Key: "ind_direction", Zh: "方向", En: "Direction", Required: true, Choice: &xlsx.Choice{Codes: []string{"at_least", "at_most"}, Label: "indicator.direction."}},
	{Key: "ind_unit", Zh: "单位", En: "Unit", Required: true, Choice: &xlsx.Choice{Codes: []string{"percent", "per_10000", "m2_per_100_households"}, Label: "indicator.unit.",
		Aliases: map[string]string{"percent": "percent", "per 10000": "per_10000", "m2 per 100 households": "m2_per_100_households"}}},
	{Key: "ind_scope", Zh: "统计范围", En: "Scope", Example: "rural communities"},
	{Key: "ind_how", Zh: "计算方法", En: "How computed", Example: "rural communities with a facility / all rural communities x 100"},
	{Key: "ind_numerator", Zh: "分子统计量", En: "Numerator measures", Required: true, HelpZh: "统计量名称，多个用 + 连接", HelpEn: "measure names joined by +", Example: "facility.rural_with_comprehensive"},
	{Key: "ind_denominator", Zh: "分母统计量", En: "Denominator measures", Required: true, HelpZh: "统计量名称，多个用 + 连接", HelpEn: "measure names joined by +", Example: "division.rural_communities"},
	{Key: "ind_factor", Zh: "系数", En: "Factor", Required: true, HelpZh: "百分比填 100，每万人填 10000", HelpEn: "100 for a percentage, 10000 per 10,000", Example: "100"},
	{Key: "ind_period_kind", Zh: "统计周期", En: "Period", HelpZh: "空为存量；月或年", HelpEn: "empty for standing counts; month or year", Choice: &xlsx.Choice{Codes: []string{"month", "year"}, Label: "indicator.period_kind."}},
}}

// attributes are the stored attribute of each code.
var attributes = map[string]string{"expected": "预期性", "binding": "约束性"}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// WriteTemplate writes the workbook to fill in for a new plan period.
func WriteTemplate(w io.Writer, lang string) error { return planSpec.WriteTemplate(w, lang) }

// PeriodInput names a new plan period: its baseline and final years.
type PeriodInput struct {
	BaseYear int
	EndYear  int
	NameZh   string
	NameEn   string
}

// readPlanRows reads an upload: a workbook, or a CSV file whose header
// row has the columns' keys or headers in either language.
func readPlanRows(ctx context.Context, r io.Reader) ([]xlsx.Row, error) {
	data, err := io.ReadAll(io.LimitReader(r, planSpec.MaxBytes+1))
	if err != nil || int64(len(data)) > planSpec.MaxBytes {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.too_large", planSpec.MaxBytes>>20))
	}
	if bytes.HasPrefix(data, []byte("PK")) || len(data) == 0 {
		return planSpec.Read(ctx, bytes.NewReader(data))
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil || len(recs) < 2 {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.unreadable"))
	}
	keys := make([]string, len(recs[0]))
	var bad errs.Fields
	for i, h := range recs[0] {
		h = strings.TrimSuffix(strings.TrimSpace(h), "*")
		for _, c := range planSpec.Columns {
			if h == c.Key || h == c.Zh || strings.EqualFold(h, c.En) {
				keys[i] = c.Key
			}
		}
		if keys[i] == "" {
			bad = append(bad, xlsx.RowError(1, "upload", "xlsx.unknown_column", h))
		}
	}
	var out []xlsx.Row
	for n, rec := range recs[1:] {
		row := xlsx.Row{Line: n + 2, Values: map[string]string{}}
		for i, v := range rec {
			if i < len(keys) && keys[i] != "" {
				row.Values[keys[i]] = strings.TrimSpace(v)
			}
		}
		for _, c := range planSpec.Columns {
			if c.Required && row.Values[c.Key] == "" {
				bad = append(bad, xlsx.RowError(row.Line, c.Key, "error.required"))
			}
		}
		out = append(out, row)
	}
	if len(bad) > 0 {
		return nil, errs.Invalid(bad...)
	}
	return out, nil
}

// ImportPlan loads a new plan period from an upload (workbook or CSV),
// all or nothing: every problem is named by row and field, and nothing is
// saved unless the whole file is right. Errors: EFORBIDDEN, EINVALID.
func (s *Service) ImportPlan(ctx context.Context, in PeriodInput, r io.Reader) (*Plan, error) {
	p, err := auth.Require(ctx, PlanRoles...)
	if err != nil {
		return nil, err
	}
	plans, err := s.Plans(ctx)
	if err != nil {
		return nil, err
	}
	var bad errs.Fields
	if in.BaseYear < 2000 || in.BaseYear > 2100 {
		bad.Add("period_base_year", "indicator.year_range", 2000, 2100)
	}
	if in.EndYear <= in.BaseYear || in.EndYear > in.BaseYear+10 {
		bad.Add("period_end_year", "indicator.period_years")
	}
	in.NameZh, in.NameEn = strings.TrimSpace(in.NameZh), strings.TrimSpace(in.NameEn)
	if in.NameZh == "" {
		bad.Add("period_name_zh", "error.required")
	}
	if in.NameEn == "" {
		bad.Add("period_name_en", "error.required")
	}
	for _, q := range plans {
		if in.BaseYear < q.EndYear && in.EndYear > q.BaseYear {
			bad.Add("period_base_year", "indicator.period_overlaps", q.Code)
			break
		}
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	rows, err := readPlanRows(ctx, r)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Code: PeriodCode(in.BaseYear, in.EndYear), NameZh: in.NameZh, NameEn: in.NameEn, BaseYear: in.BaseYear, EndYear: in.EndYear}
	lang := i18n.From(ctx)
	seen := map[string]int{}
	for _, row := range rows {
		d, fs := s.parseRow(lang, row, seen)
		bad = append(bad, fs...)
		plan.Defs = append(plan.Defs, d)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	newPlan(plan)
	now := time.Now().UTC().Truncate(time.Microsecond)
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := seedPlan(ctx, s.DB, s.Engine.shipped(), "system", now); err != nil {
			return err
		}
		if err := insertPlan(ctx, s.DB, plan, p.Name, now); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "indicator.period.load", ObjectType: "plan_period", ObjectID: plan.Code,
			Detail: map[string]any{"indicators": len(plan.Defs)}})
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

// parseRow reads one indicator row, with every problem of the row.
func (s *Service) parseRow(lang string, row xlsx.Row, seen map[string]int) (Def, []errs.FieldError) {
	var bad []errs.FieldError
	add := func(field, key string, args ...any) { bad = append(bad, xlsx.RowError(row.Line, field, key, args...)) }
	d := Def{Code: row.Get("ind_code"), NameZh: row.Get("ind_name_zh"), NameEn: row.Get("ind_name_en"), Source: row.Get("ind_source"),
		Scope: row.Get("ind_scope"), How: row.Get("ind_how")}
	if d.Code != "" {
		if !codeRE.MatchString(d.Code) {
			add("ind_code", "indicator.import.bad_code")
		} else if first, dup := seen[d.Code]; dup {
			add("ind_code", "indicator.import.duplicate_code", d.Code, first)
		} else {
			seen[d.Code] = row.Line
		}
	}
	pick := func(key string) string {
		c := planSpec.Col(key)
		v, ok := c.Pick(row.Get(key))
		if !ok {
			bad = append(bad, c.NotOneOf(row.Line, lang, row.Get(key)))
		}
		return v
	}
	d.Attribute = attributes[pick("ind_attribute")]
	d.Direction = pick("ind_direction")
	d.Unit = strings.ReplaceAll(pick("ind_unit"), "_", " ")
	d.Formula.Period = pick("ind_period_kind")
	inRange := func(key string, v float64) {
		if v < 0 || (d.Unit == "percent" && v > 100) {
			add(key, "indicator.target_range")
		}
	}
	if v := row.Get("ind_baseline"); v != "" {
		b, why := xlsx.Float(v)
		if why != "" {
			add("ind_baseline", why)
		} else {
			inRange("ind_baseline", b)
			d.Baseline = &b
		}
	}
	if v := row.Get("ind_target"); v != "" {
		t, why := xlsx.Float(v)
		if why != "" {
			add("ind_target", why)
		} else {
			inRange("ind_target", t)
			d.Target = t
		}
	}
	if v := row.Get("ind_factor"); v != "" {
		f, why := xlsx.Float(v)
		if why == "" && f <= 0 {
			why = "indicator.import.bad_factor"
		}
		if why != "" {
			add("ind_factor", why)
		}
		d.Formula.Factor = f
	}
	for _, side := range []struct {
		key string
		to  *[]string
	}{{"ind_numerator", &d.Formula.Num}, {"ind_denominator", &d.Formula.Den}} {
		if row.Get(side.key) == "" {
			continue
		}
		*side.to = SplitMeasures(row.Get(side.key))
		if unknown := (Formula{Num: *side.to}).Unknown(s.Engine.Known); len(unknown) > 0 {
			add(side.key, "indicator.import.unknown_measure", strings.Join(unknown, ", "))
		}
	}
	return d, bad
}

// Known says whether a measure is one the registries keep.
func (e *Engine) Known(name string) bool {
	_, ok := e.Registry.Lookup(name)
	return ok
}

// importDone is the flash message after a load.
func importDone(string, *Plan) string { return "indicator.plans.loaded" }
