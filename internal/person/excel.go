package person

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
)

// Sheet is the import layout: one person per row, with at most one group
// membership (add further ones on the person's page).
var Sheet = &xlsx.Spec{
	SheetZh: "人员信息", SheetEn: "People",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "所在村(社区)代码", En: "Community code", Required: true, Example: "131102001045", Width: 16,
			HelpZh: "12 位统计用区划代码，须在您的辖区内", HelpEn: "the 12-digit statistical code; must be in your area"},
		{Key: "name", Zh: "姓名", En: "Name", Required: true, Example: "张建国", HelpZh: "不超过 50 字", HelpEn: "at most 50 characters"},
		{Key: "id_number", Zh: "身份证号码", En: "ID number", Required: true, Example: "110101194003074475", Width: 22,
			HelpZh: "18 位，校验码须正确；出生日期和性别由此得出；同一号码只能登记一次", HelpEn: "18 characters with a right check character; birth date and sex come from it; each number once"},
		{Key: "phone", Zh: "联系电话", En: "Phone", Example: "13800138000", Width: 16,
			HelpZh: "11 位手机号或带区号的固定电话", HelpEn: "an 11-digit mobile or a landline with its area code"},
		{Key: "address", Zh: "地址", En: "Address", Example: "幸福路 8 号 3 单元 201", Width: 30, HelpZh: "不超过 500 字", HelpEn: "at most 500 characters"},
		{Key: "household", Zh: "家庭成员", En: "Household members", Example: "配偶 李秀英；长子 张伟(在外务工)", Width: 30,
			HelpZh: "关系和姓名；不要填写身份证号码或手机号码", HelpEn: "relation and name; no ID or mobile numbers"},
		{Key: "contact_name", Zh: "联系人", En: "Contact person", Example: "张伟"},
		{Key: "contact_phone", Zh: "联系人电话", En: "Contact's phone", Example: "13900139000", Width: 16},
		{Key: "group", Zh: "人群类别", En: "Group", Example: "特殊困难老年人", Width: 18, HelpZh: "可留空", HelpEn: "may be empty",
			Choice: &xlsx.Choice{Codes: Groups, Label: "person.group."}},
		{Key: "kinds", Zh: "老年人类型", En: "Elderly kinds", Example: "独居、高龄(80岁以上)", Width: 20,
			HelpZh: "特殊困难老年人必填", HelpEn: "required for the elderly group",
			Choice: &xlsx.Choice{Codes: ElderlyKinds, Label: "person.kind.", Multi: true,
				Aliases: map[string]string{"高龄": "aged_80_plus", "失能": "disabled", "半失能": "disabled", "失独": "lost_only_child"}}},
		{Key: "category", Zh: "残疾类别", En: "Disability category", Example: "", Width: 14,
			HelpZh: "残疾人必填", HelpEn: "required for disability",
			// Earlier templates asked for the short forms.
			Choice: &xlsx.Choice{Codes: DisabilityCategories, Label: "person.category.", Aliases: map[string]string{
				"视力": "visual", "听力": "hearing", "言语": "speech", "肢体": "physical", "智力": "intellectual", "精神": "mental", "多重": "multiple"}}},
		{Key: "grade", Zh: "残疾等级", En: "Disability grade", Example: "", HelpZh: "残疾人必填", HelpEn: "required for disability",
			Choice: &xlsx.Choice{Codes: DisabilityGrades, Label: "person.grade.", Aliases: map[string]string{
				"1级": "1", "2级": "2", "3级": "3", "4级": "4", "一级残疾": "1", "二级残疾": "2", "三级残疾": "3", "四级残疾": "4"}}},
		{Key: "start", Zh: "开始日期", En: "Start", Example: "2024-01-01", HelpZh: "填写人群类别时必填", HelpEn: "required with a group"},
		{Key: "end", Zh: "结束日期", En: "End", Example: "", HelpZh: "仍在该人群中则留空", HelpEn: "empty while it lasts"},
		{Key: "basis", Zh: "认定依据", En: "Basis", Example: "2024 年入户核查", Width: 24,
			HelpZh: "填写人群类别时必填：证件、认定文件或核查记录", HelpEn: "required with a group: a certificate, a decision or a check"},
	},
	MaxRows:  1_000_000,
	MaxBytes: 200 << 20,
}

// WriteTemplate writes the import template in the caller's language.
func (s *Service) WriteTemplate(ctx context.Context, w io.Writer) error {
	if _, err := auth.Require(ctx, KeepRoles...); err != nil {
		return err
	}
	return Sheet.WriteTemplate(w, i18n.From(ctx))
}

// norm folds a header for matching.
func norm(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimSuffix(strings.TrimPrefix(h, "*"), "*")
	h = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "").Replace(h)
	return strings.ToLower(strings.TrimSpace(h))
}

// importBatch is how many rows one INSERT statement carries.
const importBatch = 200

type pending struct {
	line   int
	r      record
	idx    string
	sealed sealed
}

// importer streams the rows of an upload into the open transaction:
// every row is validated and checked against the file and the database;
// while no row is bad, valid rows are inserted in batches; any bad row
// stops the inserting (the transaction then rolls back) but the reading
// goes on, so that every bad row is named.
type importer struct {
	s           *Service
	now         time.Time
	actor       string
	communities map[string]bool
	seen        map[[32]byte]int
	bad         errs.Fields
	total       int // bad rows, also those past the listing cap
	rows        int
	touched     map[string]bool
	bulk        bulk
	lang        string     // the user's, for the allowed values of a closed column
	mu          sync.Mutex // guards bad and total: the reader and the writer both name rows
}

func (im *importer) failed() bool {
	im.mu.Lock()
	defer im.mu.Unlock()
	return im.total > 0
}

func (im *importer) fail(line int, field, key string, args ...any) {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.total++
	if len(im.bad) < Sheet.MaxErrorsOr() {
		im.bad = append(im.bad, xlsx.RowError(line, field, key, args...))
	}
}

// Import reads a workbook of people (the template's layout) and adds them
// all, or none: every bad row is named with its column and reason, and an
// ID number that repeats in the file or is already registered is named
// too. It returns how many were imported. Errors: EINVALID, EFORBIDDEN.
func (s *Service) Import(ctx context.Context, r io.Reader) (int, error) {
	p, err := auth.Require(ctx, KeepRoles...)
	if err != nil {
		return 0, err
	}
	data, err := io.ReadAll(io.LimitReader(r, Sheet.MaxBytes+1))
	switch {
	case err != nil:
		return 0, errs.Invalid(errs.Field("upload", "xlsx.unreadable"))
	case int64(len(data)) > Sheet.MaxBytes:
		return 0, errs.Invalid(errs.Field("upload", "xlsx.too_large", Sheet.MaxBytes>>20))
	case len(data) == 0:
		return 0, errs.Invalid(errs.Field("upload", "xlsx.empty"))
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return 0, errs.Invalid(errs.Field("upload", "xlsx.not_workbook"))
	}
	rows, err := xlsx.OpenRows(data, Sheet.MaxBytes*20, Sheet.SheetZh, Sheet.SheetEn)
	if err != nil {
		return 0, xlsx.Refusal(err, 0, Sheet.MaxBytes)
	}
	defer rows.Close()
	im := &importer{s: s, now: s.Now(), actor: p.Name, seen: map[[32]byte]int{}, touched: map[string]bool{}, lang: i18n.From(ctx)}
	var n int
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if im.communities, err = s.Store.communities(ctx); err != nil {
			return err
		}
		defer im.bulk.close()
		defer s.DB.GrowCache(ctx)()
		if err := im.read(ctx, rows); err != nil {
			return err
		}
		if len(im.bad) > 0 {
			return errs.Invalid(im.bad...)
		}
		if im.rows == 0 {
			return errs.Invalid(errs.Field("upload", "xlsx.no_rows"))
		}
		codes := make([]string, 0, len(im.touched))
		for c := range im.touched {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		// Many communities: one set-based rebuild is cheaper than a Set
		// per community.
		if len(codes) > 50 {
			if err := s.Reconcile(ctx, true); err != nil {
				return err
			}
		} else if err := s.refresh(ctx, codes...); err != nil {
			return err
		}
		n = im.rows
		return s.Audit.Write(ctx, audit.Entry{Action: "person.import", ObjectType: "person",
			Detail: map[string]any{"rows": n, "communities": len(codes)}})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// read goes through the rows after the header in three stages that
// overlap: one goroutine reads the sheet, one validates and seals the rows,
// and this one checks them against the database and inserts them.
func (im *importer) read(ctx context.Context, rows *xlsx.Rows) error {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	raw := make(chan []rawRow, 8)
	batches := make(chan []pending, 4)
	var rerr, verr error
	go func() {
		defer close(raw)
		rerr = im.scan(rctx, rows, raw)
	}()
	go func() {
		defer close(batches)
		verr = im.check(raw, batches)
	}()
	var werr error
	for b := range batches {
		if werr == nil {
			if werr = im.flush(ctx, b); werr != nil {
				cancel()
			}
		}
	}
	for _, err := range []error{werr, rerr, verr} {
		if err != nil {
			return err
		}
	}
	sort.SliceStable(im.bad, func(i, j int) bool { return im.bad[i].Row < im.bad[j].Row })
	return nil
}

// rawRow is a data row as read: its line and its cells by Sheet column.
type rawRow struct {
	line  int
	cells []string
}

// scan reads the sheet: the header, then the data rows in chunks.
func (im *importer) scan(ctx context.Context, rows *xlsx.Rows, out chan<- []rawRow) error {
	var cols []int // cell index → Sheet column (-1: none)
	const chunk = 256
	buf := make([]rawRow, 0, chunk)
	for n := 0; rows.Next(); n++ {
		line, cells := rows.Row(), rows.Columns()
		if blank(cells) {
			continue
		}
		if cols == nil {
			if cols = im.header(line, cells); im.failed() {
				return errs.Invalid(im.bad...)
			}
			continue
		}
		if n%1024 == 0 && ctx.Err() != nil {
			return errs.Internal("person.importer.scan: Row", ctx.Err())
		}
		im.rows++
		if im.rows > Sheet.MaxRows {
			return errs.Invalid(errs.Field("upload", "xlsx.too_many_rows", Sheet.MaxRows))
		}
		v := make([]string, len(Sheet.Columns))
		for i, c := range cells {
			if i < len(cols) && cols[i] >= 0 {
				v[cols[i]] = strings.TrimSpace(c)
			} else if strings.TrimSpace(c) != "" {
				name, _ := excelize.ColumnNumberToName(i + 1)
				im.fail(line, "upload", "xlsx.cell_without_header", name)
			}
		}
		buf = append(buf, rawRow{line: line, cells: v})
		if len(buf) == chunk {
			out <- buf
			buf = make([]rawRow, 0, chunk)
		}
	}
	if err := rows.Err(); err != nil {
		return xlsx.Refusal(err, rows.Row(), Sheet.MaxBytes)
	}
	if cols == nil {
		return errs.Invalid(errs.Field("upload", "xlsx.no_header"))
	}
	if len(buf) > 0 {
		out <- buf
	}
	return nil
}

// check validates and seals the rows, sending them on in batches.
func (im *importer) check(in <-chan []rawRow, out chan<- []pending) error {
	var err error
	batch := make([]pending, 0, importBatch)
	for rs := range in {
		for _, rr := range rs {
			if err != nil {
				continue // drain
			}
			var p pending
			var ok bool
			if p, ok, err = im.row(rr.line, rr.cells); err != nil || !ok {
				continue
			}
			batch = append(batch, p)
			if len(batch) == importBatch {
				out <- batch
				batch = make([]pending, 0, importBatch)
			}
		}
	}
	if err == nil && len(batch) > 0 {
		out <- batch
	}
	return err
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// header maps the header cells to columns, naming unknown, repeated and
// missing required ones.
func (im *importer) header(line int, cells []string) []int {
	byName := map[string]int{}
	for i, c := range Sheet.Columns {
		for _, n := range []string{c.Zh, c.En, c.Key} {
			byName[norm(n)] = i
		}
	}
	cols := make([]int, len(cells))
	seen := map[int]bool{}
	for i, h := range cells {
		cols[i] = -1
		if strings.TrimSpace(h) == "" {
			continue
		}
		ci, ok := byName[norm(h)]
		switch {
		case !ok:
			im.fail(line, "upload", "xlsx.unknown_column", strings.TrimSpace(h))
		case seen[ci]:
			im.fail(line, Sheet.Columns[ci].Key, "xlsx.duplicate_column")
		default:
			seen[ci] = true
			cols[i] = ci
		}
	}
	for i, c := range Sheet.Columns {
		if c.Required && !seen[i] {
			im.fail(line, c.Key, "xlsx.missing_column")
		}
	}
	return cols
}

// row checks one data row and queues it.
func (im *importer) row(line int, v []string) (pending, bool, error) {
	r := record{CommunityCode: v[0], Name: v[1], IDNumber: v[2], Phone: v[3], Address: v[4], Household: v[5],
		ContactName: v[6], ContactPhone: v[7]}
	var badDate [2]bool
	var named []string // closed columns whose bad value is named from the cell
	notOneOf := func(key, value string) {
		fe := Sheet.Col(key).NotOneOf(line, im.lang, value)
		im.fail(line, fe.Field, fe.Key, fe.Args...)
		named = append(named, key)
	}
	if v[8] != "" || v[9] != "" || v[10] != "" || v[11] != "" || v[12] != "" || v[13] != "" || v[14] != "" {
		m := Membership{Basis: v[14]}
		var ok bool
		if v[8] == "" {
			im.fail(line, "group", "error.required")
		} else if m.Group, ok = Sheet.Col("group").Pick(v[8]); !ok {
			notOneOf("group", v[8])
		}
		if ks, bad := Sheet.Col("kinds").PickAll(v[9]); bad != "" {
			notOneOf("kinds", bad)
		} else {
			m.Kinds = ks
		}
		if m.Category, ok = Sheet.Col("category").Pick(v[10]); !ok {
			notOneOf("category", v[10])
		}
		if m.Grade, ok = Sheet.Col("grade").Pick(strings.TrimSuffix(v[11], ".0")); !ok {
			notOneOf("grade", v[11])
		}
		for i, dst := range []*string{&m.Start, &m.End} {
			if t, reason := xlsx.Date(v[12+i]); reason != "" {
				im.fail(line, []string{"start", "end"}[i], "person.date_invalid")
				badDate[i] = true
			} else if !t.IsZero() {
				*dst = t.Format(DateLayout)
			}
		}
		if m.Group != "" {
			r.Groups = []Membership{m}
		}
	}
	r.normalize()
	for _, f := range r.validate(im.now) {
		if f.Field == "start" && badDate[0] || f.Field == "end" && badDate[1] || slices.Contains(named, f.Field) {
			continue // already named from the cell
		}
		im.fail(line, f.Field, f.Key, f.Args...)
	}
	if r.CommunityCode != "" && !im.communities[r.CommunityCode] {
		im.fail(line, "community_code", "person.community_not_found", r.CommunityCode)
	}
	var idx string
	if r.BirthDate != "" {
		idx = im.s.Store.Keys.Index(r.IDNumber)
		var k [32]byte
		hex.Decode(k[:], []byte(idx))
		if first, ok := im.seen[k]; ok {
			im.fail(line, "id_number", "person.duplicate_in_file", first)
			idx = ""
		} else {
			im.seen[k] = line
		}
	}
	if idx == "" {
		return pending{}, false, nil
	}
	p := pending{line: line, r: r, idx: idx}
	if !im.failed() {
		var err error
		if p.sealed, err = im.s.Store.sealIndexed(&r, idx); err != nil {
			return p, false, err
		}
	}
	return p, true, nil
}

// flush checks the queued rows against the database and, while the file
// has no bad row, inserts them.
func (im *importer) flush(ctx context.Context, batch []pending) error {
	write := !im.failed()
	if write {
		for i := range batch {
			im.touched[batch[i].r.CommunityCode] = true
		}
	}
	dups, err := im.s.Store.addBatch(ctx, &im.bulk, batch, im.actor, im.now.UTC().Truncate(time.Microsecond), write)
	for _, i := range dups {
		im.fail(batch[i].line, "id_number", "person.duplicate")
	}
	return err
}

// Export writes every person the filter selects (paging aside) as a
// workbook and audits it. Personal data is masked unless reveal is set,
// which needs the reveal permission and a reason. Errors: EINVALID,
// EFORBIDDEN.
func (s *Service) Export(ctx context.Context, f Filter, reveal bool, reason string, w io.Writer) error {
	p, err := auth.Require(ctx, KeepRoles...)
	if err != nil {
		return err
	}
	if err := s.checkFilter(ctx, &f); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reveal {
		if !CanReveal(p) {
			_ = s.Audit.WriteAlone(ctx, audit.Entry{Action: "person.export", ObjectType: "person", Result: audit.Denied,
				Detail: map[string]string{"reason": "no reveal permission"}})
			return errs.Forbidden()
		}
		if len([]rune(reason)) < 2 || len([]rune(reason)) > maxBasis || plainText(reason) {
			return errs.Invalid(errs.Field("reason", "person.reason_required"))
		}
	}
	lang := i18n.From(ctx)
	today := s.today()
	return exportSheet.Export(w, lang, func(ex *xlsx.Exporter) error {
		return s.Store.each(ctx, f, today, func(pp Person, plain *record) error {
			// A masked export has no birth date: with the community and the
			// masked number it would give the number back (the age stays).
			id, birth, phone, addr, cphone := pp.IDNumber, "", pp.Phone, pp.Address, pp.ContactPhone
			if plain != nil {
				id, birth, phone, addr, cphone = plain.IDNumber, plain.BirthDate, plain.Phone, plain.Address, plain.ContactPhone
			}
			var gs []string
			for _, g := range pp.Groups {
				if g.Current {
					gs = append(gs, groupLabel(lang, &g))
				}
			}
			return ex.Write(pp.CommunityCode, pp.CommunityName, pp.Name, id, i18n.T(lang, "person.sex."+pp.Sex), birth, pp.Age,
				phone, addr, pp.Household, pp.ContactName, cphone, strings.Join(gs, "；"))
		}, reveal)
	}, func(rows int) error {
		detail := map[string]any{"rows": rows, "filter": f, "unmasked": reveal}
		if reveal {
			detail["reason"] = reason
		}
		return s.Audit.WriteAlone(ctx, audit.Entry{Action: "person.export", ObjectType: "person", Detail: detail})
	})
}

// groupLabel renders a membership in the user's language.
func groupLabel(lang string, g *Membership) string {
	out := i18n.T(lang, "person.group."+g.Group)
	var sub []string
	for _, k := range g.Kinds {
		sub = append(sub, i18n.T(lang, "person.kind."+k))
	}
	if g.Category != "" {
		sub = append(sub, i18n.T(lang, "person.category."+g.Category)+" "+g.Grade)
	}
	if len(sub) > 0 {
		out += "(" + strings.Join(sub, "、") + ")"
	}
	return out
}

var exportSheet = &xlsx.Spec{
	SheetZh: "人员信息", SheetEn: "People",
	Columns: []xlsx.Column{
		{Key: "community_code", Zh: "所在村(社区)代码", En: "Community code", Width: 16},
		{Key: "community_name", Zh: "所在村(社区)", En: "Community", Width: 20},
		{Key: "name", Zh: "姓名", En: "Name"},
		{Key: "id_number", Zh: "身份证号码", En: "ID number", Width: 22},
		{Key: "sex", Zh: "性别", En: "Sex"},
		{Key: "birth_date", Zh: "出生日期", En: "Birth date", Width: 12},
		{Key: "age", Zh: "年龄", En: "Age"},
		{Key: "phone", Zh: "联系电话", En: "Phone", Width: 16},
		{Key: "address", Zh: "地址", En: "Address", Width: 30},
		{Key: "household", Zh: "家庭成员", En: "Household members", Width: 30},
		{Key: "contact_name", Zh: "联系人", En: "Contact person"},
		{Key: "contact_phone", Zh: "联系人电话", En: "Contact's phone", Width: 16},
		{Key: "groups", Zh: "当前人群类别", En: "Current groups", Width: 36},
	},
}
