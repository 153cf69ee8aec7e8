package person_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// sheet writes rows (cells in the template's column order) under the
// template's Chinese headers.
func sheet(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	x.SetSheetName("Sheet1", person.Sheet.SheetZh)
	for i, h := range person.Sheet.Headers("zh-CN") {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		x.SetCellStr(person.Sheet.SheetZh, c, h)
	}
	for r, row := range rows {
		for i, v := range row {
			c, _ := excelize.CoordinatesToCellName(i+1, r+2)
			x.SetCellStr(person.Sheet.SheetZh, c, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func count(t *testing.T, e *apptest.Env, table string) int {
	var n int
	if err := e.App.DB.Writer().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	existing := idNumber("131102", "19450101", 11)
	if _, err := s.Create(ctx, newPatch(apptest.Community, "已登记", existing)); err != nil {
		t.Fatal(err)
	}
	a, b, c := idNumber("131102", "19400101", 21), idNumber("131102", "19410101", 22), idNumber("131102", "20150101", 23)
	bad := a[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", a[17])+3)%11])
	rows := [][]string{
		{apptest.Community, "导入甲", a, "13912340001", "幸福路 1 号", "", "", "", "特殊困难老年人", "独居、高龄(80岁以上)", "", "", "2024-01-01", "", "入户核查"},
		{apptest.SiblingCommunity, "导入乙", b, "", "", "", "", "", "残疾人", "", "肢体残疾", "2", "2024-01-01", "", "残疾人证"},
		{apptest.Community, "导入丙", bad, "", "", "", "", "", "", "", "", "", "", "", ""},                               // row 4: check character
		{apptest.Community, "导入丁", a, "", "", "", "", "", "", "", "", "", "", "", ""},                                 // row 5: repeats row 2
		{apptest.Community, "导入戊", existing, "", "", "", "", "", "", "", "", "", "", "", ""},                          // row 6: already registered
		{apptest.FarCommunity, "导入己", c, "123", "", "", "", "", "留守儿童", "", "", "", "2024-02-30", "", ""},             // row 7: area, phone, date, basis
		{apptest.Community, "", idNumber("131102", "19990101", 24), "", "", "", "", "", "海盗", "", "", "", "", "", ""}, // row 8: name, group
	}
	_, err := s.Import(ctx, bytes.NewReader(sheet(t, rows...)))
	e2 := errs.As(err)
	if e2 == nil || e2.Code != errs.EINVALID {
		t.Fatalf("import: %v", err)
	}
	var got []string
	for _, f := range e2.Fields {
		got = append(got, fmt.Sprintf("%d:%s:%s", f.Row, f.Field, f.Key))
	}
	want := []string{"4:id_number:" + idcard.ErrChecksum, "5:id_number:person.duplicate_in_file", "6:id_number:person.duplicate",
		"7:start:person.date_invalid", "7:phone:person.phone_invalid", "7:basis:error.required", "7:community_code:person.community_not_found",
		"8:group:xlsx.not_one_of", "8:name:error.required"}
	slices.Sort(got)
	slices.Sort(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("problems\n got %v\nwant %v", got, want)
	}
	for _, f := range e2.Fields {
		if f.Key == "person.duplicate_in_file" && (len(f.Args) != 1 || f.Args[0] != 2) {
			t.Errorf("the duplicate does not name row 2: %+v", f)
		}
	}
	if n := count(t, e, "persons"); n != 1 {
		t.Fatalf("%d persons after a refused import", n)
	}
	// The good rows alone go in, with their groups and measures.
	n, err := s.Import(ctx, bytes.NewReader(sheet(t, rows[0], rows[1])))
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	ps, _, err := s.List(ctx, person.Filter{IDNumber: a, Reason: "核对导入"})
	if err != nil || len(ps) != 1 || ps[0].Name != "导入甲" || len(ps[0].Groups) != 1 || strings.Join(ps[0].Groups[0].Kinds, ",") != "living_alone,aged_80_plus" ||
		ps[0].Sex != person.Male || ps[0].Age < 84 {
		t.Fatalf("imported %+v %v", ps, err)
	}
	tot, _ := s.Measures.Totals(context.Background(), []string{person.ElderlySpecial, person.PeopleWithDisability}, []string{apptest.Township})
	if tot[apptest.Township][person.ElderlySpecial] != 1 || tot[apptest.Township][person.PeopleWithDisability] != 1 {
		t.Errorf("measures after import %v", tot)
	}
	h, err := s.History(ctx, ps[0].ID)
	if err != nil || len(h) != 1 || h[0].Action != "import" {
		t.Errorf("history %+v %v", h, err)
	}
	// The same file again: every row is a duplicate now.
	_, err = s.Import(ctx, bytes.NewReader(sheet(t, rows[0], rows[1])))
	if e2 := errs.As(err); e2 == nil || len(e2.Fields) != 2 || e2.Fields[0].Key != "person.duplicate" || e2.Fields[1].Row != 3 {
		t.Errorf("re-import: %v", err)
	}
	// A registered one between new ones: the one is named, the new ones
	// are not written either.
	d, f := idNumber("131102", "19500101", 25), idNumber("131102", "19510101", 26)
	_, err = s.Import(ctx, bytes.NewReader(sheet(t,
		[]string{apptest.Community, "导入庚", d, "", "", "", "", "", "", "", "", "", "", "", ""},
		rows[1],
		[]string{apptest.Community, "导入辛", f, "", "", "", "", "", "", "", "", "", "", "", ""})))
	if e2 := errs.As(err); e2 == nil || len(e2.Fields) != 1 || e2.Fields[0].Key != "person.duplicate" || e2.Fields[0].Row != 3 {
		t.Errorf("a registered row in the middle: %v", err)
	}
	if n := count(t, e, "persons"); n != 3 {
		t.Errorf("%d persons after a refused import, want 3", n)
	}
	// Not a workbook.
	if _, err := s.Import(ctx, strings.NewReader("name,id\n")); errs.Code(err) != errs.EINVALID {
		t.Errorf("csv: %v", err)
	}
	if _, err := s.Import(e.As(auth.Admin, apptest.City), bytes.NewReader(sheet(t, rows[0]))); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("admin import: %v", err)
	}
}

func TestSealedAtRest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	if e.App.DB.Dialect != db.SQLite {
		t.Skip("scans the SQLite file")
	}
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	var ids, phones []string
	for i := range 20 {
		id := idNumber("131102", fmt.Sprintf("19%02d0101", 30+i), 100+i)
		phone := fmt.Sprintf("1391234%04d", i)
		p := newPatch(apptest.Community, fmt.Sprintf("封存测试%d", i), id, elderly("2024-01-01", "入户核查", "empty_nest"))
		p.Phone = &phone
		cp := fmt.Sprintf("1380000%04d", i)
		p.ContactPhone = &cp
		got, err := s.Create(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		// A change leaves before/after in the history and the audit log.
		np := fmt.Sprintf("1371234%04d", i)
		if _, err := s.Update(ctx, got.ID, person.PersonPatch{Phone: &np}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Reveal(ctx, got.ID, "核对联系方式"); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
		phones = append(phones, phone, np, cp)
	}
	// Found by exact value through the blind index (addresses: see
	// TestFindByExactAddress).
	ps, _, err := s.List(ctx, person.Filter{Phone: phones[4], Reason: "核对导入"})
	if err != nil || len(ps) != 1 || ps[0].Name != "封存测试1" {
		t.Errorf("phone search %+v %v", ps, err)
	}
	e.CheckSealed(ids, phones, "封存测试1")
}

func TestExportMaskedAndAudited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19400101", 31)
	if _, err := s.Create(ctx, newPatch(apptest.Community, "导出甲", id, elderly("2024-01-01", "入户核查", "living_alone"))); err != nil {
		t.Fatal(err)
	}
	read := func(b []byte) string {
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, _ := x.GetRows(x.GetSheetName(0))
		var out []string
		for _, r := range rows {
			out = append(out, strings.Join(r, "|"))
		}
		return strings.Join(out, "\n")
	}
	var buf bytes.Buffer
	if err := s.Export(ctx, person.Filter{}, false, "", &buf); err != nil {
		t.Fatal(err)
	}
	txt := read(buf.Bytes())
	if strings.Contains(txt, id) || !strings.Contains(txt, "****************"+id[16:]) || !strings.Contains(txt, "139****5678") || !strings.Contains(txt, "特殊困难老年人(独居)") {
		t.Errorf("masked export:\n%s", txt)
	}
	// Unmasked: a grid worker may not; a reason is needed; then it is in
	// the clear and audited with the reason.
	grid := e.As(auth.GridWorker, apptest.Community)
	if err := s.Export(grid, person.Filter{}, true, "核对", &buf); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid worker unmasked export: %v", err)
	}
	if err := s.Export(ctx, person.Filter{}, true, "", &buf); errs.Code(err) != errs.EINVALID {
		t.Errorf("no reason: %v", err)
	}
	buf.Reset()
	if err := s.Export(ctx, person.Filter{}, true, "报送民政局核对", &buf); err != nil {
		t.Fatal(err)
	}
	if txt := read(buf.Bytes()); !strings.Contains(txt, id) || !strings.Contains(txt, "13912345678") {
		t.Errorf("unmasked export:\n%s", txt)
	}
	var n int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.export' AND result = 'ok' AND detail LIKE '%报送民政局核对%'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d audited unmasked exports", n)
	}
}

func TestAreaIsolation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	town := e.As(auth.TownshipStaff, apptest.Township)
	mine, err := s.Create(town, newPatch(apptest.Community, "本社区", idNumber("131102", "19400101", 41)))
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.Create(town, newPatch(apptest.SiblingCommunity, "邻社区", idNumber("131102", "19400101", 42)))
	if err != nil {
		t.Fatal(err)
	}
	grid := e.As(auth.GridWorker, apptest.Community)
	if _, err := s.Get(grid, mine.ID); err != nil {
		t.Error(err)
	}
	for name, err := range map[string]error{
		"get":     func() error { _, err := s.Get(grid, other.ID); return err }(),
		"update":  func() error { _, err := s.Update(grid, other.ID, person.PersonPatch{Household: ptr("x")}); return err }(),
		"history": func() error { _, err := s.History(grid, other.ID); return err }(),
	} {
		if errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("%s of a neighbour's person: %v", name, err)
		}
	}
	// Moving one's own person into another community is refused too.
	if _, err := s.Update(grid, mine.ID, person.PersonPatch{CommunityCode: ptr(apptest.SiblingCommunity)}); errs.Code(err) != errs.EINVALID {
		t.Errorf("move out: %v", err)
	}
	ps, _, err := s.List(grid, person.Filter{PerPage: 200})
	if err != nil || len(ps) != 1 || ps[0].ID != mine.ID {
		t.Errorf("grid list %+v %v", ps, err)
	}
	// Exact search by the neighbour's ID number finds nothing either.
	if ps, _, _ := s.List(grid, person.Filter{IDNumber: idNumber("131102", "19400101", 42), Reason: "核对辖区"}); len(ps) != 0 {
		t.Errorf("exact search across communities: %+v", ps)
	}
	// A grid worker may not reveal, even in its own community.
	if _, err := s.Reveal(grid, mine.ID, "核对"); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid reveal: %v", err)
	}
	var denied int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE object_type = 'person' AND result = 'denied'`).Scan(&denied)
	if denied < 3 {
		t.Errorf("%d refusals audited", denied)
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	if res := c.Get("/persons"); res.StatusCode != 200 || !strings.Contains(res.Body, "人员信息库") {
		t.Fatalf("list: %d", res.StatusCode)
	}
	if res := c.Get("/persons/new"); res.StatusCode != 200 || !strings.Contains(res.Body, `value="`+apptest.Community+`"`) {
		t.Fatalf("new form: %d", res.StatusCode)
	}
	id := idNumber("131102", "19400101", 51)
	form := url.Values{"community_code": {apptest.Community}, "name": {"页面甲"}, "id_number": {id}, "phone": {"13912345678"},
		"address": {"幸福路 9 号"}, "g0_group": {"elderly_special"}, "g0_kinds": {"living_alone", "aged_80_plus"}, "g0_start": {"2024-01-01"}, "g0_basis": {"入户核查"}}
	// A bad ID number comes back with the reason at the field.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("id_number", id[:17]+"Y")
	if res := c.PostForm("/persons", bad); res.StatusCode != 422 || !strings.Contains(res.Body, "身份证号码应为 18 位") {
		t.Errorf("bad form: %d %s", res.StatusCode, res.Body)
	}
	res := c.PostForm("/persons", form)
	if res.StatusCode != 303 {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	loc := res.Header.Get("Location")
	view := c.Get(loc)
	if view.StatusCode != 200 || strings.Contains(view.Body, id) || !strings.Contains(view.Body, "****************"+id[16:]) || !strings.Contains(view.Body, "独居") {
		t.Fatalf("view: %d", view.StatusCode)
	}
	// Reveal needs a reason.
	if res := c.PostForm(loc+"/reveal", url.Values{"reason": {""}}); res.StatusCode != 422 || strings.Contains(res.Body, id) {
		t.Errorf("reveal without reason: %d", res.StatusCode)
	}
	res = c.PostForm(loc+"/reveal", url.Values{"reason": {"办理高龄补贴核对"}})
	if res.StatusCode != 200 || !strings.Contains(res.Body, id) || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("reveal: %d", res.StatusCode)
	}
	// The edit form shows the mask; saved unchanged, the number stays.
	edit := c.Get(loc + "/edit")
	if edit.StatusCode != 200 || strings.Contains(edit.Body, id) {
		t.Fatalf("edit: %d", edit.StatusCode)
	}
	form.Set("id_number", "****************"+id[16:])
	form.Set("phone", "139****5678")
	form.Set("address", "幸*****")
	form.Set("household", "配偶 页面乙")
	form.Set("version", "1")
	if res := c.PostForm(loc, form); res.StatusCode != 303 {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	s := svc(e)
	ps, _, _ := s.List(e.As(auth.CommunityWorker, apptest.Community), person.Filter{IDNumber: id, Reason: "核对修改"})
	if len(ps) != 1 || ps[0].Household != "配偶 页面乙" || ps[0].Phone != "139****5678" {
		t.Errorf("after save %+v", ps)
	}
	if v := c.Get(loc); !strings.Contains(v.Body, "页面乙") || !strings.Contains(v.Body, "修改") ||
		!strings.Contains(v.Body, "特殊困难老年人(独居,高龄(80岁以上)) 2024-01-01~ 入户核查") || strings.Contains(v.Body, "elderly_special(") {
		t.Errorf("history not shown in words")
	}
	// Export and template download as workbooks.
	for _, p := range []string{"/persons/export.xlsx", "/persons/template.xlsx"} {
		if r := c.Get(p); r.StatusCode != 200 || !strings.HasPrefix(r.Body, "PK") {
			t.Errorf("%s: %d", p, r.StatusCode)
		}
	}
	// A grid worker of the sibling community gets 404; an admin 403.
	if r := e.Session(auth.GridWorker, apptest.SiblingCommunity).Get(loc); r.StatusCode != 404 {
		t.Errorf("sibling grid worker: %d", r.StatusCode)
	}
	if r := e.Session(auth.Admin, apptest.City).Get("/persons"); r.StatusCode != 403 {
		t.Errorf("admin: %d", r.StatusCode)
	}
}

func TestAPIRoundTrip(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	tok := e.Token(auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19400101", 61)
	res := e.API("POST", "/api/v1/persons", tok, map[string]any{"community_code": apptest.Community, "name": "接口甲", "id_number": id,
		"phone": "13912345678", "groups": []map[string]any{{"group": "elderly_special", "kinds": []string{"empty_nest"}, "start": "2024-01-01", "basis": "入户核查"}}})
	if res.StatusCode != 201 || strings.Contains(res.Body, id) {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	var p person.Person
	res.JSON(t, &p)
	if len(p.Groups) != 1 || !p.Groups[0].Current || p.Age < 80 {
		t.Fatalf("created %+v", p)
	}
	// What GET returns can be sent back with a change: the membership ended.
	p.Groups[0].End = "2024-06-30"
	res = e.API("PATCH", fmt.Sprintf("/api/v1/persons/%d", p.ID), tok, map[string]any{"groups": p.Groups, "version": p.Version})
	if res.StatusCode != 200 {
		t.Fatalf("patch: %d %s", res.StatusCode, res.Body)
	}
	res.JSON(t, &p)
	if p.Groups[0].Current || p.Groups[0].End != "2024-06-30" || p.Version != 2 {
		t.Errorf("patched %+v", p)
	}
	// A stale version is refused.
	res = e.API("PATCH", fmt.Sprintf("/api/v1/persons/%d", p.ID), tok, map[string]any{"household": "配偶 接口乙", "version": 1})
	if res.StatusCode != 409 {
		t.Errorf("stale version: %d", res.StatusCode)
	}
	// A bad ID number names the field and the reason.
	res = e.API("POST", "/api/v1/persons", tok, map[string]any{"community_code": apptest.Community, "name": "接口乙", "id_number": id[:17] + "Y"})
	if res.StatusCode != 422 || !strings.Contains(res.Body, "id_number") || !strings.Contains(res.Body, "18") {
		t.Errorf("bad id: %d %s", res.StatusCode, res.Body)
	}
	res = e.API("GET", fmt.Sprintf("/api/v1/persons/%d/history", p.ID), tok, nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, `"action":"update"`) || strings.Contains(res.Body, id) {
		t.Errorf("history: %d %s", res.StatusCode, res.Body)
	}
}

// Addresses, sealed like ID numbers and phones, are found by exact value
// through their blind index (spaces at the ends aside), and by nothing
// less: a part of one finds nobody.
func TestFindByExactAddress(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	for i, addr := range []string{"游园小区 3 号楼 2 单元 101", "游园小区 3 号楼 2 单元 102"} {
		p := newPatch(apptest.Community, fmt.Sprintf("地址测试%d", i), idNumber("131102", "19500101", 300+i), elderly("2024-01-01", "入户核查", "empty_nest"))
		p.Address = &addr
		if _, err := s.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	ps, _, err := s.List(ctx, person.Filter{Address: "  游园小区 3 号楼 2 单元 102 ", Reason: "核对地址"})
	if err != nil || len(ps) != 1 || ps[0].Name != "地址测试1" {
		t.Errorf("exact address: %+v %v", ps, err)
	}
	if ps, _, err := s.List(ctx, person.Filter{Address: "游园小区", Reason: "核对地址"}); err != nil || len(ps) != 0 {
		t.Errorf("part of an address found %d: %v", len(ps), err)
	}
	res := e.API("GET", "/api/v1/persons?reason="+url.QueryEscape("核对地址")+"&address="+url.QueryEscape("游园小区 3 号楼 2 单元 101"), e.Token(auth.CommunityWorker, apptest.Community), nil)
	if res.StatusCode != 200 || !strings.Contains(res.Body, "地址测试0") || strings.Contains(res.Body, "地址测试1") {
		t.Errorf("API address search %d %s", res.StatusCode, res.Body)
	}
}

// TestImportRefusesBombs: a workbook of people that unzips to far more than
// it weighs (the pen test's: one huge cell) is refused at that cell, named
// by row and column, and nothing is written.
func TestImportRefusesBombs(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	orig := sheet(t)
	zr, err := zip.NewReader(bytes.NewReader(orig), int64(len(orig)))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		w, _ := z.Create(f.Name)
		if f.Name != "xl/worksheets/sheet1.xml" {
			w.Write(body)
			continue
		}
		head, tail, ok := strings.Cut(string(body), "</sheetData>")
		if !ok {
			t.Fatalf("no sheetData in %s", body)
		}
		io.WriteString(w, head+`<row r="2"><c r="B2" t="inlineStr"><is><t>`)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for range 1024 { // 64 MiB
			w.Write(chunk)
		}
		io.WriteString(w, `</t></is></c></row></sheetData>`+tail)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = s.Import(ctx, bytes.NewReader(b.Bytes()))
	e2 := errs.As(err)
	if e2 == nil || e2.Code != errs.EINVALID || len(e2.Fields) != 1 || e2.Fields[0].Row != 2 || e2.Fields[0].Key != "xlsx.cell_too_long" ||
		fmt.Sprint(e2.Fields[0].Args) != "[B 32767]" {
		t.Fatalf("a %d-byte workbook with a 64 MiB cell: %v %+v", b.Len(), err, e2)
	}
	if n := count(t, e, "persons"); n != 0 {
		t.Fatalf("%d persons after a refused import", n)
	}
}
