package request_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/notify"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/platform/idcard"
	"shequ/internal/request"
	"shequ/internal/request/stats"
)

// as is ctx acting as an account of role in area (made once).
func as(t testing.TB, e *apptest.Env, role auth.Role, area string) context.Context {
	t.Helper()
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: acc.Role,
		Area: auth.AreaOf(acc.AreaCode, division.LevelFromCode(acc.AreaCode))})
}

// fixture: a county water company with a member account, the township's
// own unit, and a clock.
type fixture struct {
	e        *apptest.Env
	s        *request.Service
	now      time.Time
	water    *request.Unit
	township *request.Unit
	cousin   *request.Unit // a unit of the sibling township
	unitCtx  context.Context
}

func setup(t testing.TB) *fixture {
	e := apptest.New(t)
	f := &fixture{e: e, s: e.App.Requests, now: time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)}
	f.s.Now = func() time.Time { return f.now }
	f.s.Outbox.Now = f.s.Now
	if err := f.s.SeedCategories(e.Ctx); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.water, err = f.s.CreateUnit(e.Ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County}); err != nil {
		t.Fatal(err)
	}
	if f.township, err = f.s.CreateUnit(e.Ctx, request.Unit{Name: "河西街道办事处", Kind: request.UnitTownship, DivisionCode: apptest.Township}); err != nil {
		t.Fatal(err)
	}
	if f.cousin, err = f.s.CreateUnit(e.Ctx, request.Unit{Name: "河东街道办事处", Kind: request.UnitTownship, DivisionCode: apptest.SiblingTownship}); err != nil {
		t.Fatal(err)
	}
	f.unitCtx = as(t, e, auth.HandlingUnit, apptest.County)
	if err := f.s.AddMember(e.Ctx, f.water.ID, auth.From(f.unitCtx).UserID); err != nil {
		t.Fatal(err)
	}
	return f
}

func code(err error) string {
	if err == nil {
		return "ok"
	}
	return errs.Code(err)
}

func act(t *testing.T, f *fixture, ctx context.Context, id int64, a request.Action) *request.Request {
	t.Helper()
	r, err := f.s.Act(ctx, id, a)
	if err != nil {
		t.Fatalf("%s: %v", a.Action, err)
	}
	return r
}

// TestResidentRatingStandsAndReopens: the resident's own 不满意 is not
// overwritten by a staff callback (it was: the township's callback form,
// pre-filled with 满意, closed the request as 满意 and the community's 满意率
// read 100 %); it opens 重办, which sends the request back to the unit
// unresolved, shows on the timeline and counts in the 解决率; the resident
// rates the next reply, and a second 不满意 stands.
func TestResidentRatingStandsAndReopens(t *testing.T) {
	t.Parallel()
	f := setup(t)
	resident := as(t, f.e, auth.Resident, apptest.Community)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	r, err := f.s.Create(resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
		Description: "楼道里的水管漏水三天了", Address: "游园小区 3 号楼", Phone: "13812345678", ContactName: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActAccept})
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已处理"})
	r = act(t, f, resident, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.NotSatisfied, Note: "还在漏水"})
	if r.Status != request.StatusAccepted || r.ResolvedAt != nil || r.Reopened != 1 || r.Satisfaction != request.NotSatisfied ||
		r.UnitID == nil || *r.UnitID != f.water.ID {
		t.Fatalf("after an unsatisfied rating: status %s, resolved %v, reopened %d, satisfaction %s, unit %v", r.Status, r.ResolvedAt, r.Reopened, r.Satisfaction, r.UnitID)
	}
	last := r.Events[len(r.Events)-1]
	if last.Action != request.EventReopen || r.Events[len(r.Events)-2].Action != request.ActRate {
		t.Errorf("timeline ends %+v", r.Events[len(r.Events)-2:])
	}
	// Counted in the 解决率: not resolved now.
	rates := stats.NewService(f.e.App.DB)
	rates.MinRankSample = 1
	rates.Now = f.s.Now
	st, err := rates.Rates(township, apptest.Community, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if st.Division.ResolvedOnTime != 0 {
		t.Errorf("a reopened request counted resolved on time: %+v", st.Division.StatsCounts)
	}
	// The unit replies again, two days on (past the first deadline of 24
	// hours, which a 重办 keeps); staff call back and hear 满意, but the
	// resident has rated: their 不满意 stands until they rate the new reply.
	f.now = f.now.Add(48 * time.Hour)
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已更换管段"})
	community := as(t, f.e, auth.CommunityWorker, apptest.Community)
	r = act(t, f, community, r.ID, request.Action{Action: request.ActCallback, Contacted: true, Solved: true, Satisfaction: request.Satisfied})
	if r.Status != request.StatusClosed || r.Satisfaction != request.NotSatisfied {
		t.Fatalf("a callback after the resident's rating: status %s, satisfaction %s", r.Status, r.Satisfaction)
	}
	// The resident rates the second reply; a second 不满意 stands.
	r = act(t, f, resident, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.NotSatisfied})
	if r.Status != request.StatusClosed || r.Reopened != 1 || r.Satisfaction != request.NotSatisfied {
		t.Fatalf("second unsatisfied rating: status %s, reopened %d", r.Status, r.Reopened)
	}
	if _, err := f.s.Act(resident, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.Satisfied}); code(err) != errs.ECONFLICT {
		t.Errorf("a third rating: %v", err)
	}
	if st, err = rates.Rates(township, apptest.Community, "", false); err != nil {
		t.Fatal(err)
	}
	if st.Division.ValidCallbacks != 1 || st.Division.Satisfied != 0 || st.Division.ResolvedOnTime != 0 {
		t.Errorf("三率 counts %+v", st.Division.StatsCounts)
	}
}

// TestResidentSeesPlainWords: the resident's view of their request names
// the unit and the status, not the handling's internals: no returns count
// or response deadline, no staff account names, no supervision notes,
// returns or appeals on the timeline (the page showed 退单次数, 响应时限 and
// staff logins).
func TestResidentSeesPlainWords(t *testing.T) {
	t.Parallel()
	f := setup(t)
	resident := as(t, f.e, auth.Resident, apptest.Community)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	r, err := f.s.Create(resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
		Description: "楼道里的水管漏水三天了", Phone: "13812345678", ContactName: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReturn, Reason: "不属于供水管网"})
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActAccept})
	act(t, f, township, r.ID, request.Action{Action: request.ActSupervise, Note: "内部督办：该单位屡次拖延"})
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已更换管段"})
	got, err := f.s.Get(resident, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range got.Events {
		steps = append(steps, ev.Action)
		if ev.ActorRole != string(auth.Resident) && (ev.ActorName != "" || ev.Note != "") {
			t.Errorf("the resident sees a staff name or note: %+v", ev)
		}
	}
	if want := "submit dispatch dispatch accept reply"; strings.Join(steps, " ") != want {
		t.Errorf("resident's timeline %q, want %q", strings.Join(steps, " "), want)
	}
	if got.Returns != 0 || got.Supervised || got.UnitName != f.water.Name || got.Reply != "已更换管段" {
		t.Errorf("resident's request: returns %d, supervised %v, unit %q, reply %q", got.Returns, got.Supervised, got.UnitName, got.Reply)
	}
	// Staff still see everything.
	if st, err := f.s.Get(township, r.ID); err != nil || st.Returns != 1 || !st.Supervised || len(st.Events) != 7 {
		t.Errorf("staff's view: %v %+v", err, st)
	}
	// The page.
	page := f.e.Session(auth.Resident, apptest.Community).Get(fmt.Sprintf("/requests/%d", r.ID))
	staffName := auth.From(township).Name
	for _, bad := range []string{`id="request-returns"`, "内部督办", staffName, "不属于供水管网"} {
		if strings.Contains(page.Body, bad) {
			t.Errorf("the resident's page shows %q", bad)
		}
	}
	if !strings.Contains(page.Body, f.water.Name) || !strings.Contains(page.Body, "承办单位") {
		t.Errorf("the resident's page lacks the unit or the plain role")
	}
}

func TestJourney(t *testing.T) {
	t.Parallel()
	f := setup(t)
	resident := as(t, f.e, auth.Resident, apptest.Community)
	r, err := f.s.Create(resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
		Description: "楼道里的水管漏水三天了", Address: "游园小区 3 号楼", Phone: "13812345678", ContactName: "张三"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != request.StatusSubmitted || r.Urgency != request.UrgencyUtility || r.Phone != "13812345678" {
		t.Fatalf("created %+v", r)
	}
	if want := r.CreatedAt.Add(24 * time.Hour); !r.ResolutionDue.Equal(want) {
		t.Errorf("utility resolution due %v, want %v", r.ResolutionDue, want)
	}
	if id, _, ok := request.ParseNumber(r.Number); !ok || id != r.ID {
		t.Errorf("number %q does not parse back to %d", r.Number, r.ID)
	}
	if _, _, ok := request.ParseNumber(r.Number[:len(r.Number)-1] + "0"); ok && !strings.HasSuffix(r.Number, "0") {
		t.Errorf("a mistyped check digit was accepted")
	}
	// Another resident does not see it; nor does the unit before dispatch.
	other := as(t, f.e, auth.Resident, apptest.SiblingCommunity)
	if _, err := f.s.Get(other, r.ID); code(err) != errs.ENOTFOUND {
		t.Errorf("other resident: %v", err)
	}
	if _, err := f.s.Get(f.unitCtx, r.ID); code(err) != errs.ENOTFOUND {
		t.Errorf("unit before dispatch: %v", err)
	}
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	community := as(t, f.e, auth.CommunityWorker, apptest.Community)
	// A community worker may not dispatch; township staff may, but not to
	// a unit that does not serve the community.
	if _, err := f.s.Act(community, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID}); code(err) != errs.EFORBIDDEN {
		t.Errorf("community dispatch: %v", err)
	}
	if _, err := f.s.Act(township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.cousin.ID}); code(err) != errs.EINVALID {
		t.Errorf("dispatch to the sibling township's unit: %v", err)
	}
	r = act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	if r.Status != request.StatusDispatched {
		t.Fatalf("status %s", r.Status)
	}
	// The unit holding it sees the phone; it returns it once.
	got, err := f.s.Get(f.unitCtx, r.ID)
	if err != nil || got.Phone != "13812345678" {
		t.Fatalf("unit read: %v %q", err, got.Phone)
	}
	var views int
	_ = f.e.App.DB.Q(f.e.Ctx).QueryRowContext(f.e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'request.phone.view' AND object_id = $1`,
		fmt.Sprint(r.ID)).Scan(&views)
	if views != 1 {
		t.Errorf("%d audited phone views, want 1", views)
	}
	if items, _, err := f.s.List(f.unitCtx, request.Filter{}, 1, 10); err != nil || len(items) != 1 || items[0].Phone != "138****5678" {
		t.Errorf("unit list shows %+v %v", items, err)
	}
	if _, err := f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActReturn}); code(err) != errs.EINVALID {
		t.Errorf("return without reason: %v", err)
	}
	r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReturn, Reason: "不属于供水管网，属小区物业"})
	if r.Status != request.StatusReturned || r.Returns != 1 || r.UnitID != nil {
		t.Fatalf("after return %+v", r)
	}
	// After the return the unit still sees it (it was dispatched to it),
	// but masked: it no longer holds it.
	got, err = f.s.Get(f.unitCtx, r.ID)
	if err != nil || got.Phone != "138****5678" {
		t.Fatalf("unit read after return: %v %q", err, got.Phone)
	}
	if _, err := f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActAccept}); code(err) != errs.EFORBIDDEN {
		t.Errorf("accept after return: %v", err)
	}
	// Redispatched; accepted: first-receiver responsibility.
	r = act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	f.now = f.now.Add(30 * time.Minute)
	r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActAccept})
	if r.Status != request.StatusAccepted || r.FirstUnitID == nil || *r.FirstUnitID != f.water.ID || r.RespondedAt == nil {
		t.Fatalf("after accept %+v", r)
	}
	if _, err := f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActReturn, Reason: "再退一次"}); code(err) != errs.ECONFLICT {
		t.Errorf("return after accept: %v", err)
	}
	if _, err := f.s.Act(township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.township.ID}); code(err) != errs.ECONFLICT {
		t.Errorf("redispatch after accept: %v", err)
	}
	// The lead adds the township as assisting unit; township staff then
	// see it through their unit and area.
	r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.township.ID, Assist: true})
	if len(r.Assists) != 1 || r.Assists[0].ID != f.township.ID {
		t.Fatalf("assists %+v", r.Assists)
	}
	// Extension asked by the unit, approved by the township (one level up).
	due := r.ResolutionDue
	r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActExtend, Days: 2, Reason: "需更换主管道"})
	if _, err := f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActExtend, Decision: "approve"}); code(err) != errs.EFORBIDDEN {
		t.Errorf("unit approving its own extension: %v", err)
	}
	r = act(t, f, township, r.ID, request.Action{Action: request.ActExtend, Decision: "approve", Note: "同意"})
	if !r.ResolutionDue.After(due) || r.Extensions[0].Status != request.Approved {
		t.Fatalf("extension: due %v → %v, %+v", due, r.ResolutionDue, r.Extensions)
	}
	r = act(t, f, township, r.ID, request.Action{Action: request.ActSupervise, Note: "请尽快修复"})
	if !r.Supervised {
		t.Error("not supervised")
	}
	// Reply; the resident is told; callback closes it; the resident rates.
	r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已更换漏水管段，恢复正常"})
	if r.Status != request.StatusReplied || r.ResolvedAt == nil {
		t.Fatalf("after reply %+v", r)
	}
	if _, err := f.s.Act(community, r.ID, request.Action{Action: request.ActCallback, Contacted: true, Solved: true}); code(err) != errs.EINVALID {
		t.Errorf("callback without satisfaction: %v", err)
	}
	r = act(t, f, community, r.ID, request.Action{Action: request.ActCallback, Contacted: true, Solved: true, Satisfaction: request.BasicallySatisfied})
	if r.Status != request.StatusClosed || r.Satisfaction != request.BasicallySatisfied {
		t.Fatalf("after callback %+v", r)
	}
	if _, err := f.s.Act(other, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.Satisfied}); code(err) != errs.ENOTFOUND {
		t.Errorf("other resident rating: %v", err)
	}
	r = act(t, f, resident, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.Satisfied, Note: "修得很快"})
	if r.Satisfaction != request.Satisfied {
		t.Errorf("satisfaction %s", r.Satisfaction)
	}
	if _, err := f.s.Act(resident, r.ID, request.Action{Action: request.ActRate, Satisfaction: request.Satisfied}); code(err) != errs.ECONFLICT {
		t.Errorf("second rating: %v", err)
	}
	// The timeline has every step with who, for staff (the resident sees
	// fewer: TestResidentSeesPlainWords).
	if r, err = f.s.Get(township, r.ID); err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, ev := range r.Events {
		steps = append(steps, ev.Action)
		if ev.ActorName == "" || ev.At.IsZero() {
			t.Errorf("event without who or when: %+v", ev)
		}
	}
	want := "submit dispatch return dispatch accept assist extend extend supervise reply callback rate"
	if strings.Join(steps, " ") != want {
		t.Errorf("timeline\n got %s\nwant %s", strings.Join(steps, " "), want)
	}
	// Notifications: delivered by the default sender and marked sent.
	n, err := f.s.Outbox.Deliver(f.e.Ctx, 100)
	if err != nil || n == 0 {
		t.Fatalf("deliver: %d %v", n, err)
	}
	ms, err := f.s.Outbox.ForObject(f.e.Ctx, "request", r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var replyToResident bool
	for _, m := range ms {
		if m.Status != notify.OutboxSent {
			t.Errorf("message %d %s", m.ID, m.Status)
		}
		if m.UserID != nil && *m.UserID == *r.ResidentID && strings.Contains(m.Body, "已更换漏水管段") {
			replyToResident = true
			// The text is a catalogue key and arguments, rendered in
			// each reader's language; the link opens the request.
			if m.Key != "request.note.reply" || m.Link != fmt.Sprintf("/requests/%d", r.ID) ||
				!strings.Contains(m.Text(i18n.EN), "has a reply: 已更换漏水管段") {
				t.Errorf("reply message %+v renders in English as %q", m, m.Text(i18n.EN))
			}
		}
	}
	if !replyToResident {
		t.Errorf("the reply did not reach the resident: %+v", ms)
	}
}

func TestAnonymousAndStaffIntake(t *testing.T) {
	t.Parallel()
	f := setup(t)
	staff := as(t, f.e, auth.CommunityWorker, apptest.Community)
	// Staff outside their area: not found; without a phone: invalid.
	if _, err := f.s.Create(staff, request.Intake{DivisionCode: apptest.SiblingCommunity, CategoryCode: "other",
		Description: "代居民登记的诉求", Phone: "13812345678"}); code(err) != errs.ENOTFOUND {
		t.Errorf("outside area: %v", err)
	}
	if _, err := f.s.Create(staff, request.Intake{DivisionCode: apptest.Community, CategoryCode: "other",
		Description: "代居民登记的诉求"}); code(err) != errs.EINVALID {
		t.Errorf("no phone: %v", err)
	}
	_, err := f.s.Create(staff, request.Intake{DivisionCode: apptest.Community, CategoryCode: "nope",
		Description: "x", Phone: "123"})
	if e := errs.As(err); e.Code != errs.EINVALID || len(e.Fields) != 3 {
		t.Errorf("bad fields: %+v", e)
	}
	r, err := f.s.Create(staff, request.Intake{DivisionCode: apptest.Community, CategoryCode: "safety.gas", Channel: request.ChannelWalkIn,
		Description: "楼下闻到燃气味", Phone: "13912345678", Anonymous: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Phone != "139****5678" || r.Urgency != request.UrgencyEmergency || !r.ResolutionDue.Equal(r.CreatedAt.Add(2*time.Hour)) {
		t.Errorf("staff view %+v", r)
	}
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	got, err := f.s.Get(f.unitCtx, r.ID)
	if err != nil || got.Phone != "" || got.ContactName != "" {
		t.Errorf("anonymous toward the unit: %v %q", err, got.Phone)
	}
}

func TestReturnsLimitRaisesTheDispatcher(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if err := f.s.SetSetting(f.e.Ctx, request.SettingReturnsLimit, 2); err != nil {
		t.Fatal(err)
	}
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	county := as(t, f.e, auth.CountyStaff, apptest.County)
	r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.road",
		Description: "路面塌陷一个大坑", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
		r = act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReturn, Reason: "不归我们管"})
	}
	if r.DispatchRank != auth.CountyStaff.Rank() {
		t.Fatalf("dispatch rank %d after the limit", r.DispatchRank)
	}
	if _, err := f.s.Act(township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID}); code(err) != errs.EFORBIDDEN {
		t.Errorf("township dispatching after the limit: %v", err)
	}
	act(t, f, county, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.township.ID})
}

func TestAppeal(t *testing.T) {
	t.Parallel()
	f := setup(t)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "other",
		Description: "同一问题重复反映", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	if _, err := f.s.Act(f.unitCtx, r.ID, request.Action{Action: request.ActAppeal, Reason: "spam", Note: "重复"}); code(err) != errs.EINVALID {
		t.Errorf("bad reason: %v", err)
	}
	act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActAppeal, Reason: request.AppealDuplicate, Note: "与上一条重复"})
	community := as(t, f.e, auth.CommunityWorker, apptest.Community)
	if _, err := f.s.Act(community, r.ID, request.Action{Action: request.ActAppeal, Decision: "approve"}); code(err) != errs.EFORBIDDEN {
		t.Errorf("community deciding: %v", err)
	}
	r = act(t, f, township, r.ID, request.Action{Action: request.ActAppeal, Decision: "approve", Note: "属实"})
	if !r.Excluded || r.Appeals[0].Status != request.Approved {
		t.Errorf("appeal %+v", r.Appeals)
	}
}

func TestPolicyEffectiveDatedAndDefaultUnit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	city := as(t, f.e, auth.CityStaff, apptest.City)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	if _, err := f.s.SetPolicy(township, request.PolicyInput{CategoryCode: "utility.water", DivisionCode: apptest.County}); code(err) != errs.EFORBIDDEN {
		t.Errorf("township editing the catalogue: %v", err)
	}
	if _, err := f.s.SetPolicy(city, request.PolicyInput{CategoryCode: "utility.water", DivisionCode: apptest.County,
		Limits: map[string]string{"utility": "2x/7d"}}); code(err) != errs.EINVALID {
		t.Errorf("bad limit: %v", err)
	}
	from := f.now.Add(24 * time.Hour)
	p, err := f.s.SetPolicy(city, request.PolicyInput{CategoryCode: "utility", DivisionCode: apptest.County, UnitID: f.water.ID,
		EffectiveFrom: from, Limits: map[string]string{"utility": "1h/3d"}})
	if err != nil {
		t.Fatal(err)
	}
	resident := as(t, f.e, auth.Resident, apptest.Community)
	in := request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water", Description: "小区停水一整天了"}
	before, err := f.s.Create(resident, in)
	if err != nil {
		t.Fatal(err)
	}
	if before.PolicyID != nil || before.Status != request.StatusSubmitted {
		t.Errorf("before the rule: %+v", before)
	}
	f.now = from.Add(time.Hour) // Tuesday 10 March 2026, 11:00 in China
	after, err := f.s.Create(resident, in)
	if err != nil {
		t.Fatal(err)
	}
	if after.PolicyID == nil || *after.PolicyID != p.ID || after.Status != request.StatusDispatched || *after.UnitID != f.water.ID {
		t.Fatalf("after the rule: %+v", after)
	}
	if want := time.Date(2026, 3, 13, 3, 0, 0, 0, time.UTC); !after.ResolutionDue.Equal(want) {
		t.Errorf("3 working days: %v, want %v", after.ResolutionDue, want)
	}
	// The earlier request keeps its deadlines.
	got, _ := f.s.Get(resident, before.ID)
	if !got.ResolutionDue.Equal(before.ResolutionDue) {
		t.Errorf("earlier request changed: %v", got.ResolutionDue)
	}
}

func TestDeadlineJob(t *testing.T) {
	t.Parallel()
	f := setup(t)
	// Filed on the Friday before the 2026 Spring Festival, general: 7
	// working days skip the break (14 Feb is a make-up working day).
	f.now = time.Date(2026, 2, 13, 2, 0, 0, 0, time.UTC)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.light",
		Description: "路灯不亮已经一周", Phone: "13812345678"})
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC); !r.ResolutionDue.Equal(want) {
		t.Fatalf("due %v, want %v (14, 24, 25, 26, 27, 28 Feb, 2 Mar)", r.ResolutionDue, want)
	}
	act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
	f.now = time.Date(2026, 2, 27, 2, 0, 0, 0, time.UTC)
	c, err := f.s.RunDeadlines(f.e.Ctx)
	if err != nil || c.Warned != 0 || c.Escalated != 0 {
		t.Fatalf("early: %+v %v", c, err)
	}
	f.now = time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)
	if c, err = f.s.RunDeadlines(f.e.Ctx); err != nil || c.Warned != 1 {
		t.Fatalf("warn: %+v %v", c, err)
	}
	if c, _ = f.s.RunDeadlines(f.e.Ctx); c.Warned != 0 {
		t.Errorf("warned twice")
	}
	f.now = time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC)
	if c, err = f.s.RunDeadlines(f.e.Ctx); err != nil || c.Escalated != 1 {
		t.Fatalf("escalate: %+v %v", c, err)
	}
	if c, _ = f.s.RunDeadlines(f.e.Ctx); c.Escalated != 0 {
		t.Errorf("escalated twice")
	}
	ms, _ := f.s.Outbox.ForObject(f.e.Ctx, "request", r.ID)
	var toTownship bool
	for _, m := range ms {
		if m.DivisionCode == apptest.Township && m.Role == string(auth.TownshipStaff) && strings.Contains(m.Body, "超期") {
			toTownship = true
		}
	}
	if !toTownship {
		t.Errorf("no escalation to the township: %+v", ms)
	}
	r, _ = f.s.Get(f.e.Ctx, r.ID)
	if r.EscalatedAt == nil || !r.Overdue(f.now) {
		t.Errorf("escalated_at %v", r.EscalatedAt)
	}
}

// TestPhonesSealed: the phones of requests are nowhere in the clear in
// the SQLite file, its WAL or a backup (requests, events, audit, outbox).
func TestPhonesSealed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if f.e.App.DB.Path == "" {
		t.Skip("PostgreSQL: no database file to scan")
	}
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	var phones []string
	for i := 0; i < 5; i++ {
		phone := fmt.Sprintf("1391234%04d", 1000+i)
		r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "other",
			Description: fmt.Sprintf("封存测试诉求%d号", i), Phone: phone})
		if err != nil {
			t.Fatal(err)
		}
		act(t, f, township, r.ID, request.Action{Action: request.ActDispatch, UnitID: f.water.ID})
		act(t, f, f.unitCtx, r.ID, request.Action{Action: request.ActReply, Note: "已处理"})
		phones = append(phones, phone)
	}
	if _, err := f.s.Outbox.Deliver(f.e.Ctx, 100); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := f.e.App.DB.Backup(context.Background(), backup); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{f.e.App.DB.Path, f.e.App.DB.Path + "-wal", backup} {
		b, err := os.ReadFile(file)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		_, found := idcard.FindInText(b)
		for _, m := range found {
			if slices.Contains(phones, m) {
				t.Errorf("%s holds the phone %s in the clear", filepath.Base(file), m)
			}
		}
		if file == backup && !bytes.Contains(b, []byte("封存测试诉求3号")) {
			t.Errorf("%s: descriptions not found; the scan reads nothing", filepath.Base(file))
		}
	}
}

// TestDeadlineJobOnTwoNodes: two nodes run the deadline job at the same
// moment over the same overdue requests; each is escalated once, with one
// timeline entry and one message.
func TestDeadlineJobOnTwoNodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	f.now = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	var ids []int64
	for i := 0; i < 20; i++ {
		r, err := f.s.Create(township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "safety.gas",
			Description: fmt.Sprintf("燃气味第%d次", i), Phone: "13812345678"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	second := f.e.SecondNode().App.Requests
	later := f.now.Add(3 * time.Hour)
	f.now = later
	second.Now = func() time.Time { return later }
	second.Outbox.Now = second.Now
	var wg sync.WaitGroup
	results := make([]request.Checked, 2)
	errs2 := make([]error, 2)
	for i, s := range []*request.Service{f.s, second} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs2[i] = s.RunDeadlines(f.e.Ctx)
		}()
	}
	wg.Wait()
	if errs2[0] != nil || errs2[1] != nil {
		t.Fatal(errs2)
	}
	if got := results[0].Escalated + results[1].Escalated; got != len(ids) {
		t.Errorf("escalated %d + %d, want %d in all", results[0].Escalated, results[1].Escalated, len(ids))
	}
	var events, messages int
	_ = f.e.App.DB.Q(f.e.Ctx).QueryRowContext(f.e.Ctx, `SELECT count(*) FROM request_events WHERE action = 'escalate'`).Scan(&events)
	_ = f.e.App.DB.Q(f.e.Ctx).QueryRowContext(f.e.Ctx, `SELECT count(*) FROM notify_outbox WHERE body LIKE '%超期%'`).Scan(&messages)
	if events != len(ids) || messages != len(ids) {
		t.Errorf("%d escalation events and %d messages for %d requests", events, messages, len(ids))
	}
}

// TestCreateAnswersAsGet: Create answers from what it wrote instead of
// reading the request back; the answer must equal what Get then reads.
func TestCreateAnswersAsGet(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.now = time.Date(2026, 3, 10, 3, 4, 5, 123456789, time.UTC) // a Tuesday, nanoseconds past the microsecond
	city := as(t, f.e, auth.CityStaff, apptest.City)
	if _, err := f.s.SetPolicy(city, request.PolicyInput{CategoryCode: "utility", DivisionCode: apptest.County, UnitID: f.water.ID,
		EffectiveFrom: f.now.Add(-time.Hour), Limits: map[string]string{"utility": "1h/3d"}}); err != nil {
		t.Fatal(err)
	}
	resident := as(t, f.e, auth.Resident, apptest.Community)
	township := as(t, f.e, auth.TownshipStaff, apptest.Township)
	en := auth.With(context.Background(), func() *auth.Principal { p := *auth.From(township); p.Lang = "en"; return &p }())
	cases := []struct {
		name string
		ctx  context.Context
		in   request.Intake
	}{
		{"resident, no rule", resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.garbage",
			Description: "垃圾桶三天没有清运了", Address: "游园小区", Phone: "13812345678", ContactName: "张三"}},
		{"resident, dispatched by the rule", resident, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
			Description: "小区停水一整天了", Anonymous: true}},
		{"staff in English, by phone, urgent", en, request.Intake{DivisionCode: apptest.Community, CategoryCode: "utility.water",
			Description: "路口的井盖丢了，很危险", Phone: "13912345678", Urgency: request.UrgencyEmergency, Title: "井盖"}},
		{"staff, walk-in", township, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.garbage",
			Description: "希望增加分类垃圾桶", Channel: request.ChannelVisit}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			created, err := f.s.Create(c.ctx, c.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.s.Get(c.ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			got.Events, got.Photos, got.Assists, got.Callbacks, got.Extensions, got.Appeals = nil, nil, nil, nil, nil, nil
			// JSON follows the pointers; ResidentID and CreatedBy are not in it.
			a, _ := json.Marshal(created)
			b, _ := json.Marshal(got)
			if string(a) != string(b) || created.CreatedBy != got.CreatedBy ||
				(created.ResidentID == nil) != (got.ResidentID == nil) || created.ResidentID != nil && *created.ResidentID != *got.ResidentID {
				t.Errorf("Create answered\n%s\nGet reads\n%s", a, b)
			}
			if created.CategoryName == "" || created.DivisionName == "" {
				t.Errorf("names missing: %+v", created)
			}
		})
	}
}
