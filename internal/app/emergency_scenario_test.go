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
	"shequ/internal/emergency"
	"shequ/internal/platform/auth"
)

// emergencyFixture sends three alerts as the city (to the township, the
// sibling township and the sibling county, each with the people seeded
// there) and keeps a plan, a drill and a station in four communities.
type emergencyFixture struct {
	alerts map[string]string // area → alert id
	// A plan version with its scanned page and a drill with its photo,
	// in each of the four communities.
	planFile, drillPhoto map[string]int64
	taskOwn              string // a task in apptest.Community
	taskSib              string // a task in apptest.SiblingCommunity
}

var emergencyAlertAreas = []string{apptest.Township, apptest.SiblingTownship, apptest.SiblingCounty}

// expectStatus is a row's status: 403 for a role not allowed, outside for
// a record outside the caller's area, ok otherwise.
func expectStatus(allowed, inside bool, ok, outside int) int {
	switch {
	case !allowed:
		return http.StatusForbidden
	case !inside:
		return outside
	}
	return ok
}

func seedEmergency(t *testing.T, e *apptest.Env) emergencyFixture {
	t.Helper()
	seedPersons(t, e)
	city := e.Token(auth.CityStaff, apptest.City)
	today := e.App.Emergencies.Now().Format("2006-01-02")
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		for path, body := range map[string]map[string]any{
			"/api/v1/emergency/plans":         {"community_code": c, "title": "预案" + c},
			"/api/v1/emergency/drills":        {"community_code": c, "held_on": today, "kind": "fire", "participants": 30, "note": "演练" + c},
			"/api/v1/emergency/fire-stations": {"community_code": c, "place": "消防站" + c, "members": 5, "phone": "0318-2000119"},
		} {
			if res := e.API("POST", path, city, body); res.StatusCode != http.StatusCreated {
				t.Fatalf("%s at %s: %d %s", path, c, res.StatusCode, res.Body)
			}
		}
	}
	f := emergencyFixture{alerts: map[string]string{}, planFile: map[string]int64{}, drillPhoto: map[string]int64{}}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		p, err := e.App.Emergencies.AddPlan(e.Ctx, emergency.PlanInput{CommunityCode: c, Title: "预案" + c + "（扫描件）"}, apptest.Photo(t))
		if err != nil {
			t.Fatal(err)
		}
		d, err := e.App.Emergencies.AddDrill(e.Ctx, emergency.DrillInput{CommunityCode: c, HeldOn: today, Kind: "flood", Participants: 20}, apptest.Photo(t))
		if err != nil {
			t.Fatal(err)
		}
		f.planFile[c], f.drillPhoto[c] = p.ID, d.ID
	}
	for _, area := range emergencyAlertAreas {
		res := e.API("POST", "/api/v1/emergency/alerts", city, map[string]any{"area_code": area, "kind": "flood", "level": "yellow", "body": "预警" + area})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("alert to %s: %d %s", area, res.StatusCode, res.Body)
		}
		var a emergency.Alert
		res.JSON(t, &a)
		f.alerts[area] = strconv.FormatInt(a.ID, 10)
	}
	res := e.API("GET", "/api/v1/emergency/alerts/"+f.alerts[apptest.Township]+"/tasks", city, nil)
	var tasks struct{ Items []emergency.Task }
	res.JSON(t, &tasks)
	for _, tk := range tasks.Items {
		switch tk.CommunityCode {
		case apptest.Community:
			f.taskOwn = strconv.FormatInt(tk.ID, 10)
		case apptest.SiblingCommunity:
			f.taskSib = strconv.FormatInt(tk.ID, 10)
		}
	}
	if f.taskOwn == "" || f.taskSib == "" {
		t.Fatalf("tasks of the township's alert: %+v", tasks.Items)
	}
	return f
}

// The emergency routes × every role × own, child, sibling and parent
// areas: records are read and kept inside the caller's area; alerts are
// sent by township, county and city staff inside theirs and read by staff
// whose area meets the alert's; tasks are marked by the workers of their
// community.
func TestEmergencyAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		f := seedEmergency(t, e)
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(emergency.ReadRoles, role), slices.Contains(emergency.EditRoles, role)
			send, mark := slices.Contains(emergency.SendRoles, role), slices.Contains(emergency.MarkRoles, role)
			status := expectStatus
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				get := status(read, inside, http.StatusOK, http.StatusNotFound)
				var has []string
				if get == http.StatusOK {
					has = []string{"预案" + code}
				}
				out = append(out,
					Scenario{Name: "plans " + name, Method: "GET", Path: "/api/v1/emergency/communities/" + code + "/plans", Role: role, Area: area, Status: get, Contains: has},
					// Stored files are served only to readers; a plan or drill
					// that does not exist has none.
					Scenario{Name: "plan file of no record " + name, Method: "GET", Path: "/emergency/plans/999999/file", Role: role, Area: area,
						Status: status(read, true, http.StatusNotFound, 0)},
					Scenario{Name: "drill photo of no record " + name, Method: "GET", Path: "/emergency/drills/999999/photo", Role: role, Area: area,
						Status: status(read, true, http.StatusNotFound, 0)},
					Scenario{Name: "plan file " + name, Method: "GET", Path: fmt.Sprintf("/emergency/plans/%d/file", f.planFile[code]), Role: role, Area: area,
						Status: get},
					Scenario{Name: "drill photo " + name, Method: "GET", Path: fmt.Sprintf("/emergency/drills/%d/photo", f.drillPhoto[code]), Role: role, Area: area,
						Status: get},
					Scenario{Name: "add plan " + name, Method: "POST", Path: "/api/v1/emergency/plans", Role: role, Area: area,
						Body: map[string]any{"community_code": code, "title": "新预案"}, Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
					Scenario{Name: "add drill " + name, Method: "POST", Path: "/api/v1/emergency/drills", Role: role, Area: area,
						Body:   map[string]any{"community_code": code, "held_on": "2026-01-05", "kind": "earthquake", "participants": 12},
						Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
					Scenario{Name: "add station " + name, Method: "POST", Path: "/api/v1/emergency/fire-stations", Role: role, Area: area,
						Body:   map[string]any{"community_code": code, "place": "东门", "members": 4, "phone": "0318-2000120"},
						Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				)
			}
			for rel, code := range relatives(area) {
				inside := rel == "own" || rel == "child"
				name := fmt.Sprintf("%s/%s", role, rel)
				out = append(out,
					Scenario{Name: "drills " + name, Method: "GET", Path: "/api/v1/emergency/drills?division=" + code, Role: role, Area: area,
						Status: status(read, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/emergency/figures?division=" + code, Role: role, Area: area,
						Status: status(read, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "send " + name, Method: "POST", Path: "/api/v1/emergency/alerts", Role: role, Area: area,
						Body:   map[string]any{"area_code": code, "kind": "rainstorm", "level": "blue", "body": "暴雨蓝色预警 " + name},
						Status: status(send, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				)
			}
			list := Scenario{Name: "list alerts " + string(role), Method: "GET", Path: "/api/v1/emergency/alerts", Role: role, Area: area,
				Status: status(read, true, http.StatusOK, 0)}
			for _, a := range emergencyAlertAreas {
				meets := areaContains(area, a) || areaContains(a, area)
				out = append(out, Scenario{Name: fmt.Sprintf("alert %s %s", a, role), Method: "GET", Path: "/api/v1/emergency/alerts/" + f.alerts[a],
					Role: role, Area: area, Status: status(read, meets, http.StatusOK, http.StatusNotFound)})
				if list.Status == http.StatusOK && meets {
					list.Contains = append(list.Contains, "预警"+a)
				} else if list.Status == http.StatusOK {
					list.NotContains = append(list.NotContains, "预警"+a)
				}
			}
			out = append(out, list,
				Scenario{Name: "mark own " + string(role), Method: "PUT", Path: "/api/v1/emergency/tasks/" + f.taskOwn, Role: role, Area: area,
					Body: map[string]any{"status": "reached"}, Status: status(mark, areaContains(area, apptest.Community), http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "mark sibling " + string(role), Method: "PUT", Path: "/api/v1/emergency/tasks/" + f.taskSib, Role: role, Area: area,
					Body: map[string]any{"status": "reached"}, Status: status(mark, areaContains(area, apptest.SiblingCommunity), http.StatusOK, http.StatusNotFound)},
			)
		}
		fixed := []Scenario{
			{Name: "anonymous list", Method: "GET", Path: "/api/v1/emergency/alerts", Status: http.StatusUnauthorized},
			{Name: "anonymous send", Method: "POST", Path: "/api/v1/emergency/alerts", Body: map[string]any{"area_code": apptest.Township}, Status: http.StatusUnauthorized},
			{Name: "bad alert", Method: "POST", Path: "/api/v1/emergency/alerts", Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"area_code": "12", "kind": "flood", "level": "blue", "body": ""}, Status: http.StatusUnprocessableEntity,
				Contains: []string{`"location":"area_code"`}},
			{Name: "not reached needs a note", Method: "PUT", Path: "/api/v1/emergency/tasks/" + f.taskOwn, Role: auth.GridWorker, Area: apptest.Community,
				Body: map[string]any{"status": "not_reached"}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"note"`}},
			{Name: "not reached with a note", Method: "PUT", Path: "/api/v1/emergency/tasks/" + f.taskOwn, Role: auth.GridWorker, Area: apptest.Community,
				Body: map[string]any{"status": "not_reached", "note": "家中无人"}, Status: http.StatusOK, Contains: []string{`"status":"not_reached"`}},
			{Name: "coverage", Method: "GET", Path: "/api/v1/emergency/alerts/" + f.alerts[apptest.Township], Role: auth.TownshipStaff, Area: apptest.Township,
				Status: http.StatusOK, Contains: []string{`"pending":2`, apptest.Community, apptest.SiblingCommunity}, NotContains: []string{apptest.CousinCommunity}},
			{Name: "tasks mask names", Method: "GET", Path: "/api/v1/emergency/alerts/" + f.alerts[apptest.Township] + "/tasks", Role: auth.GridWorker,
				Area: apptest.Community, Status: http.StatusOK, Contains: []string{`"reason":"living_alone"`}, NotContains: []string{"矩阵测试", apptest.SiblingCommunity}},
			{Name: "search alerts", Method: "GET", Path: "/api/v1/emergency/alerts?level=yellow&q=" + url.QueryEscape("预警"+apptest.Township), Role: auth.CityStaff,
				Area: apptest.City, Status: http.StatusOK, Contains: []string{"预警" + apptest.Township}, NotContains: []string{"预警" + apptest.SiblingTownship}},
			{Name: "search alerts by level", Method: "GET", Path: "/api/v1/emergency/alerts?level=red", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusOK, NotContains: []string{"预警" + apptest.Township}},
			{Name: "bad alert filter", Method: "GET", Path: "/api/v1/emergency/alerts?kind=meteor", Role: auth.CityStaff, Area: apptest.City,
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"kind"`}},
			{Name: "shelters", Method: "GET", Path: "/api/v1/emergency/shelters", Role: auth.CountyStaff, Area: apptest.County, Status: http.StatusOK},
			{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/emergency/alerts/{id}/tasks`, `/api/v1/emergency/figures`}},
		}
		return append(out, fixed...)
	})
}

// The pages: each role reaches what it may; the sender's form sends, the
// coverage table comes alone to htmx, a grid worker marks from the list
// and a bad mark comes back on the list; the exports are workbooks.
func TestEmergencyPages(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	f := seedEmergency(t, e)
	alert := f.alerts[apptest.Township]
	for role, area := range home {
		c := e.Session(role, area)
		want := http.StatusOK
		if !slices.Contains(emergency.ReadRoles, role) {
			want = http.StatusForbidden
		}
		for _, p := range []string{"/emergency", "/emergency/alerts", "/emergency/alerts/" + alert, "/emergency/alerts/" + alert + "/tasks",
			"/emergency/communities/" + apptest.Community, "/emergency/drills.xlsx"} {
			if res := c.Get(p); res.StatusCode != want {
				t.Errorf("%s: %s %d, want %d", role, p, res.StatusCode, want)
			}
		}
		wantNew := http.StatusOK
		if !slices.Contains(emergency.SendRoles, role) {
			wantNew = http.StatusForbidden
		}
		if res := c.Get("/emergency/alerts/new"); res.StatusCode != wantNew {
			t.Errorf("%s: new alert form %d, want %d", role, res.StatusCode, wantNew)
		}
	}
	county := e.Session(auth.CountyStaff, apptest.County)
	res := county.PostForm("/emergency/alerts", url.Values{"area_code": {apptest.SiblingCounty}, "kind": {"flood"}, "level": {"red"}, "body": {"x"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="e-area_code"`) {
		t.Errorf("alert outside the county: %d", res.StatusCode)
	}
	res = county.PostForm("/emergency/alerts", url.Values{"area_code": {apptest.Township}, "kind": {"flood"}, "level": {"red"}, "body": {"河西街道红色洪水预警"}})
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/emergency/alerts/") {
		t.Fatalf("send: %d %s", res.StatusCode, res.Body)
	}
	page := county.Get(res.Header.Get("Location"))
	if !strings.Contains(page.Body, `hx-trigger="every 5s"`) || !strings.Contains(page.Body, "河西街道红色洪水预警") {
		t.Errorf("coverage page lacks the polling table or the text")
	}
	grid := e.Session(auth.GridWorker, apptest.Community)
	list := grid.Get("/emergency/alerts/" + alert + "/tasks")
	if !strings.Contains(list.Body, `action="/emergency/tasks/`+f.taskOwn+`"`) || strings.Contains(list.Body, "矩阵测试") {
		t.Fatalf("grid worker's list: %s", list.Body)
	}
	if res := grid.PostForm("/emergency/tasks/"+f.taskOwn, url.Values{"status": {"not_reached"}}); res.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `id="err-`+f.taskOwn+`"`) {
		t.Errorf("not reached without a note: %d", res.StatusCode)
	}
	if res := grid.PostForm("/emergency/tasks/"+f.taskSib, url.Values{"status": {"reached"}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("the sibling's task: %d", res.StatusCode)
	}
	if res := grid.PostForm("/emergency/tasks/"+f.taskOwn, url.Values{"status": {"reached"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("mark reached: %d %s", res.StatusCode, res.Body)
	}
	township := e.Session(auth.TownshipStaff, apptest.Township)
	frag := township.Get("/emergency/alerts/" + alert + "/coverage")
	if frag.StatusCode != http.StatusOK || !strings.Contains(frag.Body, `id="coverage-percent">50<`) {
		t.Errorf("coverage: %d %s", frag.StatusCode, frag.Body)
	}
	if x := township.Get("/emergency/alerts/" + alert + "/tasks.xlsx"); x.StatusCode != http.StatusOK || !strings.HasPrefix(x.Body, "PK") {
		t.Errorf("task export: %d", x.StatusCode)
	}
	// A shelter with its capacity shows on the public community page with
	// the plan's version, and in the emergency lists.
	if res := e.API("POST", "/api/v1/facilities", e.Token(auth.CityStaff, apptest.City), map[string]any{"division_code": apptest.Community,
		"kind": "emergency_shelter", "name": "人民公园应急避难场所", "address": "人民路 88 号", "status": "in_use", "capacity": 800}); res.StatusCode != http.StatusCreated {
		t.Fatalf("shelter: %d %s", res.StatusCode, res.Body)
	}
	pub := e.NewClient().Get("/communities/" + apptest.Community)
	if !strings.Contains(pub.Body, "预案"+apptest.Community+"（扫描件）（第 2 版）") || !strings.Contains(pub.Body, "人民公园应急避难场所") || !strings.Contains(pub.Body, "可容纳 800 人") {
		t.Errorf("the community page lacks the plan version or the shelter")
	}
	if res := e.API("GET", "/api/v1/emergency/figures?division="+apptest.Township, e.Token(auth.TownshipStaff, apptest.Township), nil); !strings.Contains(res.Body, `"shelter_capacity":800`) {
		t.Errorf("figures: %s", res.Body)
	}
	w := e.Session(auth.CommunityWorker, apptest.Community)
	if res := w.PostForm("/emergency/communities/"+apptest.Community+"/stations", url.Values{"place": {"北门"}, "members": {"0"}, "phone": {"x"}}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad station: %d", res.StatusCode)
	}
	if res := w.PostForm("/emergency/communities/"+apptest.Community+"/stations", url.Values{"place": {"北门"}, "members": {"6"}, "phone": {"0318-2000121"}}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("station: %d %s", res.StatusCode, res.Body)
	}
}
