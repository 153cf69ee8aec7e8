package e2e

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"shequ/internal/platform/cjkfont"
)

// pdfText is the text of a PDF that fpdf wrote with a UTF-8 font: each
// stream inflated, the font's ToUnicode map read, and the glyph ids of
// every shown string mapped back to text (one line per string). It reads
// what this project writes, not every PDF.
func pdfText(pdf []byte) string {
	streamRE := regexp.MustCompile(`(?s)stream\r?\n(.*?)\r?\nendstream`)
	var streams []string
	for _, m := range streamRE.FindAllSubmatch(pdf, -1) {
		raw := m[1]
		if r, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			if b, err := io.ReadAll(r); err == nil {
				raw = b
			}
		}
		streams = append(streams, string(raw))
	}
	glyphs := map[uint64]rune{}
	hex := func(s string) uint64 { v, _ := strconv.ParseUint(s, 16, 32); return v }
	charRE := regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	rangeRE := regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	for _, s := range streams {
		if !strings.Contains(s, "begincmap") {
			continue
		}
		for _, blk := range regexp.MustCompile(`(?s)beginbfrange(.*?)endbfrange`).FindAllStringSubmatch(s, -1) {
			for _, m := range rangeRE.FindAllStringSubmatch(blk[1], -1) {
				lo, hi, u := hex(m[1]), hex(m[2]), hex(m[3])
				for g := lo; g <= hi; g++ {
					glyphs[g] = rune(u + g - lo)
				}
			}
		}
		for _, blk := range regexp.MustCompile(`(?s)beginbfchar(.*?)endbfchar`).FindAllStringSubmatch(s, -1) {
			for _, m := range charRE.FindAllStringSubmatch(blk[1], -1) {
				glyphs[hex(m[1])] = rune(hex(m[2]))
			}
		}
	}
	var out strings.Builder
	for _, s := range streams {
		if !strings.Contains(s, "Tj") {
			continue
		}
		for _, str := range shownStrings(s) {
			for i := 0; i+1 < len(str); i += 2 {
				if r, ok := glyphs[uint64(str[i])<<8|uint64(str[i+1])]; ok {
					out.WriteRune(r)
				}
			}
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// shownStrings are the literal strings of a content stream shown by Tj,
// unescaped: a string runs from "(" to its matching ")", a backslash
// escaping the next character.
func shownStrings(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '(' {
			continue
		}
		depth, j := 1, i+1
		for ; j < len(s) && depth > 0; j++ {
			switch s[j] {
			case '\\':
				j++
			case '(':
				depth++
			case ')':
				depth--
			}
		}
		if strings.HasPrefix(strings.TrimLeft(s[j:], " \n"), "Tj") {
			out = append(out, unescapePDF(s[i+1:j-1]))
		}
		i = j - 1
	}
	return out
}

// unescapePDF undoes a literal string's backslash escapes.
func unescapePDF(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		default:
			if c >= '0' && c <= '7' {
				j := i
				for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
					j++
				}
				v, _ := strconv.ParseUint(s[i:j], 8, 8)
				b.WriteByte(byte(v))
				i = j - 1
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// The extractor reads back what fpdf writes with the embedded font.
func TestPDFTextReadsFpdf(t *testing.T) {
	pdf := fpdf.New("P", "mm", "A4", "")
	cjkfont.Add(pdf)
	pdf.AddPage()
	pdf.SetFont(cjkfont.Name, "", 12)
	pdf.CellFormat(0, 8, "农村社区综合服务设施覆盖率 (80.5%) 终期评估", "", 1, "L", false, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	if got := pdfText(buf.Bytes()); !strings.Contains(got, "农村社区综合服务设施覆盖率 (80.5%) 终期评估") {
		t.Fatalf("read back %q", got)
	}
}
