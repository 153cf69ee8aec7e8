// Package xlsxtest checks registries' Excel templates in tests.
package xlsxtest

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/xlsx"
)

// DropLists opens a template and returns, by column key, the options of
// the drop-down list on each column of its data sheet (from row 2), as
// the list's defined name resolves them.
func DropLists(t testing.TB, template []byte, spec *xlsx.Spec, lang string) map[string][]string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(template))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	dvs, err := x.GetDataValidations(spec.Sheet(lang))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, d := range x.GetDefinedName() {
		names[d.Name] = d.RefersTo
	}
	out := map[string][]string{}
	for _, dv := range dvs {
		from, _, _ := strings.Cut(dv.Sqref, ":")
		c, r, err := excelize.CellNameToCoordinates(from)
		if err != nil || r != 2 || c > len(spec.Columns) || dv.Type != "list" {
			t.Fatalf("%s: validation %+v", lang, dv)
		}
		ref, ok := names[dv.Formula1]
		if !ok {
			t.Fatalf("%s: list %q of %s has no defined name", lang, dv.Formula1, dv.Sqref)
		}
		sheet, rng, _ := strings.Cut(strings.ReplaceAll(ref, "$", ""), "!")
		sheet = strings.Trim(sheet, "'")
		a, b, _ := strings.Cut(rng, ":")
		lc, r1, _ := excelize.CellNameToCoordinates(a)
		_, r2, _ := excelize.CellNameToCoordinates(b)
		var opts []string
		for r := r1; r <= r2; r++ {
			cell, _ := excelize.CoordinatesToCellName(lc, r)
			v, _ := x.GetCellValue(sheet, cell)
			opts = append(opts, v)
		}
		out[spec.Columns[c-1].Key] = opts
	}
	return out
}

// CheckDropLists checks that a template in lang has a drop-down list on
// each closed or yes/no column of spec, offering that column's options in
// lang (wantKeys are the keys expected to have one, so that a registry's
// test also says which columns are closed), and none elsewhere.
func CheckDropLists(t testing.TB, template []byte, spec *xlsx.Spec, lang string, wantKeys ...string) {
	t.Helper()
	got := DropLists(t, template, spec, lang)
	for _, k := range wantKeys {
		c := spec.Col(k)
		if len(c.Options(lang)) == 0 {
			t.Errorf("%s: column %s is not closed", lang, k)
		}
		if !slices.Equal(got[k], c.Options(lang)) {
			t.Errorf("%s: column %s offers %q, want %q", lang, k, got[k], c.Options(lang))
		}
	}
	for k := range got {
		if !slices.Contains(wantKeys, k) {
			t.Errorf("%s: column %s has a list %q", lang, k, got[k])
		}
	}
}
