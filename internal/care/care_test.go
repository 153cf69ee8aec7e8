package care_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/care"
	"shequ/internal/indicator"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/measure"
)

var seq int

// idNumber makes a valid ID number of someone born in 1940.
func idNumber() string {
	seq++
	first := fmt.Sprintf("131102194001%02d%03d", 1+seq/900%28, seq%900+100)
	return first + string(idcard.CheckChar(first))
}

// addPeople registers n elderly people in a community through the people
// registry, members of the elderly group since start.
func addPeople(t testing.TB, e *apptest.Env, community string, n int, start string) []int64 {
	t.Helper()
	ps := person.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	var ids []int64
	for i := 0; i < n; i++ {
		code, name, id := community, fmt.Sprintf("老人%s-%d", community[9:], len(ids)+seq), idNumber()
		groups := []person.Membership{{Group: person.GroupElderly, Kinds: []string{"living_alone"}, Start: start, Basis: "民政认定"}}
		p, err := ps.Create(e.Ctx, person.Patch{CommunityCode: &code, Name: &name, IDNumber: &id, Groups: &groups})
		if err != nil {
			t.Fatalf("create person: %v", err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// at is a time in China.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, calendar.China)
	if err != nil {
		panic(err)
	}
	return t
}

func newCare(e *apptest.Env, now *time.Time) *care.Service {
	s := e.App.Care
	s.Now = func() time.Time { return *now }
	return s
}

// as is ctx acting as an account.
func as(t testing.TB, e *apptest.Env, role auth.Role, area string) context.Context {
	t.Helper()
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: acc.Role, Area: auth.AreaOf(acc.AreaCode, levelOf(acc.AreaCode))})
}

func userID(t testing.TB, e *apptest.Env, role auth.Role, area string) int64 {
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	return acc.ID
}

func total(t testing.TB, e *apptest.Env, name, month, code string) int64 {
	t.Helper()
	key := measure.Key(name, month)
	m, err := (&measure.Store{DB: e.App.DB}).Totals(e.Ctx, []string{key}, []string{code})
	if err != nil {
		t.Fatal(err)
	}
	return m[code][key]
}

func count(t testing.TB, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMonthBoundaryAndMissedMonth(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	grid := userID(t, e, auth.GridWorker, apptest.Community)
	addPeople(t, e, apptest.Community, 3, "2026-01-01")
	addPeople(t, e, apptest.SiblingCommunity, 2, "2026-01-01")
	addPeople(t, e, apptest.FarCommunity, 1, "2026-01-01")
	now := at("2026-10-20 23:59:00")
	s := newCare(e, &now)

	g, err := s.RunMonthly(e.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g.Tasks != 6 || g.Escalated != 0 || fmt.Sprint(g.Months) != "[2026-10]" {
		t.Fatalf("first run: %v", g)
	}
	// Again the same day, and from a second node: nothing new.
	g, err = s.RunMonthly(e.Ctx)
	if err != nil || g.Tasks != 0 {
		t.Fatalf("second run: %v %v", g, err)
	}
	if n := count(t, e, `SELECT count(*) FROM care_tasks WHERE month = '2026-10' AND assignee_id = $1 AND division_code = $2`, grid, apptest.Community); n != 3 {
		t.Fatalf("%d tasks for the grid worker, want 3", n)
	}
	if n := count(t, e, `SELECT count(*) FROM care_tasks WHERE month = '2026-10' AND assignee_id IS NULL`); n != 3 {
		t.Fatalf("%d unassigned tasks (communities without a grid worker), want 3", n)
	}
	// The grid worker is reminded once, in their inbox, of their 3 visits.
	items, _, err := e.App.Notify.Inbox(as(t, e, auth.GridWorker, apptest.Community), 1, 10)
	if err != nil || len(items) != 1 || items[0].Text != "2026-10 的走访任务已生成：您有 3 位对象待走访。" || items[0].Link != "/visits?month=2026-10" {
		t.Fatalf("the grid worker's inbox: %+v %v", items, err)
	}
	if v := total(t, e, care.MeasureDue, "2026-10", apptest.County); v != 5 {
		t.Fatalf("due at county %d, want 5", v)
	}
	if v := total(t, e, care.MeasureDue, "2026-10", apptest.City); v != 6 {
		t.Fatalf("due at city %d, want 6", v)
	}

	// Across midnight into November (China time; 16:00 UTC).
	now = at("2026-11-01 00:00:30")
	g, err = s.RunMonthly(e.Ctx)
	if err != nil || g.Tasks != 6 || fmt.Sprint(g.Months) != "[2026-11]" {
		t.Fatalf("month boundary: %v %v", g, err)
	}
	if g.Escalated != 6 {
		t.Fatalf("October's open tasks should be overdue and escalated: %v", g)
	}

	// No node runs in December; the first run in January makes December too.
	now = at("2027-01-03 08:00:00")
	g, err = s.RunMonthly(e.Ctx)
	if err != nil || g.Tasks != 12 || fmt.Sprint(g.Months) != "[2026-12 2027-01]" {
		t.Fatalf("missed month: %v %v", g, err)
	}
	for _, m := range []string{"2026-10", "2026-11", "2026-12", "2027-01"} {
		if n := count(t, e, `SELECT count(*) FROM care_tasks WHERE month = $1`, m); n != 6 {
			t.Fatalf("%s: %d tasks, want 6", m, n)
		}
		if v := total(t, e, care.MeasureDue, m, apptest.City); v != 6 {
			t.Fatalf("%s: due at city %d", m, v)
		}
	}
	// Someone who joins the group during the month gets a task on the next run.
	addPeople(t, e, apptest.Community, 1, "2026-11-26")
	g, err = s.RunMonthly(e.Ctx)
	if err != nil || g.Tasks != 1 {
		t.Fatalf("newcomer: %v %v", g, err)
	}
	if v := total(t, e, care.MeasureDue, "2027-01", apptest.Community); v != 4 {
		t.Fatalf("due at community %d, want 4", v)
	}
	// Only the system runs the job.
	if _, err := s.Generate(as(t, e, auth.TownshipStaff, apptest.Township), "2027-01"); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("township generate: %v", err)
	}
}

func checklist() map[string]string {
	return map[string]string{"health": "ok", "home_safety": "attention", "living": "ok", "mood": "ok", "needs": "ok"}
}

func TestEscalationAfterThe25th(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	addPeople(t, e, apptest.Community, 2, "2026-01-01")
	addPeople(t, e, apptest.CousinCommunity, 1, "2026-01-01")
	e.User(auth.GridWorker, apptest.Community)
	now := at("2026-11-25 23:59:00")
	s := newCare(e, &now)
	if g, err := s.RunMonthly(e.Ctx); err != nil || g.Escalated != 0 {
		t.Fatalf("on the 25th: %v %v", g, err)
	}
	gw := as(t, e, auth.GridWorker, apptest.Community)
	mine, _, err := s.List(gw, care.Filter{}, 1, 50)
	if err != nil || len(mine) != 2 {
		t.Fatalf("grid worker's tasks: %v %v", mine, err)
	}
	v := now.Add(-time.Hour)
	if _, err := s.RecordVisit(gw, care.VisitInput{TaskID: mine[0].ID, IdempotencyKey: "visit-key-0001", Method: care.Home,
		Checklist: checklist(), VisitedAt: &v}, nil); err != nil {
		t.Fatal(err)
	}
	now = at("2026-11-26 00:00:01")
	g, err := s.RunMonthly(e.Ctx)
	if err != nil || g.Escalated != 2 {
		t.Fatalf("after the 25th: %v %v (want the two open tasks)", g, err)
	}
	ts := as(t, e, auth.TownshipStaff, apptest.Township)
	esc, _, err := s.List(ts, care.Filter{Status: care.StatusEscalated}, 1, 50)
	if err != nil || len(esc) != 1 || esc[0].ID != mine[1].ID || esc[0].Status != care.StatusEscalated {
		t.Fatalf("township's escalated list: %+v %v", esc, err)
	}
	other := as(t, e, auth.TownshipStaff, apptest.SiblingTownship)
	esc, _, err = s.List(other, care.Filter{Status: care.StatusEscalated}, 1, 50)
	if err != nil || len(esc) != 1 || esc[0].DivisionCode != apptest.CousinCommunity {
		t.Fatalf("sibling township's list: %+v %v", esc, err)
	}
	// In December the November tasks are overdue.
	now = at("2026-12-01 09:00:00")
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	over, _, err := s.List(ts, care.Filter{Month: "2026-11", Status: care.StatusOverdue}, 1, 50)
	if err != nil || len(over) != 1 {
		t.Fatalf("overdue: %+v %v", over, err)
	}
	done, _, err := s.List(ts, care.Filter{Month: "2026-11", Status: care.StatusDone}, 1, 50)
	if err != nil || len(done) != 1 || done[0].Visits != 1 {
		t.Fatalf("done: %+v %v", done, err)
	}
}

func TestVisitRulesAndIdempotency(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	addPeople(t, e, apptest.Community, 2, "2026-01-01")
	addPeople(t, e, apptest.SiblingCommunity, 1, "2026-01-01")
	e.User(auth.GridWorker, apptest.Community)
	e.User(auth.GridWorker, apptest.SiblingCommunity)
	now := at("2026-11-10 10:00:00")
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	gw := as(t, e, auth.GridWorker, apptest.Community)
	mine, _, _ := s.List(gw, care.Filter{}, 1, 50)
	sib := as(t, e, auth.GridWorker, apptest.SiblingCommunity)
	theirs, _, _ := s.List(sib, care.Filter{}, 1, 50)
	if len(mine) != 2 || len(theirs) != 1 {
		t.Fatalf("tasks: %d and %d", len(mine), len(theirs))
	}
	in := care.VisitInput{TaskID: mine[0].ID, IdempotencyKey: "0f0e0d0c-key-1", Method: care.Phone, Checklist: checklist(),
		Notes: "血压偏高", FollowUp: "需要上门量血压", Location: &care.VisitLocation{Latitude: 37.739, Longitude: 115.67, Accuracy: 12}}
	r1, err := s.RecordVisit(gw, in, nil)
	if err != nil || !r1.Created {
		t.Fatalf("record: %+v %v", r1, err)
	}
	r2, err := s.RecordVisit(gw, in, nil)
	if err != nil || r2.Created || r2.Visit.ID != r1.Visit.ID || r2.Visit.Notes != "血压偏高" || r2.Visit.Location == nil {
		t.Fatalf("resend: %+v %v", r2, err)
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits`); n != 1 {
		t.Fatalf("%d visits after a resend", n)
	}
	// The position is sealed at rest.
	var sealed string
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT location_sealed FROM care_visits`).Scan(&sealed)
	if sealed == "" || strings.Contains(sealed, "37.739") {
		t.Fatalf("location stored as %q", sealed)
	}
	got, err := s.Get(gw, mine[0].ID)
	if err != nil || len(got.VisitsList) != 1 || got.VisitsList[0].FollowUp != "需要上门量血压" || got.VisitsList[0].Location.Latitude != 37.739 {
		t.Fatalf("get: %+v %v", got, err)
	}
	// The follow-up opened a request in the same transaction, and the
	// visit names it; the resend opened no second one.
	req := got.VisitsList[0].FollowUpRequest
	if req == nil || r1.Visit.FollowUpRequest == nil || *req != *r1.Visit.FollowUpRequest {
		t.Fatalf("follow-up request: %v / %v", req, r1.Visit.FollowUpRequest)
	}
	if n := count(t, e, `SELECT count(*) FROM requests WHERE id = $1 AND division_code = $2`, *req, apptest.Community); n != 1 {
		t.Fatalf("request %d not found in the community", *req)
	}
	if n := count(t, e, `SELECT count(*) FROM requests`); n != 1 {
		t.Fatalf("%d requests after a resend", n)
	}
	// Another account cannot reuse the key.
	if _, err := s.RecordVisit(sib, care.VisitInput{TaskID: theirs[0].ID, IdempotencyKey: in.IdempotencyKey, Method: care.Home, Checklist: checklist()}, nil); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("key reuse: %v", err)
	}
	// Not my task: another community's is not found; an unassigned
	// one in my area is not mine to record.
	if _, err := s.RecordVisit(gw, care.VisitInput{TaskID: theirs[0].ID, IdempotencyKey: "other-task-1", Method: care.Home, Checklist: checklist()}, nil); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("other community's task: %v", err)
	}
	if _, err := s.Get(gw, theirs[0].ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("other community's task read: %v", err)
	}
	cw := as(t, e, auth.CommunityWorker, apptest.Community)
	if _, err := s.RecordVisit(cw, care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "cw-visit-0001", Method: care.Home, Checklist: checklist()}, nil); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("community worker on the grid worker's task: %v", err)
	}
	// Bad fields are named, and nothing is stored.
	before := time.Date(2026, 10, 31, 10, 0, 0, 0, calendar.China)
	cases := []struct {
		in    care.VisitInput
		field string
	}{
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad-0000001", Method: "letter", Checklist: checklist()}, "method"},
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad-0000002", Method: care.Home, Checklist: map[string]string{"health": "ok"}}, "check_mood"},
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad key!", Method: care.Home, Checklist: checklist()}, "idempotency_key"},
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad-0000003", Method: care.Home, Checklist: checklist(), VisitedAt: &before}, "visited_at"},
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad-0000005", Method: care.Home, Checklist: checklist(), Notes: "女儿电话13812345678"}, "notes"},
		{care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "bad-0000004", Method: care.Home, Checklist: checklist(), Location: &care.VisitLocation{Latitude: 91}}, "location"},
	}
	for _, c := range cases {
		_, err := s.RecordVisit(gw, c.in, nil)
		e := errs.As(err)
		found := false
		for _, f := range e.Fields {
			found = found || f.Field == c.field
		}
		if e.Code != errs.EINVALID || !found {
			t.Errorf("%s: %v", c.field, err)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits`); n != 1 {
		t.Fatalf("%d visits after refusals", n)
	}
	// Reassign: the community worker gives the second task to itself, and
	// then records it; a worker of another community is refused.
	cwID := userID(t, e, auth.CommunityWorker, apptest.Community)
	if _, err := s.Reassign(cw, mine[1].ID, userID(t, e, auth.GridWorker, apptest.SiblingCommunity), 0); errs.Code(err) != errs.EINVALID {
		t.Fatalf("reassign across communities: %v", err)
	}
	if _, err := s.Reassign(gw, mine[1].ID, cwID, 0); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("grid worker reassigning: %v", err)
	}
	tk, err := s.Reassign(cw, mine[1].ID, cwID, mine[1].Version)
	if err != nil || !tk.AssignedTo(cwID) {
		t.Fatalf("reassign: %+v %v", tk, err)
	}
	if _, err := s.Reassign(cw, mine[1].ID, cwID, mine[1].Version); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("stale version: %v", err)
	}
	if _, err := s.RecordVisit(cw, care.VisitInput{TaskID: mine[1].ID, IdempotencyKey: "cw-visit-0002", Method: care.Video, Checklist: checklist()}, nil); err != nil {
		t.Fatal(err)
	}
	// The grid worker no longer sees it.
	if _, err := s.Get(gw, mine[1].ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("reassigned task still visible to the grid worker: %v", err)
	}
}

// TestRateAgainstHandCount: the rate from the measures equals a count
// made directly from the tasks table, at every level, and the indicator
// engine reads the same figure.
func TestRateAgainstHandCount(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.RuralCommunity, apptest.FarCommunity} {
		addPeople(t, e, c, 3, "2026-01-01")
		e.User(auth.GridWorker, c)
	}
	now := time.Now()
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	month := s.CurrentMonth()
	// Visit 3, 1, 0, 2, 1 people; some twice.
	plan := map[string][]int{apptest.Community: {0, 1, 2, 2}, apptest.SiblingCommunity: {0}, apptest.RuralCommunity: {0, 1, 1}, apptest.FarCommunity: {2}}
	k := 0
	for c, idx := range plan {
		ctx := as(t, e, auth.GridWorker, c)
		tasks, _, err := s.List(ctx, care.Filter{}, 1, 50)
		if err != nil || len(tasks) != 3 {
			t.Fatalf("%s: %d tasks %v", c, len(tasks), err)
		}
		for _, i := range idx {
			k++
			if _, err := s.RecordVisit(ctx, care.VisitInput{TaskID: tasks[i].ID, IdempotencyKey: fmt.Sprintf("rate-visit-%04d", k),
				Method: care.Home, Checklist: checklist()}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	hand := func(lo, hi string) (due, visited int64) {
		_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM care_tasks WHERE month = $1 AND division_code BETWEEN $2 AND $3`, month, lo, hi).Scan(&due)
		_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(DISTINCT task_id) FROM care_visits v JOIN care_tasks t ON t.id = v.task_id
			WHERE t.month = $1 AND t.division_code BETWEEN $2 AND $3`, month, lo, hi).Scan(&visited)
		return
	}
	city := as(t, e, auth.CityStaff, apptest.City)
	for _, code := range []string{apptest.City, apptest.County, apptest.Township, apptest.SiblingTownship} {
		r, err := s.Rate(city, code, month)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range append([]care.VisitRateRow{r.Division}, r.Children...) {
			lo, hi := auth.AreaOf(row.Code, levelOf(row.Code)).Range()
			due, visited := hand(lo, hi)
			if row.Due != due || row.Visited != visited {
				t.Errorf("%s: rate says %d/%d, hand count %d/%d", row.Code, row.Visited, row.Due, visited, due)
			}
			if due > 0 && fmt.Sprintf("%.4f", row.Rate) != fmt.Sprintf("%.4f", float64(visited)*100/float64(due)) {
				t.Errorf("%s: rate %f", row.Code, row.Rate)
			}
		}
	}
	r, _ := s.Rate(city, apptest.City, month)
	if r.Division.Due != 15 || r.Division.Visited != 7 {
		t.Fatalf("city: %+v (want 7 of 15)", r.Division)
	}
	// A county worker cannot read the sibling county.
	county := as(t, e, auth.CountyStaff, apptest.County)
	if _, err := s.Rate(county, apptest.SiblingCounty, month); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("sibling county: %v", err)
	}
	// The indicator engine reads the same measures.
	def, err := e.App.Indicators.Engine.Def("elderly_monthly_visit_rate")
	if err != nil {
		t.Fatal(err)
	}
	figs, err := e.App.Indicators.Engine.Compute(e.Ctx, []string{apptest.City}, []*indicator.Def{def})
	if err != nil || len(figs[apptest.City]) != 1 {
		t.Fatal(figs, err)
	}
	f := figs[apptest.City][0]
	if f.Numerator != 7 || f.Denominator != 15 {
		t.Fatalf("indicator: %+v", f)
	}
}

func levelOf(code string) int {
	switch {
	case code[4:] == "00000000":
		return 2
	case code[6:] == "000000":
		return 3
	case code[9:] == "000":
		return 4
	}
	return 5
}

// photoWithGPS is a JPEG with an EXIF segment holding a GPS latitude.
func photoWithGPS(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	img.Set(1, 1, color.White)
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	le := binary.LittleEndian
	var tf bytes.Buffer
	tf.WriteString("II")
	_ = binary.Write(&tf, le, uint16(42))
	_ = binary.Write(&tf, le, uint32(8))
	_ = binary.Write(&tf, le, uint16(1))
	_ = binary.Write(&tf, le, [4]uint32{0x8825 | 4<<16, 1, 26, 0}) // GPSInfo → IFD at 26
	_ = binary.Write(&tf, le, uint16(1))
	_ = binary.Write(&tf, le, [3]uint32{0x0002 | 5<<16, 3, 44}) // GPSLatitude, 3 rationals at 44
	_ = binary.Write(&tf, le, uint32(0))
	_ = binary.Write(&tf, le, [6]uint32{37, 1, 44, 1, 2292, 100})
	tf.WriteString("GPS-SECRET-HOME")
	payload := append([]byte("Exif\x00\x00"), tf.Bytes()...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	raw := b.Bytes()
	out := append(append(append([]byte{}, raw[:2]...), seg...), payload...)
	return append(out, raw[2:]...)
}

func TestPhotoStrippedAndGuarded(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	addPeople(t, e, apptest.Community, 1, "2026-01-01")
	e.User(auth.GridWorker, apptest.Community)
	now := time.Now()
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	c := e.Session(auth.GridWorker, apptest.Community)
	tasks, _, _ := s.List(as(t, e, auth.GridWorker, apptest.Community), care.Filter{}, 1, 10)
	in := photoWithGPS(t)
	if !bytes.Contains(in, []byte("GPS-SECRET-HOME")) {
		t.Fatal("test photo lacks its marker")
	}
	post := func(key string, files map[string][]byte) *apptest.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"task_id": fmt.Sprint(tasks[0].ID), "idempotency_key": key, "method": "home",
			"check_health": "ok", "check_home_safety": "ok", "check_living": "ok", "check_mood": "ok", "check_needs": "attention", "notes": "有照片"} {
			_ = mw.WriteField(k, v)
		}
		for name, b := range files {
			fw, _ := mw.CreateFormFile("photo", name)
			_, _ = fw.Write(b)
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/visits/record", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-CSRF-Token", csrfOf(t, c))
		req.Header.Set("Accept", "application/json")
		res, err := c.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return &apptest.Response{StatusCode: res.StatusCode, Body: string(b)}
	}
	// A text file named like a photo is refused, and nothing is stored.
	if r := post("photo-visit-0", map[string][]byte{"IMG_1.jpg": []byte("<script>alert(1)</script>")}); r.StatusCode != http.StatusUnprocessableEntity && r.StatusCode != http.StatusBadRequest {
		t.Fatalf("fake photo: %d %s", r.StatusCode, r.Body)
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits`); n != 0 {
		t.Fatalf("%d visits after a refused photo", n)
	}
	if r := post("photo-visit-1", map[string][]byte{"IMG_2.jpg": in}); r.StatusCode != http.StatusCreated {
		t.Fatalf("visit with photo: %d %s", r.StatusCode, r.Body)
	}
	var blobID int64
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT blob_id FROM care_visit_photos`).Scan(&blobID)
	res := c.Get(fmt.Sprintf("/visits/photos/%d", blobID))
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo: %d %v", res.StatusCode, res.Header)
	}
	if strings.Contains(res.Body, "GPS-SECRET-HOME") || strings.Contains(res.Body, "Exif") {
		t.Fatal("served photo still carries its EXIF/GPS")
	}
	if _, err := jpeg.Decode(strings.NewReader(res.Body)); err != nil {
		t.Fatalf("served photo: %v", err)
	}
	// Resending the same visit (same key) with its photo stores nothing new.
	if r := post("photo-visit-1", map[string][]byte{"IMG_2.jpg": in}); r.StatusCode != http.StatusOK {
		t.Fatalf("resend: %d %s", r.StatusCode, r.Body)
	}
	if n := count(t, e, `SELECT count(*) FROM upload_blobs`); n != 1 {
		t.Fatalf("%d blobs", n)
	}
	// Other communities' workers, and roles without visits, do not get it.
	for _, o := range []struct {
		role auth.Role
		area string
	}{{auth.GridWorker, apptest.SiblingCommunity}, {auth.CommunityWorker, apptest.SiblingCommunity}, {auth.Resident, apptest.Community}} {
		if r := e.Session(o.role, o.area).Get(fmt.Sprintf("/visits/photos/%d", blobID)); r.StatusCode == http.StatusOK {
			t.Errorf("%s@%s got the photo", o.role, o.area)
		}
	}
	if r := e.NewClient().Get(fmt.Sprintf("/visits/photos/%d", blobID)); r.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous: %d", r.StatusCode)
	}
	// The township worker sees it.
	if r := e.Session(auth.TownshipStaff, apptest.Township).Get(fmt.Sprintf("/visits/photos/%d", blobID)); r.StatusCode != http.StatusOK {
		t.Errorf("township: %d", r.StatusCode)
	}
}

// csrfOf asks the queue's endpoint for the session's token.
func csrfOf(t *testing.T, c *apptest.Client) string {
	t.Helper()
	r := c.Get("/visits/session")
	var v struct {
		CSRF string `json:"csrf"`
	}
	r.JSON(t, &v)
	if v.CSRF == "" {
		t.Fatalf("no token: %s", r.Body)
	}
	return v.CSRF
}

func TestLoadVisits(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	addPeople(t, e, apptest.Community, 2, "2026-01-01")
	addPeople(t, e, apptest.FarCommunity, 2, "2026-01-01")
	now := at("2026-11-20 12:00:00")
	s := newCare(e, &now)
	if _, err := s.Generate(e.Ctx, "2026-11"); err != nil {
		t.Fatal(err)
	}
	tasks, err := s.TasksOf(e.Ctx, "2026-11")
	if err != nil || len(tasks) != 4 {
		t.Fatalf("tasks %v %v", tasks, err)
	}
	v := func(i int, when string) care.SeedVisit {
		return care.SeedVisit{TaskID: tasks[i].ID, Visitor: "演示", VisitedAt: at(when), Method: care.Home, Checklist: checklist()}
	}
	// A bad second row: nothing is stored, and the row is named.
	err = s.LoadVisits(e.Ctx, []care.SeedVisit{v(0, "2026-11-02 09:00:00"), v(1, "2026-10-30 09:00:00")})
	if fe := errs.As(err); fe.Code != errs.EINVALID || fe.Fields[0].Row != 2 || fe.Fields[0].Field != "visited_at" {
		t.Fatalf("bad row: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits`); n != 0 {
		t.Fatalf("%d visits after a refused load", n)
	}
	if err := s.LoadVisits(e.Ctx, []care.SeedVisit{v(0, "2026-11-02 09:00:00"), v(0, "2026-11-12 09:00:00"), v(3, "2026-11-03 09:00:00")}); err != nil {
		t.Fatal(err)
	}
	if got := total(t, e, care.MeasureVisited, "2026-11", apptest.City); got != 2 {
		t.Fatalf("visited at city %d, want 2", got)
	}
	if got := total(t, e, care.MeasureVisited, "2026-11", apptest.County); got != 1 {
		t.Fatalf("visited at county %d, want 1", got)
	}
	if err := s.LoadVisits(as(t, e, auth.TownshipStaff, apptest.Township), nil); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("township load: %v", err)
	}
}

func TestPagesAndSummary(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.User(auth.GridWorker, apptest.Community)
	mine := addPeople(t, e, apptest.Community, 2, "2026-01-01")
	addPeople(t, e, apptest.SiblingCommunity, 1, "2026-01-01")
	now := time.Now()
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	_ = mine
	tasks, _, _ := s.List(e.Ctx, care.Filter{Division: apptest.Community}, 1, 10)
	gw := e.Session(auth.GridWorker, apptest.Community)
	if r := gw.Get("/visits"); r.StatusCode != 200 || !strings.Contains(r.Body, tasks[0].PersonName) || !strings.Contains(r.Body, `id="visit-summary"`) {
		t.Fatalf("grid worker's list: %d", r.StatusCode)
	}
	form := gw.Get("/visits/record")
	if form.StatusCode != 200 || !strings.Contains(form.Body, `id="visit-form"`) || !strings.Contains(form.Body, "/static/js/visit.js") {
		t.Fatalf("form: %d", form.StatusCode)
	}
	// Without script the form posts as usual; a bad one is named in place.
	bad := gw.PostForm("/visits/record", url.Values{"task_id": {fmt.Sprint(tasks[0].ID)}, "idempotency_key": {"plain-form-01"}, "method": {"home"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "精神状态") {
		t.Fatalf("bad form: %d", bad.StatusCode)
	}
	vals := url.Values{"task_id": {fmt.Sprint(tasks[0].ID)}, "idempotency_key": {"plain-form-02"}, "method": {"home"}, "notes": {"无脚本提交"}}
	for _, item := range care.ChecklistItems {
		vals.Set("check_"+item, "ok")
	}
	if r := gw.PostForm("/visits/record", vals); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("form post: %d %s", r.StatusCode, r.Body)
	}
	if r := gw.PostForm("/visits/record", vals); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("form resend: %d", r.StatusCode)
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits WHERE notes = '无脚本提交'`); n != 1 {
		t.Fatalf("%d visits from the plain form", n)
	}
	if r := gw.Get(fmt.Sprintf("/visits/tasks/%d", tasks[0].ID)); r.StatusCode != 200 || !strings.Contains(r.Body, "无脚本提交") || strings.Contains(r.Body, `id="reassign-form"`) {
		t.Fatalf("task page for the grid worker: %d", r.StatusCode)
	}
	sw := gw.Get("/visits/sw.js")
	if sw.StatusCode != 200 || !strings.Contains(sw.Header.Get("Content-Type"), "javascript") || !strings.Contains(sw.Body, "caches.open") {
		t.Fatalf("service worker: %d %s", sw.StatusCode, sw.Header.Get("Content-Type"))
	}
	if r := e.NewClient().Get("/visits/session"); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Body, `"signed_in":false`) {
		t.Fatalf("anonymous session probe: %d %s", r.StatusCode, r.Body)
	}
	// The township reassigns from the task page, and sees the summary by community.
	ts := e.Session(auth.TownshipStaff, apptest.Township)
	page := ts.Get(fmt.Sprintf("/visits/tasks/%d", tasks[1].ID))
	if page.StatusCode != 200 || !strings.Contains(page.Body, `id="reassign-form"`) {
		t.Fatalf("township task page: %d", page.StatusCode)
	}
	cw := userID(t, e, auth.CommunityWorker, apptest.Community)
	if r := ts.PostForm(fmt.Sprintf("/visits/tasks/%d/assignee", tasks[1].ID), url.Values{"assignee_id": {fmt.Sprint(cw)}, "version": {fmt.Sprint(tasks[1].Version)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("reassign: %d %s", r.StatusCode, r.Body)
	}
	sum, err := s.Summary(as(t, e, auth.TownshipStaff, apptest.Township), "", "")
	if err != nil || sum.By != "division" {
		t.Fatal(sum, err)
	}
	got := map[string]care.SummaryRow{}
	for _, r := range sum.Rows {
		got[r.Code] = r
	}
	if c := got[apptest.Community]; c.Tasks != 2 || c.Done != 1 || c.Open != 1 {
		t.Fatalf("community row %+v", c)
	}
	if c := got[apptest.SiblingCommunity]; c.Tasks != 1 || c.Done != 0 {
		t.Fatalf("sibling row %+v", c)
	}
	byWorker, err := s.Summary(as(t, e, auth.CommunityWorker, apptest.Community), "", "")
	if err != nil || byWorker.By != "assignee" || len(byWorker.Rows) != 2 {
		t.Fatalf("by assignee: %+v %v", byWorker, err)
	}
	// Rates for the county; nothing for a resident.
	if r := e.Session(auth.CountyStaff, apptest.County).Get("/visits/rate"); r.StatusCode != 200 || !strings.Contains(r.Body, `id="rate-table"`) {
		t.Fatalf("county rate page: %d", r.StatusCode)
	}
	if r := e.Session(auth.CountyStaff, apptest.County).Get("/visits"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("county task list: %d", r.StatusCode)
	}
	for _, path := range []string{"/visits", "/visits/record", "/visits/rate", fmt.Sprintf("/visits/tasks/%d", tasks[0].ID)} {
		if r := e.Session(auth.Resident, apptest.Community).Get(path); r.StatusCode != http.StatusForbidden {
			t.Errorf("resident %s: %d", path, r.StatusCode)
		}
	}
	// English pages are complete.
	gw.Lang = "en"
	if r := gw.Get("/visits/record"); !strings.Contains(r.Body, "Record a visit") || strings.Contains(r.Body, "care.") {
		t.Fatalf("English form lacks translations")
	}
}

// TestTwoNodesGenerateOnce: two nodes on one database run the monthly work
// at the same moment; every person still has one task and the measures
// count each once.
func TestTwoNodesGenerateOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	addPeople(t, e, apptest.Community, 4, "2026-01-01")
	addPeople(t, e, apptest.FarCommunity, 3, "2026-01-01")
	e2 := e.SecondNode()
	now := at("2026-11-03 08:00:00")
	s1, s2 := newCare(e, &now), e2.App.Care
	s2.Now = s1.Now
	errc := make(chan error, 2)
	for _, s := range []*care.Service{s1, s2} {
		go func() {
			_, err := s.RunMonthly(e.Ctx)
			errc <- err
		}()
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM care_tasks WHERE month = '2026-11'`); n != 7 {
		t.Fatalf("%d tasks, want 7", n)
	}
	if v := total(t, e, care.MeasureDue, "2026-11", apptest.City); v != 7 {
		t.Fatalf("due at city %d, want 7", v)
	}
}

// TestConcurrentResend: the same visit sent twice at once (two tabs, a
// retry racing the first answer) is stored once, and both answers name it.
func TestConcurrentResend(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.User(auth.GridWorker, apptest.Community)
	addPeople(t, e, apptest.Community, 1, "2026-01-01")
	now := time.Now()
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	gw := as(t, e, auth.GridWorker, apptest.Community)
	tasks, _, _ := s.List(gw, care.Filter{}, 1, 10)
	s2 := e.SecondNode().App.Care
	type res struct {
		r   *care.VisitRecorded
		err error
	}
	out := make(chan res, 2)
	for _, svc := range []*care.Service{s, s2} {
		go func() {
			r, err := svc.RecordVisit(gw, care.VisitInput{TaskID: tasks[0].ID, IdempotencyKey: "race-key-0001", Method: care.Home, Checklist: checklist()}, nil)
			out <- res{r, err}
		}()
	}
	a, b := <-out, <-out
	if a.err != nil || b.err != nil {
		t.Fatalf("errors: %v / %v", a.err, b.err)
	}
	if a.r.Visit.ID != b.r.Visit.ID || a.r.Created == b.r.Created {
		t.Fatalf("answers: %+v / %+v", a.r, b.r)
	}
	if n := count(t, e, `SELECT visits FROM care_tasks WHERE id = $1`, tasks[0].ID); n != 1 {
		t.Fatalf("task counts %d visits", n)
	}
	if v := total(t, e, care.MeasureVisited, s.CurrentMonth(), apptest.City); v != 1 {
		t.Fatalf("visited %d", v)
	}
}

// TestIdempotencyKeyHeader: an API client may send the key as the
// Idempotency-Key header instead of in the body.
func TestIdempotencyKeyHeader(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.User(auth.GridWorker, apptest.Community)
	addPeople(t, e, apptest.Community, 1, "2026-01-01")
	now := time.Now()
	s := newCare(e, &now)
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	tasks, _, _ := s.List(e.Ctx, care.Filter{}, 1, 10)
	tok := e.Token(auth.GridWorker, apptest.Community)
	send := func() (int, string) {
		body := fmt.Sprintf(`{"task_id":%d,"method":"video","checklist":{"health":"ok","home_safety":"ok","living":"ok","mood":"ok","needs":"ok"}}`, tasks[0].ID)
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/api/v1/visits", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Idempotency-Key", "header-key-0001")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if st, b := send(); st != http.StatusCreated || !strings.Contains(b, `"idempotency_key":"header-key-0001"`) {
		t.Fatalf("first: %d %s", st, b)
	}
	if st, b := send(); st != http.StatusOK || !strings.Contains(b, `"created":false`) {
		t.Fatalf("second: %d %s", st, b)
	}
	if n := count(t, e, `SELECT count(*) FROM care_visits`); n != 1 {
		t.Fatalf("%d visits", n)
	}
}
