package volunteer_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/measure"
	"shequ/internal/volunteer"
)

// world is an organisation at the township, a lead volunteer, and n more
// volunteers who are residents of the community.
type world struct {
	e     *apptest.Env
	s     *volunteer.Service
	c     *clock
	org   *volunteer.Org
	lead  context.Context
	staff context.Context
	vols  []context.Context
	ids   []int64
}

// idFor makes a valid ID number from a serial.
func idFor(i int) string {
	first := fmt.Sprintf("13110219900101%03d", i%1000)
	w := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := range 17 {
		sum += int(first[k]-'0') * w[k]
	}
	return first + string("10X98765432"[sum%11])
}

func newWorld(t *testing.T, n int) *world {
	e := apptest.New(t)
	c := &clock{at("2026-11-20 08:00:00")}
	w := &world{e: e, s: newService(e, c), c: c}
	w.staff = as(e, auth.CommunityWorker, apptest.Community)
	org, err := w.s.CreateOrg(as(e, auth.TownshipStaff, apptest.Township), volunteer.OrgInput{DivisionCode: apptest.Township, Name: "河西街道新时代文明实践站", Kind: "practice_station"})
	if err != nil {
		t.Fatal(err)
	}
	w.org = org
	w.lead = resident(e, "lead", apptest.Community)
	lv, err := w.s.Register(w.lead, reg("领队", idFor(999), "13800000999"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.s.SetMember(as(e, auth.TownshipStaff, apptest.Township), org.ID, lv.ID, true); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		ctx := resident(e, fmt.Sprintf("vol%d", i), apptest.Community)
		v, err := w.s.Register(ctx, reg(fmt.Sprintf("志愿者%d", i), idFor(i), fmt.Sprintf("139%08d", i)))
		if err != nil {
			t.Fatal(err)
		}
		w.vols, w.ids = append(w.vols, ctx), append(w.ids, v.ID)
	}
	return w
}

// publish makes an activity from 09:00 to 11:00 that day with slots.
func (w *world) publish(t *testing.T, slots int) *volunteer.Activity {
	a, err := w.s.Publish(w.lead, volunteer.ActivityInput{OrgID: w.org.ID, CommunityCode: apptest.Community, Title: "为老人理发",
		Content: "义务理发", Target: "elderly", Place: "游园社区活动室", StartsAt: at("2026-11-20 09:00:00"), EndsAt: at("2026-11-20 11:00:00"), Slots: slots})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestPublishRules(t *testing.T) {
	w := newWorld(t, 1)
	in := volunteer.ActivityInput{OrgID: w.org.ID, CommunityCode: apptest.Community, Title: "", Target: "x", Place: "",
		StartsAt: at("2026-11-20 11:00:00"), EndsAt: at("2026-11-20 09:00:00"), Slots: 0}
	_, err := w.s.Publish(w.lead, in)
	f := fieldKeys(t, err)
	for k, want := range map[string]string{"title": "error.required", "target": "error.one_of", "place": "error.required", "ends_at": "volunteer.ends_before_start", "slots": "volunteer.slots_range"} {
		if f[k] != want {
			t.Errorf("%s: %q, want %q (%v)", k, f[k], want, f)
		}
	}
	// A plain volunteer (not a lead) may not publish; nor staff of another
	// township; a community outside the organisation's division is refused.
	ok := volunteer.ActivityInput{OrgID: w.org.ID, CommunityCode: apptest.Community, Title: "t", Target: "children", Place: "p",
		StartsAt: at("2026-11-21 09:00:00"), EndsAt: at("2026-11-21 10:00:00"), Slots: 3}
	if _, err := w.s.Publish(w.vols[0], ok); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("plain volunteer: %v", err)
	}
	if _, err := w.s.Publish(as(w.e, auth.CommunityWorker, apptest.CousinCommunity), ok); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("other township's staff: %v", err)
	}
	far := ok
	far.CommunityCode = apptest.CousinCommunity
	if _, err := w.s.Publish(w.lead, far); fieldKeys(t, err)["community_code"] != "volunteer.community_of_org" {
		t.Fatalf("community outside org: %v", err)
	}
	if _, err := w.s.Publish(w.staff, ok); err != nil {
		t.Fatalf("community staff under the org: %v", err)
	}
}

func TestWaitingListMovesUp(t *testing.T) {
	w := newWorld(t, 4)
	a := w.publish(t, 2)
	want := []string{volunteer.Confirmed, volunteer.Confirmed, volunteer.Waiting, volunteer.Waiting}
	for i, ctx := range w.vols {
		st, err := w.s.SignUp(ctx, a.ID)
		if err != nil || st != want[i] {
			t.Fatalf("volunteer %d: %q %v", i, st, err)
		}
	}
	if _, err := w.s.SignUp(w.vols[0], a.ID); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("twice: %v", err)
	}
	// The first confirmed cancels: the first waiting (vol 2) moves up, in
	// the same transaction; the count of places stays at 2.
	if err := w.s.Cancel(w.vols[0], a.ID); err != nil {
		t.Fatal(err)
	}
	status := func() map[int64]string {
		list, err := w.s.Signups(w.lead, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]string{}
		for _, x := range list {
			m[x.VolunteerID] = x.Status
		}
		return m
	}
	m := status()
	if m[w.ids[0]] != volunteer.Withdrawn || m[w.ids[1]] != volunteer.Confirmed || m[w.ids[2]] != volunteer.Confirmed || m[w.ids[3]] != volunteer.Waiting {
		t.Fatalf("after cancel: %v", m)
	}
	if mine, err := w.s.MySignups(w.vols[2]); err != nil || len(mine) != 1 || mine[0].MySignup != volunteer.Confirmed {
		t.Fatalf("my sign-ups after moving up: %+v %v", mine, err)
	}
	if mine, _ := w.s.MySignups(w.vols[0]); len(mine) != 0 {
		t.Fatalf("a cancelled sign-up is listed: %+v", mine)
	}
	got, _ := w.s.Activity(w.lead, a.ID)
	if got.Taken != 2 {
		t.Fatalf("taken %d", got.Taken)
	}
	// Vol 0 signs up again: goes to the end of the waiting list. A waiting
	// volunteer cancelling moves nobody.
	if st, _ := w.s.SignUp(w.vols[0], a.ID); st != volunteer.Waiting {
		t.Fatalf("again: %s", st)
	}
	if err := w.s.Cancel(w.vols[3], a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.s.Cancel(w.vols[1], a.ID); err != nil {
		t.Fatal(err)
	}
	m = status()
	if m[w.ids[0]] != volunteer.Confirmed || m[w.ids[3]] != volunteer.Withdrawn {
		t.Fatalf("second move: %v", m)
	}
	// With nobody waiting, a cancel frees a place.
	if err := w.s.Cancel(w.vols[0], a.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.s.Activity(w.lead, a.ID); got.Taken != 1 {
		t.Fatalf("taken after free: %d", got.Taken)
	}
	// Signups are for organisers only.
	if _, err := w.s.Signups(w.vols[2], a.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("volunteer reads sign-ups: %v", err)
	}
}

func TestCheckinCodes(t *testing.T) {
	w := newWorld(t, 2)
	a := w.publish(t, 5)
	for _, v := range w.vols {
		if _, err := w.s.SignUp(v, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	w.c.t = at("2026-11-20 08:55:10")
	code, err := w.s.CurrentCode(w.lead, a.ID, volunteer.In)
	if err != nil {
		t.Fatal(err)
	}
	if len(code.Code) != volunteer.CodeLen {
		t.Fatalf("code %q", code.Code)
	}
	if _, err := w.s.CurrentCode(w.vols[0], a.ID, volunteer.In); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("a volunteer reads the code: %v", err)
	}
	// Forged: a changed character, or another activity's code.
	forged := []byte(code.Code)
	forged[0] = map[bool]byte{true: 'A', false: 'B'}[forged[0] != 'A']
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, string(forged)); fieldKeys(t, err)["checkin_code"] != "volunteer.code_invalid" {
		t.Fatalf("forged: %v", err)
	}
	// The check-in code does not check out.
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.Out, code.Code); fieldKeys(t, err)["checkin_code"] != "volunteer.code_invalid" {
		t.Fatalf("in-code used to check out: %v", err)
	}
	// Expired: two windows later.
	w.c.t = w.c.t.Add(60 * time.Second)
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, code.Code); fieldKeys(t, err)["checkin_code"] != "volunteer.code_expired" {
		t.Fatalf("expired: %v", err)
	}
	// The previous window is still accepted, typed in lower case with a space.
	w.c.t = at("2026-11-20 08:55:10").Add(30 * time.Second)
	typed := " " + string([]byte{code.Code[0] | 0x20}) + code.Code[1:4] + " " + code.Code[4:]
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, typed); err != nil {
		t.Fatalf("previous window: %v", err)
	}
	// Replayed: same volunteer, window and direction.
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, code.Code); errs.As(err) == nil || errs.As(err).Key != "volunteer.code_replayed" {
		t.Fatalf("replay: %v", err)
	}
	// Another volunteer may use the same code; a stranger with no sign-up may not.
	if _, err := w.s.CheckIn(w.vols[1], a.ID, volunteer.In, code.Code); err != nil {
		t.Fatal(err)
	}
	stranger := resident(w.e, "stranger", apptest.Community)
	if _, err := w.s.Register(stranger, reg("路人", idFor(500), "13700000500")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.CheckIn(stranger, a.ID, volunteer.In, code.Code); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("stranger: %v", err)
	}
	// Later, a fresh check-in code: already checked in (not a replay).
	w.c.t = at("2026-11-20 09:30:00")
	fresh, _ := w.s.CurrentCode(w.lead, a.ID, volunteer.In)
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, fresh.Code); errs.As(err) == nil || errs.As(err).Key != "volunteer.already_checked_in" {
		t.Fatalf("second check-in: %v", err)
	}
}

func TestHoursClippedAndRecorded(t *testing.T) {
	s := volunteer.ClipHours
	st, en := at("2026-11-20 09:00:00"), at("2026-11-20 11:00:00")
	for _, c := range []struct {
		in, out string
		want    int64
	}{
		{"08:30:00", "11:30:00", 200}, // both clipped
		{"09:30:00", "10:15:00", 75},  // inside
		{"08:00:00", "08:50:00", 0},   // all before
		{"10:59:24", "12:00:00", 1},   // 36 s = 0.01 h
	} {
		if got := s(st, en, at("2026-11-20 "+c.in), at("2026-11-20 "+c.out)); got != c.want {
			t.Errorf("%s-%s: %d, want %d", c.in, c.out, got, c.want)
		}
	}
	w := newWorld(t, 3)
	a := w.publish(t, 5)
	for _, v := range w.vols {
		if _, err := w.s.SignUp(v, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	checkin := func(i int, dir, when string) {
		t.Helper()
		w.c.t = at("2026-11-20 " + when)
		code, err := w.s.CurrentCode(w.lead, a.ID, dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.CheckIn(w.vols[i], a.ID, dir, code.Code); err != nil {
			t.Fatalf("%d %s %s: %v", i, dir, when, err)
		}
	}
	checkin(0, volunteer.In, "08:40:00")  // early: clipped to 09:00
	checkin(1, volunteer.In, "09:30:00")  // late
	checkin(2, volunteer.In, "09:00:00")  // never checks out: no record unless confirmed
	checkin(1, volunteer.Out, "10:15:00") // 0.75 h
	checkin(0, volunteer.Out, "11:40:00") // clipped to 11:00: 2 h
	// The lead confirms nobody else by hand without a reason.
	if err := w.s.Confirm(w.lead, a.ID, volunteer.Attendance{VolunteerID: w.ids[2], CheckinAt: at("2026-11-20 09:00:00"), CheckoutAt: at("2026-11-20 10:00:00")}); fieldKeys(t, err)["manual_reason"] != "error.required" {
		t.Fatalf("no reason: %v", err)
	}
	if n, err := w.s.Close(w.vols[0], a.ID); errs.Code(err) != errs.ENOTFOUND || n != 0 {
		t.Fatalf("a volunteer closes: %v", err)
	}
	n, err := w.s.Close(w.lead, a.ID)
	if err != nil || n != 2 {
		t.Fatalf("close: %d %v", n, err)
	}
	if _, err := w.s.Close(w.lead, a.ID); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("close twice: %v", err)
	}
	for i, want := range []int64{200, 75, 0} {
		v, err := w.s.Volunteer(w.vols[i], w.ids[i])
		if err != nil || v.HoursCenti != want {
			t.Fatalf("volunteer %d hours %v %v", i, v, err)
		}
		recs, _ := w.s.Records(w.vols[i], w.ids[i], time.Time{}, time.Time{})
		if (want > 0) != (len(recs) == 1) {
			t.Fatalf("volunteer %d records %v", i, recs)
		}
		if want > 0 && (recs[0].Date != "2026-11-20" || recs[0].OrgName != w.org.Name || recs[0].RecordedBy != "lead" || recs[0].Content != "为老人理发") {
			t.Fatalf("record %+v", recs[0])
		}
	}
	tot, err := w.s.Measures.Totals(w.e.Ctx, []string{measure.Key(volunteer.HoursM, "2026-11"), volunteer.ActiveN, volunteer.Registered}, []string{apptest.Community, apptest.City})
	if err != nil {
		t.Fatal(err)
	}
	if tot[apptest.City][measure.Key(volunteer.HoursM, "2026-11")] != 275 || tot[apptest.Community][volunteer.ActiveN] != 2 || tot[apptest.City][volunteer.Registered] != 4 {
		t.Fatalf("measures %v", tot)
	}
	// A year and a day later the daily job makes them inactive.
	w.c.t = at("2027-11-21 08:00:00")
	if err := w.s.RefreshActive(w.e.Ctx); err != nil {
		t.Fatal(err)
	}
	tot, _ = w.s.Measures.Totals(w.e.Ctx, []string{volunteer.ActiveN}, []string{apptest.City})
	if tot[apptest.City][volunteer.ActiveN] != 0 {
		t.Fatalf("active after a year %v", tot)
	}
}

func TestCorrectionFlow(t *testing.T) {
	w := newWorld(t, 2)
	a := w.publish(t, 5)
	for _, v := range w.vols {
		if _, err := w.s.SignUp(v, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	w.c.t = at("2026-11-20 11:30:00")
	for i := range w.vols {
		if err := w.s.Confirm(w.lead, a.ID, volunteer.Attendance{VolunteerID: w.ids[i], CheckinAt: at("2026-11-20 09:00:00"), CheckoutAt: at("2026-11-20 10:00:00"), Reason: "手机没电"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.s.Close(w.staff, a.ID); err != nil {
		t.Fatal(err)
	}
	recs, _ := w.s.Records(w.vols[0], w.ids[0], time.Time{}, time.Time{})
	if len(recs) != 1 || recs[0].HoursCenti != 100 {
		t.Fatalf("records %v", recs)
	}
	r := recs[0]
	if _, err := w.s.AskCorrection(w.vols[1], r.ID, 2, "我服务了两小时"); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("another volunteer's record: %v", err)
	}
	if _, err := w.s.AskCorrection(w.vols[0], r.ID, 1, ""); len(fieldKeys(t, err)) != 2 {
		t.Fatalf("same hours, no reason: %v", err)
	}
	c, err := w.s.AskCorrection(w.vols[0], r.ID, 2, "十点后继续帮忙收拾场地")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.AskCorrection(w.vols[0], r.ID, 1.5, "again"); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("second pending: %v", err)
	}
	if list, _ := w.s.Corrections(w.lead); len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("pending list %v", list)
	}
	if _, err := w.s.Decide(w.vols[1], c.ID, true, ""); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("a volunteer decides: %v", err)
	}
	if _, err := w.s.Decide(w.lead, c.ID, false, ""); fieldKeys(t, err)["decision_reason"] != "error.required" {
		t.Fatalf("refuse without reason: %v", err)
	}
	got, err := w.s.Decide(w.lead, c.ID, true, "")
	if err != nil || got.Status != volunteer.Approved {
		t.Fatalf("approve %v %v", got, err)
	}
	if _, err := w.s.Decide(w.lead, c.ID, false, "no"); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("decide twice: %v", err)
	}
	v, _ := w.s.Volunteer(w.vols[0], w.ids[0])
	if v.HoursCenti != 200 {
		t.Fatalf("hours after approval %d", v.HoursCenti)
	}
	tot, _ := w.s.Measures.Totals(w.e.Ctx, []string{measure.Key(volunteer.HoursM, "2026-11")}, []string{apptest.City})
	if tot[apptest.City][measure.Key(volunteer.HoursM, "2026-11")] != 300 {
		t.Fatalf("month hours %v", tot)
	}
	// A refusal keeps the record as it was.
	c2, err := w.s.AskCorrection(w.vols[1], recsOf(t, w, 1).ID, 3, "多记一小时")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := w.s.Decide(w.staff, c2.ID, false, "签到记录只有一小时"); err != nil || got.Status != volunteer.Refused || got.Decision == "" {
		t.Fatalf("refuse %v %v", got, err)
	}
	if r := recsOf(t, w, 1); r.HoursCenti != 100 || r.Correction != volunteer.Refused {
		t.Fatalf("refused record %+v", r)
	}
	// Each volunteer finds the decision in their inbox.
	for i, want := range []string{"服务时长更正（2 小时）已获批准", "未获批准：签到记录只有一小时"} {
		items, _, err := w.e.App.Notify.Inbox(w.vols[i], 1, 10)
		if err != nil || len(items) != 1 || !strings.Contains(items[0].Text, want) || items[0].Link != "/volunteer" {
			t.Errorf("volunteer %d's inbox: %+v %v", i, items, err)
		}
	}
	// Records move with the volunteer to another community.
	if _, err := w.s.Update(w.staff, w.ids[0], volunteer.Registration{CommunityCode: ptr(apptest.SiblingCommunity)}); fieldKeys(t, err)["community_code"] != "volunteer.community_not_found" {
		t.Fatalf("community staff moves outside: %v", err)
	}
	town := as(w.e, auth.TownshipStaff, apptest.Township)
	if _, err := w.s.Update(town, w.ids[0], volunteer.Registration{CommunityCode: ptr(apptest.SiblingCommunity)}); err != nil {
		t.Fatal(err)
	}
	if rs, _ := w.s.Records(as(w.e, auth.CommunityWorker, apptest.SiblingCommunity), w.ids[0], time.Time{}, time.Time{}); len(rs) != 1 || rs[0].HoursCenti != 200 {
		t.Fatalf("records after the move %v", rs)
	}
	tot, _ = w.s.Measures.Totals(w.e.Ctx, []string{volunteer.Registered, volunteer.ActiveN}, []string{apptest.SiblingCommunity, apptest.Community})
	if tot[apptest.SiblingCommunity][volunteer.Registered] != 1 || tot[apptest.SiblingCommunity][volunteer.ActiveN] != 1 || tot[apptest.Community][volunteer.ActiveN] != 1 {
		t.Fatalf("measures after the move %v", tot)
	}
}

func recsOf(t *testing.T, w *world, i int) volunteer.Record {
	t.Helper()
	rs, err := w.s.Records(w.vols[i], w.ids[i], time.Time{}, time.Time{})
	if err != nil || len(rs) != 1 {
		t.Fatalf("records of %d: %v %v", i, rs, err)
	}
	return rs[0]
}

func TestFiguresPer10kAndHoursByMonth(t *testing.T) {
	w := newWorld(t, 2)
	a := w.publish(t, 5)
	b := w.publish(t, 5)
	for _, v := range w.vols {
		if _, err := w.s.SignUp(v, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	// A code is bound to its activity.
	w.c.t = at("2026-11-20 09:10:00")
	code, _ := w.s.CurrentCode(w.lead, b.ID, volunteer.In)
	if _, err := w.s.CheckIn(w.vols[0], a.ID, volunteer.In, code.Code); fieldKeys(t, err)["checkin_code"] != "volunteer.code_invalid" {
		t.Fatalf("another activity's code: %v", err)
	}
	w.c.t = at("2026-11-20 11:30:00")
	if err := w.s.Confirm(w.lead, a.ID, volunteer.Attendance{VolunteerID: w.ids[0], CheckinAt: at("2026-11-20 09:00:00"), CheckoutAt: at("2026-11-20 10:30:00"), Reason: "现场登记"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Close(w.lead, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.s.Measures.Set(w.e.Ctx, "division.population", apptest.Community, 6000); err != nil {
		t.Fatal(err)
	}
	f, err := w.s.Figures(as(w.e, auth.TownshipStaff, apptest.Township), "")
	if err != nil {
		t.Fatal(err)
	}
	// 3 registered (the lead and two), 1 active, of 6,000 residents.
	if f.Registered != 3 || f.Active != 1 || f.Population != 6000 || f.RegisteredPer != 5 || f.ActivePer != 1.67 {
		t.Fatalf("figures %+v", f)
	}
	if f.Months[11] != "2026-11" || f.Hours[11] != 1.5 || f.Hours[10] != 0 {
		t.Fatalf("months %v hours %v", f.Months, f.Hours)
	}
	var found bool
	for _, c := range f.Children {
		if c.Code == apptest.Community {
			found = c.Registered == 3 && c.Hours[11] == 1.5 && c.RegisteredPer == 5
		} else if c.Registered != 0 {
			t.Fatalf("child %+v", c)
		}
	}
	if !found {
		t.Fatalf("community not among children: %+v", f.Children)
	}
	if _, err := w.s.Figures(as(w.e, auth.TownshipStaff, apptest.SiblingTownship), apptest.Township); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("figures outside the area: %v", err)
	}
}

// Sign-ups and cancels at the same time never give more places than the
// activity has, and every freed place goes to the waiting list.
func TestConcurrentSignupsAndCancels(t *testing.T) {
	w := newWorld(t, 12)
	a := w.publish(t, 3)
	var wg sync.WaitGroup
	st := make([]string, len(w.vols))
	for i, v := range w.vols {
		wg.Go(func() {
			var err error
			if st[i], err = w.s.SignUp(v, a.ID); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	count := func() (confirmed, waiting int) {
		list, err := w.s.Signups(w.lead, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range list {
			switch x.Status {
			case volunteer.Confirmed:
				confirmed++
			case volunteer.Waiting:
				waiting++
			}
		}
		return
	}
	if c, wt := count(); c != 3 || wt != 9 {
		t.Fatalf("after sign-ups: %d confirmed, %d waiting", c, wt)
	}
	// Every confirmed volunteer cancels at once: three move up.
	for i, v := range w.vols {
		if st[i] == volunteer.Confirmed {
			wg.Go(func() {
				if err := w.s.Cancel(v, a.ID); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if c, wt := count(); c != 3 || wt != 6 {
		t.Fatalf("after cancels: %d confirmed, %d waiting", c, wt)
	}
	if got, _ := w.s.Activity(w.lead, a.ID); got.Taken != 3 {
		t.Fatalf("taken %d", got.Taken)
	}
	// Nearby by community and date.
	for _, c := range []struct {
		f    volunteer.ActivityFilter
		want int
	}{
		{volunteer.ActivityFilter{Division: apptest.Community, Date: "2026-11-20"}, 1},
		{volunteer.ActivityFilter{Division: apptest.Township}, 1},
		{volunteer.ActivityFilter{Division: apptest.SiblingCommunity}, 0},
		{volunteer.ActivityFilter{Division: apptest.Community, Date: "2026-11-21"}, 0},
	} {
		got, _, err := w.s.Activities(w.vols[0], c.f)
		if err != nil || len(got) != c.want {
			t.Errorf("%+v: %d activities, want %d (%v)", c.f, len(got), c.want, err)
		}
	}
	if _, _, err := w.s.Activities(w.vols[0], volunteer.ActivityFilter{Date: "20.11.2026"}); fieldKeys(t, err)["date"] != "volunteer.date_invalid" {
		t.Fatalf("bad date: %v", err)
	}
	// The hand confirmation is audited with its reason.
	w.c.t = at("2026-11-20 10:30:00")
	list, _ := w.s.Signups(w.lead, a.ID)
	if list[0].Status != volunteer.Confirmed {
		t.Fatalf("sign-ups not confirmed first: %+v", list)
	}
	if err := w.s.Confirm(w.lead, a.ID, volunteer.Attendance{VolunteerID: list[0].VolunteerID, CheckinAt: at("2026-11-20 09:00:00"),
		CheckoutAt: at("2026-11-20 10:00:00"), Reason: "老人不会用手机"}); err != nil {
		t.Fatal(err)
	}
	recs, _, err := w.e.App.Audit.Search(w.e.Ctx, audit.Filter{Action: "volunteer.attendance.confirm"})
	if err != nil || len(recs) != 1 || !strings.Contains(recs[0].Detail, "老人不会用手机") || recs[0].ActorName != "lead" {
		t.Fatalf("audit of the confirmation: %+v %v", recs, err)
	}
}
