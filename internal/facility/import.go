package facility

import (
	"context"
	"io"
	"sort"
	"strconv"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the registry's workbook layout: template, import and export.
var Sheet = func() *xlsx.Spec {
	s := &xlsx.Spec{SheetZh: "服务设施", SheetEn: "Facilities", MaxRows: 50000, MaxBytes: 30 << 20}
	s.Columns = []xlsx.Column{
		{Key: "id", Zh: "编号", En: "ID", HelpZh: "留空为新增；填写已有设施的编号则修改该设施", HelpEn: "empty adds a facility; an existing facility's ID changes it", Width: 8},
		{Key: "division_code", Zh: "服务的村(社区)或乡镇(街道)代码", En: "Division code served", Required: true,
			HelpZh: "12 位统计用区划代码，须在您的辖区内；社会工作服务站一般填乡镇(街道)代码", HelpEn: "12-digit statistical code inside your area; a social work station usually serves a township", Example: "131102001045", Width: 16},
		{Key: "division_name", Zh: "村(社区)名称", En: "Division name", HelpZh: "仅供阅读，导入时不使用", HelpEn: "for reading only; ignored on import", Width: 14},
		{Key: "kind", Zh: "设施类型", En: "Kind", Required: true, Example: "综合服务设施", Width: 16,
			Choice: &xlsx.Choice{Codes: Kinds, Label: "facility.kind."}},
		{Key: "name", Zh: "设施名称", En: "Name", Required: true, Example: "游园社区党群服务中心", Width: 24},
		{Key: "address", Zh: "地址", En: "Address", Width: 24},
		{Key: "floor_area", Zh: "建筑面积(m²)", En: "Floor area (m²)", HelpZh: "数字，可带两位小数", HelpEn: "a number, up to two decimals", Example: "650"},
		{Key: "activity_area", Zh: "居民活动区域面积(m²)", En: "Resident activity area (m²)", HelpZh: "不能大于建筑面积", HelpEn: "not more than the floor area", Example: "420"},
		{Key: "commercial_area", Zh: "商业面积(m²)", En: "Commercial area (m²)", Example: "0"},
		{Key: "status", Zh: "状态", En: "Status", HelpZh: "留空为在用", HelpEn: "empty means in use", Example: "在用",
			Choice: &xlsx.Choice{Codes: Statuses, Label: "facility.status."}},
		{Key: "year_opened", Zh: "启用年份", En: "Year opened", Example: "2019"},
		{Key: "newly_built", Zh: "是否新建", En: "Newly built", HelpZh: "是或否", HelpEn: "yes or no", Example: "否", Bool: true},
	}
	for _, d := range Weekdays {
		s.Columns = append(s.Columns, xlsx.Column{Key: "hours_" + d, Zh: weekdayZh[d] + "开放时间", En: "Hours " + weekdayEn[d],
			HelpZh: "如 08:30-12:00,14:00-18:00；不开放留空", HelpEn: "e.g. 08:30-12:00,14:00-18:00; empty when closed", Example: "08:30-18:00", Width: 14})
	}
	s.Columns = append(s.Columns,
		xlsx.Column{Key: "online_24h", Zh: "24小时线上服务", En: "24-hour online service", HelpZh: "是或否", HelpEn: "yes or no", Example: "是", Bool: true},
		xlsx.Column{Key: "barrier_free", Zh: "无障碍", En: "Barrier-free", HelpZh: "是或否", HelpEn: "yes or no", Example: "是", Bool: true},
		xlsx.Column{Key: "age_friendly", Zh: "适老化", En: "Age-friendly", HelpZh: "是或否", HelpEn: "yes or no", Example: "是", Bool: true},
		xlsx.Column{Key: "fitness_circle", Zh: "15分钟健身圈", En: "15-minute fitness circle", HelpZh: "是或否", HelpEn: "yes or no", Example: "否", Bool: true},
		xlsx.Column{Key: "terminals", Zh: "政务自助终端(台)", En: "Self-service terminals", HelpZh: "正常使用的政务通用自助终端台数", HelpEn: "working government self-service terminals", Example: "1"},
		xlsx.Column{Key: "closed_on", Zh: "关闭日期", En: "Closed on", HelpZh: "状态为已关闭时填写，如 2024-05-01", HelpEn: "when closed, e.g. 2024-05-01"},
		xlsx.Column{Key: "close_reason", Zh: "关闭原因", En: "Close reason", HelpZh: "状态为已关闭时必填", HelpEn: "required when closed"},
	)
	return s
}()

var weekdayZh = map[string]string{"mon": "周一", "tue": "周二", "wed": "周三", "thu": "周四", "fri": "周五", "sat": "周六", "sun": "周日"}
var weekdayEn = map[string]string{"mon": "Mon", "tue": "Tue", "wed": "Wed", "thu": "Thu", "fri": "Fri", "sat": "Sat", "sun": "Sun"}

// WriteTemplate writes the empty workbook to fill in, in the caller's
// language, with the list of kinds in its instructions.
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return Sheet.WriteTemplate(w, i18n.From(ctx))
}

// ImportResult says what an import did.
type ImportResult struct {
	Rows     int      `json:"rows"`
	Created  int      `json:"created"`
	Updated  int      `json:"updated"`
	Warnings []string `json:"warnings,omitempty"`
}

// refreshLimit: an import touching more divisions than this rebuilds the
// measures with set-based statements instead of refreshing each one.
const refreshLimit = 200

type importRow struct {
	line int
	id   int64
	f    Facility
}

// parseRow turns one sheet row into a facility, naming every bad cell
// (a closed column's with its labels in lang).
func parseRow(r *xlsx.Row, lang string, bad *errs.Fields) importRow {
	out := importRow{line: r.Line}
	add := func(field, key string, args ...any) { *bad = append(*bad, xlsx.RowError(r.Line, field, key, args...)) }
	f := &out.f
	if v := r.Get("id"); v != "" {
		id, reason := xlsx.Int(v)
		if reason != "" || id <= 0 {
			add("id", "facility.bad_id")
		}
		out.id = id
	}
	f.DivisionCode = r.Get("division_code")
	if k, ok := Sheet.Col("kind").Pick(r.Get("kind")); ok {
		f.Kind = k
	} else {
		*bad = append(*bad, Sheet.Col("kind").NotOneOf(r.Line, lang, r.Get("kind")))
	}
	f.Name, f.Address = r.Get("name"), r.Get("address")
	for _, a := range []struct {
		key string
		dst *float64
	}{{"floor_area", &f.FloorArea}, {"activity_area", &f.ActivityArea}, {"commercial_area", &f.CommercialArea}} {
		v, reason := xlsx.Float(r.Get(a.key))
		if reason != "" {
			add(a.key, reason)
		}
		*a.dst = v
	}
	f.Status = InUse
	if k, ok := Sheet.Col("status").Pick(r.Get("status")); !ok {
		*bad = append(*bad, Sheet.Col("status").NotOneOf(r.Line, lang, r.Get("status")))
	} else if k != "" {
		f.Status = k
	}
	for _, n := range []struct {
		key string
		dst *int
	}{{"year_opened", &f.YearOpened}, {"terminals", &f.Terminals}} {
		v, reason := xlsx.Int(r.Get(n.key))
		if reason != "" {
			add(n.key, reason)
		}
		*n.dst = int(v)
	}
	for _, bl := range []struct {
		key string
		dst *bool
	}{{"newly_built", &f.NewlyBuilt}, {"online_24h", &f.Online24h}, {"barrier_free", &f.BarrierFree}, {"age_friendly", &f.AgeFriendly}, {"fitness_circle", &f.FitnessCircle}} {
		v, reason := xlsx.Bool(r.Get(bl.key))
		if reason != "" {
			add(bl.key, reason)
		}
		*bl.dst = v
	}
	for i, d := range Weekdays {
		f.Hours[i] = r.Get("hours_" + d)
	}
	if v := r.Get("closed_on"); v != "" {
		t, reason := xlsx.Date(v)
		if reason != "" {
			add("closed_on", reason)
		} else {
			f.ClosedOn = t.Format("2006-01-02")
		}
	}
	f.CloseReason = r.Get("close_reason")
	return out
}

// Import reads a workbook of facilities and adds (or, for rows with an ID,
// changes) them in one transaction: a workbook with any bad row changes
// nothing, and the error names every bad row and column in the user's
// language. Every division must be a township or community inside the
// caller's area. Errors: EUNAUTHORIZED, EFORBIDDEN, EINVALID.
func (s *Service) Import(ctx context.Context, r io.Reader) (*ImportResult, error) {
	pr, err := auth.Require(ctx, EditRoles...)
	if err != nil {
		return nil, err
	}
	rows, err := Sheet.Read(ctx, r)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	places, err := s.Store.Places(ctx, lo, hi)
	if err != nil {
		return nil, err
	}
	var bad errs.Fields
	maxErr := Sheet.MaxErrorsOr()
	parsed := make([]importRow, 0, len(rows))
	now := s.Now()
	ids := map[int64]int{}
	res := &ImportResult{Rows: len(rows)}
	lang := i18n.From(ctx)
	for i := range rows {
		if len(bad) >= maxErr {
			break
		}
		var rowBad errs.Fields
		ir := parseRow(&rows[i], lang, &rowBad)
		f := &ir.f
		if ir.id > 0 {
			if prev, ok := ids[ir.id]; ok {
				rowBad = append(rowBad, xlsx.RowError(ir.line, "id", "facility.duplicate_id", prev))
			}
			ids[ir.id] = ir.line
		}
		if f.Status == Closed && f.ClosedOn == "" {
			f.ClosedOn = s.today()
		}
		if err := f.Validate(now); err != nil {
			for _, fe := range errs.As(err).Fields {
				if !hasField(rowBad, fe.Field) {
					fe.Row = ir.line
					rowBad = append(rowBad, fe)
				}
			}
		}
		if f.DivisionCode != "" {
			p, ok := places[f.DivisionCode]
			if !ok {
				rowBad = append(rowBad, xlsx.RowError(ir.line, "division_code", "facility.division_outside"))
			} else {
				f.DivisionName = p.Name
				for _, w := range f.Warnings(p.Kind) {
					if len(res.Warnings) < maxErr {
						res.Warnings = append(res.Warnings, i18n.T(lang, "error.row_field", ir.line, i18n.Key("field.floor_area"), i18n.T(lang, w)))
					}
				}
			}
		}
		f.UpdatedBy = pr.Name
		bad = append(bad, rowBad...)
		parsed = append(parsed, ir)
	}
	if len(bad) > maxErr {
		bad = bad[:maxErr]
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		touched := map[string]bool{}
		var creates []*Facility
		var changed []map[string]any
		stamp := now.UTC().Truncate(1000)
		var rowBad errs.Fields
		for i := range parsed {
			ir := &parsed[i]
			touched[ir.f.DivisionCode] = true
			if ir.id == 0 {
				creates = append(creates, &ir.f)
				continue
			}
			before, err := s.Store.Get(ctx, ir.id, true)
			if errs.Code(err) == errs.ENOTFOUND {
				rowBad = append(rowBad, xlsx.RowError(ir.line, "id", "facility.id_not_found"))
				continue
			}
			if err != nil {
				return err
			}
			ir.f.ID = ir.id
			b, a := audit.Changes(flat(before), flat(&ir.f))
			if len(a) == 0 {
				continue
			}
			touched[before.DivisionCode] = true
			if err := s.Store.Update(ctx, &ir.f, before.Version, stamp); err != nil {
				return err
			}
			res.Updated++
			changed = append(changed, map[string]any{"id": ir.id, "before": b, "after": a})
		}
		if err := rowBad.Err(); err != nil {
			return err
		}
		if err := s.Store.InsertMany(ctx, creates, stamp); err != nil {
			return err
		}
		res.Created = len(creates)
		if len(touched) > refreshLimit {
			if err := s.RebuildMeasures(ctx); err != nil {
				return err
			}
		} else {
			codes := make([]string, 0, len(touched))
			for c := range touched {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			if err := s.Refresh(ctx, codes...); err != nil {
				return err
			}
		}
		// One record for the whole import: what it added (the rows are the
		// file's) and every change with its before and after.
		return s.Audit.Write(ctx, audit.Entry{Action: "facility.import", ObjectType: "facility", ObjectID: "*",
			Detail: map[string]any{"rows": res.Rows, "created": res.Created, "updated": res.Updated, "changes": changed}})
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func hasField(fs errs.Fields, field string) bool {
	for _, f := range fs {
		if f.Field == field {
			return true
		}
	}
	return false
}

// ExportInfo says what an export held.
type ExportInfo struct {
	Rows int
	Cut  bool
}

// Export writes the facilities the filter selects inside the caller's area
// (what the list shows, every page of it, up to ExportMax) as a workbook
// that imports back, and records the export. Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID, ENOTFOUND.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) (*ExportInfo, error) {
	lang := i18n.From(ctx)
	max := s.ExportMax
	if max <= 0 {
		max = DefaultExportMax
	}
	var info ExportInfo
	err := Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		var err error
		info.Rows, info.Cut, err = s.Each(ctx, f, max, func(x *Facility) error {
			vals := []any{x.ID, x.DivisionCode, x.DivisionName, Sheet.Col("kind").Label(lang, x.Kind), x.Name, x.Address,
				x.FloorArea, x.ActivityArea, x.CommercialArea, Sheet.Col("status").Label(lang, x.Status), yearCell(x.YearOpened),
				xlsx.BoolText(x.NewlyBuilt, lang)}
			for _, d := range x.Hours {
				vals = append(vals, d)
			}
			vals = append(vals, xlsx.BoolText(x.Online24h, lang), xlsx.BoolText(x.BarrierFree, lang), xlsx.BoolText(x.AgeFriendly, lang),
				xlsx.BoolText(x.FitnessCircle, lang), x.Terminals, x.ClosedOn, x.CloseReason)
			return ex.Write(vals...)
		})
		return err
	}, func(int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "facility.export", ObjectType: "facility", ObjectID: "*",
			Detail: map[string]any{"filter": f, "rows": info.Rows, "cut": info.Cut}})
	})
	if err != nil {
		return nil, err
	}
	return &info, nil
}

func yearCell(y int) any {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}
