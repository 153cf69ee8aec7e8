package residentunit

import (
	"context"
	"io"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the units' export layout.
var Sheet = &xlsx.Spec{
	SheetZh: "驻区单位", SheetEn: "Resident units",
	Columns: []xlsx.Column{
		{Key: "division_code", Zh: "所在区划代码", En: "Division code", Width: 16},
		{Key: "division_name", Zh: "所在区划", En: "Division", Width: 24},
		{Key: "name", Zh: "单位名称", En: "Unit", Width: 30},
		{Key: "kind", Zh: "单位类型", En: "Kind", Width: 14, Choice: &xlsx.Choice{Codes: Kinds, Label: "residentunit.kind."}},
		{Key: "address", Zh: "地址", En: "Address", Width: 30},
		{Key: "resources", Zh: "开放资源数", En: "Resources open", Width: 12},
		{Key: "agreements", Zh: "共建协议数", En: "Agreements", Width: 12},
	},
}

// Export writes every unit the filter selects as a workbook and audits
// it. Contacts are not exported. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	f.Page = 0
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		_, err := s.Store.list(ctx, f, func(u *ResidentUnit, _ string) error {
			return ex.Write(u.DivisionCode, u.DivisionName, u.Name, Sheet.Col("kind").Label(lang, u.Kind), u.Address, u.Resources, u.Agreements)
		})
		return err
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "residentunit.export", ObjectType: "resident_unit", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]string{"q": f.Q, "division": f.Division, "kind": f.Kind}}})
	})
}
