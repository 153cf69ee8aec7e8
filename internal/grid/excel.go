package grid

import (
	"context"
	"io"
	"strconv"
	"strings"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the grids' Excel layout: one row per building or villagers'
// group; the rows of one community and grid number make one grid, whose
// name and workers its first row gives.
var Sheet = &xlsx.Spec{
	SheetZh: "网格", SheetEn: "Grids",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "社区（村）代码", En: "Community code", Required: true, Example: "131102001001", Width: 16,
			HelpZh: "12 位统计用区划代码，须在您的辖区内", HelpEn: "the 12-digit code of a community in your area"},
		{Key: "grid_number", Zh: "网格序号", En: "Grid number", Required: true, Example: "1", HelpZh: "1–99，网格编码为社区代码-两位序号", HelpEn: "1–99; the grid's code is the community code, a hyphen and two digits"},
		{Key: "name", Zh: "网格名称", En: "Grid name", Example: "第一网格", Width: 20, HelpZh: "同一网格的第一行必填", HelpEn: "required on a grid's first row"},
		{Key: "workers", Zh: "网格员账号", En: "Grid worker accounts", Width: 24, HelpZh: "本社区网格员的登录名，多个用逗号分隔", HelpEn: "logins of the community's grid workers, separated by commas"},
		{Key: "unit_kind", Zh: "楼栋或村民小组", En: "Building or group",
			Choice: &xlsx.Choice{Codes: UnitKinds, Label: "grid.unit_kind."}},
		{Key: "unit_name", Zh: "楼栋（小组）名称", En: "Building or group name", Example: "3号楼", Width: 18},
		{Key: "head_name", Zh: "楼门长（组长）姓名", En: "Head's name", Example: "王秀兰", Width: 14},
		{Key: "head_phone", Zh: "楼门长（组长）电话", En: "Head's phone", Example: "13800001111", Width: 16},
	},
	MaxRows: 20000,
}

// WriteTemplate writes the import template in the caller's language.
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return Sheet.WriteTemplate(w, i18n.From(ctx))
}

// Export writes every grid the filter selects, a row per unit (one row
// for a grid without units), heads masked, and audits it. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f GridFilter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.each(ctx, f, func(g *Grid) error {
			logins := make([]string, len(g.Workers))
			for i, wk := range g.Workers {
				logins[i] = wk.Login
			}
			units := g.Units
			if len(units) == 0 {
				return ex.Write(g.CommunityCode, g.Number, g.Name, strings.Join(logins, ","), "", "", "", "")
			}
			for _, u := range units {
				if err := ex.Write(g.CommunityCode, g.Number, g.Name, strings.Join(logins, ","), Sheet.Col("unit_kind").Label(lang, u.Kind),
					u.Name, u.HeadName, u.HeadPhone); err != nil {
					return err
				}
			}
			return nil
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.export", ObjectType: "grid", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]string{"q": f.Q, "division": f.Division}}})
	})
}

// importGrid is a grid as the sheet gives it, with the lines of its rows.
type importGrid struct {
	in    GridInput
	line  int   // its first row
	lines []int // each unit's row
}

// Import adds every grid of an uploaded workbook, or none: any bad row
// fails the whole file with every problem named by row and column.
// Errors: EINVALID, EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (int, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return 0, err
	}
	rows, err := Sheet.ReadLenient(ctx, r)
	if err != nil {
		return 0, err
	}
	lang := i18n.From(ctx)
	var bad errs.Fields
	var grids []*importGrid
	byKey := map[string]*importGrid{}
	for _, row := range rows {
		num, reason := xlsx.Int(row.Get("grid_number"))
		if reason != "" {
			bad = append(bad, xlsx.RowError(row.Line, "grid_number", reason))
			continue
		}
		key := row.Get("community_code") + "-" + strconv.FormatInt(num, 10)
		g := byKey[key]
		if g == nil {
			g = &importGrid{line: row.Line, in: GridInput{CommunityCode: row.Get("community_code"), Number: int(num), Name: row.Get("name")}}
			if ws := row.Get("workers"); ws != "" {
				g.in.Workers = strings.FieldsFunc(ws, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
			}
			byKey[key] = g
			grids = append(grids, g)
		}
		if row.Get("unit_kind") == "" && row.Get("unit_name") == "" {
			continue
		}
		kind, ok := Sheet.Col("unit_kind").Pick(row.Get("unit_kind"))
		if !ok {
			bad = append(bad, Sheet.Col("unit_kind").NotOneOf(row.Line, lang, row.Get("unit_kind")))
			continue
		}
		g.in.Units = append(g.in.Units, GridUnit{Kind: kind, Name: row.Get("unit_name"), HeadName: row.Get("head_name"), HeadPhone: row.Get("head_phone")})
		g.lines = append(g.lines, row.Line)
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, g := range grids {
			if _, err := s.create(ctx, &g.in, g.line); err != nil {
				e := errs.As(err)
				if e == nil || e.Code != errs.EINVALID {
					return err
				}
				for _, fe := range e.Fields {
					// A unit's problem names its position among the grid's units.
					line := g.line
					if fe.Row > 0 && fe.Row <= len(g.lines) {
						line = g.lines[fe.Row-1]
					}
					if len(bad) < Sheet.MaxErrorsOr() {
						bad = append(bad, xlsx.RowError(line, fe.Field, fe.Key, fe.Args...))
					}
				}
			}
		}
		if err := bad.Err(); err != nil {
			return err
		}
		n = len(grids)
		return s.Audit.Write(ctx, audit.Entry{Action: "grid.import", ObjectType: "grid", ObjectID: "*", Detail: map[string]int{"grids": n}})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
