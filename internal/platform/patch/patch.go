// Package patch applies partial updates (an API's PATCH body, a form that
// sends some fields): a field the patch leaves nil leaves the value alone.
package patch

import "strings"

// Text sets *dst to v with surrounding white space trimmed, when v is given.
func Text(dst *string, v *string) {
	if v != nil {
		*dst = strings.TrimSpace(*v)
	}
}

// Value sets *dst to *v when v is given.
func Value[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
