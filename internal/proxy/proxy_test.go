package proxy_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/idcard"
	"shequ/internal/proxy"
)

// A valid ID number for tests (check character computed).
func idNumber(birth string) string {
	first := "131102" + birth + "123"
	return first + string(idcard.CheckChar(first))
}

type items struct {
	Items []proxy.ServiceEntry `json:"items"`
}

// offerFive makes community offer the first five services of the catalogue.
func offerFive(t *testing.T, e *apptest.Env, tok, community string) []proxy.ServiceEntry {
	t.Helper()
	var all items
	e.API("GET", "/api/v1/proxy/offerings/"+community, tok, nil).JSON(t, &all)
	if len(all.Items) < proxy.MinOffered {
		t.Fatalf("the catalogue has %d services", len(all.Items))
	}
	var ids []int64
	for _, v := range all.Items[:proxy.MinOffered] {
		ids = append(ids, v.ID)
	}
	if r := e.API("PUT", "/api/v1/proxy/offerings/"+community, tok, map[string]any{"service_ids": ids}); r.StatusCode != http.StatusOK {
		t.Fatalf("set offerings: %d %s", r.StatusCode, r.Body)
	}
	return all.Items
}

func coverage(t *testing.T, e *apptest.Env, code string) int64 {
	t.Helper()
	key := proxy.CommunitiesOffering + "@" + strconv.Itoa(time.Now().In(calendar.China).Year())
	tot, err := e.App.Proxy.Measures.Totals(e.Ctx, []string{key}, []string{code})
	if err != nil {
		t.Fatal(err)
	}
	return tot[code][key]
}

// TestCaseLifecycle: a community offers five services, a worker takes a
// case at the hall (sealed personal data, a deadline in working days), the
// materials are checked before it can be submitted, the department's
// result reaches the resident's inbox, the case closes, the resident rates
// it once; the coverage measure, the figures and the refusals follow.
func TestCaseLifecycle(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	cat := offerFive(t, e, worker, apptest.Community)
	if got := coverage(t, e, apptest.Community); got != 0 {
		t.Fatalf("covered before any case: %d", got)
	}
	// A service the community does not offer is refused.
	phone, id := "13912345678", idNumber("19500101")
	r := e.API("POST", "/api/v1/proxy/cases", worker, map[string]any{"community_code": apptest.Community, "service_id": cat[len(cat)-1].ID,
		"name": "张桂兰", "phone": phone, "id_number": id})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"location":"service_id"`) {
		t.Fatalf("a service not offered: %d %s", r.StatusCode, r.Body)
	}
	// Bad personal data is named field by field.
	r = e.API("POST", "/api/v1/proxy/cases", worker, map[string]any{"community_code": apptest.Community, "service_id": cat[0].ID,
		"name": "", "phone": "123", "id_number": "131102195001011230"})
	for _, f := range []string{"name", "phone", "id_number"} {
		if !strings.Contains(string(r.Body), `"location":"`+f+`"`) {
			t.Errorf("bad %s not named: %s", f, r.Body)
		}
	}

	resident := e.User(auth.Resident, apptest.Community)
	rtok := e.Token(auth.Resident, apptest.Community)
	// The resident applies online for themselves.
	var c proxy.Case
	r = e.API("POST", "/api/v1/proxy/cases", rtok, map[string]any{"service_id": cat[0].ID, "name": "张桂兰", "phone": phone, "id_number": id})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("apply: %d %s", r.StatusCode, r.Body)
	}
	r.JSON(t, &c)
	if c.Channel != proxy.ChannelOnline || c.CommunityCode != apptest.Community || c.Status != proxy.StatusReceived {
		t.Errorf("the case: %+v", c)
	}
	if c.Phone != "139****5678" || strings.Contains(c.IDNumber, "19500101") || c.Name == "张桂兰" {
		t.Errorf("personal data not masked: %q %q %q", c.Name, c.Phone, c.IDNumber)
	}
	if want := e.App.Requests.Calendar.AddWorkdays(c.CreatedAt, cat[0].Days); !c.DueAt.Equal(want) {
		t.Errorf("due %s, want %s (%d working days)", c.DueAt, want, cat[0].Days)
	}
	var plain int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM proxy_cases WHERE name_sealed LIKE '%张%' OR phone_sealed LIKE '%'||$1||'%' OR id_sealed LIKE '%'||$2||'%'`, phone, id).Scan(&plain); err != nil || plain != 0 {
		t.Errorf("personal data stored in plain: %d %v", plain, err)
	}
	if got := coverage(t, e, apptest.Community); got != 1 {
		t.Errorf("the community offers five services and took a case: coverage %d, want 1", got)
	}
	if got := coverage(t, e, apptest.City); got != 1 {
		t.Errorf("the city's total %d, want 1", got)
	}
	path := fmt.Sprintf("/api/v1/proxy/cases/%d", c.ID)
	act := func(tok string, body map[string]any, status int) {
		t.Helper()
		if r := e.API("POST", path+"/transitions", tok, body); r.StatusCode != status {
			t.Fatalf("%v: %d %s", body, r.StatusCode, r.Body)
		}
	}
	// Submitting before the materials are checked names what is missing.
	r = e.API("POST", path+"/transitions", worker, map[string]any{"action": "submit"})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), c.Materials[0]) {
		t.Fatalf("submit unchecked: %d %s", r.StatusCode, r.Body)
	}
	act(worker, map[string]any{"action": "check", "checked": []string{"身份证复印件"}}, http.StatusUnprocessableEntity)
	act(rtok, map[string]any{"action": "check", "checked": c.Materials}, http.StatusForbidden)
	act(e.Token(auth.CommunityWorker, apptest.SiblingCommunity), map[string]any{"action": "check", "checked": c.Materials}, http.StatusNotFound)
	act(worker, map[string]any{"action": "check", "checked": c.Materials}, http.StatusOK)
	act(worker, map[string]any{"action": "done"}, http.StatusUnprocessableEntity)
	act(worker, map[string]any{"action": "submit"}, http.StatusOK)
	act(worker, map[string]any{"action": "refuse", "reason": ""}, http.StatusUnprocessableEntity)
	// The resident cannot rate before the result.
	if r := e.API("POST", path+"/rating", rtok, map[string]any{"rating": 5}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("rated before the result: %d", r.StatusCode)
	}
	act(worker, map[string]any{"action": "done"}, http.StatusOK)
	// The result is in the resident's inbox.
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM notify_inbox i JOIN users u ON u.id = i.user_id WHERE u.name = $1`, resident).Scan(&n); err != nil || n != 1 {
		t.Errorf("the resident's inbox holds %d messages (%v), want the result", n, err)
	}
	act(worker, map[string]any{"action": "close"}, http.StatusOK)
	if r := e.API("POST", path+"/rating", worker, map[string]any{"rating": 5}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a worker rated: %d", r.StatusCode)
	}
	if r := e.API("POST", path+"/rating", rtok, map[string]any{"rating": 6}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("rating 6: %d", r.StatusCode)
	}
	if r := e.API("POST", path+"/rating", rtok, map[string]any{"rating": 4}); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), `"rating":4`) {
		t.Errorf("rate: %d %s", r.StatusCode, r.Body)
	}
	if r := e.API("POST", path+"/rating", rtok, map[string]any{"rating": 5}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("rated twice: %d", r.StatusCode)
	}
	// Another resident does not see it; a worker finds it by phone.
	other := e.Token(auth.Resident, apptest.SiblingCommunity)
	if r := e.API("GET", path, other, nil); r.StatusCode != http.StatusNotFound {
		t.Errorf("another resident reads the case: %d", r.StatusCode)
	}
	if r := e.API("GET", "/api/v1/proxy/cases?q="+phone, worker, nil); !strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d`, c.ID)) {
		t.Errorf("search by phone: %s", r.Body)
	}
	// Reveal needs a reason and is audited.
	if r := e.API("POST", path+"/reveal", worker, map[string]any{"reason": ""}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("reveal without a reason: %d", r.StatusCode)
	}
	if r := e.API("POST", path+"/reveal", worker, map[string]any{"reason": "电话回访"}); r.StatusCode != http.StatusOK || !strings.Contains(string(r.Body), id) {
		t.Errorf("reveal: %d %s", r.StatusCode, r.Body)
	}
	// CaseFigures.
	var f proxy.CaseFigures
	e.API("GET", "/api/v1/proxy/figures?division="+apptest.Township, e.Token(auth.TownshipStaff, apptest.Township), nil).JSON(t, &f)
	if f.Total != 1 || f.ByStatus[proxy.StatusClosed] != 1 || f.OnTime != 1 || f.AverageRating != 4 || f.Communities != 1 {
		t.Errorf("figures %+v", f)
	}
	// The rating slice's view.
	name, code, err := e.App.Proxy.RatingSubject(e.Ctx, c.ID)
	if err != nil || code != apptest.Community || !strings.Contains(name, cat[0].Name) {
		t.Errorf("RatingSubject: %q %q %v", name, code, err)
	}
	// Withdrawing an offering uncovers the community; the reconcile agrees.
	if r := e.API("PUT", "/api/v1/proxy/offerings/"+apptest.Community, worker, map[string]any{"service_ids": []int64{cat[0].ID}}); r.StatusCode != http.StatusOK {
		t.Fatalf("withdraw: %d %s", r.StatusCode, r.Body)
	}
	if got := coverage(t, e, apptest.Community); got != 0 {
		t.Errorf("one service offered: coverage %d", got)
	}
	if err := e.App.Proxy.Reconcile(e.Ctx, false); err != nil {
		t.Fatal(err)
	}
	if got := coverage(t, e, apptest.City); got != 0 {
		t.Errorf("after reconcile the city counts %d", got)
	}
	for _, a := range []string{"proxy.case.create", "proxy.case.check", "proxy.case.submit", "proxy.case.done", "proxy.case.close", "proxy.case.rate", "proxy.case.reveal", "proxy.offerings.update"} {
		var k int
		if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, a).Scan(&k); err != nil || k == 0 {
			t.Errorf("no audit record %s (%v)", a, err)
		}
	}
}

// TestOfferAllAndCatalogue: a county adds a service, which applies in its
// communities only; a township offers everything in one step.
func TestOfferAllAndCatalogue(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	county := e.Token(auth.CountyStaff, apptest.County)
	r := e.API("POST", "/api/v1/proxy/services", county, map[string]any{"division_code": apptest.County, "name": "农村危房改造申请",
		"materials": []string{"居民身份证", "户口簿", "房屋现状照片"}, "department": "区住房和城乡建设局", "days": 15})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("add: %d %s", r.StatusCode, r.Body)
	}
	if r := e.API("POST", "/api/v1/proxy/services", county, map[string]any{"division_code": apptest.Township, "name": "x", "materials": []string{"y"}, "department": "z", "days": 0}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(string(r.Body), `"location":"division_code"`) || !strings.Contains(string(r.Body), `"location":"days"`) {
		t.Errorf("a township's service: %d %s", r.StatusCode, r.Body)
	}
	if r := e.API("POST", "/api/v1/proxy/services", e.Token(auth.CommunityWorker, apptest.Community), map[string]any{"division_code": apptest.County, "name": "x", "materials": []string{"y"}, "department": "z", "days": 3}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a worker adds a service: %d", r.StatusCode)
	}
	far := e.Token(auth.CommunityWorker, apptest.FarCommunity)
	var at items
	e.API("GET", "/api/v1/proxy/services", far, nil).JSON(t, &at)
	for _, v := range at.Items {
		if v.Name == "农村危房改造申请" {
			t.Errorf("another county's service applies at %s", apptest.FarCommunity)
		}
	}
	town := e.Token(auth.TownshipStaff, apptest.Township)
	var out struct{ Added int }
	r = e.API("POST", "/api/v1/proxy/offerings/offer-all", town, map[string]any{"division_code": apptest.Township})
	r.JSON(t, &out)
	if r.StatusCode != http.StatusOK || out.Added == 0 {
		t.Fatalf("offer all: %d %s", r.StatusCode, r.Body)
	}
	var off items
	e.API("GET", "/api/v1/proxy/offerings/"+apptest.SiblingCommunity, town, nil).JSON(t, &off)
	for _, v := range off.Items {
		if !v.Offered {
			t.Errorf("%s not offered after offer-all", v.Name)
		}
	}
	if len(off.Items) != 11 {
		t.Errorf("%d services apply at %s, want the 10 city-wide and the county's", len(off.Items), apptest.SiblingCommunity)
	}
	if r := e.API("POST", "/api/v1/proxy/offerings/offer-all", town, map[string]any{"division_code": apptest.SiblingTownship}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("offer-all outside the area: %d", r.StatusCode)
	}
}

// TestOverdueOnListsAndHome: an open case past its deadline is flagged on
// the list and counted in the worker's overdue queue on the home page.
func TestOverdueOnListsAndHome(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	cat := offerFive(t, e, worker, apptest.Community)
	if r := e.API("POST", "/api/v1/proxy/cases", worker, map[string]any{"community_code": apptest.Community, "service_id": cat[1].ID,
		"name": "孙玉兰", "phone": "13800001234", "id_number": idNumber("19450303")}); r.StatusCode != http.StatusCreated {
		t.Fatalf("take: %d %s", r.StatusCode, r.Body)
	}
	home := e.API("GET", "/api/v1/home", worker, nil).Body
	if !strings.Contains(home, `"key":"proxy.home.open","title":"在办代办件","count":1`) || !strings.Contains(home, `"key":"proxy.home.overdue","title":"超期代办件","count":0`) {
		t.Errorf("home before the deadline: %s", home)
	}
	if r := e.API("GET", "/api/v1/proxy/cases?overdue=true", worker, nil); strings.Contains(r.Body, `"id":`) {
		t.Errorf("overdue before the deadline: %s", r.Body)
	}
	later := time.Now().AddDate(0, 0, 45)
	e.App.Proxy.Now = func() time.Time { return later }
	home = e.API("GET", "/api/v1/home", worker, nil).Body
	if !strings.Contains(home, `"key":"proxy.home.overdue","title":"超期代办件","count":1`) {
		t.Errorf("home after the deadline: %s", home)
	}
	if r := e.API("GET", "/api/v1/proxy/cases?overdue=true", worker, nil); !strings.Contains(r.Body, `"overdue":true`) {
		t.Errorf("the overdue list: %s", r.Body)
	}
}
