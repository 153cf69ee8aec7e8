package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

var spec = Spec{
	SheetZh: "测试", SheetEn: "Test",
	Columns: []Column{
		{Key: "code", Zh: "代码", En: "Code", Required: true, HelpZh: "12 位", HelpEn: "12 digits", Example: "131102001001"},
		{Key: "name", Zh: "名称", En: "Name", Required: true},
		{Key: "area", Zh: "面积(m²)", En: "Area (m²)"},
	},
}

// book builds a workbook with the given rows on its first sheet.
func book(t *testing.T, sheet string, rows ...[]any) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	if sheet != "" {
		if err := x.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	} else {
		sheet = "Sheet1"
	}
	for i, r := range rows {
		if err := x.SetSheetRow(sheet, fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}

func fields(t *testing.T, err error) []errs.FieldError {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	e := errs.As(err)
	if e.Code != errs.EINVALID {
		t.Fatalf("code %s, want EINVALID: %v", e.Code, err)
	}
	return e.Fields
}

func has(fs []errs.FieldError, row int, field, key string) bool {
	for _, f := range fs {
		if f.Row == row && f.Field == field && f.Key == key {
			return true
		}
	}
	return false
}

// A template in either language reads back: headers match, "*" marks and
// the instructions sheet do not disturb reading.
func TestTemplateRoundTrip(t *testing.T) {
	for _, lang := range i18n.Langs {
		var b bytes.Buffer
		if err := spec.WriteTemplate(&b, lang); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		sheets := x.GetSheetList()
		if len(sheets) != 2 || sheets[0] != spec.Sheet(lang) || sheets[1] != i18n.T(lang, "xlsx.instructions") {
			t.Fatalf("%s: sheets %v", lang, sheets)
		}
		h, _ := x.GetCellValue(sheets[0], "A1")
		if h != spec.Columns[0].Header(lang)+"*" {
			t.Errorf("%s: A1 = %q", lang, h)
		}
		ex, _ := x.GetCellValue(sheets[1], "D4")
		if ex != "131102001001" {
			t.Errorf("%s: example = %q", lang, ex)
		}
		// Fill a row and read it back.
		if err := x.SetSheetRow(sheets[0], "A2", &[]any{"131102001001", "甲", 650.5}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := x.Write(&out); err != nil {
			t.Fatal(err)
		}
		x.Close()
		rows, err := spec.Read(context.Background(), &out)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if len(rows) != 1 || rows[0].Line != 2 || rows[0].Get("code") != "131102001001" || rows[0].Get("name") != "甲" || rows[0].Get("area") != "650.5" {
			t.Fatalf("%s: rows %+v", lang, rows)
		}
	}
}

// Headers are accepted in either language, mixed, in any order, by key, and
// with full-width brackets; blank rows are skipped but lines keep counting.
func TestReadHeadersEitherLanguage(t *testing.T) {
	b := book(t, "", []any{"Name", "代码", "面积（m²）"}, []any{"a", 131102001001, 1.5}, []any{}, []any{"b", "131102001002", ""})
	rows, err := spec.Read(context.Background(), b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	if rows[0].Get("code") != "131102001001" || rows[0].Get("area") != "1.5" || rows[1].Line != 4 || !rows[1].Has("area") || rows[1].Get("area") != "" {
		t.Fatalf("rows %+v", rows)
	}
	b = book(t, "", []any{"code", "name"}, []any{"1", "x"})
	rows, err = spec.Read(context.Background(), b)
	if err != nil || rows[0].Has("area") {
		t.Fatalf("rows %+v err %v", rows, err)
	}
}

// Every problem is named: unknown, duplicate and missing columns in the
// header; empty required cells and stray cells in each row.
func TestReadNamesEveryProblem(t *testing.T) {
	fs := fields(t, func() error {
		_, err := spec.Read(context.Background(), book(t, "", []any{"名称", "名称", "颜色"}))
		return err
	}())
	for _, w := range []struct {
		field, key string
	}{{"name", "xlsx.duplicate_column"}, {"upload", "xlsx.unknown_column"}, {"code", "xlsx.missing_column"}} {
		if !has(fs, 1, w.field, w.key) {
			t.Errorf("missing %s %s in %+v", w.field, w.key, fs)
		}
	}
	_, err := spec.Read(context.Background(), book(t, "", []any{"代码", "名称"}, []any{"1", ""}, []any{"", "b"}, []any{"3", "c", "", "stray"}))
	fs = fields(t, err)
	if !has(fs, 2, "name", "error.required") || !has(fs, 3, "code", "error.required") || !has(fs, 4, "upload", "xlsx.cell_without_header") || len(fs) != 3 {
		t.Fatalf("fields %+v", fs)
	}
	// Messages name the row and the column in the user's language.
	i18n.Register(map[string]i18n.Msg{"field.name": {"名称", "name"}})
	if m := i18n.FieldMessage(i18n.EN, fs[0]); m != "Row 2, name: is required" {
		t.Errorf("message %q", m)
	}
}

// Size, type and row caps.
func TestReadLimits(t *testing.T) {
	small := spec
	small.MaxBytes = 100
	if fs := fields(t, func() error {
		_, err := small.Read(context.Background(), book(t, "", []any{"代码", "名称"}))
		return err
	}()); fs[0].Key != "xlsx.too_large" {
		t.Errorf("%+v", fs)
	}
	if fs := fields(t, func() error {
		_, err := spec.Read(context.Background(), strings.NewReader("code,name\n1,a\n"))
		return err
	}()); fs[0].Key != "xlsx.not_workbook" {
		t.Errorf("%+v", fs)
	}
	if fs := fields(t, func() error {
		_, err := spec.Read(context.Background(), strings.NewReader("PK\x03\x04 not really a zip"))
		return err
	}()); fs[0].Key != "xlsx.not_workbook" {
		t.Errorf("%+v", fs)
	}
	few := spec
	few.MaxRows = 2
	if fs := fields(t, func() error {
		_, err := few.Read(context.Background(), book(t, "", []any{"代码", "名称"}, []any{1, "a"}, []any{2, "b"}, []any{3, "c"}))
		return err
	}()); fs[0].Key != "xlsx.too_many_rows" {
		t.Errorf("%+v", fs)
	}
	if fs := fields(t, func() error {
		_, err := spec.Read(context.Background(), book(t, "", []any{"代码", "名称"}))
		return err
	}()); fs[0].Key != "xlsx.no_rows" {
		t.Errorf("%+v", fs)
	}
	capped := spec
	capped.MaxErrors = 5
	var rows [][]any
	rows = append(rows, []any{"代码", "名称"})
	for i := 0; i < 50; i++ {
		rows = append(rows, []any{"", ""})
		rows[len(rows)-1][0] = " "
		rows[len(rows)-1][1] = "x"
	}
	if fs := fields(t, func() error { _, err := capped.Read(context.Background(), book(t, "", rows...)); return err }()); len(fs) != 5 {
		t.Errorf("%d errors listed, want the cap of 5", len(fs))
	}
}

// The data sheet is found by name in either language even when it is not
// the first.
func TestReadFindsDataSheet(t *testing.T) {
	x := excelize.NewFile()
	x.SetCellStr("Sheet1", "A1", "notes")
	x.NewSheet("Test")
	x.SetSheetRow("Test", "A1", &[]any{"Code", "Name"})
	x.SetSheetRow("Test", "A2", &[]any{"7", "seven"})
	var b bytes.Buffer
	x.Write(&b)
	rows, err := spec.Read(context.Background(), &b)
	if err != nil || len(rows) != 1 || rows[0].Get("name") != "seven" {
		t.Fatalf("rows %+v err %v", rows, err)
	}
}

// An export streams rows under translated headers and imports back.
func TestExportReadsBack(t *testing.T) {
	e, err := spec.NewExporter(i18n.EN)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3000; i++ {
		if err := e.Write(fmt.Sprintf("1311020010%02d", i%100), fmt.Sprintf("n%d", i), float64(i)/4); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Write("too few"); err == nil {
		t.Error("a row of the wrong width was accepted")
	}
	if e.Rows() != 3000 {
		t.Errorf("rows %d", e.Rows())
	}
	var b bytes.Buffer
	if err := e.Finish(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := spec.Read(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3000 || rows[2999].Get("name") != "n2999" || rows[2999].Get("area") != "749.75" || rows[5].Get("code") != "131102001005" {
		t.Fatalf("%d rows, last %+v", len(rows), rows[len(rows)-1])
	}
}

// Spec.Export writes the rows fill writes, tells done how many, and
// writes nothing when either fails.
func TestSpecExport(t *testing.T) {
	var b bytes.Buffer
	seen := -1
	err := spec.Export(&b, i18n.ZH, func(ex *Exporter) error {
		for i := range 3 {
			if err := ex.Write(fmt.Sprintf("13110200100%d", i), fmt.Sprintf("n%d", i), i); err != nil {
				return err
			}
		}
		return nil
	}, func(rows int) error { seen = rows; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if seen != 3 {
		t.Errorf("done told %d rows", seen)
	}
	rows, err := spec.Read(context.Background(), &b)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[2].Get("name") != "n2" || rows[2].Get("area") != "2" {
		t.Fatalf("rows %+v", rows)
	}
	// Without done, the same workbook.
	var b2 bytes.Buffer
	if err := spec.Export(&b2, i18n.EN, func(ex *Exporter) error { return ex.Write("c", "n", 1) }, nil); err != nil || b2.Len() == 0 {
		t.Fatalf("error %v, %d bytes", err, b2.Len())
	}
	boom := errs.Forbidden()
	for name, run := range map[string]func(w io.Writer) error{
		"fill": func(w io.Writer) error {
			return spec.Export(w, i18n.ZH, func(*Exporter) error { return boom }, func(int) error { t.Error("done after a failed fill"); return nil })
		},
		"done": func(w io.Writer) error {
			return spec.Export(w, i18n.ZH, func(ex *Exporter) error { return ex.Write("c", "n", 1) }, func(int) error { return boom })
		},
	} {
		var out bytes.Buffer
		if err := run(&out); err != boom || out.Len() != 0 {
			t.Errorf("%s: error %v, %d bytes written", name, err, out.Len())
		}
	}
}

// TestExportName: the date in the name is the date in China, whatever
// the zone of the time given (a server on UTC exports at 07:00 in Hengshui
// before UTC's midnight).
func TestExportName(t *testing.T) {
	late := time.Date(2026, 3, 4, 23, 0, 0, 0, time.UTC) // 5 March, 07:00 in China
	if got := ExportName(i18n.ZH, "xlsx.lists", late); got != "选项-20260305.xlsx" {
		t.Errorf("zh %q", got)
	}
	early := time.Date(2026, 3, 4, 15, 59, 0, 0, time.UTC) // 4 March, 23:59 in China
	if got := ExportName(i18n.EN, "xlsx.lists", early); got != "Lists-20260304.xlsx" {
		t.Errorf("en %q", got)
	}
}

func TestParsers(t *testing.T) {
	for in, want := range map[string]bool{"是": true, "否": false, "YES": true, "n": false, "1": true, "": false, "√": true} {
		if v, r := Bool(in); v != want || r != "" {
			t.Errorf("Bool(%q) = %v %q", in, v, r)
		}
	}
	if _, r := Bool("maybe"); r != "error.not_bool" {
		t.Error("Bool accepted maybe")
	}
	if v, r := Int("12.0"); v != 12 || r != "" {
		t.Errorf("Int 12.0 = %d %q", v, r)
	}
	if _, r := Int("1.5"); r != "error.not_integer" {
		t.Error("Int accepted 1.5")
	}
	if _, r := Int("abc"); r != "error.not_number" {
		t.Error("Int accepted abc")
	}
	if v, r := Float("1,234.5"); v != 1234.5 || r != "" {
		t.Errorf("Float = %v %q", v, r)
	}
	if v, r := Float("６５０"); v != 650 || r != "" {
		t.Errorf("Float full-width = %v %q", v, r)
	}
	for _, in := range []string{"2024-05-01", "2024/5/1", "2024年5月1日", "45413"} {
		if v, r := Date(in); r != "" || v.Format("2006-01-02") != "2024-05-01" {
			t.Errorf("Date(%q) = %v %q", in, v, r)
		}
	}
	if _, r := Date("May"); r != "xlsx.not_date" {
		t.Error("Date accepted May")
	}
}

// TestExportGuardsFormulas: a text that would start a formula if typed is
// written as a text cell in the Text format (an edit keeps it text), its
// value exact; numbers stay numbers, negative ones too; no cell is a
// formula; the export imports back unchanged.
func TestExportGuardsFormulas(t *testing.T) {
	risky := []string{`=HYPERLINK("http://evil.example","x")`, "+86 138 0013 8000", "-", "@SUM(A1)", "\t=1+1", "\r=1+1", "-2+3"}
	safe := []any{"plain", "中文=1", " =1", 7, -3, -2.5, int64(-9), true}
	e, err := spec.NewExporter(i18n.ZH)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range risky {
		if err := e.Write(fmt.Sprintf("1311020010%02d", i), s, safe[i]); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := e.Finish(&b); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b.Bytes()), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	format := func(cell string) int {
		id, err := x.GetCellStyle("测试", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.NumFmt
	}
	for i, s := range risky {
		cell, other := fmt.Sprintf("B%d", i+2), fmt.Sprintf("C%d", i+2)
		if v, _ := x.GetCellValue("测试", cell); v != s || format(cell) != 49 {
			t.Errorf("%s: %q in format %d, want %q as text", cell, v, format(cell), s)
		}
		if f, _ := x.GetCellFormula("测试", cell); f != "" {
			t.Errorf("%s is a formula %q", cell, f)
		}
		typ, _ := x.GetCellType("测试", other)
		v, _ := x.GetCellValue("测试", other)
		switch want := safe[i].(type) {
		case string:
			if format(other) != 0 || v != want {
				t.Errorf("%s: %q in format %d", other, v, format(other))
			}
		case int, int64, float64:
			if typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString || format(other) != 0 || v != fmt.Sprint(want) {
				t.Errorf("%s: the number %v written as %q, type %v, format %d", other, want, v, typ, format(other))
			}
		}
	}
	rows, err := spec.Read(context.Background(), bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range risky {
		if got := rows[i].Get("name"); got != strings.TrimSpace(s) {
			t.Errorf("row %d imports back as %q, want %q", i+2, got, s)
		}
	}

	// Outside a StreamWriter too.
	x2 := excelize.NewFile()
	defer x2.Close()
	g, err := NewGuard(x2)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetSheetRow(x2, "Sheet1", "B3", []any{"ok", "=1+1", -1}); err != nil {
		t.Fatal(err)
	}
	for cell, want := range map[string]int{"B3": 0, "C3": 49, "D3": 0} {
		id, _ := x2.GetCellStyle("Sheet1", cell)
		st, _ := x2.GetStyle(id)
		if st.NumFmt != want {
			t.Errorf("%s in format %d, want %d", cell, st.NumFmt, want)
		}
	}
}

func TestReadLenient(t *testing.T) {
	// An empty required cell is left to the registry's checks ...
	rows, err := spec.ReadLenient(context.Background(), book(t, "", []any{"代码", "名称"}, []any{"1", ""}, []any{"", "b"}))
	if err != nil || len(rows) != 2 || rows[0].Get("code") != "1" || rows[1].Get("name") != "b" {
		t.Fatalf("rows %+v, %v", rows, err)
	}
	// ... a required column missing from the header is not.
	_, err = spec.ReadLenient(context.Background(), book(t, "", []any{"名称", "面积(m²)"}, []any{"a", "1"}))
	if fs := fields(t, err); !has(fs, 1, "code", "xlsx.missing_column") || len(fs) != 1 {
		t.Fatalf("fields %+v", fs)
	}
	if spec.Columns[0].Required != true {
		t.Fatal("ReadLenient changed the spec")
	}
}

func TestSortByColumn(t *testing.T) {
	fs := []errs.FieldError{errs.Field("other", "a"), errs.Field("area", "b"), errs.Field("code", "c"), errs.Field("area", "d")}
	spec.SortByColumn(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Field+":"+f.Key)
	}
	if strings.Join(got, " ") != "code:c area:b area:d other:a" {
		t.Fatalf("order %v", got)
	}
}

func TestDownload(t *testing.T) {
	rec := httptest.NewRecorder()
	if err := Download(rec, "名单.xlsx", func(w io.Writer) error { return spec.WriteTemplate(w, i18n.ZH) }); err != nil {
		t.Fatal(err)
	}
	if rec.Header().Get("Content-Type") != ContentType || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") ||
		rec.Body.Len() == 0 || rec.Header().Get("Content-Length") != fmt.Sprint(rec.Body.Len()) {
		t.Fatalf("headers %v, %d bytes", rec.Header(), rec.Body.Len())
	}
	// A failed write sends nothing, so the caller can answer with an error page.
	rec = httptest.NewRecorder()
	boom := errs.Forbidden()
	if err := Download(rec, "x.xlsx", func(w io.Writer) error { _, _ = w.Write([]byte("partial")); return boom }); err != boom {
		t.Fatalf("error %v", err)
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Fatalf("sent %q with %v", rec.Body.String(), rec.Header())
	}
}
