package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// TestAssessmentJourney: the county defines the year's scheme with one
// item computed from the dashboard (urban facility coverage, linear from 0
// to 100) and one scored by hand (a weight that passes 100 is refused by
// name first); a community worker on a phone self-assesses (the computed
// item live, the hand item with a photo as evidence) and submits; the
// township reviews its communities and changes the hand score with a
// reason and its own evidence; the county approves and publishes the
// ranking; the community sees its rank and how its score was made.
func TestAssessmentJourney(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	// The community has a comprehensive facility in use: coverage 100%.
	if res := e.API("POST", "/api/v1/facilities", e.Token(auth.CityStaff, apptest.City), map[string]any{"division_code": apptest.Community,
		"kind": "comprehensive", "name": "游园社区党群服务中心", "status": "in_use", "hours": []string{"08:30-17:30", "", "", "", "", "", ""}}); res.StatusCode != http.StatusCreated {
		t.Fatalf("facility: %d %s", res.StatusCode, res.Body)
	}
	photo := func(name string, g uint8) string {
		img := image.NewRGBA(image.Rect(0, 0, 80, 60))
		for x := 0; x < 80; x++ {
			img.Set(x, x%60, color.RGBA{G: g, A: 255})
		}
		var raw bytes.Buffer
		if err := png.Encode(&raw, img); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, raw.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	year := strconv.Itoa(e.App.Assessments.Year())

	// The county defines the scheme.
	b, county := signedIn(t, e, auth.CountyStaff, apptest.County, 1280, 900)
	passMFA(t, e, county)
	b.open("/assessment/schemes")
	b.navigate("create the scheme",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "桃城区"+year+"年度社区综合考核"),
		chromedp.SetValue(chromedp.CSS("#f-year"), year),
		chromedp.Click(chromedp.CSS("#create-scheme")))
	schemePath := b.path()
	b.navigate("the computed item",
		chromedp.SendKeys(chromedp.CSS("#f-name"), "综合服务设施覆盖"),
		chromedp.SendKeys(chromedp.CSS("#f-weight"), "40"),
		chromedp.SetValue(chromedp.CSS("#f-scoring"), "computed"),
		chromedp.SetValue(chromedp.CSS("#f-metric"), "indicator:urban_facility_coverage"),
		chromedp.SetValue(chromedp.CSS("#f-rule"), "linear"),
		chromedp.SendKeys(chromedp.CSS("#f-floor"), "0"),
		chromedp.SendKeys(chromedp.CSS("#f-goal"), "100"),
		chromedp.Click(chromedp.CSS("#add-item")))
	hand := func(weight string) []chromedp.Action[chromedp.Void] {
		return []chromedp.Action[chromedp.Void]{
			chromedp.SetValue(chromedp.CSS("#f-name"), "居民议事协商"),
			chromedp.SetValue(chromedp.CSS("#f-weight"), weight),
			chromedp.SetValue(chromedp.CSS("#f-scoring"), "hand"),
			chromedp.SetValue(chromedp.CSS("#f-metric"), ""),
			chromedp.SetValue(chromedp.CSS("#f-guidance"), "会议记录和现场照片"),
			chromedp.Click(chromedp.CSS("#add-item")),
		}
	}
	if res, err := chromedp.RunResponse(b.ctx, append(hand("70")[:5:5], chromedp.Click(chromedp.CSS("#add-item")))...); err != nil || res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("weights over 100: %v %v", res, err)
	}
	b.checkA11y("weights over 100 refused")
	if got := b.text("main .errors"); !strings.Contains(got, "权重") || !strings.Contains(got, "110") {
		t.Errorf("the refusal: %q", got)
	}
	b.navigate("the hand item", hand("60")...)
	if got := b.text("#weight-sum"); !strings.Contains(got, "100") {
		t.Errorf("the weights: %q", got)
	}
	b.navigate("open the scheme", chromedp.Click(chromedp.CSS("#open-scheme")))
	if got := b.text("#scheme-state"); got != "考核中" {
		t.Fatalf("the scheme: %q", got)
	}
	b.signOut()

	// The community self-assesses on a phone.
	cw, _ := signedIn(t, e, auth.CommunityWorker, apptest.Community, 360, 740)
	cw.open("/assessments")
	cw.navigate("start", chromedp.Click(chromedp.CSS("#start-assessment")))
	assessmentPath := cw.path()
	if got := cw.text("#breakdown .item-value"); !strings.Contains(got, "100") || !strings.Contains(got, "实时") {
		t.Errorf("the computed item, live: %q", got)
	}
	cw.do("score the hand item",
		chromedp.SendKeys(chromedp.CSS(".score-form input[name=points]"), "55"),
		chromedp.SendKeys(chromedp.CSS(".score-form textarea[name=note]"), "全年召开议事会 4 次"),
		chromedp.SetUploadFiles(chromedp.CSS(".score-form input[type=file]"), []string{photo("minutes.png", 160)}))
	cw.navigate("save the score", chromedp.Click(chromedp.CSS(".score-form button")))
	cw.checkFits("the self-assessment")
	if n := eval[int](cw, `document.querySelectorAll("#breakdown .evidence img").length`); n != 1 {
		t.Fatalf("%d evidence images", n)
	}
	if got := cw.text("#live-total"); got != "95.00" {
		t.Errorf("the live total: %q", got)
	}
	cw.navigate("submit", chromedp.Click(chromedp.CSS("#submit-assessment")))
	if got := cw.text("#assessment-state"); got != "待乡镇（街道）审核" {
		t.Fatalf("after submission: %q", got)
	}

	// The township reviews its communities (each part in a browser of its
	// own: a browser's deadline bounds its part on a loaded machine).
	b, _ = signedIn(t, e, auth.TownshipStaff, apptest.Township, 1280, 900)
	b.open("/assessments?state=submitted")
	if got := b.text("#assessments"); !strings.Contains(got, "游园社区") {
		t.Fatalf("the township's queue: %q", got)
	}
	b.navigate("open the assessment", chromedp.Click(chromedp.CSS("#assessments a")))
	b.do("change the score without a reason", chromedp.SetValue(chromedp.CSS(".score-form input[name=points]"), "50"))
	if res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(".score-form button"))); err != nil || res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("a change without a reason: %v %v", res, err)
	}
	b.checkA11y("change without a reason refused")
	b.do("score with a reason and evidence",
		chromedp.SetValue(chromedp.CSS(".score-form input[name=points]"), "50"),
		chromedp.SendKeys(chromedp.CSS(".score-form textarea[name=change_reason]"), "现场照片只有 3 次会议"),
		chromedp.SetUploadFiles(chromedp.CSS(".score-form input[type=file]"), []string{photo("check.png", 90)}))
	b.navigate("save the review score", chromedp.Click(chromedp.CSS(".score-form button")))
	b.navigate("end the review", chromedp.Click(chromedp.CSS("#review-assessment")))
	if got := b.text("#assessment-total"); got != "90.00" {
		t.Errorf("the reviewed total: %q", got)
	}

	// The county approves and publishes the results.
	b, _ = signedIn(t, e, auth.CountyStaff, apptest.County, 1280, 900)
	passMFA(t, e, county)
	b.open(assessmentPath)
	b.navigate("approve", chromedp.Click(chromedp.CSS("#approve-assessment")))
	if got := b.text("#assessment-state"); got != "已审定" {
		t.Fatalf("after approval: %q", got)
	}
	b.open(schemePath)
	b.navigate("publish", chromedp.Click(chromedp.CSS("#publish-results")))
	b.open(schemePath + "/ranking")
	// The same pages in English.
	b.navigate("English", chromedp.Click(chromedp.CSS("#lang-switch")))
	b.checkEnglish("the ranking in English")
	if got := b.text("main"); !strings.Contains(got, "Ranking in") || !strings.Contains(got, "90.00") {
		t.Errorf("the English ranking: %q", got)
	}
	b.open(assessmentPath)
	b.checkEnglish("the assessment in English")
	if got := b.text("#assessment-state"); got != "Approved" {
		t.Errorf("the English state: %q", got)
	}
	b.open("/assessments")
	b.screenshot("assessments")

	// The community sees its rank and how its score was made.
	cw, _ = signedIn(t, e, auth.CommunityWorker, apptest.Community, 360, 740)
	cw.open(schemePath + "/ranking")
	if got := cw.text("#ranking"); !strings.Contains(got, "游园社区") || !strings.Contains(got, "90.00") {
		t.Errorf("the published ranking: %q", got)
	}
	cw.open(assessmentPath)
	got := cw.text("#breakdown")
	for _, want := range []string{"100.00", "审核时已固定", "40.00", "55.00", "50.00", "现场照片只有 3 次会议", "全年召开议事会 4 次"} {
		if !strings.Contains(got, want) {
			t.Errorf("the breakdown lacks %q: %q", want, got)
		}
	}
	if n := eval[int](cw, `document.querySelectorAll("#breakdown .evidence img").length`); n != 2 {
		t.Errorf("%d evidence images in the breakdown", n)
	}
	cw.checkFits("the breakdown")
	cw.screenshot("assessment-breakdown")
}
