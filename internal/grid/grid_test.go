package grid_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/grid"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/request"
)

const headPhone = "13912345678"

func call(t *testing.T, e *apptest.Env, method, token, path string, body any, want int) *apptest.Response {
	t.Helper()
	res := e.API(method, path, token, body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, res.Body)
	}
	return res
}

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGridPatrol follows a grid from its registration through a patrol
// with a note, a reported and a resolved event, to the figures.
func TestGridPatrol(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Token(auth.CommunityWorker, apptest.Community)
	gw := e.Token(auth.GridWorker, apptest.Community)
	login := apptest.Name(auth.GridWorker, apptest.Community)
	sibling := e.User(auth.GridWorker, apptest.SiblingCommunity)

	// A grid worker of another community cannot be assigned; nothing is kept.
	res := call(t, e, "POST", staff, "/api/v1/grids", map[string]any{"community_code": apptest.Community, "grid_number": 1, "name": "第一网格",
		"workers": []string{login, sibling}, "units": []map[string]any{{"kind": "building", "name": "1号楼", "head_phone": "123"}}}, http.StatusUnprocessableEntity)
	for _, want := range []string{`"location":"workers"`, sibling, `"location":"head_phone"`} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("want %s in %s", want, res.Body)
		}
	}
	if n := count(t, e, `SELECT count(*) FROM grids`); n != 0 {
		t.Fatalf("refused grid kept: %d", n)
	}
	var g grid.Grid
	call(t, e, "POST", staff, "/api/v1/grids", map[string]any{"community_code": apptest.Community, "grid_number": 1, "name": "第一网格",
		"workers": []string{login}, "units": []map[string]any{{"kind": "building", "name": "1号楼", "head_name": "王秀兰", "head_phone": headPhone}}},
		http.StatusCreated).JSON(t, &g)
	if g.Code != apptest.Community+"-01" || len(g.Workers) != 1 || len(g.Units) != 1 || g.Units[0].HeadPhone == headPhone || g.Units[0].HeadName == "王秀兰" {
		t.Fatalf("grid %+v", g)
	}
	call(t, e, "POST", staff, "/api/v1/grids", map[string]any{"community_code": apptest.Community, "grid_number": 1, "name": "重复"}, http.StatusUnprocessableEntity)
	// A change that sends the masked head back keeps the stored one.
	call(t, e, "PUT", staff, "/api/v1/grids/"+strconv.FormatInt(g.ID, 10), map[string]any{"grid_number": 1, "name": "第一网格（东）",
		"workers": []string{login}, "units": g.Units, "version": g.Version}, http.StatusOK)
	units, err := e.App.Grids.Store.Units(e.Ctx, g.ID)
	if err != nil || len(units) != 1 || units[0].HeadPhone != headPhone || units[0].HeadName != "王秀兰" {
		t.Fatalf("heads after a change: %+v %v", units, err)
	}

	// The patrol.
	var p grid.GridPatrol
	call(t, e, "POST", gw, "/api/v1/grid-patrols", map[string]any{"grid_id": g.ID}, http.StatusCreated).JSON(t, &p)
	call(t, e, "POST", gw, "/api/v1/grid-patrols", map[string]any{"grid_id": g.ID}, http.StatusConflict)
	path := "/api/v1/grid-patrols/" + strconv.FormatInt(p.ID, 10)
	call(t, e, "POST", gw, path+"/notes", map[string]any{"note": "3号楼东侧巡查"}, http.StatusOK)
	call(t, e, "POST", gw, path+"/notes", map[string]any{"note": " "}, http.StatusUnprocessableEntity)
	// Another account may not write on this patrol.
	call(t, e, "POST", staff, path+"/notes", map[string]any{"note": "不是我的巡查"}, http.StatusForbidden)
	var ev grid.GridEvent
	call(t, e, "POST", gw, path+"/events", map[string]any{"kind": "hazard", "description": "3号楼楼道堆放杂物，堵塞消防通道", "outcome": "reported"},
		http.StatusCreated).JSON(t, &ev)
	if ev.RequestID == 0 || ev.RequestNumber == "" {
		t.Fatalf("reported event %+v", ev)
	}
	var r request.Request
	call(t, e, "GET", staff, "/api/v1/requests/"+strconv.FormatInt(ev.RequestID, 10), nil, http.StatusOK).JSON(t, &r)
	if r.Channel != request.ChannelPatrol || r.CategoryCode != "safety" || r.DivisionCode != apptest.Community {
		t.Errorf("request %+v", r)
	}
	call(t, e, "POST", gw, path+"/events", map[string]any{"kind": "need", "description": "独居老人需要助餐服务", "outcome": "resolved"}, http.StatusUnprocessableEntity)
	call(t, e, "POST", gw, path+"/events", map[string]any{"kind": "dispute", "description": "邻里因停车发生口角", "outcome": "resolved",
		"resolution": "当场调解，双方和解"}, http.StatusCreated)
	call(t, e, "POST", gw, path+"/end", nil, http.StatusOK)
	call(t, e, "POST", gw, path+"/end", nil, http.StatusConflict)
	call(t, e, "POST", gw, path+"/notes", map[string]any{"note": "结束后补充"}, http.StatusConflict)

	// Figures: the township sees its community, the community its grid.
	town := e.Token(auth.TownshipStaff, apptest.Township)
	var f grid.GridFigures
	call(t, e, "GET", town, "/api/v1/grid-figures", nil, http.StatusOK).JSON(t, &f)
	if f.Total.Patrols != 1 || f.Total.Events != 2 || f.Total.Reported != 1 || f.Total.Resolved != 1 {
		t.Errorf("township total %+v", f.Total)
	}
	found := false
	for _, row := range f.Rows {
		if row.Code == apptest.Community {
			found = row.Patrols == 1 && row.Events == 2 && row.DrillDown
		} else if row.Patrols != 0 {
			t.Errorf("row %+v", row)
		}
	}
	if !found {
		t.Errorf("community row missing: %+v", f.Rows)
	}
	call(t, e, "GET", staff, "/api/v1/grid-figures", nil, http.StatusOK).JSON(t, &f)
	if len(f.Rows) != 1 || f.Rows[0].Code != g.Code || f.Rows[0].Resolved != 1 {
		t.Errorf("community figures %+v", f)
	}
	call(t, e, "GET", e.Token(auth.TownshipStaff, apptest.SiblingTownship), "/api/v1/grid-figures?division="+apptest.Community, nil, http.StatusNotFound)
	call(t, e, "GET", e.Token(auth.GridWorker, apptest.SiblingCommunity), path, nil, http.StatusNotFound)
	if n := count(t, e, `SELECT count(*) FROM audit_log WHERE action IN ('grid.patrol_start','grid.patrol_note','grid.event_report','grid.event_resolve','grid.patrol_end')`); n != 5 {
		t.Errorf("patrol audited %d times", n)
	}
	if e.App.DB.Path != "" { // a file: SQLite
		e.CheckSealed(nil, []string{headPhone}, "第一网格")
	}
}

func as(e *apptest.Env, role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: 1, Name: string(role) + "@" + area, Role: role, Area: auth.AreaOf(area, level)})
}

func TestGridImportExport(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	login := e.User(auth.GridWorker, apptest.Community)
	s := e.App.Grids
	ctx := as(e, auth.TownshipStaff, apptest.Township, 4)
	header := []string{"Community code", "Grid number", "Grid name", "Grid worker accounts", "Building or group", "Building or group name", "Head's name", "Head's phone"}
	_, err := s.Import(ctx, apptest.Workbook(t, [][]string{header,
		{apptest.Community, "1", "第一网格", login, "楼栋", "1号楼", "王秀兰", headPhone},
		{apptest.Community, "1", "", "", "楼栋", "2号楼", "李四", "12345"},
		{apptest.FarCommunity, "2", "远方网格", "", "", "", "", ""},
		{apptest.Community, "x", "", "", "", "", "", ""},
		{apptest.SiblingCommunity, "3", "第三网格", login, "tower", "3号楼", "", ""},
	}))
	got := map[string]string{}
	for _, f := range errs.As(err).Fields {
		got[fmt.Sprintf("%d:%s", f.Row, f.Field)] = f.Key
	}
	want := map[string]string{"3:head_phone": "grid.bad_phone", "4:community_code": "grid.community_not_found", "5:grid_number": "error.not_number",
		"6:unit_kind": "xlsx.not_one_of", "6:workers": "grid.not_grid_worker"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems %v, want %v", got, want)
	}
	if msg := i18n.FieldMessage(i18n.EN, errs.As(err).Fields[0]); !strings.HasPrefix(msg, "Row ") {
		t.Errorf("message %q", msg)
	}
	if n := count(t, e, `SELECT count(*) FROM grids`); n != 0 {
		t.Fatalf("bad file imported %d", n)
	}
	n, err := s.Import(ctx, apptest.Workbook(t, [][]string{header,
		{apptest.Community, "1", "第一网格", login, "楼栋", "1号楼", "王秀兰", headPhone},
		{apptest.Community, "1", "", "", "building", "2号楼", "", ""},
		{apptest.SiblingCommunity, "2", "第二网格", "", "村民小组", "一组", "赵六", ""},
	}))
	if err != nil || n != 2 {
		t.Fatalf("import %d %v", n, err)
	}
	gs, _, err := s.List(ctx, grid.GridFilter{Q: apptest.Community + "-01"})
	if err != nil || len(gs) != 1 || len(gs[0].Units) != 2 || len(gs[0].Workers) != 1 {
		t.Fatalf("imported %+v %v", gs, err)
	}
	var out bytes.Buffer
	if err := s.Export(ctx, grid.GridFilter{}, &out); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&out)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 4 || rows[1][1] != "1" || rows[1][4] != "楼栋" || strings.Contains(strings.Join(rows[1], ","), headPhone) {
		t.Errorf("export rows %v", rows)
	}
	// The export imports back once the grids are gone (codes are unique).
	if _, err := s.Import(ctx, bytes.NewReader(out.Bytes())); errs.Code(err) != errs.EINVALID {
		t.Errorf("re-import of existing grids: %v", err)
	}
}
