package app_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/volunteer"
)

// volunteerActor is a role acting from an area.
type volunteerActor struct {
	role auth.Role
	area string
	rel  string // own, sibling, parent, child — relative to the volunteer's community
}

// volunteerActors: every role, from the volunteer's community, its sibling,
// and the areas above it and beside them.
func volunteerActors() []volunteerActor {
	return []volunteerActor{
		{auth.Resident, apptest.Community, "own"}, {auth.Resident, apptest.SiblingCommunity, "sibling"},
		{auth.GridWorker, apptest.Community, "own"}, {auth.GridWorker, apptest.SiblingCommunity, "sibling"},
		{auth.CommunityWorker, apptest.Community, "own"}, {auth.CommunityWorker, apptest.SiblingCommunity, "sibling"},
		{auth.TownshipStaff, apptest.Township, "parent"}, {auth.TownshipStaff, apptest.SiblingTownship, "sibling"},
		{auth.CountyStaff, apptest.County, "parent"}, {auth.CountyStaff, apptest.SiblingCounty, "sibling"},
		{auth.CityStaff, apptest.City, "parent"},
		{auth.HandlingUnit, apptest.County, "parent"}, {auth.Auditor, apptest.City, "parent"}, {auth.Admin, apptest.City, "parent"},
	}
}

// volunteerFixture: a township station, the resident of Community as a
// volunteer with one closed activity's record, and an open activity.
type volunteerFixture struct {
	volID, orgID, openID, closedID, recordID, cancelledID int64
}

func setupVolunteers(t *testing.T, e *apptest.Env) volunteerFixture {
	s := volunteer.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	sys := e.Ctx
	u, err := e.App.Users.ByName(sys, e.User(auth.Resident, apptest.Community))
	if err != nil {
		t.Fatal(err)
	}
	me := auth.With(context.Background(), &auth.Principal{UserID: u.ID, Name: u.Name, Role: auth.Resident, Area: auth.AreaOf(apptest.Community, 5)})
	name, id := "志愿者甲", "110101199003074477"
	v, err := s.Register(me, volunteer.Registration{Name: &name, IDNumber: &id, Phone: vptr("13800138000")})
	if err != nil {
		t.Fatal(err)
	}
	org, err := s.CreateOrg(sys, volunteer.OrgInput{DivisionCode: apptest.Township, Name: "河西街道新时代文明实践站", Kind: "practice_station"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	mk := func(title string, start time.Time) *volunteer.Activity {
		a, err := s.Publish(sys, volunteer.ActivityInput{OrgID: org.ID, CommunityCode: apptest.Community, Title: title, Target: "elderly", Place: "活动室",
			StartsAt: start, EndsAt: start.Add(2 * time.Hour), Slots: 5})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	done := mk("已结束的活动", now.Add(-90*time.Minute))
	if _, err := s.SignUp(me, done.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Confirm(sys, done.ID, volunteer.Attendance{VolunteerID: v.ID, CheckinAt: done.StartsAt, CheckoutAt: now.Add(-time.Minute), Reason: "手机没电"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Close(sys, done.ID); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Records(sys, v.ID, time.Time{}, time.Time{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v %v", recs, err)
	}
	open := mk("敬老院探访", now.Add(time.Hour))
	// A cancelled activity: for its organisers only.
	gone := mk("已取消的活动", now.Add(2*time.Hour))
	if _, err := e.App.DB.Writer().Exec(`UPDATE volunteer_activities SET status = $1 WHERE id = $2`, volunteer.Cancelled, gone.ID); err != nil {
		t.Fatal(err)
	}
	return volunteerFixture{volID: v.ID, orgID: org.ID, openID: open.ID, closedID: done.ID, recordID: recs[0].ID, cancelledID: gone.ID}
}

func vptr[T any](v T) *T { return &v }

// pick2 is has when ok, else nothing.
func pick2(ok bool, has []string) []string {
	if ok {
		return has
	}
	return nil
}

func volunteerScenarios(f volunteerFixture) []Scenario {
	var out []Scenario
	staffRoles := []auth.Role{auth.GridWorker, auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	orgRoles := []auth.Role{auth.CommunityWorker, auth.TownshipStaff, auth.CountyStaff, auth.CityStaff}
	vol := fmt.Sprintf("/api/v1/volunteers/%d", f.volID)
	act := fmt.Sprintf("/api/v1/activities/%d", f.openID)
	for _, a := range volunteerActors() {
		isStaff := slices.Contains(staffRoles, a.role)
		inArea := a.rel != "sibling"
		self := a.role == auth.Resident && a.rel == "own"
		// Organisers of the open activity: staff whose area holds the
		// township station or the community.
		organiser := isStaff && inArea
		orgInScope := isStaff && inArea && a.area != apptest.Community
		name := fmt.Sprintf("%s@%s", a.role, a.rel)
		sc := func(n, method, path string, body any, status int, has, not []string) {
			out = append(out, Scenario{Name: n + " " + name, Method: method, Path: path, Role: a.role, Area: a.area, Body: body, Status: status, Contains: has, NotContains: not})
		}
		pick := func(ok bool, yes, no int) int {
			if ok {
				return yes
			}
			return no
		}
		// Volunteers: staff list their area; the person and staff read.
		switch {
		case !isStaff:
			sc("list", "GET", "/api/v1/volunteers", nil, 403, nil, []string{"志愿者甲"})
		case inArea:
			sc("list", "GET", "/api/v1/volunteers", nil, 200, []string{"志愿者甲", "138****8000"}, []string{"13800138000", "110101199003074477"})
		default:
			sc("list", "GET", "/api/v1/volunteers", nil, 200, nil, []string{"志愿者甲"})
		}
		// Exact searches by ID number or phone: whole values and a reason
		// (platform/lookup), inside the caller's area.
		const reason = "reason=%E6%9D%A5%E7%94%B5%E6%A0%B8%E5%AF%B9"
		search := []string{}
		if isStaff && inArea {
			search = []string{"志愿者甲"}
		}
		sc("search id", "GET", "/api/v1/volunteers?"+reason+"&id_number=110101199003074477", nil, pick(isStaff, 200, 403), search, []string{"110101199003074477"})
		sc("search phone", "GET", "/api/v1/volunteers?"+reason+"&phone=13800138000", nil, pick(isStaff, 200, 403), search, []string{"13800138000"})
		sc("search partial phone", "GET", "/api/v1/volunteers?"+reason+"&phone=1380013", nil, pick(isStaff, 422, 403), nil, []string{"志愿者甲"})
		sc("search without reason", "GET", "/api/v1/volunteers?id_number=110101199003074477", nil, pick(isStaff, 422, 403), nil, []string{"志愿者甲"})
		readable := self || (isStaff && inArea)
		has := []string{}
		if readable {
			has = []string{"志愿者甲"}
		}
		sc("get", "GET", vol, nil, pick(readable, 200, 404), has, []string{"110101199003074477"})
		sc("records", "GET", vol+"/records", nil, pick(readable, 200, 404), nil, nil)
		sc("patch", "PATCH", vol, map[string]any{"availability": "周末"}, pick(readable, 200, 404), nil, nil)
		sc("me", "GET", "/api/v1/volunteers/me", nil, pick(self, 200, 404), nil, nil)
		sc("register", "POST", "/api/v1/volunteers", map[string]any{}, pick(isStaff || a.role == auth.Resident, 422, 403), nil, nil)
		// Organisations.
		sc("orgs", "GET", "/api/v1/volunteer-orgs?division="+apptest.City, nil, 200, []string{"文明实践站"}, nil)
		sc("create org", "POST", "/api/v1/volunteer-orgs", map[string]any{}, pick(slices.Contains(orgRoles, a.role), 422, 403), nil, nil)
		sc("members", "GET", fmt.Sprintf("/api/v1/volunteer-orgs/%d/members", f.orgID), nil, pick(orgInScope, 200, 404), nil, nil)
		memberStatus := 403
		if slices.Contains(orgRoles, a.role) {
			memberStatus = pick(orgInScope, 204, 404)
		}
		sc("set member", "PUT", fmt.Sprintf("/api/v1/volunteer-orgs/%d/members/%d", f.orgID, f.volID), map[string]any{"lead": false}, memberStatus, nil, nil)
		// Activities: published ones public to residents and staff
		// city-wide, a cancelled one to its organisers; organisers manage;
		// other roles read none.
		reader := isStaff || a.role == auth.Resident
		if reader {
			has, not := []string{"敬老院探访"}, []string{"已取消的活动"}
			if organiser {
				has, not = []string{"敬老院探访", "已取消的活动"}, nil
			}
			sc("activities", "GET", "/api/v1/activities?division="+apptest.Community, nil, 200, has, not)
		} else {
			sc("activities", "GET", "/api/v1/activities?division="+apptest.Community, nil, 403, nil, []string{"敬老院探访"})
		}
		sc("activity", "GET", act, nil, pick(reader, 200, 403), pick2(reader, []string{"敬老院探访"}), nil)
		sc("cancelled activity", "GET", fmt.Sprintf("/api/v1/activities/%d", f.cancelledID), nil, pick(reader, pick(organiser, 200, 404), 403), nil, nil)
		// Organisers' reads: 404 to readers who do not organise, 403 to
		// roles that read no activity.
		orgRead := pick(organiser, 200, pick(reader, 404, 403))
		start := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		end := time.Now().Add(26 * time.Hour).UTC().Format(time.RFC3339)
		sc("publish", "POST", "/api/v1/activities", map[string]any{"org_id": f.orgID, "community_code": apptest.Community, "title": "t", "target": "children",
			"place": "p", "starts_at": start, "ends_at": end, "slots": 3}, pick(organiser, 201, 403), nil, nil)
		sc("signups", "GET", act+"/signups", nil, orgRead, nil, nil)
		sc("checkins", "GET", act+"/checkins", nil, orgRead, nil, nil)
		sc("code", "GET", act+"/code?direction=in", nil, orgRead, nil, nil)
		sc("attendance", "POST", act+"/attendance", map[string]any{"volunteer_id": f.volID}, pick(organiser, 422, pick(reader, 404, 403)), nil, nil)
		sc("figures", "GET", "/api/v1/volunteer-figures?division="+a.area, nil, pick(isStaff, 200, 403), nil, nil)
		sc("figures outside", "GET", "/api/v1/volunteer-figures?division="+apptest.FarCommunity, nil, pick(isStaff, pick(a.area == apptest.City || a.area == apptest.SiblingCounty, 200, 404), 403), nil, nil)
		sc("stars", "GET", "/api/v1/volunteer-stars", nil, 200, []string{"1500"}, nil)
		sc("set stars", "PUT", "/api/v1/volunteer-stars", map[string]any{"star_hours": []int{100, 300, 600, 1000, 1500}}, pick(a.role == auth.Admin, 200, 403), nil, nil)
		// The volunteer's own actions.
		sc("sign up", "POST", act+"/signups", nil, pick(self, 201, 404), nil, nil)
		signUp := out[len(out)-1]
		sc("check in bad code", "POST", act+"/checkins", map[string]any{"direction": "in", "checkin_code": "AAAAAAAA"}, pick(self, 422, 404), nil, nil)
		sc("cancel", "DELETE", act+"/signups", nil, pick(self, 204, 404), nil, nil)
		if self {
			out[len(out)-1].Setup = apptest.After(signUp)
		}
		sc("corrections", "GET", "/api/v1/volunteer-corrections", nil, 200, nil, nil)
		if !organiser {
			sc("close", "POST", act+"/close", nil, pick(reader, 404, 403), nil, nil)
			sc("decide", "POST", "/api/v1/volunteer-corrections/1/decision", map[string]any{"approve": true}, 404, nil, nil)
		}
		if !self {
			sc("ask correction", "POST", fmt.Sprintf("/api/v1/volunteer-records/%d/corrections", f.recordID), map[string]any{"service_hours": 3, "correction_reason": "x"}, 404, nil, nil)
		}
	}
	// No credentials: 401 everywhere.
	for _, r := range [][2]string{{"GET", "/api/v1/volunteers"}, {"GET", vol}, {"GET", "/api/v1/activities"}, {"GET", act}, {"POST", act + "/signups"},
		{"GET", act + "/checkins"}, {"POST", act + "/checkins"}, {"GET", "/api/v1/volunteer-orgs"}, {"GET", "/api/v1/volunteer-stars"}, {"GET", "/api/v1/volunteer-figures"}} {
		out = append(out, Scenario{Name: "anonymous " + r[0] + " " + r[1], Method: r[0], Path: r[1], Body: map[string]any{}, Status: 401})
	}
	// The state changes that happen once: the volunteer asks for a
	// correction, an organiser decides it, and closes the open activity;
	// each row starts from the calls it needs (Needs, below).
	ask := fmt.Sprintf("/api/v1/volunteer-records/%d/corrections", f.recordID)
	out = append(out,
		Scenario{Name: "ask correction", Method: "POST", Path: ask, Role: auth.Resident, Area: apptest.Community, Body: map[string]any{"service_hours": 2.5, "correction_reason": "多记了半小时"}, Status: 201, Contains: []string{`"status":"pending"`}},
		Scenario{Name: "ask again", Method: "POST", Path: ask, Role: auth.Resident, Area: apptest.Community, Body: map[string]any{"service_hours": 2.5, "correction_reason": "again"}, Status: 409},
		Scenario{Name: "pending for the organiser", Method: "GET", Path: "/api/v1/volunteer-corrections", Role: auth.CommunityWorker, Area: apptest.Community, Status: 200, Contains: []string{"多记了半小时"}},
		Scenario{Name: "not for a sibling", Method: "GET", Path: "/api/v1/volunteer-corrections", Role: auth.CommunityWorker, Area: apptest.SiblingCommunity, Status: 200, Contains: []string{`"items":[]`}},
		Scenario{Name: "decide by a sibling", Method: "POST", Path: "/api/v1/volunteer-corrections/1/decision", Role: auth.TownshipStaff, Area: apptest.SiblingTownship, Body: map[string]any{"approve": true}, Status: 404},
		Scenario{Name: "decide", Method: "POST", Path: "/api/v1/volunteer-corrections/1/decision", Role: auth.TownshipStaff, Area: apptest.Township, Body: map[string]any{"approve": true}, Status: 200, Contains: []string{`"status":"approved"`}},
		Scenario{Name: "hours after", Method: "GET", Path: vol, Role: auth.Resident, Area: apptest.Community, Status: 200, Contains: []string{`"hours_centi":250`}},
		Scenario{Name: "records in a period", Method: "GET", Path: vol + "/records?from=2020-01-01&to=2099-12-31", Role: auth.Resident, Area: apptest.Community, Status: 200, Contains: []string{`"hours_centi":250`}},
		Scenario{Name: "records before the period", Method: "GET", Path: vol + "/records?to=2020-01-01", Role: auth.Resident, Area: apptest.Community, Status: 200, Contains: []string{`"items":[]`}},
		Scenario{Name: "records with a bad date", Method: "GET", Path: vol + "/records?from=2020-13-01", Role: auth.Resident, Area: apptest.Community, Status: 422, Contains: []string{`"from`}},
		Scenario{Name: "close", Method: "POST", Path: act + "/close", Role: auth.CommunityWorker, Area: apptest.Community, Status: 200},
		Scenario{Name: "close again", Method: "POST", Path: act + "/close", Role: auth.CommunityWorker, Area: apptest.Community, Status: 409},
	)
	apptest.Needs(out, "ask again", "ask correction")
	apptest.Needs(out, "pending for the organiser", "ask correction")
	apptest.Needs(out, "not for a sibling", "ask correction")
	apptest.Needs(out, "decide by a sibling", "ask correction")
	apptest.Needs(out, "decide", "ask correction")
	apptest.Needs(out, "hours after", "decide")
	apptest.Needs(out, "records in a period", "decide")
	apptest.Needs(out, "close again", "close")
	return out
}

func TestVolunteerScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		return volunteerScenarios(setupVolunteers(t, e))
	})
}
