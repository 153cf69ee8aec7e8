package errs

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The checks here are the ones every slice's validation spelled alike, with
// the same keys: a required field, a text's length, a choice from a list.
// Each adds at most one error for its field.

// Text checks a required text of at most max characters: error.required
// when it is empty, error.too_long when it is longer.
func (f *Fields) Text(field, v string, max int) {
	if v == "" {
		f.Add(field, "error.required")
		return
	}
	f.MaxLen(field, v, max)
}

// MaxLen checks that a text has at most max characters (error.too_long).
func (f *Fields) MaxLen(field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		f.Add(field, "error.too_long", max)
	}
}

// Choice checks a required choice: error.required when it is empty,
// error.one_of (listing the choices) when it is none of them.
func (f *Fields) Choice(field, v string, choices []string) {
	if v == "" {
		f.Add(field, "error.required")
		return
	}
	f.OneOf(field, v, choices)
}

// OneOf checks an optional choice, such as a filter's: when given, it must
// be one of choices (error.one_of, listing them).
func (f *Fields) OneOf(field, v string, choices []string) {
	if v != "" && !slices.Contains(choices, v) {
		f.Add(field, "error.one_of", strings.Join(choices, ", "))
	}
}

// Missing turns a lookup's ENOTFOUND into a field error (field, key, args)
// and answers nil, so that validation goes on and reports every bad field;
// any other err comes back as it is.
func (f *Fields) Missing(err error, field, key string, args ...any) error {
	if Code(err) == ENOTFOUND {
		f.Add(field, key, args...)
		return nil
	}
	return err
}
