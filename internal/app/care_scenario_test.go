package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/care"
	"shequ/internal/division"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/upload"
)

// careScenarios: the visit API, route × role × own/sibling/parent/child.
// One elderly person lives in each of four communities, each with its
// grid worker, and this month's tasks are made by the monthly job. Grid
// workers see and record only their own tasks, community and township
// workers see and reassign in their area, county and city staff read
// rates only, and the other roles get 403 everywhere.
func careScenarios(t *testing.T, e *apptest.Env) []Scenario {
	ps := person.NewService(e.App.DB, e.App.Audit, e.App.Keys)
	communities := []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity}
	names := map[string]string{}
	for i, c := range communities {
		e.User(auth.GridWorker, c)
		first := fmt.Sprintf("13110219380101%03d", 100+i)
		id, name, code := first+string(idcard.CheckChar(first)), fmt.Sprintf("探访对象%d号", i), c
		groups := []person.Membership{{Group: person.GroupElderly, Kinds: []string{"empty_nest"}, Start: "2026-01-01", Basis: "民政认定"}}
		if _, err := ps.Create(e.Ctx, person.Patch{CommunityCode: &code, Name: &name, IDNumber: &id, Groups: &groups}); err != nil {
			t.Fatal(err)
		}
		names[c] = name
	}
	s := e.App.Care
	if _, err := s.RunMonthly(e.Ctx); err != nil {
		t.Fatal(err)
	}
	tasks, _, err := s.List(e.Ctx, care.Filter{}, 1, 50)
	if err != nil || len(tasks) != 4 {
		t.Fatalf("tasks: %v %v", tasks, err)
	}
	taskAt := map[string]int64{}
	for _, tk := range tasks {
		taskAt[tk.DivisionCode] = tk.ID
	}
	gridID := map[string]int64{}
	for _, c := range communities {
		acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.GridWorker, c))
		gridID[c] = acc.ID
	}
	// communityAt is the community whose task stands for a relation: for a
	// parent, one under the parent but outside the caller's area.
	communityAt := func(area, rel string) string {
		switch {
		case rel == "own" || rel == "child":
			return apptest.Community
		case area == apptest.County:
			return map[string]string{"sibling": apptest.FarCommunity, "parent": apptest.FarCommunity}[rel]
		case area == apptest.Township:
			return apptest.CousinCommunity
		}
		return apptest.SiblingCommunity
	}
	check := map[string]string{"health": "ok", "home_safety": "ok", "living": "ok", "mood": "attention", "needs": "ok"}
	// The sibling community's grid worker visits with a photo.
	acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.GridWorker, apptest.SiblingCommunity))
	sib := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.GridWorker, Area: auth.AreaOf(apptest.SiblingCommunity, division.Community)})
	rec, err := s.RecordVisit(sib, care.VisitInput{TaskID: taskAt[apptest.SiblingCommunity], IdempotencyKey: "photo-visit-0001", Method: "home", Checklist: check},
		[]*upload.File{apptest.Photo(t)})
	if err != nil || len(rec.Visit.Photos) != 1 {
		t.Fatal(rec, err)
	}
	visitPhoto := fmt.Sprintf("/visits/photos/%d", rec.Visit.Photos[0])
	out := []Scenario{
		{Name: "visits anonymous", Method: "GET", Path: "/api/v1/visits", Status: http.StatusUnauthorized},
		{Name: "visit anonymous post", Method: "POST", Path: "/api/v1/visits", Body: map[string]any{"task_id": taskAt[apptest.Community],
			"idempotency_key": "anon-0000001", "method": "home", "checklist": check}, Status: http.StatusUnauthorized},
		{Name: "rate anonymous", Method: "GET", Path: "/api/v1/visits/rate", Status: http.StatusUnauthorized},
		{Name: "visits bad month", Method: "GET", Path: "/api/v1/visits?month=2026-13", Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusUnprocessableEntity},
		{Name: "visits bad status", Method: "GET", Path: "/api/v1/visits?status=lost", Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusUnprocessableEntity},
		{Name: "visit bad fields", Method: "POST", Path: "/api/v1/visits", Role: auth.GridWorker, Area: apptest.Community,
			Body: map[string]any{"task_id": taskAt[apptest.Community], "idempotency_key": "bad-fields-01", "method": "home",
				"checklist": map[string]string{"health": "fine"}}, Status: http.StatusUnprocessableEntity, Contains: []string{"check_health", "check_mood"}},
		{Name: "visit first send", Method: "POST", Path: "/api/v1/visits", Role: auth.GridWorker, Area: apptest.Community,
			Body:   map[string]any{"task_id": taskAt[apptest.Community], "idempotency_key": "same-key-0001", "method": "phone", "checklist": check, "notes": "第一次"},
			Status: http.StatusCreated, Contains: []string{`"created":true`, `"notes":"第一次"`}},
		{Name: "visit resend", Method: "POST", Path: "/api/v1/visits", Role: auth.GridWorker, Area: apptest.Community,
			Body:   map[string]any{"task_id": taskAt[apptest.Community], "idempotency_key": "same-key-0001", "method": "phone", "checklist": check, "notes": "第一次"},
			Status: http.StatusOK, Contains: []string{`"created":false`, `"notes":"第一次"`}},
		{Name: "visits township escalated list", Method: "GET", Path: "/api/v1/visits?status=escalated", Role: auth.TownshipStaff, Area: apptest.Township, Status: http.StatusOK},
		{Name: "visits grid worker filters another's", Method: "GET", Path: fmt.Sprintf("/api/v1/visits?assignee=%d", gridID[apptest.SiblingCommunity]),
			Role: auth.GridWorker, Area: apptest.Community, Status: http.StatusOK, NotContains: []string{names[apptest.SiblingCommunity]}},
		{Name: "reassign to another community's worker", Method: "PUT", Path: fmt.Sprintf("/api/v1/visits/tasks/%d/assignee", taskAt[apptest.Community]),
			Role: auth.TownshipStaff, Area: apptest.Township, Body: map[string]any{"assignee_id": gridID[apptest.SiblingCommunity]}, Status: http.StatusUnprocessableEntity},
		{Name: "rate city by county", Method: "GET", Path: "/api/v1/visits/rate?division=" + apptest.City, Role: auth.CityStaff, Area: apptest.City,
			Status: http.StatusOK, Contains: []string{`"code":"` + apptest.County + `"`, `"code":"` + apptest.SiblingCounty + `"`}},
	}
	// The visit's photo: for the roles that read visits, inside the area
	// that holds the sibling community; refused to the others.
	inCommunity, townships := []string{apptest.SiblingCommunity, apptest.Community}, []string{apptest.Township, apptest.SiblingTownship}
	for role, areas := range map[auth.Role][]string{auth.GridWorker: inCommunity, auth.CommunityWorker: inCommunity, auth.Resident: inCommunity,
		auth.TownshipStaff: townships, auth.CountyStaff: {apptest.County}, auth.HandlingUnit: {apptest.County}} {
		for _, area := range areas {
			want := http.StatusOK
			switch {
			case !slices.Contains(care.ListRoles, role):
				want = http.StatusForbidden
			case !auth.AreaOf(area, levelOf(area)).Contains(apptest.SiblingCommunity):
				want = http.StatusNotFound
			}
			out = append(out, Scenario{Name: fmt.Sprintf("visit photo %s@%s", role, area), Method: "GET", Path: visitPhoto, Role: role, Area: area, Status: want})
		}
	}
	for role, area := range home {
		// A visit photo that does not exist is not found, for every role.
		out = append(out, Scenario{Name: "visit photo of no record " + string(role), Method: "GET", Path: "/visits/photos/999999", Role: role, Area: area,
			Status: http.StatusNotFound})
		list := http.StatusOK
		if !slices.Contains(care.ListRoles, role) {
			list = http.StatusForbidden
		}
		sc := Scenario{Name: "visits list " + string(role), Method: "GET", Path: "/api/v1/visits?per_page=200", Role: role, Area: area, Status: list}
		if list == http.StatusOK {
			sc.Contains = []string{names[apptest.Community]}
			sc.NotContains = []string{names[apptest.CousinCommunity], names[apptest.FarCommunity]}
			if role == auth.GridWorker || role == auth.CommunityWorker {
				sc.NotContains = append(sc.NotContains, names[apptest.SiblingCommunity])
			} else {
				sc.Contains = append(sc.Contains, names[apptest.SiblingCommunity])
			}
		}
		out = append(out, sc)
		for rel, code := range relatives(area) {
			c := communityAt(area, rel)
			id := taskAt[c]
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			get, assign, record, rate := http.StatusOK, http.StatusOK, http.StatusCreated, http.StatusOK
			switch {
			case !slices.Contains(care.ListRoles, role):
				get = http.StatusForbidden
			case !inside:
				get = http.StatusNotFound
			}
			switch {
			case !slices.Contains(care.AssignRoles, role):
				assign = http.StatusForbidden
			case !inside:
				assign = http.StatusNotFound
			}
			switch {
			case !slices.Contains(care.RecordRoles, role):
				record = http.StatusForbidden
			case !inside:
				record = http.StatusNotFound
			case role != auth.GridWorker:
				record = http.StatusForbidden // not the assignee
			}
			switch {
			case !slices.Contains(care.RateRoles, role):
				rate = http.StatusForbidden
			case !inside:
				rate = http.StatusNotFound
			}
			var contains []string
			if get == http.StatusOK {
				contains = []string{names[c]}
			}
			out = append(out,
				Scenario{Name: "visit task get " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/visits/tasks/%d", id), Role: role, Area: area, Status: get, Contains: contains},
				Scenario{Name: "visit task assignees " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/visits/tasks/%d/assignees", id), Role: role, Area: area, Status: assign},
				Scenario{Name: "visit task reassign " + name, Method: "PUT", Path: fmt.Sprintf("/api/v1/visits/tasks/%d/assignee", id), Role: role, Area: area,
					Body: map[string]any{"assignee_id": gridID[c]}, Status: map[bool]int{true: http.StatusOK, false: assign}[assign == http.StatusOK]},
				Scenario{Name: "visit record " + name, Method: "POST", Path: "/api/v1/visits", Role: role, Area: area,
					Body:   map[string]any{"task_id": id, "idempotency_key": fmt.Sprintf("scn-%s-%s", role, rel), "method": "home", "checklist": check},
					Status: record},
				Scenario{Name: "visit rate " + name, Method: "GET", Path: "/api/v1/visits/rate?division=" + code, Role: role, Area: area, Status: rate},
				Scenario{Name: "visit summary " + name, Method: "GET", Path: "/api/v1/visits/summary?division=" + code, Role: role, Area: area, Status: get},
				Scenario{Name: "visits filter " + name, Method: "GET", Path: "/api/v1/visits?division=" + code, Role: role, Area: area,
					Status: map[bool]int{true: get, false: list}[list == http.StatusOK], Contains: contains},
			)
		}
	}
	apptest.Needs(out, "visit resend", "visit first send")
	return out
}

func TestCareAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, careScenarios)
}
