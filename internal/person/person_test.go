package person_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

func svc(e *apptest.Env) *person.Service { return person.NewService(e.App.DB, e.App.Audit, e.App.Keys) }

func ptr[T any](v T) *T { return &v }

// idNumber makes a valid ID number: region, birth date (YYYYMMDD), a
// sequence (odd: male).
func idNumber(region, birth string, seq int) string {
	s := fmt.Sprintf("%s%s%03d", region, birth, seq)
	return s + string(idcard.CheckChar(s))
}

func elderly(start, basis string, kinds ...string) person.Membership {
	return person.Membership{Group: person.GroupElderly, Kinds: kinds, Start: start, Basis: basis}
}

func newPatch(community, name, id string, groups ...person.Membership) person.PersonPatch {
	return person.PersonPatch{CommunityCode: ptr(community), Name: ptr(name), IDNumber: ptr(id), Phone: ptr("13912345678"),
		Address: ptr("河西街道幸福路 8 号 3 单元 201"), Household: ptr("配偶 测试乙"), ContactName: ptr("测试丙"),
		ContactPhone: ptr("0318-2123456"), Groups: &groups}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	good := idNumber("131102", "19400101", 123)
	wrongCheck := good[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", good[17])+1)%11])
	cases := []struct {
		id, reason string
	}{
		{"", "error.required"},
		{"13110219400101123", idcard.ErrShape},
		{"13110219401301123" + "1", idcard.ErrBirth},
		{wrongCheck, idcard.ErrChecksum},
	}
	for _, c := range cases {
		_, err := s.Create(ctx, newPatch(apptest.Community, "测试甲", c.id))
		e2 := errs.As(err)
		if e2 == nil || e2.Code != errs.EINVALID || len(e2.Fields) != 1 || e2.Fields[0].Field != "id_number" || e2.Fields[0].Key != c.reason {
			t.Errorf("id %q: %v %+v, want id_number %s", c.id, err, e2, c.reason)
		}
	}
	// Every bad field at once.
	p := newPatch(apptest.SiblingCommunity, "", good,
		person.Membership{Group: person.GroupElderly, Start: "2024-13-01", Basis: ""},
		person.Membership{Group: person.GroupDisability, Category: "wings", Grade: "9", Start: "2024-01-01", End: "2023-01-01", Basis: "残联 证件 13912345678"})
	p.Phone = ptr("12345")
	_, err := s.Create(ctx, p)
	e2 := errs.As(err)
	var got []string
	for _, f := range e2.Fields {
		got = append(got, f.Field+":"+f.Key)
	}
	want := []string{"name:error.required", "phone:person.phone_invalid", "kinds:error.required", "start:person.date_invalid",
		"basis:error.required", "category:error.one_of", "grade:error.one_of", "end:person.end_before_start", "basis:person.no_numbers",
		"community_code:person.community_not_found"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("fields\n got %v\nwant %v", got, want)
	}
	// Nothing was written.
	var n int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM persons`).Scan(&n)
	if n != 0 {
		t.Errorf("%d persons after refusals", n)
	}
	// A good one derives birth date and sex; a duplicate ID number is named.
	got1, err := s.Create(ctx, newPatch(apptest.Community, "测试甲", strings.ToLower(good[:17])+good[17:], elderly("2024-01-01", "入户核查", "living_alone", "aged_80_plus")))
	if err != nil {
		t.Fatal(err)
	}
	if got1.Age < 84 || got1.Sex != person.Male || got1.IDNumber != "****************"+good[16:] || got1.Phone != "139****5678" {
		t.Errorf("created %+v", got1)
	}
	_, err = s.Create(ctx, newPatch(apptest.Community, "测试乙", good))
	if e2 := errs.As(err); e2 == nil || len(e2.Fields) != 1 || e2.Fields[0].Key != "person.duplicate" {
		t.Errorf("duplicate: %v", err)
	}
}

func TestMembersAndMeasures(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := svc(e)
	ctx := e.As(auth.CommunityWorker, apptest.Community)
	town := e.As(auth.TownshipStaff, apptest.Township)
	today := s.Today()
	a, err := s.Create(ctx, newPatch(apptest.Community, "测试甲", idNumber("131102", "19400101", 1), elderly("2020-01-01", "入户核查", "empty_nest")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(town, newPatch(apptest.SiblingCommunity, "测试乙", idNumber("131102", "19410101", 2), elderly("2020-01-01", "民政认定", "subsistence"))); err != nil {
		t.Fatal(err)
	}
	// Ended: not a member today.
	if _, err := s.Create(ctx, newPatch(apptest.Community, "测试丙", idNumber("131102", "19420101", 3),
		person.Membership{Group: person.GroupElderly, Kinds: []string{"living_alone"}, Start: "2020-01-01", End: "2021-01-01", Basis: "入住养老院"})); err != nil {
		t.Fatal(err)
	}
	// A left-behind child.
	if _, err := s.Create(ctx, newPatch(apptest.Community, "测试丁", idNumber("131102", "20180101", 4),
		person.Membership{Group: person.GroupLeftBehind, Start: "2024-01-01", Basis: "父母外出务工"})); err != nil {
		t.Fatal(err)
	}
	lo, hi := auth.AreaOf(apptest.Township, 4).Range()
	ms, err := s.Members(town, person.GroupElderly, lo, hi, time.Now())
	if err != nil || len(ms) != 2 || ms[0].ID != a.ID || ms[0].Name != "测试甲" || ms[0].CommunityCode != apptest.Community || ms[1].CommunityCode != apptest.SiblingCommunity {
		t.Errorf("township members %+v %v", ms, err)
	}
	// Clipped to the caller's area.
	ms, _ = s.Members(ctx, person.GroupElderly, lo, hi, time.Now())
	if len(ms) != 1 || ms[0].ID != a.ID {
		t.Errorf("community members %+v", ms)
	}
	if _, err := s.Members(ctx, "pirates", lo, hi, time.Now()); errs.Code(err) != errs.EINVALID {
		t.Errorf("bad group: %v", err)
	}
	if _, err := s.Members(e.As(auth.Admin, apptest.City), person.GroupElderly, lo, hi, time.Now()); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("admin: %v", err)
	}
	check := func(key, code string, want int64) {
		t.Helper()
		got, err := s.Measures.Totals(context.Background(), []string{key}, []string{code})
		if err != nil || got[code][key] != want {
			t.Errorf("%s at %s = %d, want %d (%v)", key, code, got[code][key], want, err)
		}
	}
	check(person.ElderlySpecial, apptest.Township, 2)
	check(person.ElderlySpecial, apptest.Community, 1)
	check(person.LeftBehindChildren, apptest.City, 1)
	// Ending the membership moves the measure in the same write.
	_, err = s.Update(ctx, a.ID, person.PersonPatch{Groups: &[]person.Membership{{Group: person.GroupElderly, Kinds: []string{"empty_nest"},
		Start: "2020-01-01", End: "2020-06-01", Basis: "入户核查"}}})
	if err != nil {
		t.Fatal(err)
	}
	check(person.ElderlySpecial, apptest.Community, 0)
	check(person.ElderlySpecial, apptest.County, 1)
	// Reconcile finds nothing to change; a rebuild gives the same.
	if err := s.Reconcile(ctx, true); err != nil {
		t.Fatal(err)
	}
	check(person.ElderlySpecial, apptest.County, 1)
	_ = today
}
