package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"shequ/internal/platform/errs"
)

// bomb is a workbook (the hand-made layout) whose sheet, or shared
// strings, has before + body repeated to n bytes + after, deflated as
// tightly as deflate goes; it is streamed, so the test never holds the
// unzipped part.
func bomb(t testing.TB, inSST bool, before, body, after string, n int) []byte {
	t.Helper()
	parts := handMade("", "")
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	big := "book/sheets/data.xml"
	head := `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`
	tail := `</x:sheetData></x:worksheet>`
	if inSST {
		big, head, tail = "book/strings.xml", `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, `</sst>`
		parts["book/sheets/data.xml"] = head[:0] + `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			`<x:row r="2"><x:c r="C2" t="s"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`
	}
	for name, body := range parts {
		if name == big {
			continue
		}
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	w, err := z.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, head+before)
	chunk := []byte(strings.Repeat(body, max(1, (64<<10)/len(body))))
	for written := 0; written < n; written += len(chunk) {
		w.Write(chunk)
	}
	io.WriteString(w, after+tail)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll opens and reads every row, returning the first error.
func readAll(data []byte, limit int64) error {
	rows, err := OpenRows(data, limit, "Data")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// TestRowsRefuseBombs: a workbook that unzips to far more than it weighs
// is refused at the first cap it breaks, with the reason, the row and the
// column, after reading a bounded part of it, whatever the zip's headers
// say and however large the part's cap is.
func TestRowsRefuseBombs(t *testing.T) {
	const huge = 64 << 20 // unzipped; the workbooks weigh about 64 KB
	noise := make([]byte, 3<<20)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range noise {
		noise[i] = 'a' + byte(rng.IntN(26))
	}
	for name, c := range map[string]struct {
		data     []byte
		reason   string
		row, col int
	}{
		"one huge inline cell": {bomb(t, false, `<x:row r="3"><x:c r="B3" t="inlineStr"><x:is><x:t>`, "a", `</x:t></x:is></x:c></x:row>`, huge), ReasonCell, 3, 1},
		"one huge value":       {bomb(t, false, `<x:row r="7"><x:c r="D7"><x:v>`, "9", `</x:v></x:c></x:row>`, huge), ReasonCell, 7, 3},
		"a cell of many runs": {bomb(t, false, `<x:row r="2"><x:c r="A2" t="inlineStr"><x:is>`, `<x:r><x:t>abcdefgh</x:t></x:r>`, `</x:is></x:c></x:row>`, huge),
			ReasonCell, 2, 0},
		"a cell of CDATA": {bomb(t, false, `<x:row r="2"><x:c r="E2" t="inlineStr"><x:is><x:t>`, `<![CDATA[abcdefgh]]>`, `</x:t></x:is></x:c></x:row>`, huge),
			ReasonCell, 2, 4},
		"many empty cells":              {bomb(t, false, `<x:row r="5">`, `<x:c/>`, `</x:row>`, huge), ReasonRatio, 5, -1},
		"many empty unknown elements":   {bomb(t, false, `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c></x:row>`, `<x:x/>`, ``, huge), ReasonRatio, 1, -1},
		"one huge shared string":        {bomb(t, true, `<si><t>a</t></si><si><t>`, "a", `</t></si>`, huge), ReasonRatio, 0, -1},
		"many empty shared strings":     {bomb(t, true, ``, `<si/>`, ``, huge), ReasonRatio, 0, -1},
		"a huge tag of incompressibles": {zipOf(t, handMade(`<x:row r="1" x="`+string(noise)+`"/>`, ``)), ReasonElement, 0, -1},
	} {
		t.Run(name, func(t *testing.T) {
			if len(c.data) > 1<<20 && c.reason != ReasonElement {
				t.Fatalf("the bomb weighs %d bytes", len(c.data))
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			err := readAll(c.data, 1<<40) // the part's own cap out of the way
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			var le *LimitError
			if !errors.As(err, &le) || !errors.Is(err, ErrTooLarge) {
				t.Fatalf("got %v", err)
			}
			if le.Reason != c.reason || le.Row != c.row || le.Col != c.col {
				t.Errorf("got %+v, want %s at row %d column %d", le, c.reason, c.row, c.col)
			}
			// Stopped after a bounded read: what a cell may hold, or the
			// ratio's grace, plus the scanner's buffer.
			if le.Read > 3<<20 {
				t.Errorf("read %d bytes of the part before stopping", le.Read)
			}
			t.Logf("%d-byte workbook refused in %v after %d bytes unzipped, %d bytes allocated", len(c.data), took, le.Read, after.TotalAlloc-before.TotalAlloc)
		})
	}
}

// TestRowsCellCap: a cell may hold Excel's 32,767 characters (of any
// width), not one more; a shared string past it is named at the cell that
// uses it; an upload's errors name the row, the column and the reason.
func TestRowsCellCap(t *testing.T) {
	full := strings.Repeat("中", MaxCellChars)
	escaped := strings.Repeat("_x000D_", MaxCellChars)
	ok := zipOf(t, handMade(`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>`+full+`</x:t></x:is></x:c>`+
		`<x:c r="B1" t="inlineStr"><x:is><x:t>`+escaped+`</x:t></x:is></x:c><x:c r="C1" t="s"><x:v>0</x:v></x:c></x:row>`,
		`<si><t>`+strings.Repeat("&#x4E2D;", MaxCellChars)+`</t></si>`))
	got := ourRows(t, ok, "Data")
	if r := got[1]; len(r) != 3 || r[0] != full || r[1] != strings.Repeat("\r", MaxCellChars) || r[2] != full {
		t.Errorf("cells at the cap were not read whole")
	}
	for name, c := range map[string]struct {
		sheet, sst string
		row, col   int
	}{
		"inline":        {`<x:row r="4"><x:c r="B4" t="inlineStr"><x:is><x:t>` + full + `a</x:t></x:is></x:c></x:row>`, ``, 4, 1},
		"shared string": {`<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c></x:row><x:row r="3"><x:c r="C3" t="s"><x:v>1</x:v></x:c></x:row>`, `<si><t>ok</t></si><si><t>` + full + `</t><t>a</t></si>`, 3, 2},
	} {
		t.Run(name, func(t *testing.T) {
			err := readAll(zipOf(t, handMade(c.sheet, c.sst)), 1<<30)
			var le *LimitError
			if !errors.As(err, &le) || le.Reason != ReasonCell || le.Row != c.row || le.Col != c.col {
				t.Fatalf("got %v", err)
			}
		})
	}
	// Through Spec.Read: the field error names the row and the column.
	spec := spec
	spec.SheetEn = "Data"
	_, err := spec.Read(t.Context(), bytes.NewReader(bomb(t, false, `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>代码</x:t></x:is></x:c>`+
		`<x:c r="B1" t="inlineStr"><x:is><x:t>名称</x:t></x:is></x:c></x:row><x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>`, "a", `</x:t></x:is></x:c></x:row>`, 64<<20)))
	fs := errs.As(err).Fields
	if len(fs) != 1 || fs[0].Row != 2 || fs[0].Key != "xlsx.cell_too_long" || len(fs[0].Args) != 2 || fs[0].Args[0] != "B" || fs[0].Args[1] != MaxCellChars {
		t.Errorf("Spec.Read: %+v", fs)
	}
	_, err = spec.Read(t.Context(), bytes.NewReader(bomb(t, false, `<x:row r="1">`, `<x:c/>`, `</x:row>`, 64<<20)))
	if fs := errs.As(err).Fields; len(fs) != 1 || fs[0].Row != 1 || fs[0].Key != "xlsx.ratio" {
		t.Errorf("Spec.Read of a sheet of empty cells: %+v", fs)
	}
}

// BenchmarkBomb: the pen test's shape, one 512 MiB cell in a workbook of
// about 500 KB. go test -run '^$' -bench Bomb -benchmem ./internal/platform/xlsx/
func BenchmarkBomb(b *testing.B) {
	data := bomb(b, false, `<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>`, "a", `</x:t></x:is></x:c></x:row>`, 512<<20)
	b.Logf("workbook of %d bytes", len(data))
	b.ResetTimer()
	for b.Loop() {
		if err := readAll(data, 1<<40); !errors.Is(err, ErrTooLarge) {
			b.Fatal(err)
		}
	}
}
