package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Rows streams the rows of one worksheet straight from the workbook's zip:
// the cells' values as stored (what excelize gives with RawCellValue), with
// shared strings looked up in a table kept in memory.
//
// Why not excelize's Rows: it decodes every cell through encoding/xml and
// reflection, and past 16 MB it keeps the shared strings in a temporary
// file and reads each one back with a system call. For a million-row
// import that was about 47 of the 110 CPU-seconds, all on one goroutine
// (docs/performance.md). This reader knows only the few elements of a
// worksheet's sheetData and of the shared-strings part (row, c, v, is, t,
// r, rPh) and skips everything else; TestRowsAgreeWithExcelize holds it to
// excelize's values. Every import reads through it (Spec.Read too);
// templates and exports are written with excelize.
type Rows struct {
	rc    io.ReadCloser
	sc    *scanner
	sst   *stringTable
	row   int
	cells []string
	done  bool
	err   error
}

// ErrNotWorkbook is returned when the data is not a workbook this reader
// can find a worksheet in; ErrTooLarge when it breaks one of the caps on
// what an upload may unzip to (a *LimitError says which, and where).
var (
	ErrNotWorkbook = errors.New("xlsx: not a workbook")
	ErrTooLarge    = errors.New("xlsx: part too large")
	// ErrTooWide: a row has a value past MaxColumns (Row tells which).
	ErrTooWide = errors.New("xlsx: a value past the last column read")
)

// MaxColumns is how many columns a row may have values in (AMJ). Imports
// have a few dozen at most; the cap keeps a crafted sheet with values far
// to the right of every row from costing a 16,384-cell row each.
const MaxColumns = 1024

// OpenRows opens the first worksheet named in names (in the workbook's
// order), else the workbook's first worksheet. limit caps the unzipped size
// of the worksheet and of the shared strings (each); every part is also
// held to MaxRatio and every cell to MaxCellChars (limits.go). The bytes
// are counted as they are unzipped, whatever the zip's headers say, and
// the first cap broken stops the read with a *LimitError.
func OpenRows(data []byte, limit int64, names ...string) (*Rows, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, ErrNotWorkbook
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	wbPath := "xl/workbook.xml"
	var rootRels relationships
	if err := readSmall(files, "_rels/.rels", &rootRels); err == nil {
		for _, r := range rootRels.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = partPath("", r.Target)
			}
		}
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := readSmall(files, wbPath, &wb); errors.Is(err, ErrTooLarge) {
		return nil, err
	} else if err != nil || len(wb.Sheets) == 0 {
		return nil, ErrNotWorkbook
	}
	dir := path.Dir(wbPath)
	var rels relationships
	if err := readSmall(files, path.Join(dir, "_rels", path.Base(wbPath)+".rels"), &rels); errors.Is(err, ErrTooLarge) {
		return nil, err
	} else if err != nil {
		return nil, ErrNotWorkbook
	}
	byID := map[string]string{}
	sstPath := ""
	for _, r := range rels.Rel {
		byID[r.ID] = partPath(dir, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sstPath = partPath(dir, r.Target)
		}
	}
	if sstPath == "" {
		sstPath = path.Join(dir, "sharedStrings.xml") // excelize reads it there whatever the relationships say
	}
	pick := 0
	for i := len(wb.Sheets) - 1; i >= 0; i-- {
		for _, n := range names {
			if wb.Sheets[i].Name == n {
				pick = i
			}
		}
	}
	rid := ""
	for _, a := range wb.Sheets[pick].Attrs {
		if a.Name.Local == "id" {
			rid = a.Value
		}
	}
	sheet := files[strings.ToLower(byID[rid])]
	if sheet == nil {
		return nil, ErrNotWorkbook
	}
	rows := &Rows{sst: &stringTable{}}
	if f := files[strings.ToLower(sstPath)]; f != nil {
		if err := rows.sst.load(f, sstPath, limit); err != nil {
			return nil, err
		}
	}
	rc, err := openPart(sheet, byID[rid], limit)
	if err != nil {
		return nil, err
	}
	rows.rc = rc
	rows.sc = newScanner(rc)
	if err := rows.sc.until("sheetData"); err != nil {
		rc.Close()
		rows.rc = nil
		if err == io.EOF {
			rows.done = true
			return rows, nil // a sheet without data
		}
		return nil, err
	}
	return rows, nil
}

type relationships struct {
	Rel []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// partPath resolves a relationship's target against the part's folder.
func partPath(dir, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(dir, target)), "/")
}

func readSmall(files map[string]*zip.File, name string, v any) error {
	f := files[strings.ToLower(name)]
	if f == nil {
		return ErrNotWorkbook
	}
	rc, err := openPart(f, name, maxSmallPart)
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(rc).Decode(v)
}

// Next moves to the next row that the sheet stores (rows the sheet leaves
// out are skipped; Row tells the row's number).
func (r *Rows) Next() bool {
	if r.done || r.err != nil {
		return false
	}
	r.cells = r.cells[:0]
	if err := r.next(); err != nil {
		if err == io.EOF {
			r.done = true
		} else {
			r.err = r.at(err)
		}
		return false
	}
	return true
}

// at places a broken cap of a part at the current row.
func (r *Rows) at(err error) error {
	var le *LimitError
	if errors.As(err, &le) && le.Row == 0 {
		le.Row = r.row
	}
	return err
}

// tooLong is the error for a cell past MaxCellChars.
func (r *Rows) tooLong(col int) error {
	return &LimitError{Reason: ReasonCell, Part: r.sc.part.name, Row: r.row, Col: col, Read: r.sc.part.n}
}

// Row is the current row's number (1 for the sheet's first row).
func (r *Rows) Row() int { return r.row }

// Columns are the current row's cells from column A to its last stored
// cell; cells it leaves out are empty. The slice is reused by Next.
func (r *Rows) Columns() []string { return r.cells }

// Err is the error that stopped Next early, if any.
func (r *Rows) Err() error { return r.err }

// Close releases the worksheet's stream.
func (r *Rows) Close() error {
	if r.rc != nil {
		return r.rc.Close()
	}
	return nil
}

// next reads one <row> element; io.EOF at the end of sheetData.
func (r *Rows) next() error {
	sc := r.sc
	for {
		k, name, err := sc.next()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("xlsx: worksheet ends inside sheetData: %w", ErrNotWorkbook)
			}
			return err
		}
		switch {
		case k == tokEnd && name == "sheetData":
			return io.EOF
		case k != tokEnd && name == "row":
			n, ok, err := sc.intAttr("r")
			switch {
			case err != nil:
				return err
			case ok:
				if n <= r.row || n > 1<<20 {
					return fmt.Errorf("xlsx: row %d out of order: %w", n, ErrNotWorkbook)
				}
				r.row = n
			default:
				r.row++
			}
			if k == tokEmpty {
				return nil
			}
			return r.cellsOfRow()
		}
	}
}

// cellsOfRow reads the cells up to </row>.
func (r *Rows) cellsOfRow() error {
	sc := r.sc
	col := 0 // the next cell's column when it does not say
	var (
		inCell, inIS, inRPh bool
		typ                 string
		v, is               []byte
		hasV                bool
	)
	for {
		k, name, err := sc.next()
		if err != nil {
			if err == io.EOF {
				return fmt.Errorf("xlsx: worksheet ends inside a row: %w", ErrNotWorkbook)
			}
			if err == errOverflow {
				return r.tooLong(col)
			}
			return err
		}
		switch name {
		case "row":
			if k == tokEnd {
				return nil
			}
			return fmt.Errorf("xlsx: row inside a row: %w", ErrNotWorkbook)
		case "c":
			switch k {
			case tokStart, tokEmpty:
				if ref, ok := sc.attr("r"); ok {
					c, ok := columnOf(ref)
					if !ok {
						return fmt.Errorf("xlsx: bad cell reference %q: %w", ref, ErrNotWorkbook)
					}
					col = c
				}
				t, _ := sc.attr("t")
				typ = string(t)
				v, is, hasV = v[:0], is[:0], false
				if k == tokEmpty {
					col++
					continue
				}
				inCell = true
			case tokEnd:
				if !inCell {
					return fmt.Errorf("xlsx: stray </c>: %w", ErrNotWorkbook)
				}
				inCell = false
				val, err := r.value(typ, v, is, hasV)
				if err == errLong || err == nil && utf8.RuneCountInString(val) > MaxCellChars {
					return r.tooLong(col)
				}
				if err != nil {
					return err
				}
				if val != "" && col >= MaxColumns {
					return ErrTooWide
				}
				if val != "" {
					for len(r.cells) < col {
						r.cells = append(r.cells, "")
					}
					if len(r.cells) == col {
						r.cells = append(r.cells, val)
					} else {
						r.cells[col] = val
					}
				}
				col++
			}
		case "v":
			if inCell && k == tokStart {
				sc.collect()
			} else if inCell && k == tokEnd {
				v, hasV = append(v[:0], sc.collected()...), true
			}
		case "is":
			inIS = k == tokStart
		case "rPh":
			inRPh = k == tokStart
		case "t":
			if inIS && !inRPh && k == tokStart {
				sc.collect()
			} else if inIS && !inRPh && k == tokEnd {
				is = append(is, sc.collected()...)
				if len(is) > maxCellBytes {
					return r.tooLong(col)
				}
			}
		}
	}
}

// value is a cell's value as stored.
func (r *Rows) value(typ string, v, is []byte, hasV bool) (string, error) {
	switch typ {
	case "s":
		if !hasV || len(bytes.TrimSpace(v)) == 0 {
			return "", nil
		}
		i, err := strconv.Atoi(string(bytes.TrimSpace(v)))
		if err != nil || i < 0 || i >= r.sst.len() {
			return "", fmt.Errorf("xlsx: shared string %q out of range: %w", v, ErrNotWorkbook)
		}
		if r.sst.long[i] {
			return "", errLong
		}
		return r.sst.get(i), nil
	case "inlineStr":
		if len(is) > 0 || !hasV {
			return unescapeBSTR(string(is)), nil
		}
	}
	return string(v), nil
}

// columnOf reads the column of a cell reference ("AB12" → 27).
func columnOf(ref []byte) (int, bool) {
	n, i := 0, 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		n = n*26 + int(c-'a') + 1
		if n > 16384 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return n - 1, true
}

// errLong: a shared string past MaxCellChars is used.
var errLong = errors.New("xlsx: shared string too long")

// stringTable is the shared strings: one buffer and the offsets into it.
// A string past MaxCellChars is kept empty and marked long, so that the
// cell that uses it is named.
type stringTable struct {
	buf  []byte
	ends []uint32
	long map[int]bool
}

func (t *stringTable) len() int { return len(t.ends) }

func (t *stringTable) get(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return string(t.buf[start:t.ends[i]])
}

func (t *stringTable) load(f *zip.File, name string, limit int64) error {
	rc, err := openPart(f, name, limit)
	if err != nil {
		return err
	}
	defer rc.Close()
	sc := newScanner(rc)
	inSI, inRPh, long := false, false, false
	var si []byte
	for {
		k, name, err := sc.next()
		if err == errOverflow {
			// Marked long; the rest of its text is skipped.
			long, si = true, si[:0]
			continue
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch name {
		case "si":
			switch k {
			case tokStart:
				inSI, si, long = true, si[:0], false
			case tokEmpty, tokEnd:
				inSI = false
				if k == tokEnd && !long {
					si = append(si[:0], unescapeBSTR(string(si))...)
					long = utf8.RuneCount(si) > MaxCellChars
				}
				if k == tokEmpty || long {
					si = si[:0]
				}
				if long {
					if t.long == nil {
						t.long = map[int]bool{}
					}
					t.long[len(t.ends)] = true
				}
				if int64(len(t.buf))+int64(len(si)) > 1<<32-1 {
					return ErrTooLarge
				}
				t.buf = append(t.buf, si...)
				t.ends = append(t.ends, uint32(len(t.buf)))
			}
		case "rPh":
			inRPh = k == tokStart
		case "t":
			if inSI && !inRPh && k == tokStart {
				sc.collect()
			} else if inSI && !inRPh && k == tokEnd && !long {
				si = append(si, sc.collected()...)
				if long = len(si) > maxCellBytes; long {
					si = si[:0]
				}
			}
		}
	}
}

// unescapeBSTR undoes the _xHHHH_ escapes of characters XML cannot carry,
// as excelize does (_x005F_ is an underscore).
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex(s[i+2:i+6]) {
			n, _ := strconv.ParseUint(s[i+2:i+6], 16, 32)
			if r := rune(n); utf8.ValidRune(r) {
				b.WriteRune(r)
			}
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(s[i] >= '0' && s[i] <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// A scanner is a minimal pull tokenizer of XML elements: it reports start,
// empty and end tags by local name, keeps the last tag's attributes, and
// keeps text (entities decoded, CDATA as is) only between collect and the
// next tag that is not CDATA. Comments, processing instructions and
// declarations are skipped. What it holds is capped: a tag at maxTag (else
// a *LimitError), the text collected at what one cell may hold (past it,
// next returns errOverflow at once and, if called again, skips the rest).
type scanner struct {
	br         *bufio.Reader
	part       *partReader
	tag        []byte // the last tag, between < and >
	attrs      []byte // its attributes
	collecting bool
	text       []byte
	raw        []byte // text not yet decoded, while the buffer was full
}

const (
	tokStart = iota
	tokEmpty
	tokEnd
)

func newScanner(p *partReader) *scanner {
	return &scanner{br: bufio.NewReaderSize(p, 256<<10), part: p}
}

func (s *scanner) collect() { s.collecting, s.text = true, s.text[:0] }

// errOverflow: the text being collected is past what a cell holds.
var errOverflow = errors.New("xlsx: text past a cell's cap")

// overflow stops collecting a text past a cell's cap.
func (s *scanner) overflow() error {
	s.collecting = false
	s.text, s.raw = s.text[:0], s.raw[:0]
	return errOverflow
}

// collected is the text since collect; it stops collecting.
func (s *scanner) collected() []byte {
	s.collecting = false
	return s.text
}

// until skips to the start of the named element.
func (s *scanner) until(name string) error {
	for {
		k, n, err := s.next()
		if err != nil {
			return err
		}
		if n == name && k == tokStart {
			return nil
		}
		if n == name && k == tokEmpty {
			return io.EOF
		}
	}
}

// next reads up to the next element tag and returns its kind and local
// name (valid until the next call).
func (s *scanner) next() (int, string, error) {
	for {
		// Text up to '<'.
		s.raw = s.raw[:0]
		for {
			b, err := s.br.ReadSlice('<')
			if err == nil {
				if s.collecting {
					b = b[:len(b)-1]
					if len(s.raw) > 0 {
						// An entity may have straddled the buffer's end.
						b = append(s.raw, b...)
					}
					if len(b) > maxRawBytes {
						return 0, "", s.overflow()
					} else if err := s.appendText(b); err != nil {
						return 0, "", err
					} else if len(s.text) > maxCellBytes {
						return 0, "", s.overflow()
					}
				}
				break
			}
			if err == bufio.ErrBufferFull {
				if s.collecting {
					if len(s.raw)+len(b) > maxRawBytes {
						return 0, "", s.overflow()
					}
					s.raw = append(s.raw, b...)
				}
				continue
			}
			if err == io.EOF && len(bytes.TrimSpace(b)) == 0 {
				return 0, "", io.EOF
			}
			if err == io.EOF {
				return 0, "", fmt.Errorf("xlsx: text after the last element: %w", ErrNotWorkbook)
			}
			return 0, "", err
		}
		// The tag up to '>', minding quoted attribute values; a comment
		// or CDATA section runs to its own end.
		s.tag = s.tag[:0]
		quote := byte(0)
		for {
			b, err := s.br.ReadSlice('>')
			if len(s.tag)+len(b) > maxTag {
				return 0, "", &LimitError{Reason: ReasonElement, Part: s.part.name, Col: -1, Read: s.part.n}
			}
			if err != nil && err != bufio.ErrBufferFull {
				if err == io.EOF {
					return 0, "", fmt.Errorf("xlsx: unfinished tag: %w", ErrNotWorkbook)
				}
				return 0, "", err
			}
			special := len(s.tag) > 0 && s.tag[0] == '!' || len(s.tag) == 0 && len(b) > 0 && b[0] == '!'
			if !special {
				for _, c := range b {
					switch {
					case quote != 0 && c == quote:
						quote = 0
					case quote == 0 && (c == '"' || c == '\''):
						quote = c
					}
				}
			}
			s.tag = append(s.tag, b...)
			if err == nil && quote == 0 && !s.unfinishedSpecial() {
				break
			}
		}
		t := s.tag[:len(s.tag)-1] // without '>'
		switch {
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			if s.collecting {
				if s.text = append(s.text, t[8:len(t)-2]...); len(s.text) > maxCellBytes {
					return 0, "", s.overflow()
				}
			}
			continue
		case len(t) > 0 && (t[0] == '?' || t[0] == '!'):
			continue
		case len(t) > 0 && t[0] == '/':
			return tokEnd, localName(bytes.TrimSpace(t[1:])), nil
		}
		kind := tokStart
		if len(t) > 0 && t[len(t)-1] == '/' {
			kind, t = tokEmpty, t[:len(t)-1]
		}
		end := bytes.IndexAny(t, " \t\r\n")
		if end < 0 {
			end = len(t)
		}
		s.attrs = t[end:]
		return kind, localName(t[:end]), nil
	}
}

// unfinishedSpecial: a comment or CDATA section may hold '>' before its
// own end.
func (s *scanner) unfinishedSpecial() bool {
	t := s.tag
	switch {
	case bytes.HasPrefix(t, []byte("!--")):
		return !bytes.HasSuffix(t, []byte("-->")) || len(t) < 6
	case bytes.HasPrefix(t, []byte("![CDATA[")):
		return !bytes.HasSuffix(t, []byte("]]>")) || len(t) < 11
	}
	return false
}

func localName(b []byte) string {
	if i := bytes.LastIndexByte(b, ':'); i >= 0 {
		b = b[i+1:]
	}
	// The few names the readers act on are interned; others are compared
	// and dropped.
	switch string(b) {
	case "row":
		return "row"
	case "c":
		return "c"
	case "v":
		return "v"
	case "t":
		return "t"
	case "is":
		return "is"
	case "si":
		return "si"
	case "rPh":
		return "rPh"
	case "sheetData":
		return "sheetData"
	}
	return ""
}

// attr is the value of the last tag's attribute with this local name.
func (s *scanner) attr(name string) ([]byte, bool) {
	a := s.attrs
	for {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		key := bytes.TrimSpace(a[:eq])
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || a[0] != '"' && a[0] != '\'' {
			return nil, false
		}
		end := bytes.IndexByte(a[1:], a[0])
		if end < 0 {
			return nil, false
		}
		val := a[1 : end+1]
		a = a[end+2:]
		if i := bytes.IndexByte(key, ':'); i >= 0 {
			if string(key[:i]) == "xmlns" {
				continue
			}
			key = key[i+1:]
		}
		if string(key) == name {
			return val, true
		}
	}
}

func (s *scanner) intAttr(name string) (int, bool, error) {
	v, ok := s.attr(name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil {
		return 0, false, fmt.Errorf("xlsx: bad %s=%q: %w", name, v, ErrNotWorkbook)
	}
	return n, true, nil
}

// appendText decodes XML text onto s.text.
func (s *scanner) appendText(b []byte) error {
	for {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			s.text = append(s.text, b...)
			return nil
		}
		s.text = append(s.text, b[:i]...)
		b = b[i:]
		end := bytes.IndexByte(b, ';')
		if end < 0 {
			return fmt.Errorf("xlsx: unfinished entity: %w", ErrNotWorkbook)
		}
		ent := b[1:end]
		b = b[end+1:]
		switch string(ent) {
		case "amp":
			s.text = append(s.text, '&')
		case "lt":
			s.text = append(s.text, '<')
		case "gt":
			s.text = append(s.text, '>')
		case "quot":
			s.text = append(s.text, '"')
		case "apos":
			s.text = append(s.text, '\'')
		default:
			var n uint64
			var err error
			switch {
			case len(ent) > 2 && ent[0] == '#' && (ent[1] == 'x' || ent[1] == 'X'):
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			case len(ent) > 1 && ent[0] == '#':
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			default:
				err = errors.New("unknown entity")
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				return fmt.Errorf("xlsx: bad entity &%s;: %w", ent, ErrNotWorkbook)
			}
			s.text = utf8.AppendRune(s.text, rune(n))
		}
	}
}
