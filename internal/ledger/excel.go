package ledger

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

func col(key, zh, en string, width float64) xlsx.Column {
	return xlsx.Column{Key: key, Zh: zh, En: en, Width: width}
}

// Sheet is the import template: one row per work item, each carrying its
// task's columns; rows with the same period and code are one task, and a
// row without an item's title adds the task alone. Units are named by
// their name in the request catalogue; co-units and divisions are lists
// separated by 、 , ; or spaces.
var Sheet = &xlsx.Spec{SheetZh: "任务分解表", SheetEn: "Task ledger", Columns: []xlsx.Column{
	{Key: "period", Zh: "规划期", En: "Plan period", Required: true, Example: "2021-2025", Width: 12},
	{Key: "kind", Zh: "任务类别", En: "Kind", Required: true, Choice: &xlsx.Choice{Codes: Kinds, Label: "ledger.kind."}, Width: 12},
	{Key: "task_code", Zh: "任务编号", En: "Task number", Required: true, Example: "SA-01", Width: 10},
	{Key: "title", Zh: "任务名称", En: "Task", Required: true, Width: 30},
	{Key: "section", Zh: "规划条目", En: "Plan section", Width: 16},
	{Key: "lead_unit", Zh: "牵头单位", En: "Lead unit", Required: true, Width: 20},
	{Key: "co_units", Zh: "配合单位", En: "Co-operating units", Width: 30},
	{Key: "divisions", Zh: "涉及区划代码", En: "Division codes", HelpZh: "留空为全市", HelpEn: "empty: the whole city", Width: 16},
	{Key: "deadline", Zh: "完成时限", En: "Deadline", Required: true, Example: "2025-12-31", Width: 12},
	{Key: "item_year", Zh: "年度", En: "Year", Width: 8},
	{Key: "item_title", Zh: "年度工作事项", En: "Work item", Width: 30},
	{Key: "item_unit", Zh: "责任单位", En: "Unit responsible", HelpZh: "留空为牵头单位", HelpEn: "empty: the lead unit", Width: 20},
	{Key: "item_division", Zh: "事项区划代码", En: "Item division code", Width: 16},
	{Key: "item_due", Zh: "事项完成时限", En: "Item due", Width: 12},
}}

// LedgerImport counts what an import added.
type LedgerImport struct {
	Tasks int `json:"tasks"`
	Items int `json:"items"`
}

func split(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("、,，;； \t", r) })
}

// withRow puts a row number on an invalid error's fields; other errors
// pass.
func withRow(err error, line int, bad *errs.Fields) error {
	e := errs.As(err)
	if e == nil || e.Code != errs.EINVALID {
		return err
	}
	for _, f := range e.Fields {
		*bad = append(*bad, xlsx.RowError(line, f.Field, f.Key, f.Args...))
	}
	if len(e.Fields) == 0 {
		*bad = append(*bad, xlsx.RowError(line, "task_code", e.Key, e.Args...))
	}
	return nil
}

// importRows adds the rows' tasks and items in one transaction, or
// nothing: every problem is named by row and column.
func (s *Service) importRows(ctx context.Context, rows []xlsx.Row) (LedgerImport, error) {
	var res LedgerImport
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		lang := i18n.From(ctx)
		all, err := s.Units.All(ctx)
		if err != nil {
			return err
		}
		index := make(map[int64]LedgerUnit, len(all))
		byName := map[string][]int64{}
		for _, u := range all {
			index[u.ID] = u
			byName[u.Name] = append(byName[u.Name], u.ID)
		}
		var bad errs.Fields
		unit := func(line int, field, name string) int64 {
			ids := byName[name]
			switch len(ids) {
			case 0:
				bad = append(bad, xlsx.RowError(line, field, "ledger.unit_name_unknown", name))
			case 1:
				return ids[0]
			default:
				bad = append(bad, xlsx.RowError(line, field, "ledger.unit_name_ambiguous", name))
			}
			return 0
		}
		tasks := map[string]*LedgerTask{} // period + code → the task this import added
		for _, row := range rows {
			before := len(bad)
			key := row.Get("period") + "\x00" + row.Get("task_code")
			t := tasks[key]
			if t == nil {
				kind, ok := Sheet.Col("kind").Pick(row.Get("kind"))
				if !ok {
					bad = append(bad, Sheet.Col("kind").NotOneOf(row.Line, lang, row.Get("kind")))
				}
				in := LedgerTaskInput{Period: row.Get("period"), Kind: kind, Code: row.Get("task_code"), Title: row.Get("title"), Section: row.Get("section"),
					Deadline: row.Get("deadline"), Divisions: split(row.Get("divisions"))}
				in.LeadUnit = unit(row.Line, "lead_unit", row.Get("lead_unit"))
				for _, n := range split(row.Get("co_units")) {
					if u := unit(row.Line, "co_units", n); u != 0 {
						in.CoUnits = append(in.CoUnits, u)
					}
				}
				if len(bad) > before {
					// The row's own fields too, but those named already.
					for _, fe := range in.check() {
						if !slices.ContainsFunc(bad[before:], func(b errs.FieldError) bool { return b.Field == fe.Field }) && fe.Field != "lead_unit" {
							bad = append(bad, xlsx.RowError(row.Line, fe.Field, fe.Key, fe.Args...))
						}
					}
					continue
				}
				if old, err := s.Store.taskIDByCode(ctx, in.Period, in.Code); err != nil {
					return err
				} else if old != 0 {
					bad = append(bad, xlsx.RowError(row.Line, "task_code", "ledger.code_taken", in.Code, in.Period))
					continue
				}
				tid, err := s.createTask(ctx, in, index)
				if err != nil {
					if err := withRow(err, row.Line, &bad); err != nil {
						return err
					}
					continue
				}
				if t, err = s.Store.task(ctx, scope{all: true}, tid, s.Today()); err != nil {
					return err
				}
				tasks[key] = t
				res.Tasks++
			}
			if row.Get("item_title") == "" {
				continue
			}
			year, reason := xlsx.Int(row.Get("item_year"))
			if reason != "" {
				bad = append(bad, xlsx.RowError(row.Line, "item_year", reason))
			}
			it := WorkItemInput{Year: int(year), Title: row.Get("item_title"), DivisionCode: row.Get("item_division"), DueOn: row.Get("item_due")}
			if it.DueOn == "" {
				it.DueOn = t.Deadline
			}
			if n := row.Get("item_unit"); n != "" {
				it.Unit = unit(row.Line, "item_unit", n)
			}
			if len(bad) > before {
				continue
			}
			if _, err := s.addItem(ctx, t, it); err != nil {
				if err := withRow(renameItemFields(err), row.Line, &bad); err != nil {
					return err
				}
				continue
			}
			res.Items++
		}
		if len(bad) > 0 {
			if len(bad) > Sheet.MaxErrorsOr() {
				bad = bad[:Sheet.MaxErrorsOr()]
			}
			return bad.Err()
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "ledger.import", ObjectType: "ledger_task", ObjectID: "*",
			Detail: map[string]any{"tasks": res.Tasks, "items": res.Items}})
	})
	if err != nil {
		return LedgerImport{}, err
	}
	return res, nil
}

// renameItemFields names an item's fields by the sheet's columns.
func renameItemFields(err error) error {
	e := errs.As(err)
	if e == nil || e.Code != errs.EINVALID {
		return err
	}
	names := map[string]string{"year": "item_year", "title": "item_title", "unit_id": "item_unit", "division_code": "item_division", "due_on": "item_due"}
	fs := make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if n, ok := names[f.Field]; ok {
			f.Field = n
		}
		fs[i] = f
	}
	return errs.Invalid(fs...)
}

// Import adds every task and item of an uploaded workbook, or none: any
// bad row fails the whole file with every problem named by row and
// column (a unit not in the catalogue, a code the period has already).
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (LedgerImport, error) {
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return LedgerImport{}, err
	}
	rows, err := Sheet.Read(ctx, r)
	if err != nil {
		return LedgerImport{}, err
	}
	return s.importRows(ctx, rows)
}

// WriteTemplate writes the import template in the caller's language.
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer) error {
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return err
	}
	return Sheet.WriteTemplate(w, i18n.From(ctx))
}

//go:embed seed/plan-2021-2025.csv
var seedCSV []byte

// SeedUnits are the units the seed names (the plan's lead and co-operating
// departments), in the order they first appear; the demo creates those
// the catalogue lacks.
func SeedUnits() ([]string, error) {
	rows, err := seedRows()
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, n := range append([]string{r.Get("lead_unit")}, split(r.Get("co_units"))...) {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out, nil
}

func seedRows() ([]xlsx.Row, error) {
	recs, err := csv.NewReader(bytes.NewReader(seedCSV)).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, errs.Internal("ledger.seedRows: read seed", err)
	}
	head := recs[0]
	var out []xlsx.Row
	for i, rec := range recs[1:] {
		row := xlsx.Row{Line: i + 2, Values: map[string]string{}}
		for j, h := range head {
			if j < len(rec) {
				row.Values[h] = strings.TrimSpace(rec[j])
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// Seed loads the 2021–2025 plan's 14 special actions (专栏2) and 3
// projects (专栏3) with their lead units, all-or-nothing like an import: a
// unit the catalogue lacks is a named row error (the demo creates them
// first, SeedUnits). Errors: EINVALID, ECONFLICT… as Import.
func (s *Service) Seed(ctx context.Context) (LedgerImport, error) {
	if _, err := auth.Require(ctx, ManageRoles...); err != nil {
		return LedgerImport{}, err
	}
	rows, err := seedRows()
	if err != nil {
		return LedgerImport{}, err
	}
	return s.importRows(ctx, rows)
}

// TaskSheet is the export of the task list.
var TaskSheet = &xlsx.Spec{SheetZh: "任务台账", SheetEn: "Task ledger", Columns: []xlsx.Column{
	col("period", "规划期", "Plan period", 12), col("kind", "任务类别", "Kind", 12), col("code", "任务编号", "Task number", 10),
	col("title", "任务名称", "Task", 30), col("section", "规划条目", "Plan section", 16), col("lead_unit", "牵头单位", "Lead unit", 20),
	col("co_units", "配合单位", "Co-operating units", 30), col("divisions", "涉及区划代码", "Division codes", 16),
	col("deadline", "完成时限", "Deadline", 12), col("items", "工作事项", "Work items", 8), col("done", "已完成", "Done", 8),
	col("overdue", "逾期事项", "Overdue items", 8), col("late", "逾期", "Late", 8)}}

// RateSheet is the export of the completion rates.
var RateSheet = &xlsx.Spec{SheetZh: "完成率", SheetEn: "Completion rates", Columns: []xlsx.Column{
	col("by", "统计口径", "By", 10), col("key", "编码", "Key", 16), col("name", "单位或区划", "Unit or division", 24),
	col("items", "工作事项", "Work items", 10), col("done", "已完成", "Done", 10), col("overdue", "逾期", "Overdue", 10),
	col("percent", "完成率（%）", "Completion (%)", 12)}}

// Export writes the tasks the filter selects that the caller reads, and
// audits it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	p, err := auth.Require(ctx, ReadRoles...)
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	sc, err := s.scope(ctx, p)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return TaskSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.each(ctx, sc, f, s.Today(), func(t *LedgerTask) error {
			s.markTask(t)
			co := make([]string, len(t.CoUnits))
			for i, u := range t.CoUnits {
				co[i] = u.Name
			}
			return ex.Write(t.Period, i18n.T(lang, "ledger.kind."+t.Kind), t.Code, t.Title, t.Section, t.LeadUnit.Name, strings.Join(co, "、"),
				strings.Join(t.Divisions, " "), t.Deadline, t.Items, t.Done, t.Overdue, xlsx.BoolText(t.Late, lang))
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "ledger.export", ObjectType: "ledger_task", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "period": f.Period, "kind": f.Kind, "q": f.Q, "overdue": f.Overdue}})
	})
}

// ExportRates writes a period's completion rates, and audits it. Errors
// as LedgerRates.
func (s *Service) ExportRates(ctx context.Context, period, code string, w io.Writer) error {
	r, err := s.Rates(ctx, period, code)
	if err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return RateSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		write := func(by string, rs []LedgerRate) error {
			for _, x := range rs {
				if err := ex.Write(i18n.T(lang, "ledger.by_"+by), x.Key, x.Name, x.Items, x.Done, x.Overdue, strconv.FormatFloat(x.Percent, 'f', 1, 64)); err != nil {
					return err
				}
			}
			return nil
		}
		total := r.Total
		total.Name = i18n.T(lang, "ledger.total")
		if err := write("total", []LedgerRate{total}); err != nil {
			return err
		}
		if err := write("unit", r.ByUnit); err != nil {
			return err
		}
		return write("county", r.ByCounty)
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "ledger.rates.export", ObjectType: "ledger_task", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "period": period, "division": code}})
	})
}
