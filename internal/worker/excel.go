package worker

import (
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/pii"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the workers' Excel layout: the import template, the import and
// the export share it, so an export can be read back (after its masked
// phones are filled in).
var Sheet = &xlsx.Spec{
	SheetZh: "社区工作者", SheetEn: "Community workers",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "所在村(社区)代码", En: "Community code", Required: true, Example: "131102001045", Width: 16,
			HelpZh: "12 位统计用区划代码，须在您的辖区内", HelpEn: "the 12-digit statistical code; must be in your area"},
		{Key: "community_name", Zh: "所在村(社区)", En: "Community", Width: 24,
			HelpZh: "仅供阅读，导入时不使用", HelpEn: "for reading only; not used on import"},
		{Key: "name", Zh: "姓名", En: "Name", Required: true, Example: "张建国", HelpZh: "不超过 50 字", HelpEn: "at most 50 characters"},
		{Key: "phone", Zh: "联系电话", En: "Phone", Required: true, Example: "13800138000", Width: 16,
			HelpZh: "11 位手机号或带区号的固定电话", HelpEn: "an 11-digit mobile or a landline with its area code"},
		{Key: "id_number", Zh: "身份证号码", En: "ID number", Example: "110101199003074477", Width: 22,
			HelpZh: "18 位，选填；校验码须正确", HelpEn: "18 characters, optional; the check character must be right"},
		{Key: "post", Zh: "岗位", En: "Post", Required: true, Example: "党组织书记", Width: 16,
			Choice: &xlsx.Choice{Codes: Posts, Label: "worker.post."}},
		{Key: "in_post_from", Zh: "任职开始日期", En: "In post from", Required: true, Example: "2021-01-15", HelpZh: "如 2021-01-15", HelpEn: "e.g. 2021-01-15"},
		{Key: "in_post_to", Zh: "离岗日期", En: "In post until", Example: "", HelpZh: "仍在岗则留空", HelpEn: "empty while in post"},
		{Key: "certified_social_worker", Zh: "持证社工", En: "Certified social worker", Example: "否", HelpZh: "是 或 否", HelpEn: "yes or no", Bool: true},
		{Key: "disaster_officer", Zh: "灾害信息员", En: "Disaster information officer", Example: "是", HelpZh: "是 或 否", HelpEn: "yes or no", Bool: true},
	},
	MaxRows: 20000,
}

// WriteTemplate writes the import template in lang.
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer) error {
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return err
	}
	return Sheet.WriteTemplate(w, i18n.From(ctx))
}

// Export writes every worker the filter selects (paging aside) as a
// workbook, phones and ID numbers masked, and audits it. Errors:
// EINVALID, EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, w io.Writer) error {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return err
	}
	if err := s.checkFilter(ctx, &f); err != nil {
		return err
	}
	lang := i18n.From(ctx)
	return Sheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.each(ctx, f, s.today(), func(wk Worker) error {
			return ex.Write(wk.CommunityCode, wk.CommunityName, pii.MaskName(wk.Name), wk.Phone, wk.IDNumber, Sheet.Col("post").Label(lang, wk.Post),
				wk.InPostFrom, wk.InPostTo, xlsx.BoolText(wk.CertifiedSocialWorker, lang), xlsx.BoolText(wk.DisasterOfficer, lang))
		})
	}, func(rows int) error {
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.export", ObjectType: "worker", ObjectID: "*",
			Detail: map[string]any{"rows": rows, "filter": map[string]string{"q": f.Q, "division": f.Division, "post": f.Post, "status": f.Status}}})
	})
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Unchanged int `json:"unchanged"`
}

// Import takes every worker of an uploaded workbook, or none: any bad row
// (a bad value, a community outside the caller's area, an ID number twice
// in the file) fails the whole file with every problem named by row and
// column. A row whose ID number is already registered in its community
// updates that worker with the columns the sheet has (audited as an
// update, with its row); any other row adds a worker, so a worker without
// an ID number is added again by each import. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	if _, err := auth.Require(ctx, EditRoles...); err != nil {
		return res, err
	}
	rows, err := Sheet.ReadLenient(ctx, r)
	if err != nil {
		return res, err
	}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		res = ImportResult{}
		firstLine := map[string]int{}
		var bad errs.Fields
		recs := make([]record, 0, len(rows))
		kinds := map[string]error{}
		add := func(line int, field, key string, args ...any) {
			if len(bad) < Sheet.MaxErrorsOr() {
				bad = append(bad, xlsx.RowError(line, field, key, args...))
			}
		}
		for _, row := range rows {
			rec := record{CommunityCode: row.Get("community_code"), Name: row.Get("name"), Phone: NormalizePhone(row.Get("phone")),
				IDNumber: strings.ToUpper(row.Get("id_number")), InPostFrom: row.Get("in_post_from"), InPostTo: row.Get("in_post_to")}
			var rowBad errs.Fields
			if p, ok := Sheet.Col("post").Pick(row.Get("post")); ok {
				rec.Post = p
			} else {
				rowBad = append(rowBad, Sheet.Col("post").NotOneOf(row.Line, i18n.From(ctx), row.Get("post")))
			}
			for _, k := range []string{"in_post_from", "in_post_to"} {
				if v := row.Get(k); v != "" {
					t, reason := xlsx.Date(v)
					if reason != "" {
						rowBad.Add(k, "worker.date_invalid")
						continue
					}
					if k == "in_post_from" {
						rec.InPostFrom = t.Format(DateLayout)
					} else {
						rec.InPostTo = t.Format(DateLayout)
					}
				}
			}
			var reason string
			if rec.CertifiedSocialWorker, reason = xlsx.Bool(row.Get("certified_social_worker")); reason != "" {
				rowBad.Add("certified_social_worker", reason)
			}
			if rec.DisasterOfficer, reason = xlsx.Bool(row.Get("disaster_officer")); reason != "" {
				rowBad.Add("disaster_officer", reason)
			}
			for _, fe := range rec.validate() {
				// The post's and dates' own messages above say more.
				if (fe.Field == "post" && rec.Post == "" && row.Get("post") != "") || (slices.Contains([]string{"in_post_from", "in_post_to"}, fe.Field) && hasField(rowBad, fe.Field)) {
					continue
				}
				rowBad = append(rowBad, fe)
			}
			if rec.CommunityCode != "" {
				cerr, seen := kinds[rec.CommunityCode]
				if !seen {
					_, cerr = s.Store.community(ctx, rec.CommunityCode)
					kinds[rec.CommunityCode] = cerr
				}
				if errs.Code(cerr) == errs.ENOTFOUND {
					rowBad.Add("community_code", "worker.community_not_found", rec.CommunityCode)
				} else if cerr != nil {
					return cerr
				}
			}
			if rec.IDNumber != "" && !hasField(rowBad, "id_number") {
				if first, ok := firstLine[rec.IDNumber]; ok {
					rowBad.Add("id_number", "worker.duplicate_in_file", first)
				} else {
					firstLine[rec.IDNumber] = row.Line
				}
			}
			// A row's problems in the order of its columns.
			Sheet.SortByColumn(rowBad)
			for _, fe := range rowBad {
				add(row.Line, fe.Field, fe.Key, fe.Args...)
			}
			recs = append(recs, rec)
		}
		if err := bad.Err(); err != nil {
			return err
		}
		now := s.Now().UTC().Truncate(time.Microsecond)
		actor := auth.From(ctx).Name
		codes, years := map[string]bool{}, map[int]bool{}
		for i := range recs {
			rec := &recs[i]
			codes[rec.CommunityCode] = true
			s.yearsOf(years, rec.InPostFrom, rec.InPostTo)
			id, err := s.Store.byIDNumber(ctx, rec.CommunityCode, rec.IDNumber)
			if err != nil {
				return err
			}
			if id != 0 {
				cur, err := s.Store.get(ctx, id)
				if err != nil {
					return err
				}
				before, err := s.Store.open(cur)
				if err != nil {
					return err
				}
				after := mergeRow(before, *rec, rows[i])
				b, a := diff(&before, &after)
				if len(a) == 0 {
					res.Unchanged++
					continue
				}
				if err := s.Store.update(ctx, &after, before.Version, actor, now); err != nil {
					return err
				}
				s.yearsOf(years, before.InPostFrom, before.InPostTo)
				s.yearsOf(years, after.InPostFrom, after.InPostTo)
				res.Updated++
				if err := s.Audit.Write(ctx, audit.Entry{Action: "worker.update", ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
					Detail: map[string]any{"before": b, "after": a, "import_row": rows[i].Line}}); err != nil {
					return err
				}
				continue
			}
			if id, err = s.Store.insert(ctx, rec, actor, now); err != nil {
				return err
			}
			res.Created++
			// Each imported worker is audited as a creation, with its row.
			if err := s.Audit.Write(ctx, audit.Entry{Action: "worker.create", ObjectType: "worker", ObjectID: strconv.FormatInt(id, 10),
				Detail: map[string]any{"after": flat(rec), "import_row": rows[i].Line}}); err != nil {
				return err
			}
		}
		if err := s.refresh(ctx, codes, years); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "worker.import", ObjectType: "worker", ObjectID: "*",
			Detail: map[string]any{"rows": len(recs), "created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged, "communities": len(codes)}})
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// mergeRow is a registered worker with the values of an import row's
// columns; a column the sheet does not have keeps the worker's value.
func mergeRow(before, rec record, row xlsx.Row) record {
	out := before
	for _, c := range []struct {
		key string
		set func()
	}{
		{"community_code", func() { out.CommunityCode = rec.CommunityCode }},
		{"name", func() { out.Name = rec.Name }},
		{"phone", func() { out.Phone = rec.Phone }},
		{"id_number", func() { out.IDNumber = rec.IDNumber }},
		{"post", func() { out.Post = rec.Post }},
		{"in_post_from", func() { out.InPostFrom = rec.InPostFrom }},
		{"in_post_to", func() { out.InPostTo = rec.InPostTo }},
		{"certified_social_worker", func() { out.CertifiedSocialWorker = rec.CertifiedSocialWorker }},
		{"disaster_officer", func() { out.DisasterOfficer = rec.DisasterOfficer }},
	} {
		if row.Has(c.key) {
			c.set()
		}
	}
	return out
}

func hasField(f errs.Fields, name string) bool {
	for _, e := range f {
		if e.Field == name {
			return true
		}
	}
	return false
}
