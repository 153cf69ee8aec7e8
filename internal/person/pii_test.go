package person_test

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
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
	e := apptest.New(t)
	s := svc(e)
	worker := as(e, auth.CommunityWorker, apptest.Community)
	id := idNumber("131102", "19470315", 27)
	p, err := s.Create(worker, newPatch(apptest.Community, "掩码甲", id, elderly("2024-01-01", "入户核查", "living_alone")))
	if err != nil {
		t.Fatal(err)
	}
	if p.Age < 78 {
		t.Errorf("age %d", p.Age)
	}
	grid := as(e, auth.GridWorker, apptest.Community)
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
