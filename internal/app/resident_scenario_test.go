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
	"shequ/internal/platform/auth"
	"shequ/internal/resident"
)

// apiSignUp signs a resident up through the public API, reading the code
// from the app's SMS box, and returns its id and bearer token.
func apiSignUp(t *testing.T, e *apptest.Env, phone, name, community string) (int64, string) {
	t.Helper()
	if res := e.API("POST", "/api/v1/signup/code", "", map[string]any{"phone": phone, "purpose": "signup"}); res.StatusCode != http.StatusAccepted {
		t.Fatalf("code for %s: %d %s", phone, res.StatusCode, res.Body)
	}
	m, ok := e.App.SMSBox.Last(phone)
	if !ok {
		t.Fatalf("no message to %s", phone)
	}
	res := e.API("POST", "/api/v1/signup", "", map[string]any{"phone": phone, "sms_code": m.Params["code"], "display_name": name, "community": community})
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("sign up %s: %d %s", phone, res.StatusCode, res.Body)
	}
	var out struct {
		Token    string            `json:"token"`
		Resident resident.Resident `json:"resident"`
	}
	res.JSON(t, &out)
	return out.Resident.UserID, out.Token
}

func TestResidentAPIScenarios(t *testing.T) {
	e := apptest.New(t)
	// One self-registered resident in each community of the fixture's
	// relations: own, sibling (same township), cousin (other township),
	// far (other county).
	where := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity}
	ids := map[string]string{}
	names := map[string]string{}
	var ownToken string
	for i, c := range where {
		id, tok := apiSignUp(t, e, fmt.Sprintf("1370000%04d", i), "居民"+c[8:], c)
		ids[c], names[c] = strconv.FormatInt(id, 10), "居民"+c[8:]
		if c == apptest.Community {
			ownToken = tok
		}
	}
	var out []Scenario
	n := 0
	for role, area := range home {
		n++
		decide := slices.Contains(resident.VerifyRoles, role)
		a := auth.AreaOf(area, levelOf(area))
		for _, c := range where {
			rel := "outside"
			if a.Contains(c) {
				rel = "inside"
			}
			want := http.StatusOK
			switch {
			case !decide:
				want = http.StatusForbidden
			case rel == "outside":
				want = http.StatusNotFound
			}
			name := fmt.Sprintf("%s@%s/%s %s", role, area, c, rel)
			path := "/api/v1/residents/" + ids[c]
			var has []string
			if want == http.StatusOK {
				has = []string{`"community_code":"` + c + `"`, `"phone":"137****`}
			}
			out = append(out,
				Scenario{Name: "get resident " + name, Method: "GET", Path: path, Role: role, Area: area, Status: want, Contains: has,
					NotContains: []string{"1370000"}},
				// Refuse, then verify: both change the state, so every row
				// that may decide succeeds whatever the order of roles.
				Scenario{Name: "refuse resident " + name, Method: "POST", Path: path + "/refuse", Role: role, Area: area,
					Body: map[string]any{"refusal_reason": "请到社区核实"}, Status: want},
				Scenario{Name: "verify resident " + name, Method: "POST", Path: path + "/verify", Role: role, Area: area, Status: want},
			)
		}
		list := Scenario{Name: "queue " + string(role), Method: "GET", Path: "/api/v1/residents?status=verified", Role: role, Area: area, Status: http.StatusForbidden}
		if decide {
			list.Status = http.StatusOK
			for _, c := range where {
				if a.Contains(c) {
					list.Contains = append(list.Contains, names[c])
				} else {
					list.NotContains = append(list.NotContains, names[c])
				}
			}
		}
		me := Scenario{Name: "own resident " + string(role), Method: "GET", Path: "/api/v1/residents/me", Role: role, Area: area, Status: http.StatusForbidden}
		sms := Scenario{Name: "own SMS " + string(role), Method: "PUT", Path: "/api/v1/residents/me/sms", Role: role, Area: area,
			Body: map[string]any{"on": true}, Status: http.StatusForbidden}
		if role == auth.Resident {
			me.Status = http.StatusNotFound // an account made by staff has no sign-up
			sms.Status = http.StatusNotFound
		}
		// The public routes answer every role as they answer anyone.
		out = append(out, list, me, sms,
			Scenario{Name: "picker search " + string(role), Method: "GET", Path: "/api/v1/divisions/search?q=" + url.QueryEscape("游园"), Role: role, Area: area,
				Status: http.StatusOK, Contains: []string{apptest.Community, "河西街道 › 游园社区"}},
			Scenario{Name: "send code " + string(role), Method: "POST", Path: "/api/v1/signup/code", Role: role, Area: area,
				Body: map[string]any{"phone": fmt.Sprintf("1360000%04d", n), "purpose": "signin"}, Status: http.StatusAccepted},
		)
	}
	fixed := []Scenario{
		{Name: "picker anonymous", Method: "GET", Path: "/api/v1/divisions/search?q=" + url.QueryEscape("社区"), Status: http.StatusOK,
			Contains: []string{apptest.Community, apptest.SiblingCommunity}, NotContains: []string{`"code":"` + apptest.Township + `"`}},
		{Name: "picker children", Method: "GET", Path: "/api/v1/divisions/search?parent=" + apptest.Township, Status: http.StatusOK,
			Contains: []string{apptest.Community, `"choosable":true`, `"trail":[`}},
		{Name: "picker top", Method: "GET", Path: "/api/v1/divisions/search", Status: http.StatusOK, Contains: []string{apptest.County, apptest.SiblingCounty}},
		{Name: "picker bad parent", Method: "GET", Path: "/api/v1/divisions/search?parent=12", Status: http.StatusUnprocessableEntity},
		{Name: "code bad number", Method: "POST", Path: "/api/v1/signup/code", Body: map[string]any{"phone": "12345", "purpose": "signup"},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"phone"`}},
		{Name: "code unknown number", Method: "POST", Path: "/api/v1/signup/code", Body: map[string]any{"phone": "13600000008", "purpose": "recover"},
			Status: http.StatusAccepted},
		{Name: "sign-up wrong code", Method: "POST", Path: "/api/v1/signup", Body: map[string]any{"phone": "13600000007", "sms_code": "123456",
			"display_name": "某", "community": apptest.Community}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"sms_code"`}},
		{Name: "sign-up township", Method: "POST", Path: "/api/v1/signup", Body: map[string]any{"phone": "13600000007", "sms_code": "123456",
			"display_name": "某", "community": apptest.Township}, Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"community"`}},
		{Name: "code sign-in wrong", Method: "POST", Path: "/api/v1/signin/code", Body: map[string]any{"phone": "13700000000", "sms_code": "000000"},
			Status: http.StatusUnprocessableEntity},
		{Name: "recover wrong", Method: "POST", Path: "/api/v1/recover", Body: map[string]any{"phone": "13700000000", "sms_code": "000000", "password": "Neu-Passw0rd-9"},
			Status: http.StatusUnprocessableEntity},
		{Name: "queue anonymous", Method: "GET", Path: "/api/v1/residents", Status: http.StatusUnauthorized},
		{Name: "SMS anonymous", Method: "PUT", Path: "/api/v1/residents/me/sms", Body: map[string]any{"on": true}, Status: http.StatusUnauthorized},
		{Name: "decide anonymous", Method: "POST", Path: "/api/v1/residents/" + ids[apptest.Community] + "/verify", Status: http.StatusUnauthorized},
		{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{"/api/v1/divisions/search", "/api/v1/signup"}},
	}
	apptest.RunScenarios(t, e, append(fixed, out...))
	// The self-registered resident reads their own state (verified by now).
	res := e.API("GET", "/api/v1/residents/me", ownToken, nil)
	if res.StatusCode != http.StatusOK || !contains(res.Body, `"status":"verified"`, `"community_code":"`+apptest.Community+`"`) {
		t.Fatalf("own state: %d %s", res.StatusCode, res.Body)
	}
	// They choose SMS for their own messages, and see the choice.
	if res := e.API("PUT", "/api/v1/residents/me/sms", ownToken, map[string]any{"on": true}); res.StatusCode != http.StatusOK || !contains(res.Body, `"sms":true`) {
		t.Fatalf("own SMS on: %d %s", res.StatusCode, res.Body)
	}
}

// TestResidentPageScenarios: the pages of the queue and of one's own state
// by role, and the public pages to anyone.
func TestResidentPageScenarios(t *testing.T) {
	e := apptest.New(t)
	id, _ := apiSignUp(t, e, "13700001111", "页面居民", apptest.Community)
	anon := e.NewClient()
	for _, p := range []string{"/signup", "/login/code", "/login/recover", "/divisions/pick?community_q=" + url.QueryEscape("游园")} {
		if res := anon.Get(p); res.StatusCode != http.StatusOK {
			t.Errorf("anonymous %s: %d", p, res.StatusCode)
		}
	}
	for role, area := range home {
		c := e.Session(role, area)
		want := http.StatusForbidden
		a := auth.AreaOf(area, levelOf(area))
		if slices.Contains(resident.VerifyRoles, role) {
			want = http.StatusOK
		}
		// Only a resident chooses SMS, and only one who signed up has a
		// number to choose it for.
		swant := http.StatusForbidden
		if role == auth.Resident {
			swant = http.StatusNotFound
		}
		if res := c.PostForm("/residents/me/sms", url.Values{"sms": {"on"}}); res.StatusCode != swant {
			t.Errorf("%s SMS choice: %d, want %d", role, res.StatusCode, swant)
		}
		// A resident's own page; an account staff opened says it has no
		// sign-up instead of answering not found.
		if res := c.Get("/residents/me"); role == auth.Resident {
			if res.StatusCode != http.StatusOK || !contains(res.Body, "没有线上注册记录") || !contains(res.Body, "游园社区") || contains(res.Body, `id="resident-status"`) {
				t.Errorf("staff-made resident's own page: %d %.300s", res.StatusCode, res.Body)
			}
		} else if res.StatusCode != http.StatusForbidden {
			t.Errorf("%s own resident page: %d", role, res.StatusCode)
		}
		res := c.Get("/residents")
		if res.StatusCode != want {
			t.Errorf("%s queue: %d, want %d", role, res.StatusCode, want)
		}
		if want == http.StatusOK && a.Contains(apptest.Community) != contains(res.Body, "页面居民") {
			t.Errorf("%s@%s queue shows the resident: %v", role, area, !a.Contains(apptest.Community))
		}
		// Deciding outside the area is not found; a role that may not is forbidden.
		if !a.Contains(apptest.Community) || want != http.StatusOK {
			dwant := want
			if want == http.StatusOK {
				dwant = http.StatusNotFound
			}
			if res := c.PostForm("/residents/"+strconv.FormatInt(id, 10)+"/verify", url.Values{}); res.StatusCode != dwant {
				t.Errorf("%s@%s verify: %d, want %d", role, area, res.StatusCode, dwant)
			}
		}
	}
	// The community's worker verifies from the page.
	w := e.Session(auth.CommunityWorker, apptest.Community)
	if res := w.PostForm("/residents/"+strconv.FormatInt(id, 10)+"/refuse", url.Values{}); res.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("refuse without a reason: %d", res.StatusCode)
	}
	if res := w.PostForm("/residents/"+strconv.FormatInt(id, 10)+"/verify", url.Values{}); res.StatusCode != http.StatusSeeOther {
		t.Errorf("verify: %d %s", res.StatusCode, res.Body)
	}
	if ok, _ := e.App.Residents.IsVerified(e.Ctx, id); !ok {
		t.Error("not verified after the page's verify")
	}
}

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// The request form: a self-registered resident finds their name, phone
// and community filled in; the community is chosen with the picker (a
// search by name without JavaScript shows the form again with matches),
// and nobody types a code.
func TestRequestFormPicksAndPrefills(t *testing.T) {
	e := apptest.New(t)
	apiSignUp(t, e, "13700002222", "表单居民", apptest.SiblingCommunity)
	c := e.NewClient()
	// Sign in with a code through the pages.
	if res := c.PostForm("/login/code/send", url.Values{"phone": {"13700002222"}}); res.StatusCode != http.StatusOK || !contains(res.Body, `id="code-sent"`) {
		t.Fatalf("send: %d %s", res.StatusCode, res.Body)
	}
	m, _ := e.App.SMSBox.Last("13700002222")
	if res := c.PostForm("/login/code", url.Values{"phone": {"13700002222"}, "sms_code": {m.Params["code"]}}); res.StatusCode != http.StatusSeeOther ||
		res.Header.Get("Location") != "/residents/me" {
		t.Fatalf("code sign-in: %d %s", res.StatusCode, res.Body)
	}
	res := c.Get("/requests/new")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("form: %d", res.StatusCode)
	}
	if !contains(res.Body, `value="表单居民"`, `value="13700002222"`, `name="division_code" value="`+apptest.SiblingCommunity+`" checked`) ||
		contains(res.Body, `id="f-division_code"`) {
		t.Fatalf("the form is not pre-filled with a picker: %s", res.Body)
	}
	// Searching by name without JavaScript.
	res = c.PostForm("/requests/new", url.Values{"division_code_q": {"游园"}, "division_code_find": {"1"}, "description": {"路灯不亮已经一周了"}})
	if res.StatusCode != http.StatusOK || !contains(res.Body, `value="`+apptest.Community+`"`, "路灯不亮已经一周了") {
		t.Fatalf("picker step: %d %s", res.StatusCode, res.Body)
	}
	// Walking the tree.
	res = c.PostForm("/requests/new", url.Values{"division_code_browse": {apptest.Township}})
	if res.StatusCode != http.StatusOK || !contains(res.Body, `value="`+apptest.Community+`"`, `value="`+apptest.SiblingCommunity+`"`) {
		t.Fatalf("browse: %d %s", res.StatusCode, res.Body)
	}
	// The htmx fragment gives only the results.
	res = c.Get("/divisions/pick?picker_field=division_code&picker_action=/requests/new&division_code_q=" + url.QueryEscape("萃景"))
	if res.StatusCode != http.StatusOK || !contains(res.Body, apptest.SiblingCommunity) {
		t.Fatalf("fragment: %d %s", res.StatusCode, res.Body)
	}
}
