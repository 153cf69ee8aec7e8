package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/community"
	"shequ/internal/platform/auth"
)

// The community slice's routes × every role × own, sibling and parent
// area: the public page and catalogue answer anyone; notices, catalogue
// items and the hall's phone are kept only inside the caller's area.
func TestCommunityAPIScenarios(t *testing.T) {
	e := apptest.New(t)
	city := e.Token(auth.CityStaff, apptest.City)
	today := e.App.Communities.Today()
	notices := map[string]string{}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		res := e.API("POST", "/api/v1/notices", city, map[string]any{"division_code": c, "kind": "announcement", "title": "公告" + c,
			"body": "正文", "starts_on": today, "ends_on": today})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("notice at %s: %d %s", c, res.StatusCode, res.Body)
		}
		var n community.Notice
		res.JSON(t, &n)
		notices[c] = strconv.FormatInt(n.ID, 10)
	}
	items := map[string]string{}
	for _, c := range []string{apptest.County, apptest.SiblingCounty, apptest.Township, apptest.SiblingTownship,
		apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		res := e.API("POST", "/api/v1/catalogue-items", city, map[string]any{"division_code": c, "name": "事项" + c, "materials": "身份证"})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("item at %s: %d %s", c, res.StatusCode, res.Body)
		}
		var it community.CatalogueItem
		res.JSON(t, &it)
		items[c] = strconv.FormatInt(it.ID, 10)
	}
	hallVersion := map[string]int{}
	var out []Scenario
	for role, area := range home {
		read, edit := slices.Contains(community.ReadRoles, role), slices.Contains(community.EditRoles, role)
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			inside := rel == "own"
			name := fmt.Sprintf("%s/%s", role, rel)
			get := expect(read, inside, http.StatusOK, http.StatusNotFound)
			var has []string
			if get == http.StatusOK {
				has = []string{"公告" + code}
			}
			hall := expect(edit, inside, http.StatusOK, http.StatusNotFound)
			out = append(out,
				Scenario{Name: "get notice " + name, Method: "GET", Path: "/api/v1/notices/" + notices[code], Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "patch notice " + name, Method: "PATCH", Path: "/api/v1/notices/" + notices[code], Role: role, Area: area,
					Body: map[string]any{"body": "正文 " + name}, Status: expect(edit, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "create notice " + name, Method: "POST", Path: "/api/v1/notices", Role: role, Area: area,
					Body:   map[string]any{"division_code": code, "kind": "public_notice", "title": "公示 " + name, "body": "内容", "ends_on": today},
					Status: expect(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "hall phone " + name, Method: "PUT", Path: "/api/v1/communities/" + code + "/hall", Role: role, Area: area,
					Body: map[string]any{"phone": fmt.Sprintf("0318-21%05d", len(out)), "version": hallVersion[code]}, Status: hall},
				// The page is public: every role reads every community's.
				Scenario{Name: "page " + name, Method: "GET", Path: "/api/v1/communities/" + code, Role: role, Area: area, Status: http.StatusOK,
					Contains: []string{"公告" + code, "事项" + code}},
			)
			if hall == http.StatusOK {
				hallVersion[code]++
			}
		}
		for rel, code := range relatives(area) {
			if code == apptest.City {
				continue // the catalogue is kept at a county or below
			}
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			list := expect(read, inside, http.StatusOK, http.StatusNotFound)
			var has []string
			if list == http.StatusOK {
				has = []string{"事项" + code}
			}
			out = append(out,
				Scenario{Name: "list items " + name, Method: "GET", Path: "/api/v1/catalogue-items?division=" + code, Role: role, Area: area, Status: list, Contains: has},
				Scenario{Name: "patch item " + name, Method: "PATCH", Path: "/api/v1/catalogue-items/" + items[code], Role: role, Area: area,
					Body: map[string]any{"times": "工作日 " + name}, Status: expect(edit, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "create item " + name, Method: "POST", Path: "/api/v1/catalogue-items", Role: role, Area: area,
					Body: map[string]any{"division_code": code, "name": "新事项 " + name}, Status: expect(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
			)
		}
		s := Scenario{Name: "list notices " + string(role), Method: "GET", Path: "/api/v1/notices?per_page=200", Role: role, Area: area,
			Status: expect(read, true, http.StatusOK, 0)}
		if s.Status == http.StatusOK {
			s.Contains = []string{"公告" + apptest.Community}
			if area != apptest.City {
				s.NotContains = []string{"公告" + apptest.FarCommunity}
			}
		}
		out = append(out, s)
	}
	fixed := []Scenario{
		{Name: "anonymous page", Method: "GET", Path: "/api/v1/communities/" + apptest.Community, Status: http.StatusOK,
			Contains:    []string{`"name":"游园社区居民委员会"`, "公告" + apptest.Community, "事项" + apptest.Community, "事项" + apptest.Township, "事项" + apptest.County},
			NotContains: []string{"公告" + apptest.SiblingCommunity, "事项" + apptest.SiblingTownship, "事项" + apptest.SiblingCommunity}},
		{Name: "anonymous current notices", Method: "GET", Path: "/api/v1/communities/" + apptest.Community + "/notices", Status: http.StatusOK, Contains: []string{"公告" + apptest.Community}},
		{Name: "anonymous catalogue", Method: "GET", Path: "/api/v1/communities/" + apptest.Community + "/catalogue", Status: http.StatusOK, Contains: []string{"事项" + apptest.County}},
		{Name: "page of a township", Method: "GET", Path: "/api/v1/communities/" + apptest.Township, Status: http.StatusNotFound},
		{Name: "page of nothing", Method: "GET", Path: "/api/v1/communities/abc", Status: http.StatusNotFound},
		{Name: "anonymous list", Method: "GET", Path: "/api/v1/notices", Status: http.StatusUnauthorized},
		{Name: "anonymous create", Method: "POST", Path: "/api/v1/notices", Body: map[string]any{"title": "x"}, Status: http.StatusUnauthorized},
		{Name: "anonymous hall", Method: "PUT", Path: "/api/v1/communities/" + apptest.Community + "/hall", Body: map[string]any{"phone": "0318-1234567", "version": 0}, Status: http.StatusUnauthorized},
		{Name: "invalid notice", Method: "POST", Path: "/api/v1/notices", Role: auth.CommunityWorker, Area: apptest.Community,
			Body:   map[string]any{"division_code": apptest.Community, "kind": "x", "title": "", "body": "", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"kind"`, `"location":"title"`, `"location":"body"`, `"location":"ends_on"`}},
		{Name: "notice at a township", Method: "POST", Path: "/api/v1/notices", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"division_code": apptest.Township, "kind": "announcement", "title": "t", "body": "b", "ends_on": today}, Status: http.StatusUnprocessableEntity,
			Contains: []string{`"location":"division_code"`}},
		{Name: "bad phone", Method: "PUT", Path: "/api/v1/communities/" + apptest.Community + "/hall", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"phone": "call me", "version": 0}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"phone"`}},
		{Name: "stale hall version", Method: "PUT", Path: "/api/v1/communities/" + apptest.Community + "/hall", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"phone": "0318-7654321", "version": 0}, Status: http.StatusConflict},
		{Name: "withdraw", Method: "PATCH", Path: "/api/v1/notices/" + notices[apptest.CousinCommunity], Role: auth.TownshipStaff, Area: apptest.SiblingTownship,
			Body: map[string]any{"status": "withdrawn"}, Status: http.StatusOK, Contains: []string{`"status":"withdrawn"`, `"currently_shown":false`}},
		{Name: "withdrawn not shown", Method: "GET", Path: "/api/v1/communities/" + apptest.CousinCommunity, Status: http.StatusOK, NotContains: []string{"公告" + apptest.CousinCommunity}},
		{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/communities/{code}`, `/api/v1/catalogue-items/{id}`}},
	}
	apptest.RunScenarios(t, e, append(out, fixed...))
}

// The pages: the community page is public; the workers' pages need an
// account of a role that keeps notices.
func TestCommunityPageScenarios(t *testing.T) {
	e := apptest.New(t)
	anon := e.NewClient()
	if res := anon.Get("/communities/" + apptest.Community); res.StatusCode != http.StatusOK {
		t.Fatalf("public page: %d", res.StatusCode)
	}
	if res := anon.Get("/communities/" + apptest.Community + "/catalogue.xlsx"); res.StatusCode != http.StatusOK {
		t.Errorf("public export: %d", res.StatusCode)
	}
	if res := anon.Get("/notices"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("anonymous notices: %d", res.StatusCode)
	}
	for role, area := range home {
		c := e.Session(role, area)
		mine := "/notices"
		if area == apptest.Community {
			mine = "/communities/" + apptest.Community
		}
		if res := c.Get("/community"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != mine {
			t.Errorf("%s: /community sent to %d %q, want %s", role, res.StatusCode, res.Header.Get("Location"), mine)
		}
		want := http.StatusOK
		if !slices.Contains(community.ReadRoles, role) {
			want = http.StatusForbidden
		}
		if res := c.Get("/notices"); res.StatusCode != want {
			t.Errorf("%s: /notices %d, want %d", role, res.StatusCode, want)
		}
		if res := c.Get("/catalogue?division=" + area); area != apptest.City && res.StatusCode != want {
			t.Errorf("%s: /catalogue %d, want %d", role, res.StatusCode, want)
		}
		wantNew := http.StatusOK
		if !slices.Contains(community.EditRoles, role) {
			wantNew = http.StatusForbidden
		}
		if res := c.Get("/notices/new"); res.StatusCode != wantNew {
			t.Errorf("%s: /notices/new %d, want %d", role, res.StatusCode, wantNew)
		}
	}
}

// The workers' forms: publish, edit and withdraw a notice; add, edit and
// withdraw a catalogue service; a bad value comes back on the form and
// changes nothing; another community's records are not found.
func TestCommunityForms(t *testing.T) {
	e := apptest.New(t)
	w := e.Session(auth.CommunityWorker, apptest.Community)
	other := e.Session(auth.CommunityWorker, apptest.SiblingCommunity)
	today := e.App.Communities.Today()
	res := w.PostForm("/notices", url.Values{"division_code": {apptest.Community}, "kind": {"announcement"}, "title": {"停水通知"},
		"body": {"周三停水"}, "starts_on": {today}, "ends_on": {today}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/communities/"+apptest.Community {
		t.Fatalf("publish: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	ns, _, err := e.App.Communities.CurrentNotices(e.Ctx, apptest.Community, 1, 10)
	if err != nil || len(ns) != 1 {
		t.Fatalf("published: %v %v", ns, err)
	}
	id := strconv.FormatInt(ns[0].ID, 10)
	if res := w.Get("/notices/" + id + "/edit"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "停水通知") {
		t.Errorf("edit form: %d", res.StatusCode)
	}
	if res := other.Get("/notices/" + id + "/edit"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another community's edit form: %d", res.StatusCode)
	}
	res = w.PostForm("/notices/"+id, url.Values{"kind": {"announcement"}, "title": {""}, "body": {"周三停水"}, "starts_on": {today}, "ends_on": {today}, "version": {"1"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-title"`) {
		t.Errorf("empty title: %d", res.StatusCode)
	}
	if res := other.PostForm("/notices/"+id+"/withdraw", url.Values{"version": {"1"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another community withdraws: %d", res.StatusCode)
	}
	if res := w.PostForm("/notices/"+id+"/withdraw", url.Values{"version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw: %d %s", res.StatusCode, res.Body)
	}
	if ns, _, _ := e.App.Communities.CurrentNotices(e.Ctx, apptest.Community, 1, 10); len(ns) != 0 {
		t.Errorf("a withdrawn notice is shown: %+v", ns)
	}

	res = w.PostForm("/catalogue", url.Values{"division_code": {apptest.Community}, "name": {"开具证明"}, "materials": {"身份证"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a service: %d %s", res.StatusCode, res.Body)
	}
	if res := w.PostForm("/catalogue", url.Values{"division_code": {apptest.Community}, "name": {""}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a service without a name: %d", res.StatusCode)
	}
	items, err := e.App.Communities.Catalogue(e.Ctx, apptest.Community)
	if err != nil || len(items) != 1 {
		t.Fatalf("catalogue: %v %v", items, err)
	}
	iid := strconv.FormatInt(items[0].ID, 10)
	if res := w.Get("/catalogue/" + iid + "/edit"); res.StatusCode != http.StatusOK {
		t.Errorf("item edit form: %d", res.StatusCode)
	}
	if res := other.Get("/catalogue/" + iid + "/edit"); res.StatusCode != http.StatusNotFound {
		t.Errorf("another community's item form: %d", res.StatusCode)
	}
	if res := w.PostForm("/catalogue/"+iid, url.Values{"name": {"开具居住证明"}, "materials": {"身份证、户口簿"}, "version": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("edit a service: %d %s", res.StatusCode, res.Body)
	}
	if res := w.PostForm("/catalogue/"+iid+"/withdraw", url.Values{"version": {"2"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("withdraw a service: %d %s", res.StatusCode, res.Body)
	}
	if items, _ := e.App.Communities.Catalogue(e.Ctx, apptest.Community); len(items) != 0 {
		t.Errorf("a withdrawn service is listed: %+v", items)
	}
	if res := w.PostForm("/communities/"+apptest.Community+"/hall", url.Values{"phone": {"请拨打"}, "version": {"0"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "0318-2345678") {
		t.Errorf("a bad hall phone: %d", res.StatusCode)
	}
	if res := w.PostForm("/communities/"+apptest.Community+"/hall", url.Values{"phone": {"0318-2123456"}, "version": {"0"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("hall phone: %d %s", res.StatusCode, res.Body)
	}
	if res := other.PostForm("/communities/"+apptest.Community+"/hall", url.Values{"phone": {"0318-2123457"}, "version": {"1"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("another community's hall phone: %d", res.StatusCode)
	}
	if res := e.NewClient().Get("/communities/" + apptest.Community); !strings.Contains(res.Body, "0318-2123456") {
		t.Errorf("the page lacks the hall's phone")
	}
}
