package auditlog

import (
	"testing"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

func TestFilterDatesAreShanghaiDays(t *testing.T) {
	f, err := Query{From: "2025-03-02", To: "2025-03-02"}.Filter()
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 3, 1, 16, 0, 0, 0, time.UTC); !f.From.Equal(want) {
		t.Errorf("from %s, want %s", f.From, want)
	}
	// "to" includes its whole day: up to the next midnight in Shanghai.
	if want := time.Date(2025, 3, 2, 16, 0, 0, 0, time.UTC); !f.To.Equal(want) {
		t.Errorf("to %s, want %s", f.To, want)
	}
	f, err = Query{From: "2025-03-02T01:02:03Z", To: "2025-03-02T12:00:00+08:00"}.Filter()
	if err != nil {
		t.Fatal(err)
	}
	if !f.From.Equal(time.Date(2025, 3, 2, 1, 2, 3, 0, time.UTC)) || !f.To.Equal(time.Date(2025, 3, 2, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("RFC 3339 times: from %s to %s", f.From, f.To)
	}
}

func TestFilterRejectsBadInput(t *testing.T) {
	long := string(make([]rune, 65))
	_, err := Query{Actor: long, Result: "maybe", From: "yesterday", To: "2025-13-01", ObjectID: "5"}.Filter()
	if errs.Code(err) != errs.EINVALID {
		t.Fatalf("want EINVALID, got %v", err)
	}
	got := map[string]string{}
	for _, f := range errs.As(err).Fields {
		got[f.Field] = i18n.FieldMessage(i18n.EN, f)
	}
	want := map[string]string{
		"actor":       "person: must be at most 64 characters",
		"result":      "result: must be one of: ok, denied, failed",
		"from":        "from: must be a date (e.g. 2025-03-01) or an RFC 3339 time",
		"to":          "to: must be a date (e.g. 2025-03-01) or an RFC 3339 time",
		"object_type": "object type: is required when an object id is given",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	_, err = Query{From: "2025-03-05", To: "2025-03-01"}.Filter()
	if e := errs.As(err); len(e.Fields) != 1 || e.Fields[0].Field != "to" {
		t.Errorf("to before from: %v", err)
	}
}

func TestRowIsReadable(t *testing.T) {
	r := rowOf(i18n.EN, audit.Record{At: time.Date(2025, 3, 1, 16, 30, 0, 0, time.UTC), Role: "township_staff", Result: "denied",
		Detail: `{"before":{"population":10,"name":"甲"},"after":{"population":12,"name":"甲","households":3},"reason":"fix"}`})
	if r.Local != "2025-03-02 00:30:00" {
		t.Errorf("local time %q", r.Local)
	}
	if r.RoleLabel != "Township staff" || r.ResultLabel != "Denied" {
		t.Errorf("labels %q %q", r.RoleLabel, r.ResultLabel)
	}
	want := []Change{{"households", "", "3", true}, {"name", "甲", "甲", false}, {"population", "10", "12", true}}
	if len(r.Detail.Changes) != len(want) {
		t.Fatalf("changes %+v", r.Detail.Changes)
	}
	for i := range want {
		if r.Detail.Changes[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, r.Detail.Changes[i], want[i])
		}
	}
	if len(r.Detail.Pairs) != 1 || r.Detail.Pairs[0] != (Pair{"reason", "fix"}) {
		t.Errorf("pairs %+v", r.Detail.Pairs)
	}
	if d := parseDetail("not json"); d.Raw != "not json" {
		t.Errorf("raw detail %+v", d)
	}
	if !parseDetail("").Empty() {
		t.Error("empty detail should be empty")
	}
	if roleLabel(i18n.ZH, "anonymous") != "未登录" {
		t.Error("anonymous label")
	}
}

// TestActionIsNamed: an action shows by its name in the reader's
// language; one without a name (from an older version) as written.
func TestActionIsNamed(t *testing.T) {
	for _, c := range []struct{ lang, action, want string }{
		{i18n.EN, "care.visit.record", "Record a visit"},
		{i18n.ZH, "care.visit.record", "记录探访"},
		{i18n.ZH, "old.gone.action", "old.gone.action"},
	} {
		if got := rowOf(c.lang, audit.Record{Action: c.action}).ActionLabel; got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.action, got, c.want)
		}
	}
}

func TestAllKeysHaveValue(t *testing.T) {
	for _, k := range i18n.Keys() {
		m, _ := i18n.Lookup(k)
		if m.Zh() == "" || m.En() == "" {
			t.Errorf("%s lacks a translation", k)
		}
	}
}
