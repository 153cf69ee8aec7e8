package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/upload"
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

// TestFileOf: the owner's id and the file's own reach the getter in that
// order; a path value that is no id is ENOTFOUND with its own message and
// asks the getter nothing; the getter's refusal is returned untouched,
// nothing written; a file found is served with its checked type.
func TestFileOf(t *testing.T) {
	var asked [][2]int64
	get := func(_ context.Context, owner, id int64) (*upload.Blob, error) {
		asked = append(asked, [2]int64{owner, id})
		if owner == 9 {
			return nil, errs.Forbidden()
		}
		return &upload.Blob{Type: "image/png", SHA256: "abc", Bytes: []byte("png")}, nil
	}
	page := FileOf("id", "thing.not_found", "blob", "thing.photo_not_found", get)
	for _, c := range []struct {
		id, blob, key string
		code          string
	}{{"x", "2", "thing.not_found", errs.ENOTFOUND}, {"1", "0", "thing.photo_not_found", errs.ENOTFOUND},
		{"9", "2", "", errs.EFORBIDDEN}, {"1", "2", "", ""}} {
		asked = nil
		r := httptest.NewRequest("GET", "/things/x/photos/y", nil)
		r.SetPathValue("id", c.id)
		r.SetPathValue("blob", c.blob)
		w := httptest.NewRecorder()
		err := page(w, r)
		if (err == nil) != (c.code == "") || (err != nil && errs.Code(err) != c.code) || (c.key != "" && errs.As(err).Key != c.key) {
			t.Errorf("%s/%s: %v, want %s %s", c.id, c.blob, err, c.code, c.key)
		}
		if c.key != "" && asked != nil {
			t.Errorf("%s/%s: the getter was asked %v", c.id, c.blob, asked)
		}
		if err != nil {
			if w.Body.Len() != 0 {
				t.Errorf("%s/%s: wrote %q on an error", c.id, c.blob, w.Body)
			}
			continue
		}
		if asked[0] != [2]int64{1, 2} || w.Body.String() != "png" || w.Header().Get("Content-Type") != "image/png" {
			t.Errorf("asked %v, served %q as %q", asked, w.Body, w.Header().Get("Content-Type"))
		}
	}
}
