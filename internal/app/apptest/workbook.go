package apptest

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Workbook is an .xlsx file with rows on its first sheet, for import tests.
func Workbook(t testing.TB, rows [][]string) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = x.SetCellStr("Sheet1", cell, v)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}
