package person_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
)

const (
	sstPart        = "xl/sharedStrings.xml" // where excelize (and Excel) look for it
	sstContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
	sstRelType     = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
)

// sharedStrings returns xlsx (a workbook from excelize's StreamWriter, whose
// text cells are all t="inlineStr") with every inline-string cell turned
// into a shared-string cell (t="s", <v>index</v>) the way Excel and WPS
// save text, and the table in xl/sharedStrings.xml, deduplicated. The
// worksheets stream through a cell-by-cell byte scan; the <is> content is
// copied verbatim (it is already escaped, and <si> has the same schema), so
// only the table of unique strings is held in memory. A table the workbook
// already has is kept, its indexes unchanged, and extended.
func sharedStrings(tb testing.TB, xlsx []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		tb.Fatal(err)
	}
	sst := &sstTable{index: map[string]int32{}}
	for _, f := range zr.File {
		if f.Name == sstPart {
			b := readEntry(tb, f)
			for _, m := range siRe.FindAllSubmatch(b, -1) {
				sst.items = append(sst.items, string(m[1]))
				if _, ok := sst.index[string(m[1])]; !ok {
					sst.index[string(m[1])] = int32(len(sst.items) - 1)
				}
			}
		}
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	create := func(f *zip.File) io.Writer {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			tb.Fatal(err)
		}
		return w
	}
	for _, f := range zr.File {
		switch {
		case f.Name == sstPart:
			// Written last, once the worksheets have added to it.
		case strings.HasPrefix(f.Name, "xl/worksheets/") && !strings.Contains(f.Name[len("xl/worksheets/"):], "/") &&
			strings.HasSuffix(f.Name, ".xml"):
			rc, err := f.Open()
			if err != nil {
				tb.Fatal(err)
			}
			if err := sst.convert(create(f), rc); err != nil {
				tb.Fatalf("%s: %v", f.Name, err)
			}
			rc.Close()
		case f.Name == "[Content_Types].xml":
			b := readEntry(tb, f)
			if !bytes.Contains(b, []byte(`PartName="/`+sstPart+`"`)) {
				b = insertBefore(tb, b, "</Types>", `<Override PartName="/`+sstPart+`" ContentType="`+sstContentType+`"></Override>`)
			}
			create(f).Write(b)
		case f.Name == "xl/_rels/workbook.xml.rels":
			b := readEntry(tb, f)
			if !bytes.Contains(b, []byte(`Type="`+sstRelType+`"`)) {
				id := 0
				for _, m := range relIDRe.FindAllSubmatch(b, -1) {
					if n, _ := strconv.Atoi(string(m[1])); n > id {
						id = n
					}
				}
				b = insertBefore(tb, b, "</Relationships>", fmt.Sprintf(
					`<Relationship Id="rId%d" Target="sharedStrings.xml" Type="%s"></Relationship>`, id+1, sstRelType))
			}
			create(f).Write(b)
		default:
			if err := zw.Copy(f); err != nil {
				tb.Fatal(err)
			}
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: sstPart, Method: zip.Deflate})
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`,
		sst.count, len(sst.items))
	for _, s := range sst.items {
		bw.WriteString("<si>")
		bw.WriteString(s)
		bw.WriteString("</si>")
	}
	bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}

var (
	siRe    = regexp.MustCompile(`(?s)<si>(.*?)</si>|<si/>`)
	relIDRe = regexp.MustCompile(`Id="rId(\d+)"`)
)

func readEntry(tb testing.TB, f *zip.File) []byte {
	tb.Helper()
	rc, err := f.Open()
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func insertBefore(tb testing.TB, b []byte, end, add string) []byte {
	tb.Helper()
	i := bytes.LastIndex(b, []byte(end))
	if i < 0 {
		tb.Fatalf("no %s", end)
	}
	return slices.Concat(b[:i], []byte(add), b[i:])
}

// sstTable is the shared-strings table being built: the <si> contents in
// index order and the index of each, plus the number of t="s" cells.
type sstTable struct {
	items []string
	index map[string]int32
	count int
}

func (s *sstTable) add(si []byte) int32 {
	if i, ok := s.index[string(si)]; ok {
		return i
	}
	i := int32(len(s.items))
	s.items = append(s.items, string(si))
	s.index[s.items[i]] = i
	return i
}

// convert copies worksheet XML from r to w, turning the inline-string cells
// into shared-string ones. It holds a window of the input: the cells are
// small, the window grows only if one is not.
func (s *sstTable) convert(w io.Writer, r io.Reader) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	buf := make([]byte, 0, 1<<20)
	eof := false
	for {
		p := 0
		for {
			rest := buf[p:]
			k := cellStart(rest)
			if k < 0 {
				// "<c" plus its delimiter is 3 bytes: keep 2 for the next round.
				if eof {
					k = len(rest)
				} else {
					k = max(len(rest)-2, 0)
				}
				bw.Write(rest[:k])
				p += k
				break
			}
			bw.Write(rest[:k])
			p += k
			n, err := s.cell(bw, buf[p:])
			if err != nil {
				return err
			}
			if n == 0 {
				if eof {
					return errors.New("truncated cell")
				}
				break
			}
			p += n
		}
		if eof {
			return bw.Flush()
		}
		buf = append(buf[:0], buf[p:]...)
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, cap(buf))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			eof = true
		} else if err != nil {
			return err
		}
	}
}

// cellStart is the offset of the first "<c" start tag (not <col, <cfRule…)
// in b, or -1.
func cellStart(b []byte) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("<c"))
		if i < 0 {
			return -1
		}
		i += off
		if i+2 >= len(b) {
			return -1
		}
		switch b[i+2] {
		case ' ', '>', '/', '\t', '\n', '\r':
			return i
		}
		off = i + 2
	}
}

// cell writes the cell at the start of b, converted if it is an inline
// string, and returns its length, or 0 if b does not hold all of it.
func (s *sstTable) cell(w *bufio.Writer, b []byte) (int, error) {
	gt := bytes.IndexByte(b, '>')
	if gt < 0 {
		return 0, nil
	}
	if b[gt-1] == '/' { // <c r="A1"/>
		w.Write(b[:gt+1])
		return gt + 1, nil
	}
	end := bytes.Index(b[gt+1:], []byte("</c>"))
	if end < 0 {
		return 0, nil
	}
	n := gt + 1 + end + len("</c>")
	attrs, body := b[2:gt], b[gt+1:gt+1+end]
	t0, t1 := cellType(attrs)
	if t := string(attrs[t0:t1]); t != "inlineStr" {
		if t == "s" {
			s.count++
		}
		w.Write(b[:n])
		return n, nil
	}
	i0, i1, si := inlineString(body)
	if i0 < 0 {
		return 0, fmt.Errorf("inline string cell without <is>: %s", b[:n])
	}
	s.count++
	w.WriteString("<c")
	w.Write(attrs[:t0])
	w.WriteString("s")
	w.Write(attrs[t1:])
	w.WriteString(">")
	w.Write(body[:i0])
	w.WriteString("<v>")
	w.WriteString(strconv.Itoa(int(s.add(preserve(si)))))
	w.WriteString("</v>")
	w.Write(body[i1:])
	w.WriteString("</c>")
	return n, nil
}

// cellType locates the value of the t attribute in a cell's attributes.
func cellType(attrs []byte) (int, int) {
	for _, q := range []string{`"`, `'`} {
		if i := bytes.Index(attrs, []byte(" t="+q)); i >= 0 {
			i += len(" t=") + 1
			if j := bytes.Index(attrs[i:], []byte(q)); j >= 0 {
				return i, i + j
			}
		}
	}
	return 0, 0
}

// inlineString locates <is>…</is> (or <is/>) in a cell's body and returns
// its content.
func inlineString(body []byte) (int, int, []byte) {
	if i := bytes.Index(body, []byte("<is/>")); i >= 0 {
		return i, i + len("<is/>"), nil
	}
	i := bytes.Index(body, []byte("<is>"))
	j := bytes.LastIndex(body, []byte("</is>"))
	if i < 0 || j < i {
		return -1, -1, nil
	}
	return i, j + len("</is>"), body[i+len("<is>") : j]
}

// preserve adds xml:space="preserve" to a plain <t> whose text starts or
// ends with white space (excelize already does, this covers other writers).
func preserve(si []byte) []byte {
	text, ok := bytes.CutPrefix(si, []byte("<t>"))
	if !ok {
		return si
	}
	text, ok = bytes.CutSuffix(text, []byte("</t>"))
	if !ok || bytes.IndexByte(text, '<') >= 0 || !edgeSpace(text) {
		return si
	}
	return slices.Concat([]byte(`<t xml:space="preserve">`), text, []byte("</t>"))
}

func edgeSpace(text []byte) bool {
	if len(text) == 0 {
		return false
	}
	for _, c := range []byte{' ', '\t', '\n', '\r'} {
		if text[0] == c || text[len(text)-1] == c {
			return true
		}
	}
	for _, e := range []string{"&#x9;", "&#xA;", "&#xD;", "&#9;", "&#10;", "&#13;"} {
		if bytes.HasPrefix(text, []byte(e)) || bytes.HasSuffix(text, []byte(e)) {
			return true
		}
	}
	return false
}

var sstCountRe = regexp.MustCompile(`<sst\b[^>]*?\bcount="(\d+)"[^>]*?\buniqueCount="(\d+)"`)

// sstCounts reads count and uniqueCount from a workbook's shared-strings
// table (the start of it).
func sstCounts(tb testing.TB, xlsx []byte) (count, unique int) {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		tb.Fatal(err)
	}
	rc, err := zr.Open(sstPart)
	if err != nil {
		tb.Fatal(err)
	}
	defer rc.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(rc, head)
	m := sstCountRe.FindSubmatch(head[:n])
	if m == nil {
		tb.Fatalf("no counts in %.300s", head[:n])
	}
	count, _ = strconv.Atoi(string(m[1]))
	unique, _ = strconv.Atoi(string(m[2]))
	return count, unique
}

// entries reads a workbook's zip entries into a map.
func entries(tb testing.TB, xlsx []byte) map[string]string {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range zr.File {
		m[f.Name] = string(readEntry(tb, f))
	}
	return m
}

// sameRows checks that two workbooks read back the same on every sheet.
func sameRows(tb testing.TB, want, got []byte) {
	tb.Helper()
	read := func(b []byte) map[string][][]string {
		x, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			tb.Fatal(err)
		}
		defer x.Close()
		m := map[string][][]string{}
		for _, sh := range x.GetSheetList() {
			if m[sh], err = x.GetRows(sh); err != nil {
				tb.Fatal(err)
			}
		}
		return m
	}
	w, g := read(want), read(got)
	if len(w) != len(g) {
		tb.Fatalf("sheets: got %d, want %d", len(g), len(w))
	}
	for sh, wr := range w {
		gr := g[sh]
		if len(gr) != len(wr) {
			tb.Fatalf("%s: got %d rows, want %d", sh, len(gr), len(wr))
		}
		for i := range wr {
			if !slices.Equal(gr[i], wr[i]) {
				tb.Fatalf("%s row %d: got %q, want %q", sh, i+1, gr[i], wr[i])
			}
		}
	}
}

func TestImportSharedStrings(t *testing.T) {
	t.Run("escaping", func(t *testing.T) {
		// Leading/trailing spaces, markup characters, a tab, and the
		// empty strings StreamWriter writes as <is><t></t></is>.
		orig := workbook(t, 6, []string{" a&b<c ", "x\ty", "\"q\" 'z'"})
		conv := sharedStrings(t, orig)
		sameRows(t, orig, conv)
		sst := entries(t, conv)[sstPart]
		for _, want := range []string{`<si><t xml:space="preserve"> a&amp;b&lt;c </t></si>`, `<si><t></t></si>`} {
			if !strings.Contains(sst, want) {
				t.Errorf("sst has no %s:\n%s", want, sst)
			}
		}
	})
	t.Run("existing table", func(t *testing.T) {
		// A sheet with shared strings from SetCellValue next to one from
		// StreamWriter: the table is kept and extended.
		x := excelize.NewFile()
		for i, v := range []string{"共享", "shared", " sp "} {
			x.SetCellValue("Sheet1", "A"+strconv.Itoa(i+1), v)
		}
		x.SetCellValue("Sheet1", "B1", 42)
		if _, err := x.NewSheet("S2"); err != nil {
			t.Fatal(err)
		}
		sw, err := x.NewStreamWriter("S2")
		if err != nil {
			t.Fatal(err)
		}
		sw.SetRow("A1", []any{"shared", "inline", 7, "", " sp "})
		sw.SetRow("A2", []any{"inline", "共享"})
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := x.Write(&buf); err != nil {
			t.Fatal(err)
		}
		x.Close()
		orig := buf.Bytes()
		if !strings.Contains(entries(t, orig)[sstPart], "<si>") {
			t.Fatal("excelize wrote no shared strings: the case is not tested")
		}
		conv := sharedStrings(t, orig)
		sameRows(t, orig, conv)
		count, unique := sstCounts(t, conv)
		// 3 cells from SetCellValue, 6 from SetRow; 4 strings: the 3 plus
		// "inline" and "".
		if count != 9 || unique != 5 {
			t.Errorf("count %d unique %d, want 9 and 5", count, unique)
		}
	})

	e, communities := hengshui(t)
	const n = 2000
	orig := workbook(t, n, communities)
	conv := sharedStrings(t, orig)

	ents := entries(t, conv)
	sheet := ents["xl/worksheets/sheet1.xml"]
	cols := len(person.Sheet.Headers("zh-CN"))
	if got := strings.Count(sheet, `t="s"`); got != (n+1)*cols {
		t.Errorf("%d t=\"s\" cells, want %d", got, (n+1)*cols)
	}
	if strings.Contains(sheet, "inlineStr") || strings.Contains(sheet, "<is>") {
		t.Error("inline strings left in the sheet")
	}
	if !strings.Contains(ents["[Content_Types].xml"], `<Override PartName="/xl/sharedStrings.xml" ContentType="`+sstContentType+`">`) {
		t.Error("no content type for the sst")
	}
	if !strings.Contains(ents["xl/_rels/workbook.xml.rels"], `Target="sharedStrings.xml" Type="`+sstRelType+`"`) {
		t.Error("no relationship for the sst")
	}
	count, unique := sstCounts(t, conv)
	if count != (n+1)*cols || unique >= count || unique < 3*n {
		t.Errorf("sst count %d unique %d", count, unique)
	}
	sameRows(t, orig, conv)

	ctx := auth.With(context.Background(), &auth.Principal{Name: "bench", Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, 2)})
	got, err := svc(e).Import(ctx, bytes.NewReader(conv))
	if err != nil {
		t.Fatal(err)
	}
	if got != n {
		t.Fatalf("imported %d of %d", got, n)
	}
}
