package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/worker"
)

// workerCommunity is a community at the given relation to an area, for
// records that live only in communities: own and child are inside the area;
// sibling and parent are outside it (parent: under the area's parent).
func workerCommunity(area, rel string) string {
	switch rel {
	case "own", "child":
		return apptest.Community
	case "sibling":
		return communityIn(area, "sibling")
	case "parent":
		switch area {
		case apptest.County:
			return apptest.FarCommunity
		case apptest.Township:
			return apptest.CousinCommunity
		case apptest.Community:
			return apptest.SiblingCommunity
		}
	}
	return ""
}

func TestWorkerAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		ids := map[string]string{}
		for i, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			res := e.API("POST", "/api/v1/workers", city, map[string]any{"community_code": c, "name": "工作者" + c[9:], "phone": fmt.Sprintf("1380000000%d", i),
				"id_number": "110101199003074477", "post": "party_secretary", "in_post_from": "2022-01-01"})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create in %s: %d %s", c, res.StatusCode, res.Body)
			}
			var w worker.Worker
			res.JSON(t, &w)
			ids[c] = strconv.FormatInt(w.ID, 10)
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(worker.ReadRoles, role), slices.Contains(worker.EditRoles, role)
			for _, rel := range []string{"own", "child", "sibling", "parent"} {
				c := workerCommunity(area, rel)
				if c == "" || (rel == "child" && area == apptest.Community) {
					continue
				}
				inside := rel == "own" || rel == "child"
				get := expect(read, inside, http.StatusOK, http.StatusNotFound)
				patch := expect(edit, inside, http.StatusOK, http.StatusNotFound)
				training := patch
				if patch == http.StatusOK {
					training = http.StatusCreated
				}
				name := fmt.Sprintf("%s/%s", role, rel)
				path := "/api/v1/workers/" + ids[c]
				var has, hasNot []string
				if get == http.StatusOK {
					has, hasNot = []string{`"community_code":"` + c + `"`, `"phone":"138****000`}, []string{"110101199003074477"}
				}
				out = append(out,
					Scenario{Name: "get worker " + name, Method: "GET", Path: path, Role: role, Area: area, Status: get, Contains: has, NotContains: hasNot},
					Scenario{Name: "patch worker " + name, Method: "PATCH", Path: path, Role: role, Area: area, Body: map[string]any{"certified_social_worker": true}, Status: patch},
					Scenario{Name: "add training " + name, Method: "POST", Path: path + "/trainings", Role: role, Area: area,
						Body: map[string]any{"course": "轮训", "hours": 8, "date": "2025-04-01", "level": "city"}, Status: training},
				)
			}
			// The list never leaves the area.
			list := http.StatusOK
			if !read {
				list = http.StatusForbidden
			}
			s := Scenario{Name: "list workers " + string(role), Method: "GET", Path: "/api/v1/workers?per_page=200", Role: role, Area: area, Status: list}
			if list == http.StatusOK {
				s.Contains = []string{"工作者" + apptest.Community[9:]}
				if area != apptest.City {
					s.NotContains = []string{"工作者" + apptest.FarCommunity[9:]}
				}
				if area == apptest.Community {
					s.NotContains = append(s.NotContains, "工作者"+apptest.SiblingCommunity[9:])
				}
			}
			// Creating in one's own community works; in a sibling's it is a bad community.
			create := http.StatusCreated
			if !edit {
				create = http.StatusForbidden
			}
			body := func(c string) map[string]any {
				return map[string]any{"community_code": c, "name": "新人", "phone": "13900000000", "post": "grid_worker", "in_post_from": "2025-01-01"}
			}
			out = append(out, s, Scenario{Name: "create worker " + string(role), Method: "POST", Path: "/api/v1/workers", Role: role, Area: area, Body: body(apptest.Community), Status: create})
			if sib := communityIn(area, "sibling"); sib != "" && edit {
				out = append(out, Scenario{Name: "create worker outside " + string(role), Method: "POST", Path: "/api/v1/workers", Role: role, Area: area,
					Body: body(sib), Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"community_code"`}})
			}
		}
		fixed := []Scenario{
			{Name: "anonymous list", Method: "GET", Path: "/api/v1/workers", Status: http.StatusUnauthorized},
			{Name: "anonymous create", Method: "POST", Path: "/api/v1/workers", Body: map[string]any{"name": "x"}, Status: http.StatusUnauthorized},
			{Name: "unknown worker", Method: "GET", Path: "/api/v1/workers/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
			{Name: "invalid create", Method: "POST", Path: "/api/v1/workers", Role: auth.CommunityWorker, Area: apptest.Community,
				Body:   map[string]any{"community_code": apptest.Community, "name": "x", "phone": "1", "id_number": "110101199003074478", "post": "boss", "in_post_from": "2025-13-01"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"phone"`, `"location":"id_number"`, `"location":"post"`, `"location":"in_post_from"`}},
			{Name: "close", Method: "PATCH", Path: "/api/v1/workers/" + ids[apptest.Community], Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"in_post_to": "2025-12-31"}, Status: http.StatusOK, Contains: []string{`"in_post_to":"2025-12-31"`, `"in_post":false`}},
			{Name: "stale version", Method: "PATCH", Path: "/api/v1/workers/" + ids[apptest.Community], Role: auth.TownshipStaff, Area: apptest.Township,
				Body: map[string]any{"name": "y", "version": 1}, Status: http.StatusConflict},
			{Name: "by ID number", Method: "GET", Path: "/api/v1/workers?reason=%E6%9D%A5%E7%94%B5%E6%A0%B8%E5%AF%B9&id_number=110101199003074477", Role: auth.CountyStaff, Area: apptest.County,
				Status: http.StatusOK, Contains: []string{ids[apptest.CousinCommunity]}, NotContains: []string{"工作者" + apptest.FarCommunity[9:]}},
			{Name: "by ID number without reason", Method: "GET", Path: "/api/v1/workers?id_number=110101199003074477", Role: auth.CountyStaff, Area: apptest.County,
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"reason"`}},
			{Name: "by part of a phone", Method: "GET", Path: "/api/v1/workers?reason=%E6%9D%A5%E7%94%B5%E6%A0%B8%E5%AF%B9&phone=1380013", Role: auth.CountyStaff, Area: apptest.County,
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"phone"`}},
			{Name: "by ID number, grid worker", Method: "GET", Path: "/api/v1/workers?reason=%E6%9D%A5%E7%94%B5%E6%A0%B8%E5%AF%B9&id_number=110101199003074477", Role: auth.GridWorker, Area: apptest.Community,
				Status: http.StatusOK, NotContains: []string{`"id":` + ids[apptest.CousinCommunity] + `,`, "110101199003074477"}},
			{Name: "remove training outside", Method: "DELETE", Path: "/api/v1/workers/" + ids[apptest.FarCommunity] + "/trainings/1", Role: auth.CountyStaff, Area: apptest.County, Status: http.StatusNotFound},
			{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/workers/{id}`, `/api/v1/workers/{id}/trainings`}},
		}
		apptest.Needs(fixed, "stale version", "close")
		return append(out, fixed...)
	})
}
