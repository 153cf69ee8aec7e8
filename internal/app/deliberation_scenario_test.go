package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/deliberation"
	"shequ/internal/platform/auth"
)

// The deliberation slice's routes × every role × own and sibling area:
// topics, meetings and decisions are read inside the caller's area
// (residents' included: their community's), kept by staff of the community
// or above (attendance by grid workers too); a record outside is 404; the
// published decisions are public; only city staff change the rules.
func TestDeliberationAPIScenarios(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Deliberation
	type ids struct{ proposed, admitted, meeting, decision, photo int64 }
	at := map[string]ids{}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		var x ids
		p, err := s.RaiseTopic(e.Ctx, deliberation.TopicInput{DivisionCode: c, Title: "待审议题" + c, Body: "内容"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.RaiseTopic(e.Ctx, deliberation.TopicInput{DivisionCode: c, Title: "议题" + c, Body: "内容"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReviewTopic(e.Ctx, a.ID, deliberation.Review{Decision: "admit", Plan: "开会"}); err != nil {
			t.Fatal(err)
		}
		two := int64(2)
		m, err := s.PlanMeeting(e.Ctx, deliberation.MeetingInput{TopicID: a.ID, Kind: "assembly", Mode: "offline", Title: "会议" + c,
			StartsAt: time.Now(), Chair: "主持人" + c, Electorate: &two, Reason: "测试"})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []string{"甲", "乙"} {
			if _, err := s.RecordAttendance(e.Ctx, m.ID, deliberation.AttendeeInput{Name: n}); err != nil {
				t.Fatal(err)
			}
		}
		d, err := s.Publish(e.Ctx, m.ID, deliberation.DecisionInput{Title: "决定" + c, Body: "内容"})
		if err != nil {
			t.Fatal(err)
		}
		photos, err := s.AddPhoto(e.Ctx, m.ID, apptest.Photo(t))
		if err != nil || len(photos) != 1 {
			t.Fatal(photos, err)
		}
		x.proposed, x.admitted, x.meeting, x.decision, x.photo = p.ID, a.ID, m.ID, d.ID, photos[0]
		at[c] = x
	}
	var out []Scenario
	for role, area := range home {
		read := slices.Contains(deliberation.RaiseRoles, role)
		staff := slices.Contains(deliberation.StaffRoles, role)
		record := slices.Contains(deliberation.ReadRoles, role)
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			x, inside := at[code], rel == "own"
			name := fmt.Sprintf("%s/%s", role, rel)
			get := expect(read, inside, http.StatusOK, http.StatusNotFound)
			var has []string
			if get == http.StatusOK {
				has = []string{"议题" + code}
			}
			out = append(out,
				Scenario{Name: "get topic " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/topics/%d", x.admitted), Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "review without a plan " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/topics/%d/review", x.proposed), Role: role, Area: area,
					Body: map[string]any{"decision": "admit"}, Status: expect(staff, inside, http.StatusUnprocessableEntity, http.StatusNotFound)},
				Scenario{Name: "get meeting " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/meetings/%d", x.meeting), Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				// A minutes photo is served only through a meeting the
				// caller may read; one the meeting does not have is not found.
				Scenario{Name: "minutes photo of no record " + name, Method: "GET", Path: fmt.Sprintf("/meetings/%d/photos/999999", x.meeting), Role: role, Area: area,
					Status: expect(read, inside, http.StatusNotFound, http.StatusNotFound)},
				Scenario{Name: "minutes photo " + name, Method: "GET", Path: fmt.Sprintf("/meetings/%d/photos/%d", x.meeting, x.photo), Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				// The far meeting's photo, through the caller's own meeting.
				Scenario{Name: "minutes photo through another meeting " + name, Method: "GET", Role: role, Area: area,
					Path:   fmt.Sprintf("/meetings/%d/photos/%d", at[apptest.Community].meeting, at[apptest.FarCommunity].photo),
					Status: expect(read, true, http.StatusNotFound, 0)},
				Scenario{Name: "sign-in code " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/meetings/%d/code", x.meeting), Role: role, Area: area,
					Status: expect(staff, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "record attendance " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/meetings/%d/attendance", x.meeting), Role: role, Area: area,
					Body: map[string]any{"name": "到会 " + name}, Status: expect(record, inside, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "open vote " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/meetings/%d/votes", x.meeting), Role: role, Area: area,
					Body: map[string]any{"motion": "表决 " + name, "secret": true}, Status: expect(staff, inside, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "plan meeting " + name, Method: "POST", Path: "/api/v1/meetings", Role: role, Area: area,
					Body:   map[string]any{"topic_id": x.admitted, "kind": "consultation", "mode": "online", "title": "协商会 " + name, "starts_at": "2026-12-06T01:00:00Z"},
					Status: expect(staff, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "get decision " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/decisions/%d", x.decision), Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "topic page " + name, Method: "GET", Path: fmt.Sprintf("/topics/%d", x.admitted), Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "meeting page " + name, Method: "GET", Path: fmt.Sprintf("/meetings/%d", x.meeting), Role: role, Area: area,
					Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "published decisions " + name, Method: "GET", Path: "/api/v1/communities/" + code + "/decisions", Role: role, Area: area,
					Status: http.StatusOK, Contains: []string{"决定" + code}},
			)
		}
		list := Scenario{Name: "list topics " + string(role), Method: "GET", Path: "/api/v1/topics?per_page=200", Role: role, Area: area,
			Status: expect(read, true, http.StatusOK, 0)}
		if list.Status == http.StatusOK {
			list.Contains = []string{"议题" + apptest.Community}
			if area != apptest.City {
				list.NotContains = []string{"议题" + apptest.FarCommunity}
			}
		}
		out = append(out, list,
			Scenario{Name: "topics page " + string(role), Method: "GET", Path: "/topics", Role: role, Area: area, Status: list.Status, Contains: list.Contains},
			Scenario{Name: "new topic page " + string(role), Method: "GET", Path: "/topics/new?source=need&ref=12", Role: role, Area: area, Status: list.Status},
			Scenario{Name: "decisions page " + string(role), Method: "GET", Path: "/decisions", Role: role, Area: area, Status: list.Status},
			Scenario{Name: "roster page " + string(role), Method: "GET", Path: "/deliberation/roster", Role: role, Area: area,
				Status: expect(record, true, http.StatusOK, 0)},
			Scenario{Name: "topics export " + string(role), Method: "GET", Path: "/topics.xlsx", Role: role, Area: area,
				Status: expect(record, true, http.StatusOK, 0)},
			Scenario{Name: "decisions export " + string(role), Method: "GET", Path: "/decisions.xlsx", Role: role, Area: area,
				Status: expect(record, true, http.StatusOK, 0)},
			Scenario{Name: "roster " + string(role), Method: "GET", Path: "/api/v1/deliberation-roster", Role: role, Area: area,
				Status: expect(record, true, http.StatusOK, 0)},
			Scenario{Name: "rules " + string(role), Method: "GET", Path: "/api/v1/deliberation-rules", Role: role, Area: area,
				Status: expect(record, true, http.StatusOK, 0)},
			Scenario{Name: "change a rule " + string(role), Method: "PATCH", Path: "/api/v1/deliberation-rules/hearing/rural/invited", Role: role, Area: area,
				Body: map[string]any{"source": "听证规则 " + string(role), "reason": "修订"}, Status: expect(role == auth.CityStaff, true, http.StatusOK, 0)},
		)
	}
	out = append(out,
		Scenario{Name: "anonymous published decisions", Method: "GET", Path: "/api/v1/communities/" + apptest.Community + "/decisions", Status: http.StatusOK,
			Contains: []string{"决定" + apptest.Community}, NotContains: []string{"决定" + apptest.SiblingCommunity}},
		Scenario{Name: "anonymous topics", Method: "GET", Path: "/api/v1/topics", Status: http.StatusUnauthorized},
		Scenario{Name: "anonymous raise", Method: "POST", Path: "/api/v1/topics", Body: map[string]any{"title": "x", "body": "y"}, Status: http.StatusUnauthorized},
		Scenario{Name: "an unverified resident raises", Method: "POST", Path: "/api/v1/topics", Role: auth.Resident, Area: apptest.Community,
			Body: map[string]any{"title": "x", "body": "y"}, Status: http.StatusForbidden},
		Scenario{Name: "a worker's topic elsewhere", Method: "POST", Path: "/api/v1/topics", Role: auth.CommunityWorker, Area: apptest.Community,
			Body: map[string]any{"division_code": apptest.SiblingCommunity, "title": "x", "body": "y"}, Status: http.StatusUnprocessableEntity},
		Scenario{Name: "home queue of topics to review", Method: "GET", Path: "/api/v1/home", Role: auth.CommunityWorker, Area: apptest.Community,
			Status: http.StatusOK, Contains: []string{"deliberation.home.to_review", "待审议题" + apptest.Community}, NotContains: []string{"待审议题" + apptest.SiblingCommunity}},
		Scenario{Name: "no topic queue for a grid worker", Method: "GET", Path: "/api/v1/home", Role: auth.GridWorker, Area: apptest.Community,
			Status: http.StatusOK, NotContains: []string{"deliberation.home.to_review"}},
		Scenario{Name: "published decisions of a township", Method: "GET", Path: "/api/v1/communities/" + apptest.Township + "/decisions", Status: http.StatusNotFound},
	)
	apptest.RunScenarios(t, e, out)
}
