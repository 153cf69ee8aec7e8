package web

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"shequ/internal/platform/errs"
)

func TestPathID(t *testing.T) {
	for _, c := range []struct {
		value string
		want  int64
		code  string
	}{{"42", 42, ""}, {"0", 0, errs.ENOTFOUND}, {"-1", 0, errs.ENOTFOUND}, {"x", 0, errs.ENOTFOUND}, {"", 0, errs.ENOTFOUND},
		{"99999999999999999999", 0, errs.ENOTFOUND}} {
		r := httptest.NewRequest("GET", "/things/x", nil)
		r.SetPathValue("id", c.value)
		id, err := PathID(r, "id", "thing.not_found", c.value)
		if err == nil {
			if id != c.want || c.code != "" {
				t.Errorf("%q: %d, want %d %q", c.value, id, c.want, c.code)
			}
			continue
		}
		if id != 0 || errs.Code(err) != c.code {
			t.Errorf("%q: %d %v, want %d %q", c.value, id, err, c.want, c.code)
		}
		if e := errs.As(err); e.Key != "thing.not_found" || len(e.Args) != 1 || e.Args[0] != c.value {
			t.Errorf("%q: error %+v names another key or arguments", c.value, e)
		}
	}
}

func TestPageParam(t *testing.T) {
	for q, want := range map[string]int{"page=3": 3, "": 0, "page=x": 0, "page=-2": -2, "q=a&page=12": 12} {
		v, _ := url.ParseQuery(q)
		if got := PageParam(v); got != want {
			t.Errorf("%q: %d, want %d", q, got, want)
		}
	}
}
