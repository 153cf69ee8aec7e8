package request_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/request/requesttest"
)

// TestProactiveThreshold: 5 requests of one category from one community
// within 7 days raise an alert for the township; 4, or 5 spread over more
// than 7 days, or 5 of different categories do not; the threshold is a
// setting; another township does not see it.
func TestProactiveThreshold(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := requesttest.NewFixture(t, e, "pa")
	requesttest.NewFixture(t, e, "pb")
	now := time.Date(2026, 5, 20, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	add := func(code, cat string, ages ...time.Duration) {
		for _, a := range ages {
			f.Cat = cat
			f.Add(requesttest.Req{Code: code, Created: now.Add(-a)})
		}
	}
	// Sibling community: 5 of pa within 7 days (the oldest 6 days 23 hours ago).
	add(apptest.SiblingCommunity, "pa", time.Hour, day, 2*day, 3*day, 6*day+23*time.Hour)
	// Community: 4 of pa within the window and one 8 days ago; 3 of pb.
	add(apptest.Community, "pa", time.Hour, 2*day, 3*day, 4*day, 8*day)
	add(apptest.Community, "pb", time.Hour, 2*day, 3*day)
	// Cousin community (another township): 6 of pb.
	add(apptest.CousinCommunity, "pb", time.Hour, time.Hour, 2*day, 2*day, 3*day, 5*day)

	s := e.App.Requests
	s.Now = func() time.Time { return now }
	ts := requesttest.As(t, e, auth.TownshipStaff, apptest.Township)
	al, err := s.Alerts(ts, "")
	if err != nil {
		t.Fatal(err)
	}
	if al.Threshold != 5 || al.Days != 7 || len(al.Alerts) != 1 {
		t.Fatalf("alerts %+v", al)
	}
	a := al.Alerts[0]
	if a.DivisionCode != apptest.SiblingCommunity || a.CategoryCode != "pa" || a.Count != 5 || a.CategoryName != "测试类pa" ||
		!a.Last.Equal(now.Add(-time.Hour)) || !a.First.Equal(now.Add(-6*day-23*time.Hour)) {
		t.Errorf("alert %+v", a)
	}
	// The county sees both townships' alerts, most requests first.
	cl, err := s.Alerts(requesttest.As(t, e, auth.CountyStaff, apptest.County), "")
	if err != nil || len(cl.Alerts) != 2 || cl.Alerts[0].DivisionCode != apptest.CousinCommunity || cl.Alerts[0].Count != 6 {
		t.Errorf("county alerts %+v %v", cl, err)
	}
	// The other township sees only its own.
	ol, err := s.Alerts(requesttest.As(t, e, auth.TownshipStaff, apptest.SiblingTownship), "")
	if err != nil || len(ol.Alerts) != 1 || ol.Alerts[0].DivisionCode != apptest.CousinCommunity {
		t.Errorf("other township %+v %v", ol, err)
	}
	if _, err := s.Alerts(ts, apptest.CousinCommunity); errs.Code(err) != errs.ENOTFOUND {
		t.Errorf("outside the area: %v", err)
	}
	// A threshold of 4 brings in the community's 4 of pa.
	f.Exec(`INSERT INTO request_settings (key, value, updated_at, updated_by) VALUES ('proactive_threshold', 4, $1, 't')`, now)
	al, _ = s.Alerts(ts, "")
	if len(al.Alerts) != 2 || al.Alerts[1].DivisionCode != apptest.Community || al.Alerts[1].Count != 4 {
		t.Errorf("threshold 4: %+v", al.Alerts)
	}
	// Top categories of May in the township: pa 10, pb 3.
	top, err := s.Top(ts, "", "2026-05")
	if err != nil || len(top.Items) != 2 || top.Items[0].CategoryCode != "pa" || top.Items[0].Count != 10 || top.Items[1].Count != 3 {
		t.Errorf("top %+v %v", top, err)
	}
	if _, err := s.Alerts(requesttest.As(t, e, auth.HandlingUnit, apptest.County), ""); errs.Code(err) != errs.EFORBIDDEN {
		t.Errorf("unit: %v", err)
	}
}

// TestProactivePage: the alert page with the month's top categories, over
// HTTP with a session; a resident is refused.
func TestProactivePage(t *testing.T) {
	e := apptest.New(t)
	f := requesttest.NewFixture(t, e, "web")
	now := time.Now().UTC()
	for i := 0; i < 5; i++ { // the default threshold
		f.Add(requesttest.Req{Code: apptest.Community, Created: now.Add(-time.Duration(i+1) * time.Minute)})
	}
	res := e.Session(auth.TownshipStaff, apptest.Township).Get("/requests/proactive")
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `id="proactive-alerts"`) || !strings.Contains(res.Body, "测试类web") {
		t.Errorf("proactive page %d", res.StatusCode)
	}
	if r := e.Session(auth.Resident, apptest.Community).Get("/requests/proactive"); r.StatusCode != http.StatusForbidden {
		t.Errorf("resident: %d", r.StatusCode)
	}
}
