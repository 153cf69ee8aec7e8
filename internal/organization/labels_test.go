package organization_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/organization"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx/xlsxtest"
)

// The registration and type columns take the labels in Chinese, in
// English in any case, and the codes; a bad value is named with the
// labels in the user's language.
func TestImportTakesLabelsAndCodes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e)
	ctx := e.As(auth.CountyStaff, apptest.County)
	header := []string{"所在区划代码", "名称", "登记或备案", "登记证号或备案号", "类型", "专职工作人员数", "孵化基地"}
	for name, row := range map[string][]string{
		"zh":    {apptest.Community, "甲协会", "备案", "备-1", "残疾人协会", "1", "否"},
		"en":    {apptest.Community, "乙协会", "FILED", "备-2", "disabled PERSONS' association", "1", "No"},
		"codes": {apptest.Community, "丙协会", "filed", "备-3", "disabled_persons_association", "1", "false"},
	} {
		if n, err := s.Import(ctx, apptest.Workbook(t, [][]string{header, row})); err != nil || n != 1 {
			t.Fatalf("%s: %d %v", name, n, err)
		}
	}
	list, _, err := s.List(ctx, organization.Filter{Type: "disabled_persons_association"})
	if err != nil || len(list) != 3 {
		t.Fatalf("listed %d %v", len(list), err)
	}
	for _, o := range list {
		if o.Registration != "filed" || o.IncubationBase {
			t.Errorf("%+v", o)
		}
	}
	_, err = s.Import(ctx, apptest.Workbook(t, [][]string{header, {apptest.Community, "丁协会", "注册", "备-4", "俱乐部", "1", "否"}}))
	fs := errs.As(err).Fields
	if len(fs) != 2 || fs[0].Field != "registration" || fs[1].Field != "type" {
		t.Fatalf("bad values: %v", err)
	}
	for i, w := range []string{"第 2 行，登记或备案：“注册”不是可选的值，应为以下之一：登记、备案",
		"第 2 行，类型：“俱乐部”不是可选的值，应为以下之一：生活服务类、公益慈善类、邻里互助类、农村专业技术服务类、文体活动类、养老服务类、残疾人协会、其他"} {
		if msg := i18n.FieldMessage(i18n.ZH, fs[i]); msg != w {
			t.Errorf("message %q, want %q", msg, w)
		}
	}
}

// The template offers the closed columns' labels in drop-down lists in its
// language, and an export in either language imports back unchanged.
func TestTemplateDropListsAndExportRoundTrip(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e)
	ctx := e.As(auth.CountyStaff, apptest.County)
	p := valid(apptest.Community)
	p.Type, p.Registration, p.IncubationBase = ptr("elderly_service"), ptr("filed"), ptr(true)
	if _, err := s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	flat := func(o organization.Organization) string {
		return fmt.Sprint(o.DivisionCode, o.Name, o.Registration, o.RegistrationNumber, o.Type, o.FullTimeStaff, o.IncubationBase)
	}
	orig, _, err := s.List(ctx, organization.Filter{})
	if err != nil || len(orig) != 1 {
		t.Fatal(len(orig), err)
	}
	for i, lang := range i18n.Langs {
		lctx := i18n.With(ctx, lang)
		var b bytes.Buffer
		if err := s.WriteTemplate(lctx, &b); err != nil {
			t.Fatal(err)
		}
		xlsxtest.CheckDropLists(t, b.Bytes(), organization.Sheet, lang, "registration", "type", "incubation_base")
		b.Reset()
		if err := s.Export(lctx, organization.Filter{Q: orig[0].Name}, &b); err != nil {
			t.Fatal(err)
		}
		// Each export holds what the imports before it added too.
		if n, err := s.Import(lctx, &b); err != nil || n != 1<<i {
			t.Fatalf("%s: export imports back: %d %v", lang, n, err)
		}
	}
	all, _, err := s.List(ctx, organization.Filter{Q: orig[0].Name})
	if err != nil || len(all) != 4 {
		t.Fatalf("listed %d %v", len(all), err)
	}
	for _, o := range all {
		if flat(o) != flat(orig[0]) || strings.TrimSpace(o.Name) == "" {
			t.Errorf("imported back %s, exported %s", flat(o), flat(orig[0]))
		}
	}
}
