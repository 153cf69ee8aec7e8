package community_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/community"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

func as(role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: 1, Name: string(role) + "-" + area, Role: role, Area: auth.AreaOf(area, level)})
}

func str(s string) *string { return &s }

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A notice is shown only from its start to its end date, a withdrawn one
// not at all; every change is audited; a bad one changes nothing.
func TestNoticesShownWithinTheirDates(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Communities
	s.Now = func() time.Time { return time.Date(2026, 5, 10, 4, 0, 0, 0, time.UTC) } // 12:00 in China
	worker := as(auth.CommunityWorker, apptest.Community, 5)
	mk := func(title, start, end string) *community.Notice {
		t.Helper()
		n, err := s.CreateNotice(worker, community.NoticePatch{DivisionCode: str(apptest.Community), Kind: str("announcement"),
			Title: str(title), Body: str("正文"), StartsOn: str(start), EndsOn: str(end)})
		if err != nil {
			t.Fatalf("%s: %v", title, err)
		}
		return n
	}
	now := mk("今天", "2026-05-10", "2026-05-10")
	mk("明天起", "2026-05-11", "2026-05-20")
	mk("昨天止", "2026-05-01", "2026-05-09")
	running := mk("进行中", "2026-05-01", "2026-05-31")
	if !now.CurrentlyShown {
		t.Errorf("today's notice not shown: %+v", now)
	}
	shown, err := s.NoticesFor(context.Background(), apptest.Community, 10)
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, n := range shown {
		titles = append(titles, n.Title)
	}
	if strings.Join(titles, ",") != "今天,进行中" {
		t.Errorf("shown on 2026-05-10: %v", titles)
	}
	if _, err := s.WithdrawNotice(worker, running.ID, &running.Version); err != nil {
		t.Fatal(err)
	}
	shown, _ = s.NoticesFor(context.Background(), apptest.Community, 10)
	if len(shown) != 1 || shown[0].Title != "今天" {
		t.Errorf("after withdrawing: %+v", shown)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = $1 AND object_id = $2`, "community.notice.withdraw", fmt.Sprint(running.ID)); n != 1 {
		t.Errorf("withdraw audited %d times", n)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = $1`, "community.notice.create"); n != 4 {
		t.Errorf("creates audited %d times", n)
	}
	// A stale version is refused.
	v := 1
	if _, err := s.UpdateNotice(worker, now.ID, community.NoticePatch{Title: str("改"), Version: &v}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateNotice(worker, now.ID, community.NoticePatch{Title: str("再改"), Version: &v}); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	// Bad input: every field named, nothing written.
	before := count(t, e, `SELECT count(*) FROM community_notices`)
	_, err = s.CreateNotice(worker, community.NoticePatch{DivisionCode: str(apptest.SiblingCommunity), Kind: str("x"), Title: str(strings.Repeat("长", 101)),
		Body: str(""), StartsOn: str("2026-05-10"), EndsOn: str("2027-06-01")})
	fields := map[string]bool{}
	for _, f := range errs.As(err).Fields {
		fields[f.Field] = true
	}
	for _, f := range []string{"division_code", "kind", "title", "body", "ends_on"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if after := count(t, e, `SELECT count(*) FROM community_notices`); after != before {
		t.Errorf("a refused notice was written: %d → %d", before, after)
	}
	// Outside the area: not found, and the refusal audited.
	sibling := as(auth.CommunityWorker, apptest.SiblingCommunity, 5)
	if _, err := s.UpdateNotice(sibling, now.ID, community.NoticePatch{Title: str("越权")}); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("sibling's change: %v", err)
	}
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action = $1 AND result = $2`, "community.notice.update", "denied"); n != 1 {
		t.Errorf("refusal audited %d times", n)
	}
	// Residents and grid workers do not publish.
	for _, role := range []auth.Role{auth.Resident, auth.GridWorker} {
		if _, err := s.CreateNotice(as(role, apptest.Community, 5), community.NoticePatch{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("%s publishes: %v", role, err)
		}
	}
}

// The public list pages by 20, newest first.
func TestCurrentNoticesPage(t *testing.T) {
	e := apptest.New(t)
	s := e.App.Communities
	worker := as(auth.CommunityWorker, apptest.Community, 5)
	today := s.Today()
	for i := range 25 {
		if _, err := s.CreateNotice(worker, community.NoticePatch{DivisionCode: str(apptest.Community), Kind: str("public_notice"),
			Title: str(fmt.Sprintf("公示%02d", i)), Body: str("内容"), EndsOn: str(today)}); err != nil {
			t.Fatal(err)
		}
	}
	p1, more, err := s.CurrentNotices(context.Background(), apptest.Community, 1, 0)
	if err != nil || len(p1) != 20 || !more || p1[0].Title != "公示24" {
		t.Fatalf("page 1: %d %v %v", len(p1), more, err)
	}
	p2, more, err := s.CurrentNotices(context.Background(), apptest.Community, 2, 0)
	if err != nil || len(p2) != 5 || more || p2[4].Title != "公示00" {
		t.Fatalf("page 2: %d %v %v", len(p2), more, err)
	}
	if _, _, err := s.CurrentNotices(context.Background(), apptest.Township, 1, 0); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("a township's notices: %v", err)
	}
}

// The page shows the hall (the comprehensive facility, its hours and the
// hall's phone), the other facilities, the workers in post by name and
// post only, and the catalogue with what the township and county keep.
func TestCommunityPage(t *testing.T) {
	e := apptest.New(t)
	city := e.Token(auth.CityStaff, apptest.City)
	for _, body := range []map[string]any{
		{"division_code": apptest.Community, "kind": "culture", "name": "文化活动室", "status": "in_use", "hours": []string{"09:00-17:00", "", "", "", "", "", ""}},
		{"division_code": apptest.Community, "kind": "comprehensive", "name": "游园社区党群服务中心", "address": "河西街道游园路 8 号", "status": "in_use",
			"hours": []string{"08:30-12:00,14:00-18:00", "08:30-12:00,14:00-18:00", "08:30-12:00,14:00-18:00", "08:30-12:00,14:00-18:00", "08:30-12:00,14:00-18:00", "09:00-12:00", ""}},
	} {
		if res := e.API("POST", "/api/v1/facilities", city, body); res.StatusCode != http.StatusCreated {
			t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
		}
	}
	for i, post := range []string{"party_secretary", "grid_worker"} {
		res := e.API("POST", "/api/v1/workers", city, map[string]any{"community_code": apptest.Community, "name": []string{"李书记", "张网格"}[i],
			"phone": fmt.Sprintf("1390000000%d", i), "post": post, "in_post_from": "2022-01-01"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("worker: %d %s", res.StatusCode, res.Body)
		}
	}
	s := e.App.Communities
	worker := as(auth.CommunityWorker, apptest.Community, 5)
	if err := s.SaveHallPhone(worker, apptest.Community, "0318-2123456", 0); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveHallPhone(worker, apptest.Community, "0318-2123457", 0); errs.Code(err) != errs.ECONFLICT {
		t.Errorf("stale hall version: %v", err)
	}
	county := as(auth.CountyStaff, apptest.County, 3)
	for code, name := range map[string]string{apptest.County: "办理居住证明", apptest.Township: "老年人优待证", apptest.Community: "开具证明",
		apptest.SiblingTownship: "别处的事项"} {
		if _, err := s.CreateItem(county, community.ItemPatch{DivisionCode: str(code), Name: str(name), Materials: str("身份证"), ServiceHours: str("工作日")}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateItem(county, community.ItemPatch{DivisionCode: str(apptest.City), Name: str("市级")}); errs.Code(err) != errs.EINVALID {
		t.Errorf("an item at the city, outside the county's area: %v", err)
	}
	p, err := s.Page(context.Background(), apptest.Community)
	if err != nil {
		t.Fatal(err)
	}
	if p.Hall == nil || p.Hall.Name != "游园社区党群服务中心" || p.Hall.Phone != "0318-2123456" || p.Hall.Hours[5] != "09:00-12:00" || p.Hall.Address == "" {
		t.Errorf("hall: %+v", p.Hall)
	}
	if len(p.Facilities) != 2 || p.Facilities[0].Name != "游园社区党群服务中心" {
		t.Errorf("facilities: %+v", p.Facilities)
	}
	if len(p.Workers) != 1 || p.Workers[0].Name != "李书记" || len(p.GridWorkers) != 1 || p.GridWorkers[0].Name != "张网格" {
		t.Errorf("workers: %+v %+v", p.Workers, p.GridWorkers)
	}
	var names []string
	for _, it := range p.Catalogue {
		names = append(names, it.Name)
	}
	if strings.Join(names, ",") != "开具证明,老年人优待证,办理居住证明" {
		t.Errorf("catalogue: %v", names)
	}
	// Export: the same rows, in a workbook.
	var buf bytes.Buffer
	if err := s.ExportCatalogue(context.Background(), apptest.Community, &buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil || len(rows) != 4 || rows[1][0] != "开具证明" || rows[3][5] != "桃城区" {
		t.Errorf("export: %v %v", rows, err)
	}
	// A withdrawn item leaves the catalogue.
	items, err := s.Items(county, apptest.County)
	if err != nil || len(items) != 1 {
		t.Fatalf("county items: %v %v", items, err)
	}
	if _, err := s.UpdateItem(county, items[0].ID, community.ItemPatch{Status: str("withdrawn")}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Catalogue(context.Background(), apptest.Community); len(c) != 2 {
		t.Errorf("after withdrawing: %+v", c)
	}
	if _, err := s.Page(context.Background(), apptest.County); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("page of a county: %v", err)
	}
}
