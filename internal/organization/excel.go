package organization

import (
	"context"
	"io"
	"strconv"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the organisations' Excel layout, shared by the import template,
// the import and the export.
var Sheet = &xlsx.Spec{
	SheetZh: "社会组织", SheetEn: "Social organisations",
	Columns: []xlsx.Column{
		{Key: "division_code", Zh: "所在区划代码", En: "Division code", Required: true, Example: "131102001045", Width: 16,
			HelpZh: "12 位统计用区划代码（县、乡镇或村社区），须在您的辖区内", HelpEn: "the 12-digit code of a county, township or community in your area"},
		{Key: "division_name", Zh: "所在区划", En: "Division", Width: 24, HelpZh: "仅供阅读，导入时不使用", HelpEn: "for reading only; not used on import"},
		{Key: "name", Zh: "名称", En: "Name", Required: true, Example: "游园社区邻里互助会", Width: 30, HelpZh: "不超过 100 字", HelpEn: "at most 100 characters"},
		{Key: "registration", Zh: "登记或备案", En: "Registration or filing", Required: true, Example: "备案",
			Choice: &xlsx.Choice{Codes: Registrations, Label: "organization.registration."}},
		{Key: "registration_number", Zh: "登记证号或备案号", En: "Registration or filing number", Required: true, Example: "衡桃社备字2023第015号", Width: 24},
		{Key: "type", Zh: "类型", En: "Type", Required: true, Example: "邻里互助类", Width: 18,
			Choice: &xlsx.Choice{Codes: Types, Label: "organization.type."}},
		{Key: "full_time_staff", Zh: "专职工作人员数", En: "Full-time staff", Example: "3", HelpZh: "整数，可为 0", HelpEn: "a whole number; may be 0"},
		{Key: "incubation_base", Zh: "孵化基地", En: "Incubation base", Example: "否", HelpZh: "是 或 否", HelpEn: "yes or no", Bool: true},
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

// Export writes every organisation the filter selects as a workbook and
// audits it. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	lang := i18n.From(ctx)
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Each(ctx, f, func(o Organization) error {
			return ex.Write(o.DivisionCode, o.DivisionName, o.Name, Sheet.Col("registration").Label(lang, o.Registration),
				o.RegistrationNumber, Sheet.Col("type").Label(lang, o.Type), o.FullTimeStaff, xlsx.BoolText(o.IncubationBase, lang))
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "organization.export", ObjectType: "organization", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]string{"q": f.Q, "division": f.Division, "type": f.Type, "status": f.Status}}})
	})
}

// Import adds every organisation of an uploaded workbook, active, or none:
// any bad row fails the whole file with every problem named by row and
// column. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (int, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return 0, err
	}
	rows, err := Sheet.ReadLenient(ctx, r)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		lang := i18n.From(ctx)
		today := s.today()
		var bad errs.Fields
		orgs := make([]Organization, 0, len(rows))
		levels := map[string]int{}
		seen := map[string]error{}
		for _, row := range rows {
			o := Organization{DivisionCode: row.Get("division_code"), Name: row.Get("name"), RegistrationNumber: row.Get("registration_number"), Status: Active}
			var rowBad errs.Fields
			for _, c := range []struct {
				key string
				dst *string
			}{{"registration", &o.Registration}, {"type", &o.Type}} {
				if v, ok := Sheet.Col(c.key).Pick(row.Get(c.key)); ok {
					*c.dst = v
				} else {
					rowBad = append(rowBad, Sheet.Col(c.key).NotOneOf(row.Line, lang, row.Get(c.key)))
				}
			}
			var reason string
			if o.FullTimeStaff, reason = xlsx.Int(row.Get("full_time_staff")); reason != "" {
				rowBad.Add("full_time_staff", reason)
			}
			if o.IncubationBase, reason = xlsx.Bool(row.Get("incubation_base")); reason != "" {
				rowBad.Add("incubation_base", reason)
			}
			for _, fe := range o.validate(today) {
				if (fe.Field == "registration" && row.Get("registration") != "") || (fe.Field == "type" && row.Get("type") != "") {
					continue
				}
				rowBad = append(rowBad, fe)
			}
			if o.DivisionCode != "" {
				derr, ok := seen[o.DivisionCode]
				if !ok {
					var level int
					level, derr = s.Store.division(ctx, o.DivisionCode)
					seen[o.DivisionCode] = derr
					if derr == nil {
						levels[o.DivisionCode] = level
					}
				}
				if errs.Code(derr) == errs.ENOTFOUND {
					rowBad.Add("division_code", "organization.division_not_found", o.DivisionCode)
				} else if derr != nil {
					return derr
				}
			}
			// A row's problems in the order of its columns.
			Sheet.SortByColumn(rowBad)
			for _, fe := range rowBad {
				if len(bad) < Sheet.MaxErrorsOr() {
					bad = append(bad, xlsx.RowError(row.Line, fe.Field, fe.Key, fe.Args...))
				}
			}
			orgs = append(orgs, o)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		actor := auth.From(ctx).Name
		touched := map[string]int{}
		for i := range orgs {
			id, err := s.Store.insert(ctx, &orgs[i], actor, now)
			if err != nil {
				return err
			}
			// Each imported organisation is audited as a creation, with its row.
			if err := s.Audit.Write(ctx, audit.Entry{Action: "organization.create", ObjectType: "organization", ObjectID: strconv.FormatInt(id, 10),
				Detail: map[string]any{"after": flat(&orgs[i]), "import_row": rows[i].Line}}); err != nil {
				return err
			}
			touched[orgs[i].DivisionCode] = levels[orgs[i].DivisionCode]
		}
		if err := s.refresh(ctx, touched); err != nil {
			return err
		}
		n = len(orgs)
		return s.Audit.Write(ctx, audit.Entry{Action: "organization.import", ObjectType: "organization", ObjectID: "*",
			Detail: map[string]any{"rows": n, "divisions": len(touched)}})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}
