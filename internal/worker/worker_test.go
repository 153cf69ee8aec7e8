package worker_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/worker"
)

func ptr[T any](v T) *T { return &v }

// fixed is a clock at noon in China on a day.
func fixed(day string) func() time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" 12:00", calendar.China)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

func newService(e *apptest.Env, day string) *worker.Service {
	s := worker.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	s.Now = fixed(day)
	e.App.Indicators.Engine.Now = s.Now
	return s
}

// A valid worker in a community.
func valid(community string) worker.WorkerPatch {
	return worker.WorkerPatch{CommunityCode: ptr(community), Name: ptr("张建国"), Phone: ptr("13800138000"),
		IDNumber: ptr("110101199003074477"), Post: ptr(worker.PartySecretary), InPostFrom: ptr("2021-03-01")}
}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	out := map[string]string{}
	for _, f := range errs.As(err).Fields {
		out[f.Field] = f.Key
	}
	return out
}

func TestIDNumberCheckDigit(t *testing.T) {
	for s, want := range map[string]bool{
		"110101199003074477": true,
		"11010519491231002X": true,
		"110101199003074478": false, // wrong check character
		"110101199002304471": false, // 30 February
		"11010119900307447":  false,
		"1101011990030744XX": false,
	} {
		if got := worker.ValidIDNumber(s); got != want {
			t.Errorf("ValidIDNumber(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestServiceRules(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	cw := e.As(auth.CommunityWorker, apptest.Community)

	// Every bad field is named at once, and nothing is written.
	bad := worker.WorkerPatch{CommunityCode: ptr(apptest.SiblingCommunity), Name: ptr(""), Phone: ptr("12345"),
		IDNumber: ptr("110101199003074478"), Post: ptr("mayor"), InPostFrom: ptr("2026-02-30"), InPostTo: ptr("2020-01-01")}
	got := fields(t, func() error { _, err := s.Create(cw, bad); return err }())
	want := map[string]string{"community_code": "worker.community_not_found", "name": "error.required", "phone": "worker.phone_invalid",
		"id_number": "worker.id_number_invalid", "post": "error.one_of", "in_post_from": "worker.date_invalid"}
	for f, k := range want {
		if got[f] != k {
			t.Errorf("field %s: %q, want %q (all: %v)", f, got[f], k, got)
		}
	}
	p := valid(apptest.Community)
	p.InPostTo = ptr("2020-01-01")
	if got := fields(t, func() error { _, err := s.Create(cw, p); return err }()); got["in_post_to"] != "worker.to_before_from" {
		t.Errorf("to before from: %v", got)
	}

	// Roles: a grid worker reads, a resident and an admin do not.
	w, err := s.Create(cw, valid(apptest.Community))
	if err != nil {
		t.Fatal(err)
	}
	if w.Phone != "138****8000" || w.IDNumber != "****************77" || !w.InPost {
		t.Errorf("created: %+v", w)
	}
	grid := e.As(auth.GridWorker, apptest.Community)
	if _, err := s.Get(grid, w.ID); err != nil {
		t.Errorf("grid worker read: %v", err)
	}
	if _, err := s.Create(grid, valid(apptest.Community)); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("grid worker create: %v", err)
	}
	for _, r := range []auth.Role{auth.Resident, auth.Admin, auth.Auditor} {
		if _, err := s.Get(e.As(r, apptest.City), w.ID); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("%s read: %v", r, err)
		}
	}
	// Area: the sibling community's worker sees nothing, and the refusal is audited.
	sib := e.As(auth.CommunityWorker, apptest.SiblingCommunity)
	if _, err := s.Get(sib, w.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling read: %v", err)
	}
	if _, err := s.Update(sib, w.ID, worker.WorkerPatch{Name: ptr("x")}); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling update: %v", err)
	}
	var denied int
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'worker.read' AND result = 'denied' AND object_id = $1`, strconv.FormatInt(w.ID, 10)).Scan(&denied)
	if denied != 1 {
		t.Errorf("denied reads audited: %d", denied)
	}
	// The township sees it; moving it to a community outside the area is refused.
	tw := e.As(auth.TownshipStaff, apptest.Township)
	if _, err := s.Update(tw, w.ID, worker.WorkerPatch{CommunityCode: ptr(apptest.CousinCommunity)}); fields(t, err)["community_code"] != "worker.community_not_found" {
		t.Errorf("move outside: %v", err)
	}
	// Stale version.
	if _, err := s.Update(tw, w.ID, worker.WorkerPatch{Name: ptr("李明"), Version: ptr(w.Version + 1)}); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	// An update is audited with before and after, personal data masked.
	if _, err := s.Update(tw, w.ID, worker.WorkerPatch{Phone: ptr("13900139000"), Version: ptr(w.Version)}); err != nil {
		t.Fatal(err)
	}
	var detail string
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT detail FROM audit_log WHERE action = 'worker.update' ORDER BY id DESC LIMIT 1`).Scan(&detail)
	if !strings.Contains(detail, `"before":{"phone":"138****8000"}`) || !strings.Contains(detail, `"after":{"phone":"139****9000"}`) || strings.Contains(detail, "13900139000") {
		t.Errorf("audit detail: %s", detail)
	}
	// Close: not in post after its last day; audited as a close.
	w2, err := s.Close(cw, w.ID, "2026-06-14", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w2.InPost || w2.InPostTo != "2026-06-14" {
		t.Errorf("closed: %+v", w2)
	}
	// Trainings: a future date is refused; add and remove are audited.
	if _, err := s.AddTraining(cw, w.ID, worker.TrainingInput{Course: "x", Hours: 8, Date: "2026-07-01", Level: "city"}); fields(t, err)["date"] != "worker.date_future" {
		t.Errorf("future training: %v", err)
	}
	if _, err := s.AddTraining(cw, w.ID, worker.TrainingInput{Course: "", Hours: 0, Date: "2026-05-01", Level: "county"}); len(fields(t, err)) != 3 {
		t.Errorf("bad training: %v", err)
	}
	tr, err := s.AddTraining(cw, w.ID, worker.TrainingInput{Course: "社区治理轮训", Hours: 16, Date: "2026-05-01", Level: "city"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveTraining(sib, w.ID, tr.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling removes training: %v", err)
	}
	if err := s.RemoveTraining(cw, w.ID, tr.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action IN ('worker.create', 'worker.close', 'worker.training.add', 'worker.training.remove') AND result = 'ok' AND object_id = $1`, strconv.FormatInt(w.ID, 10)).Scan(&n)
	if n != 4 {
		t.Errorf("audited create/close/training: %d, want 4", n)
	}

	// Search: by name inside the area, by exact phone and ID number.
	items, _, err := s.List(tw, worker.Filter{IDNumber: "110101199003074477", Reason: "核对"})
	if err != nil || len(items) != 1 {
		t.Errorf("by ID number: %v %v", items, err)
	}
	items, _, _ = s.List(tw, worker.Filter{Phone: "139 0013 9000", Reason: "核对"})
	if len(items) != 1 {
		t.Errorf("by phone: %v", items)
	}
	items, _, _ = s.List(sib, worker.Filter{Q: "张"})
	if len(items) != 0 {
		t.Errorf("sibling lists: %v", items)
	}
	if _, _, err := s.List(tw, worker.Filter{Status: "gone"}); fields(t, err)["status"] != "error.one_of" {
		t.Errorf("bad status filter: %v", err)
	}
}

// TestMeasuresExact makes random creates, edits, closes and trainings, and
// after each round compares the engine's figures at several divisions with
// a count made here from the workers table.
func TestMeasuresExact(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	day := "2026-06-15"
	s := newService(e, day)
	city := e.As(auth.CityStaff, apptest.City)
	comms := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.RuralCommunity, apptest.FarCommunity, "131103102201"}
	r := rand.New(rand.NewPCG(7, 11))
	randDate := func(y0, y1 int) string {
		return fmt.Sprintf("%04d-%02d-%02d", y0+r.IntN(y1-y0+1), 1+r.IntN(12), 1+r.IntN(28))
	}
	var ids []int64
	nonzero := 0
	check := func(round int) {
		t.Helper()
		want := independent(t, e, s.Today())
		for _, code := range []string{apptest.City, apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship, apptest.Community, apptest.RuralCommunity} {
			rep, err := e.App.Indicators.ForDivision(city, code)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range rep.Figures {
				var num, den int64
				switch f.Indicator {
				case "workers_per_10k_urban":
					num, den = want.inPostUrban(code), -1
				case "disaster_officer_coverage":
					num, den = want.officers(code), -1
				case "leader_training_rate":
					num, den = want.trainedAt(code), want.leadersAt(code)
				default:
					continue
				}
				if f.Status == "awaiting" {
					t.Fatalf("%s awaits %s", f.Indicator, f.Awaiting)
				}
				if num > 0 {
					nonzero++
				}
				if int64(f.Numerator) != num || (den >= 0 && int64(f.Denominator) != den) {
					t.Errorf("round %d, %s at %s: %v/%v, want %d/%d", round, f.Indicator, code, f.Numerator, f.Denominator, num, den)
				}
			}
		}
	}
	for round := 0; round < 6; round++ {
		for i := 0; i < 8; i++ {
			switch op := r.IntN(5); {
			case op <= 1 || len(ids) == 0:
				p := valid(comms[r.IntN(len(comms))])
				p.Post = ptr(worker.Posts[r.IntN(3)])
				p.InPostFrom = ptr(randDate(2018, 2026))
				if r.IntN(3) == 0 {
					p.InPostTo = ptr(randDate(2026, 2027))
					if *p.InPostTo < *p.InPostFrom {
						p.InPostTo = p.InPostFrom
					}
				}
				p.DisasterOfficer = ptr(r.IntN(2) == 0)
				w, err := s.Create(city, p)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, w.ID)
			case op == 2:
				id := ids[r.IntN(len(ids))]
				p := worker.WorkerPatch{CommunityCode: ptr(comms[r.IntN(len(comms))]), Post: ptr(worker.Posts[r.IntN(3)]), DisasterOfficer: ptr(r.IntN(2) == 0)}
				if _, err := s.Update(city, id, p); err != nil {
					t.Fatal(err)
				}
			case op == 3:
				id := ids[r.IntN(len(ids))]
				w, _ := s.Get(city, id)
				to := randDate(2025, 2026)
				if to > day {
					to = day
				}
				if to < w.InPostFrom {
					to = w.InPostFrom
				}
				if _, err := s.Close(city, id, to, nil); err != nil {
					t.Fatal(err)
				}
			case op == 4:
				id := ids[r.IntN(len(ids))]
				if _, err := s.AddTraining(city, id, worker.TrainingInput{Course: "轮训", Hours: 8, Date: randDate(2025, 2026)[:5] + "0" + strconv.Itoa(1+r.IntN(5)) + "-10", Level: "city"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		check(round)
	}
	// The date boundary: a week later some times in post have ended and
	// some begun; the job's reconcile moves the figures, exactly.
	day = "2026-12-31"
	s.Now = fixed(day)
	e.App.Indicators.Engine.Now = s.Now
	if err := s.Reconcile(e.Ctx, false); err != nil {
		t.Fatal(err)
	}
	check(100)
	// A new year: the year's leaders counted afresh.
	day = "2027-01-02"
	s.Now = fixed(day)
	e.App.Indicators.Engine.Now = s.Now
	if err := s.Reconcile(e.Ctx, false); err != nil {
		t.Fatal(err)
	}
	check(101)
	if nonzero < 50 {
		t.Errorf("only %d non-zero figures compared", nonzero)
	}
}

// counts are the measures counted from the tables, per community.
type counts struct {
	urban, officer, leaders, trained map[string]int64
}

func (c *counts) inPostUrban(code string) int64 { return apptest.SumUnder(c.urban, code) }
func (c *counts) officers(code string) int64    { return apptest.SumUnder(c.officer, code) }
func (c *counts) leadersAt(code string) int64   { return apptest.SumUnder(c.leaders, code) }
func (c *counts) trainedAt(code string) int64   { return apptest.SumUnder(c.trained, code) }

// independent reads every worker and training and counts in Go.
func independent(t *testing.T, e *apptest.Env, today string) *counts {
	t.Helper()
	ctx := e.Ctx
	year := today[:4]
	c := &counts{urban: map[string]int64{}, officer: map[string]int64{}, leaders: map[string]int64{}, trained: map[string]int64{}}
	trainedIn := map[int64]bool{}
	rows, err := e.App.DB.Q(ctx).QueryContext(ctx, `SELECT worker_id, date FROM worker_trainings`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var d string
		_ = rows.Scan(&id, &d)
		if d[:4] == year {
			trainedIn[id] = true
		}
	}
	rows.Close()
	rows, err = e.App.DB.Q(ctx).QueryContext(ctx, `SELECT w.id, w.community_code, d.kind, w.post, w.in_post_from, w.in_post_to, w.disaster_officer
		FROM workers w JOIN divisions d ON d.code = w.community_code`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	officer := map[string]bool{}
	for rows.Next() {
		var id int64
		var code, kind, post, from string
		var to *string
		var dis bool
		if err := rows.Scan(&id, &code, &kind, &post, &from, &to, &dis); err != nil {
			t.Fatal(err)
		}
		end := ""
		if to != nil {
			end = *to
		}
		inPost := from <= today && (end == "" || end >= today)
		if inPost && kind == "urban" {
			c.urban[code]++
		}
		if inPost && dis {
			officer[code] = true
		}
		if (post == worker.PartySecretary || post == worker.CommitteeDirector) && from <= year+"-12-31" && (end == "" || end >= year+"-01-01") {
			c.leaders[code]++
			if trainedIn[id] {
				c.trained[code]++
			}
		}
	}
	for code := range officer {
		c.officer[code] = 1
	}
	return c
}

// sheet builds a workbook of rows under a header.
func sheet(t *testing.T, header []string, rows [][]string) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	all := append([][]string{header}, rows...)
	for i, r := range all {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := x.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}

func count(t *testing.T, e *apptest.Env, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	header := []string{"所在村(社区)代码", "姓名", "联系电话", "身份证号码", "岗位", "任职开始日期", "离岗日期", "持证社工", "灾害信息员"}
	good := [][]string{
		{apptest.Community, "王芳", "13800000001", "", "党组织书记", "2022-01-01", "", "否", "是"},
		{apptest.SiblingCommunity, "李强", "0318-2123456", "11010519491231002X", "committee_director", "2023/5/1", "", "是", "否"},
	}
	badRows := [][]string{
		{apptest.Community, "王芳", "13800000001", "", "党组织书记", "2022-01-01", "", "否", "是"},
		{apptest.CousinCommunity, "", "1380000", "110101199003074478", "村长", "2022-13-01", "", "也许", "是"},
		{apptest.Community, "赵六", "13800000003", "", "网格员", "2024-01-01", "2023-01-01", "", ""},
	}
	_, err := s.Import(ctx, sheet(t, header, badRows))
	got := map[string]string{}
	for _, f := range errs.As(err).Fields {
		got[fmt.Sprintf("%d:%s", f.Row, f.Field)] = f.Key
	}
	want := map[string]string{
		"3:community_code": "worker.community_not_found", "3:name": "error.required", "3:phone": "worker.phone_invalid",
		"3:id_number": "worker.id_number_invalid", "3:post": "xlsx.not_one_of", "3:in_post_from": "worker.date_invalid",
		"3:certified_social_worker": "error.not_bool", "4:in_post_to": "worker.to_before_from",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	// The message names the row and the field in the user's language.
	msg := i18n.FieldMessage(i18n.ZH, errs.As(err).Fields[0])
	if msg != "第 3 行，所在村(社区)代码：“131102002018”不是您辖区内的村(社区)" {
		t.Errorf("message %q", msg)
	}
	if n := count(t, e, `SELECT count(*) FROM workers`); n != 0 {
		t.Fatalf("a bad file imported %d workers", n)
	}
	n, err := s.Import(ctx, sheet(t, header, good))
	if err != nil || n != (worker.ImportResult{Created: 2}) {
		t.Fatalf("import: %+v %v", n, err)
	}
	if a := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'worker.create' AND detail LIKE '%import_row%'`); a != 2 {
		t.Errorf("imported workers audited: %d", a)
	}
	items, _, _ := s.List(ctx, worker.Filter{IDNumber: "11010519491231002x", Reason: "核对"})
	if len(items) != 1 || items[0].InPostFrom != "2023-05-01" || items[0].Post != worker.CommitteeDirector || !items[0].CertifiedSocialWorker {
		t.Errorf("imported: %+v", items)
	}
	rep, err := e.App.Indicators.ForDivision(ctx, apptest.Township)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Figures {
		if f.Indicator == "workers_per_10k_urban" && f.Numerator != 2 {
			t.Errorf("imported workers in post: %v", f.Numerator)
		}
	}
}

// TestImportAgainUpdates: importing the same workbook again changes
// nothing; a changed row updates the worker with that ID number in its
// community (audited as an update with its row) and leaves the columns the
// sheet lacks; an ID number twice in one file is named; a worker without
// an ID number cannot be matched and is added again.
func TestImportAgainUpdates(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	ctx := e.As(auth.TownshipStaff, apptest.Township)
	header := []string{"所在村(社区)代码", "姓名", "联系电话", "身份证号码", "岗位", "任职开始日期", "离岗日期", "持证社工", "灾害信息员"}
	rows := [][]string{
		{apptest.Community, "王芳", "13800000001", "110101199003074477", "党组织书记", "2022-01-01", "", "否", "是"},
		{apptest.SiblingCommunity, "李强", "0318-2123456", "11010519491231002X", "committee_director", "2023/5/1", "", "是", "否"},
		{apptest.Community, "赵六", "13800000003", "", "网格员", "2024-01-01", "", "", ""},
	}
	if n, err := s.Import(ctx, sheet(t, header, rows)); err != nil || n != (worker.ImportResult{Created: 3}) {
		t.Fatalf("first import: %+v %v", n, err)
	}
	if n, err := s.Import(ctx, sheet(t, header, rows)); err != nil || n != (worker.ImportResult{Created: 1, Unchanged: 2}) {
		t.Fatalf("the same file again: %+v %v", n, err)
	}
	// A new phone for 王芳 and an end of post for 李强; a sheet without the
	// 持证社工 column leaves that flag as it is.
	short := []string{"所在村(社区)代码", "姓名", "联系电话", "身份证号码", "岗位", "任职开始日期", "离岗日期"}
	changed := [][]string{
		{apptest.Community, "王芳", "13800000009", "110101199003074477", "党组织书记", "2022-01-01", ""},
		{apptest.SiblingCommunity, "李强", "0318-2123456", "11010519491231002x", "committee_director", "2023-05-01", "2026-06-01"},
	}
	if n, err := s.Import(ctx, sheet(t, short, changed)); err != nil || n != (worker.ImportResult{Updated: 2}) {
		t.Fatalf("changed rows: %+v %v", n, err)
	}
	items, _, _ := s.List(ctx, worker.Filter{IDNumber: "11010519491231002X", Reason: "核对"})
	if len(items) != 1 || items[0].InPostTo != "2026-06-01" || !items[0].CertifiedSocialWorker {
		t.Errorf("李强 after the update: %+v", items)
	}
	items, _, _ = s.List(ctx, worker.Filter{IDNumber: "110101199003074477", Reason: "核对"})
	if len(items) != 1 || items[0].Phone != "138****0009" {
		t.Errorf("王芳 after the update: %+v", items)
	}
	if a := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'worker.update' AND detail LIKE '%import_row%'`); a != 2 {
		t.Errorf("updates audited with their rows: %d", a)
	}
	if n := count(t, e, `SELECT count(*) FROM workers`); n != 4 {
		t.Errorf("%d workers, want 4 (赵六 twice: no ID number to match)", n)
	}
	twice := [][]string{rows[0], {apptest.Community, "王芳", "13800000001", "110101199003074477", "党组织书记", "2022-01-01", "", "否", "是"}}
	_, err := s.Import(ctx, sheet(t, header, twice))
	if fs := errs.As(err).Fields; len(fs) != 1 || fs[0].Row != 3 || fs[0].Key != "worker.duplicate_in_file" {
		t.Errorf("an ID number twice in the file: %v", err)
	}
}

var plainPhone = regexp.MustCompile(`1[3-9][0-9]{9}`)

func TestExportMaskedAndPIIEncryptedAtRest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-06-15")
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	p := valid(apptest.Community)
	p.Phone = ptr("13912345678")
	p.IDNumber = ptr("11010519491231002X")
	if _, err := s.Create(ctx, p); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Export(i18n.With(ctx, i18n.EN), worker.Filter{}, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Community workers")
	if err != nil || len(rows) != 2 {
		t.Fatalf("export rows %v %v", rows, err)
	}
	line := strings.Join(rows[1], "|")
	if !strings.Contains(line, "139****5678") || !strings.Contains(line, "****************2X") || strings.Contains(line, "13912345678") || !strings.Contains(line, "Party secretary") ||
		!strings.Contains(line, "张*国") || strings.Contains(line, "张建国") {
		t.Errorf("export row: %s", line)
	}
	if count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'worker.export'`) != 1 {
		t.Error("export not audited")
	}
	if e.App.DB.Dialect != db.SQLite {
		// On PostgreSQL, the stored columns are checked instead of a file.
		var ph, id string
		_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT phone_sealed, id_number_sealed FROM workers`).Scan(&ph, &id)
		if strings.Contains(ph, "13912345678") || strings.Contains(id, "11010519491231002X") || !strings.HasPrefix(ph, "v1:") {
			t.Errorf("stored in plaintext: %s %s", ph, id)
		}
		return
	}
	// Nothing on disk holds the plaintext: the database file and its WAL.
	files, _ := filepath.Glob(e.App.DB.Path + "*")
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"13912345678", "11010519491231002X"} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %s in plaintext", f, s)
			}
		}
	}
}

func TestPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Session(auth.CommunityWorker, apptest.Community)
	res := c.PostForm("/workers", url.Values{"community_code": {apptest.Community}, "name": {"孙丽"}, "phone": {"abc"}, "post": {"grid_worker"}, "in_post_from": {"2024-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "联系电话：应为 11 位手机号") {
		t.Fatalf("invalid form: %d %s", res.StatusCode, res.Body)
	}
	res = c.PostForm("/workers", url.Values{"community_code": {apptest.Community}, "name": {"孙丽"}, "phone": {"13700001111"}, "post": {"grid_worker"}, "in_post_from": {"2024-01-01"}, "disaster_officer": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", res.StatusCode, res.Body)
	}
	loc := res.Header.Get("Location")
	res = c.Get(loc)
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "137****1111") || strings.Contains(res.Body, "13700001111") {
		t.Fatalf("view: %d %s", res.StatusCode, res.Body)
	}
	res = c.PostForm(loc+"/trainings", url.Values{"course": {"应急管理"}, "hours": {"12"}, "date": {"2025-03-02"}, "level": {"provincial"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("training: %d %s", res.StatusCode, res.Body)
	}
	res = c.Get(loc)
	if !strings.Contains(res.Body, "应急管理") || !strings.Contains(res.Body, "省级") {
		t.Errorf("training not shown: %s", res.Body)
	}
	res = c.Get("/workers?q=%E5%AD%99")
	// Names are personal data too: the list shows them masked.
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "孙*") || strings.Contains(res.Body, ">孙丽<") || !strings.Contains(res.Body, "137****1111") {
		t.Errorf("list: %d %s", res.StatusCode, res.Body)
	}
	// The edit form shows the phone masked; saving it unchanged keeps it.
	res = c.Get(loc + "/edit")
	if !strings.Contains(res.Body, `value="137****1111"`) {
		t.Errorf("edit form: %s", res.Body)
	}
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(res.Body)
	res = c.PostForm(loc, url.Values{"community_code": {apptest.Community}, "name": {"孙丽华"}, "phone": {"137****1111"}, "post": {"grid_worker"}, "in_post_from": {"2024-01-01"}, "version": {m[1]}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", res.StatusCode, res.Body)
	}
	items, _, _ := newService(e, time.Now().Format("2006-01-02")).List(e.As(auth.CommunityWorker, apptest.Community), worker.Filter{Phone: "13700001111", Reason: "核对"})
	if len(items) != 1 || items[0].Name != "孙丽华" {
		t.Errorf("after save: %+v", items)
	}
	res = c.Get("/workers/export.xlsx")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/vnd.openxmlformats") {
		t.Errorf("export: %d %s", res.StatusCode, res.Header)
	}
	res = c.Get("/workers/template.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Errorf("template: %d", res.StatusCode)
	}
	// A grid worker reads but has no edit links; a resident is refused.
	g := e.Session(auth.GridWorker, apptest.Community)
	if res := g.Get("/workers"); res.StatusCode != http.StatusOK || strings.Contains(res.Body, `id="new-worker"`) {
		t.Errorf("grid worker list: %d", res.StatusCode)
	}
	if res := e.Session(auth.Resident, apptest.Community).Get("/workers"); res.StatusCode != http.StatusForbidden {
		t.Errorf("resident list: %d", res.StatusCode)
	}
	if res := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get(loc); res.StatusCode != http.StatusNotFound {
		t.Errorf("sibling view: %d", res.StatusCode)
	}
}
