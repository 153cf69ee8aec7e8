package facility_test

import (
	"bytes"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/facility"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx/xlsxtest"
)

// The kind, status and yes/no columns take the labels in Chinese, in
// English in any case, and the codes; a bad value is named by row and
// column with the labels in the user's language; the template offers them
// in drop-down lists; an export in either language imports back unchanged.
func TestImportTakesLabelsAndCodes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	cols := []string{"division_code", "kind", "name", "status", "newly_built", "barrier_free"}
	for name, row := range map[string][]any{
		"zh":    {apptest.Community, "居家养老服务设施", "甲照料中心", "在建", "是", "否"},
		"en":    {apptest.Community, "Home-Based ELDERLY care", "乙照料中心", "UNDER CONSTRUCTION", "yes", "No"},
		"codes": {apptest.Community, "home_elderly_care", "丙照料中心", "under_construction", "1", "0"},
	} {
		if res, err := s.Import(ctx, workbook(t, cols, [][]any{row})); err != nil || res.Created != 1 {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
	}
	list, _, err := s.List(ctx, facility.Filter{Kind: "home_elderly_care"}, 1, 50)
	if err != nil || len(list) != 3 {
		t.Fatalf("listed %d %v", len(list), err)
	}
	for _, f := range list {
		if f.Status != facility.UnderConstruction || !f.NewlyBuilt || f.BarrierFree {
			t.Errorf("%+v", f)
		}
	}

	_, err = s.Import(ctx, workbook(t, cols, [][]any{{apptest.Community, "养老院", "丁", "开着", "", ""}}))
	fs := errs.As(err).Fields
	if len(fs) != 2 || fs[0].Field != "kind" || fs[1].Field != "status" {
		t.Fatalf("bad values: %v", err)
	}
	if m := i18n.FieldMessage(i18n.ZH, fs[0]); !strings.HasPrefix(m, "第 2 行，类型：“养老院”不是可选的值，应为以下之一：综合服务设施、党群服务中心、居家养老服务设施、") {
		t.Errorf("message %q", m)
	}
	if m := i18n.FieldMessage(i18n.ZH, fs[1]); m != "第 2 行，状态：“开着”不是可选的值，应为以下之一：在用、在建、已关闭" {
		t.Errorf("message %q", m)
	}

	for _, lang := range i18n.Langs {
		lctx := i18n.With(ctx, lang)
		var b bytes.Buffer
		if err := s.WriteTemplate(lctx, &b); err != nil {
			t.Fatal(err)
		}
		xlsxtest.CheckDropLists(t, b.Bytes(), facility.Sheet, lang, "kind", "status", "newly_built",
			"online_24h", "barrier_free", "age_friendly", "fitness_circle")
		b.Reset()
		if _, err := s.Export(lctx, facility.Filter{Kind: "home_elderly_care"}, &b); err != nil {
			t.Fatal(err)
		}
		res, err := s.Import(lctx, &b)
		if err != nil || res.Rows != 3 || res.Created != 0 || res.Updated != 0 {
			t.Fatalf("%s: re-import of an unchanged export: %+v %v", lang, res, err)
		}
	}
}
