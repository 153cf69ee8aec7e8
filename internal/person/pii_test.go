package person_test

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// idMaskRE finds what looks like a masked ID number: 18 characters, some
// of them stars.
var idMaskRE = regexp.MustCompile(`[0-9X*]{18}`)

// shownDigits counts the characters of a mask that are not stars.
func shownDigits(mask string) int { return 18 - strings.Count(mask, "*") }

// checkNoRebuild fails when text holds the birth date of id in any common
// form, or a mask of id that shows more than its last 2 characters.
func checkNoRebuild(t *testing.T, where, text, id string) {
	t.Helper()
	b := id[6:14]
	for _, form := range []string{b, b[:4] + "-" + b[4:6] + "-" + b[6:], b[:4] + "/" + b[4:6] + "/" + b[6:], b[:4] + "年"} {
		if strings.Contains(text, form) {
			t.Errorf("%s shows the birth date (%s)", where, form)
		}
	}
	if strings.Contains(text, id) {
		t.Errorf("%s shows the whole ID number", where)
	}
	found := false
	for _, m := range idMaskRE.FindAllString(text, -1) {
		if !strings.Contains(m, "*") {
			continue
		}
		found = true
		if n := shownDigits(m); n > 2 || m[16:] != id[16:] {
			t.Errorf("%s shows the mask %s: %d characters, want the last 2", where, m, n)
		}
	}
	if !found {
		t.Errorf("%s shows no masked ID number", where)
	}
}

// A role that may not reveal sees the age but neither the birth date nor
// more than the last 2 characters of the ID number, on every list, detail
// and export (the pentest rebuilt whole numbers from county code, birth
// date and the last 4).
func TestMaskedViewsCannotRebuildTheIDNumber(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	worker := e.As(auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19470315", 27)
	p, err := s.Create(worker, newPatch(apptest.Community, "掩码甲", id, elderly("2024-01-01", "入户核查", "living_alone")))
	if err != nil {
		t.Fatal(err)
	}
	if p.Age < 78 {
		t.Errorf("age %d", p.Age)
	}
	grid := e.As(auth.GridWorker, apptest.Community)
	gp, err := s.Get(grid, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	checkNoRebuild(t, "Get", fmt.Sprintf("%+v", *gp), id)
	ps, _, err := s.List(grid, person.Filter{})
	if err != nil || len(ps) != 1 {
		t.Fatal(ps, err)
	}
	checkNoRebuild(t, "List", fmt.Sprintf("%+v", ps[0]), id)

	// API, list and detail.
	tok := e.Token(auth.GridWorker, apptest.Community)
	res := e.API("GET", "/api/v1/persons", tok, nil)
	if res.StatusCode != 200 {
		t.Fatal(res.StatusCode, res.Body)
	}
	checkNoRebuild(t, "API list", res.Body, id)
	if strings.Contains(res.Body, "birth_date") {
		t.Errorf("API list has a birth_date: %s", res.Body)
	}
	res = e.API("GET", fmt.Sprintf("/api/v1/persons/%d", p.ID), tok, nil)
	checkNoRebuild(t, "API detail", res.Body, id)
	res = e.API("GET", fmt.Sprintf("/api/v1/persons/%d/history", p.ID), tok, nil)
	if strings.Contains(res.Body, id[:3]+"*") {
		t.Errorf("history shows the older mask: %s", res.Body)
	}

	// Pages, list and detail (with its history).
	c := e.Session(auth.GridWorker, apptest.Community)
	checkNoRebuild(t, "list page", c.Get("/persons").Body, id)
	checkNoRebuild(t, "view page", c.Get(fmt.Sprintf("/persons/%d", p.ID)).Body, id)

	// The masked export.
	var buf bytes.Buffer
	if err := s.Export(grid, person.Filter{}, false, "", &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	x.Close()
	var txt []string
	for _, r := range rows {
		txt = append(txt, strings.Join(r, "|"))
	}
	checkNoRebuild(t, "masked export", strings.Join(txt, "\n"), id)

	// Revealed with a reason, the birth date shows with the number.
	rv, err := s.Reveal(worker, p.ID, "核对出生日期")
	if err != nil || rv.IDNumber != id || rv.BirthDate != "1947-03-15" {
		t.Errorf("reveal %+v %v", rv, err)
	}
	wc := e.Session(auth.CommunityWorker, apptest.Community)
	page := wc.PostForm(fmt.Sprintf("/persons/%d/reveal", p.ID), map[string][]string{"reason": {"核对出生日期"}})
	if !strings.Contains(page.Body, "1947-03-15") || !strings.Contains(page.Body, id) {
		t.Errorf("revealed page lacks the birth date or number: %d", page.StatusCode)
	}
}

// A search by a sealed field takes the whole value and a reason, is
// audited with the reason and the blind index (never the value), and is
// limited per account: the pentest walked the 10,000 numbers behind a
// masked phone in 12 seconds.
func TestSealedSearchWholeReasonedAuditedLimited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Search.Limit.Now = func() time.Time { return at }
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19470315", 29)
	if _, err := s.Create(ctx, newPatch(apptest.Community, "查找甲", id)); err != nil {
		t.Fatal(err)
	}
	fieldErr := func(err error) string {
		e2 := errs.As(err)
		if e2 == nil || e2.Code != errs.EINVALID || len(e2.Fields) != 1 {
			return fmt.Sprint(err)
		}
		return e2.Fields[0].Field + ":" + e2.Fields[0].Key
	}
	for _, c := range []struct {
		f    person.Filter
		want string
	}{
		{person.Filter{Phone: "1391234", Reason: "核对"}, "phone:lookup.phone_whole"},
		{person.Filter{Phone: "139****5678", Reason: "核对"}, "phone:lookup.phone_whole"},
		{person.Filter{IDNumber: id[:17], Reason: "核对"}, "id_number:lookup.id_whole"},
		{person.Filter{IDNumber: id[:6] + "*******" + id[13:], Reason: "核对"}, "id_number:lookup.id_whole"},
		{person.Filter{Phone: "13912345678"}, "reason:lookup.reason_required"},
		{person.Filter{IDNumber: id, Reason: " "}, "reason:lookup.reason_required"},
		{person.Filter{Address: "河西街道幸福路 8 号 3 单元 201"}, "reason:lookup.reason_required"},
		{person.Filter{Phone: "13912345678", Reason: "核对 13912345678"}, "reason:lookup.reason_numbers"},
	} {
		if _, _, err := s.List(ctx, c.f); fieldErr(err) != c.want {
			t.Errorf("%+v: %s, want %s", c.f, fieldErr(err), c.want)
		}
	}
	var buf bytes.Buffer
	if err := s.Export(ctx, person.Filter{Phone: "13912345678"}, false, "", &buf); fieldErr(err) != "reason:lookup.reason_required" {
		t.Errorf("export without a search reason: %v", err)
	}
	// Refusals take nothing from the limit; 30 searches pass, the 31st
	// in the window does not.
	for i := 1; i <= 30; i++ {
		ps, _, err := s.List(ctx, person.Filter{Phone: "139 1234 5678", Reason: fmt.Sprintf("第%d次核对", i)})
		if err != nil || len(ps) != 1 {
			t.Fatalf("search %d: %v %v", i, ps, err)
		}
	}
	if _, _, err := s.List(ctx, person.Filter{IDNumber: id, Reason: "第31次核对"}); errs.Code(err) != errs.ETOOMANY || errs.Status(err) != 429 {
		t.Errorf("31st search: %v", err)
	}
	if err := s.Export(ctx, person.Filter{IDNumber: id, Reason: "导出核对"}, false, "", &buf); errs.Code(err) != errs.ETOOMANY {
		t.Errorf("export beyond the limit: %v", err)
	}
	// A list without a sealed field is not limited.
	if _, _, err := s.List(ctx, person.Filter{Q: "查找"}); err != nil {
		t.Errorf("name search: %v", err)
	}
	// Twenty seconds later one search is back.
	at = at.Add(20 * time.Second)
	if _, _, err := s.List(ctx, person.Filter{IDNumber: strings.ToLower(id), Reason: "第32次核对"}); err != nil {
		t.Errorf("after the refill: %v", err)
	}
	// Every search is audited with its reason and the blind index, never
	// the value.
	rows, err := e.App.DB.Writer().Query(`SELECT result, object_id, detail FROM audit_log WHERE action = 'person.search' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ok, denied int
	for rows.Next() {
		var result, obj, detail string
		rows.Scan(&result, &obj, &detail)
		if strings.Contains(detail, "13912345678") || strings.Contains(detail, id) || strings.Contains(detail, "5678") {
			t.Errorf("audit record shows the searched value: %s", detail)
		}
		if !strings.Contains(detail, "核对") || !strings.Contains(detail, `"blind:`) {
			t.Errorf("audit record lacks the reason or the index: %s", detail)
		}
		switch result {
		case "ok":
			ok++
		case "denied":
			denied++
		}
	}
	if ok != 31 || denied != 2 {
		t.Errorf("%d searches and %d refusals audited, want 31 and 2", ok, denied)
	}
}

// The API and the list page follow the same rules, with translated
// messages; the 31st search answers 429.
func TestSealedSearchAPIAndPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19470315", 31)
	if _, err := s.Create(ctx, newPatch(apptest.Community, "查找乙", id)); err != nil {
		t.Fatal(err)
	}
	tok := e.Token(auth.GridWorker, apptest.Community)
	get := func(q string) *apptest.Response { return e.API("GET", "/api/v1/persons?"+q, tok, nil) }
	if res := get("phone=1391234"); res.StatusCode != 422 || !strings.Contains(res.Body, "phone") {
		t.Errorf("partial phone: %d %s", res.StatusCode, res.Body)
	}
	if res := get("phone=13912345678"); res.StatusCode != 422 || !strings.Contains(res.Body, "reason") {
		t.Errorf("no reason: %d %s", res.StatusCode, res.Body)
	}
	c := e.Session(auth.GridWorker, apptest.Community)
	if res := c.Get("/persons?phone=1391234&reason=" + url.QueryEscape("来电核对")); res.StatusCode != 422 || !strings.Contains(res.Body, "请输入完整的 11 位手机号码") || strings.Contains(res.Body, "查找乙") {
		t.Errorf("page partial phone: %d", res.StatusCode)
	}
	if res := c.Get("/persons?phone=13912345678"); res.StatusCode != 422 || !strings.Contains(res.Body, "请填写查找原因") {
		t.Errorf("page without reason: %d", res.StatusCode)
	}
	res := c.Get("/persons?phone=13912345678&reason=" + url.QueryEscape("来电核对"))
	if res.StatusCode != 200 || !strings.Contains(res.Body, "查找乙") || !strings.Contains(res.Body, `id="search-reason"`) {
		t.Errorf("page search: %d", res.StatusCode)
	}
	// The page search took one of the account's 30 (the token is the same
	// account's): 29 more pass, the 31st does not.
	for i := 2; i <= 30; i++ {
		if res := get("phone=13912345678&reason=" + url.QueryEscape("来电核对")); res.StatusCode != 200 || !strings.Contains(res.Body, "查找乙") {
			t.Fatalf("search %d: %d %s", i, res.StatusCode, res.Body)
		}
	}
	res = get("id_number=" + id + "&reason=" + url.QueryEscape("来电核对"))
	if res.StatusCode != 429 || !strings.Contains(res.Body, "精确查找过于频繁") {
		t.Errorf("31st search: %d %s", res.StatusCode, res.Body)
	}
	var n int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'person.search' AND result = 'ok' AND detail LIKE '%来电核对%'`).Scan(&n)
	if n != 30 {
		t.Errorf("%d searches audited, want 30", n)
	}
}
