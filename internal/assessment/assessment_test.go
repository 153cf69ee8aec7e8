package assessment_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/assessment"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// fakeSource answers a value per community that a test sets.
type fakeSource struct {
	mu     sync.Mutex
	values map[string]float64
}

func (f *fakeSource) Metrics() []assessment.AssessmentMetric {
	return []assessment.AssessmentMetric{{Code: "indicator:elderly_monthly_visit_rate", Zh: "月探访率", En: "Visit rate", Unit: "%"}}
}

func (f *fakeSource) Value(_ context.Context, _, community string, _ int) (*float64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.values[community]
	if !ok {
		return nil, nil
	}
	return &v, nil
}

func (f *fakeSource) set(code string, v float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.values[code] = v
}

func f64(v float64) *float64 { return &v }

func TestPointsRules(t *testing.T) {
	lin := assessment.AssessmentItem{Weight: 40, Rule: assessment.Linear, Floor: f64(50), Target: f64(100)}
	down := assessment.AssessmentItem{Weight: 10, Rule: assessment.Linear, Floor: f64(20), Target: f64(0)}
	steps := assessment.AssessmentItem{Weight: 20, Rule: assessment.Steps, Steps: "60:50;80:100"}
	for _, c := range []struct {
		it   assessment.AssessmentItem
		v    *float64
		want float64
	}{
		{lin, f64(75), 20}, {lin, f64(40), 0}, {lin, f64(130), 40}, {lin, nil, 0},
		{down, f64(5), 7.5}, {down, f64(30), 0},
		{steps, f64(59), 0}, {steps, f64(60), 10}, {steps, f64(95), 20},
	} {
		if got := c.it.Points(c.v); got != c.want {
			t.Errorf("%+v at %v: %v, want %v", c.it, c.v, got, c.want)
		}
	}
}

type env struct {
	*apptest.Env
	src *fakeSource
}

func (e env) call(t testing.TB, method, path, tok string, body any, want int) *apptest.Response {
	t.Helper()
	res := e.API(method, path, tok, body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, res.Body)
	}
	return res
}

func scheme(t testing.TB, e env, year int) *assessment.AssessmentScheme {
	t.Helper()
	county := e.Token(auth.CountyStaff, apptest.County)
	res := e.call(t, "POST", "/api/v1/assessment-schemes", county, map[string]any{"year": year, "name": "桃城区社区综合考核", "items": []map[string]any{
		{"name": "特殊困难老年人月探访率", "weight": 40, "scoring": "computed", "metric": "indicator:elderly_monthly_visit_rate", "rule": "linear", "floor": 50, "goal": 100},
		{"name": "居民议事会议", "weight": 60, "scoring": "hand", "guidance": "会议记录和照片"},
	}}, http.StatusCreated)
	var sc assessment.AssessmentScheme
	res.JSON(t, &sc)
	e.call(t, "POST", "/api/v1/assessment-schemes/"+strconv.FormatInt(sc.ID, 10)+"/open", county, nil, http.StatusOK)
	return &sc
}

// A scheme refuses a veto, a weight over the total, negative points and
// weights that do not sum to 100, each named, and keeps nothing.
func TestSchemeRefusesVeto(t *testing.T) {
	t.Parallel()
	e := env{apptest.New(t), &fakeSource{values: map[string]float64{}}}
	e.App.Assessments.Source = e.src
	county := e.Token(auth.CountyStaff, apptest.County)
	hand := func(w int) map[string]any { return map[string]any{"name": "项", "weight": w, "scoring": "hand"} }
	for name, c := range map[string]struct {
		items []map[string]any
		want  string
	}{
		"veto":      {[]map[string]any{hand(50), {"name": "安全生产", "weight": 50, "scoring": "computed", "metric": "indicator:elderly_monthly_visit_rate", "rule": "veto"}}, "一票否决"},
		"over":      {[]map[string]any{hand(120)}, "不能超过总分"},
		"named":     {[]map[string]any{hand(50), {"name": "安全稳定一票否决", "weight": 50, "scoring": "hand"}}, "一票否决"},
		"negative":  {[]map[string]any{hand(110), hand(-10)}, "不得为负"},
		"steps":     {[]map[string]any{hand(50), {"name": "扣分", "weight": 50, "scoring": "computed", "metric": "indicator:elderly_monthly_visit_rate", "rule": "steps", "steps": "60:-50"}}, "0 到 100"},
		"sum":       {[]map[string]any{hand(50), hand(40)}, "权重合计为 90"},
		"no metric": {[]map[string]any{hand(50), {"name": "x", "weight": 50, "scoring": "computed", "metric": "nothing", "rule": "linear", "floor": 0, "goal": 1}}, "不是可计算的数据"},
	} {
		res := e.API("POST", "/api/v1/assessment-schemes", county, map[string]any{"year": 2026, "name": "方案", "items": c.items})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, c.want) {
			t.Errorf("%s: %d %s", name, res.StatusCode, res.Body)
		}
	}
	if res := e.call(t, "GET", "/api/v1/assessment-schemes", county, nil, http.StatusOK); strings.Contains(res.Body, "方案") {
		t.Fatalf("a refused scheme was kept: %s", res.Body)
	}
	// Item by item, the weights may not pass 100, and a draft opens at 100 only.
	res := e.call(t, "POST", "/api/v1/assessment-schemes", county, map[string]any{"year": 2026, "name": "方案"}, http.StatusCreated)
	var sc assessment.AssessmentScheme
	res.JSON(t, &sc)
	p := "/api/v1/assessment-schemes/" + strconv.FormatInt(sc.ID, 10)
	e.call(t, "POST", p+"/items", county, hand(70), http.StatusOK)
	if res := e.call(t, "POST", p+"/items", county, hand(40), http.StatusUnprocessableEntity); !strings.Contains(res.Body, "110") {
		t.Fatalf("over 100: %s", res.Body)
	}
	e.call(t, "POST", p+"/items", county, map[string]any{"name": "一票否决项", "weight": 30, "scoring": "hand", "rule": "一票否决"}, http.StatusUnprocessableEntity)
	e.call(t, "POST", p+"/open", county, nil, http.StatusUnprocessableEntity)
	e.call(t, "POST", p+"/items", county, hand(30), http.StatusOK)
	e.call(t, "POST", p+"/open", county, nil, http.StatusOK)
	e.call(t, "POST", p+"/items", county, hand(1), http.StatusConflict)
	// One a year per area.
	e.call(t, "POST", "/api/v1/assessment-schemes", county, map[string]any{"year": 2026, "name": "又一个"}, http.StatusConflict)
}

// The whole round: the community self-assesses (computed items live), the
// township reviews (changes a hand score with a reason; computed items
// frozen), the county approves (four eyes), results are ranked and
// published; a return sends it back with its reason.
func TestAssessmentRound(t *testing.T) {
	t.Parallel()
	e := env{apptest.New(t), &fakeSource{values: map[string]float64{}}}
	e.App.Assessments.Source = e.src
	year := e.App.Assessments.Year()
	sc := scheme(t, e, year)
	handID := strconv.FormatInt(sc.Items[1].ID, 10)
	town := e.Token(auth.TownshipStaff, apptest.Township)
	county := e.Token(auth.CountyStaff, apptest.County)
	ids := map[string]string{}
	for code, v := range map[string]float64{apptest.Community: 75, apptest.SiblingCommunity: 90} {
		e.src.set(code, v)
		cw := e.Token(auth.CommunityWorker, code)
		res := e.call(t, "POST", "/api/v1/assessments", cw, map[string]any{"year": year}, http.StatusCreated)
		var a assessment.Assessment
		res.JSON(t, &a)
		ids[code] = strconv.FormatInt(a.ID, 10)
		if a.Scores[0].Value == nil || *a.Scores[0].Value != v || a.Scores[0].Frozen {
			t.Fatalf("computed item live: %+v", a.Scores[0])
		}
		p := "/api/v1/assessments/" + ids[code]
		// Submitting with a hand item unscored is refused by name.
		if res := e.call(t, "POST", p+"/submit", cw, nil, http.StatusUnprocessableEntity); !strings.Contains(res.Body, "居民议事会议") {
			t.Fatalf("unscored: %s", res.Body)
		}
		e.call(t, "PUT", p+"/items/"+handID, cw, map[string]any{"points": 61}, http.StatusUnprocessableEntity)
		e.call(t, "PUT", p+"/items/"+handID, cw, map[string]any{"points": 55, "note": "召开 4 次"}, http.StatusOK)
		e.call(t, "POST", p+"/submit", cw, nil, http.StatusOK)
		e.call(t, "PUT", p+"/items/"+handID, cw, map[string]any{"points": 60}, http.StatusConflict)
	}
	p := "/api/v1/assessments/" + ids[apptest.Community]
	// The township changes the hand score only with a reason.
	e.call(t, "PUT", p+"/items/"+handID, town, map[string]any{"points": 50}, http.StatusUnprocessableEntity)
	e.call(t, "PUT", p+"/items/"+handID, town, map[string]any{"points": 50, "change_reason": "照片只有 3 次"}, http.StatusOK)
	// The county cannot approve before review; the township reviews.
	e.call(t, "POST", p+"/approve", county, nil, http.StatusConflict)
	e.call(t, "POST", p+"/review", town, nil, http.StatusOK)
	e.src.set(apptest.Community, 10) // later data does not move a frozen item
	var a assessment.Assessment
	e.call(t, "GET", p, county, nil, http.StatusOK).JSON(t, &a)
	// 40 × (75−50)/50 = 20, plus 50.
	if a.State != assessment.Reviewed || a.Total == nil || *a.Total != 70 || *a.Scores[0].Value != 75 || !a.Scores[0].Frozen ||
		*a.Scores[1].SelfPoints != 55 || *a.Scores[1].Points != 50 || a.Scores[1].Reason != "照片只有 3 次" {
		t.Fatalf("reviewed: %+v", a)
	}
	// Return with a reason, then round again.
	e.call(t, "POST", p+"/return", county, map[string]any{"return_reason": ""}, http.StatusUnprocessableEntity)
	e.call(t, "POST", p+"/return", county, map[string]any{"return_reason": "佐证不全"}, http.StatusOK)
	cw := e.Token(auth.CommunityWorker, apptest.Community)
	e.call(t, "PUT", p+"/items/"+handID, cw, map[string]any{"points": 52}, http.StatusOK)
	e.call(t, "POST", p+"/submit", cw, nil, http.StatusOK)
	e.call(t, "POST", p+"/review", town, nil, http.StatusOK)
	e.call(t, "POST", p+"/approve", county, nil, http.StatusOK)
	e.call(t, "POST", "/api/v1/assessments/"+ids[apptest.SiblingCommunity]+"/review", town, nil, http.StatusOK)
	e.call(t, "POST", "/api/v1/assessments/"+ids[apptest.SiblingCommunity]+"/approve", county, nil, http.StatusOK)
	// Ranked in the township; a community sees it once published.
	var rk assessment.AssessmentRanking
	e.call(t, "GET", "/api/v1/assessment-schemes/"+strconv.FormatInt(sc.ID, 10)+"/ranking", town, nil, http.StatusOK).JSON(t, &rk)
	if len(rk.Rows) != 2 || rk.Rows[0].CommunityCode != apptest.SiblingCommunity || rk.Rows[0].Rank != 1 || rk.Rows[1].Total != 52 { // recomputed at the second review: 10 is under the floor
		t.Fatalf("ranking: %+v", rk)
	}
	rp := "/api/v1/assessment-schemes/" + strconv.FormatInt(sc.ID, 10) + "/ranking"
	e.call(t, "GET", rp, cw, nil, http.StatusNotFound)
	e.call(t, "POST", "/api/v1/assessment-schemes/"+strconv.FormatInt(sc.ID, 10)+"/publish", e.Token(auth.CityStaff, apptest.City), nil, http.StatusForbidden)
	e.call(t, "POST", "/api/v1/assessment-schemes/"+strconv.FormatInt(sc.ID, 10)+"/publish", county, nil, http.StatusOK)
	e.call(t, "GET", rp, cw, nil, http.StatusOK)
	e.call(t, "GET", rp+"?division="+apptest.County, cw, nil, http.StatusOK)
	// The export carries the totals and ranks.
	res := e.call(t, "GET", "/assessments/export.xlsx?year="+strconv.Itoa(year), county, nil, http.StatusOK)
	if !strings.Contains(res.Header.Get("Content-Type"), "spreadsheet") {
		t.Fatalf("export: %v", res.Header)
	}
}

// Whoever submitted an assessment never reviews or approves it (four
// eyes), even with the roles: checked at the service with one user id.
func TestFourEyes(t *testing.T) {
	t.Parallel()
	e := env{apptest.New(t), &fakeSource{values: map[string]float64{}}}
	e.App.Assessments.Source = e.src
	s := e.App.Assessments
	year := s.Year()
	sc := scheme(t, e, year)
	as := func(id int64, role auth.Role, code string, level int) context.Context {
		return auth.With(context.Background(), &auth.Principal{UserID: id, Name: "u" + strconv.FormatInt(id, 10), Role: role, Area: auth.AreaOf(code, level)})
	}
	cw := as(900001, auth.CommunityWorker, apptest.Community, 5)
	a, err := s.Start(cw, year)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScoreHand(cw, a.ID, sc.Items[1].ID, assessment.AssessmentHandInput{Points: 60}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(cw, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Review(as(900001, auth.TownshipStaff, apptest.Township, 4), a.ID); errs.As(err) == nil || errs.As(err).Key != "assessment.four_eyes" {
		t.Fatalf("review by the submitter: %v", err)
	}
	if _, err := s.Review(as(900002, auth.TownshipStaff, apptest.Township, 4), a.ID); err != nil {
		t.Fatal(err)
	}
	for _, uid := range []int64{900001, 900002} {
		if _, err := s.Approve(as(uid, auth.CountyStaff, apptest.County, 3), a.ID); errs.As(err) == nil || errs.As(err).Key != "assessment.four_eyes" {
			t.Fatalf("approval by %d: %v", uid, err)
		}
	}
	if a, err = s.Approve(as(900003, auth.CountyStaff, apptest.County, 3), a.ID); err != nil || a.State != assessment.Approved {
		t.Fatalf("approve: %v %+v", err, a)
	}
}
