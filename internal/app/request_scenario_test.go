package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/care"
	"shequ/internal/division"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/upload"
	"shequ/internal/request"
)

// requestScenarios: the request API, route × role × relation. One
// request is filed by a resident of each of four communities; the one in
// apptest.Community is dispatched to a county water company whose account
// (handling_unit@County) holds it. A resident sees only their own, a unit
// only what was dispatched to it (phone unmasked while it holds it), staff
// their area (phones masked); auditors and admins nothing.
func requestScenarios(t *testing.T, e *apptest.Env) []Scenario {
	s := e.App.Requests
	water, err := s.CreateUnit(e.Ctx, request.Unit{Name: "桃城区供水公司", Kind: request.UnitUtility, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	e.User(auth.HandlingUnit, apptest.County)
	acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.HandlingUnit, apptest.County))
	if err := s.AddMember(e.Ctx, water.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	communities := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity}
	reqAt := map[string]*request.Request{}
	for i, c := range communities {
		e.User(auth.Resident, c)
		ra, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.Resident, c))
		ctx := auth.With(context.Background(), &auth.Principal{UserID: ra.ID, Name: ra.Name, Role: auth.Resident, Area: auth.AreaOf(c, division.Community)})
		r, err := s.Create(ctx, request.Intake{DivisionCode: c, CategoryCode: "utility.water", Description: fmt.Sprintf("第%d个小区停水", i),
			Phone: fmt.Sprintf("1381234%04d", 5670+i), Photos: []*upload.File{apptest.Photo(t)}})
		if err != nil {
			t.Fatal(err)
		}
		if r, err = s.Get(ctx, r.ID); err != nil || len(r.Photos) != 1 {
			t.Fatalf("request at %s: %+v %v", c, r, err)
		}
		reqAt[c] = r
	}
	own := reqAt[apptest.Community]
	if _, err := s.Act(e.Ctx, own.ID, request.Action{Action: request.ActDispatch, UnitID: water.ID}); err != nil {
		t.Fatal(err)
	}
	path := func(r *request.Request) string { return fmt.Sprintf("/api/v1/requests/%d", r.ID) }
	// photo is the page route of a request's own photo.
	photo := func(r *request.Request) string { return fmt.Sprintf("/requests/%d/photos/%d", r.ID, r.Photos[0]) }
	// where a request stands for a relation of a staff area.
	at := func(area, rel string) string {
		switch {
		case rel == "own" || rel == "child":
			return apptest.Community
		case area == apptest.County:
			return apptest.FarCommunity
		case area == apptest.Township:
			return apptest.CousinCommunity
		}
		return apptest.SiblingCommunity
	}
	newReq := func(c string) map[string]any {
		return map[string]any{"division_code": c, "category_code": "city.road", "description": "路面有大坑需要修补", "phone": "13900001111"}
	}
	remind := map[string]any{"action": "remind", "note": "请抓紧处理"}
	out := []Scenario{
		{Name: "list anonymous", Method: "GET", Path: "/api/v1/requests", Status: http.StatusUnauthorized},
		{Name: "get anonymous", Method: "GET", Path: path(own), Status: http.StatusUnauthorized},
		{Name: "create anonymous", Method: "POST", Path: "/api/v1/requests", Body: newReq(apptest.Community), Status: http.StatusUnauthorized},
		{Name: "act anonymous", Method: "POST", Path: path(own) + "/actions", Body: remind, Status: http.StatusUnauthorized},
		{Name: "categories", Method: "GET", Path: "/api/v1/requests/categories", Role: auth.Resident, Area: apptest.Community, Status: http.StatusOK,
			Contains: []string{`"code":"utility.water"`}},
		{Name: "units for township", Method: "GET", Path: "/api/v1/requests/units?division=" + apptest.Community, Role: auth.TownshipStaff,
			Area: apptest.Township, Status: http.StatusOK, Contains: []string{"桃城区供水公司"}},
		{Name: "bad status", Method: "GET", Path: "/api/v1/requests?status=lost", Role: auth.TownshipStaff, Area: apptest.Township,
			Status: http.StatusUnprocessableEntity},
		{Name: "bad action", Method: "POST", Path: path(own) + "/actions", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"action": "explode"}, Status: http.StatusUnprocessableEntity},
		{Name: "create bad fields", Method: "POST", Path: "/api/v1/requests", Role: auth.Resident, Area: apptest.Community,
			Body: map[string]any{"division_code": apptest.Township, "category_code": "nope", "description": "短"}, Status: http.StatusUnprocessableEntity,
			Contains: []string{"division_code", "category_code", "description"}},
		// Residents: their own request only, phone whole.
		{Name: "resident own", Method: "GET", Path: path(own), Role: auth.Resident, Area: apptest.Community, Status: http.StatusOK,
			Contains: []string{`"phone":"13812345670"`, own.Number}},
		{Name: "resident other", Method: "GET", Path: path(reqAt[apptest.SiblingCommunity]), Role: auth.Resident, Area: apptest.Community, Status: http.StatusNotFound},
		// A request's photo is served only through a request the caller
		// may read; one the request does not have is not found.
		{Name: "photo of no record own", Method: "GET", Path: strings.TrimPrefix(path(own), "/api/v1") + "/photos/999999", Role: auth.Resident, Area: apptest.Community,
			Status: http.StatusNotFound, Contains: []string{"找不到该照片"}},
		{Name: "photo own", Method: "GET", Path: photo(own), Role: auth.Resident, Area: apptest.Community, Status: http.StatusOK},
		{Name: "photo of another's request", Method: "GET", Path: photo(reqAt[apptest.SiblingCommunity]), Role: auth.Resident,
			Area: apptest.Community, Status: http.StatusNotFound},
		{Name: "photo of another's request through own", Method: "GET", Path: fmt.Sprintf("/requests/%d/photos/%d", own.ID, reqAt[apptest.SiblingCommunity].Photos[0]),
			Role: auth.Resident, Area: apptest.Community, Status: http.StatusNotFound},
		{Name: "resident list", Method: "GET", Path: "/api/v1/requests", Role: auth.Resident, Area: apptest.Community, Status: http.StatusOK,
			Contains: []string{own.Number}, NotContains: []string{reqAt[apptest.SiblingCommunity].Number, reqAt[apptest.FarCommunity].Number}},
		{Name: "resident create", Method: "POST", Path: "/api/v1/requests", Role: auth.Resident, Area: apptest.Community,
			Body: newReq(apptest.Community), Status: http.StatusCreated, Contains: []string{`"status":"submitted"`, `"channel":"web"`}},
		{Name: "resident remind", Method: "POST", Path: path(own) + "/actions", Role: auth.Resident, Area: apptest.Community, Body: remind, Status: http.StatusForbidden},
		{Name: "resident rate before reply", Method: "POST", Path: path(own) + "/actions", Role: auth.Resident, Area: apptest.Community,
			Body: map[string]any{"action": "rate", "satisfaction": "satisfied"}, Status: http.StatusConflict},
		// Units: what was dispatched to them, phone whole while they hold it.
		{Name: "unit dispatched", Method: "GET", Path: path(own), Role: auth.HandlingUnit, Area: apptest.County, Status: http.StatusOK,
			Contains: []string{`"phone":"13812345670"`}},
		{Name: "unit not dispatched", Method: "GET", Path: path(reqAt[apptest.SiblingCommunity]), Role: auth.HandlingUnit, Area: apptest.County, Status: http.StatusNotFound},
		{Name: "unit photo dispatched", Method: "GET", Path: photo(own), Role: auth.HandlingUnit, Area: apptest.County, Status: http.StatusOK},
		{Name: "unit photo not dispatched", Method: "GET", Path: photo(reqAt[apptest.SiblingCommunity]), Role: auth.HandlingUnit, Area: apptest.County, Status: http.StatusNotFound},
		{Name: "unit list", Method: "GET", Path: "/api/v1/requests", Role: auth.HandlingUnit, Area: apptest.County, Status: http.StatusOK,
			Contains: []string{own.Number}, NotContains: []string{reqAt[apptest.SiblingCommunity].Number}},
		{Name: "unit create", Method: "POST", Path: "/api/v1/requests", Role: auth.HandlingUnit, Area: apptest.County, Body: newReq(apptest.Community), Status: http.StatusForbidden},
		{Name: "unit remind itself", Method: "POST", Path: path(own) + "/actions", Role: auth.HandlingUnit, Area: apptest.County, Body: remind, Status: http.StatusForbidden},
		{Name: "unit act not dispatched", Method: "POST", Path: path(reqAt[apptest.SiblingCommunity]) + "/actions", Role: auth.HandlingUnit, Area: apptest.County,
			Body: map[string]any{"action": "accept"}, Status: http.StatusNotFound},
	}
	// The dispatch catalogue: city staff edit it; counties add units in
	// their area; others are refused.
	policy := map[string]any{"category_code": "city.road", "division_code": apptest.County, "limits": map[string]string{"general": "24h/5d"}}
	unit := func(code string) map[string]any {
		return map[string]any{"name": "住建局" + code[4:6], "kind": "department", "division_code": code}
	}
	day := map[string]any{"day": "2026-12-31", "kind": "holiday", "name": "测试"}
	out = append(out,
		Scenario{Name: "policy city", Method: "POST", Path: "/api/v1/requests/policies", Role: auth.CityStaff, Area: apptest.City, Body: policy,
			Status: http.StatusCreated, Contains: []string{`"workdays":5`}},
		Scenario{Name: "policy bad limit", Method: "POST", Path: "/api/v1/requests/policies", Role: auth.CityStaff, Area: apptest.City,
			Body:   map[string]any{"category_code": "city.road", "division_code": apptest.County, "limits": map[string]string{"general": "5w"}},
			Status: http.StatusUnprocessableEntity, Contains: []string{"limits"}},
		Scenario{Name: "policy county", Method: "POST", Path: "/api/v1/requests/policies", Role: auth.CountyStaff, Area: apptest.County, Body: policy, Status: http.StatusForbidden},
		Scenario{Name: "policy unit", Method: "POST", Path: "/api/v1/requests/policies", Role: auth.HandlingUnit, Area: apptest.County, Body: policy, Status: http.StatusForbidden},
		Scenario{Name: "policies township", Method: "GET", Path: "/api/v1/requests/policies", Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusOK},
		Scenario{Name: "policies resident", Method: "GET", Path: "/api/v1/requests/policies", Role: auth.Resident, Area: apptest.Community, Status: http.StatusForbidden},
		Scenario{Name: "unit county own", Method: "POST", Path: "/api/v1/requests/units", Role: auth.CountyStaff, Area: apptest.County, Body: unit(apptest.County), Status: http.StatusCreated},
		Scenario{Name: "unit county sibling", Method: "POST", Path: "/api/v1/requests/units", Role: auth.CountyStaff, Area: apptest.County, Body: unit(apptest.SiblingCounty), Status: http.StatusNotFound},
		Scenario{Name: "unit township", Method: "POST", Path: "/api/v1/requests/units", Role: auth.TownshipStaff, Area: apptest.Township, Body: unit(apptest.Township), Status: http.StatusForbidden},
		Scenario{Name: "category city", Method: "PUT", Path: "/api/v1/requests/categories/city.trees", Role: auth.CityStaff, Area: apptest.City,
			Body: map[string]any{"parent_code": "city", "name_zh": "树木修剪", "urgency": "general"}, Status: http.StatusNoContent},
		Scenario{Name: "category county", Method: "PUT", Path: "/api/v1/requests/categories/city.trees", Role: auth.CountyStaff, Area: apptest.County,
			Body: map[string]any{"name_zh": "树木", "urgency": "general"}, Status: http.StatusForbidden},
		Scenario{Name: "category code like a number", Method: "PUT", Path: "/api/v1/requests/categories/1e3", Role: auth.CityStaff, Area: apptest.City,
			Body: map[string]any{"name_zh": "树木", "urgency": "general"}, Status: http.StatusUnprocessableEntity, Contains: []string{`"code"`}},
		Scenario{Name: "category code not under its parent", Method: "PUT", Path: "/api/v1/requests/categories/utility.trees", Role: auth.CityStaff, Area: apptest.City,
			Body: map[string]any{"parent_code": "city", "name_zh": "树木", "urgency": "general"}, Status: http.StatusUnprocessableEntity, Contains: []string{`"code"`}},
		Scenario{Name: "category county bad code", Method: "PUT", Path: "/api/v1/requests/categories/-1", Role: auth.CountyStaff, Area: apptest.County,
			Body: map[string]any{"name_zh": "树木", "urgency": "general"}, Status: http.StatusForbidden},
		// A category that asks for a photo with the reply: a reply without
		// one is refused naming the field, whoever may reply; the others are
		// refused as before.
		Scenario{Name: "category reply photo", Method: "PUT", Path: "/api/v1/requests/categories/utility", Role: auth.CityStaff, Area: apptest.City,
			Body:   map[string]any{"name_zh": "水电气暖", "name_en": "Water, power, gas, heating", "urgency": request.UrgencyUtility, "sort": 20, "reply_photo": true},
			Status: http.StatusNoContent},
		Scenario{Name: "category reply photo county", Method: "PUT", Path: "/api/v1/requests/categories/utility", Role: auth.CountyStaff, Area: apptest.County,
			Body: map[string]any{"name_zh": "水电气暖", "urgency": request.UrgencyUtility, "reply_photo": false}, Status: http.StatusForbidden},
		Scenario{Name: "categories say reply photo", Method: "GET", Path: "/api/v1/requests/categories", Role: auth.HandlingUnit, Area: apptest.County,
			Status: http.StatusOK, Contains: []string{`"reply_photo":true`}},
		Scenario{Name: "unit reply without photo", Method: "POST", Path: path(own) + "/actions", Role: auth.HandlingUnit, Area: apptest.County,
			Body: map[string]any{"action": "reply", "note": "已处理"}, Status: http.StatusUnprocessableEntity, Contains: []string{`"photos"`}},
		Scenario{Name: "unit reply not dispatched", Method: "POST", Path: path(reqAt[apptest.SiblingCommunity]) + "/actions", Role: auth.HandlingUnit, Area: apptest.County,
			Body: map[string]any{"action": "reply", "note": "已处理"}, Status: http.StatusNotFound},
		Scenario{Name: "resident reply", Method: "POST", Path: path(own) + "/actions", Role: auth.Resident, Area: apptest.Community,
			Body: map[string]any{"action": "reply", "note": "已处理"}, Status: http.StatusForbidden},
		Scenario{Name: "township reply", Method: "POST", Path: path(own) + "/actions", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"action": "reply", "note": "已处理"}, Status: http.StatusForbidden},
		Scenario{Name: "calendar city", Method: "POST", Path: "/api/v1/requests/calendar", Role: auth.CityStaff, Area: apptest.City, Body: day, Status: http.StatusNoContent},
		Scenario{Name: "calendar bad day", Method: "POST", Path: "/api/v1/requests/calendar", Role: auth.CityStaff, Area: apptest.City,
			Body: map[string]any{"day": "2026-02-30", "kind": "holiday"}, Status: http.StatusUnprocessableEntity},
		Scenario{Name: "calendar township", Method: "POST", Path: "/api/v1/requests/calendar", Role: auth.TownshipStaff, Area: apptest.Township, Body: day, Status: http.StatusForbidden},
		Scenario{Name: "setting township", Method: "PUT", Path: "/api/v1/requests/settings/returns_limit", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"value": 2}, Status: http.StatusForbidden},
		Scenario{Name: "setting city", Method: "PUT", Path: "/api/v1/requests/settings/returns_limit", Role: auth.CityStaff, Area: apptest.City,
			Body: map[string]any{"value": 4}, Status: http.StatusNoContent},
	)
	for _, role := range []auth.Role{auth.Auditor, auth.Admin} {
		out = append(out,
			Scenario{Name: string(role) + " list", Method: "GET", Path: "/api/v1/requests", Role: role, Area: apptest.City, Status: http.StatusForbidden},
			Scenario{Name: string(role) + " get", Method: "GET", Path: path(own), Role: role, Area: apptest.City, Status: http.StatusForbidden},
			Scenario{Name: string(role) + " photo", Method: "GET", Path: photo(own), Role: role, Area: apptest.City, Status: http.StatusForbidden},
			Scenario{Name: string(role) + " create", Method: "POST", Path: "/api/v1/requests", Role: role, Area: apptest.City, Body: newReq(apptest.Community), Status: http.StatusForbidden},
			Scenario{Name: string(role) + " act", Method: "POST", Path: path(own) + "/actions", Role: role, Area: apptest.City, Body: remind, Status: http.StatusForbidden},
		)
	}
	// Staff: their area, phones masked; reminders from township up.
	for _, role := range []auth.Role{auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff} {
		area := home[role]
		for rel, code := range relatives(area) {
			name := fmt.Sprintf("%s/%s", role, rel)
			r := reqAt[at(area, rel)]
			inside := rel == "own" || rel == "child"
			get, create, act := http.StatusNotFound, http.StatusNotFound, http.StatusNotFound
			var contains, not []string
			if inside {
				get, create, act = http.StatusOK, http.StatusCreated, http.StatusOK
				contains, not = []string{r.Number, `"phone":"138****567`}, []string{"13812345670"}
				if role.Rank() < auth.TownshipStaff.Rank() {
					act = http.StatusForbidden
				}
			}
			out = append(out,
				Scenario{Name: "get " + name, Method: "GET", Path: path(r), Role: role, Area: area, Status: get, Contains: contains, NotContains: not},
				Scenario{Name: "photo " + name, Method: "GET", Path: photo(r), Role: role, Area: area, Status: get},
				Scenario{Name: "create " + name, Method: "POST", Path: "/api/v1/requests", Role: role, Area: area, Body: newReq(at(area, rel)), Status: create},
				Scenario{Name: "act " + name, Method: "POST", Path: path(r) + "/actions", Role: role, Area: area, Body: remind, Status: act},
			)
			listWant := http.StatusOK
			var listHas []string
			if !inside {
				listWant = http.StatusNotFound
			} else {
				listHas = []string{own.Number}
			}
			out = append(out, Scenario{Name: "list " + name, Method: "GET", Path: "/api/v1/requests?division=" + code, Role: role, Area: area,
				Status: listWant, Contains: listHas})
		}
		// Without a division filter, never a request outside the area.
		var outside []string
		for _, c := range communities {
			if !auth.AreaOf(area, division.LevelFromCode(area)).Contains(c) {
				outside = append(outside, reqAt[c].Number)
			}
		}
		out = append(out, Scenario{Name: "list area " + string(role), Method: "GET", Path: "/api/v1/requests?per_page=200", Role: role, Area: area,
			Status: http.StatusOK, Contains: []string{own.Number}, NotContains: outside})
	}
	apptest.Needs(out, "categories say reply photo", "category reply photo")
	apptest.Needs(out, "unit reply without photo", "category reply photo")
	return out
}

func TestRequestAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, requestScenarios)
}

// TestCareFollowUpOpensARequest: a visit's follow-up becomes a request of
// the visit's community, filed by the visiting grid worker, channel visit.
func TestCareFollowUpOpensARequest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Requests
	e.User(auth.GridWorker, apptest.Community)
	acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.GridWorker, apptest.Community))
	ctx := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.GridWorker, Area: auth.AreaOf(apptest.Community, division.Community)})
	id, err := app.CareRequests(s).OpenFromVisit(ctx, care.FollowUp{VisitID: 7, DivisionCode: apptest.Community, PersonName: "王大爷", Text: "家中燃气灶老化"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(e.Ctx, id)
	if err != nil || r.Channel != request.ChannelVisit || r.DivisionCode != apptest.Community || r.CreatedBy != acc.Name || r.Status != request.StatusSubmitted {
		t.Fatalf("request %+v %v", r, err)
	}
	// Outside the worker's community: refused, nothing opened.
	if _, err := app.CareRequests(s).OpenFromVisit(ctx, care.FollowUp{VisitID: 8, DivisionCode: apptest.SiblingCommunity, Text: "x"}); err == nil {
		t.Fatal("a follow-up outside the area opened a request")
	}
}
