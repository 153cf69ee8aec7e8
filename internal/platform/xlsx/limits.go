package xlsx

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/errs"
)

// Caps on what an uploaded workbook may unzip to. A zip's headers say how
// large a part is, but they are the uploader's word: the reader counts the
// bytes it actually inflates and the compressed bytes it actually consumes,
// and stops at the first cap broken (a 531 KB workbook with one 512 MiB
// cell used to take a minute and gigabytes before it was refused).
const (
	// MaxCellChars is Excel's own limit on the characters of one cell.
	MaxCellChars = 32767
	// MaxRatio caps how many times its compressed size a part may unzip
	// to, once past ratioGrace (small parts of repeated markup compress
	// far better than data). Apache POI uses the same 100 by default.
	MaxRatio   = 100
	ratioGrace = 1 << 20
	// maxTag caps one tag, comment or CDATA section of a sheet.
	maxTag = 1 << 20
	// maxSmallPart caps the workbook, its relationships and the like.
	maxSmallPart = 4 << 20
	// The decoded and the raw text of one cell: at most 7 bytes a
	// character (an _xHHHH_ escape) after entities are decoded, at most 10
	// before (&#1114111;).
	maxCellBytes = 7 * MaxCellChars
	maxRawBytes  = 10 * MaxCellChars
)

// Reasons of a LimitError.
const (
	ReasonCell    = "cell"    // a cell holds more than MaxCellChars characters
	ReasonPart    = "part"    // a part unzips to more than the limit
	ReasonRatio   = "ratio"   // a part unzips to more than MaxRatio times its compressed size
	ReasonElement = "element" // one tag, comment or CDATA section is larger than a sheet's ever are
)

// A LimitError says which cap an upload broke, where: the part, and in a
// worksheet the row (0 when none was reached yet) and column (-1 when not
// in a cell). Read is how many bytes of the part had been unzipped when the
// reader stopped. It wraps ErrTooLarge.
type LimitError struct {
	Reason   string
	Part     string
	Row, Col int
	Read     int64
	Limit    int64 // the part's cap, for ReasonPart
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("xlsx: %s: %s limit broken at row %d column %d after %d bytes", e.Part, e.Reason, e.Row, e.Col+1, e.Read)
}

func (e *LimitError) Unwrap() error { return ErrTooLarge }

// partReader unzips one part, counting what it reads against the caps.
type partReader struct {
	name  string
	zr    io.ReadCloser // the inflater (or the stored bytes)
	raw   *countReader  // the compressed bytes consumed
	n     int64
	limit int64
	err   error
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

// openPart opens a part's raw data and inflates it ourselves, so that the
// compressed bytes really consumed are known (the header's sizes are not
// trusted).
func openPart(f *zip.File, name string, limit int64) (*partReader, error) {
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, ErrNotWorkbook
	}
	p := &partReader{name: name, raw: &countReader{r: raw}, limit: limit}
	switch f.Method {
	case zip.Store:
		p.zr = io.NopCloser(p.raw)
	case zip.Deflate:
		p.zr = flate.NewReader(p.raw)
	default:
		return nil, fmt.Errorf("xlsx: part %s compressed with method %d: %w", name, f.Method, ErrNotWorkbook)
	}
	return p, nil
}

func (p *partReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.zr.Read(b)
	p.n += int64(n)
	switch {
	case p.n > p.limit:
		p.err = &LimitError{Reason: ReasonPart, Part: p.name, Col: -1, Read: p.n, Limit: p.limit}
	case p.n > ratioGrace && p.n > MaxRatio*max(p.raw.n, 1):
		p.err = &LimitError{Reason: ReasonRatio, Part: p.name, Col: -1, Read: p.n}
	}
	if p.err != nil {
		return 0, p.err
	}
	if err != nil && err != io.EOF {
		// A corrupt deflate stream.
		return n, fmt.Errorf("xlsx: part %s: %v: %w", p.name, err, ErrNotWorkbook)
	}
	return n, err
}

func (p *partReader) Close() error { return p.zr.Close() }

// Refusal is the EINVALID error for what OpenRows or Rows.Err returned: the
// cap the upload broke, named with its row and column; a value past
// MaxColumns at row; else not a workbook. maxBytes is the upload's own cap.
func Refusal(err error, row int, maxBytes int64) error {
	var le *LimitError
	switch {
	case errors.As(err, &le):
		switch le.Reason {
		case ReasonCell:
			col, _ := excelize.ColumnNumberToName(le.Col + 1)
			return errs.Invalid(rowErr(le.Row, "upload", "xlsx.cell_too_long", col, MaxCellChars))
		case ReasonRatio:
			return errs.Invalid(rowErr(le.Row, "upload", "xlsx.ratio", MaxRatio))
		case ReasonElement:
			return errs.Invalid(rowErr(le.Row, "upload", "xlsx.element_too_large", maxTag>>10))
		}
		return errs.Invalid(rowErr(le.Row, "upload", "xlsx.unzips_too_large", max(le.Limit>>20, 1)))
	case errors.Is(err, ErrTooWide):
		return errs.Invalid(rowErr(row, "upload", "xlsx.too_wide", MaxColumns))
	case errors.Is(err, ErrTooLarge):
		return errs.Invalid(errs.Field("upload", "xlsx.too_large", maxBytes>>20))
	}
	return errs.Invalid(errs.Field("upload", "xlsx.not_workbook"))
}
