package app_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/proxy"
)

// TestCalendarDayReachesEveryChannel: a holiday that city staff add to the
// deadline calendar counts at once for a request filed through Open311 (and
// so through every channel: there is one request service and one calendar).
// When the app built the request service three times, only the first
// instance's calendar learnt the day, and Open311's deadlines ignored it
// until a restart.
func TestCalendarDayReachesEveryChannel(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	key := e.Token(auth.TownshipStaff, apptest.Township)
	file := func(desc string) time.Time {
		t.Helper()
		form := url.Values{"api_key": {key}, "service_code": {"city.garbage"}, "address_id": {apptest.Community},
			"first_name": {"王"}, "phone": {"13800138000"}, "description": {desc}}
		res, err := http.PostForm(e.URL+"/open311/v2/requests.json", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var created []struct {
			ID string `json:"service_request_id"`
		}
		if res.StatusCode != http.StatusCreated || json.Unmarshal(b, &created) != nil || len(created) != 1 {
			t.Fatalf("POST requests.json %d %s", res.StatusCode, b)
		}
		r, err := e.App.Requests.ByNumber(e.Ctx, created[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		return r.ResolutionDue
	}
	before := file("路边堆放的旧沙发无人清运")
	// 政务代办 counts its deadlines on the same calendar.
	all, err := e.App.Proxy.Offerings(e.Ctx, apptest.Community)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Proxy.SetOfferings(e.Ctx, apptest.Community, []int64{all[0].ID}); err != nil {
		t.Fatal(err)
	}
	take := func() time.Time {
		t.Helper()
		c, err := e.App.Proxy.Create(e.Ctx, proxy.CaseIntake{CommunityCode: apptest.Community, ServiceID: all[0].ID, Name: "王芳", Phone: "13800138000", IDNumber: "11010519491231002X"})
		if err != nil {
			t.Fatal(err)
		}
		return c.DueAt
	}
	proxyBefore := take()

	// The next seven days become holidays: a deadline of 7 working days
	// from now moves later.
	city := e.Token(auth.CityStaff, apptest.City)
	day := time.Now().In(calendar.China)
	for i := 1; i <= 7; i++ {
		d := day.AddDate(0, 0, i).Format("2006-01-02")
		if r := e.API("POST", "/api/v1/requests/calendar", city, map[string]string{"day": d, "kind": "holiday", "name": "测试假日"}); r.StatusCode >= 300 {
			t.Fatalf("set %s: %d %s", d, r.StatusCode, r.Body)
		}
	}
	after := file("路边堆放的旧床垫无人清运")
	if !after.After(before) {
		t.Fatalf("a request filed after seven holidays were added is due %s, the one before %s: Open311 ignored the calendar", after, before)
	}
	if proxyAfter := take(); !proxyAfter.After(proxyBefore) {
		t.Fatalf("a proxy case taken after seven holidays were added is due %s, the one before %s: 政务代办 ignored the calendar", proxyAfter, proxyBefore)
	}
}
