package property

import (
	"context"
	"io"
	"strconv"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// CompanySheet is the companies' Excel layout (template, import, export).
var CompanySheet = &xlsx.Spec{
	SheetZh: "物业服务企业", SheetEn: "Property companies",
	Columns: []xlsx.Column{
		{Key: "division_code", Zh: "登记区划代码", En: "Division code", Required: true, Example: "131102000000", Width: 16,
			HelpZh: "12 位区划代码（县、乡镇或社区），须在您的辖区内", HelpEn: "the 12-digit code of a county, township or community in your area"},
		{Key: "name", Zh: "企业名称", En: "Name", Required: true, Example: "衡水安居物业服务有限公司", Width: 30},
		{Key: "credit_code", Zh: "统一社会信用代码", En: "Unified social credit code", Required: true, Example: "91350100M000100Y43", Width: 22,
			HelpZh: "18 位，含校验位", HelpEn: "18 characters with the check character"},
		{Key: "contact", Zh: "联系人", En: "Contact person", Required: true, Example: "李经理", Width: 12},
		{Key: "phone", Zh: "联系电话", En: "Phone", Required: true, Example: "13800000000", Width: 16},
	},
	MaxRows: 5000,
}

// CompoundSheet is the compounds' Excel layout.
var CompoundSheet = &xlsx.Spec{
	SheetZh: "小区", SheetEn: "Residential compounds",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "所在社区代码", En: "Community code", Required: true, Example: "131102001045", Width: 16,
			HelpZh: "12 位社区代码，须在您的辖区内", HelpEn: "the 12-digit code of a community in your area"},
		{Key: "community_name", Zh: "所在社区", En: "Community", Width: 20, HelpZh: "仅供阅读，导入时不使用", HelpEn: "for reading only; not used on import"},
		{Key: "name", Zh: "小区名称", En: "Name", Required: true, Example: "锦绣花园", Width: 24},
		{Key: "address", Zh: "地址", En: "Address", Example: "人民路 88 号", Width: 28},
		{Key: "households", Zh: "户数", En: "Households", Example: "620"},
		{Key: "buildings", Zh: "楼栋数", En: "Buildings", Example: "12"},
		{Key: "management", Zh: "管理方式", En: "Management", Required: true, Example: "物业服务企业",
			Choice: &xlsx.Choice{Codes: Managements, Label: "property.management."}},
		{Key: "company_credit_code", Zh: "物业企业统一社会信用代码", En: "Property company's credit code", Width: 22,
			HelpZh: "由物业服务企业管理时必填：已登记企业的代码", HelpEn: "with a property company: the code of a registered company"},
		{Key: "contract_start", Zh: "合同开始日期", En: "Contract start", Example: "2024-01-01", Width: 14},
		{Key: "contract_end", Zh: "合同结束日期", En: "Contract end", Example: "2026-12-31", Width: 14},
	},
	MaxRows: 20000,
}

// ScoreSheet is the yearly scores' export layout.
var ScoreSheet = &xlsx.Spec{
	SheetZh: "物业企业年度得分", SheetEn: "Property company scores",
	Columns: []xlsx.Column{
		{Key: "rank", Zh: "排名", En: "Rank"},
		{Key: "name", Zh: "企业名称", En: "Property company", Width: 30},
		{Key: "compounds", Zh: "服务小区数", En: "Compounds"},
		{Key: "ratings", Zh: "评价数", En: "Ratings"},
		{Key: "average_level", Zh: "平均评价等级", En: "Average level"},
		{Key: "complaints", Zh: "差评数", En: "Complaints"},
		{Key: "requests", Zh: "物业诉求数", En: "Property requests"},
		{Key: "response_rate", Zh: "响应率%", En: "Response rate %"},
		{Key: "resolution_rate", Zh: "解决率%", En: "Resolution rate %"},
		{Key: "satisfaction_rate", Zh: "满意率%", En: "Satisfaction rate %"},
		{Key: "score", Zh: "年度得分", En: "Score"},
	},
}

// WriteTemplate writes an import template in the caller's language.
func (s *Service) WriteTemplate(ctx context.Context, sheet *xlsx.Spec, w io.Writer) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return sheet.WriteTemplate(w, i18n.From(ctx))
}

// export writes the rows each produces and audits the export.
func (s *Service) export(ctx context.Context, sheet *xlsx.Spec, action string, detail map[string]any, w io.Writer,
	each func(ex *xlsx.Exporter, lang string) error) error {
	lang := i18n.From(ctx)
	return sheet.Export(w, lang, func(ex *xlsx.Exporter) error { return each(ex, lang) }, func(rows int) error {
		detail["rows"] = rows
		return s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "property", ObjectID: "*", Detail: detail})
	})
}

// ExportCompanies writes the companies the filter selects, contacts
// masked. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ExportCompanies(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	return s.export(ctx, CompanySheet, "property.company.export", map[string]any{"q": f.Q, "division": f.Division}, w,
		func(ex *xlsx.Exporter, _ string) error {
			return s.Store.eachCompany(ctx, f, s.phoneIndex(f.Q), func(sc *sealedCompany) error {
				c := s.open(sc, false)
				return ex.Write(c.DivisionCode, c.Name, c.CreditCode, c.Contact, c.Phone)
			})
		})
}

// ExportCompounds writes the compounds the filter selects. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) ExportCompounds(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	codes := map[int64]string{}
	return s.export(ctx, CompoundSheet, "property.compound.export", map[string]any{"q": f.Q, "division": f.Division}, w,
		func(ex *xlsx.Exporter, lang string) error {
			return s.Store.eachCompound(ctx, f, func(c *PropertyCompound) error {
				code, ok := codes[c.CompanyID]
				if !ok && c.CompanyID != 0 {
					if co, err := s.Store.company(ctx, c.CompanyID, false); err == nil {
						code = co.CreditCode
					}
					codes[c.CompanyID] = code
				}
				return ex.Write(c.CommunityCode, c.CommunityName, c.Name, c.Address, c.Households, c.Buildings,
					CompoundSheet.Col("management").Label(lang, c.Management), code, c.ContractStart, c.ContractEnd)
			})
		})
}

// ExportScores writes the yearly scores of the companies serving an area.
// Errors as CompanyScores.
func (s *Service) ExportScores(ctx context.Context, code string, year int, w io.Writer) error {
	sc, err := s.CompanyScores(ctx, code, year)
	if err != nil {
		return err
	}
	return s.export(ctx, ScoreSheet, "property.score.export", map[string]any{"division": sc.Division, "year": sc.Year}, w,
		func(ex *xlsx.Exporter, _ string) error {
			for _, it := range sc.Items {
				rank := ""
				if it.Rank > 0 {
					rank = strconv.Itoa(it.Rank)
				}
				if err := ex.Write(rank, it.Name, it.Compounds, it.Ratings, num(it.AverageLevel), it.Complaints, it.Requests,
					num(it.ResponseRate), num(it.ResolutionRate), num(it.SatisfactionRate), num(it.Score)); err != nil {
					return err
				}
			}
			return nil
		})
}

func num(v *float64) any {
	if v == nil {
		return ""
	}
	return *v
}

// importRows reads an uploaded workbook and writes every row with insert
// inside one transaction, or none: any bad row fails the whole file with
// every problem named by row and column. build turns a row into a record
// and the problems of its cells; insert checks and writes it (an EINVALID
// from it is the row's problems).
func importRows[T any](ctx context.Context, s *Service, sheet *xlsx.Spec, r io.Reader, action string,
	build func(ctx context.Context, row xlsx.Row, lang string) (T, errs.Fields, error),
	insert func(ctx context.Context, t *T, actor string) (int64, error), flat func(*T) map[string]string) (int, error) {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return 0, err
	}
	rows, err := sheet.ReadLenient(ctx, r)
	if err != nil {
		return 0, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		lang, actor := i18n.From(ctx), auth.From(ctx).Name
		var bad errs.Fields
		for _, row := range rows {
			t, rowBad, err := build(ctx, row, lang)
			if err != nil {
				return err
			}
			if len(rowBad) == 0 {
				id, err := insert(ctx, &t, actor)
				if errs.Code(err) == errs.EINVALID {
					rowBad = append(rowBad, errs.As(err).Fields...)
				} else if err != nil {
					return err
				} else if err := s.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: "property", ObjectID: idStr(id),
					Detail: map[string]any{"after": flat(&t), "import_row": row.Line}}); err != nil {
					return err
				}
			}
			sheet.SortByColumn(rowBad)
			for _, fe := range rowBad {
				if len(bad) < sheet.MaxErrorsOr() {
					if fe.Row == 0 {
						fe = xlsx.RowError(row.Line, fe.Field, fe.Key, fe.Args...)
					}
					bad = append(bad, fe)
				}
			}
		}
		return bad.Err()
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

// ImportCompanies adds every company of a workbook, or none. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) ImportCompanies(ctx context.Context, r io.Reader) (int, error) {
	return importRows(ctx, s, CompanySheet, r, "property.company.create",
		func(_ context.Context, row xlsx.Row, _ string) (PropertyCompany, errs.Fields, error) {
			return PropertyCompany{DivisionCode: row.Get("division_code"), Name: row.Get("name"), CreditCode: row.Get("credit_code"),
				Contact: row.Get("contact"), Phone: row.Get("phone")}, nil, nil
		}, func(ctx context.Context, c *PropertyCompany, actor string) (int64, error) {
			p := PropertyCompanyPatch{}
			*c = p.apply(*c)
			return s.insertCompany(ctx, c, actor)
		}, flatCompany)
}

// ImportCompounds adds every compound of a workbook, or none; a company
// is named by its credit code. Errors: EINVALID, EFORBIDDEN.
func (s *Service) ImportCompounds(ctx context.Context, r io.Reader) (int, error) {
	return importRows(ctx, s, CompoundSheet, r, "property.compound.create",
		func(ctx context.Context, row xlsx.Row, lang string) (PropertyCompound, errs.Fields, error) {
			c := PropertyCompound{CommunityCode: row.Get("community_code"), Name: row.Get("name"), Address: row.Get("address")}
			var bad errs.Fields
			var reason string
			if c.Households, reason = xlsx.Int(row.Get("households")); reason != "" {
				bad.Add("households", reason)
			}
			if c.Buildings, reason = xlsx.Int(row.Get("buildings")); reason != "" {
				bad.Add("buildings", reason)
			}
			if v := row.Get("management"); v != "" {
				if m, ok := CompoundSheet.Col("management").Pick(v); ok {
					c.Management = m
				} else {
					bad = append(bad, CompoundSheet.Col("management").NotOneOf(row.Line, lang, v))
				}
			}
			for _, d := range []struct {
				key string
				dst *string
			}{{"contract_start", &c.ContractStart}, {"contract_end", &c.ContractEnd}} {
				if t, reason := xlsx.Date(row.Get(d.key)); reason != "" {
					bad.Add(d.key, reason)
				} else if !t.IsZero() {
					*d.dst = t.Format(DateLayout)
				}
			}
			if code := row.Get("company_credit_code"); code != "" && c.Management == ByCompany {
				id, err := s.Store.companyByCode(ctx, code)
				if errs.Code(err) == errs.ENOTFOUND {
					bad.Add("company_credit_code", "property.company_code_unknown", code)
				} else if err != nil {
					return c, nil, err
				}
				c.CompanyID = id
			}
			return c, bad, nil
		}, func(ctx context.Context, c *PropertyCompound, actor string) (int64, error) {
			p := PropertyCompoundPatch{}
			*c = p.apply(*c)
			return s.insertCompound(ctx, c, actor)
		}, flatCompound)
}
