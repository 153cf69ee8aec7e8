package ledger_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app"
	"shequ/internal/app/apptest"
	"shequ/internal/division"
	"shequ/internal/ledger"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
	"shequ/internal/request"
)

// sheet is an import workbook: the template's Chinese headers, then rows.
func sheet(t *testing.T, rows ...[]string) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	name := ledger.Sheet.Sheet("zh")
	if err := x.SetSheetName("Sheet1", name); err != nil {
		t.Fatal(err)
	}
	head := ledger.Sheet.Headers("zh")
	all := append([][]string{head}, rows...)
	for i, r := range all {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vs := make([]any, len(r))
		for j, v := range r {
			vs[j] = v
		}
		if err := x.SetSheetRow(name, cell, &vs); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return &b
}

func row(code, kind, lead, co, deadline, item, unit, due string) []string {
	return []string{app.Plan20212025, kind, code, "任务" + code, "四(二)", lead, co, "", deadline, "2025", item, unit, "", due}
}

func requestUnit(name string) request.Unit {
	return request.Unit{Name: name, Kind: request.UnitDepartment, DivisionCode: apptest.City}
}

func units(t *testing.T, e *apptest.Env) (lead, co *request.Unit) {
	t.Helper()
	var err error
	if lead, err = e.App.Requests.CreateUnit(e.Ctx, requestUnit("衡水市民政局")); err != nil {
		t.Fatal(err)
	}
	if co, err = e.App.Requests.CreateUnit(e.Ctx, requestUnit("衡水市教育局")); err != nil {
		t.Fatal(err)
	}
	return lead, co
}

func count(t *testing.T, e *apptest.Env) int {
	t.Helper()
	ts, _, err := e.App.Ledger.List(e.Ctx, ledger.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(ts)
}

// An import with bad rows adds nothing and names each row and column; the
// good workbook adds its tasks and items, the items of one task grouped
// by its number, a co-unit's item owed by the co-unit.
func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	units(t, e)
	ctx := i18n.With(e.Ctx, "zh-CN")
	_, err := e.App.Ledger.Import(ctx, sheet(t,
		row("SA-01", "专项行动", "衡水市民政局", "衡水市教育局", "2025-12-31", "建设儿童之家", "", "2025-06-30"),
		row("SA-02", "专项行动", "衡水市财政局", "", "2025-12-31", "", "", ""),
		row("SA-03", "行动", "衡水市民政局", "", "2025-13-01", "", "", ""),
		row("SA-01", "专项行动", "衡水市民政局", "", "2025-12-31", "开展培训", "衡水市公安局", "2025-06-30"),
	))
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("bad workbook: %v", err)
	}
	got := map[string]bool{}
	for _, f := range errs.As(err).Fields {
		got[f.Field+"@"+string(rune('0'+f.Row))] = true
	}
	for _, want := range []string{"lead_unit@3", "kind@4", "deadline@4", "item_unit@5"} {
		if !got[want] {
			t.Errorf("no error %s among %v", want, got)
		}
	}
	if n := count(t, e); n != 0 {
		t.Fatalf("a refused import left %d tasks", n)
	}
	res, err := e.App.Ledger.Import(ctx, sheet(t,
		row("SA-01", "专项行动", "衡水市民政局", "衡水市教育局", "2025-12-31", "建设儿童之家", "", "2025-06-30"),
		row("SA-01", "专项行动", "衡水市民政局", "衡水市教育局", "2025-12-31", "开展培训", "衡水市教育局", ""),
		row("PR-01", "project", "衡水市教育局", "", "2025-12-31", "", "", ""),
	))
	if err != nil || res.Tasks != 2 || res.Items != 2 {
		t.Fatalf("good workbook: %+v %v", res, err)
	}
	ts, _, _ := e.App.Ledger.List(e.Ctx, ledger.Filter{Kind: ledger.SpecialAction})
	if len(ts) != 1 || ts[0].Items != 2 {
		t.Fatalf("special actions: %+v", ts)
	}
	_, items, err := e.App.Ledger.TaskItems(e.Ctx, ts[0].ID)
	if err != nil || len(items) != 2 || items[1].Unit.Name != "衡水市教育局" || items[1].DueOn != "2025-12-31" || items[0].DivisionCode != apptest.City {
		t.Fatalf("items: %+v %v", items, err)
	}
	// The same numbers again: refused, named.
	_, err = e.App.Ledger.Import(ctx, sheet(t, row("PR-01", "project", "衡水市教育局", "", "2025-12-31", "", "", "")))
	if e := errs.As(err); e == nil || len(e.Fields) != 1 || e.Fields[0].Field != "task_code" || e.Fields[0].Row != 2 {
		t.Fatalf("a number taken: %v", err)
	}
}

// The seed names units by department name: without them in the catalogue
// it is refused naming the rows; with them it loads 14 special actions
// and 3 projects, each with its lead unit.
func TestSeed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	_, err := e.App.Ledger.Seed(e.Ctx)
	if e := errs.As(err); e == nil || e.Code != errs.EINVALID || e.Fields[0].Field != "lead_unit" || e.Fields[0].Row != 2 {
		t.Fatalf("seed without units: %v", err)
	}
	names, err := ledger.SeedUnits()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if _, err := e.App.Requests.CreateUnit(e.Ctx, requestUnit(n)); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.App.Ledger.Seed(e.Ctx)
	if err != nil || res.Tasks != 17 || res.Items != 17 {
		t.Fatalf("seed: %+v %v", res, err)
	}
	lines, err := e.App.Ledger.Completion(e.Ctx, app.Plan20212025, apptest.City)
	if err != nil || len(lines) != 17 {
		t.Fatalf("completion: %d lines, %v", len(lines), err)
	}
	if l := lines[0]; l.Kind != ledger.SpecialAction || l.Code != "SA-01" || l.LeadUnit != "衡水市民政局" || l.Items != 1 || l.Complete {
		t.Errorf("first line: %+v", l)
	}
	if l := lines[16]; l.Kind != ledger.Project || l.Code != "PR-03" || l.LeadUnit != "衡水市住房和城乡建设局" {
		t.Errorf("last line: %+v", l)
	}
}

// A unit's items to report are on its home page, the overdue flagged; the
// city's home page shows the reports to review; the reporter never reviews.
func TestHomeAndReview(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	lead, _ := units(t, e)
	e.User(auth.HandlingUnit, apptest.County)
	acc, _ := e.App.Users.ByName(e.Ctx, apptest.Name(auth.HandlingUnit, apptest.County))
	if err := e.App.Requests.AddMember(e.Ctx, lead.ID, acc.ID); err != nil {
		t.Fatal(err)
	}
	l := e.App.Ledger
	task, err := l.CreateTask(e.Ctx, ledger.LedgerTaskInput{Period: app.Plan20212025, Kind: ledger.Project, Code: "PR-01", Title: "村级综合服务设施提升工程",
		LeadUnit: lead.ID, Divisions: []string{apptest.County}, Deadline: "2099-12-31"})
	if err != nil {
		t.Fatal(err)
	}
	late, err := l.AddItem(e.Ctx, task.ID, ledger.WorkItemInput{Year: 2025, Title: "补齐设施短板", DueOn: "2001-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.AddItem(e.Ctx, task.ID, ledger.WorkItemInput{Year: 2025, Title: "外区事项", DivisionCode: apptest.SiblingCounty, DueOn: "2099-01-01"}); err != nil {
		t.Fatal(err)
	}
	unit := auth.With(i18n.With(context.Background(), "zh-CN"), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.HandlingUnit,
		Area: auth.AreaOf(apptest.County, division.County)})
	qs, err := l.Home(unit)
	if err != nil || len(qs) != 1 || qs[0].Count != 2 || !qs[0].Urgent || !strings.Contains(qs[0].Items[0].Note, "已逾期") {
		t.Fatalf("the unit's home: %+v %v", qs, err)
	}
	r, err := l.Report(unit, late.ID, "已完成", nil)
	if err != nil {
		t.Fatal(err)
	}
	// The city's queue; a city account that reported could not review
	// (here the system acts as the reporter's own account would).
	cityUser := e.User(auth.CityStaff, apptest.City)
	cu, _ := e.App.Users.ByName(e.Ctx, cityUser)
	city := auth.With(context.Background(), &auth.Principal{UserID: cu.ID, Name: cu.Name, Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, division.City)})
	if qs, err := l.Home(city); err != nil || len(qs) != 1 || qs[0].Count != 1 {
		t.Fatalf("the city's home: %+v %v", qs, err)
	}
	self := auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: auth.CityStaff, Area: auth.AreaOf(apptest.City, division.City)})
	if _, err := l.Review(self, r.ID, ledger.Accept, ""); errs.Code(err) != errs.EFORBIDDEN {
		t.Fatalf("the reporter reviewing: %v", err)
	}
	if _, err := l.Review(city, r.ID, ledger.Accept, ""); err != nil {
		t.Fatal(err)
	}
	// County rates: the county's item done, the sibling county's apart.
	county := auth.With(context.Background(), &auth.Principal{UserID: 99, Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, division.County)})
	rs, err := l.Rates(county, app.Plan20212025, "")
	if err != nil || rs.Total.Items != 1 || rs.Total.Done != 1 || rs.Total.Percent != 100 || len(rs.ByCounty) != 1 || rs.ByCounty[0].Key != apptest.County {
		t.Fatalf("county rates: %+v %v", rs, err)
	}
	all, err := l.Rates(city, app.Plan20212025, "")
	if err != nil || all.Total.Items != 2 || all.Total.Percent != 50 || len(all.ByCounty) != 2 || len(all.ByUnit) != 1 {
		t.Fatalf("city rates: %+v %v", all, err)
	}
	if qs, err := l.Home(unit); err != nil || qs[0].Count != 1 || qs[0].Urgent {
		t.Fatalf("the unit's home after: %+v %v", qs, err)
	}
}
