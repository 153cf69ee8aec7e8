package xlsx

import (
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// Formula injection ("CSV injection"): a text an export writes that starts
// with =, +, -, @, a tab or a carriage return would be a formula to a
// spreadsheet if it were typed. excelize writes a Go string as a string cell
// (inline or shared), which Excel, WPS and LibreOffice show as text and never
// evaluate on opening; but a cell in the General format is re-read as what it
// says as soon as someone edits it (F2, Enter), and =HYPERLINK(…) or a DDE
// call then runs. A Guard gives such cells the Text number format ("@"), in
// which an edit stays text. The value itself is left exact, so an export still
// imports back unchanged (a leading ' would become part of a name or a
// "+86" phone number). Numbers, booleans and times are written as what they
// are: a negative number stays a number.
type Guard struct{ text int }

// NewGuard adds the Text style to x.
func NewGuard(x *excelize.File) (*Guard, error) {
	id, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return nil, err
	}
	return &Guard{text: id}, nil
}

// FormulaLike says whether a text would start a formula if typed.
func FormulaLike(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// text is what excelize writes for v as a string cell, and whether it does.
func text(v any) (string, bool) {
	switch v := v.(type) {
	case nil, bool, time.Time, time.Duration, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64,
		float32, float64, []excelize.RichTextRun:
		return "", false
	case string:
		return v, true
	case []byte:
		return string(v), true
	}
	return fmt.Sprint(v), true
}

// Row returns values for a StreamWriter's SetRow (a copy when any changes):
// each formula-like text is wrapped in a cell of the Text style.
func (g *Guard) Row(values []any) []any {
	out, copied := values, false
	for i, v := range values {
		c, isCell := v.(excelize.Cell)
		if isCell {
			if c.Formula != "" || c.StyleID != 0 {
				continue
			}
			v = c.Value
		}
		if s, ok := text(v); !ok || !FormulaLike(s) {
			continue
		}
		if !copied {
			out, copied = append([]any(nil), values...), true
		}
		out[i] = excelize.Cell{StyleID: g.text, Value: v}
	}
	return out
}

// SetSheetRow is excelize's SetSheetRow (outside a StreamWriter) with the
// formula-like texts given the Text style.
func (g *Guard) SetSheetRow(x *excelize.File, sheet, cell string, values []any) error {
	if err := x.SetSheetRow(sheet, cell, &values); err != nil {
		return err
	}
	col, row, err := excelize.CellNameToCoordinates(cell)
	if err != nil {
		return err
	}
	for i, v := range values {
		if s, ok := text(v); ok && FormulaLike(s) {
			ref, err := excelize.CoordinatesToCellName(col+i, row)
			if err != nil {
				return err
			}
			if err := x.SetCellStyle(sheet, ref, ref, g.text); err != nil {
				return err
			}
		}
	}
	return nil
}
