package i18n

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"shequ/internal/platform/errs"
)

func TestVerbs(t *testing.T) {
	for s, want := range map[string][]string{
		"no verbs":        nil,
		"100%% done":      nil,
		"%d of %s":        {"%d", "%s"},
		"第 %d 行，%s：%s":    {"%d", "%s", "%s"},
		"%.1f%% and %-5v": {"%.1f", "%-5v"},
		"trailing %":      {"%!(NOVERB)"},
	} {
		if got := Verbs(s); !slices.Equal(got, want) {
			t.Errorf("Verbs(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestPlatformMessages checks this package's own messages; every slice's
// messages are checked together in internal/app.
func TestPlatformMessages(t *testing.T) {
	if len(Keys()) == 0 {
		t.Fatal("no messages registered")
	}
	for _, k := range Keys() {
		m, _ := Lookup(k)
		if strings.TrimSpace(m.Zh()) == "" || strings.TrimSpace(m.En()) == "" {
			t.Errorf("%s: empty translation %q", k, m)
		}
		if zh, en := Verbs(m.Zh()), Verbs(m.En()); len(zh) != len(en) {
			t.Errorf("%s: Chinese has verbs %q, English %q", k, zh, en)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"":                            ZH,
		"en":                          EN,
		"en-US,en;q=0.9":              EN,
		"zh-CN,zh;q=0.9,en;q=0.8":     ZH,
		"fr-FR, en-GB;q=0.8":          EN,
		"de":                          ZH,
		" EN ":                        EN,
		"zh-TW":                       ZH,
		"ja, zh-Hans;q=0.9, en;q=0.1": ZH,
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTranslate(t *testing.T) {
	Register(map[string]Msg{
		"test.greet":   {"你好，%s", "Hello, %s"},
		"test.thing":   {"东西", "thing"},
		"test.count":   {"共 %d 个", "%d in all"},
		"test.missing": {"缺", "missing"},
	})
	if got := T(ZH, "test.greet", "王"); got != "你好，王" {
		t.Errorf("zh: %q", got)
	}
	if got := T(EN, "test.greet", "Wang"); got != "Hello, Wang" {
		t.Errorf("en: %q", got)
	}
	// An unknown language falls back to Chinese.
	if got := T("fr", "test.thing"); got != "东西" {
		t.Errorf("fr: %q", got)
	}
	if got := T(EN, "test.greet", Key("test.thing")); got != "Hello, thing" {
		t.Errorf("key argument: %q", got)
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

func TestRegisterConflictPanics(t *testing.T) {
	Register(map[string]Msg{"test.same": {"同", "same"}})
	// The same text again is fine: two slices may share a word.
	Register(map[string]Msg{"test.same": {"同", "same"}})
	defer func() {
		if recover() == nil {
			t.Error("registering a key with different text did not panic")
		}
	}()
	Register(map[string]Msg{"test.same": {"同", "different"}})
}

func TestContext(t *testing.T) {
	if From(t.Context()) != ZH {
		t.Error("default language is not Chinese")
	}
	if From(With(t.Context(), EN)) != EN {
		t.Error("language not carried in ctx")
	}
}

func TestErrorMessages(t *testing.T) {
	err := errs.Invalid(errs.FieldError{Field: "test_size", Key: "error.negative"})
	if got := ErrorMessage(EN, err); got != T(EN, "error.invalid") {
		t.Errorf("ErrorMessage: %q", got)
	}
	Register(map[string]Msg{"field.test_size": {"规模", "Size"}})
	if got := FieldMessage(EN, errs.FieldError{Field: "test_size", Key: "error.negative"}); got != "Size: must not be negative" {
		t.Errorf("FieldMessage: %q", got)
	}
	if got := FieldMessage(ZH, errs.FieldError{Row: 12, Field: "test_size", Key: "error.too_long", Args: []any{5}}); got != "第 12 行，规模：不能超过 5 个字" {
		t.Errorf("FieldMessage with row: %q", got)
	}
	if got := ErrorMessage(EN, errors.New("boom")); got != T(EN, "error.internal") {
		t.Errorf("plain error: %q", got)
	}
}
