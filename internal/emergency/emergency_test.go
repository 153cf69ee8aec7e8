package emergency_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/emergency"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// An alert to a township reaches every resident account there at once
// (SMS queued only for those who chose it), lists the vulnerable people
// for the grid workers with masked names, and its coverage follows their
// marks; an area outside the sender's is refused and audited.
func TestAlertReachesResidentsAndVulnerablePeople(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Emergencies
	residents(t, e, "r", 3, apptest.Community)
	residents(t, e, "r", 2, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity)
	// One resident chose SMS; one account is disabled.
	if _, err := e.App.DB.W(e.Ctx).ExecContext(e.Ctx, `INSERT INTO notify_prefs (user_id, sms, phone_sealed, updated_at)
		SELECT id, $1, $2, created_at FROM users WHERE name = $3`, true, "sealed-phone", "r-"+apptest.Community+"-0"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.DB.W(e.Ctx).ExecContext(e.Ctx, `UPDATE users SET disabled = $1 WHERE name = $2`, true, "r-"+apptest.Community+"-2"); err != nil {
		t.Fatal(err)
	}
	ids := people(t, e, []person{
		{apptest.Community, "张桂兰", "elderly_special", "living_alone,aged_80_plus", ""},
		{apptest.Community, "李长顺", "elderly_special", "empty_nest", ""}, // not on the list
		{apptest.Community, "王秀英", "elderly_special", "disabled", ""},
		{apptest.SiblingCommunity, "赵建国", "disability", "", ""},
		{apptest.SiblingCommunity, "孙玉梅", "elderly_special", "living_alone", "2021-01-01"}, // membership ended
		{apptest.CousinCommunity, "周大海", "elderly_special", "living_alone", ""},            // other township
	})
	e.User(auth.GridWorker, apptest.Community)
	e.User(auth.GridWorker, apptest.CousinCommunity)

	county := as(auth.CountyStaff, apptest.County, 3)
	a, err := s.Send(county, emergency.AlertInput{AreaCode: apptest.Township, Kind: "flood", Level: "orange", Body: "滏阳河水位超警戒，请低洼地带居民立即转移"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Residents != 4 || a.SMS != 1 {
		t.Errorf("residents %d sms %d, want 4 and 1", a.Residents, a.SMS)
	}
	if n := count(t, e, `SELECT count(*) FROM notify_inbox i JOIN notify_outbox m ON m.id = i.message_id JOIN users u ON u.id = i.user_id
		WHERE m.object_type = 'emergency_alert' AND m.object_id = $1 AND u.role = 'resident'`, a.ID); n != 4 {
		t.Errorf("%d resident inboxes, want 4", n)
	}
	if n := count(t, e, `SELECT count(*) FROM notify_outbox WHERE channel = 'sms' AND object_id = $1 AND status = 'pending'`, a.ID); n != 1 {
		t.Errorf("%d SMS queued, want 1", n)
	}
	if n := count(t, e, `SELECT count(*) FROM notify_inbox i JOIN users u ON u.id = i.user_id WHERE u.role = 'grid_worker'`); n != 1 {
		t.Errorf("%d grid worker inboxes, want 1 (the township's)", n)
	}

	grid := as(auth.GridWorker, apptest.Community, 5)
	_, tasks, _, err := s.Tasks(grid, a.ID, "", 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 2 {
		t.Fatalf("grid worker sees %d tasks, want 2: %+v", len(tasks), tasks)
	}
	byPerson := map[int64]emergency.Task{}
	for _, tk := range tasks {
		byPerson[tk.PersonID] = tk
		if strings.Contains(tk.NameMasked, "桂兰") || strings.Contains(tk.NameMasked, "秀英") || tk.Status != emergency.Pending {
			t.Errorf("task %+v: name not masked or not pending", tk)
		}
	}
	if byPerson[ids[0]].Reason != "living_alone" || byPerson[ids[2]].Reason != "elderly_disabled" {
		t.Errorf("reasons: %+v", byPerson)
	}
	township := as(auth.TownshipStaff, apptest.Township, 4)
	_, all, _, err := s.Tasks(township, a.ID, "", 1, 50)
	if err != nil || len(all) != 3 {
		t.Fatalf("township sees %d tasks (%v), want 3", len(all), err)
	}

	// A note is needed when someone was not reached; the sibling's grid
	// worker cannot mark this community's task.
	if _, err := s.MarkTask(grid, tasks[0].ID, emergency.Mark{Status: emergency.NotReached}); errs.Code(err) != errs.EINVALID {
		t.Errorf("not reached without a note: %v", err)
	}
	other := as(auth.GridWorker, apptest.SiblingCommunity, 5)
	if _, err := s.MarkTask(other, tasks[0].ID, emergency.Mark{Status: emergency.Reached}); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling's grid worker: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'emergency.task.mark' AND result = 'denied'`); n != 1 {
		t.Errorf("%d refusals audited, want 1", n)
	}
	if _, err := s.MarkTask(county, tasks[0].ID, emergency.Mark{Status: emergency.Reached}); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("county staff marking: %v", err)
	}
	if _, err := s.MarkTask(grid, tasks[0].ID, emergency.Mark{Status: emergency.Reached}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkTask(grid, tasks[1].ID, emergency.Mark{Status: emergency.NotReached, Note: "电话无人接听，已联系其女儿前往"}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Coverage(county, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Total.Residents != 4 || c.Total.Reached != 1 || c.Total.NotReached != 1 || c.Total.Pending != 1 || len(c.Communities) != 2 {
		t.Errorf("coverage %+v", c)
	}
	for _, cc := range c.Communities {
		if cc.CommunityCode == apptest.Community && (cc.Residents != 2 || cc.Percent() != 100) {
			t.Errorf("community coverage %+v", cc)
		}
	}
	// The grid worker's own view is clipped to their community.
	if c, err := s.Coverage(grid, a.ID); err != nil || len(c.Communities) != 1 || c.Total.Residents != 2 {
		t.Errorf("grid worker's coverage %+v %v", c, err)
	}

	// Outside the sender's area: refused, audited, nothing sent.
	before := count(t, e, `SELECT count(*) FROM notify_inbox`)
	if _, err := s.Send(township, emergency.AlertInput{AreaCode: apptest.CousinCommunity, Kind: "fire", Level: "red", Body: "火情"}); errs.Code(err) != errs.EINVALID {
		t.Errorf("alert outside the area: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'emergency.alert.send' AND result = 'denied'`); n != 1 {
		t.Errorf("%d refused alerts audited, want 1", n)
	}
	if after := count(t, e, `SELECT count(*) FROM notify_inbox`); after != before {
		t.Errorf("a refused alert reached %d inboxes", after-before)
	}
	if _, err := s.Send(as(auth.CommunityWorker, apptest.Community, 5), emergency.AlertInput{AreaCode: apptest.Community, Kind: "fire", Level: "red", Body: "火情"}); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("community worker sending: %v", err)
	}
	if _, err := s.Send(county, emergency.AlertInput{AreaCode: apptest.Township, Kind: "meteor", Level: "purple", Body: ""}); errs.Code(err) != errs.EINVALID ||
		len(errs.As(err).Fields) != 3 {
		t.Errorf("bad alert: %v", err)
	}
	// The far county's staff do not see it.
	if _, err := s.Alert(as(auth.CountyStaff, "131103000000", 3), a.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("another county reads the alert: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM emergency_alerts`); n != 1 {
		t.Errorf("%d alerts stored, want 1", n)
	}

	var buf bytes.Buffer
	if err := s.ExportTasks(county, a.ID, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil || len(rows) != 4 {
		t.Fatalf("export rows %d (%v), want header and 3", len(rows), err)
	}
	if !strings.Contains(strings.Join(rows[1], "|")+strings.Join(rows[2], "|"), "电话无人接听") {
		t.Errorf("export lacks the note: %v", rows)
	}

	fg, err := s.Figures(county, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if fg.Alerts != 1 || fg.ResidentsReached != 4 || fg.Reached != 1 || fg.NotReached != 1 || fg.Pending != 1 {
		t.Errorf("figures %+v", fg)
	}
}

// A new plan version keeps the old; drills and stations are checked and
// kept inside the caller's area; the figures count them.
func TestPlansDrillsStations(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Emergencies
	w := as(auth.CommunityWorker, apptest.Community, 5)
	for _, title := range []string{"游园社区防汛应急预案", "游园社区综合应急预案（2026 修订）"} {
		if _, err := s.AddPlan(w, emergency.PlanInput{CommunityCode: apptest.Community, Title: title, Contacts: "主任 李娜 0318-2123456"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := s.Plans(w, apptest.Community)
	if err != nil || len(ps) != 2 || ps[0].Version != 2 || ps[1].Version != 1 || ps[1].Title != "游园社区防汛应急预案" {
		t.Fatalf("plans %+v %v", ps, err)
	}
	// A plan's scanned page: none was uploaded; a sibling community's
	// worker is refused the plan itself, and the refusal is audited.
	if _, err := s.PlanFile(w, ps[0].ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("file of a plan without one: %v", err)
	}
	if _, err := s.PlanFile(as(auth.CommunityWorker, apptest.SiblingCommunity, 5), ps[0].ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling's worker reads the plan's file: %v", err)
	}
	if _, err := s.PlanFile(as(auth.CommunityWorker, apptest.SiblingCommunity, 5), ps[0].ID+100); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("a plan that is not there: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'emergency.plan.read' AND result = 'denied'`); n != 1 {
		t.Errorf("%d refusals audited, want 1 (the sibling's, not the worker's own nor the missing plan's)", n)
	}
	if p, sh, err := s.Readiness(e.Ctx, apptest.Community); err != nil || p == nil || p.Version != 2 || sh == nil {
		t.Errorf("readiness %+v %v %v", p, sh, err)
	}
	if _, err := s.AddPlan(w, emergency.PlanInput{CommunityCode: apptest.SiblingCommunity, Title: "x"}, nil); errs.Code(err) != errs.EINVALID {
		t.Errorf("plan for the sibling community: %v", err)
	}
	if _, err := s.AddPlan(w, emergency.PlanInput{CommunityCode: apptest.Township, Title: "x"}, nil); errs.Code(err) != errs.EINVALID {
		t.Errorf("plan for a township: %v", err)
	}
	today := s.Now().Format("2006-01-02")
	if _, err := s.AddDrill(w, emergency.DrillInput{CommunityCode: apptest.Community, HeldOn: today, Kind: "flood", Participants: 86, Note: "转移演练"}, nil); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddDrill(w, emergency.DrillInput{CommunityCode: apptest.Community, HeldOn: "2999-01-01", Kind: "x", Participants: 0}, nil)
	if errs.Code(err) != errs.EINVALID || len(errs.As(err).Fields) != 3 {
		t.Errorf("bad drill: %v", err)
	}
	if _, err := s.AddStation(w, emergency.StationInput{CommunityCode: apptest.Community, Place: "社区服务中心东侧", Equipment: "灭火器 20 具", Members: 6,
		Phone: "0318-2123119"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddStation(w, emergency.StationInput{CommunityCode: apptest.Community, Place: "x", Members: 6, Phone: "call me"}); errs.Code(err) != errs.EINVALID {
		t.Errorf("bad phone: %v", err)
	}
	if _, err := s.AddPlan(as(auth.GridWorker, apptest.Community, 5), emergency.PlanInput{CommunityCode: apptest.Community, Title: "x"}, nil); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid worker writes a plan: %v", err)
	}
	fg, err := s.Figures(as(auth.TownshipStaff, apptest.Township, 4), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if fg.WithPlan != 1 || fg.Drills != 1 || fg.DrillPeople != 86 || fg.Stations != 1 || fg.Communities < 2 {
		t.Errorf("figures %+v", fg)
	}
	if ds, _, err := s.Drills(as(auth.TownshipStaff, apptest.SiblingTownship, 4), "", 0, 1, 50); err != nil || len(ds) != 0 {
		t.Errorf("sibling township sees drills %+v %v", ds, err)
	}
	if _, _, err := s.Drills(as(auth.TownshipStaff, apptest.SiblingTownship, 4), apptest.Community, 0, 1, 50); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling township filters on our community: %v", err)
	}
	var buf bytes.Buffer
	if err := s.ExportDrills(w, "", 0, &buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := f.GetRows(f.GetSheetName(0)); len(rows) != 2 || rows[1][3] != "洪涝" {
		t.Errorf("drill export %v", rows)
	}
}
