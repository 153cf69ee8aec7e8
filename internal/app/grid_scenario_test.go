package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/grid"
	"shequ/internal/platform/auth"
)

// TestGridAPIScenarios: every role × own, sibling and parent area on the
// grids' and patrols' API and pages: area staff read, office staff keep
// the registry, and a grid worker patrols its own grids only.
func TestGridAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, gridScenarios)
}

func gridScenarios(t *testing.T, e *apptest.Env) []Scenario {
	city := e.Token(auth.CityStaff, apptest.City)
	ids := map[string]map[string]string{}
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity, apptest.CousinCommunity, apptest.FarCommunity} {
		login := e.User(auth.GridWorker, c)
		ids[c] = map[string]string{}
		for n, key := range []string{"grid", "spare"} {
			res := e.API("POST", "/api/v1/grids", city, map[string]any{"community_code": c, "grid_number": n + 1, "name": "网格" + c + key,
				"workers": []string{login}, "units": []map[string]any{{"kind": "building", "name": "1号楼", "head_name": "王秀兰", "head_phone": "13912345678"}}})
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("grid at %s: %d %s", c, res.StatusCode, res.Body)
			}
			var g grid.Grid
			res.JSON(t, &g)
			ids[c][key] = strconv.FormatInt(g.ID, 10)
		}
		res := e.API("POST", "/api/v1/grid-patrols", e.Token(auth.GridWorker, c), map[string]any{"grid_id": g64(ids[c]["grid"])})
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("patrol at %s: %d %s", c, res.StatusCode, res.Body)
		}
		var p grid.GridPatrol
		res.JSON(t, &p)
		ids[c]["patrol"] = strconv.FormatInt(p.ID, 10)
		// An event resolved on the spot, with its photo.
		acc, _ := e.App.Users.ByName(e.Ctx, login)
		worker := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.GridWorker, Area: auth.AreaOf(c, division.Community)})
		ev, err := e.App.Grids.AddEvent(worker, p.ID, grid.GridEventInput{Kind: "hazard", Description: "楼道堆放杂物" + c, Outcome: grid.Resolved,
			Resolution: "已清理"}, apptest.Photo(t))
		if err != nil || ev.PhotoID == 0 {
			t.Fatal(ev, err)
		}
		ids[c]["photo"] = strconv.FormatInt(ev.PhotoID, 10)
	}
	status := func(allowed, inside bool, ok, outside int) int {
		switch {
		case !allowed:
			return http.StatusForbidden
		case !inside:
			return outside
		}
		return ok
	}
	var out []Scenario
	for role, area := range home {
		read, edit, patrol := slices.Contains(grid.ReadRoles, role), slices.Contains(grid.EditRoles, role), slices.Contains(grid.PatrolRoles, role)
		for _, rel := range []string{"own", "sibling"} {
			code := communityIn(area, rel)
			if code == "" {
				continue
			}
			inside := rel == "own"
			name := fmt.Sprintf("%s/%s", role, rel)
			id := ids[code]
			get := status(read, inside, http.StatusOK, http.StatusNotFound)
			var has []string
			if get == http.StatusOK {
				has = []string{"网格" + code + "grid"}
			}
			// A grid worker of the community: its own patrol, its own grid.
			mine := patrol && code == area
			own := status(patrol, mine, http.StatusOK, http.StatusNotFound)
			out = append(out,
				Scenario{Name: "get grid " + name, Method: "GET", Path: "/api/v1/grids/" + id["grid"], Role: role, Area: area, Status: get, Contains: has,
					NotContains: []string{"13912345678", "王秀兰"}},
				Scenario{Name: "reveal heads " + name, Method: "POST", Path: "/api/v1/grids/" + id["grid"] + "/reveal", Role: role, Area: area,
					Body: map[string]any{"reason": "联系楼门长核实情况"}, Status: get, Contains: okIf(get == http.StatusOK, "13912345678", "王秀兰")},
				Scenario{Name: "reveal page " + name, Method: "POST", Path: "/grids/" + id["grid"] + "/reveal", Role: role, Area: area,
					Body: map[string]any{}, Status: status(read, inside, http.StatusUnprocessableEntity, http.StatusNotFound)},
				Scenario{Name: "grid page " + name, Method: "GET", Path: "/grids/" + id["grid"], Role: role, Area: area, Status: get, Contains: has},
				Scenario{Name: "edit grid page " + name, Method: "GET", Path: "/grids/" + id["grid"] + "/edit", Role: role, Area: area,
					Status: status(edit, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "put grid " + name, Method: "PUT", Path: "/api/v1/grids/" + id["grid"], Role: role, Area: area,
					Body: map[string]any{"grid_number": 1, "name": "改名网格"}, Status: status(edit, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "create grid " + name, Method: "POST", Path: "/api/v1/grids", Role: role, Area: area,
					Body: map[string]any{"community_code": code, "grid_number": 9, "name": "新网格"}, Status: status(edit, inside, http.StatusCreated, http.StatusUnprocessableEntity)},
				Scenario{Name: "get patrol " + name, Method: "GET", Path: "/api/v1/grid-patrols/" + id["patrol"], Role: role, Area: area, Status: get},
				Scenario{Name: "patrol page " + name, Method: "GET", Path: "/grid/patrols/" + id["patrol"], Role: role, Area: area, Status: get},
				Scenario{Name: "event photo " + name, Method: "GET", Path: "/grid/photos/" + id["photo"], Role: role, Area: area, Status: get},
				Scenario{Name: "note " + name, Method: "POST", Path: "/api/v1/grid-patrols/" + id["patrol"] + "/notes", Role: role, Area: area,
					Body: map[string]any{"note": "巡查记录"}, Status: own},
				Scenario{Name: "event " + name, Method: "POST", Path: "/api/v1/grid-patrols/" + id["patrol"] + "/events", Role: role, Area: area,
					Body:   map[string]any{"kind": "hazard", "description": "楼道堆放杂物堵塞通道", "outcome": "reported"},
					Status: status(patrol, mine, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "resolve " + name, Method: "POST", Path: "/api/v1/grid-patrols/" + id["patrol"] + "/events", Role: role, Area: area,
					Body:   map[string]any{"kind": "dispute", "description": "邻里停车口角", "outcome": "resolved", "resolution": "当场劝解"},
					Status: status(patrol, mine, http.StatusCreated, http.StatusNotFound)},
				Scenario{Name: "end " + name, Method: "POST", Path: "/api/v1/grid-patrols/" + id["patrol"] + "/end", Role: role, Area: area, Status: own},
				Scenario{Name: "end page " + name, Method: "POST", Path: "/grid/patrols/" + id["patrol"] + "/end", Role: role, Area: area,
					Status: status(patrol, mine, http.StatusOK, http.StatusNotFound), Check: endedCheck(patrol && mine, id["patrol"])},
				Scenario{Name: "start " + name, Method: "POST", Path: "/api/v1/grid-patrols", Role: role, Area: area,
					Body: map[string]any{"grid_id": g64(id["spare"])}, Status: status(patrol, mine, http.StatusConflict, http.StatusNotFound)},
			)
		}
		for rel, code := range relatives(area) {
			inside := rel == "own" || rel == "child"
			name := fmt.Sprintf("%s/%s", role, rel)
			out = append(out,
				Scenario{Name: "figures " + name, Method: "GET", Path: "/api/v1/grid-figures?division=" + code, Role: role, Area: area,
					Status: status(read, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "figures page " + name, Method: "GET", Path: "/grid/figures?division=" + code, Role: role, Area: area,
					Status: status(read, inside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "figures export " + name, Method: "GET", Path: "/grid/figures.xlsx?division=" + code, Role: role, Area: area,
					Status: status(read, inside, http.StatusOK, http.StatusNotFound)},
			)
		}
		list := Scenario{Name: "list grids " + string(role), Method: "GET", Path: "/api/v1/grids?per_page=200", Role: role, Area: area, Status: status(read, true, http.StatusOK, 0)}
		if list.Status == http.StatusOK {
			list.Contains = []string{"网格" + apptest.Community + "grid"}
			if area != apptest.City {
				list.NotContains = []string{"网格" + apptest.FarCommunity}
			}
		}
		page := list
		page.Name, page.Path = "grids page "+string(role), "/grids"
		ok := status(read, true, http.StatusOK, 0)
		out = append(out, list, page,
			Scenario{Name: "patrols " + string(role), Method: "GET", Path: "/api/v1/grid-patrols", Role: role, Area: area, Status: ok},
			Scenario{Name: "patrols page " + string(role), Method: "GET", Path: "/grid/patrols", Role: role, Area: area, Status: ok},
			Scenario{Name: "grids export " + string(role), Method: "GET", Path: "/grids/export.xlsx", Role: role, Area: area, Status: ok},
			Scenario{Name: "new grid page " + string(role), Method: "GET", Path: "/grids/new", Role: role, Area: area, Status: status(edit, true, http.StatusOK, 0)},
			Scenario{Name: "grid template " + string(role), Method: "GET", Path: "/grids/template.xlsx", Role: role, Area: area, Status: status(edit, true, http.StatusOK, 0)},
			Scenario{Name: "grid import " + string(role), Method: "POST", Path: "/grids/import", Role: role, Area: area,
				Status: status(edit, true, http.StatusUnprocessableEntity, 0)},
			Scenario{Name: "grid form " + string(role), Method: "POST", Path: "/grids", Role: role, Area: area, Body: map[string]any{},
				Status: status(edit, true, http.StatusUnprocessableEntity, 0)},
			Scenario{Name: "grid save " + string(role), Method: "POST", Path: "/grids/" + ids[apptest.Community]["grid"], Role: role, Area: area, Body: map[string]any{},
				Status: status(edit, area != apptest.SiblingCommunity, http.StatusUnprocessableEntity, http.StatusNotFound)},
			Scenario{Name: "start page " + string(role), Method: "POST", Path: "/grid/patrols", Role: role, Area: area, Status: status(patrol, false, 0, http.StatusNotFound)},
			Scenario{Name: "note page " + string(role), Method: "POST", Path: "/grid/patrols/" + ids[apptest.Community]["patrol"] + "/notes", Role: role, Area: area,
				Status: status(patrol, true, http.StatusUnprocessableEntity, 0)},
			Scenario{Name: "event page " + string(role), Method: "POST", Path: "/grid/patrols/" + ids[apptest.Community]["patrol"] + "/events", Role: role, Area: area,
				Status: status(patrol, true, http.StatusUnprocessableEntity, 0)},
			Scenario{Name: "photo " + string(role), Method: "GET", Path: "/grid/photos/999999", Role: role, Area: area, Status: status(read, false, 0, http.StatusNotFound)},
		)
	}
	out = append(out,
		Scenario{Name: "anonymous grids", Method: "GET", Path: "/api/v1/grids", Status: http.StatusUnauthorized},
		Scenario{Name: "anonymous figures", Method: "GET", Path: "/api/v1/grid-figures", Status: http.StatusUnauthorized},
		Scenario{Name: "grid at a township", Method: "POST", Path: "/api/v1/grids", Role: auth.TownshipStaff, Area: apptest.Township,
			Body: map[string]any{"community_code": apptest.Township, "grid_number": 3, "name": "x"}, Status: http.StatusUnprocessableEntity,
			Contains: []string{`"location":"community_code"`}},
		Scenario{Name: "worker of another community", Method: "POST", Path: "/api/v1/grids", Role: auth.TownshipStaff, Area: apptest.Township,
			Body:   map[string]any{"community_code": apptest.Community, "grid_number": 3, "name": "x", "workers": []string{apptest.Name(auth.GridWorker, apptest.SiblingCommunity)}},
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"workers"`}},
		Scenario{Name: "bad month", Method: "GET", Path: "/api/v1/grid-figures?month=2026-13", Role: auth.CountyStaff, Area: apptest.County,
			Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"month"`}},
		Scenario{Name: "openapi", Method: "GET", Path: "/api/v1/openapi.json", Status: http.StatusOK, Contains: []string{`/api/v1/grid-patrols/{id}/events`}},
	)
	return out
}

func g64(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// endedCheck holds that the patrol has ended when the caller could end it.
func endedCheck(mine bool, patrol string) func(testing.TB, *apptest.Env, *apptest.Response) {
	if !mine {
		return nil
	}
	return func(t testing.TB, e *apptest.Env, _ *apptest.Response) {
		var n int
		_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM grid_patrols WHERE id = $1 AND ended_at IS NOT NULL`, patrol).Scan(&n)
		if n != 1 {
			t.Errorf("patrol %s has not ended", patrol)
		}
	}
}

// okIf is want when cond holds (what an answer that succeeded shows).
func okIf(cond bool, want ...string) []string {
	if cond {
		return want
	}
	return nil
}
