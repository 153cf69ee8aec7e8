package volunteer_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/volunteer"
)

// A search by ID number or phone takes the whole value and a reason, is
// audited without the value and limited per account (platform/lookup).
func TestSealedSearchWholeReasonedAuditedLimited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := &clock{at("2026-11-20 10:00:00")}
	s := newService(e, c)
	fixed := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	s.Search.Limit.Now = func() time.Time { return fixed }
	staff := as(e, auth.CommunityWorker, apptest.Community)
	r := reg("查找甲", ids[0], "13800138000")
	r.CommunityCode = ptr(apptest.Community)
	if _, err := s.Register(staff, r); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f     volunteer.Filter
		field string
		key   string
	}{
		{volunteer.Filter{Phone: "1380013", Reason: "核对"}, "phone", "lookup.mobile_whole"},
		{volunteer.Filter{IDNumber: ids[0][:14], Reason: "核对"}, "id_number", "lookup.id_whole"},
		{volunteer.Filter{IDNumber: ids[0]}, "reason", "lookup.reason_required"},
		{volunteer.Filter{Phone: "13800138000"}, "reason", "lookup.reason_required"},
	} {
		_, _, err := s.List(staff, tc.f)
		if got := fieldKeys(t, err); len(got) != 1 || got[tc.field] != tc.key {
			t.Errorf("%+v: %v, want %s %s", tc.f, got, tc.field, tc.key)
		}
	}
	for i := 1; i <= 30; i++ {
		if got, _, err := s.List(staff, volunteer.Filter{Phone: "138 0013 8000", Reason: "核对报名"}); err != nil || len(got) != 1 {
			t.Fatalf("search %d: %v %v", i, got, err)
		}
	}
	if _, _, err := s.List(staff, volunteer.Filter{IDNumber: ids[0], Reason: "核对报名"}); errs.Code(err) != errs.ETOOMANY {
		t.Errorf("31st search: %v", err)
	}
	var ok, denied, leaked int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'volunteer.search' AND result = 'ok' AND detail LIKE '%核对报名%' AND detail LIKE '%blind:%'`).Scan(&ok)
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'volunteer.search' AND result = 'denied'`).Scan(&denied)
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'volunteer.search' AND (detail LIKE '%13800138000%' OR detail LIKE '%` + ids[0] + `%')`).Scan(&leaked)
	if ok != 30 || denied != 1 || leaked != 0 {
		t.Errorf("audited %d searches, %d refusals, %d with the value; want 30, 1, 0", ok, denied, leaked)
	}

	// API and page.
	tok := e.Token(auth.TownshipStaff, apptest.Township)
	if res := e.API("GET", "/api/v1/volunteers?phone=1380013&reason="+url.QueryEscape("核对"), tok, nil); res.StatusCode != 422 || !strings.Contains(res.Body, "phone") {
		t.Errorf("API partial phone: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("GET", "/api/v1/volunteers?id_number="+ids[0], tok, nil); res.StatusCode != 422 || !strings.Contains(res.Body, "reason") {
		t.Errorf("API without reason: %d %s", res.StatusCode, res.Body)
	}
	page := e.Session(auth.TownshipStaff, apptest.Township)
	if res := page.Get("/volunteers?id_number=" + ids[0][:10]); res.StatusCode != 422 || !strings.Contains(res.Body, "18 位身份证号码") {
		t.Errorf("page partial ID: %d", res.StatusCode)
	}
	if res := page.Get(fmt.Sprintf("/volunteers?id_number=%s&reason=%s", ids[0], url.QueryEscape("核对报名"))); res.StatusCode != 200 || !strings.Contains(res.Body, "查找甲") {
		t.Errorf("page search: %d", res.StatusCode)
	}
}
