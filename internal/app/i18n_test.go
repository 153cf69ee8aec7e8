package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	_ "shequ/internal/app" // registers every slice's messages
	"shequ/internal/platform/i18n"
)

// TestAllKeysHaveValue: no message without Chinese and English, both
// take the same arguments (a missing verb drops a value, an extra one
// prints %!d(MISSING)), and no English has words run together.
func TestAllKeysHaveValue(t *testing.T) {
	keys := i18n.Keys()
	if len(keys) < 50 {
		t.Fatalf("only %d keys registered: are the slices imported?", len(keys))
	}
	for _, k := range keys {
		m, _ := i18n.Lookup(k)
		if strings.TrimSpace(m.Zh()) == "" {
			t.Errorf("%s: no Chinese", k)
		}
		if strings.TrimSpace(m.En()) == "" {
			t.Errorf("%s: no English", k)
		}
		if w := gluedWords.FindString(m.En()); w != "" {
			t.Errorf("%s: English %q has %q, two words run together (a renamed identifier in a text?)", k, m.En(), w)
		}
		zh, en := i18n.Verbs(m.Zh()), i18n.Verbs(m.En())
		if len(zh) != len(en) {
			t.Errorf("%s: Chinese has %d verbs %q, English %d %q", k, len(zh), zh, len(en), en)
			continue
		}
		// The same kinds of verb, in any order (explicit indexes may reorder).
		zs, es := verbKinds(zh), verbKinds(en)
		if !slices.Equal(zs, es) {
			t.Errorf("%s: Chinese verbs %q differ from English %q", k, zh, en)
		}
	}
}

// gluedWords finds two capitalised words run together ("SavedFacility"):
// a rename of Go identifiers that reached a text. No English message has
// a word of that shape by right.
var gluedWords = regexp.MustCompile(`\b[A-Z][a-z]+[A-Z][a-z]+\w*`)

// verbKinds is the sorted verb letters; %s, %q and %v all print a string
// argument, so a translation may choose quotes in one language only.
func verbKinds(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		c := v[len(v)-1:]
		if c == "v" || c == "q" {
			c = "s"
		}
		out[i] = c
	}
	sort.Strings(out)
	return out
}

// templateKey finds literal keys in templates: {{.T "key" …}}, {{$.T "key"}},
// {{.P.T "key"}}. Computed keys such as {{.T (printf "field.%s" $f)}} or
// {{.T .Title}} cannot be checked here; their handlers and the slices'
// own tests must register every key they can produce.
var templateKey = regexp.MustCompile(`\.T\s+"([^"]*)"`)

// TestTemplateKeysRegistered walks internal/ for templates/*.html and
// pages/*.html and checks that every literal key they use is registered.
func TestTemplateKeysRegistered(t *testing.T) {
	root := filepath.Join("..") // internal/, seen from internal/app
	files, used := 0, 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || filepath.Ext(p) != ".html" {
			return nil
		}
		if dir := filepath.Base(filepath.Dir(p)); dir != "templates" && dir != "pages" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		src := string(b)
		for _, m := range templateKey.FindAllStringSubmatchIndex(src, -1) {
			used++
			key := src[m[2]:m[3]]
			if _, ok := i18n.Lookup(key); !ok {
				line := 1 + strings.Count(src[:m[0]], "\n")
				t.Errorf("%s:%d: key %q is not registered", p, line, key)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d templates, %d literal keys", files, used)
	// Guard against a walk that silently finds nothing (a moved package dir).
	if files < 5 || used < 20 {
		t.Fatalf("found %d templates using %d keys under %s: wrong root?", files, used, root)
	}
}
