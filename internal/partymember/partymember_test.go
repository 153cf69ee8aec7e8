package partymember_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/partymember"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/residentunit"
)

func as(id int64, role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: id, Name: string(role) + "-" + strconv.FormatInt(id, 10), Role: role,
		Area: auth.AreaOf(area, level)})
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// A verified resident registers with their community, choosing a post and
// their work unit from the registry; an unverified one may not; the
// community confirms it, never whoever entered it; the member's volunteer
// hours this year show on their page, the list and the figures by
// community and by work unit; the phone is sealed.
func TestRegisterConfirmAndCountHours(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.PartyMembers
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, calendar.China)
	s.Now = func() time.Time { return now }
	worker := as(9001, auth.CommunityWorker, apptest.Community, 5)
	other := as(9002, auth.CommunityWorker, apptest.Community, 5)
	township := as(9003, auth.TownshipStaff, apptest.Township, 4)
	sibling := as(9004, auth.CommunityWorker, apptest.SiblingCommunity, 5)

	post, err := s.AddPost(worker, partymember.PartyPostInput{DivisionCode: apptest.Community, Name: "环境整治岗", Details: "每月清理楼道"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddPost(worker, partymember.PartyPostInput{DivisionCode: apptest.Community, Name: "环境整治岗"}); errs.Code(err) != errs.EINVALID {
		t.Fatalf("a second post of the same name: %v", err)
	}
	sibPost, err := s.AddPost(township, partymember.PartyPostInput{DivisionCode: apptest.SiblingCommunity, Name: "文明劝导岗"})
	if err != nil {
		t.Fatal(err)
	}
	unit, err := e.App.ResidentUnits.Create(township, residentunit.ResidentUnitInput{DivisionCode: apptest.Community, Name: "市供电公司", Kind: "enterprise"})
	if err != nil {
		t.Fatal(err)
	}

	uid := e.VerifiedResident("dangyuan", "王党员", apptest.Community, true)
	me := auth.With(context.Background(), &auth.Principal{UserID: uid, Name: "dangyuan", Role: auth.Resident, Area: auth.AreaOf(apptest.Community, 5)})
	unverified := e.VerifiedResident("weirenzheng", "李未认证", apptest.Community, false)
	_, err = s.Register(auth.With(context.Background(), &auth.Principal{UserID: unverified, Name: "weirenzheng", Role: auth.Resident,
		Area: auth.AreaOf(apptest.Community, 5)}), partymember.PartyMemberInput{Name: "李未认证", Unit: "某公司", PostIDs: []int64{post.ID}})
	wantCode(t, "an unverified resident", err, errs.EFORBIDDEN)
	// A post of another community, no unit: nothing stored, the fields named.
	_, err = s.Register(me, partymember.PartyMemberInput{Name: "王党员", PostIDs: []int64{sibPost.ID}})
	if f := errs.As(err); f == nil || len(f.Fields) != 2 || f.Fields[0].Field != "work_unit" || f.Fields[1].Field != "post_ids" {
		t.Fatalf("bad registration: %v", err)
	}
	m, err := s.Register(me, partymember.PartyMemberInput{Name: "王党员", Phone: "13700001111", UnitID: unit.ID, PostIDs: []int64{post.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != partymember.Pending || m.Unit != "市供电公司" || m.DivisionCode != apptest.Community || len(m.Posts) != 1 {
		t.Fatalf("registered: %+v", m)
	}
	_, err = s.Register(me, partymember.PartyMemberInput{Name: "王党员", Unit: "x", PostIDs: []int64{post.ID}})
	wantCode(t, "registering twice", err, errs.ECONFLICT)

	// Entered by a worker: another confirms it.
	entered, err := s.Register(worker, partymember.PartyMemberInput{DivisionCode: apptest.Community, Name: "赵党员", Unit: "第三中学",
		PostIDs: []int64{post.ID}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Decide(worker, entered.ID, true, "")
	wantCode(t, "confirming one's own entry", err, errs.EFORBIDDEN)
	_, err = s.Decide(sibling, m.ID, true, "")
	wantCode(t, "a sibling confirms", err, errs.ENOTFOUND)
	_, err = s.Decide(other, m.ID, false, "")
	wantCode(t, "refusing without a reason", err, errs.EINVALID)
	for _, id := range []int64{m.ID, entered.ID} {
		if _, err := s.Decide(other, id, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err = s.Decide(worker, m.ID, true, "")
	wantCode(t, "deciding twice", err, errs.ECONFLICT)

	// Volunteer hours this year count as Party-member service.
	e.VolunteerService(uid, "dangyuan", apptest.Township, apptest.Community, now.AddDate(0, 0, -3), 2)
	mine, err := s.Mine(me)
	if err != nil || mine.Hours != 2 || mine.Status != partymember.Confirmed {
		t.Fatalf("own page: %+v %v", mine, err)
	}
	list, _, err := s.List(township, partymember.Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("township's list: %v %v", list, err)
	}
	if got, _, _ := s.List(sibling, partymember.Filter{}); len(got) != 0 {
		t.Fatalf("a sibling lists %v", got)
	}
	fs, err := s.Figures(township, "")
	if err != nil {
		t.Fatal(err)
	}
	if fs.Total.Members != 2 || fs.Total.Serving != 1 || fs.Total.Share != 0.5 || fs.Total.Hours != 2 || len(fs.Communities) != 1 ||
		len(fs.Units) != 2 || fs.Units[0].Members != 1 {
		t.Fatalf("figures: %+v", fs)
	}
	for _, u := range fs.Units {
		if u.Key == "市供电公司" && (u.Serving != 1 || u.Share != 1) {
			t.Fatalf("the unit's coverage: %+v", u)
		}
	}
	if e.App.DB.Dialect == db.SQLite {
		e.CheckSealed(nil, []string{"13700001111"}, "王党员")
	}

	// The pages: the resident's own, the list, the figures, the export.
	c := e.Session(auth.CommunityWorker, apptest.Community)
	for _, p := range []string{"/party/members", "/party/members/" + strconv.FormatInt(m.ID, 10), "/party/posts", "/party/figures", "/party/members/new"} {
		for _, lang := range []string{"zh-CN", "en"} {
			c.Lang = lang
			if r := c.Get(p); r.StatusCode != http.StatusOK || strings.Contains(r.Body, "partymember.") {
				t.Errorf("%s %s: %d (an untranslated key?)", lang, p, r.StatusCode)
			}
		}
	}
	c.Lang = "zh-CN"
	res := c.Get("/party/members/export.xlsx")
	x, err := excelize.OpenReader(strings.NewReader(res.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 3 || !strings.Contains(strings.Join(rows[1], "|")+strings.Join(rows[2], "|"), "市供电公司") {
		t.Errorf("export: %v", rows)
	}
	// A worker's form refuses bad input and keeps it.
	res = c.PostForm("/party/members", url.Values{"division_code": {apptest.Community}, "name": {"钱党员"}, "phone": {"123"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "钱党员") || !strings.Contains(res.Body, `aria-invalid="true"`) {
		t.Errorf("bad form: %d", res.StatusCode)
	}
}
