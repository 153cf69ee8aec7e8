package burden_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app/apptest"
	"shequ/internal/burden"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

func post(t *testing.T, e *apptest.Env, path, token string, body any, want int) *apptest.Response {
	t.Helper()
	res := e.API("POST", path, token, body)
	if res.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d: %s", path, res.StatusCode, want, res.Body)
	}
	return res
}

func get(t *testing.T, e *apptest.Env, path, token string, v any) {
	t.Helper()
	res := e.API("GET", path, token, nil)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, res.Body)
	}
	res.JSON(t, v)
}

// A department's admission request is refused with a reason and its work
// cannot then be assigned (nothing saved, the refusal counted); once
// another request is admitted by someone other than its filer, the item
// is on the county's list and its work reaches every community of the
// area; a community marks its share done; the figures count it all.
func TestAdmissionAndAssignment(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	unit := e.Department(apptest.County, "区卫健局")
	dept := e.Token(auth.HandlingUnit, apptest.County)
	county := e.Token(auth.CountyStaff, apptest.County)

	req := map[string]any{"division_code": apptest.County, "name": "健康档案入户核查", "basis": "《基本公共卫生服务规范》", "kind": "assist",
		"grounds": "需要社区协助"}
	// An assisting item must state its funding and conditions.
	res := post(t, e, "/api/v1/burden/admissions", dept, req, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, `"location":"body.funding"`) && !strings.Contains(res.Body, "funding") {
		t.Fatalf("funding not named: %s", res.Body)
	}
	req["funding"], req["conditions"] = "每户 5 元工作经费", "提供核查表和培训"
	var a burden.BurdenAdmission
	post(t, e, "/api/v1/burden/admissions", dept, req, http.StatusCreated).JSON(t, &a)
	if a.Status != burden.Pending || a.UnitID != unit || a.UnitName != "区卫健局" {
		t.Fatalf("filed %+v", a)
	}
	// Counties decide; a department cannot, nor can a refusal go without a reason.
	post(t, e, "/api/v1/burden/admissions/"+strconv.FormatInt(a.ID, 10)+"/decide", dept, map[string]any{"admit": true}, http.StatusForbidden)
	post(t, e, "/api/v1/burden/admissions/"+strconv.FormatInt(a.ID, 10)+"/decide", county, map[string]any{"admit": false}, http.StatusUnprocessableEntity)
	post(t, e, "/api/v1/burden/admissions/"+strconv.FormatInt(a.ID, 10)+"/decide", county,
		map[string]any{"admit": false, "decision_reason": "属于部门自身职责"}, http.StatusOK).JSON(t, &a)
	if a.Status != burden.Refused || a.DecisionReason != "属于部门自身职责" || a.ItemID != 0 {
		t.Fatalf("refused %+v", a)
	}
	post(t, e, "/api/v1/burden/admissions/"+strconv.FormatInt(a.ID, 10)+"/decide", county, map[string]any{"admit": true}, http.StatusConflict)

	// The refused work cannot be assigned.
	task := map[string]any{"item_name": "健康档案入户核查", "title": "核查 2026 年健康档案", "target_area": apptest.Township, "deadline": "2099-01-31"}
	res = post(t, e, "/api/v1/burden/tasks", dept, task, http.StatusUnprocessableEntity)
	if !strings.Contains(res.Body, "健康档案入户核查") {
		t.Fatalf("refusal does not name the item: %s", res.Body)
	}
	var tasks struct{ Items []burden.BurdenTask }
	get(t, e, "/api/v1/burden/tasks", dept, &tasks)
	if len(tasks.Items) != 0 {
		t.Fatalf("a refused assignment was saved: %+v", tasks.Items)
	}

	// Four-eyes: the county account that files cannot admit its own
	// request (a county account is never a department, so the filer here
	// is the department and the county admits).
	req["name"] = "慢病随访协助"
	post(t, e, "/api/v1/burden/admissions", dept, req, http.StatusCreated).JSON(t, &a)
	post(t, e, "/api/v1/burden/admissions/"+strconv.FormatInt(a.ID, 10)+"/decide", county, map[string]any{"admit": true}, http.StatusOK).JSON(t, &a)
	if a.Status != burden.Admitted || a.ItemID == 0 {
		t.Fatalf("admitted %+v", a)
	}
	task["item_name"] = "慢病随访协助"
	var tk burden.BurdenTask
	post(t, e, "/api/v1/burden/tasks", dept, task, http.StatusCreated).JSON(t, &tk)
	if tk.Communities < 2 || tk.ItemID != a.ItemID {
		t.Fatalf("task %+v", tk)
	}
	// The community sees its share and marks it done, once.
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	get(t, e, "/api/v1/burden/tasks", worker, &tasks)
	if len(tasks.Items) != 1 || tasks.Items[0].Communities != 1 || tasks.Items[0].Done != 0 {
		t.Fatalf("community's tasks %+v", tasks.Items)
	}
	post(t, e, "/api/v1/burden/tasks/"+strconv.FormatInt(tk.ID, 10)+"/done", worker, nil, http.StatusOK)
	post(t, e, "/api/v1/burden/tasks/"+strconv.FormatInt(tk.ID, 10)+"/done", worker, nil, http.StatusNotFound)

	var f burden.BurdenFigures
	get(t, e, "/api/v1/burden/figures", county, &f)
	if len(f.Counties) != 1 || f.Counties[0].ItemsPerCommunity != 1 || f.Counties[0].AdmissionsAdmitted != 1 || f.Counties[0].AdmissionsRefused != 1 {
		t.Fatalf("county figures %+v", f.Counties)
	}
	if len(f.Units) != 1 || f.Units[0].Tasks != 1 || f.Units[0].Shares != tk.Communities || f.Units[0].Done != 1 || f.Units[0].Refused != 1 {
		t.Fatalf("unit figures %+v", f.Units)
	}
}

// A verified resident asks for a proof on the list (one off it is
// refused), a worker issues it with a number the public page verifies,
// then revokes it; the PDF carries the number.
func TestProofIssuedAndVerified(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	county := e.Token(auth.CountyStaff, apptest.County)
	post(t, e, "/api/v1/burden/items", county, map[string]any{"list": "proof", "division_code": apptest.County, "name": "居住证明",
		"basis": "《居住证暂行条例》"}, http.StatusCreated)
	e.VerifiedResident(apptest.Name(auth.Resident, apptest.Community), "王小明", apptest.Community, true)
	e.VerifiedResident(apptest.Name(auth.Resident, apptest.SiblingCommunity), "李四", apptest.SiblingCommunity, false)
	me, unv := e.Token(auth.Resident, apptest.Community), e.Token(auth.Resident, apptest.SiblingCommunity)
	post(t, e, "/api/v1/burden/proofs", unv, map[string]any{"item_name": "居住证明", "purpose": "入学"}, http.StatusForbidden)
	r := post(t, e, "/api/v1/burden/proofs", me, map[string]any{"item_name": "无犯罪记录证明", "purpose": "求职"}, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "无犯罪记录证明") {
		t.Fatalf("off-list refusal: %s", r.Body)
	}
	var p burden.BurdenProof
	post(t, e, "/api/v1/burden/proofs", me, map[string]any{"item_name": "居住证明", "purpose": "子女入学"}, http.StatusCreated).JSON(t, &p)
	id := strconv.FormatInt(p.ID, 10)
	sibling := e.Token(auth.CommunityWorker, apptest.SiblingCommunity)
	post(t, e, "/api/v1/burden/proofs/"+id+"/decide", sibling, map[string]any{"issue": true, "content": "x"}, http.StatusNotFound)
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	post(t, e, "/api/v1/burden/proofs/"+id+"/decide", worker, map[string]any{"issue": true}, http.StatusUnprocessableEntity)
	post(t, e, "/api/v1/burden/proofs/"+id+"/decide", worker, map[string]any{"issue": true, "content": "兹证明王小明自 2020 年起居住于本社区。"}, http.StatusOK).JSON(t, &p)
	if p.Status != burden.Issued || len(p.Number) != 19 {
		t.Fatalf("issued %+v", p)
	}
	pub := e.NewClient().Get("/verify/" + p.Number)
	if pub.StatusCode != http.StatusOK || !strings.Contains(pub.Body, "居住证明") || !strings.Contains(pub.Body, "王*明") || strings.Contains(pub.Body, "王小明") {
		t.Fatalf("verify page: %d %s", pub.StatusCode, pub.Body)
	}
	pdf := e.Session(auth.CommunityWorker, apptest.Community).Get("/burden/proofs/" + id + "/pdf")
	if pdf.StatusCode != http.StatusOK || !strings.HasPrefix(pdf.Body, "%PDF") || !strings.Contains(pdf.Body, p.Number) {
		t.Fatalf("pdf: %d", pdf.StatusCode)
	}
	post(t, e, "/api/v1/burden/proofs/"+id+"/revoke", worker, map[string]any{"revoke_reason": "已迁出"}, http.StatusOK)
	if pub := e.NewClient().Get("/verify/" + p.Number); !strings.Contains(pub.Body, "verify-status") || !strings.Contains(pub.Body, "revoked") {
		t.Fatalf("revoked verify page: %s", pub.Body)
	}
	// Taken off the list, an item can no longer be asked for.
	var items struct{ Items []burden.BurdenItem }
	get(t, e, "/api/v1/burden/items?list=proof", county, &items)
	post(t, e, "/api/v1/burden/items/"+strconv.FormatInt(items.Items[0].ID, 10)+"/retire", county, nil, http.StatusOK)
	post(t, e, "/api/v1/burden/proofs", me, map[string]any{"item_name": "居住证明", "purpose": "入学"}, http.StatusUnprocessableEntity)
}

// A seal use on the list is logged; one outside it is refused and nothing
// is logged.
func TestSealUse(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	post(t, e, "/api/v1/burden/items", e.Token(auth.CityStaff, apptest.City), map[string]any{"list": "seal", "division_code": apptest.City,
		"name": "出具经核实的证明材料", "basis": "《城市居民委员会组织法》"}, http.StatusCreated)
	worker := e.Token(auth.CommunityWorker, apptest.Community)
	use := map[string]any{"item_name": "为企业经营担保", "what": "担保函", "for_whom": "某公司", "approved_by": "张书记", "used_on": "2026-01-05"}
	r := post(t, e, "/api/v1/burden/seal-uses", worker, use, http.StatusUnprocessableEntity)
	if !strings.Contains(r.Body, "为企业经营担保") {
		t.Fatalf("refusal: %s", r.Body)
	}
	use["item_name"] = "出具经核实的证明材料"
	post(t, e, "/api/v1/burden/seal-uses", worker, use, http.StatusCreated)
	var uses struct{ Items []burden.BurdenSealUse }
	get(t, e, "/api/v1/burden/seal-uses", e.Token(auth.TownshipStaff, apptest.Township), &uses)
	if len(uses.Items) != 1 || uses.Items[0].ApprovedBy != "张书记" {
		t.Fatalf("uses %+v", uses.Items)
	}
	get(t, e, "/api/v1/burden/seal-uses", e.Token(auth.CommunityWorker, apptest.SiblingCommunity), &uses)
	if len(uses.Items) != 0 {
		t.Fatalf("sibling sees %+v", uses.Items)
	}
}

// An import with one bad row saves nothing and names the row; a good one
// saves every row.
func TestImportAllOrNothing(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Department(apptest.County, "区民政局")
	ctx := e.Ctx
	book := func(rows [][]string) *bytes.Buffer {
		t.Helper()
		x := excelize.NewFile()
		for i, r := range append([][]string{{"清单", "所在区划代码", "事项名称", "依据", "承办部门", "事项类型", "经费保障", "工作条件"}}, rows...) {
			cells := make([]any, len(r))
			for k, v := range r {
				cells[k] = v
			}
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow("Sheet1", cell, &cells); err != nil {
				t.Fatal(err)
			}
		}
		var b bytes.Buffer
		if err := x.Write(&b); err != nil {
			t.Fatal(err)
		}
		return &b
	}
	good := []string{"社区工作事项清单", apptest.County, "低保申请受理", "《社会救助暂行办法》", "区民政局", "依法协助政府工作事项", "纳入购买服务", "配备专岗"}
	bad := []string{"社区工作事项清单", apptest.County, "创城入户宣传", "文件", "不存在的局", "依法协助政府工作事项", "", ""}
	_, err := e.App.Burden.Import(ctx, book([][]string{good, bad}))
	if err == nil || !strings.Contains(err.Error(), "department") {
		t.Fatalf("bad row: %v", err)
	}
	items, _, err := e.App.Burden.Items(ctx, burden.ItemFilter{List: burden.ListWork})
	if err != nil || len(items) != 0 {
		t.Fatalf("a refused import saved %d items (%v)", len(items), err)
	}
	if n, err := e.App.Burden.Import(ctx, book([][]string{good})); err != nil || n != 1 {
		t.Fatalf("good import: %d %v", n, err)
	}
}

// The demo's seed list names its work items' departments among the
// county's units and puts the proofs and seal uses on their lists.
func TestSeed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Department(apptest.County, "桃城区住房和城乡建设局")
	if _, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "桃城区城市管理局", Kind: request.UnitDepartment, DivisionCode: apptest.County, Active: true}); err != nil {
		t.Fatal(err)
	}
	n, err := e.App.Burden.Seed(e.Ctx, apptest.County)
	if err != nil || n != 9 {
		t.Fatalf("seeded %d: %v", n, err)
	}
	work, _, err := e.App.Burden.Items(e.Ctx, burden.ItemFilter{List: burden.ListWork})
	if err != nil || len(work) != 5 {
		t.Fatalf("work items %d: %v", len(work), err)
	}
	for _, it := range work {
		if it.Kind != burden.KindAutonomy && !strings.HasPrefix(it.UnitName, "桃城区") {
			t.Errorf("%s has department %q", it.Name, it.UnitName)
		}
	}
	// Only the system seeds.
	if _, err := e.App.Burden.Seed(auth.With(e.Ctx, &auth.Principal{UserID: 1, Name: "c", Role: auth.CountyStaff, Area: auth.AreaOf(apptest.County, 3)}), apptest.County); err == nil {
		t.Error("county staff seeded the demo list")
	}
}

// Every page answers every role: 200 where the role reads it (with its
// forms), 403 elsewhere; a form's mistake shows the page again with the
// field named.
func TestPagesByRole(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Department(apptest.County, "区卫健局")
	e.VerifiedResident(apptest.Name(auth.Resident, apptest.Community), "王小明", apptest.Community, true)
	county := e.Token(auth.CountyStaff, apptest.County)
	post(t, e, "/api/v1/burden/items", county, map[string]any{"list": "proof", "division_code": apptest.County, "name": "居住证明", "basis": "条例"}, http.StatusCreated)
	post(t, e, "/api/v1/burden/admissions", e.Token(auth.HandlingUnit, apptest.County), map[string]any{"division_code": apptest.County,
		"name": "入户核查", "basis": "规范", "kind": "duty"}, http.StatusCreated)
	post(t, e, "/api/v1/burden/proofs", e.Token(auth.Resident, apptest.Community), map[string]any{"item_name": "居住证明", "purpose": "入学"}, http.StatusCreated)
	pages := []string{"/burden", "/burden?list=proof", "/burden?list=seal", "/burden/admissions", "/burden/tasks", "/burden/figures", "/burden/proofs", "/burden/seal"}
	for _, c := range []struct {
		role auth.Role
		area string
	}{{auth.CityStaff, apptest.City}, {auth.CountyStaff, apptest.County}, {auth.HandlingUnit, apptest.County}, {auth.TownshipStaff, apptest.Township},
		{auth.CommunityWorker, apptest.Community}, {auth.GridWorker, apptest.Community}, {auth.Resident, apptest.Community}, {auth.Auditor, apptest.City}} {
		s := e.Session(c.role, c.area)
		if c.role.NeedsTOTP() {
			if _, err := e.App.DB.Writer().Exec(`UPDATE sessions SET mfa_ok = $1 WHERE user_id = (SELECT id FROM users WHERE name = $2)`, true, apptest.Name(c.role, c.area)); err != nil {
				t.Fatal(err)
			}
		}
		for _, p := range pages {
			res := s.Get(p)
			want := http.StatusOK
			switch {
			case c.role == auth.Resident && p != "/burden/proofs", c.role == auth.Auditor,
				c.role == auth.HandlingUnit && (p == "/burden/proofs" || p == "/burden/seal"):
				want = http.StatusForbidden
			}
			if res.StatusCode != want {
				t.Errorf("%s %s: %d, want %d", c.role, p, res.StatusCode, want)
			}
		}
	}
	res := e.Session(auth.HandlingUnit, apptest.County).PostForm("/burden/tasks", url.Values{"item_name": {"不在清单的事"}, "title": {"x"},
		"target_area": {apptest.Township}, "deadline": {"2099-01-01"}})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, "不在清单的事") || !strings.Contains(res.Body, `id="item-error"`) {
		t.Errorf("blocked assignment page: %d", res.StatusCode)
	}
}
