package division_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// The organisations' rosters: add, change, end (audited, versioned), the
// ended filter, the area's export, refusals, and the phone sealed.
func TestRosterService(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Divisions
	s.Now = func() time.Time { return time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) }
	as := func(role auth.Role, area string, level int) context.Context {
		name := e.User(role, area)
		acc, err := e.App.Users.ByName(e.Ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: name, Role: role, Area: auth.AreaOf(area, level)})
	}
	worker := as(auth.CommunityWorker, apptest.Community, division.Community)
	township := as(auth.TownshipStaff, apptest.Township, division.Township)
	grid := as(auth.GridWorker, apptest.Community, division.Community)

	m, err := s.AddRosterMember(worker, division.RosterInput{DivisionCode: apptest.Community, Part: "party_branch", Name: "王书记",
		Position: "书记", Phone: "13912345678", TermStart: "2024-01-01", Note: "兼主任"})
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || m.Phone == "13912345678" || !strings.HasPrefix(m.Phone, "139") || m.Ended {
		t.Fatalf("added: %+v", m)
	}
	// Bad input names each field and stores nothing.
	_, err = s.AddRosterMember(worker, division.RosterInput{DivisionCode: apptest.Community, Part: "villagers_committee", Position: "",
		Phone: "12", TermStart: "2024-13-01", TermEnd: "2023-01-01"})
	fields := map[string]bool{}
	for _, f := range errs.As(err).Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"part", "name", "position", "phone", "term_start"} {
		if !fields[want] {
			t.Errorf("bad member: %s not named in %v", want, err)
		}
	}
	_, err = s.AddRosterMember(worker, division.RosterInput{DivisionCode: apptest.Community, Part: "party_branch", Name: "甲", Position: "委员",
		TermStart: "2024-02-01", TermEnd: "2024-01-01"})
	if errs.Code(err) != errs.EINVALID || errs.As(err).Fields[0].Field != "term_end" {
		t.Fatalf("end before start: %v", err)
	}
	// Refusals: a grid worker may not edit; outside the area is not found.
	if _, err := s.AddRosterMember(grid, division.RosterInput{DivisionCode: apptest.Community, Part: "party_branch", Name: "甲", Position: "委员",
		TermStart: "2024-01-01"}); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("grid worker adds: %v", err)
	}
	if _, err := s.AddRosterMember(worker, division.RosterInput{DivisionCode: apptest.SiblingCommunity, Part: "party_branch", Name: "甲",
		Position: "委员", TermStart: "2024-01-01"}); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("sibling community: %v", err)
	}
	if _, err := s.RosterMember(as(auth.CommunityWorker, apptest.SiblingCommunity, division.Community), m.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("sibling reads: %v", err)
	}
	if _, err := s.AddRosterMember(township, division.RosterInput{DivisionCode: apptest.Township, Part: "party_branch", Name: "甲",
		Position: "委员", TermStart: "2024-01-01"}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("a township is not a community: %v", err)
	}

	// The township changes the member; the masked phone keeps the stored one.
	in := division.RosterInput{Part: "party_branch", Name: "王书记", Position: "书记、主任", Phone: m.Phone, TermStart: "2024-01-01", Version: 1}
	up, err := s.UpdateRosterMember(township, m.ID, in)
	if err != nil || up.Version != 2 || up.Position != "书记、主任" || up.Phone != m.Phone {
		t.Fatalf("update: %+v %v", up, err)
	}
	if _, err := s.UpdateRosterMember(worker, m.ID, in); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("stale version: %v", err)
	}
	// A second member whose term is over by the end date given.
	m2, err := s.AddRosterMember(township, division.RosterInput{DivisionCode: apptest.Community, Part: "building_steward", Name: "李楼长",
		Position: "楼门长", TermStart: "2021-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndRosterMember(worker, m2.ID, division.RosterEnd{TermEnd: "2020-01-01", Version: 1}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("end before start: %v", err)
	}
	ended, err := s.EndRosterMember(worker, m2.ID, division.RosterEnd{TermEnd: "2026-05-31", Version: 1})
	if err != nil || !ended.Ended || ended.TermEnd != "2026-05-31" || ended.Version != 2 {
		t.Fatalf("end: %+v %v", ended, err)
	}
	current, _, err := s.Roster(township, division.RosterFilter{Division: apptest.Township})
	if err != nil || len(current) != 1 || current[0].ID != m.ID {
		t.Fatalf("current: %+v %v", current, err)
	}
	past, _, err := s.Roster(grid, division.RosterFilter{Ended: true, Q: "楼"})
	if err != nil || len(past) != 1 || past[0].ID != m2.ID {
		t.Fatalf("ended: %+v %v", past, err)
	}
	if got, _, err := s.Roster(as(auth.CommunityWorker, apptest.SiblingCommunity, division.Community), division.RosterFilter{}); err != nil || len(got) != 0 {
		t.Fatalf("sibling list: %+v %v", got, err)
	}
	if _, _, err := s.Roster(township, division.RosterFilter{Division: apptest.SiblingTownship}); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("list outside: %v", err)
	}
	// The profile shows the current members under their part.
	v, err := s.View(worker, apptest.Community)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range v.Parts {
		if (p.Part == "party_branch") != (len(p.Members) == 1) || (p.Part == "building_steward" && len(p.Members) != 0) {
			t.Fatalf("profile parts: %+v", v.Parts)
		}
	}
	// The export holds both terms when asked for ended ones too.
	var buf bytes.Buffer
	if err := s.ExportRoster(township, division.RosterFilter{Division: apptest.Township, Ended: true}, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 2 || rows[1][4] != "楼门长" || rows[1][7] != "2026-05-31" {
		t.Fatalf("export: %v", rows)
	}
	for _, act := range []string{"division.roster.add", "division.roster.update", "division.roster.end", "division.roster.export"} {
		recs, _, err := e.App.Audit.Search(e.Ctx, audit.Filter{Action: act})
		if err != nil || len(recs) == 0 {
			t.Errorf("%s not audited: %v", act, err)
		}
	}
	if e.App.DB.Dialect == db.SQLite {
		e.CheckSealed(nil, []string{"13912345678"}, "王书记")
	}
}

// The profile page shows the rosters; the form adds a member and shows bad
// values back; the roster page filters and exports.
func TestRosterPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	res := c.Get("/divisions/" + apptest.Community + "/roster/new?part=party_branch")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="roster-form"`) {
		t.Fatalf("new form: %d", res.StatusCode)
	}
	form := url.Values{"part": {"party_branch"}, "name": {"赵委员"}, "position": {"委员"}, "phone": {"139"}, "term_start": {"2025-01-01"}}
	res = c.PostForm("/divisions/"+apptest.Community+"/roster", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "11 位手机号码") || !strings.Contains(res.Body, `value="赵委员"`) {
		t.Fatalf("bad form: %d %s", res.StatusCode, res.Body)
	}
	form.Set("phone", "13800001234")
	if res = c.PostForm("/divisions/"+apptest.Community+"/roster", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.StatusCode, res.Body)
	}
	res = c.Get("/divisions/" + apptest.Community)
	if !strings.Contains(res.Body, "赵委员") || !strings.Contains(res.Body, `id="roster-party_branch"`) || strings.Contains(res.Body, "13800001234") {
		t.Fatalf("profile roster: %s", res.Body)
	}
	items, _, err := e.App.Divisions.Store.Roster(auth.With(context.Background(), auth.SystemPrincipal),
		division.RosterFilter{PerPage: 10}, "2000-01-01")
	if err != nil || len(items) != 1 {
		t.Fatalf("stored: %v %v", items, err)
	}
	id := strconv.FormatInt(items[0].ID, 10)
	if res = c.Get("/roster-members/" + id + "/edit"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="end-form"`) {
		t.Fatalf("edit: %d", res.StatusCode)
	}
	if res = c.PostForm("/roster-members/"+id+"/end", url.Values{"version": {"1"}, "term_end": {"2025-06-30"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d %s", res.StatusCode, res.Body)
	}
	if res = c.Get("/divisions/" + apptest.Community + "/roster?ended=1"); !strings.Contains(res.Body, "赵委员") || !strings.Contains(res.Body, "任期已满") {
		t.Fatalf("ended list: %s", res.Body)
	}
	if res = c.Get("/divisions/" + apptest.Community + "/roster"); strings.Contains(res.Body, "赵委员") {
		t.Fatalf("current list shows an ended term")
	}
	if res = c.Get("/divisions/" + apptest.Community + "/roster.xlsx?ended=1"); res.StatusCode != http.StatusOK ||
		!strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("export: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res = e.Session(auth.GridWorker, apptest.Community).Get("/roster-members/" + id + "/edit"); res.StatusCode != http.StatusForbidden {
		t.Fatalf("grid worker edits: %d", res.StatusCode)
	}
	if res = e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get("/divisions/" + apptest.Community + "/roster"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sibling roster page: %d", res.StatusCode)
	}
}
