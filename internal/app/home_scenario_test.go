package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/certificate/certtest"
	"shequ/internal/notify"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/web"
	"shequ/internal/request"
)

// homeAreas: the account's home area and its sibling (when the fixture
// has one): an account of the same role at each answers the rows (a role's
// accounts sit at one level, so the parent holds none).
func homeAreas(area string) map[string]string {
	out := map[string]string{"own": area}
	if s := relatives(area)["sibling"]; s != "" {
		out["sibling"] = s
	}
	return out
}

// TestHomeAndInboxScenarios: every role's inbox and home queues, asked by
// an account of the role at its home area and at the sibling area.
//
// Inbox: every role gets a message addressed to its role at its own area,
// at the sibling area and at the parent; each account sees the one
// addressed to its own division only, and can open only its own messages.
// A resident at 游园社区 files a request, which the county dispatches to the
// water company (whose member is the handling unit account at the county):
// the resident and the unit see what concerns them.
//
// Home: four requests wait for dispatch, in 游园社区 and in communities of
// its sibling, parent's sibling and grandparent's sibling; each staff
// account counts those its area holds and no other; a resident sees their
// own requests, a unit what was dispatched to it.
func TestHomeAndInboxScenarios(t *testing.T) {
	e := apptest.New(t)
	ctx := e.Ctx
	// Accounts first: a message's recipients are resolved when it is queued.
	for role, area := range home {
		for _, a := range homeAreas(area) {
			e.Token(role, a)
		}
	}
	water, err := e.App.Requests.CreateUnit(ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	unitAcc, err := e.App.Users.ByName(ctx, e.User(auth.HandlingUnit, apptest.County))
	if err != nil {
		t.Fatal(err)
	}
	if err := e.App.Requests.AddMember(ctx, water.ID, unitAcc.ID); err != nil {
		t.Fatal(err)
	}
	file := func(token, community string, phone bool) string {
		body := map[string]any{"division_code": community, "category_code": "other", "description": "楼道灯坏了，请修理" + community}
		if phone {
			body["phone"] = "13812345678"
		}
		res := e.API("POST", "/api/v1/requests", token, body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("file: %d %s", res.StatusCode, res.Body)
		}
		var r request.Request
		res.JSON(t, &r)
		return strconv.FormatInt(r.ID, 10)
	}
	resident := e.Token(auth.Resident, apptest.Community)
	mine := file(resident, apptest.Community, false)
	dispatched := "/requests/" + mine
	if res := e.API("POST", "/api/v1/requests/"+mine+"/actions", e.Token(auth.CountyStaff, apptest.County),
		map[string]any{"action": "dispatch", "unit_id": water.ID}); res.StatusCode != http.StatusOK {
		t.Fatalf("dispatch: %d %s", res.StatusCode, res.Body)
	}
	waiting := map[string]string{apptest.Community: "/requests/" + file(resident, apptest.Community, false)}
	city := e.Token(auth.CityStaff, apptest.City)
	for _, c := range []string{apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		waiting[c] = "/requests/" + file(city, c, true)
	}
	marker := func(rel string, role auth.Role) string { return "M-" + rel + "-" + string(role) }
	if err := e.App.DB.WithTx(ctx, func(ctx context.Context) error {
		for role, area := range home {
			for rel, code := range map[string]string{"own": area, "sibling": relatives(area)["sibling"], "parent": relatives(area)["parent"]} {
				if code == "" {
					continue
				}
				if err := e.App.Notify.ToStaff(ctx, code, string(role), notify.Note{Key: "request.note.overdue",
					Args: []any{marker(rel, role), "03-09 10:00"}}); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	out := []Scenario{
		{Name: "anonymous inbox", Method: "GET", Path: "/api/v1/inbox", Status: http.StatusUnauthorized},
		{Name: "anonymous home", Method: "GET", Path: "/api/v1/home", Status: http.StatusUnauthorized},
		{Name: "anonymous read", Method: "POST", Path: "/api/v1/inbox/1/read", Status: http.StatusUnauthorized},
	}
	for role, area := range home {
		// The newest message of the account at home, for the read rows.
		var box struct {
			Items []notify.InboxItem `json:"items"`
		}
		e.API("GET", "/api/v1/inbox", e.Token(role, area), nil).JSON(t, &box)
		if len(box.Items) == 0 {
			t.Fatalf("%s@%s has an empty inbox", role, area)
		}
		first := strconv.FormatInt(box.Items[0].ID, 10)
		for rel, a := range homeAreas(area) {
			name := fmt.Sprintf("%s/%s", role, rel)
			inbox := Scenario{Name: "inbox " + name, Method: "GET", Path: "/api/v1/inbox", Role: role, Area: a, Status: http.StatusOK,
				Contains: []string{marker(rel, role)}}
			for _, other := range []string{"own", "sibling", "parent"} {
				if other != rel {
					inbox.NotContains = append(inbox.NotContains, marker(other, role))
				}
			}
			read := Scenario{Name: "read " + name, Method: "POST", Path: "/api/v1/inbox/" + first + "/read", Role: role, Area: a, Status: http.StatusOK,
				Contains: []string{`"read_at"`}}
			if rel != "own" {
				read.Status, read.Contains = http.StatusNotFound, nil
			}
			switch {
			case role == auth.Resident && rel == "own":
				inbox.Contains = append(inbox.Contains, "您的诉求已受理", `"link":"`+dispatched+`"`)
			case role == auth.HandlingUnit && rel == "own":
				inbox.Contains = append(inbox.Contains, "已派至本单位", `"link":"`+dispatched+`"`)
			default:
				inbox.NotContains = append(inbox.NotContains, `"link":"`+dispatched+`"`)
			}
			// Home: each role's queues, holding what its area or account holds.
			hm := Scenario{Name: "home " + name, Method: "GET", Path: "/api/v1/home", Role: role, Area: a, Status: http.StatusOK,
				Contains: []string{`"name":"` + apptest.Name(role, a) + `"`}}
			switch {
			case role == auth.HandlingUnit && rel == "own":
				hm.Contains = append(hm.Contains, `"key":"request.home.to_sign"`, `"link":"`+dispatched+`"`)
			case role == auth.HandlingUnit, role == auth.Admin, role == auth.Auditor:
				hm.Contains = append(hm.Contains, `"queues":[]`)
			case role == auth.Resident && rel == "own":
				hm.Contains = append(hm.Contains, `"key":"request.home.mine"`, `"link":"`+dispatched+`"`, `"link":"`+waiting[apptest.Community]+`"`)
			case role == auth.Resident:
				hm.Contains = append(hm.Contains, `"key":"request.home.mine"`)
				hm.NotContains = []string{`"link":"` + dispatched + `"`, `"link":"` + waiting[apptest.Community] + `"`}
			default:
				hm.Contains = append(hm.Contains, `"key":"request.home.to_dispatch"`)
				hm.NotContains = []string{`"link":"` + dispatched + `"`}
				prefix := auth.AreaOf(a, levelOf(a)).Prefix
				for c, link := range waiting {
					if strings.HasPrefix(c, prefix) {
						hm.Contains = append(hm.Contains, `"link":"`+link+`"`)
					} else {
						hm.NotContains = append(hm.NotContains, `"link":"`+link+`"`)
					}
				}
			}
			out = append(out, inbox, read, hm)
		}
	}
	apptest.RunScenarios(t, e, out)
}

func levelOf(code string) int {
	switch {
	case strings.HasSuffix(code, "00000000"):
		return 2
	case strings.HasSuffix(code, "000000"):
		return 3
	case strings.HasSuffix(code, "000"):
		return 4
	}
	return 5
}

// TestHomePageGreetsAndCounts: the home page greets by display name, shows
// the work queue with its count, keeps the menu, and every page's header
// carries the unread count, which falls when a message is opened.
func TestHomePageGreetsAndCounts(t *testing.T) {
	e := apptest.New(t)
	name := e.User(auth.TownshipStaff, apptest.Township)
	if _, err := e.App.DB.W(e.Ctx).ExecContext(e.Ctx, `UPDATE users SET display_name = '李四' WHERE name = $1`, name); err != nil {
		t.Fatal(err)
	}
	s := e.Session(auth.TownshipStaff, apptest.Township)
	if err := e.App.DB.WithTx(e.Ctx, func(ctx context.Context) error {
		return e.App.Notify.ToStaff(ctx, apptest.Township, string(auth.TownshipStaff),
			notify.Note{Key: "request.note.overdue", Args: []any{"260309-7", "03-09 10:00"}, Object: "request", ID: 7, Link: "/requests/7"})
	}); err != nil {
		t.Fatal(err)
	}
	page := s.Get("/")
	for _, want := range []string{"欢迎，李四", `id="queue-request.home.to_dispatch"`, `id="queue-care.home.due"`, `id="home-tiles"`,
		`id="unread-count"`, ">1</span>"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, "欢迎，"+name) {
		t.Error("the home page greets by login")
	}
	inbox := s.Get("/inbox")
	i := strings.Index(inbox.Body, `href="/inbox/`)
	if inbox.StatusCode != http.StatusOK || i < 0 || !strings.Contains(inbox.Body, "诉求 260309-7 已超期") {
		t.Fatalf("inbox: %d %s", inbox.StatusCode, inbox.Body)
	}
	link := inbox.Body[i+len(`href="`):]
	link = link[:strings.Index(link, `"`)]
	msg := s.Get(link)
	if msg.StatusCode != http.StatusOK || !strings.Contains(msg.Body, `href="/requests/7"`) || strings.Contains(msg.Body, `id="unread-count"`) {
		t.Fatalf("opened message: %d %s", msg.StatusCode, msg.Body)
	}
	if other := e.Session(auth.TownshipStaff, apptest.SiblingTownship).Get(link); other.StatusCode != http.StatusNotFound {
		t.Errorf("another township opened the message: %d", other.StatusCode)
	}
}

// TestHomeVolunteerAndCertificateQueues: a volunteer's certificate request
// waits on the home of the community's worker (not on the sibling
// community's), and on the volunteer's own home with its state; once
// decided it leaves the worker's queue.
func TestHomeVolunteerAndCertificateQueues(t *testing.T) {
	e := apptest.New(t)
	w := certtest.Seed(e)
	vtok, _, err := e.App.Sessions.CreateToken(e.Ctx, w.UserID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	res := e.API("POST", "/api/v1/certificate-requests", vtok, map[string]any{"org_id": w.Org.ID, "from": "2026-03-01", "to": "2026-03-31"})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("ask: %d %s", res.StatusCode, res.Body)
	}
	var asked map[string]any
	res.JSON(t, &asked)
	queue := func(tok, key string) web.Queue {
		t.Helper()
		var h struct {
			Queues []web.Queue `json:"queues"`
		}
		e.API("GET", "/api/v1/home", tok, nil).JSON(t, &h)
		for _, q := range h.Queues {
			if q.Key == key {
				return q
			}
		}
		t.Fatalf("no queue %s in %+v", key, h.Queues)
		return web.Queue{}
	}
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	if q := queue(worker, "certificate.home.to_decide"); q.Count != 1 || len(q.Items) != 1 || !strings.Contains(q.Items[0].Text, certtest.Name) {
		t.Errorf("the worker's queue: %+v", q)
	}
	if q := queue(e.Token(auth.CommunityWorker, apptest.SiblingCommunity), "certificate.home.to_decide"); q.Count != 0 {
		t.Errorf("the sibling community's worker's queue: %+v", q)
	}
	if q := queue(vtok, "certificate.home.mine"); q.Count != 1 || !strings.Contains(q.Items[0].Note, "待出具") {
		t.Errorf("the volunteer's own: %+v", q)
	}
	queue(vtok, "volunteer.home.mine")
	queue(worker, "volunteer.home.today")
	queue(worker, "volunteer.home.corrections")
	if res := e.API("POST", fmt.Sprintf("/api/v1/certificate-requests/%v/decision", asked["id"]), worker,
		map[string]any{"issue": true}); res.StatusCode != http.StatusOK {
		t.Fatalf("decide: %d %s", res.StatusCode, res.Body)
	}
	if q := queue(worker, "certificate.home.to_decide"); q.Count != 0 {
		t.Errorf("decided, still waiting: %+v", q)
	}
	if q := queue(vtok, "certificate.home.mine"); q.Count != 1 || !strings.Contains(q.Items[0].Note, "已出具") {
		t.Errorf("the volunteer's own after the decision: %+v", q)
	}
}
