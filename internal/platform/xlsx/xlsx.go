// Package xlsx is what the registries share for Excel: a column spec, a
// template workbook in the user's language, the reading of an uploaded
// workbook into rows keyed by column (headers accepted in either language,
// size-capped, every problem named by row and column), and a streamed
// export. It knows no slice: each registry describes its columns here.
package xlsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Column is one column of a registry's sheet.
type Column struct {
	Key      string // the field's API name; errors name it (field.<Key> must be translated)
	Zh, En   string // header in each language
	Required bool
	// Help says what goes in the column, in each language; Example is a
	// sample value shown in the template's instructions sheet.
	HelpZh, HelpEn string
	Example        string
	Width          float64 // 0: a width from the header
	// Choice closes the column to a list of codes (see Choice); Bool marks
	// a yes/no column. Either gives the template a drop-down list.
	Choice *Choice
	Bool   bool
}

// Header is the column's header in lang.
func (c *Column) Header(lang string) string {
	if lang == i18n.EN {
		return c.En
	}
	return c.Zh
}

// Help is the column's help text in lang.
func (c *Column) Help(lang string) string {
	if lang == i18n.EN {
		return c.HelpEn
	}
	return c.HelpZh
}

// Spec describes a registry's sheet.
type Spec struct {
	// SheetZh and SheetEn name the data sheet in each language.
	SheetZh, SheetEn string
	Columns          []Column
	// MaxBytes caps an upload (default 20 MB); MaxRows caps its data rows
	// (default 50,000).
	MaxBytes int64
	MaxRows  int
	// MaxErrors bounds how many problems one error lists (default 200).
	MaxErrors int
}

// Defaults.
const (
	DefaultMaxBytes  = 20 << 20
	DefaultMaxRows   = 50000
	DefaultMaxErrors = 200
)

// Sheet is the data sheet's name in lang.
func (s *Spec) Sheet(lang string) string {
	if lang == i18n.EN {
		return s.SheetEn
	}
	return s.SheetZh
}

// Headers are the column headers in lang; required columns are marked with
// a trailing "*", which reading ignores.
func (s *Spec) Headers(lang string) []string {
	out := make([]string, len(s.Columns))
	for i := range s.Columns {
		out[i] = s.Columns[i].Header(lang)
		if s.Columns[i].Required {
			out[i] += "*"
		}
	}
	return out
}

func (s *Spec) maxBytes() int64 {
	if s.MaxBytes > 0 {
		return s.MaxBytes
	}
	return DefaultMaxBytes
}

func (s *Spec) maxRows() int {
	if s.MaxRows > 0 {
		return s.MaxRows
	}
	return DefaultMaxRows
}

// MaxErrorsOr is the cap on listed problems.
func (s *Spec) MaxErrorsOr() int {
	if s.MaxErrors > 0 {
		return s.MaxErrors
	}
	return DefaultMaxErrors
}

func width(c *Column, header string) float64 {
	if c.Width > 0 {
		return c.Width
	}
	w := float64(len([]rune(header)))*2 + 2
	return min(max(w, 10), 40)
}

// WriteTemplate writes an empty workbook to fill in: the data sheet with
// the headers in lang (required ones bold and marked "*"), and an
// instructions sheet that lists every column, whether it is required, what
// goes in it and an example.
func (s *Spec) WriteTemplate(w io.Writer, lang string) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := s.Sheet(lang)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: SetSheetName", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}})
	if err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: NewStyle", err)
	}
	plain, err := x.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}}})
	if err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: NewStyle", err)
	}
	text, err := x.NewStyle(&excelize.Style{NumFmt: 49}) // "@": typed codes stay text
	if err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: NewStyle", err)
	}
	headers := s.Headers(lang)
	for i := range s.Columns {
		c := &s.Columns[i]
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.SetCellStr(sheet, cell, headers[i]); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetCellStr", err)
		}
		st := plain
		if c.Required {
			st = bold
		}
		if err := x.SetCellStyle(sheet, cell, cell, st); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetCellStyle", err)
		}
		if err := x.SetColWidth(sheet, col, col, width(c, headers[i])); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetColWidth", err)
		}
		if err := x.SetColStyle(sheet, col, text); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetColStyle", err)
		}
		// The header cell keeps its own style over the column's.
		if err := x.SetCellStyle(sheet, cell, cell, st); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetCellStyle", err)
		}
		if h := c.helpText(lang); h != "" {
			if err := x.AddComment(sheet, excelize.Comment{Cell: cell, Author: "shequ", Text: h}); err != nil {
				return errs.Internal("xlsx.Spec.WriteTemplate: AddComment", err)
			}
		}
	}
	if err := x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: SetPanes", err)
	}
	help := i18n.T(lang, "xlsx.instructions")
	if _, err := x.NewSheet(help); err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: NewSheet", err)
	}
	rows := [][]any{
		{i18n.T(lang, "xlsx.instructions_intro", sheet)},
		{},
		{i18n.T(lang, "xlsx.col_header"), i18n.T(lang, "xlsx.col_required"), i18n.T(lang, "xlsx.col_help"), i18n.T(lang, "xlsx.col_example")},
	}
	for i := range s.Columns {
		c := &s.Columns[i]
		req := i18n.T(lang, "xlsx.optional")
		if c.Required {
			req = i18n.T(lang, "xlsx.required")
		}
		rows = append(rows, []any{c.Header(lang), req, c.helpText(lang), c.exampleText(lang)})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(help, cell, &r); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetSheetRow", err)
		}
	}
	if err := x.SetCellStyle(help, "A3", "D3", bold); err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: SetCellStyle", err)
	}
	for col, wd := range map[string]float64{"A": 24, "B": 10, "C": 60, "D": 24} {
		if err := x.SetColWidth(help, col, col, wd); err != nil {
			return errs.Internal("xlsx.Spec.WriteTemplate: SetColWidth", err)
		}
	}
	if err := s.dropLists(x, sheet, lang); err != nil {
		return errs.Internal("xlsx.dropLists", err)
	}
	if err := x.Write(w); err != nil {
		return errs.Internal("xlsx.Spec.WriteTemplate: Write", err)
	}
	return nil
}

// dropLists gives every closed or yes/no column of the data sheet a
// drop-down list of its options in lang. The options are kept on a hidden
// sheet behind a defined name (an inline list is capped at 255 characters
// and cannot hold a comma), one column of it per data column.
func (s *Spec) dropLists(x *excelize.File, sheet, lang string) error {
	lists := i18n.T(lang, "xlsx.lists")
	last := min(s.maxRows()+1, excelize.TotalRows)
	made := false
	n := 0
	for i := range s.Columns {
		c := &s.Columns[i]
		opts := c.Options(lang)
		if len(opts) == 0 {
			continue
		}
		if !made {
			if _, err := x.NewSheet(lists); err != nil {
				return err
			}
			made = true
		}
		n++
		lc, _ := excelize.ColumnNumberToName(n)
		for j, o := range opts {
			if err := x.SetCellStr(lists, fmt.Sprintf("%s%d", lc, j+1), o); err != nil {
				return err
			}
		}
		name := "list_" + c.Key
		if err := x.SetDefinedName(&excelize.DefinedName{Name: name,
			RefersTo: fmt.Sprintf("'%s'!$%s$1:$%s$%d", lists, lc, lc, len(opts))}); err != nil {
			return err
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, last)
		dv.SetSqrefDropList(name)
		if c.Choice == nil || !c.Choice.Multi {
			// A warning, not a stop: a code or an alias typed in imports too.
			title := []rune(c.Header(lang))
			title = title[:min(len(title), 32)] // Excel's cap on an alert's title
			dv.SetError(excelize.DataValidationErrorStyleWarning, string(title), i18n.T(lang, "xlsx.pick_from_list"))
		}
		if err := x.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	if made {
		if err := x.SetSheetVisible(lists, false); err != nil {
			return err
		}
	}
	return nil
}

// Row is one data row of an upload: Line is its row number in the sheet
// (the header is row 1), Values its cells by column key, trimmed; a column
// the workbook lacks is absent from Values.
type Row struct {
	Line   int
	Values map[string]string
}

// Get returns a cell's value ("" when empty or absent).
func (r *Row) Get(key string) string { return r.Values[key] }

// Has says whether the workbook has the column at all.
func (r *Row) Has(key string) bool {
	_, ok := r.Values[key]
	return ok
}

// rowErr names a problem at a row and column.
func rowErr(line int, field, key string, args ...any) errs.FieldError {
	f := errs.Field(field, key, args...)
	f.Row = line
	return f
}

// RowError is the error for a row's field; registries use it for their own
// checks so that every problem reads the same way.
func RowError(line int, field, key string, args ...any) errs.FieldError {
	return rowErr(line, field, key, args...)
}

// zipMagic starts every .xlsx (an OOXML zip package).
var zipMagic = []byte("PK\x03\x04")

// Read reads an uploaded workbook: the data sheet (by its name in either
// language, else the first sheet), its header row matched to the columns
// by header in either language or by key, then every non-blank row. It
// checks size, type (by content), unknown, duplicate and missing required
// columns, the row cap, and that required cells are filled; every problem
// is listed (up to MaxErrors) with its row and column, and any problem
// makes the whole read fail (EINVALID), so an import built on it is
// all-or-nothing.
func (s *Spec) Read(ctx context.Context, r io.Reader) ([]Row, error) {
	limit := s.maxBytes()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.unreadable"))
	}
	if int64(len(data)) > limit {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.too_large", limit>>20))
	}
	if len(data) == 0 {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.empty"))
	}
	if !bytes.HasPrefix(data, zipMagic) {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.not_workbook"))
	}
	// Unzipped parts are capped too, against zip bombs.
	rows, err := OpenRows(data, limit*20, s.SheetZh, s.SheetEn)
	if err != nil {
		return nil, Refusal(err, 0, limit)
	}
	defer rows.Close()

	var bad errs.Fields
	maxErr := s.MaxErrorsOr()
	// The header: the first non-blank row.
	var cols []int // cell index → column index (-1: ignored)
	for rows.Next() {
		if cells := rows.Columns(); !blank(cells) {
			cols, bad = s.matchHeader(rows.Row(), cells)
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, Refusal(err, rows.Row(), limit)
	}
	if cols == nil && len(bad) == 0 {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.no_header"))
	}
	if len(bad) > 0 {
		return nil, errs.Invalid(bad...)
	}
	present := map[int]bool{}
	for _, ci := range cols {
		if ci >= 0 {
			present[ci] = true
		}
	}
	var out []Row
	for n := 0; rows.Next(); n++ {
		line, cells := rows.Row(), rows.Columns()
		if n%1000 == 0 && ctx.Err() != nil {
			return nil, errs.Internal("xlsx.Spec.Read: Row", ctx.Err())
		}
		if blank(cells) {
			continue
		}
		if len(out) >= s.maxRows() {
			return nil, errs.Invalid(errs.Field("upload", "xlsx.too_many_rows", s.maxRows()))
		}
		vals := make(map[string]string, len(present))
		for ci := range present {
			vals[s.Columns[ci].Key] = ""
		}
		for i, v := range cells {
			if i < len(cols) && cols[i] >= 0 {
				vals[s.Columns[cols[i]].Key] = strings.TrimSpace(v)
			} else if strings.TrimSpace(v) != "" && len(bad) < maxErr {
				name, _ := excelize.ColumnNumberToName(i + 1)
				bad = append(bad, rowErr(line, "upload", "xlsx.cell_without_header", name))
			}
		}
		for ci := range s.Columns {
			c := &s.Columns[ci]
			if c.Required && vals[c.Key] == "" && len(bad) < maxErr {
				bad = append(bad, rowErr(line, c.Key, "error.required"))
			}
		}
		out = append(out, Row{Line: line, Values: vals})
	}
	if err := rows.Err(); err != nil {
		return nil, Refusal(err, rows.Row(), limit)
	}
	if len(bad) > 0 {
		return nil, errs.Invalid(bad...)
	}
	if len(out) == 0 {
		return nil, errs.Invalid(errs.Field("upload", "xlsx.no_rows"))
	}
	return out, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// norm folds a header for matching: trimmed, without the "*" mark, case and
// full-width brackets folded.
func norm(h string) string {
	h = strings.TrimSpace(h)
	h = strings.TrimSuffix(strings.TrimPrefix(h, "*"), "*")
	h = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "").Replace(h)
	return strings.ToLower(strings.TrimSpace(h))
}

// matchHeader maps header cells to columns.
func (s *Spec) matchHeader(line int, cells []string) ([]int, errs.Fields) {
	byName := map[string]int{}
	for i := range s.Columns {
		c := &s.Columns[i]
		for _, n := range []string{c.Zh, c.En, c.Key} {
			if n != "" {
				byName[norm(n)] = i
			}
		}
	}
	var bad errs.Fields
	cols := make([]int, len(cells))
	seen := map[int]bool{}
	for i, h := range cells {
		cols[i] = -1
		if strings.TrimSpace(h) == "" {
			continue
		}
		ci, ok := byName[norm(h)]
		if !ok {
			bad = append(bad, rowErr(line, "upload", "xlsx.unknown_column", strings.TrimSpace(h)))
			continue
		}
		if seen[ci] {
			bad = append(bad, rowErr(line, s.Columns[ci].Key, "xlsx.duplicate_column"))
			continue
		}
		seen[ci] = true
		cols[i] = ci
	}
	for i := range s.Columns {
		if s.Columns[i].Required && !seen[i] {
			bad = append(bad, rowErr(line, s.Columns[i].Key, "xlsx.missing_column"))
		}
	}
	return cols, bad
}

// Exporter streams rows into a workbook; formula-like texts are guarded
// (Guard).
type Exporter struct {
	x     *excelize.File
	sw    *excelize.StreamWriter
	guard *Guard
	row   int
	cols  int
}

// NewExporter starts a workbook whose data sheet has the headers of the
// columns in lang (without the "*" marks, so that the export can be edited
// and imported back).
func (s *Spec) NewExporter(lang string) (*Exporter, error) {
	x := excelize.NewFile()
	sheet := s.Sheet(lang)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		x.Close()
		return nil, errs.Internal("xlsx.Spec.NewExporter: SetSheetName", err)
	}
	guard, err := NewGuard(x)
	if err != nil {
		x.Close()
		return nil, errs.Internal("xlsx.Spec.NewExporter: NewGuard", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		x.Close()
		return nil, errs.Internal("xlsx.Spec.NewExporter: NewStreamWriter", err)
	}
	header := make([]any, len(s.Columns))
	for i := range s.Columns {
		h := s.Columns[i].Header(lang)
		header[i] = h
		if err := sw.SetColWidth(i+1, i+1, width(&s.Columns[i], h)); err != nil {
			x.Close()
			return nil, errs.Internal("xlsx.Spec.NewExporter: SetColWidth", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		x.Close()
		return nil, errs.Internal("xlsx.Spec.NewExporter: SetPanes", err)
	}
	if err := sw.SetRow("A1", header); err != nil {
		x.Close()
		return nil, errs.Internal("xlsx.Spec.NewExporter: SetRow", err)
	}
	return &Exporter{x: x, sw: sw, guard: guard, row: 1, cols: len(s.Columns)}, nil
}

// Write adds a row: values in the order of the columns.
func (e *Exporter) Write(values ...any) error {
	if len(values) != e.cols {
		return errs.Internal("xlsx.Exporter.Write", fmt.Errorf("xlsx export: %d values for %d columns", len(values), e.cols))
	}
	e.row++
	cell, _ := excelize.CoordinatesToCellName(1, e.row)
	if err := e.sw.SetRow(cell, e.guard.Row(values)); err != nil {
		return errs.Internal("xlsx.Exporter.Write: SetRow", err)
	}
	return nil
}

// Rows is how many data rows were written.
func (e *Exporter) Rows() int { return e.row - 1 }

// Finish flushes the sheet and writes the workbook to w.
func (e *Exporter) Finish(w io.Writer) error {
	defer e.x.Close()
	if err := e.sw.Flush(); err != nil {
		return errs.Internal("xlsx.Exporter.Finish: Flush", err)
	}
	if err := e.x.Write(w); err != nil {
		return errs.Internal("xlsx.Exporter.Finish: Write", err)
	}
	return nil
}

// Close discards an unfinished export.
func (e *Exporter) Close() error { return e.x.Close() }

// Export writes a workbook of the spec in lang: fill writes its data rows
// through ex; then done, when not nil, is told how many rows were written
// (a registry audits its export there) before the workbook goes to w. An
// error of fill or done is returned and nothing is written to w.
func (s *Spec) Export(w io.Writer, lang string, fill func(ex *Exporter) error, done func(rows int) error) error {
	ex, err := s.NewExporter(lang)
	if err != nil {
		return err
	}
	defer ex.Close()
	if err := fill(ex); err != nil {
		return err
	}
	if done != nil {
		if err := done(ex.Rows()); err != nil {
			return err
		}
	}
	return ex.Finish(w)
}

// ContentType is the media type of a workbook.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// IsInvalid says whether err is a validation error (the upload's fault).
func IsInvalid(err error) bool {
	var e *errs.Error
	return errors.As(err, &e) && e.Code == errs.EINVALID
}
