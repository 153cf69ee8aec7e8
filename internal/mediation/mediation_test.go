package mediation_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/mediation"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
	"shequ/internal/worker"
)

const plainPhone, plainID = "13912345678", "110101199003074477"

func post(t *testing.T, e *apptest.Env, token, path string, body any, want int) *apptest.Response {
	t.Helper()
	res := e.API("POST", path, token, body)
	if res.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d: %s", path, res.StatusCode, want, res.Body)
	}
	return res
}

// committee makes a committee at the fixture community with a worker and
// a volunteer as mediators, and returns the mediators' ids.
func committee(t *testing.T, e *apptest.Env, token string) []int64 {
	t.Helper()
	today := e.App.Mediation.Today()
	var w worker.Worker
	post(t, e, token, "/api/v1/workers", map[string]any{"community_code": apptest.Community, "name": "王调解", "phone": "13800000001",
		"post": "party_secretary", "in_post_from": "2022-01-01"}, http.StatusCreated).JSON(t, &w)
	var c mediation.Committee
	post(t, e, token, "/api/v1/mediation/committees", map[string]any{"community_code": apptest.Community, "name": "游园社区人民调解委员会",
		"established_on": "2020-03-01", "chair": "李主任"}, http.StatusCreated).JSON(t, &c)
	post(t, e, token, "/api/v1/mediation/committees/"+strconv.FormatInt(c.ID, 10)+"/mediators",
		map[string]any{"worker_id": w.ID, "term_from": "2024-01-01", "term_to": "2099-12-31"}, http.StatusCreated)
	post(t, e, token, "/api/v1/mediation/committees/"+strconv.FormatInt(c.ID, 10)+"/mediators",
		map[string]any{"name": "赵志愿", "term_from": "2024-01-01", "term_to": today}, http.StatusCreated).JSON(t, &c)
	if len(c.Mediators) != 2 || c.Mediators[0].Name != "王调解" || c.Mediators[0].WorkerID == nil || c.Mediators[1].WorkerID != nil {
		t.Fatalf("mediators: %+v", c.Mediators)
	}
	return []int64{c.Mediators[0].ID, c.Mediators[1].ID}
}

func TestMediationCaseLifecycle(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Token(auth.CommunityWorker, apptest.Community)
	other := e.Token(auth.TownshipStaff, apptest.Township)
	ms := committee(t, e, staff)
	today := e.App.Mediation.Today()

	// A worker of another community is no mediator here.
	var far worker.Worker
	post(t, e, e.Token(auth.CityStaff, apptest.City), "/api/v1/workers", map[string]any{"community_code": apptest.FarCommunity, "name": "远方",
		"phone": "13800000002", "post": "party_secretary", "in_post_from": "2022-01-01"}, http.StatusCreated).JSON(t, &far)
	var cs []mediation.Committee
	res := e.API("GET", "/api/v1/mediation/committees", staff, nil)
	if !strings.Contains(res.Body, "游园社区人民调解委员会") {
		t.Fatalf("committees: %s", res.Body)
	}
	_ = cs
	res = e.API("POST", "/api/v1/mediation/committees/1/mediators", staff, map[string]any{"worker_id": far.ID, "term_from": "2024-01-01", "term_to": "2099-12-31"})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"location":"worker_id"`) {
		t.Fatalf("far worker: %d %s", res.StatusCode, res.Body)
	}

	// Bad input changes nothing.
	res = e.API("POST", "/api/v1/mediation/cases", staff, map[string]any{"community_code": apptest.Community, "kind": "x", "summary": "",
		"parties": []map[string]any{{"name": "张三", "phone": "123", "id_number": "110101199003074478"}}})
	for _, f := range []string{`"location":"kind"`, `"location":"summary"`, `"location":"phone"`, `"location":"id_number"`} {
		if !strings.Contains(res.Body, f) {
			t.Errorf("invalid case: want %s in %s", f, res.Body)
		}
	}
	var c mediation.MediationCase
	post(t, e, staff, "/api/v1/mediation/cases", map[string]any{"community_code": apptest.Community, "kind": "neighbours", "summary": "楼上漏水",
		"parties":      []map[string]any{{"name": "张三丰", "phone": plainPhone, "id_number": plainID}, {"name": "李四"}},
		"mediator_ids": []int64{ms[0]}}, http.StatusCreated).JSON(t, &c)
	if c.Status != mediation.Open || len(c.Parties) != 2 || c.Parties[0].Name != "张*丰" || c.Parties[0].Phone != "139****5678" ||
		c.Parties[0].IDNumber != "****************77" || len(c.Mediators) != 1 {
		t.Fatalf("opened: %+v", c)
	}
	// Sealed in the database: neither the phone nor the ID number nor the name is stored plain.
	var dump string
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT name_sealed || phone_sealed || id_number_sealed FROM mediation_parties WHERE case_id = $1 ORDER BY id LIMIT 1`, c.ID).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, plainPhone) || strings.Contains(dump, plainID) || strings.Contains(dump, "张三丰") {
		t.Fatalf("party stored plain: %s", dump)
	}
	path := "/api/v1/mediation/cases/" + strconv.FormatInt(c.ID, 10)

	// The callback and closing come after the outcome.
	post(t, e, other, path+"/close", map[string]any{"version": 0}, http.StatusConflict)
	post(t, e, staff, path+"/callback", map[string]any{"on": today, "kept": true}, http.StatusConflict)
	post(t, e, staff, path+"/steps", map[string]any{"on": today, "kind": "session", "note": "双方到场，初步沟通"}, http.StatusOK)
	post(t, e, staff, path+"/steps", map[string]any{"on": "2999-01-01", "kind": "session", "note": "未来"}, http.StatusUnprocessableEntity)
	post(t, e, staff, path+"/agreement", map[string]any{"terms": "楼上修缮管道并赔偿 500 元", "signed_on": "2026-01-10", "version": 99}, http.StatusConflict)
	post(t, e, staff, path+"/agreement", map[string]any{"terms": "楼上修缮管道并赔偿 500 元", "signed_on": "2026-01-10"}, http.StatusOK).JSON(t, &c)
	if c.Status != mediation.Agreed || c.AgreementSignedOn != "2026-01-10" || len(c.Steps) != 1 {
		t.Fatalf("agreed: %+v", c)
	}
	post(t, e, staff, path+"/steps", map[string]any{"on": today, "kind": "visit", "note": "已达成"}, http.StatusConflict)
	post(t, e, other, path+"/close", map[string]any{"version": 0}, http.StatusConflict) // not followed up yet
	res = e.API("POST", path+"/callback", staff, map[string]any{"on": "2026-01-10", "kept": true})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"location":"on"`) {
		t.Fatalf("callback on the signing day: %d %s", res.StatusCode, res.Body)
	}
	post(t, e, staff, path+"/callback", map[string]any{"on": "2026-02-10", "kept": true, "note": "已修好"}, http.StatusOK)
	// Four eyes: whoever mediated may not close; another staff member does.
	res = e.API("POST", path+"/close", staff, map[string]any{"version": 0})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "参与调解的人员不能审核结案") {
		t.Fatalf("close by the mediator: %d %s", res.StatusCode, res.Body)
	}
	post(t, e, other, path+"/close", map[string]any{"version": 0}, http.StatusOK).JSON(t, &c)
	if c.Status != mediation.Closed || c.ClosedOn != today || c.ClosedBy == "" {
		t.Fatalf("closed: %+v", c)
	}

	// Reveal needs a reason and is audited; a grid worker may not.
	post(t, e, staff, path+"/reveal", map[string]any{"reason": ""}, http.StatusUnprocessableEntity)
	res = post(t, e, staff, path+"/reveal", map[string]any{"reason": "联系当事人回访"}, http.StatusOK)
	if !strings.Contains(res.Body, plainPhone) || !strings.Contains(res.Body, plainID) || !strings.Contains(res.Body, "张三丰") {
		t.Fatalf("revealed: %s", res.Body)
	}
	post(t, e, e.Token(auth.GridWorker, apptest.Community), path+"/reveal", map[string]any{"reason": "看看"}, http.StatusForbidden)
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'mediation.case.reveal'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("reveal audits: %d %v", n, err)
	}

	// A failed case: referral, then closed by someone else.
	var f mediation.MediationCase
	post(t, e, staff, "/api/v1/mediation/cases", map[string]any{"community_code": apptest.Community, "kind": "labour", "summary": "工资",
		"parties": []map[string]any{{"name": "王五"}}, "mediator_ids": []int64{ms[1]}}, http.StatusCreated).JSON(t, &f)
	fpath := "/api/v1/mediation/cases/" + strconv.FormatInt(f.ID, 10)
	post(t, e, staff, fpath+"/failure", map[string]any{"referral": "nowhere", "note": "x"}, http.StatusUnprocessableEntity)
	post(t, e, other, fpath+"/failure", map[string]any{"referral": "arbitration", "note": "引导劳动仲裁"}, http.StatusOK)
	post(t, e, other, fpath+"/close", map[string]any{"version": 0}, http.StatusForbidden)
	post(t, e, staff, fpath+"/close", map[string]any{"version": 0}, http.StatusOK)

	// Cases of a party found by the whole ID number (blind index), with a
	// reason, audited; a part of a number is refused.
	res = post(t, e, staff, "/api/v1/mediation/cases/search", map[string]any{"id_number": plainID, "reason": "核查以往纠纷"}, http.StatusOK)
	if !strings.Contains(res.Body, `"id":`+strconv.FormatInt(c.ID, 10)+`,`) || strings.Contains(res.Body, `"id":`+strconv.FormatInt(f.ID, 10)+`,`) {
		t.Errorf("search by ID number: %s", res.Body)
	}
	post(t, e, staff, "/api/v1/mediation/cases/search", map[string]any{"id_number": plainID[:10], "reason": "核查以往纠纷"}, http.StatusUnprocessableEntity)
	post(t, e, staff, "/api/v1/mediation/cases/search", map[string]any{"id_number": plainID, "reason": ""}, http.StatusUnprocessableEntity)
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'mediation.case.search' AND detail NOT LIKE '%'||$1||'%'`, plainID).Scan(&n); err != nil || n != 1 {
		t.Errorf("search audits without the number: %d %v", n, err)
	}

	// Outside the area: 404, audited.
	sibling := e.Token(auth.CommunityWorker, apptest.SiblingCommunity)
	if res := e.API("GET", path, sibling, nil); res.StatusCode != http.StatusNotFound {
		t.Fatalf("sibling read: %d", res.StatusCode)
	}
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM audit_log WHERE action = 'mediation.case.read' AND result = 'denied'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("refusal audits: %d %v", n, err)
	}

	// Advisers and legal-literate villagers.
	var a mediation.Adviser
	post(t, e, staff, "/api/v1/legal-advisers", map[string]any{"community_code": apptest.Community, "name": "陈律师", "firm": "衡水正义律师事务所",
		"phone": "13711112222", "term_from": "2025-01-01", "term_to": "2099-12-31"}, http.StatusCreated).JSON(t, &a)
	if a.Phone != "137****2222" {
		t.Fatalf("adviser phone: %q", a.Phone)
	}
	post(t, e, staff, "/api/v1/legal-advisers/"+strconv.FormatInt(a.ID, 10)+"/services", map[string]any{"on": today, "kind": "lecture", "people": 40, "note": "民法典讲座"}, http.StatusCreated)
	post(t, e, staff, "/api/v1/legal-advisers/"+strconv.FormatInt(a.ID, 10)+"/services", map[string]any{"on": today, "kind": "lecture", "people": 0}, http.StatusUnprocessableEntity)
	post(t, e, staff, "/api/v1/legal-advisers", map[string]any{"community_code": apptest.Community, "name": "过期", "firm": "所",
		"phone": "0318-1234567", "term_from": "2020-01-01", "term_to": "2020-12-31"}, http.StatusCreated)
	var l mediation.Literate
	post(t, e, staff, "/api/v1/legal-literates", map[string]any{"community_code": apptest.Community, "name": "刘明白"}, http.StatusCreated).JSON(t, &l)
	post(t, e, staff, "/api/v1/legal-literates/"+strconv.FormatInt(l.ID, 10)+"/trainings", map[string]any{"on": today, "course": "宪法学习", "hours": 3}, http.StatusCreated).JSON(t, &l)
	post(t, e, staff, "/api/v1/legal-literates/"+strconv.FormatInt(l.ID, 10)+"/trainings", map[string]any{"on": today, "course": "民法典", "hours": 4}, http.StatusCreated).JSON(t, &l)
	if l.Hours != 7 || len(l.Trainings) != 2 {
		t.Fatalf("literate: %+v", l)
	}

	// Figures at the county, drilled down to the township, then the community.
	for _, code := range []string{apptest.County, apptest.Township, apptest.Community} {
		var out struct {
			Total mediation.MediationFigures
			Rows  []mediation.MediationFigures
		}
		res := e.API("GET", "/api/v1/mediation/figures?division="+code, e.Token(auth.CountyStaff, apptest.County), nil)
		res.JSON(t, &out)
		want := mediation.MediationFigures{Code: code, Name: out.Total.Name, Cases: 2, Agreements: 1, AgreementsKept: 1, CommunitiesAdvised: 1, LegalLiterates: 1,
			DrillDown: code != apptest.Community}
		if out.Total != want {
			t.Errorf("figures at %s: %+v, want %+v", code, out.Total, want)
		}
		found := code == apptest.Community
		for _, r := range out.Rows {
			if strings.HasPrefix(apptest.Community, strings.TrimRight(r.Code, "0")) && r.Cases == 2 && r.AgreementsKept == 1 {
				found = true
			} else if r.Cases != 0 {
				t.Errorf("figures at %s: row %+v counts a case", code, r)
			}
		}
		if !found {
			t.Errorf("figures at %s: no row holds the cases: %+v", code, out.Rows)
		}
	}

	// The export: masked parties, Chinese labels.
	c2 := e.Session(auth.CommunityWorker, apptest.Community)
	res = c2.Get("/mediation/cases/export.xlsx")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("export: %d", res.StatusCode)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 3 || !strings.Contains(strings.Join(rows[1], "|"), "张*丰") || strings.Contains(strings.Join(rows[1], "|"), "张三丰") ||
		!strings.Contains(strings.Join(rows[1], "|"), "邻里纠纷") {
		t.Fatalf("export rows: %q", rows)
	}
	for _, p := range []string{"/mediation/advisers/services.xlsx", "/mediation/literates/export.xlsx"} {
		res := c2.Get(p)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", p, res.StatusCode)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(res.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 2 || !strings.Contains(strings.Join(rows[1], "|"), map[bool]string{true: "民法典讲座", false: "刘明白|7"}[strings.Contains(p, "services")]) {
			t.Errorf("%s rows: %q", p, rows)
		}
	}
}

func TestMediationFromRequest(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Token(auth.CommunityWorker, apptest.Community)
	resident := e.Token(auth.Resident, apptest.Community)
	file := func(category string) request.Request {
		var r request.Request
		post(t, e, resident, "/api/v1/requests", map[string]any{"division_code": apptest.Community, "category_code": category,
			"description": "邻居装修噪音扰民"}, http.StatusCreated).JSON(t, &r)
		return r
	}
	dispute, other := file("dispute.neighbour"), file("other")
	post(t, e, staff, "/api/v1/mediation/cases/from-request", map[string]any{"request_id": other.ID}, http.StatusUnprocessableEntity)
	var c mediation.MediationCase
	post(t, e, staff, "/api/v1/mediation/cases/from-request", map[string]any{"request_id": dispute.ID}, http.StatusCreated).JSON(t, &c)
	if c.RequestNumber != dispute.Number || c.Kind != "neighbours" || !strings.Contains(c.Summary, "噪音") || len(c.Parties) != 1 {
		t.Fatalf("case from request: %+v", c)
	}
	post(t, e, staff, "/api/v1/mediation/cases/from-request", map[string]any{"request_id": dispute.ID}, http.StatusConflict)
	// Outside the area the request is not found.
	post(t, e, e.Token(auth.CommunityWorker, apptest.SiblingCommunity), "/api/v1/mediation/cases/from-request",
		map[string]any{"request_id": other.ID}, http.StatusNotFound)
	// The request's page shows the case; a dispute without one shows the form.
	s := e.Session(auth.CommunityWorker, apptest.Community)
	page := s.Get("/requests/" + strconv.FormatInt(dispute.ID, 10)).Body
	if !strings.Contains(page, "/mediation/cases/"+strconv.FormatInt(c.ID, 10)) {
		t.Fatalf("request page without the case link")
	}
	if page := s.Get("/requests/" + strconv.FormatInt(other.ID, 10)).Body; strings.Contains(page, "request-open-case") {
		t.Fatalf("a non-dispute request offers a case")
	}
	third := file("dispute")
	page = s.Get("/requests/" + strconv.FormatInt(third.ID, 10)).Body
	if !strings.Contains(page, "/mediation/from-request/"+strconv.FormatInt(third.ID, 10)) {
		t.Fatalf("a dispute request offers no case")
	}
	res := s.PostForm("/mediation/from-request/"+strconv.FormatInt(third.ID, 10), nil)
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/mediation/cases/") {
		t.Fatalf("open from the page: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	if page := s.Get(res.Header.Get("Location")).Body; !strings.Contains(page, third.Number) {
		t.Fatalf("the case page does not show the request's number")
	}
	// Pages render for the community's staff.
	for _, p := range []string{"/mediation/cases", "/mediation/cases/" + strconv.FormatInt(c.ID, 10), "/mediation/committees", "/mediation/advisers",
		"/mediation/literates", "/mediation/figures"} {
		if res := s.Get(p); res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d", p, res.StatusCode)
		}
	}
}

// The registries' lists search by name.
func TestMediationListSearch(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	staff := e.Token(auth.CommunityWorker, apptest.Community)
	for _, n := range []string{"刘明白", "郭振华"} {
		post(t, e, staff, "/api/v1/legal-literates", map[string]any{"community_code": apptest.Community, "name": n}, http.StatusCreated)
		post(t, e, staff, "/api/v1/legal-advisers", map[string]any{"community_code": apptest.Community, "name": n, "firm": "所", "phone": "13700000000",
			"term_from": "2025-01-01", "term_to": "2099-12-31"}, http.StatusCreated)
		post(t, e, staff, "/api/v1/mediation/committees", map[string]any{"community_code": apptest.Community, "name": n + "调委会",
			"established_on": "2020-01-01", "chair": "主任"}, http.StatusCreated)
	}
	for _, p := range []string{"/api/v1/legal-literates", "/api/v1/legal-advisers", "/api/v1/mediation/committees"} {
		res := e.API("GET", p+"?q=%E6%98%8E%E7%99%BD", staff, nil) // 明白
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "刘明白") || strings.Contains(res.Body, "郭振华") {
			t.Errorf("%s?q=明白: %d %s", p, res.StatusCode, res.Body)
		}
	}
	s := e.Session(auth.CommunityWorker, apptest.Community)
	if page := s.Get("/mediation/literates?q=%E9%83%AD").Body; !strings.Contains(page, "郭振华") || strings.Contains(page, "刘明白") {
		t.Errorf("the literates page does not search")
	}
}
