package volunteer_test

import (
	"context"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/errs"
	"shequ/internal/volunteer"
)

// as acts as role in area; residents act as a real account of theirs.
func as(e *apptest.Env, role auth.Role, area string) context.Context {
	lvl, err := e.App.Divisions.Store.Level(e.Ctx, area)
	if err != nil {
		e.T.Fatal(err)
	}
	u, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		e.T.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: u.ID, Name: u.Name, Role: role, Area: auth.AreaOf(area, lvl)})
}

// resident is a second resident account in a community.
func resident(e *apptest.Env, name, area string) context.Context {
	id, err := e.App.Users.Create(e.Ctx, auth.UserInput{Name: name, DisplayName: name, Role: auth.Resident, AreaCode: area, Password: apptest.Password})
	if err != nil {
		e.T.Fatal(err)
	}
	return auth.With(context.Background(), &auth.Principal{UserID: id, Name: name, Role: auth.Resident, Area: auth.AreaOf(area, 5)})
}

func ptr[T any](v T) *T { return &v }

// clock is a settable clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, calendar.China)
	if err != nil {
		panic(err)
	}
	return t
}

func newService(e *apptest.Env, c *clock) *volunteer.Service {
	s := volunteer.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	s.Now = c.Now
	s.Notify = e.App.Volunteers.Notify // the application's inboxes
	return s
}

// ids are valid GB 11643 numbers for test volunteers.
var ids = []string{"110101199003074477", "11010519491231002X", "110101198001010053", "110101198001010037", "110101198001010010"}

func reg(name, id, phone string) volunteer.Registration {
	return volunteer.Registration{Name: ptr(name), IDNumber: ptr(id), Phone: ptr(phone), Skills: []string{"急救", "陪伴，理发"}}
}

func fieldKeys(t *testing.T, err error) map[string]string {
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

func TestRegisterMaskedAndScoped(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := &clock{at("2026-11-20 10:00:00")}
	s := newService(e, c)
	me := as(e, auth.Resident, apptest.Community)
	v, err := s.Register(me, reg("王秀兰", ids[0], "13800138000"))
	if err != nil {
		t.Fatal(err)
	}
	if v.IDNumber != "****************77" || v.Phone != "138****8000" || v.CommunityCode != apptest.Community || !v.Own {
		t.Fatalf("registered %+v", v)
	}
	if len(v.Skills) != 3 {
		t.Fatalf("skills %v", v.Skills)
	}
	if _, err := s.Register(me, reg("王秀兰", ids[1], "13800138001")); errs.Code(err) != errs.ECONFLICT {
		t.Fatalf("second registration of one account: %v", err)
	}
	// The same ID number again, by staff: refused on the field.
	staffCtx := as(e, auth.CommunityWorker, apptest.Community)
	if _, err := s.Register(staffCtx, volunteer.Registration{CommunityCode: ptr(apptest.Community), Name: ptr("李四"), IDNumber: ptr(ids[0]), Phone: ptr("13900139000")}); fieldKeys(t, err)["id_number"] != "volunteer.id_registered" {
		t.Fatalf("duplicate id number: %v", err)
	}
	bad := fieldKeys(t, func() error {
		_, err := s.Register(staffCtx, volunteer.Registration{CommunityCode: ptr(apptest.SiblingCommunity), Name: ptr(""), IDNumber: ptr("110101199003074478"), Phone: ptr("123")})
		return err
	}())
	if bad["real_name"] != "error.required" || bad["id_number"] != "idcard.checksum" || bad["phone"] != "idcard.mobile" {
		t.Fatalf("bad fields %v", bad)
	}
	if _, err := s.Register(staffCtx, volunteer.Registration{CommunityCode: ptr(apptest.SiblingCommunity), Name: ptr("李四"), IDNumber: ptr(ids[1]), Phone: ptr("13900139000")}); fieldKeys(t, err)["community_code"] != "volunteer.community_not_found" {
		t.Fatalf("outside area: %v", err)
	}
	// Read: own staff yes, sibling staff no (audited as denied), the
	// volunteer themself yes.
	if _, err := s.Volunteer(staffCtx, v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Volunteer(as(e, auth.CommunityWorker, apptest.SiblingCommunity), v.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("sibling read: %v", err)
	}
	if _, err := s.Volunteer(resident(e, "other", apptest.Community), v.ID); errs.Code(err) != errs.ENOTFOUND {
		t.Fatalf("another resident read: %v", err)
	}
	list, _, err := s.List(as(e, auth.TownshipStaff, apptest.Township), volunteer.Filter{IDNumber: ids[0], Reason: "核对"})
	if err != nil || len(list) != 1 || list[0].ID != v.ID {
		t.Fatalf("find by id number: %v %v", list, err)
	}
	list, _, _ = s.List(as(e, auth.CommunityWorker, apptest.SiblingCommunity), volunteer.Filter{})
	if len(list) != 0 {
		t.Fatalf("sibling list %v", list)
	}
	tot, err := s.Measures.Totals(e.Ctx, []string{volunteer.Registered}, []string{apptest.Community, apptest.City})
	if err != nil || tot[apptest.Community][volunteer.Registered] != 1 || tot[apptest.City][volunteer.Registered] != 1 {
		t.Fatalf("registered measure %v %v", tot, err)
	}
	recs, err := s.Records(me, v.ID, time.Time{}, time.Time{})
	if err != nil || len(recs) != 0 {
		t.Fatalf("records %v %v", recs, err)
	}
}

func TestStarLevels(t *testing.T) {
	t.Parallel()
	th := volunteer.DefaultStars
	for _, c := range []struct {
		centi int64
		want  int
	}{{0, 0}, {9999, 0}, {10000, 1}, {29999, 1}, {30000, 2}, {59999, 2}, {60000, 3}, {99999, 3}, {100000, 4}, {149999, 4}, {150000, 5}, {1e9, 5}} {
		if got := volunteer.StarLevel(c.centi, th); got != c.want {
			t.Errorf("StarLevel(%d) = %d, want %d", c.centi, got, c.want)
		}
	}
	e := apptest.New(t)
	s := newService(e, &clock{at("2026-11-20 10:00:00")})
	admin := as(e, auth.Admin, apptest.City)
	if err := s.SetStars(admin, []int{10, 20, 30, 40, 50}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Stars(e.Ctx); got[0] != 10 || got[4] != 50 {
		t.Fatalf("stars %v", got)
	}
	if err := s.SetStars(admin, []int{10, 20, 20, 40, 50}); fieldKeys(t, err)["star_hours"] != "volunteer.stars_ascending" {
		t.Fatalf("not ascending: %v", err)
	}
	if err := s.SetStars(as(e, auth.CityStaff, apptest.City), []int{1, 2, 3, 4, 5}); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("city staff set stars: %v", err)
	}
}

func fieldRow(err error) int {
	if e := errs.As(err); e != nil && len(e.Fields) > 0 {
		return e.Fields[0].Row
	}
	return 0
}
