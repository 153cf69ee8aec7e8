package worker_test

import (
	"bytes"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/xlsx"
	"shequ/internal/platform/xlsx/xlsxtest"
	"shequ/internal/worker"
)

// The post and the yes/no columns take the labels in Chinese, in English
// in any case, and the codes; a bad post is named with the posts in the
// user's language.
func TestImportTakesLabelsAndCodes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	header := []string{"所在村(社区)代码", "姓名", "联系电话", "岗位", "任职开始日期", "持证社工", "灾害信息员"}
	for name, rows := range map[string][][]string{
		"zh":    {{apptest.Community, "王甲", "13800000001", "居(村)委会主任", "2022-01-01", "是", "否"}},
		"en":    {{apptest.Community, "王乙", "13800000002", "COMMITTEE DIRECTOR", "2022-01-01", "Yes", "no"}},
		"codes": {{apptest.Community, "王丙", "13800000003", "committee_director", "2022-01-01", "true", "0"}},
	} {
		res, err := s.Import(ctx, sheet(t, header, rows))
		if err != nil || res.Created != 1 {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
	}
	items, _, err := s.List(ctx, worker.Filter{Post: worker.CommitteeDirector})
	if err != nil || len(items) != 3 {
		t.Fatalf("listed %d %v", len(items), err)
	}
	for _, w := range items {
		if !w.CertifiedSocialWorker || w.DisasterOfficer {
			t.Errorf("%s: %+v", w.Name, w)
		}
	}
	_, err = s.Import(ctx, sheet(t, header, [][]string{{apptest.Community, "王丁", "13800000004", "村长", "2022-01-01", "", ""}}))
	fs := errs.As(err).Fields
	if len(fs) != 1 || fs[0].Row != 2 || fs[0].Field != "post" {
		t.Fatalf("bad post: %v", err)
	}
	msg := i18n.FieldMessage(i18n.ZH, fs[0])
	if !strings.Contains(msg, "第 2 行") || !strings.Contains(msg, "岗位") || !strings.Contains(msg, "“村长”") ||
		!strings.Contains(msg, "党组织书记、居(村)委会主任、居(村)委会委员、专职社区工作者、社会工作者、网格员") || strings.Contains(msg, "party_secretary") {
		t.Errorf("message %q", msg)
	}
}

// The template offers the posts and yes/no in drop-down lists in its
// language; an export writes labels that read back as the same values.
func TestTemplateDropListsAndExportReadsBack(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	p := valid(apptest.Community)
	p.Post, p.CertifiedSocialWorker = ptr("grid_worker"), ptr(true)
	if _, err := s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		lctx := i18n.With(ctx, lang)
		var b bytes.Buffer
		if err := s.WriteTemplate(lctx, &b); err != nil {
			t.Fatal(err)
		}
		xlsxtest.CheckDropLists(t, b.Bytes(), worker.Sheet, lang, "post", "certified_social_worker", "disaster_officer")
		b.Reset()
		if err := s.Export(lctx, worker.Filter{}, &b); err != nil {
			t.Fatal(err)
		}
		rows, err := worker.Sheet.Read(lctx, &b)
		if err != nil || len(rows) != 1 {
			t.Fatalf("%s: export reads back %v %v", lang, rows, err)
		}
		post, ok := worker.Sheet.Col("post").Pick(rows[0].Get("post"))
		csw, r1 := xlsx.Bool(rows[0].Get("certified_social_worker"))
		do, r2 := xlsx.Bool(rows[0].Get("disaster_officer"))
		if !ok || post != "grid_worker" || r1 != "" || !csw || r2 != "" || do {
			t.Errorf("%s: export row %v", lang, rows[0].Values)
		}
	}
}
