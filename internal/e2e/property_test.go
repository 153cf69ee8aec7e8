package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/property"
	"shequ/internal/request"
)

// TestPropertyJourney: a community worker registers a compound with the
// county's property company; a verified resident, on a phone, gives the
// compound's property service a 差评 with a comment, which opens a
// rectification, and files a property request, which goes straight to the
// company's handling unit; the township sees the company's yearly score
// and the county its ranking.
func TestPropertyJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	unit, err := e.App.Requests.CreateUnit(e.Ctx, request.Unit{Name: "安居物业客服中心", Kind: request.UnitCompany, DivisionCode: apptest.County})
	if err != nil {
		t.Fatal(err)
	}
	check, _ := property.CreditCheck("91131102MA0CX1234")
	county := e.Token(auth.CountyStaff, apptest.County)
	if res := e.API("POST", "/api/v1/property/companies", county, map[string]any{"division_code": apptest.County, "name": "衡水安居物业服务有限公司",
		"credit_code": "91131102MA0CX1234" + string(check), "contact": "李经理", "phone": "13800000001", "unit_id": unit.ID}); res.StatusCode != http.StatusCreated {
		t.Fatalf("company: %d %s", res.StatusCode, res.Body)
	}
	e.VerifiedResident("res-wang", "王居民", apptest.Community, true)

	// The community worker registers the compound and its company.
	w, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 1280, 900)
	w.open("/property/compounds")
	w.navigate("register the compound",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "锦绣花园"),
		chromedp.SendKeys(chromedp.CSS("#f-address"), "人民路 88 号"),
		chromedp.SendKeys(chromedp.CSS("#f-households"), "620"),
		chromedp.SendKeys(chromedp.CSS("#f-buildings"), "12"),
		chromedp.SetValue(chromedp.CSS("#f-management"), "company"),
		chromedp.SetValue(chromedp.CSS("#f-company"), "1"),
		chromedp.SetValue(chromedp.CSS("#f-contract-start"), "2024-01-01"),
		chromedp.SetValue(chromedp.CSS("#f-contract-end"), "2099-12-31"),
		chromedp.Click(chromedp.CSS("#save-compound")),
	)
	if got := w.text("#compound-company"); got != "衡水安居物业服务有限公司" {
		t.Fatalf("the compound's company: %q", got)
	}

	// The resident, on a phone, rates the property service of the year.
	r := newBrowser(t, e.URL, 360, 740)
	r.login("res-wang", apptest.Password)
	r.open("/property/mine")
	r.checkFits("property mine 360")
	r.navigate("rate the year", chromedp.Click(chromedp.CSS("#my-compounds .rate-year")))
	if got := r.text("#rating-subject"); !strings.Contains(got, "衡水安居物业服务有限公司（锦绣花园）") {
		t.Fatalf("the subject rated: %q", got)
	}
	r.navigate("give a 差评",
		chromedp.Click(chromedp.CSS("#level-1")),
		chromedp.SendKeys(chromedp.CSS("#f-comment"), "垃圾清运不及时，楼道卫生差"),
		chromedp.Click(chromedp.CSS("#submit-rating")),
	)
	if got := r.text("#rectification"); !strings.Contains(got, "整改") {
		t.Fatalf("no rectification opened: %q", got)
	}
	// A property request goes to the company's unit.
	r.open("/property/mine")
	r.navigate("file a property request",
		chromedp.SendKeys(chromedp.CSS("#my-compounds textarea"), "3 号楼电梯停运两天了"),
		chromedp.Click(chromedp.CSS("#my-compounds .file-request button")),
	)
	if got := r.text("#request-unit"); !strings.Contains(got, "安居物业客服中心") {
		t.Fatalf("the request's unit: %q", got)
	}
	r.checkFits("property request 360")

	// The township sees the company's yearly score; the county its ranking.
	ts, _ := signedIn(t, e, auth.TownshipStaff, apptest.Township, 1280, 900)
	ts.open("/property/scores")
	row := ts.text("#scores tbody tr")
	if !strings.Contains(row, "衡水安居物业服务有限公司") || !strings.Contains(row, "1") {
		t.Fatalf("the township's scores: %q", row)
	}
	// One 非常不满意 (20 rating points), no request due yet, one complaint
	// (−2): 18.
	var sc struct{ Items []property.PropertyScore }
	e.API("GET", "/api/v1/property/scores", e.Token(auth.TownshipStaff, apptest.Township), nil).JSON(t, &sc)
	if len(sc.Items) != 1 || sc.Items[0].Complaints != 1 || sc.Items[0].Requests != 1 || sc.Items[0].Score == nil || *sc.Items[0].Score != 18 {
		t.Fatalf("the score: %+v", sc.Items)
	}
	if got := ts.text("#scores td.score"); got != "18.0" {
		t.Errorf("the score shown: %q", got)
	}
	c, name := signedIn(t, e, auth.CountyStaff, apptest.County, 1280, 900)
	passMFA(t, e, name)
	c.open("/property/scores")
	if got := c.text("#scores tbody tr td"); got != "1" {
		t.Errorf("the county's rank of the company: %q", got)
	}
	c.navigate("ratings of property", chromedp.Navigate(e.URL+"/ratings?kind=property"))
}
