package burden

import (
	"context"
	"io"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// ItemSheet is the layout of a list's import template and export.
var ItemSheet = &xlsx.Spec{
	SheetZh: "清单事项", SheetEn: "List items",
	Columns: []xlsx.Column{
		{Key: "list", Zh: "清单", En: "List", Required: true, Choice: &xlsx.Choice{Codes: Lists, Label: "burden.list."}},
		{Key: "division_code", Zh: "所在区划代码", En: "Division code", Required: true, Width: 14,
			HelpZh: "县（市、区）或市的 12 位区划代码", HelpEn: "the 12-digit code of the county or the city", Example: "131102000000"},
		{Key: "name", Zh: "事项名称", En: "Item", Required: true, Width: 30},
		{Key: "basis", Zh: "依据", En: "Basis", Required: true, Width: 40},
		{Key: "department", Zh: "承办部门", En: "Department", Width: 20, HelpZh: "工作事项必填：诉求目录中的承办单位名称", HelpEn: "work items: the handling unit's name in the request catalogue"},
		{Key: "kind", Zh: "事项类型", En: "Kind", Width: 14, Choice: &xlsx.Choice{Codes: Kinds, Label: "burden.kind."}},
		{Key: "funding", Zh: "经费保障", En: "Funding", Width: 24},
		{Key: "conditions", Zh: "工作条件", En: "Conditions", Width: 24},
	},
}

// Import puts every item of an uploaded workbook on its list, or none:
// every problem is named by row and column. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (int, error) {
	sc, err := s.scope(ctx, EditRoles...)
	if err != nil {
		return 0, err
	}
	rows, err := ItemSheet.Read(ctx, r)
	if err != nil {
		return 0, err
	}
	if len(rows) > maxItems {
		return 0, errs.Invalid(xlsx.RowError(rows[maxItems].Line, "name", "burden.too_many", maxItems))
	}
	lang := i18n.From(ctx)
	units := map[string][]Unit{}
	var bad errs.Fields
	items := make([]BurdenItem, 0, len(rows))
	seen := map[string]int{}
	for _, row := range rows {
		it := BurdenItem{DivisionCode: strings.TrimSpace(row.Get("division_code")), Name: row.Get("name"), Basis: row.Get("basis"),
			Funding: row.Get("funding"), Conditions: row.Get("conditions"), CreatedAt: s.now(), CreatedBy: sc.p.Name}
		var ok bool
		if it.List, ok = ItemSheet.Col("list").Pick(row.Get("list")); !ok {
			bad = append(bad, ItemSheet.Col("list").NotOneOf(row.Line, lang, row.Get("list")))
			continue
		}
		if it.List == ListWork {
			if it.Kind, ok = ItemSheet.Col("kind").Pick(row.Get("kind")); !ok {
				bad = append(bad, ItemSheet.Col("kind").NotOneOf(row.Line, lang, row.Get("kind")))
			}
		}
		if listCode(it.DivisionCode) && !sc.inside(it.DivisionCode) {
			bad = append(bad, xlsx.RowError(row.Line, "division_code", "burden.division_outside", it.DivisionCode))
			continue
		}
		if it.List == ListWork && listCode(it.DivisionCode) {
			us, done := units[it.DivisionCode]
			if !done {
				if us, err = s.Units.Units(ctx, it.DivisionCode); err != nil {
					return 0, err
				}
				units[it.DivisionCode] = us
			}
			dept := strings.TrimSpace(row.Get("department"))
			for _, u := range us {
				if u.Name == dept {
					it.UnitID, it.UnitName = u.ID, u.Name
				}
			}
			if it.UnitID == 0 && (dept != "" || it.Kind != KindAutonomy) {
				bad = append(bad, xlsx.RowError(row.Line, "department", "burden.department_unknown", dept))
			}
		}
		for _, fe := range it.validate() {
			if fe.Field == "kind" || fe.Field == "unit_id" {
				continue // named above, with the cell's value
			}
			fe.Row = row.Line
			bad = append(bad, fe)
		}
		key := it.List + "|" + it.DivisionCode + "|" + it.Name
		if prev, dup := seen[key]; dup {
			bad = append(bad, xlsx.RowError(row.Line, "name", "burden.duplicate_row", prev))
		}
		seen[key] = row.Line
		items = append(items, it)
	}
	if len(bad) > 0 {
		return 0, bad.Err()
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		for k := range items {
			if err := s.Store.insertItem(ctx, &items[k]); err != nil {
				if errs.Code(err) == errs.ECONFLICT {
					return errs.Invalid(xlsx.RowError(rows[k].Line, "name", "burden.item_exists", items[k].Name))
				}
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.item.import", ObjectType: "burden_item", ObjectID: "*", Result: audit.OK,
			Detail: map[string]int{"items": len(items)}})
	})
	if err != nil {
		return 0, err
	}
	return len(items), nil
}

// Export writes a list as it holds in the caller's area, audited.
func (s *Service) Export(ctx context.Context, list, q string, w io.Writer) error {
	if list == "" {
		list = ListWork
	}
	lang := i18n.From(ctx)
	return ItemSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		for page := 1; ; page++ {
			items, more, err := s.Items(ctx, ItemFilter{List: list, Q: q, Page: page, PerPage: 200})
			if err != nil {
				return err
			}
			for _, it := range items {
				kind := ""
				if it.Kind != "" {
					kind = ItemSheet.Col("kind").Label(lang, it.Kind)
				}
				if err := ex.Write(ItemSheet.Col("list").Label(lang, it.List), it.DivisionCode, it.Name, it.Basis, it.UnitName, kind,
					it.Funding, it.Conditions); err != nil {
					return err
				}
			}
			if !more {
				return nil
			}
		}
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "burden.item.export", ObjectType: "burden_item", ObjectID: "*",
			Detail: map[string]any{"list": list, "rows": rows}})
	})
}

// FiguresSheet is the layout of the burden-by-department export.
var FiguresSheet = &xlsx.Spec{
	SheetZh: "部门派单", SheetEn: "Work by department",
	Columns: []xlsx.Column{
		{Key: "department", Zh: "部门", En: "Department", Width: 24},
		{Key: "tasks", Zh: "派单数", En: "Tasks"},
		{Key: "shares", Zh: "涉及社区次数", En: "Community shares"},
		{Key: "done", Zh: "已完成", En: "Done"},
		{Key: "refused", Zh: "被拒派单", En: "Refused assignments"},
	},
}

// ExportFigures writes the burden by department of the caller's area.
func (s *Service) ExportFigures(ctx context.Context, w io.Writer) error {
	f, err := s.Figures(ctx)
	if err != nil {
		return err
	}
	return FiguresSheet.Export(w, i18n.From(ctx), func(ex *xlsx.Exporter) error {
		for _, u := range f.Units {
			if err := ex.Write(u.UnitName, u.Tasks, u.Shares, u.Done, u.Refused); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// ProofItems is the proof list that holds for the calling resident's
// community, for the form. Errors: EFORBIDDEN.
func (s *Service) ProofItems(ctx context.Context) ([]BurdenItem, error) {
	p, err := auth.Require(ctx, auth.Resident)
	if err != nil {
		return nil, err
	}
	community, _, _, err := s.Residents.Resident(ctx, p.UserID)
	if err != nil || community == "" {
		return nil, err
	}
	codes := listsOf(community)
	items, _, err := s.Store.items(ctx, ItemFilter{List: ListProof, Page: 1, PerPage: 200, lo: codes[len(codes)-1], hi: codes[len(codes)-1], above: codes})
	return items, err
}
