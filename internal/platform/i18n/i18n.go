// Package i18n holds the UI's messages in Chinese (the default) and English.
// Each slice registers its own messages; a test checks that every key has both.
package i18n

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"shequ/internal/platform/errs"
)

// Languages.
const (
	ZH = "zh-CN"
	EN = "en"
)

// Langs lists the supported languages, default first.
var Langs = []string{ZH, EN}

// Msg is one message: Chinese first, then English. Args follow fmt verbs.
type Msg [2]string

// Zh is the Chinese text.
func (m Msg) Zh() string { return m[0] }

// En is the English text.
func (m Msg) En() string { return m[1] }

var (
	mu       sync.RWMutex
	messages = map[string]Msg{}
)

// Register adds messages; a key registered twice with different text panics,
// so two slices cannot silently disagree.
func Register(m map[string]Msg) {
	mu.Lock()
	defer mu.Unlock()
	for k, v := range m {
		if old, ok := messages[k]; ok && old != v {
			panic("i18n: key registered twice with different text: " + k)
		}
		messages[k] = v
	}
}

// Keys returns all registered keys, sorted.
func Keys() []string {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]string, 0, len(messages))
	for k := range messages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup returns a message.
func Lookup(key string) (Msg, bool) {
	mu.RLock()
	defer mu.RUnlock()
	m, ok := messages[key]
	return m, ok
}

// Normalize maps an Accept-Language value or a stored preference to a supported language.
func Normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(strings.SplitN(part, ";", 2)[0])
		switch {
		case strings.HasPrefix(part, "zh"):
			return ZH
		case strings.HasPrefix(part, "en"):
			return EN
		}
	}
	return ZH
}

// onMissing, when set, is told every key T is asked for and does not have.
var onMissing atomic.Pointer[func(key string)]

// OnMissing sets f to be told of every key T is asked for and does not
// have (nil: no one). The tests set it, so that a page or message showing
// a raw key fails them.
func OnMissing(f func(key string)) {
	if f == nil {
		onMissing.Store(nil)
		return
	}
	onMissing.Store(&f)
}

// T translates key into lang. Arguments that are themselves keys (type Key)
// are translated too. A missing key returns the key itself.
func T(lang, key string, args ...any) string {
	m, ok := Lookup(key)
	if !ok {
		if f := onMissing.Load(); f != nil {
			(*f)(key)
		}
		return key
	}
	s := m[0]
	if lang == EN {
		s = m[1]
	}
	if len(args) == 0 {
		return s
	}
	// A copy, so that the caller's arguments stay keys for the next language.
	out := make([]any, len(args))
	for i, a := range args {
		if k, ok := a.(Key); ok {
			out[i] = T(lang, string(k))
		} else {
			out[i] = a
		}
	}
	return fmt.Sprintf(s, out...)
}

// Key marks an argument that is a translation key.
type Key string

type ctxKey struct{}

// With puts the language in ctx.
func With(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, ctxKey{}, lang)
}

// From returns the language in ctx, Chinese by default.
func From(ctx context.Context) string {
	if l, ok := ctx.Value(ctxKey{}).(string); ok {
		return l
	}
	return ZH
}

// ErrorMessage says err in lang: the message of its key.
func ErrorMessage(lang string, err error) string {
	e := errs.As(err)
	return T(lang, e.Key, append([]any(nil), e.Args...)...)
}

// FieldMessage says one field error in lang, prefixed with its row.
func FieldMessage(lang string, f errs.FieldError) string {
	msg := T(lang, f.Key, append([]any(nil), f.Args...)...)
	if f.Row > 0 {
		return T(lang, "error.row_field", f.Row, Key("field."+f.Field), msg)
	}
	return T(lang, "error.field", Key("field."+f.Field), msg)
}

func init() {
	Register(map[string]Msg{
		"error.internal":      {"系统内部错误，请稍后重试；如仍有问题请联系管理员。", "Something went wrong on our side. Please try again; if it persists, contact the administrator."},
		"error.invalid":       {"提交的内容有误，请按提示修改。", "Some of what you entered is not valid; please correct it as shown."},
		"error.forbidden":     {"您的角色无权进行此操作。", "Your role may not do this."},
		"error.unauthorized":  {"请先登录。", "Please sign in first."},
		"error.not_found":     {"找不到该页面或记录，或它不在您的辖区内。", "That page or record does not exist, or it is outside your area."},
		"error.conflict":      {"该记录已被他人修改，请刷新后重试。", "Someone else changed this record; please reload and try again."},
		"error.too_many":      {"请求过于频繁，请稍后再试。", "Too many attempts; please wait and try again."},
		"error.csrf":          {"页面已过期或来源不明，请刷新页面后重新提交。", "This page has expired or the form did not come from us; please reload and submit again."},
		"error.bad_request":   {"请求格式有误。", "The request is malformed."},
		"error.field":         {"%s：%s", "%s: %s"},
		"error.row_field":     {"第 %d 行，%s：%s", "Row %d, %s: %s"},
		"error.required":      {"必填", "is required"},
		"error.not_number":    {"应为数字", "must be a number"},
		"error.not_integer":   {"应为整数", "must be a whole number"},
		"error.negative":      {"不能为负数", "must not be negative"},
		"error.too_long":      {"不能超过 %d 个字", "must be at most %d characters"},
		"error.not_bool":      {"应为“是”或“否”", "must be yes or no"},
		"error.one_of":        {"应为以下之一：%s", "must be one of: %s"},
		"error.greater_than":  {"不能大于%s", "must not be greater than %s"},
		"error.unknown_field": {"不认识的字段", "is not a known field"},
	})
}

// Verbs lists the fmt verbs of s ("%d", "%s", …), without "%%": a
// message's Chinese and English must take the same arguments (a missing
// verb drops a value, an extra one prints %!d(MISSING)).
func Verbs(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		j := i + 1
		// Flags, width, precision and argument indexes come before the verb.
		for j < len(s) && strings.IndexByte("+-# 0123456789.*[]", s[j]) >= 0 {
			j++
		}
		if j >= len(s) {
			out = append(out, "%!(NOVERB)")
			break
		}
		if s[j] != '%' {
			out = append(out, s[i:j+1])
		}
		i = j
	}
	return out
}
