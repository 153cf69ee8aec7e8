package worker_test

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/worker"
)

// A search by phone or ID number takes the whole value and a reason, is
// audited without the value and limited per account (platform/lookup).
func TestSealedSearchWholeReasonedAuditedLimited(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := newService(e, "2026-03-01")
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Search.Limit.Now = func() time.Time { return at }
	cw := e.As(auth.CommunityWorker, apptest.Community)
	if _, err := s.Create(cw, valid(apptest.Community)); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[worker.Filter]string{
		{Phone: "1380013", Reason: "核对"}:              "phone:lookup.phone_whole",
		{Phone: "138****8000", Reason: "核对"}:          "phone:lookup.phone_whole",
		{IDNumber: "11010119900307", Reason: "核对"}:    "id_number:lookup.id_whole",
		{Phone: "13800138000"}:                        "reason:lookup.reason_required",
		{IDNumber: "110101199003074477", Reason: "x"}: "reason:lookup.reason_required",
	} {
		got := fields(t, func() error { _, _, err := s.List(cw, f); return err }())
		if len(got) != 1 || fmt.Sprint(got) != fmt.Sprint(map[string]string{strings.Split(want, ":")[0]: strings.Split(want, ":")[1]}) {
			t.Errorf("%+v: %v, want %s", f, got, want)
		}
	}
	var buf bytes.Buffer
	if err := s.Export(cw, worker.Filter{Phone: "13800138000"}, &buf); errs.Code(err) != errs.EINVALID {
		t.Errorf("export without a reason: %v", err)
	}
	for i := 1; i <= 30; i++ {
		if items, _, err := s.List(cw, worker.Filter{Phone: "13800138000", Reason: "来电核对"}); err != nil || len(items) != 1 {
			t.Fatalf("search %d: %v %v", i, items, err)
		}
	}
	if _, _, err := s.List(cw, worker.Filter{IDNumber: "110101199003074477", Reason: "来电核对"}); errs.Code(err) != errs.ETOOMANY {
		t.Errorf("31st search: %v", err)
	}
	var ok, denied int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'worker.search' AND result = 'ok' AND detail LIKE '%来电核对%' AND detail LIKE '%blind:%'`).Scan(&ok)
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'worker.search' AND result = 'denied'`).Scan(&denied)
	var leaked int
	e.App.DB.Writer().QueryRow(`SELECT count(*) FROM audit_log WHERE action = 'worker.search' AND (detail LIKE '%13800138000%' OR detail LIKE '%110101199003074477%')`).Scan(&leaked)
	if ok != 30 || denied != 1 || leaked != 0 {
		t.Errorf("audited %d searches, %d refusals, %d with the value; want 30, 1, 0", ok, denied, leaked)
	}

	// The API and the page: a partial value or no reason is refused with
	// the field named.
	tok := e.Token(auth.TownshipStaff, apptest.Township)
	if res := e.API("GET", "/api/v1/workers?phone=1380013&reason="+url.QueryEscape("核对"), tok, nil); res.StatusCode != 422 || !strings.Contains(res.Body, "phone") {
		t.Errorf("API partial phone: %d %s", res.StatusCode, res.Body)
	}
	if res := e.API("GET", "/api/v1/workers?phone=13800138000", tok, nil); res.StatusCode != 422 || !strings.Contains(res.Body, "reason") {
		t.Errorf("API without reason: %d %s", res.StatusCode, res.Body)
	}
	c := e.Session(auth.TownshipStaff, apptest.Township)
	if res := c.Get("/workers?phone=1380013&reason=" + url.QueryEscape("核对")); res.StatusCode != 422 || !strings.Contains(res.Body, "请输入完整的 11 位手机号码") {
		t.Errorf("page partial phone: %d", res.StatusCode)
	}
	if res := c.Get("/workers?phone=13800138000&reason=" + url.QueryEscape("来电核对")); res.StatusCode != 200 || !strings.Contains(res.Body, "138****8000") {
		t.Errorf("page search: %d", res.StatusCode)
	}
}
