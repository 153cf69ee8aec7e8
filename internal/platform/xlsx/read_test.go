package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/errs"
)

// excelizeRows is what excelize reads (raw values), by row number, with
// trailing empty cells and empty rows left out.
func excelizeRows(t *testing.T, data []byte, sheet string) map[int][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]string{}
	for i, r := range rows {
		if r = trimEmpty(r); len(r) > 0 {
			out[i+1] = r
		}
	}
	return out
}

func trimEmpty(r []string) []string {
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}

// ourRows is what OpenRows reads, in the same shape.
func ourRows(t *testing.T, data []byte, names ...string) map[int][]string {
	t.Helper()
	rows, err := OpenRows(data, 1<<30, names...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int][]string{}
	last := 0
	for rows.Next() {
		if rows.Row() <= last {
			t.Fatalf("row %d after %d", rows.Row(), last)
		}
		last = rows.Row()
		if r := trimEmpty(rows.Columns()); len(r) > 0 {
			out[rows.Row()] = append([]string(nil), r...)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameRows(t *testing.T, got, want map[int][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d rows, excelize reads %d", len(got), len(want))
	}
	for n, w := range want {
		if g := got[n]; fmt.Sprintf("%q", g) != fmt.Sprintf("%q", w) {
			t.Errorf("row %d:\n got %q\nwant %q", n, g, w)
		}
	}
}

// TestRowsAgreeWithExcelize: workbooks written by excelize's cell API
// (shared strings, rich text, numbers, dates, booleans, formulas, escapes,
// sparse rows and columns, long text) and by its StreamWriter (inline
// strings) read the same through OpenRows as through excelize.
func TestRowsAgreeWithExcelize(t *testing.T) {
	long := strings.Repeat("长文本 & <tag> \"quoted\" ", 30000) // about 700 KB, past the reader's buffer
	x := excelize.NewFile()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(x.SetSheetName("Sheet1", "说明"))
	must(x.SetCellValue("说明", "A1", "instructions, not data"))
	_, err := x.NewSheet("人员信息")
	must(err)
	s := "人员信息"
	values := []any{
		"张建国", "110101194003074475", 13800138000, 3.25, -0.5, 1e20, true, false,
		time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC), " leading and trailing ", "a & b < c > d \"e\" 'f'",
		"line\nbreak", "tab\there", "ctrl\x08char", "_x0041_ literal", "全角（括号）　空格", "", "0012",
	}
	for i, v := range values {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		must(x.SetCellValue(s, cell, v))
	}
	must(x.SetCellValue(s, "A1", "header"))
	must(x.SetCellValue(s, "AB7", "far column"))
	must(x.SetCellValue(s, "C7", "sparse"))
	must(x.SetCellValue(s, "A40", long))
	must(x.SetCellRichText(s, "B9", []excelize.RichTextRun{{Text: "rich "}, {Text: "text", Font: &excelize.Font{Bold: true}}}))
	must(x.SetCellFormula(s, "D9", "1+2"))
	must(x.SetCellValue(s, "E9", 42))
	must(x.SetCellStr(s, "A100", "after a gap"))
	var b bytes.Buffer
	must(x.Write(&b))
	x.Close()
	sameRows(t, ourRows(t, b.Bytes(), "人员信息"), excelizeRows(t, b.Bytes(), "人员信息"))
	if got := ourRows(t, b.Bytes(), "no such sheet"); got[1][0] != "instructions, not data" {
		t.Errorf("without a matching name the first sheet is read: %v", got)
	}

	// The StreamWriter writes inline strings.
	x = excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	must(err)
	rng := rand.New(rand.NewPCG(1, 2))
	for r := 1; r <= 3000; r++ {
		row := make([]any, 12)
		for c := range row {
			switch rng.IntN(6) {
			case 0:
				row[c] = fmt.Sprintf("社区%d & <%d>", rng.IntN(1000), c)
			case 1:
				row[c] = rng.IntN(1 << 40)
			case 2:
				row[c] = rng.Float64() * 1000
			case 3:
				row[c] = ""
			case 4:
				row[c] = nil
			default:
				row[c] = strings.Repeat("字", rng.IntN(50))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		must(sw.SetRow(cell, row))
	}
	must(sw.Flush())
	b.Reset()
	must(x.Write(&b))
	x.Close()
	sameRows(t, ourRows(t, b.Bytes()), excelizeRows(t, b.Bytes(), "Sheet1"))
}

// zipOf writes the named parts into a zip.
func zipOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// handMade is a workbook as other programs write it: prefixed element
// names, the sheet elsewhere than sheet1.xml, comments, CDATA, phonetic
// runs, cells without references, an entity in a reference's neighbour.
func handMade(sheetData, sst string) map[string]string {
	return map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="book/main.xml"/></Relationships>`,
		"book/main.xml": `<?xml version="1.0"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<x:sheets><x:sheet name="Other" sheetId="2" r:id="rId2"/><x:sheet name="Data" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"book/_rels/main.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/book/sheets/data.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="sheets/other.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/></Relationships>`,
		"book/sheets/other.xml": `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>other</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>`,
		"book/sheets/data.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetPr/><x:sheetData>` + sheetData + `</x:sheetData><x:pageMargins/></x:worksheet>`,
		"book/strings.xml": `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">` + sst + `</sst>`,
	}
}

func TestRowsHandMade(t *testing.T) {
	sst := `<si><t>plain</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">rich </t></r><r><t>runs</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>` +
		`<si/><si><t><![CDATA[a <b> & c]]></t></si><si><t>esc_x000D_aped &#x4E2D;&#25991;</t></si>`
	data := `<!-- a comment with > and ' in it -->
<x:row r="2" spans="1:3"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c r="D2" t="s" s="3"><x:v> 3 </x:v></x:c></x:row>
<x:row r="3"/>
<x:row r="4"><x:c r="B4" t="s"><x:v>4</x:v></x:c><x:c r="C4"><x:f>SUM(A1:A2)</x:f><x:v>12.5</x:v></x:c><x:c r="D4" t="str"><x:f>A1</x:f><x:v>text &amp; result</x:v></x:c><x:c r="E4" t="b"><x:v>1</x:v></x:c><x:c r="F4" t="s"><x:v>2</x:v></x:c></x:row>
<x:row><x:c t="inlineStr"><x:is><x:t>no reference</x:t></x:is></x:c><x:c r="C5" t='inlineStr' attr="a>b"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t>line</x:t></x:r></x:is></x:c></x:row>`
	got := ourRows(t, zipOf(t, handMade(data, sst)), "Data")
	want := map[int][]string{
		2: {"plain", "rich runs", "", "a <b> & c"},
		4: {"", "esc\raped 中文", "12.5", "text & result", "1"},
		5: {"no reference", "", "inline"},
	}
	sameRows(t, got, want)
	if got := ourRows(t, zipOf(t, handMade(data, sst)), "Other"); got[1][0] != "other" {
		t.Errorf("the sheet named Other: %v", got)
	}
}

func TestRowsRefuseBrokenWorkbooks(t *testing.T) {
	for name, c := range map[string]struct {
		data  []byte
		limit int64
		want  error
	}{
		"not a zip":            {[]byte("PK\x03\x04 not really"), 1 << 20, ErrNotWorkbook},
		"no workbook":          {zipOf(t, map[string]string{"a.txt": "x"}), 1 << 20, ErrNotWorkbook},
		"shared string range":  {zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="s"><x:v>9</x:v></x:c></x:row>`, `<si><t>a</t></si>`)), 1 << 20, ErrNotWorkbook},
		"cut short":            {zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a`, ``)), 1 << 20, ErrNotWorkbook},
		"rows out of order":    {zipOf(t, handMade(`<x:row r="5"/><x:row r="4"/>`, ``)), 1 << 20, ErrNotWorkbook},
		"bad entity":           {zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>&nbsp;</x:t></x:is></x:c></x:row>`, ``)), 1 << 20, ErrNotWorkbook},
		"bad reference":        {zipOf(t, handMade(`<x:row r="1"><x:c r="11" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>`, ``)), 1 << 20, ErrNotWorkbook},
		"sheet over the limit": {zipOf(t, handMade(strings.Repeat(`<x:row><x:c t="inlineStr"><x:is><x:t>aaaa</x:t></x:is></x:c></x:row>`, 2000), ``)), 50 << 10, ErrTooLarge},
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := OpenRows(c.data, c.limit, "Data")
			if err == nil {
				for rows.Next() {
				}
				err = rows.Err()
				rows.Close()
			}
			if !errors.Is(err, c.want) {
				t.Errorf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestRowsOfOtherProducers: workbooks written by other programs (made once
// with openpyxl 3.0.9, and with SheetJS 0.18.5 without and with a
// shared-strings table; see testdata/README) read the same through
// OpenRows as through excelize, with the values a person's import needs.
func TestRowsOfOtherProducers(t *testing.T) {
	for _, name := range []string{"openpyxl", "sheetjs", "sheetjs-sst"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name + ".xlsx")
			if err != nil {
				t.Fatal(err)
			}
			got := ourRows(t, data, "人员信息")
			sameRows(t, got, excelizeRows(t, data, "人员信息"))
			// Whatever the producer, the cells a person's import reads.
			for _, c := range []struct {
				row, col int
				want     string
			}{
				{1, 0, "所在村(社区)代码"}, {2, 2, "110101194003074475"}, {2, 3, "13800138000"},
				{2, 7, "a & b < c > d"}, {3, 2, "11010119400307447X"}, {3, 4, " 前后有空格 "},
				{5, 4, "第二行\n换行"}, {5, 7, "0012"}, {7, 9, "稀疏的单元格"}, {9, 0, "全角（括号）　空格"},
			} {
				if r := got[c.row]; len(r) <= c.col || r[c.col] != c.want {
					t.Errorf("row %d column %d: %q, want %q", c.row, c.col, r, c.want)
				}
			}
			if d, reason := Date(got[2][5]); reason != "" || d.Format("2006-01-02") != "2024-01-15" {
				t.Errorf("the date cell %q reads as %v %q", got[2][5], d, reason)
			}
		})
	}
}

// FuzzOpenRows: whatever a worksheet or shared-strings part holds, the
// reader returns rows or an error and never panics (an upload is read on
// a goroutine of its own, where a panic would stop the server).
// go test -run '^$' -fuzz FuzzOpenRows -fuzztime 60s ./internal/platform/xlsx/
func FuzzOpenRows(f *testing.F) {
	f.Add(`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row>`, `<si><t>a</t></si>`)
	f.Add(`<x:row><x:c t="inlineStr"><x:is><x:r><x:t>a&amp;b</x:t></x:r><x:rPh><x:t>c</x:t></x:rPh></x:is></x:c></x:row>`, ``)
	f.Add(`<!-- c --><x:row r="2"/><x:row r="3"><x:c r="B3"><x:v><![CDATA[1]]></x:v></x:c></x:row>`, `<si/>`)
	f.Add(`<x:row r="1"><x:c r="A1" t="str"><x:v>&#x4E2D;_x000D_</x:v></x:c>`, `<si><t>_x005F_x0041_</t></si>`)
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		data := zipOf(t, handMade(sheet, sst))
		rows, err := OpenRows(data, 1<<20, "Data")
		if err != nil {
			return
		}
		defer rows.Close()
		for n := 0; rows.Next() && n < 10000; n++ {
			_ = rows.Columns()
		}
	})
}

// TestRowsTooWide: a value past MaxColumns stops the read, naming its row;
// empty cells that far out do not.
func TestRowsTooWide(t *testing.T) {
	ok := zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c><x:c r="XFD1" t="inlineStr"><x:is><x:t></x:t></x:is></x:c></x:row>`, ``))
	if got := ourRows(t, ok, "Data"); len(got[1]) != 1 {
		t.Errorf("an empty far cell: %q", got[1])
	}
	wide := zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="AMK2" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>`, ``))
	rows, err := OpenRows(wide, 1<<20, "Data")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	if !errors.Is(rows.Err(), ErrTooWide) || rows.Row() != 2 {
		t.Errorf("a value in column AMK: %v at row %d", rows.Err(), rows.Row())
	}
	b := book(t, "测试", []any{"代码", "名称"}, []any{"131102001001", "x"})
	x, err := excelize.OpenReader(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := x.SetCellValue("测试", "AMK2", "b"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	wide = buf.Bytes()
	_, err = spec.Read(t.Context(), bytes.NewReader(wide))
	if fs := errs.As(err).Fields; len(fs) != 1 || fs[0].Row != 2 || fs[0].Key != "xlsx.too_wide" {
		t.Errorf("Spec.Read: %v", err)
	}
}
