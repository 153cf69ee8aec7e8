package xlsx

import (
	"fmt"
	"strings"
	"sync"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Choice closes a column to a list of codes. A cell may hold a code, its
// label in either language (the message Label+code, as the slice's
// messages define it; case folded, full-width brackets and spaces
// ignored) or an alias; the template offers the labels in the template's
// language in a drop-down list, the instructions list them, and a bad
// value is named with the labels in the user's language.
type Choice struct {
	Codes []string
	// Label is the translation key prefix of the codes' labels.
	Label string
	// Aliases are further words accepted for a code (e.g. the short forms
	// an older template asked for), alias → code.
	Aliases map[string]string
	// Multi: a cell may hold several values, separated by 、，,；;/.
	Multi bool

	once  sync.Once
	index map[string]string // folded code, label or alias → code
}

// lookup finds the code of a folded text. The index is built on first use,
// after every slice has registered its messages.
func (ch *Choice) lookup(folded string) (string, bool) {
	ch.once.Do(func() {
		ch.index = map[string]string{}
		for a, k := range ch.Aliases {
			ch.index[fold(a)] = k
		}
		for _, k := range ch.Codes {
			if m, ok := i18n.Lookup(ch.Label + k); ok {
				ch.index[fold(m.En())] = k
				ch.index[fold(m.Zh())] = k
			}
		}
		for _, k := range ch.Codes {
			ch.index[fold(k)] = k
		}
	})
	k, ok := ch.index[folded]
	return k, ok
}

// Options are what the template's drop-down list offers for the column in
// lang: a closed column's labels, or yes and no for a flag; nil for an
// open column.
func (c *Column) Options(lang string) []string {
	switch {
	case c.Choice != nil:
		out := make([]string, len(c.Choice.Codes))
		for i, k := range c.Choice.Codes {
			out[i] = c.Label(lang, k)
		}
		return out
	case c.Bool:
		return []string{BoolText(true, lang), BoolText(false, lang)}
	}
	return nil
}

// Label is a code's label in lang (the code itself when it has none), what
// an export that is read back writes.
func (c *Column) Label(lang, code string) string {
	if c.Choice == nil {
		return code
	}
	if _, ok := i18n.Lookup(c.Choice.Label + code); !ok {
		return code
	}
	return i18n.T(lang, c.Choice.Label+code)
}

var folder = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "")

// fold is how cells are compared with codes, labels and aliases.
func fold(s string) string {
	return strings.ToLower(folder.Replace(strings.TrimSpace(s)))
}

// Pick reads one value of a closed column: its code, given the code, the
// label in either language or an alias. Empty text picks "" with ok.
func (c *Column) Pick(s string) (code string, ok bool) {
	if s == "" {
		return "", true
	}
	s = fold(s)
	if s == "" {
		return "", true
	}
	if c.Choice == nil {
		return "", false
	}
	return c.Choice.lookup(s)
}

// PickAll reads a cell of several values (Multi): their codes, or the
// first value that is none of the column's.
func (c *Column) PickAll(s string) (codes []string, bad string) {
	for _, v := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；/", r) }) {
		if strings.TrimSpace(v) == "" {
			continue
		}
		k, ok := c.Pick(v)
		if !ok {
			return nil, strings.TrimSpace(v)
		}
		codes = append(codes, k)
	}
	return codes, ""
}

// NotOneOf is the error for a value that is none of a closed column's:
// it names the row, the column, the value and the labels to choose from,
// in lang.
func (c *Column) NotOneOf(line int, lang, value string) errs.FieldError {
	sep := "、"
	if lang == i18n.EN {
		sep = ", "
	}
	return rowErr(line, c.Key, "xlsx.not_one_of", strings.TrimSpace(value), strings.Join(c.Options(lang), sep))
}

// Col is the spec's column with this key; an unknown key is a programming
// error and panics.
func (s *Spec) Col(key string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Key == key {
			return &s.Columns[i]
		}
	}
	panic(fmt.Sprintf("xlsx: no column %q", key))
}

// helpText is the column's help in lang, with the values to choose from.
func (c *Column) helpText(lang string) string {
	h := c.Help(lang)
	opts := c.Options(lang)
	if c.Choice == nil || len(opts) == 0 {
		return h
	}
	sep, key := "、", "xlsx.pick_one"
	if lang == i18n.EN {
		sep = ", "
	}
	if c.Choice.Multi {
		key = "xlsx.pick_several"
	}
	list := i18n.T(lang, key, strings.Join(opts, sep))
	if h == "" {
		return list
	}
	if lang == i18n.EN {
		return h + "; " + list
	}
	return h + "；" + list
}

// exampleText is the column's example in lang: a closed column's or a
// flag's example is written as the label the template offers.
func (c *Column) exampleText(lang string) string {
	switch {
	case c.Example == "":
		return ""
	case c.Choice != nil && !c.Choice.Multi:
		if k, ok := c.Pick(c.Example); ok {
			return c.Label(lang, k)
		}
	case c.Choice != nil:
		if ks, bad := c.PickAll(c.Example); bad == "" {
			sep := "、"
			if lang == i18n.EN {
				sep = ", "
			}
			out := make([]string, len(ks))
			for i, k := range ks {
				out[i] = c.Label(lang, k)
			}
			return strings.Join(out, sep)
		}
	case c.Bool:
		if v, reason := Bool(c.Example); reason == "" {
			return BoolText(v, lang)
		}
	}
	return c.Example
}
