package open311_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/calendar"
)

type o311Resp struct {
	status int
	body   string
}

func o311(t *testing.T, method, u string, form url.Values) o311Resp {
	t.Helper()
	var res *http.Response
	var err error
	if method == http.MethodPost {
		res, err = http.PostForm(u, form)
	} else {
		res, err = http.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return o311Resp{res.StatusCode, string(b)}
}

type o311Request struct {
	ServiceRequestID string   `json:"service_request_id" xml:"service_request_id"`
	Status           string   `json:"status" xml:"status"`
	ServiceCode      string   `json:"service_code" xml:"service_code"`
	ServiceName      string   `json:"service_name" xml:"service_name"`
	Description      string   `json:"description" xml:"description"`
	ExpectedDatetime string   `json:"expected_datetime" xml:"expected_datetime"`
	AddressID        string   `json:"address_id" xml:"address_id"`
	Lat              *float64 `json:"lat"`
}

type o311Error struct {
	Code        int    `json:"code" xml:"code"`
	Description string `json:"description" xml:"description"`
}

// TestOpen311 walks the GeoReport v2 documentation's examples (services,
// POST a request, GET it by id, GET a list by dates and status) in JSON
// and XML, with an api_key that is one of our tokens, and the error
// format for a missing key, missing fields and an unknown id.
func TestOpen311(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	s := e.App.Requests
	if err := s.SeedCategories(e.Ctx); err != nil {
		t.Fatal(err)
	}
	base := e.URL + "/open311/v2/"
	key := e.Token(auth.TownshipStaff, apptest.Township)

	// GET services.json / .xml: the category tree.
	r := o311(t, "GET", base+"services.json", nil)
	var svcs []map[string]any
	if r.status != 200 || json.Unmarshal([]byte(r.body), &svcs) != nil || len(svcs) < 5 {
		t.Fatalf("services.json %d %s", r.status, r.body)
	}
	var garbage map[string]any
	for _, sv := range svcs {
		if sv["service_code"] == "city.garbage" {
			garbage = sv
		}
	}
	if garbage == nil || garbage["metadata"] != false || garbage["type"] != "realtime" || garbage["group"] != "市容环境" || garbage["service_name"] != "垃圾清运" {
		t.Errorf("city.garbage: %v", garbage)
	}
	r = o311(t, "GET", base+"services.xml", nil)
	var sx struct {
		XMLName  xml.Name `xml:"services"`
		Services []struct {
			Code     string `xml:"service_code"`
			Metadata string `xml:"metadata"`
		} `xml:"service"`
	}
	if r.status != 200 || xml.Unmarshal([]byte(r.body), &sx) != nil || len(sx.Services) != len(svcs) || sx.Services[0].Metadata != "false" {
		t.Fatalf("services.xml %d %s", r.status, r.body)
	}

	// POST requests.json, the documented example with our place and code.
	form := url.Values{"api_key": {key}, "service_code": {"city.garbage"}, "lat": {"37.76524078"}, "long": {"-122.4212043"},
		"address_string": {"1234 5th street"}, "address_id": {apptest.Community}, "email": {"smit333@sfgov.edu"},
		"device_id": {"tt222111"}, "account_id": {"123456"}, "first_name": {"john"}, "last_name": {"smith"}, "phone": {"13800138000"},
		"description": {"A large sofa has been left on the side of the road"}, "media_url": {"http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"}}
	r = o311(t, "POST", base+"requests.json", form)
	var created []struct {
		ID        string  `json:"service_request_id"`
		Notice    string  `json:"service_notice"`
		AccountID *string `json:"account_id"`
	}
	if r.status != http.StatusCreated || json.Unmarshal([]byte(r.body), &created) != nil || len(created) != 1 || created[0].ID == "" ||
		!strings.Contains(r.body, `"account_id":null`) {
		t.Fatalf("POST requests.json %d %s", r.status, r.body)
	}
	id := created[0].ID
	got, err := s.ByNumber(e.Ctx, id)
	if err != nil || got.Channel != "open311" || got.DivisionCode != apptest.Community || got.CategoryCode != "city.garbage" ||
		got.Address != "1234 5th street" || got.Description != "A large sofa has been left on the side of the road" {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// POST requests.xml answers the same shape in XML.
	form.Set("description", "Another sofa on the same road, left overnight")
	r = o311(t, "POST", base+"requests.xml", form)
	var cx struct {
		XMLName  xml.Name `xml:"service_requests"`
		Requests []struct {
			ID string `xml:"service_request_id"`
		} `xml:"request"`
	}
	if r.status != http.StatusCreated || xml.Unmarshal([]byte(r.body), &cx) != nil || len(cx.Requests) != 1 || cx.Requests[0].ID == "" || !strings.Contains(r.body, "<account_id></account_id>") {
		t.Fatalf("POST requests.xml %d %s", r.status, r.body)
	}
	id2 := cx.Requests[0].ID

	// GET requests/{id}.json and .xml: expected_datetime is our resolution deadline.
	want := got.ResolutionDue.In(calendar.China).Format(time.RFC3339)
	r = o311(t, "GET", base+"requests/"+id+".json?api_key="+url.QueryEscape(key), nil)
	var one []o311Request
	if r.status != 200 || json.Unmarshal([]byte(r.body), &one) != nil || len(one) != 1 || one[0].ServiceRequestID != id ||
		one[0].ExpectedDatetime != want || one[0].Status != "open" || one[0].AddressID != apptest.Community || one[0].Lat != nil {
		t.Fatalf("requests/%s.json %d %s (want expected %s)", id, r.status, r.body, want)
	}
	r = o311(t, "GET", base+"requests/"+id+".xml?api_key="+url.QueryEscape(key), nil)
	var ox struct {
		XMLName  xml.Name      `xml:"service_requests"`
		Requests []o311Request `xml:"request"`
	}
	if r.status != 200 || xml.Unmarshal([]byte(r.body), &ox) != nil || len(ox.Requests) != 1 || ox.Requests[0].ExpectedDatetime != want {
		t.Fatalf("requests/%s.xml %d %s", id, r.status, r.body)
	}

	// GET requests.xml?start_date=…&end_date=…&status=open, the documented
	// list example, around now; closed finds none; service_code and
	// service_request_id filter.
	now := time.Now().UTC()
	q := "api_key=" + url.QueryEscape(key) + "&start_date=" + now.Add(-time.Hour).Format(time.RFC3339) + "&end_date=" + now.Add(time.Hour).Format(time.RFC3339)
	r = o311(t, "GET", base+"requests.xml?"+q+"&status=open", nil)
	ox.Requests = nil
	if r.status != 200 || xml.Unmarshal([]byte(r.body), &ox) != nil || len(ox.Requests) != 2 {
		t.Fatalf("requests.xml open %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		query string
		n     int
	}{
		{q + "&status=closed", 0},
		{q + "&service_code=city.road", 0},
		{q + "&service_code=city.road,city.garbage", 2},
		{"api_key=" + url.QueryEscape(key) + "&service_request_id=" + id, 1},
		{"api_key=" + url.QueryEscape(key) + "&service_request_id=" + id + "," + id2, 2},
		{"api_key=" + url.QueryEscape(key) + "&start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open", 0},
		{"api_key=" + url.QueryEscape(key), 2}, // the last 90 days
	} {
		r = o311(t, "GET", base+"requests.json?"+c.query, nil)
		var list []o311Request
		if r.status != 200 || json.Unmarshal([]byte(r.body), &list) != nil || len(list) != c.n {
			t.Errorf("requests.json?%s: %d %s, want %d", c.query, r.status, r.body, c.n)
		}
	}

	// Reach: the sibling township's key sees none of them.
	other := e.Token(auth.TownshipStaff, apptest.SiblingTownship)
	r = o311(t, "GET", base+"requests.json?api_key="+url.QueryEscape(other), nil)
	if r.status != 200 || strings.TrimSpace(r.body) != "[]" {
		t.Errorf("sibling list: %d %s", r.status, r.body)
	}
	r = o311(t, "GET", base+"requests/"+id+".json?api_key="+url.QueryEscape(other), nil)
	if r.status != 404 {
		t.Errorf("sibling one: %d %s", r.status, r.body)
	}

	// Errors in Open311's format.
	var errsJSON []o311Error
	noKey := url.Values{"service_code": {"city.garbage"}, "address_id": {apptest.Community}, "description": {"没有密钥的诉求内容"}}
	r = o311(t, "POST", base+"requests.json", noKey)
	if r.status != 403 || json.Unmarshal([]byte(r.body), &errsJSON) != nil || len(errsJSON) != 1 || errsJSON[0].Code != 403 || !strings.Contains(errsJSON[0].Description, "api_key") {
		t.Errorf("no key: %d %s", r.status, r.body)
	}
	noKey.Set("api_key", "shq_not-a-token")
	r = o311(t, "POST", base+"requests.xml", noKey)
	var ex struct {
		XMLName xml.Name    `xml:"errors"`
		Errors  []o311Error `xml:"error"`
	}
	if r.status != 403 || xml.Unmarshal([]byte(r.body), &ex) != nil || len(ex.Errors) != 1 || ex.Errors[0].Code != 403 {
		t.Errorf("bad key xml: %d %s", r.status, r.body)
	}
	bad := url.Values{"api_key": {key}, "description": {"描述足够长的一段话"}}
	r = o311(t, "POST", base+"requests.json", bad)
	errsJSON = nil
	if r.status != 400 || json.Unmarshal([]byte(r.body), &errsJSON) != nil || len(errsJSON) != 2 || !strings.Contains(r.body, "service_code") || !strings.Contains(r.body, "address_id") {
		t.Errorf("missing fields: %d %s", r.status, r.body)
	}
	bad = url.Values{"api_key": {key}, "service_code": {"nope"}, "address_id": {apptest.Township}, "description": {"描述足够长的一段话"}, "phone": {"13800138000"}}
	r = o311(t, "POST", base+"requests.json", bad)
	if r.status != 400 || !strings.Contains(r.body, "service_code") || !strings.Contains(r.body, "address_id") {
		t.Errorf("bad code and place: %d %s", r.status, r.body)
	}
	r = o311(t, "GET", base+"requests/999999-99.json?api_key="+url.QueryEscape(key), nil)
	if r.status != 404 || !strings.Contains(r.body, `"code":404`) {
		t.Errorf("unknown id: %d %s", r.status, r.body)
	}
	r = o311(t, "GET", base+"requests.json?api_key="+url.QueryEscape(key)+"&start_date=yesterday", nil)
	if r.status != 400 || !strings.Contains(r.body, "start_date") {
		t.Errorf("bad date: %d %s", r.status, r.body)
	}
	r = o311(t, "GET", base+"requests.json", nil)
	if r.status != 403 {
		t.Errorf("list without key: %d %s", r.status, r.body)
	}
	// Nothing was created by the refused posts.
	var n int
	if err := e.App.DB.Q(e.Ctx).QueryRowContext(e.Ctx, `SELECT COUNT(*) FROM requests`).Scan(&n); err != nil || n != 2 {
		t.Errorf("requests stored: %d %v", n, err)
	}
}
