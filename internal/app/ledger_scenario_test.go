package app_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"testing"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/ledger"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

// ledgerFixture is a special action concerning apptest.Community led by a
// county unit whose account is handling_unit@County (an overdue item of
// it, an item with a report waiting), and one concerning
// apptest.FarCommunity led by a sibling county's unit.
type ledgerFixture struct {
	own, far                  *ledger.LedgerTask
	ownItem, farItem, pending int64
	report                    int64
	photo                     int64 // the waiting report's photo
}

func seedLedger(t testing.TB, e *apptest.Env) ledgerFixture {
	t.Helper()
	s := e.App.Requests
	mine, err := s.CreateUnit(e.Ctx, request.Unit{Name: "桃城区民政局", Kind: request.UnitDepartment, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateUnit(e.Ctx, request.Unit{Name: "冀州区民政局", Kind: request.UnitDepartment, DivisionCode: apptest.SiblingCounty})
	if err != nil {
		t.Fatal(err)
	}
	e.User(auth.HandlingUnit, apptest.County)
	acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.HandlingUnit, apptest.County))
	if err := s.AddMember(e.Ctx, mine.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	l := e.App.Ledger
	var f ledgerFixture
	for i, c := range []struct {
		unit int64
		code string
		dst  **ledger.LedgerTask
	}{{mine.ID, apptest.Community, &f.own}, {other.ID, apptest.FarCommunity, &f.far}} {
		t0, err := l.CreateTask(e.Ctx, ledger.LedgerTaskInput{Period: app.Plan20212025, Kind: ledger.SpecialAction, Code: fmt.Sprintf("SA-%02d", i+1),
			Title: "专项行动" + c.code, LeadUnit: c.unit, Divisions: []string{c.code}, Deadline: "2025-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		*c.dst = t0
	}
	item := func(task int64, title string) int64 {
		it, err := l.AddItem(e.Ctx, task, ledger.WorkItemInput{Year: 2025, Title: title, DueOn: "2025-06-30"})
		if err != nil {
			t.Fatal(err)
		}
		return it.ID
	}
	f.ownItem, f.farItem, f.pending = item(f.own.ID, "建设儿童之家"), item(f.far.ID, "建设老年食堂"), item(f.own.ID, "开展培训")
	uctx := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.HandlingUnit, Area: auth.AreaOf(apptest.County, division.County)})
	r, err := l.Report(uctx, f.pending, "已开展三次培训", apptest.Photo(t))
	if err != nil || r.PhotoID == 0 {
		t.Fatal(r, err)
	}
	f.report, f.photo = r.ID, r.PhotoID
	return f
}

// The ledger's routes × every role × own and sibling area: city staff
// keep the ledger and review; county and township staff read the tasks
// concerning their area and its rates; a unit reads the tasks it leads
// and reports on its own items; residents, workers, auditors and admins
// are refused.
func TestLedgerAPIScenarios(t *testing.T) {
	t.Parallel()
	apptest.RunIsolated(t, func(t *testing.T, e *apptest.Env) []Scenario {
		f := seedLedger(t, e)
		var out []Scenario
		newTask := map[string]any{"period": app.Plan20212025, "kind": "project", "task_code": "PR-09", "title": "新工程", "lead_unit": f.own.LeadUnit.ID,
			"deadline": "2025-12-31"}
		for role, area := range home {
			read := slices.Contains(ledger.ReadRoles, role)
			manage := slices.Contains(ledger.ManageRoles, role)
			rates := slices.Contains(ledger.RateRoles, role)
			name := string(role)
			// Which task is inside: city staff read both; county and
			// township staff the one concerning their area; the unit its own.
			farInside := role == auth.CityStaff
			out = append(out,
				Scenario{Name: "get own " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/ledger/tasks/%d", f.own.ID), Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "get far " + name, Method: "GET", Path: fmt.Sprintf("/api/v1/ledger/tasks/%d", f.far.ID), Role: role, Area: area,
					Status: expect(read, farInside, http.StatusOK, http.StatusNotFound)},
				Scenario{Name: "create " + name, Method: "POST", Path: "/api/v1/ledger/tasks", Role: role, Area: area, Body: newTask,
					Status: expect(manage, true, http.StatusCreated, 0)},
				Scenario{Name: "add item " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/tasks/%d/items", f.own.ID), Role: role, Area: area,
					Body: map[string]any{"year": 2025, "title": "新事项", "due_on": "2025-12-31"}, Status: expect(manage, true, http.StatusCreated, 0)},
				Scenario{Name: "report own " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/items/%d/reports", f.ownItem), Role: role, Area: area,
					Body: map[string]any{"note": "已完成选址"}, Status: expect(role == auth.HandlingUnit, true, http.StatusCreated, 0)},
				Scenario{Name: "report far " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/items/%d/reports", f.farItem), Role: role, Area: area,
					Body: map[string]any{"note": "已完成选址"}, Status: expect(role == auth.HandlingUnit, false, 0, http.StatusNotFound)},
				Scenario{Name: "review " + name, Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/reports/%d/review", f.report), Role: role, Area: area,
					Body: map[string]any{"decision": "returned", "return_reason": "缺少照片"}, Status: expect(manage, true, http.StatusOK, 0)},
				Scenario{Name: "rates " + name, Method: "GET", Path: "/api/v1/ledger/rates?period=" + app.Plan20212025, Role: role, Area: area,
					Status: expect(rates, true, http.StatusOK, 0)},
			)
			for _, rel := range []string{"own", "sibling"} {
				code := communityIn(area, rel)
				if code == "" {
					continue
				}
				out = append(out, Scenario{Name: "completion " + rel + " " + name, Method: "GET", Role: role, Area: area,
					Path:   "/api/v1/ledger/completion?period=" + app.Plan20212025 + "&division=" + code,
					Status: expect(rates, rel == "own", http.StatusOK, http.StatusNotFound)})
			}
			list := Scenario{Name: "list " + name, Method: "GET", Path: "/api/v1/ledger/tasks", Role: role, Area: area, Status: expect(read, true, http.StatusOK, 0)}
			if read {
				list.Contains = []string{"专项行动" + apptest.Community}
				if !farInside {
					list.NotContains = []string{"专项行动" + apptest.FarCommunity}
				}
			}
			out = append(out, list,
				Scenario{Name: "list page " + name, Method: "GET", Path: "/ledger", Role: role, Area: area, Status: list.Status, Contains: list.Contains,
					NotContains: list.NotContains},
				Scenario{Name: "task page " + name, Method: "GET", Path: fmt.Sprintf("/ledger/%d", f.own.ID), Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				Scenario{Name: "far task page " + name, Method: "GET", Path: fmt.Sprintf("/ledger/%d", f.far.ID), Role: role, Area: area,
					Status: expect(read, farInside, http.StatusOK, http.StatusNotFound)},
				// A stored photo is served only through a task the caller
				// may read: a photo the task does not have, or a task outside
				// the area, is not found; other roles are refused.
				Scenario{Name: "photo of no record " + name, Method: "GET", Path: fmt.Sprintf("/ledger/%d/photos/999999", f.own.ID), Role: role, Area: area,
					Status: expect(read, true, http.StatusNotFound, 0)},
				Scenario{Name: "task photo " + name, Method: "GET", Path: fmt.Sprintf("/ledger/%d/photos/%d", f.own.ID, f.photo), Role: role, Area: area,
					Status: expect(read, true, http.StatusOK, 0)},
				// The same photo asked for through a task it is not of.
				Scenario{Name: "far task photo " + name, Method: "GET", Path: fmt.Sprintf("/ledger/%d/photos/%d", f.far.ID, f.photo), Role: role, Area: area,
					Status: expect(read, farInside, http.StatusNotFound, http.StatusNotFound)},
				Scenario{Name: "export " + name, Method: "GET", Path: "/ledger/export.xlsx", Role: role, Area: area, Status: list.Status},
				Scenario{Name: "new page " + name, Method: "GET", Path: "/ledger/new", Role: role, Area: area, Status: expect(manage, true, http.StatusOK, 0)},
				Scenario{Name: "template " + name, Method: "GET", Path: "/ledger/template.xlsx", Role: role, Area: area, Status: expect(manage, true, http.StatusOK, 0)},
				Scenario{Name: "rates page " + name, Method: "GET", Path: "/ledger/rates", Role: role, Area: area, Status: expect(rates, true, http.StatusOK, 0)},
				Scenario{Name: "rates export " + name, Method: "GET", Path: "/ledger/rates.xlsx", Role: role, Area: area, Status: expect(rates, true, http.StatusOK, 0)},
			)
		}
		city, cityArea := auth.CityStaff, apptest.City
		out = append(out,
			Scenario{Name: "anonymous list", Method: "GET", Path: "/api/v1/ledger/tasks", Status: http.StatusUnauthorized},
			Scenario{Name: "bad period", Method: "POST", Path: "/api/v1/ledger/tasks", Role: city, Area: cityArea,
				Body:   map[string]any{"period": "2031-2035", "kind": "project", "task_code": "PR-10", "title": "x", "lead_unit": f.own.LeadUnit.ID, "deadline": "2025-12-31"},
				Status: http.StatusUnprocessableEntity, Contains: []string{`"location":"period"`}},
			Scenario{Name: "code taken", Method: "POST", Path: "/api/v1/ledger/tasks", Role: city, Area: cityArea,
				Body:   map[string]any{"period": app.Plan20212025, "kind": "project", "task_code": "SA-01", "title": "x", "lead_unit": f.own.LeadUnit.ID, "deadline": "2025-12-31"},
				Status: http.StatusConflict},
			Scenario{Name: "return without reason", Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/reports/%d/review", f.report), Role: city, Area: cityArea,
				Body: map[string]any{"decision": "returned"}, Status: http.StatusUnprocessableEntity, Contains: []string{"return_reason"}},
			Scenario{Name: "report twice", Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/items/%d/reports", f.pending), Role: auth.HandlingUnit, Area: apptest.County,
				Body: map[string]any{"note": "再报一次"}, Status: http.StatusConflict},
			Scenario{Name: "overdue list", Method: "GET", Path: "/api/v1/ledger/tasks?overdue=true", Role: city, Area: cityArea, Status: http.StatusOK,
				Contains: []string{`"overdue":2`}},
			Scenario{Name: "accept", Method: "POST", Path: fmt.Sprintf("/api/v1/ledger/reports/%d/review", f.report), Role: city, Area: cityArea,
				Body: map[string]any{"decision": "accepted"}, Status: http.StatusOK, Contains: []string{`"decision":"accepted"`},
				Check: func(t testing.TB, e *apptest.Env, _ *apptest.Response) {
					lines, err := e.App.Ledger.Completion(e.Ctx, app.Plan20212025, apptest.Community)
					if err != nil {
						t.Fatal(err)
					}
					if len(lines) != 2 || lines[0].Items != 2 || lines[0].Done != 1 || lines[0].Overdue != 1 || lines[0].Complete {
						t.Errorf("completion after accepting: %+v", lines)
					}
				}},
		)
		return out
	})
}
