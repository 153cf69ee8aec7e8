package division_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

func TestPlacesResolveNamesAndPoints(t *testing.T) {
	e := apptest.New(t)
	p := e.App.Places
	pt := func(lat, long float64) (*float64, *float64) { return &lat, &long }
	for _, addr := range []string{"衡水市桃城区河西街道游园社区", "衡水市桃城区河西街道游园社区居民委员会", "桃城区河西街道游园社区",
		"河西街道游园社区", "衡水市河西街道游园社区", "游园社区", " 游园 社区 ", "游园社区居民委员会"} {
		code, err := p.Resolve(e.Ctx, addr, nil, nil)
		if err != nil || code != apptest.Community {
			t.Errorf("%q: %q %v, want %s", addr, code, err, apptest.Community)
		}
	}
	// Wrong ancestors, unknown names, nothing at all: an error on the
	// field, saying what to send.
	for addr, field := range map[string]string{"河东街道游园社区": "address_string", "冀州区游园社区": "address_string",
		"不存在的社区": "address_string", "": "address_string", strings.Repeat("长", 61): "address_string"} {
		_, err := p.Resolve(e.Ctx, addr, nil, nil)
		if e := errs.As(err); e == nil || e.Code != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != field {
			t.Errorf("%q: %v, want EINVALID on %s", addr, err, field)
		}
	}
	// 桃城区's centre lies inside its boundary, 冀州区's inside its own.
	if got := p.County(37.735465, 115.67545); got != apptest.County {
		t.Errorf("桃城区 centre: %q", got)
	}
	if got := p.County(37.550856, 115.579308); got != apptest.SiblingCounty {
		t.Errorf("冀州区 centre: %q", got)
	}
	if got := p.County(39.9, 116.4); got != "" {
		t.Errorf("Beijing: %q", got)
	}
	lat, long := pt(37.735465, 115.67545)
	if code, err := p.Resolve(e.Ctx, "游园社区", lat, long); err != nil || code != apptest.Community {
		t.Errorf("point in 桃城区 and a name: %q %v", code, err)
	}
	_, err := p.Resolve(e.Ctx, "", lat, long)
	if e := errs.As(err); e == nil || e.Code != errs.EINVALID || !strings.Contains(err.Error(), "address_string") {
		t.Errorf("point alone: %v", err)
	}
	lat, long = pt(37.550856, 115.579308)
	if _, err := p.Resolve(e.Ctx, "游园社区", lat, long); errs.Code(err) != errs.EINVALID {
		t.Errorf("point in 冀州区, a community of 桃城区: %v", err)
	}
	lat, long = pt(0, 0)
	if _, err := p.Resolve(e.Ctx, "", lat, long); errs.Code(err) != errs.EINVALID {
		t.Errorf("point outside every county: %v", err)
	}
	// Two communities of the same name: the bare name is ambiguous, the
	// path tells them apart.
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader("code,name,level,kind,parent_code\n131102002099,游园社区居民委员会,community,urban,131102002000\n"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Resolve(e.Ctx, "游园社区", nil, nil); errs.Code(err) != errs.EINVALID || !strings.Contains(err.Error(), "address_string") {
		t.Errorf("ambiguous: %v", err)
	}
	if code, err := p.Resolve(e.Ctx, "河东街道游园社区", nil, nil); err != nil || code != "131102002099" {
		t.Errorf("the second by its township: %q %v", code, err)
	}
}

// Open311 places a request by address_string or by lat/long with a name,
// and when it cannot, says what to send.
func TestOpen311PlacesByNameAndPoint(t *testing.T) {
	e := apptest.New(t)
	key := e.Token(auth.TownshipStaff, apptest.Township)
	post := func(extra url.Values) (int, string) {
		form := url.Values{"api_key": {key}, "service_code": {"city.garbage"}, "first_name": {"王"}, "phone": {"13800138000"}, "description": {"垃圾未清运"}}
		for k, v := range extra {
			form[k] = v
		}
		res, err := http.PostForm(e.URL+"/open311/v2/requests.json", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, extra := range []url.Values{
		{"address_string": {"衡水市桃城区河西街道游园社区"}},
		{"address_string": {"游园社区"}, "lat": {"37.735465"}, "long": {"115.67545"}},
	} {
		st, body := post(extra)
		if st != http.StatusCreated {
			t.Fatalf("%v: %d %s", extra, st, body)
		}
		var created []struct {
			ID string `json:"service_request_id"`
		}
		if err := json.Unmarshal([]byte(body), &created); err != nil || len(created) != 1 {
			t.Fatalf("%s", body)
		}
		r, err := e.App.Requests.ByNumber(e.Ctx, created[0].ID)
		if err != nil || r.DivisionCode != apptest.Community {
			t.Errorf("%v: placed at %v %v", extra, r, err)
		}
	}
	for _, c := range []struct {
		extra url.Values
		says  string
	}{
		{url.Values{"lat": {"37.735465"}, "long": {"115.67545"}}, "桃城区"},
		{url.Values{"address_string": {"不存在的社区"}}, "address_id"},
		{url.Values{"lat": {"abc"}, "long": {"115.6"}}, "lat"},
		{url.Values{}, "address_id"},
	} {
		st, body := post(c.extra)
		if st != http.StatusBadRequest || !strings.Contains(body, c.says) {
			t.Errorf("%v: %d %s, want 400 saying %q", c.extra, st, body, c.says)
		}
	}
}
