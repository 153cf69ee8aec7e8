package volunteer_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// Staff pages over HTTP: register a volunteer for a resident (a bad form
// comes back with its errors and nothing saved), create an organisation,
// make the volunteer its lead by ID number; the lead then sees the publish
// link. Pages never show a full ID number or phone.
func TestStaffPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Session(auth.CommunityWorker, apptest.Community)
	if res := staff.Get("/volunteers/new"); res.StatusCode != http.StatusOK || !strings.Contains(res.Body, `value="`+apptest.Community+`"`) {
		t.Fatalf("new volunteer form: %d", res.StatusCode)
	}
	form := url.Values{"community_code": {apptest.Community}, "real_name": {"赵大妈"}, "id_number": {"110101199003074478"}, "phone": {"13800138000"}, "skills": {"剪纸"}}
	res := staff.PostForm("/volunteers", form)
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "e-id_number") || strings.Contains(res.Body, "110101199003074478") {
		t.Fatalf("bad ID number: %d %s", res.StatusCode, res.Body)
	}
	form.Set("id_number", "110101199003074477")
	if res := staff.PostForm("/volunteers", form); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d %s", res.StatusCode, res.Body)
	}
	res = staff.Get("/volunteers")
	if !strings.Contains(res.Body, "赵大妈") || !strings.Contains(res.Body, "138****8000") || strings.Contains(res.Body, "13800138000") || strings.Contains(res.Body, "110101199003074477") {
		t.Fatalf("list: %s", res.Body)
	}
	res = staff.PostForm("/volunteer-orgs", url.Values{"division_code": {apptest.Community}, "name": {"游园社区志愿服务队"}, "kind": {"volunteer_team"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("create org: %d %s", res.StatusCode, res.Body)
	}
	orgPath := res.Header.Get("Location")
	if res := staff.PostForm(orgPath+"/members", url.Values{"id_number": {"11010519491231002X"}, "lead": {"1"}}); res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "e-id_number") {
		t.Fatalf("unknown ID number: %d", res.StatusCode)
	}
	if res := staff.PostForm(orgPath+"/members", url.Values{"id_number": {"110101199003074477"}, "lead": {"1"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("add member: %d %s", res.StatusCode, res.Body)
	}
	if res := staff.Get(orgPath); !strings.Contains(res.Body, "赵大妈") || !strings.Contains(res.Body, "负责人") {
		t.Fatalf("org page: %s", res.Body)
	}
	// The township's station is on the worker's list, for activities,
	// but not as a link: its page, with the whole township's members, is
	// the township's to open.
	town := e.Session(auth.TownshipStaff, apptest.Township)
	res = town.PostForm("/volunteer-orgs", url.Values{"division_code": {apptest.Township}, "name": {"河西街道志愿服务站"}, "kind": {"practice_station"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("township creates its station: %d %s", res.StatusCode, res.Body)
	}
	station := res.Header.Get("Location")
	if res := staff.Get("/volunteer-orgs"); !strings.Contains(res.Body, `href="`+orgPath+`"`) || !strings.Contains(res.Body, "河西街道志愿服务站") ||
		strings.Contains(res.Body, `href="`+station+`"`) || !strings.Contains(res.Body, "上级组织") {
		t.Fatalf("orgs page: %s", res.Body)
	}
	if res := staff.Get(station); res.StatusCode != http.StatusNotFound {
		t.Fatalf("the worker opens the station: %d", res.StatusCode)
	}
	if res := town.Get("/volunteer-orgs"); !strings.Contains(res.Body, `href="`+station+`"`) || !strings.Contains(res.Body, `href="`+orgPath+`"`) {
		t.Fatalf("township's orgs page: %s", res.Body)
	}
	// A sibling community's worker cannot open the organisation.
	if res := e.Session(auth.CommunityWorker, apptest.SiblingCommunity).Get(orgPath); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sibling opens the org: %d", res.StatusCode)
	}
	// Residents see their page and the activities, not the staff pages.
	res1 := e.Session(auth.Resident, apptest.Community)
	for path, want := range map[string]int{"/volunteer": 200, "/activities": 200, "/volunteers": 403, "/volunteer-orgs": 403, "/volunteers/new": 403} {
		if res := res1.Get(path); res.StatusCode != want {
			t.Errorf("resident %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	// English pages have no untranslated keys.
	staff.Lang = "en"
	for _, p := range []string{"/volunteers", "/volunteer-orgs", orgPath, "/activities", "/activities/new", "/volunteers/new", "/volunteer/corrections"} {
		res := staff.Get(p)
		if res.StatusCode != http.StatusOK || strings.Contains(res.Body, "volunteer.") {
			t.Errorf("%s in English: %d, key shown: %v", p, res.StatusCode, strings.Contains(res.Body, "volunteer."))
		}
	}
}
