package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/project"
)

// The three lists' API: every role × its own, a sibling and the parent
// area; needs and projects hang on communities.
func TestProjectAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		city := e.Token(auth.CityStaff, apptest.City)
		needs, projects, photos := map[string]string{}, map[string]string{}, map[string]int64{}
		for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
			res := e.API("POST", "/api/v1/needs", city, map[string]any{"division_code": c, "title": "需求" + c, "kind": "elderly_care"})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("need at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var n project.Need
			res.JSON(t, &n)
			needs[c] = strconv.FormatInt(n.ID, 10)
			unitWithResource(t, e, city, c, "单位", "资源"+c)
			res = e.API("POST", "/api/v1/projects", city, map[string]any{"division_code": c, "title": "项目" + c, "owner": "社工站",
				"funding": "purchase", "budget": 100000, "needs": []int64{n.ID}})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("project at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var p project.ProjectDetail
			res.JSON(t, &p)
			projects[c] = strconv.FormatInt(p.ID, 10)
			pr, err := e.App.Projects.Report(e.Ctx, p.ID, "已开工", apptest.Photo(t))
			if err != nil || pr.PhotoID == 0 {
				t.Fatal(pr, err)
			}
			photos[c] = pr.PhotoID
		}
		var out []Scenario
		for role, area := range home {
			read, edit := slices.Contains(project.ReadRoles, role), slices.Contains(project.EditRoles, role)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				inside := rel == "own"
				name := fmt.Sprintf("%s/%s", role, rel)
				need, proj := "/api/v1/needs/"+needs[code], "/api/v1/projects/"+projects[code]
				get := Scenario{Name: "get need " + name, Method: "GET", Path: need, Role: role, Area: area, Status: expect(read, inside, http.StatusOK, http.StatusNotFound)}
				if get.Status == http.StatusOK {
					get.Contains = []string{`"division_code":"` + code + `"`}
				}
				create := http.StatusCreated
				switch {
				case !edit:
					create = http.StatusForbidden
				case !inside:
					create = http.StatusUnprocessableEntity
				}
				// The city's staff recorded every project, so may not accept one.
				accept := expect(edit, inside, http.StatusOK, http.StatusNotFound)
				if role == auth.CityStaff && accept == http.StatusOK {
					accept = http.StatusForbidden
				}
				out = append(out, get,
					Scenario{Name: "matches " + name, Method: "GET", Path: need + "/matches", Role: role, Area: area, Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "close need " + name, Method: "POST", Path: need + "/close", Role: role, Area: area, Body: map[string]any{"reason": "已由街道统筹"},
						Status: expect(edit, inside, http.StatusOK, http.StatusNotFound)},
					Scenario{Name: "match need " + name, Method: "POST", Path: need + "/match", Role: role, Area: area, Body: map[string]any{"resource": "unit:999999"},
						Status: expect(edit, inside, http.StatusUnprocessableEntity, http.StatusNotFound)},
					Scenario{Name: "raise need " + name, Method: "POST", Path: "/api/v1/needs", Role: role, Area: area,
						Body: map[string]any{"division_code": code, "title": "新需求", "kind": "childcare"}, Status: create},
					Scenario{Name: "get project " + name, Method: "GET", Path: proj, Role: role, Area: area, Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					// A progress photo is served only through a project the
					// caller may read; one the project does not have is not found.
					Scenario{Name: "photo of no record " + name, Method: "GET", Path: strings.Replace(proj, "/api/v1", "", 1) + "/photos/999999", Role: role, Area: area,
						Status: expect(read, inside, http.StatusNotFound, http.StatusNotFound)},
					Scenario{Name: "photo " + name, Method: "GET", Path: fmt.Sprintf("/projects/%s/photos/%d", projects[code], photos[code]), Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
					// Another project's photo, through this one.
					Scenario{Name: "photo through another project " + name, Method: "GET", Role: role, Area: area,
						Path:   fmt.Sprintf("/projects/%s/photos/%d", projects[apptest.Community], photos[apptest.FarCommunity]),
						Status: expect(read, true, http.StatusNotFound, 0)},
					Scenario{Name: "milestone " + name, Method: "POST", Path: proj + "/milestones", Role: role, Area: area,
						Body: map[string]any{"title": "开工", "due_on": "2026-12-31"}, Status: expect(edit, inside, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "progress " + name, Method: "POST", Path: proj + "/progress", Role: role, Area: area,
						Body: map[string]any{"note": "已开工"}, Status: expect(edit, inside, http.StatusCreated, http.StatusNotFound)},
					Scenario{Name: "accept " + name, Method: "POST", Path: proj + "/acceptance", Role: role, Area: area,
						Body: map[string]any{"note": "合格"}, Status: accept},
					Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/project-figures?division=" + code, Role: role, Area: area,
						Status: expect(read, inside, http.StatusOK, http.StatusNotFound)},
				)
			}
			for path, mark := range map[string]string{"/api/v1/needs?per_page=200": "需求", "/api/v1/resources?per_page=200": "资源",
				"/api/v1/projects?per_page=200": "项目"} {
				s := Scenario{Name: "list " + path + " " + string(role), Method: "GET", Path: path, Role: role, Area: area, Status: expect(read, true, http.StatusOK, http.StatusNotFound)}
				if s.Status == http.StatusOK {
					s.Contains = []string{mark + apptest.Community}
					if area != apptest.City {
						s.NotContains = []string{mark + apptest.FarCommunity}
					}
					if area == apptest.Community {
						s.NotContains = append(s.NotContains, mark+apptest.SiblingCommunity)
					}
				}
				out = append(out, s)
			}
			out = append(out, Scenario{Name: "figures " + string(role), Method: "GET", Path: "/api/v1/project-figures", Role: role, Area: area,
				Status: expect(read, true, http.StatusOK, http.StatusNotFound)})
		}
		fixed := []Scenario{
			{Name: "anonymous needs", Method: "GET", Path: "/api/v1/needs", Status: http.StatusUnauthorized},
			{Name: "unknown project", Method: "GET", Path: "/api/v1/projects/999999", Role: auth.CityStaff, Area: apptest.City, Status: http.StatusNotFound},
			{Name: "invalid need", Method: "POST", Path: "/api/v1/needs", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": apptest.Township, "title": "", "kind": "x", "affected": -1},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"division_code"`, `"location":"title"`, `"location":"kind"`, `"location":"affected"`}},
			{Name: "invalid project", Method: "POST", Path: "/api/v1/projects", Role: auth.TownshipStaff, Area: apptest.Township,
				Body:   map[string]any{"division_code": apptest.Community, "title": "x", "owner": "", "funding": "lottery", "budget": -5},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"owner"`, `"location":"funding"`, `"location":"budget"`}},
			{Name: "township figures", Method: "GET", Path: "/api/v1/project-figures", Role: auth.TownshipStaff, Area: apptest.Township,
				Status: http.StatusOK, Contains: []string{`"division_code":"` + apptest.Community + `"`, `"purchase":100000`}},
			{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/needs/{id}/matches`, `/api/v1/project-figures`}},
		}
		return append(out, fixed...)
	})
}
