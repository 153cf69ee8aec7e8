package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/burden"
	"shequ/internal/platform/auth"
)

// TestBurdenJourney: a department files an admission request for a piece
// of community work; the county refuses it with a reason; the
// department's assignment of that work to a township's communities is
// then blocked with a message naming it. A verified resident, on a
// 360 px phone, asks for a 居住证明 of the list; a community worker issues
// it; a visitor checks its number on the public verification page. A
// use of the community seal is logged. Every page passes axe-core.
func TestBurdenJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Department(apptest.County, "区卫健局")
	county := e.Token(auth.CountyStaff, apptest.County)
	for _, it := range []map[string]any{
		{"list": "proof", "division_code": apptest.County, "name": "居住证明", "basis": "《居住证暂行条例》"},
		{"list": "seal", "division_code": apptest.County, "name": "出具经核实的证明材料", "basis": "《城市居民委员会组织法》"},
	} {
		if res := e.API("POST", "/api/v1/burden/items", county, it); res.StatusCode != http.StatusCreated {
			t.Fatalf("item: %d %s", res.StatusCode, res.Body)
		}
	}
	e.VerifiedResident(apptest.Name(auth.Resident, apptest.Community), "王小明", apptest.Community, true)
	const work = "创建文明城市入户宣传"

	// The department files its request.
	b, _ := signedIn(t, e, auth.HandlingUnit, apptest.County, 1280, 900)
	b.open("/burden/admissions")
	b.checkA11y("admissions, department")
	b.do("fill the request",
		chromedp.WaitVisible(chromedp.CSS("#file-form")),
		chromedp.SendKeys(chromedp.CSS("#f-name"), work),
		chromedp.SendKeys(chromedp.CSS("#f-basis"), "市创城工作方案"),
		chromedp.SetValue(chromedp.CSS("#f-kind"), "assist"),
		chromedp.SendKeys(chromedp.CSS("#f-funding"), "无"),
		chromedp.SendKeys(chromedp.CSS("#f-conditions"), "无"),
		chromedp.SendKeys(chromedp.CSS("#f-grounds"), "需要社区逐户宣传"),
	)
	b.navigate("file", chromedp.Click(chromedp.CSS("#file-admission")))
	if got := b.text("#admissions"); !strings.Contains(got, work) || !strings.Contains(got, "待处理") {
		t.Fatalf("after filing the list reads %q", got)
	}
	b.signOut()
	as, _, err := e.App.Burden.Admissions(e.Ctx, burden.AdmissionFilter{})
	if err != nil || len(as) != 1 {
		t.Fatalf("admissions %v %v", as, err)
	}
	aid := strconv.FormatInt(as[0].ID, 10)

	// The county refuses it with a reason.
	staff := e.User(auth.CountyStaff, apptest.County)
	b.login(staff, apptest.Password)
	passMFA(t, e, staff)
	b.open("/burden/admissions")
	b.checkA11y("admissions, county")
	b.do("give the reason", chromedp.WaitVisible(chromedp.CSS("#reason-"+aid)), chromedp.SendKeys(chromedp.CSS("#reason-"+aid), "宣传工作属于部门职责，不列入社区清单"))
	b.navigate("refuse", chromedp.Click(chromedp.CSS("#refuse-"+aid)))
	if got := b.text("#admission-" + aid + " .status"); !strings.Contains(got, "不予准入") || !strings.Contains(got, "不列入社区清单") {
		t.Fatalf("after refusing the request reads %q", got)
	}
	b.signOut()

	// The department's assignment of that work is blocked.
	b.login(e.User(auth.HandlingUnit, apptest.County), apptest.Password)
	b.open("/burden/tasks")
	b.do("fill the assignment",
		chromedp.WaitVisible(chromedp.CSS("#assign-form")),
		chromedp.SendKeys(chromedp.CSS("#f-item"), work),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "入户发放创城宣传册"),
		chromedp.SendKeys(chromedp.CSS("#f-area"), apptest.Township),
		chromedp.SetValue(chromedp.CSS("#f-deadline"), "2099-01-31"),
	)
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("#assign")))
	if err != nil || res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("the blocked assignment answers %v %v, want 422", res, err)
	}
	if got := b.text("#item-error"); !strings.Contains(got, work) || !strings.Contains(got, "不在") {
		t.Fatalf("the blocked assignment reads %q", got)
	}
	b.checkA11y("assignment blocked")
	if tasks, _, err := e.App.Burden.Tasks(e.Ctx, burden.TaskFilter{}); err != nil || len(tasks) != 0 {
		t.Fatalf("a blocked assignment was saved: %v %v", tasks, err)
	}
	b.signOut()

	// A resident on a phone asks for a proof of the list.
	b.do("phone", chromedp.EmulateViewport(360, 740))
	b.login(e.User(auth.Resident, apptest.Community), apptest.Password)
	b.open("/burden/proofs")
	b.checkFits("proofs on a phone")
	b.checkA11y("proofs, resident")
	b.do("fill the request", chromedp.WaitVisible(chromedp.CSS("#ask-form")),
		chromedp.SendKeys(chromedp.CSS("#f-item"), "居住证明"), chromedp.SendKeys(chromedp.CSS("#f-purpose"), "子女入学"))
	b.navigate("ask", chromedp.Click(chromedp.CSS("#ask-proof")))
	if got := b.text("#proofs"); !strings.Contains(got, "居住证明") || !strings.Contains(got, "待处理") {
		t.Fatalf("the resident's proofs read %q", got)
	}
	b.signOut()
	ps, _, err := e.App.Burden.Proofs(e.Ctx, burden.ProofFilter{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("proofs %v %v", ps, err)
	}
	pid := strconv.FormatInt(ps[0].ID, 10)

	// A community worker issues it and logs the seal's use.
	b.do("desk", chromedp.EmulateViewport(1280, 900))
	b.login(e.User(auth.CommunityWorker, apptest.Community), apptest.Password)
	b.open("/burden/proofs")
	b.checkA11y("proofs, worker")
	b.do("write the text", chromedp.WaitVisible(chromedp.CSS("#content-"+pid)), chromedp.SendKeys(chromedp.CSS("#content-"+pid), "兹证明王小明自 2020 年起居住于本社区。"))
	b.navigate("issue", chromedp.Click(chromedp.CSS("#issue-"+pid)))
	number := b.text("#proof-" + pid + " .proof-number")
	if len(number) != 19 {
		t.Fatalf("issued proof number %q", number)
	}
	b.open("/burden/seal")
	b.checkA11y("seal log")
	b.do("fill the seal use", chromedp.WaitVisible(chromedp.CSS("#seal-form")),
		chromedp.SendKeys(chromedp.CSS("#f-item"), "出具经核实的证明材料"),
		chromedp.SendKeys(chromedp.CSS("#f-what"), "居住证明 "+number),
		chromedp.SendKeys(chromedp.CSS("#f-for"), "王小明"),
		chromedp.SendKeys(chromedp.CSS("#f-approved"), "张书记"))
	b.navigate("log", chromedp.Click(chromedp.CSS("#log-seal")))
	if got := b.text("#seal-uses"); !strings.Contains(got, number) || !strings.Contains(got, "张书记") {
		t.Fatalf("the seal log reads %q", got)
	}
	b.signOut()

	// A visitor verifies the number.
	b.open("/verify")
	b.do("type the number", chromedp.WaitVisible(chromedp.CSS("#f-number")), chromedp.SendKeys(chromedp.CSS("#f-number"), strings.ToLower(number)))
	b.navigate("verify", chromedp.Click(chromedp.CSS("#verify-button")))
	if got := b.text("#verify-status"); !strings.Contains(got, "真实有效") && !strings.Contains(got, "有效") {
		t.Errorf("verification reads %q", got)
	}
	if got := b.text("#v-title"); got != "居住证明" {
		t.Errorf("the verified certificate is %q", got)
	}
	if got := b.text("#v-name"); got != "王*明" {
		t.Errorf("the holder shows as %q", got)
	}
	b.checkA11y("verified proof")
}
