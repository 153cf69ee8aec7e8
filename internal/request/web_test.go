package request_test

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/request"
)

func jpegBytes() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, nil)
	return b.Bytes()
}

// TestPages: a resident files a request with a photo from the form, sees
// it with its number, the photo is served only to those who may read the
// request; a township dispatches it from the page, the unit accepts and
// replies, the community worker calls back, the resident rates.
func TestPages(t *testing.T) {
	f := setup(t)
	e := f.e
	res := e.Session(auth.Resident, apptest.Community)
	if r := res.Get("/requests/new"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, `value="`+apptest.Community+`"`) {
		t.Fatalf("form: %d", r.StatusCode)
	}
	post := func(vals map[string]string, photo []byte) *apptest.Response {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		vals["csrf"] = res.CSRF()
		for k, v := range vals {
			_ = mw.WriteField(k, v)
		}
		if photo != nil {
			fw, _ := mw.CreateFormFile("photos", "IMG_1.jpg")
			_, _ = fw.Write(photo)
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.URL+"/requests/new", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		hr, err := res.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer hr.Body.Close()
		b, _ := io.ReadAll(hr.Body)
		return &apptest.Response{StatusCode: hr.StatusCode, Body: string(b), Header: hr.Header}
	}
	// Bad input: every bad field named, nothing stored.
	r := post(map[string]string{"division_code": apptest.Community, "category_code": "", "description": "短", "phone": "12"}, []byte("not a photo"))
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.StatusCode)
	}
	for _, want := range []string{"诉求分类", "问题描述", "联系电话", "照片"} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("bad form does not name %s", want)
		}
	}
	var n int
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT count(*) FROM requests`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d requests after a refused form", n)
	}
	r = post(map[string]string{"division_code": apptest.Community, "category_code": "city.garbage", "description": "小区门口垃圾三天没人清运",
		"address": "游园小区东门", "phone": "13812345678", "contact_name": "李四"}, jpegBytes())
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d %s", r.StatusCode, r.Body)
	}
	r = res.Get(r.Header.Get("Location"))
	if !strings.Contains(r.Body, "诉求已提交") {
		t.Fatalf("after filing: %d %s", r.StatusCode, r.Body)
	}
	list, _, err := f.s.List(as(t, e, auth.Resident, apptest.Community), request.Filter{}, 1, 10)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v %d", err, len(list))
	}
	id := list[0].ID
	if !strings.Contains(r.Body, list[0].Number) {
		t.Error("the page does not show the request number")
	}
	var blob int64
	_ = e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT blob_id FROM request_photos WHERE request_id = $1`, id).Scan(&blob)
	photo := fmt.Sprintf("/requests/%d/photos/%d", id, blob)
	if g := res.Get(photo); g.StatusCode != http.StatusOK || g.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("own photo: %d", g.StatusCode)
	}
	for _, o := range []struct {
		role auth.Role
		area string
	}{{auth.Resident, apptest.SiblingCommunity}, {auth.CommunityWorker, apptest.SiblingCommunity}, {auth.HandlingUnit, apptest.County}} {
		if g := e.Session(o.role, o.area).Get(photo); g.StatusCode != http.StatusNotFound {
			t.Errorf("%s@%s photo: %d", o.role, o.area, g.StatusCode)
		}
	}
	if g := e.NewClient().Get(photo); g.StatusCode == http.StatusOK {
		t.Error("anonymous got the photo")
	}
	// The list shows it; another resident's list does not.
	if g := res.Get("/requests"); !strings.Contains(g.Body, list[0].Number) {
		t.Error("my requests lacks it")
	}
	if g := e.Session(auth.Resident, apptest.SiblingCommunity).Get("/requests"); strings.Contains(g.Body, list[0].Number) {
		t.Error("another resident sees it")
	}
	path := fmt.Sprintf("/requests/%d", id)
	step := func(c *apptest.Client, vals url.Values, want string) {
		t.Helper()
		g := c.PostForm(path+"/act", vals)
		if g.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", vals.Get("action"), g.StatusCode, g.Body)
		}
		g = c.Get(path)
		if g.StatusCode != http.StatusOK || !strings.Contains(g.Body, want) {
			t.Fatalf("%s: %d, want %q in %s", vals.Get("action"), g.StatusCode, want, g.Body)
		}
	}
	town := e.Session(auth.TownshipStaff, apptest.Township)
	if g := town.Get(path); !strings.Contains(g.Body, `id="act-dispatch"`) || !strings.Contains(g.Body, "桃城区供水公司") {
		t.Fatalf("township view lacks the dispatch form")
	}
	step(town, url.Values{"action": {"dispatch"}, "unit_id": {fmt.Sprint(f.water.ID)}, "urgency": {"general"}}, `data-status="dispatched"`)
	unit := e.Session(auth.HandlingUnit, apptest.County)
	if g := unit.Get(path); !strings.Contains(g.Body, "13812345678") || !strings.Contains(g.Body, `id="act-accept"`) {
		t.Fatalf("unit view: %s", g.Body)
	}
	// A bad step shows the error on the page.
	if g := unit.PostForm(path+"/act", url.Values{"action": {"return"}}); g.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(g.Body, "请填写原因") {
		t.Fatalf("return without reason: %d", g.StatusCode)
	}
	step(unit, url.Values{"action": {"accept"}}, `data-status="accepted"`)
	step(unit, url.Values{"action": {"reply"}, "note": {"已安排清运车辆"}}, "已安排清运车辆")
	step(e.Session(auth.CommunityWorker, apptest.Community), url.Values{"action": {"callback"}, "contacted": {"1"}, "solved": {"1"},
		"satisfaction": {"satisfied"}}, `data-status="closed"`)
	step(res, url.Values{"action": {"rate"}, "satisfaction": {"basically_satisfied"}, "note": {"还行"}}, "基本满意")
	if g := res.Get(path); strings.Contains(g.Body, `id="act-rate"`) {
		t.Error("rate offered twice")
	}
}

// TestCataloguePage: city staff add a rule and a calendar day from the
// page; county staff add a unit; township staff read it without forms; a
// resident is refused; a bad limit is named and nothing is added.
func TestCataloguePage(t *testing.T) {
	f := setup(t)
	e := f.e
	city := e.Session(auth.CityStaff, apptest.City)
	if g := city.Get("/requests/catalogue"); g.StatusCode != http.StatusOK || !strings.Contains(g.Body, `id="policy-form"`) {
		t.Fatalf("city page: %d", g.StatusCode)
	}
	g := city.PostForm("/requests/catalogue/policies", url.Values{"category_code": {"utility"}, "division_code": {apptest.County},
		"effective_from": {"2026-01-01"}, "limit_utility": {"3d"}})
	if g.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(g.Body, "响应/办结") {
		t.Fatalf("bad limit: %d", g.StatusCode)
	}
	g = city.PostForm("/requests/catalogue/policies", url.Values{"category_code": {"utility"}, "division_code": {apptest.County},
		"effective_from": {"2026-01-01"}, "unit_id": {fmt.Sprint(f.water.ID)}, "limit_utility": {"1h/12h"}})
	if g.StatusCode != http.StatusSeeOther {
		t.Fatalf("add rule: %d %s", g.StatusCode, g.Body)
	}
	ps, err := f.s.Policies(e.Ctx, "utility")
	if err != nil || len(ps) != 1 || ps[0].LimitOf("utility") != "1h/12h" {
		t.Fatalf("rules: %+v %v", ps, err)
	}
	if g := city.PostForm("/requests/catalogue/calendar", url.Values{"day": {"2026-03-10"}, "kind": {"holiday"}, "name": {"测试假日"}}); g.StatusCode != http.StatusSeeOther {
		t.Fatalf("add day: %d", g.StatusCode)
	}
	county := e.Session(auth.CountyStaff, apptest.County)
	if g := county.PostForm("/requests/catalogue/units", url.Values{"name": {"桃城区城市管理局"}, "kind": {"department"}, "division_code": {apptest.County}}); g.StatusCode != http.StatusSeeOther {
		t.Fatalf("add unit: %d %s", g.StatusCode, g.Body)
	}
	town := e.Session(auth.TownshipStaff, apptest.Township)
	g = town.Get("/requests/catalogue")
	if g.StatusCode != http.StatusOK || strings.Contains(g.Body, `id="policy-form"`) || strings.Contains(g.Body, `id="unit-form"`) || !strings.Contains(g.Body, "桃城区供水公司") {
		t.Fatalf("township page: %d", g.StatusCode)
	}
	if g := town.PostForm("/requests/catalogue/policies", url.Values{"category_code": {"utility"}, "division_code": {apptest.Township}}); g.StatusCode != http.StatusForbidden {
		t.Errorf("township adding a rule: %d", g.StatusCode)
	}
	if g := e.Session(auth.Resident, apptest.Community).Get("/requests/catalogue"); g.StatusCode != http.StatusForbidden {
		t.Errorf("resident: %d", g.StatusCode)
	}
}

// TestCategoryCodes: a category code is "city" or "city.garbage" (a child's
// under its parent's): -1, 1e3 and their like are refused with the field
// named, from the API and from the catalogue page.
func TestCategoryCodes(t *testing.T) {
	for _, c := range []string{"city", "city.garbage", "social_work", "a1.b2", strings.Repeat("a", 40)} {
		if !request.CategoryCodeOK(c) {
			t.Errorf("%q refused", c)
		}
	}
	for _, c := range []string{"", "-1", "1e3", "1", "+1", "City", "a-b", "a..b", "a.b.c", ".a", "a.", "1abc", "a.1", "a b", "城市", strings.Repeat("a", 41), "a\n"} {
		if request.CategoryCodeOK(c) {
			t.Errorf("%q accepted", c)
		}
	}
	for _, c := range []struct {
		cat  request.Category
		want string
	}{
		{request.Category{Code: "-1", NameZh: "x", Urgency: "general"}, "request.bad_code"},
		{request.Category{Code: "city.x", NameZh: "x", Urgency: "general"}, "request.code_without_parent"},
		{request.Category{Code: "road", ParentCode: "city", NameZh: "x", Urgency: "general"}, "request.code_not_under_parent"},
		{request.Category{Code: "utility.road", ParentCode: "city", NameZh: "x", Urgency: "general"}, "request.code_not_under_parent"},
		{request.Category{Code: "city", ParentCode: "city", NameZh: "x", Urgency: "general"}, "request.code_not_under_parent"},
		{request.Category{Code: "city.road", ParentCode: "city", NameZh: "x", Urgency: "general"}, ""},
	} {
		f := c.cat.Validate()
		if got := ""; len(f) > 0 {
			got = f[0].Key
			if f[0].Field != "code" || got != c.want {
				t.Errorf("%+v: %+v", c.cat, f)
			}
		} else if c.want != "" {
			t.Errorf("%+v accepted", c.cat)
		}
	}

	f := setup(t)
	e := f.e
	tok := e.Token(auth.CityStaff, apptest.City)
	for _, code := range []string{"-1", "1e3"} {
		res := e.API("PUT", "/api/v1/requests/categories/"+code, tok, map[string]any{"name_zh": "测试", "urgency": "general"})
		if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"code"`) || !strings.Contains(res.Body, "city.garbage") {
			t.Errorf("PUT category %s: %d %s", code, res.StatusCode, res.Body)
		}
	}
	res := e.API("GET", "/api/v1/requests/categories", tok, nil)
	if strings.Contains(res.Body, `"-1"`) || strings.Contains(res.Body, `"1e3"`) {
		t.Errorf("a bad code was saved: %s", res.Body)
	}
	res = e.API("POST", "/api/v1/requests/policies", tok, map[string]any{"category_code": "-1", "division_code": apptest.County})
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `"category_code"`) || !strings.Contains(res.Body, "city.garbage") {
		t.Errorf("a rule for -1: %d %s", res.StatusCode, res.Body)
	}
	g := e.Session(auth.CityStaff, apptest.City).PostForm("/requests/catalogue/policies", url.Values{"category_code": {"1e3"}, "division_code": {apptest.County}})
	if g.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(g.Body, "应以小写字母开头") {
		t.Errorf("the page's rule for 1e3: %d %.3000s", g.StatusCode, g.Body)
	}
}
