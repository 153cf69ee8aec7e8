package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/property"
	"shequ/internal/request"
	"shequ/internal/resident"
)

// creditCode makes a valid unified social credit code from 17 characters.
func creditCode(t testing.TB, first17 string) string {
	c, ok := property.CreditCheck(first17)
	if !ok {
		t.Fatalf("bad credit code stem %q", first17)
	}
	return first17 + string(c)
}

// verify makes the account of role resident in community a verified
// resident of it.
func verify(t testing.TB, e *apptest.Env, community string) int64 {
	u, err := e.App.Users.ByName(e.Ctx, e.User(auth.Resident, community))
	if err != nil {
		t.Fatal(err)
	}
	phone := fmt.Sprintf("139%08d", u.ID)
	sealed, err := e.App.Keys.Seal(phone)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	if err := e.App.Residents.Store.Insert(e.Ctx, u.ID, community, sealed, e.App.Keys.Index(phone), "", "", now); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Residents.Store.Decide(e.Ctx, u.ID, resident.Verified, "", "apptest", now); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// The property slice's routes × every role × own and sibling area:
// companies are seen in their area and below, compounds and committees
// inside the area; office staff keep them; residents see their
// community's compounds, rate them (verified) and file property requests;
// scores are read by office staff of the area.
func TestPropertyAPIScenarios(t *testing.T) {
	apptest.RunIsolated(t, propertyScenarios)
}

func propertyScenarios(t *testing.T, e *apptest.Env) []Scenario {
	city := e.Token(auth.CityStaff, apptest.City)
	create := func(path string, body map[string]any) string {
		res := e.API("POST", path, city, body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("%s: %d %s", path, res.StatusCode, res.Body)
		}
		var v struct{ ID int64 }
		res.JSON(t, &v)
		return strconv.FormatInt(v.ID, 10)
	}
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "安居物业承办账号", Kind: request.UnitCompany, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	companies := map[string]string{
		apptest.County:        create("/api/v1/property/companies", map[string]any{"division_code": apptest.County, "name": "安居物业", "credit_code": creditCode(t, "91131102MA0000001"), "contact": "李经理", "phone": "13800000001", "unit_id": unit.ID}),
		apptest.SiblingCounty: create("/api/v1/property/companies", map[string]any{"division_code": apptest.SiblingCounty, "name": "冀州物业", "credit_code": creditCode(t, "91131103MA0000002"), "contact": "王经理", "phone": "13800000002"}),
	}
	ids := map[string]map[string]string{}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		company := companies[apptest.County]
		if c == apptest.FarCommunity {
			company = companies[apptest.SiblingCounty]
		}
		cid, _ := strconv.ParseInt(company, 10, 64)
		compound := create("/api/v1/property/compounds", map[string]any{"community_code": c, "name": "小区" + c, "households": 300, "buildings": 8,
			"management": "company", "company_id": cid, "contract_start": "2024-01-01", "contract_end": "2099-12-31"})
		xid, _ := strconv.ParseInt(compound, 10, 64)
		ids[c] = map[string]string{
			"compound": compound,
			"owners": create("/api/v1/property/committees", map[string]any{"kind": "owners", "compound_id": xid, "name": "业委会" + c,
				"term_start": "2023-01-01", "term_end": "2025-12-31"}),
			"management": create("/api/v1/property/committees", map[string]any{"kind": "management", "division_code": c, "name": "物管会" + c,
				"term_start": "2024-01-01", "term_end": "2099-12-31"}),
		}
	}
	verify(t, e, apptest.Community)
	year := e.App.Property.Today()[:4]
	var out []Scenario
	for role, area := range home {
		read, edit := slices.Contains(property.ReadRoles, role), slices.Contains(property.EditRoles, role)
		score := slices.Contains(property.ScoreRoles, role)
		status := expectStatus
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			inside := rel == "own"
			name := fmt.Sprintf("%s/%s", role, rel)
			id := ids[code]
			get := status(read, inside, http.StatusOK, http.StatusNotFound)
			change := status(edit, inside, http.StatusOK, http.StatusNotFound)
			var has []string
			if get == http.StatusOK {
				has = []string{"小区" + code}
			}
			rate := http.StatusNotFound // a subject of another community, or not a verified resident
			if role == auth.Resident && inside {
				rate = http.StatusCreated
			} else if !slices.Contains([]auth.Role{auth.Resident}, role) {
				rate = http.StatusForbidden
			}
			file := status(role == auth.Resident, inside, http.StatusCreated, http.StatusNotFound)
			xid, _ := strconv.ParseInt(id["compound"], 10, 64)
			out = append(out,
				Scenario{Name: "get compound " + name, Method: "GET", Path: "/api/v1/property/compounds/" + id["compound"], Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "page compound " + name, Method: "GET", Path: "/property/compounds/" + id["compound"], Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "patch compound " + name, Method: "PATCH", Path: "/api/v1/property/compounds/" + id["compound"], Role: role, Area: area,
					Body: map[string]any{"households": 320}, Status: change},
				Scenario{Name: "get owners " + name, Method: "GET", Path: "/api/v1/property/committees/" + id["owners"], Role: role, Area: area, Status: get,
					Contains: map[bool][]string{true: {`"term_ended":true`}}[get == http.StatusOK]},
				Scenario{Name: "page committee " + name, Method: "GET", Path: "/property/committees/" + id["owners"], Role: role, Area: area, Status: get},
				Scenario{Name: "member " + name, Method: "POST", Path: "/api/v1/property/committees/" + id["owners"] + "/members", Role: role, Area: area,
					Body: map[string]any{"name": "张委员", "role": "member"}, Status: status(edit, inside, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "meeting " + name, Method: "POST", Path: "/api/v1/property/committees/" + id["management"] + "/meetings", Role: role, Area: area,
					Body:   map[string]any{"meeting_date": "2025-03-01", "topic": "物业费调整", "resolutions": "同意按物价部门标准执行"},
					Status: status(edit, inside, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "meetings " + name, Method: "GET", Path: "/api/v1/property/committees/" + id["management"] + "/meetings", Role: role, Area: area, Status: get},
				Scenario{Name: "owners committee " + name, Method: "POST", Path: "/api/v1/property/committees", Role: role, Area: area,
					Body:   map[string]any{"kind": "owners", "compound_id": xid, "name": "第二届业委会", "term_start": "2026-01-01", "term_end": "2030-12-31"},
					Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "create compound " + name, Method: "POST", Path: "/api/v1/property/compounds", Role: role, Area: area,
					Body:   map[string]any{"community_code": code, "name": "新小区", "management": "self"},
					Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "rate " + name, Method: "POST", Path: "/api/v1/ratings", Role: role, Area: area,
					Body: map[string]any{"kind": "property", "id": xid, "level": 5, "occasion": year}, Status: rate},
				Scenario{Name: "file request " + name, Method: "POST", Path: "/api/v1/property/compounds/" + id["compound"] + "/requests", Role: role, Area: area,
					Body: map[string]any{"description": "楼道灯坏了很久没人修"}, Status: file},
			)
		}
		for rel, code := range relatives(area) {
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			out = append(out,
				Scenario{Name: "scores " + name, Method: "GET", Path: "/api/v1/property/scores?division=" + code, Role: role, Area: area,
					Status: status(score, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "list compounds " + name, Method: "GET", Path: "/api/v1/property/compounds?division=" + code, Role: role, Area: area,
					Status: status(read, true, http.StatusOK, 0)},
			)
		}
		// A county's company is seen below it; another county's is not.
		for _, c := range []string{apptest.County, apptest.SiblingCounty} {
			seen := area == apptest.City || c == apptest.County
			name := fmt.Sprintf("%s/company %s", role, c)
			out = append(out,
				Scenario{Name: "get " + name, Method: "GET", Path: "/api/v1/property/companies/" + companies[c], Role: role, Area: area,
					Status: status(read, seen, http.StatusOK, http.StatusNotFound), NotContains: []string{"13800000001", "13800000002"}},
				Scenario{Name: "patch " + name, Method: "PATCH", Path: "/api/v1/property/companies/" + companies[c], Role: role, Area: area,
					Body:   map[string]any{"name": "改名物业"},
					Status: status(edit, area == apptest.City || (c == apptest.County && area == apptest.County), http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "contact " + name, Method: "POST", Path: "/api/v1/property/companies/" + companies[c] + "/contact", Role: role, Area: area,
					Status: status(edit, area == apptest.City || (c == apptest.County && area == apptest.County), http.StatusOK, http.StatusNotFound)},
			)
		}
		list := func(n, path string) Scenario {
			return Scenario{Name: n + " " + string(role), Method: "GET", Path: path, Role: role, Area: area, Status: status(read, true, http.StatusOK, 0)}
		}
		all := list("list all compounds", "/api/v1/property/compounds?per_page=200")
		if all.Status == http.StatusOK {
			all.Contains = []string{"小区" + apptest.Community}
			if area != apptest.City {
				all.NotContains = []string{"小区" + apptest.FarCommunity}
			}
		}
		page := func(n, path string, ok bool) Scenario {
			s := Scenario{Name: n + " " + string(role), Method: "GET", Path: path, Role: role, Area: area, Status: http.StatusOK}
			if !ok {
				s.Status = http.StatusForbidden
			}
			return s
		}
		out = append(out, all,
			list("list companies", "/api/v1/property/companies"),
			list("list committees", "/api/v1/property/committees?ended=true"),
			page("compounds page", "/property/compounds", read),
			page("companies page", "/property/companies", read),
			page("committees page", "/property/committees", read),
			page("compounds export", "/property/compounds/export.xlsx", read),
			page("companies export", "/property/companies/export.xlsx", read),
			page("compounds template", "/property/compounds/template.xlsx", edit),
			page("companies template", "/property/companies/template.xlsx", edit),
			page("scores page", "/property/scores", score),
			page("scores export", "/property/scores/export.xlsx", score),
			page("mine page", "/property/mine", role == auth.Resident),
			Scenario{Name: "mine " + string(role), Method: "GET", Path: "/api/v1/property/mine", Role: role, Area: area,
				Status: map[bool]int{true: http.StatusOK, false: http.StatusForbidden}[role == auth.Resident]},
			Scenario{Name: "create company " + string(role), Method: "POST", Path: "/api/v1/property/companies", Role: role, Area: area,
				Body: map[string]any{"division_code": area, "name": "新物业", "credit_code": creditCode(t, "91131100MA0000"+fmt.Sprintf("%03d", len(role))),
					"contact": "赵", "phone": "0318-2123456"},
				Status: status(edit, true, http.StatusCreated, 0)},
		)
	}
	res := func(c string) string { return ids[c]["compound"] }
	out = append(out,
		Scenario{Name: "anonymous compounds", Method: "GET", Path: "/api/v1/property/compounds", Status: http.StatusUnauthorized},
		Scenario{Name: "anonymous scores", Method: "GET", Path: "/api/v1/property/scores", Status: http.StatusUnauthorized},
		Scenario{Name: "bad credit code", Method: "POST", Path: "/api/v1/property/companies", Role: auth.CountyStaff, Area: apptest.County,
			Body:   map[string]any{"division_code": apptest.County, "name": "错码物业", "credit_code": "91131102MA00000010", "contact": "钱", "phone": "13800000009"},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"credit_code"`}},
		Scenario{Name: "company without contract dates", Method: "POST", Path: "/api/v1/property/compounds", Role: auth.CommunityWorker, Area: apptest.Community,
			Body:   map[string]any{"community_code": apptest.Community, "name": "无合同小区", "management": "company", "company_id": 1},
			Status: http.StatusUnprocessableEntity, Contains: []string{"contract_start", "contract_end"}},
		Scenario{Name: "meeting of an owners' committee", Method: "POST", Path: "/api/v1/property/committees/" + ids[apptest.Community]["owners"] + "/meetings",
			Role: auth.CommunityWorker, Area: apptest.Community, Body: map[string]any{"meeting_date": "2025-03-01", "topic": "议题", "resolutions": "决议"},
			Status: http.StatusUnprocessableEntity},
		Scenario{Name: "routed to the company", Method: "POST", Path: "/api/v1/property/compounds/" + res(apptest.Community) + "/requests",
			Role: auth.Resident, Area: apptest.Community, Body: map[string]any{"description": "电梯停运两天了"}, Status: http.StatusCreated,
			Check: func(t testing.TB, e *apptest.Env, r *apptest.Response) {
				var v struct {
					RequestID int64 `json:"request_id"`
				}
				r.JSON(t, &v)
				got, err := e.App.Requests.Get(app.SystemContext(e.Ctx), v.RequestID)
				if err != nil {
					t.Fatal(err)
				}
				if got.UnitID == nil || *got.UnitID != unit.ID || got.Status != request.StatusDispatched {
					t.Fatalf("the request went to %v (%s), not the company's unit %d", got.UnitID, got.Status, unit.ID)
				}
			}},
		Scenario{Name: "request about another community's compound", Method: "POST", Path: "/api/v1/requests", Role: auth.Resident, Area: apptest.Community,
			Body:   map[string]any{"division_code": apptest.Community, "category_code": "property.service", "description": "小区垃圾清运不及时", "compound_id": mustID(res(apptest.SiblingCommunity))},
			Status: http.StatusUnprocessableEntity, Contains: []string{"compound_id"}},
	)
	return out
}

func mustID(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
