package project_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/person"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/project"
	"shequ/internal/request"
	"shequ/internal/residentunit"
)

func as(id int64, role auth.Role, area string, level int) context.Context {
	return auth.With(context.Background(), &auth.Principal{UserID: id, Name: string(role) + "-" + area + "-" + string(rune('a'+id)),
		Role: role, Area: auth.AreaOf(area, level)})
}

func count(t *testing.T, e *apptest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.App.DB.Q(context.Background()).QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
}

// A need recorded with a group takes its count from the registry, finds a
// resource of its own community first, is matched, served by a project
// that someone else accepts, and the figures follow; nobody accepts a
// project they ran or reported on.
func TestNeedMatchedServedAndCounted(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Projects
	today := time.Date(2026, 6, 10, 4, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return today }
	worker := as(1, auth.CommunityWorker, apptest.Community, 5)
	other := as(2, auth.CommunityWorker, apptest.Community, 5)
	township := as(3, auth.TownshipStaff, apptest.Township, 4)
	sibling := as(4, auth.CommunityWorker, apptest.SiblingCommunity, 5)

	if err := e.App.DB.WithTx(context.Background(), func(ctx context.Context) error {
		return e.App.Persons.Measures.Set(ctx, person.ElderlySpecial, apptest.Community, 37)
	}); err != nil {
		t.Fatal(err)
	}
	n, err := s.RaiseNeed(worker, project.NeedInput{DivisionCode: apptest.Community, Title: "老人午餐没人做", Kind: "elderly_care", Group: "elderly_special"})
	if err != nil {
		t.Fatal(err)
	}
	if n.Affected != 37 || n.Status != project.NeedOpen || n.Source != "worker" {
		t.Fatalf("need: %+v", n)
	}
	// Bad input changes nothing.
	_, err = s.RaiseNeed(worker, project.NeedInput{DivisionCode: apptest.SiblingCommunity, Title: "x", Kind: "nope"})
	wantCode(t, "need outside the area", err, errs.EINVALID)
	if c := count(t, e, `SELECT count(*) FROM project_needs`); c != 1 {
		t.Fatalf("%d needs after a refused one", c)
	}

	// Resident units' resources come from their registry.
	near := unitResource(t, e, worker, apptest.Community, "市供电公司", residentunit.UnitResourceInput{Name: "职工食堂",
		Contact: "13800138000", Kind: "services", Serves: "elderly_care", Capacity: 40})
	if near.Contact != "13800138000" || count(t, e, `SELECT count(*) FROM resident_unit_resources WHERE contact_sealed LIKE '%13800138000%'`) != 0 {
		t.Fatalf("contact not sealed, or not opened: %+v", near)
	}
	unitResource(t, e, township, apptest.SiblingCommunity, "第三中学", residentunit.UnitResourceInput{Name: "活动室", Kind: "venue"})
	unitResource(t, e, township, apptest.SiblingCommunity, "第三中学", residentunit.UnitResourceInput{Name: "篮球场", Kind: "venue",
		Serves: "culture_sport"})
	ms, err := s.Matches(township, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Key != near.Key || ms[0].Distance != "community" || ms[1].Distance != "township" {
		t.Fatalf("township's matches: %+v", ms)
	}
	ms, err = s.Matches(worker, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("a community worker sees another community's resource: %+v", ms)
	}
	_, err = s.ConfirmMatch(worker, n.ID, "unit:999")
	wantCode(t, "not a suggestion", err, errs.EINVALID)
	m, err := s.ConfirmMatch(worker, n.ID, near.Key)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != project.NeedMatched || m.ResourceName != "职工食堂" {
		t.Fatalf("matched: %+v", m)
	}

	// A unit that stops offering a resource: off the list, the match kept.
	err = e.App.ResidentUnits.WithdrawResource(sibling, near.UnitID, near.ID, "")
	wantCode(t, "sibling withdraws", err, errs.ENOTFOUND)
	if err := e.App.ResidentUnits.WithdrawResource(worker, near.UnitID, near.ID, "食堂改造停供"); err != nil {
		t.Fatal(err)
	}
	if ms, _ := s.Matches(township, n.ID); len(ms) != 0 {
		// the need is matched: no suggestions are read for it by the page,
		// but the service still answers for its kind
		for _, x := range ms {
			if x.Key == near.Key {
				t.Fatalf("a withdrawn resource is still suggested: %+v", ms)
			}
		}
	}
	if c := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'residentunit.resource.withdraw'`); c != 2 {
		t.Fatalf("%d withdrawals audited (one refusal, one withdrawal)", c)
	}
	// Outside the area: not found, and the refusal audited.
	_, err = s.Need(sibling, n.ID)
	wantCode(t, "sibling reads the need", err, errs.ENOTFOUND)
	if c := count(t, e, `SELECT count(*) FROM audit_log WHERE action = 'project.need.read' AND object_id = $1`, itoa(n.ID)); c != 1 {
		t.Fatalf("%d audited refusals", c)
	}

	hall := unitResource(t, e, worker, apptest.Community, "区税务局", residentunit.UnitResourceInput{Name: "会议室", Kind: "venue"})
	_, err = s.CreateProject(worker, project.ProjectInput{DivisionCode: apptest.Community, Title: "x", Owner: "y", Funding: "social",
		Resources: []string{near.Key}})
	wantCode(t, "a withdrawn resource linked", err, errs.EINVALID)
	p, err := s.CreateProject(worker, project.ProjectInput{DivisionCode: apptest.Community, Title: "长者食堂", Owner: "幸福里社工站",
		Funding: "purchase", Budget: 1234500, Needs: []int64{n.ID}, Resources: []string{hall.Key}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != project.Running || len(p.Needs) != 1 || len(p.Resources) != 1 || p.Runner == "" {
		t.Fatalf("project: %+v", p)
	}
	late, err := s.AddMilestone(worker, p.ID, project.MilestoneInput{Title: "场地改造", DueOn: "2026-06-01"})
	if err != nil {
		t.Fatal(err)
	}
	if !late.Late {
		t.Fatalf("a milestone past due is not late: %+v", late)
	}
	if err := s.MilestoneDone(worker, p.ID, late.ID, "2026-06-05"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Report(other, p.ID, "已开餐，每日 40 份", apptest.Photo(t)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Accept(worker, p.ID, "验收合格")
	wantCode(t, "the runner accepts", err, errs.EFORBIDDEN)
	_, err = s.Accept(other, p.ID, "验收合格")
	wantCode(t, "a reporter accepts", err, errs.EFORBIDDEN)
	_, err = s.Accept(sibling, p.ID, "验收合格")
	wantCode(t, "outside the area", err, errs.ENOTFOUND)
	got, err := s.Accept(township, p.ID, "验收合格")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != project.Accepted || got.Needs[0].Status != project.NeedServed || !got.Late || got.Progress[0].PhotoID == 0 {
		t.Fatalf("accepted: %+v", got)
	}
	if _, err := s.Photo(township, p.ID, got.Progress[0].PhotoID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Photo(sibling, p.ID, got.Progress[0].PhotoID)
	wantCode(t, "sibling's photo", err, errs.ENOTFOUND)

	total, rows, err := s.Figures(township, "")
	if err != nil {
		t.Fatal(err)
	}
	if total.NeedsServed != 1 || total.Late != 1 || total.OnTime != 0 || total.Money["purchase"] != 1234500 || total.SharePermille != 1000 {
		t.Fatalf("township figures: %+v", total)
	}
	var own *project.ListFigures
	for i := range rows {
		if rows[i].DivisionCode == apptest.Community {
			own = &rows[i]
		}
	}
	if own == nil || own.NeedsServed != 1 || own.Money["purchase"] != 1234500 {
		t.Fatalf("community row: %+v", rows)
	}
	_, _, err = s.Figures(worker, apptest.Township)
	wantCode(t, "a community worker reads the township", err, errs.ENOTFOUND)
	name, code, err := s.RatingSubject(township, p.ID)
	if err != nil || name != "长者食堂" || code != apptest.Community {
		t.Fatalf("rating subject: %q %q %v", name, code, err)
	}
}

// A deliberation's decision proposes a project; starting it makes the
// caller its runner.
func TestStartProjectFromDecision(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Projects
	worker := as(1, auth.CommunityWorker, apptest.Community, 5)
	id, err := s.StartProject(worker, apptest.Community, "加装电梯", "三号楼议定", 77)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Project(worker, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != project.Proposed || p.DecisionID != 77 || p.Runner != "" {
		t.Fatalf("proposed: %+v", p)
	}
	_, err = s.AddMilestone(worker, id, project.MilestoneInput{Title: "x", DueOn: "2026-01-01"})
	wantCode(t, "milestone before start", err, errs.ECONFLICT)
	_, err = s.Start(worker, id, "", "nope", -1)
	wantCode(t, "bad start", err, errs.EINVALID)
	started, err := s.Start(worker, id, "物业公司", "collective", 500000)
	if err != nil {
		t.Fatal(err)
	}
	if started.Status != project.Running || started.Runner == "" || started.Funding != "collective" {
		t.Fatalf("started: %+v", started)
	}
	_, err = s.Start(worker, id, "物业公司", "collective", 500000)
	wantCode(t, "start twice", err, errs.ECONFLICT)
	_, _, err = s.RatingSubject(worker, id)
	wantCode(t, "rate a project still running", err, errs.ECONFLICT)
	_, err = s.StartProject(as(2, auth.CommunityWorker, apptest.Community, 5), apptest.FarCommunity, "x", "", 1)
	wantCode(t, "propose outside the area", err, errs.EINVALID)
}

// A request category with enough requests in a community in 90 days
// raises one need, once.
func TestRecurringRequestsRaiseANeed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Projects
	staff := as(1, auth.TownshipStaff, apptest.Township, 4)
	for i := 0; i < project.RecurringMin; i++ {
		if _, err := e.App.Requests.Create(staff, request.Intake{DivisionCode: apptest.Community, CategoryCode: "city.garbage",
			Description: "楼下垃圾没人清运", ContactName: "王女士", Phone: "13900000000"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.App.Requests.Create(staff, request.Intake{DivisionCode: apptest.SiblingCommunity, CategoryCode: "city.garbage",
		Description: "小区门口垃圾堆积", ContactName: "李先生", Phone: "13900000001"}); err != nil {
		t.Fatal(err)
	}
	ids, err := s.RaiseRecurring(staff, "", project.RecurringMin)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 1 {
		t.Fatalf("raised %v", ids)
	}
	n, err := s.Need(staff, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if n.DivisionCode != apptest.Community || n.Source != "request_category" || n.SourceRef != "city.garbage" ||
		n.Kind != "environment" || n.Affected != project.RecurringMin || !strings.Contains(n.Title, "垃圾") {
		t.Fatalf("need: %+v", n)
	}
	again, err := s.RaiseRecurring(staff, "", project.RecurringMin)
	if err != nil || len(again) != 0 {
		t.Fatalf("raised again: %v %v", again, err)
	}
	// The daily job acts as the system, over every community.
	for i := 0; i < project.RecurringMin; i++ {
		if _, err := e.App.Requests.Create(staff, request.Intake{DivisionCode: apptest.SiblingCommunity, CategoryCode: "social.elderly",
			Description: "希望社区有老年助餐", ContactName: "赵先生", Phone: "13900000002"}); err != nil {
			t.Fatal(err)
		}
	}
	job, err := s.RaiseRecurring(auth.With(context.Background(), auth.SystemPrincipal), "", project.RecurringMin)
	if err != nil || len(job) != 1 {
		t.Fatalf("the job raised %v %v", job, err)
	}
	if n, err := s.Need(staff, job[0]); err != nil || n.Kind != "elderly_care" || n.DivisionCode != apptest.SiblingCommunity {
		t.Fatalf("the job's need: %+v %v", n, err)
	}
	// Another township's staff see none of it.
	far, err := s.RaiseRecurring(as(2, auth.TownshipStaff, apptest.SiblingTownship, 4), "", project.RecurringMin)
	if err != nil || len(far) != 0 {
		t.Fatalf("other township raised %v %v", far, err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// unitRes is a resident unit's resource with its key in the three lists.
type unitRes struct {
	*residentunit.UnitResource
	Key string
}

// unitResource records a resource of a resident unit (the unit recorded
// first when the registry has none of that name in the division) through
// the residentunit registry the three lists read.
func unitResource(t *testing.T, e *apptest.Env, ctx context.Context, code, unit string, in residentunit.UnitResourceInput) unitRes {
	t.Helper()
	us, _, err := e.App.ResidentUnits.List(ctx, residentunit.Filter{Q: unit, Division: code})
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if len(us) > 0 {
		id = us[0].ID
	} else {
		d, err := e.App.ResidentUnits.Create(ctx, residentunit.ResidentUnitInput{DivisionCode: code, Name: unit, Kind: "enterprise"})
		if err != nil {
			t.Fatal(err)
		}
		id = d.ID
	}
	r, err := e.App.ResidentUnits.AddResource(ctx, id, in)
	if err != nil {
		t.Fatal(err)
	}
	return unitRes{r, project.FromUnit + ":" + strconv.FormatInt(r.ID, 10)}
}

// The resource list reads the registries as the caller: facilities in
// use with their hours, social organisations, volunteer teams; a
// neighbouring community's stay out of a community worker's list.
func TestResourcesFromTheRegistries(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	city := e.Token(auth.CityStaff, apptest.City)
	week := "08:30-12:00"
	for _, c := range []string{apptest.Community, apptest.SiblingCommunity} {
		if res := e.API("POST", "/api/v1/facilities", city, map[string]any{"division_code": c, "kind": "home_elderly_care",
			"name": "日间照料中心" + c, "address": "游园路 1 号", "status": "in_use", "hours": []string{week, week, week, week, week, "", ""}}); res.StatusCode != 201 {
			t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
		}
		if res := e.API("POST", "/api/v1/organizations", city, map[string]any{"division_code": c, "name": "文体协会" + c,
			"registration": "filed", "registration_number": "F-" + c, "type": "culture_sport"}); res.StatusCode != 201 {
			t.Fatalf("organization: %d %s", res.StatusCode, res.Body)
		}
	}
	worker := as(1, auth.CommunityWorker, apptest.Community, 5)
	rs, more, err := e.App.Projects.Resources(worker, project.ResourceFilter{})
	if err != nil || more {
		t.Fatal(err, more)
	}
	got := map[string]project.Resource{}
	for _, r := range rs {
		got[r.Name] = r
	}
	f, o := got["日间照料中心"+apptest.Community], got["文体协会"+apptest.Community]
	if f.Source != project.FromFacility || f.Serves != "elderly_care" || !strings.Contains(f.Hours, week) || o.Source != project.FromOrganization || o.Serves != "culture_sport" {
		t.Fatalf("the registries' resources: %+v", rs)
	}
	if _, ok := got["日间照料中心"+apptest.SiblingCommunity]; ok || len(rs) != 2 {
		t.Fatalf("a neighbour's resources in a community worker's list: %+v", rs)
	}
	only, _, err := e.App.Projects.Resources(worker, project.ResourceFilter{Source: project.FromFacility})
	if err != nil || len(only) != 1 {
		t.Fatalf("filter by source: %+v %v", only, err)
	}
}
