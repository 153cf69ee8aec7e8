package xlsx

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/platform/i18n"
)

func init() {
	i18n.Register(map[string]i18n.Msg{
		"test.kind.physical": {"肢体残疾", "Physical"},
		"test.kind.visual":   {"视力残疾", "visual"},
		"test.kind.aged":     {"高龄(80岁以上)", "aged 80+"},
	})
}

var choiceSpec = Spec{
	SheetZh: "测试", SheetEn: "Test",
	Columns: []Column{
		{Key: "name", Zh: "名称", En: "Name", Required: true},
		{Key: "kind", Zh: "类别", En: "Kind", HelpZh: "必填", HelpEn: "required", Example: "肢体残疾",
			Choice: &Choice{Codes: []string{"physical", "visual", "aged"}, Label: "test.kind.", Aliases: map[string]string{"肢体": "physical"}}},
		{Key: "kinds", Zh: "多类别", En: "Kinds", Choice: &Choice{Codes: []string{"physical", "visual", "aged"}, Label: "test.kind.", Multi: true}},
		{Key: "flag", Zh: "标记", En: "Flag", Bool: true, Example: "是"},
	},
	MaxRows: 100,
}

// A closed column takes its code, its label in either language (English
// and codes in any case, brackets full- or half-width) and its aliases.
func TestChoicePicksCodesAndLabels(t *testing.T) {
	c := choiceSpec.Col("kind")
	for in, want := range map[string]string{
		"physical": "physical", "PHYSICAL": "physical", "肢体残疾": "physical", " 肢体残疾 ": "physical", "physical ": "physical",
		"Physical": "physical", "肢体": "physical", "视力残疾": "visual", "VISUAL": "visual",
		"高龄(80岁以上)": "aged", "高龄（80岁以上）": "aged", "Aged 80+": "aged", "": "",
	} {
		if got, ok := c.Pick(in); !ok || got != want {
			t.Errorf("Pick(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"肢", "phys", "其他", "1"} {
		if got, ok := c.Pick(in); ok {
			t.Errorf("Pick(%q) = %q, want refused", in, got)
		}
	}
	codes, bad := choiceSpec.Col("kinds").PickAll("肢体残疾、Visual，高龄（80岁以上）")
	if bad != "" || !slices.Equal(codes, []string{"physical", "visual", "aged"}) {
		t.Errorf("PickAll = %v, %q", codes, bad)
	}
	if _, bad := choiceSpec.Col("kinds").PickAll("肢体残疾、其他"); bad != "其他" {
		t.Errorf("PickAll bad = %q", bad)
	}
	// A bad value is named with its row, its column, the value and the
	// labels in the user's language.
	fe := c.NotOneOf(7, i18n.ZH, " 其他 ")
	if fe.Row != 7 || fe.Field != "kind" {
		t.Fatalf("error %+v", fe)
	}
	msg := i18n.FieldMessage(i18n.ZH, fe)
	for _, w := range []string{"7", "其他", "肢体残疾、视力残疾、高龄(80岁以上)"} {
		if !strings.Contains(msg, w) {
			t.Errorf("zh message %q lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, "physical") {
		t.Errorf("zh message %q names a code", msg)
	}
	if msg := i18n.FieldMessage(i18n.EN, c.NotOneOf(7, i18n.EN, "x")); !strings.Contains(msg, "Physical, visual, aged 80+") {
		t.Errorf("en message %q", msg)
	}
}

// The template gives every closed and yes/no column a drop-down list of
// its labels in the template's language, and its instructions list them.
func TestTemplateDropLists(t *testing.T) {
	for _, lang := range i18n.Langs {
		var b bytes.Buffer
		if err := choiceSpec.WriteTemplate(&b, lang); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		dvs, err := x.GetDataValidations(choiceSpec.Sheet(lang))
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for _, d := range x.GetDefinedName() {
			names[d.Name] = d.RefersTo
		}
		want := map[string][]string{
			"B": {i18n.T(lang, "test.kind.physical"), i18n.T(lang, "test.kind.visual"), i18n.T(lang, "test.kind.aged")},
			"C": {i18n.T(lang, "test.kind.physical"), i18n.T(lang, "test.kind.visual"), i18n.T(lang, "test.kind.aged")},
			"D": {BoolText(true, lang), BoolText(false, lang)},
		}
		got := map[string][]string{}
		for _, dv := range dvs {
			if dv.Type != "list" {
				t.Errorf("%s: validation %s of type %s", lang, dv.Sqref, dv.Type)
			}
			col := strings.TrimRight(strings.SplitN(dv.Sqref, ":", 2)[0], "0123456789")
			if !strings.HasPrefix(dv.Sqref, col+"2:") {
				t.Errorf("%s: validation on %s, want from row 2", lang, dv.Sqref)
			}
			ref := names[dv.Formula1]
			if ref == "" {
				t.Fatalf("%s: %s lists %q, no defined name", lang, dv.Sqref, dv.Formula1)
			}
			sheet, rng, _ := strings.Cut(ref, "!")
			from, to, _ := strings.Cut(strings.ReplaceAll(rng, "$", ""), ":")
			c1, r1, _ := excelize.CellNameToCoordinates(from)
			_, r2, _ := excelize.CellNameToCoordinates(to)
			var opts []string
			for r := r1; r <= r2; r++ {
				cell, _ := excelize.CoordinatesToCellName(c1, r)
				v, _ := x.GetCellValue(strings.Trim(sheet, "'"), cell)
				opts = append(opts, v)
			}
			got[col] = opts
		}
		for col, w := range want {
			if !slices.Equal(got[col], w) {
				t.Errorf("%s: column %s offers %q, want %q", lang, col, got[col], w)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: lists on %v, want on B, C and D only", lang, got)
		}
		// The list sheet is hidden; the instructions list the labels and
		// give the example in the template's language.
		if v, _ := x.GetSheetVisible(i18n.T(lang, "xlsx.lists")); v {
			t.Errorf("%s: the list sheet is visible", lang)
		}
		help, _ := x.GetCellValue(i18n.T(lang, "xlsx.instructions"), "C5")
		if !strings.Contains(help, i18n.T(lang, "test.kind.aged")) {
			t.Errorf("%s: help %q", lang, help)
		}
		ex, _ := x.GetCellValue(i18n.T(lang, "xlsx.instructions"), "D5")
		if ex != i18n.T(lang, "test.kind.physical") {
			t.Errorf("%s: example %q", lang, ex)
		}
		sheets := x.GetSheetList()
		if sheets[0] != choiceSpec.Sheet(lang) {
			t.Errorf("%s: sheets %v", lang, sheets)
		}
		// The template, filled with the labels offered, reads back.
		if err := x.SetSheetRow(sheets[0], "A2", &[]any{"甲", want["B"][0], want["C"][1], want["D"][0]}); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := x.Write(&out); err != nil {
			t.Fatal(err)
		}
		x.Close()
		rows, err := choiceSpec.Read(t.Context(), &out)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if k, ok := choiceSpec.Col("kind").Pick(rows[0].Get("kind")); !ok || k != "physical" {
			t.Errorf("%s: kind %q", lang, rows[0].Get("kind"))
		}
	}
}
