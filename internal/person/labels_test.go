package person_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx/xlsxtest"
)

// The closed columns take what the template offers: the labels in Chinese
// (and the short forms earlier templates asked for), the labels in
// English in any case, and the codes.
func TestImportTakesLabelsAndCodes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	seq := 30
	row := func(group, kinds, category, grade string) []string {
		seq++
		birth := "19400101"
		if group != "特殊困难老年人" && group != "elderly with special difficulties" && group != "elderly_special" {
			birth = "19800101"
		}
		return []string{apptest.Community, "标签" + string(rune('甲'+seq)), idNumber("131102", birth, seq), "", "", "", "", "",
			group, kinds, category, grade, "2024-01-01", "", "残疾人证"}
	}
	for name, rows := range map[string][][]string{
		"zh":    {row("特殊困难老年人", "独居、高龄（80岁以上）", "", ""), row("残疾人", "", "肢体残疾", "二级"), row("残疾人", "", "肢体", "2级")},
		"en":    {row("ELDERLY WITH SPECIAL DIFFICULTIES", "living alone, Aged 80+", "", ""), row("person with disability", "", "Physical", "Grade 2")},
		"codes": {row("elderly_special", "living_alone,aged_80_plus", "", ""), row("disability", "", "physical", "2")},
	} {
		n, err := s.Import(ctx, bytes.NewReader(sheet(t, rows...)))
		if err != nil || n != len(rows) {
			t.Fatalf("%s: import %d, %v", name, n, err)
		}
	}
	ps, _, err := s.List(ctx, person.Filter{Q: "标签"})
	if err != nil || len(ps) != 7 {
		t.Fatalf("listed %d, %v", len(ps), err)
	}
	for _, p := range ps {
		g := p.Groups[0]
		switch g.Group {
		case person.GroupElderly:
			if !slices.Equal(g.Kinds, []string{"living_alone", "aged_80_plus"}) {
				t.Errorf("%s: kinds %v", p.Name, g.Kinds)
			}
		case person.GroupDisability:
			if g.Category != "physical" || g.Grade != "2" {
				t.Errorf("%s: %s %s", p.Name, g.Category, g.Grade)
			}
		default:
			t.Errorf("%s: group %s", p.Name, g.Group)
		}
	}
}

// A bad value is named by its row and column, with the labels to choose
// from in the user's language, not the codes.
func TestImportNamesLabelsOfBadValue(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	rows := [][]string{
		{apptest.Community, "甲", idNumber("131102", "19800101", 41), "", "", "", "", "", "残疾人", "", "脚", "5", "2024-01-01", "", "残疾人证"},
		{apptest.Community, "乙", idNumber("131102", "19400101", 43), "", "", "", "", "", "特殊困难老年人", "独居、富裕", "", "", "2024-01-01", "", "核查"},
		{apptest.Community, "丙", idNumber("131102", "19400101", 45), "", "", "", "", "", "老人", "", "", "", "2024-01-01", "", "核查"},
	}
	_, err := s.Import(ctx, bytes.NewReader(sheet(t, rows...)))
	e2 := errs.As(err)
	if e2 == nil || e2.Code != errs.EINVALID {
		t.Fatalf("import: %v", err)
	}
	var got []string
	msgs := map[string]string{}
	for _, f := range e2.Fields {
		k := strings.Join([]string{string(rune('0' + f.Row)), f.Field, f.Key}, ":")
		got = append(got, k)
		msgs[k] = i18n.FieldMessage(i18n.ZH, f)
	}
	want := []string{"2:category:xlsx.not_one_of", "2:grade:xlsx.not_one_of", "3:kinds:xlsx.not_one_of", "4:group:xlsx.not_one_of"}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("problems %v, want %v", got, want)
	}
	for k, w := range map[string][]string{
		"2:category:xlsx.not_one_of": {"第 2 行", "残疾类别", "“脚”", "视力残疾、听力残疾、言语残疾、肢体残疾、智力残疾、精神残疾、多重残疾"},
		"2:grade:xlsx.not_one_of":    {"残疾等级", "一级、二级、三级、四级"},
		"3:kinds:xlsx.not_one_of":    {"老年人类型", "“富裕”", "独居、空巢、失能或半失能"},
		"4:group:xlsx.not_one_of":    {"人群类别", "特殊困难老年人、留守儿童、困境儿童、残疾人、就业重点群体"},
	} {
		for _, s := range w {
			if !strings.Contains(msgs[k], s) {
				t.Errorf("%s: %q lacks %q", k, msgs[k], s)
			}
		}
		if strings.Contains(msgs[k], "physical") || strings.Contains(msgs[k], "elderly_special") {
			t.Errorf("%s: %q names codes", k, msgs[k])
		}
	}
}

// The template offers the closed columns' labels in drop-down lists, in
// its language, and the template filled from them imports.
func TestTemplateDropLists(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	for _, lang := range i18n.Langs {
		ctx := i18n.With(e.As(auth.TownshipStaff, apptest.Township), lang)
		var b bytes.Buffer
		if err := s.WriteTemplate(ctx, &b); err != nil {
			t.Fatal(err)
		}
		xlsxtest.CheckDropLists(t, b.Bytes(), person.Sheet, lang, "group", "kinds", "category", "grade")
	}
}
