package errs

import (
	"reflect"
	"testing"
)

// Each check adds one error at the most, with the keys and arguments the
// slices used: required, too long (counting characters), one of.
func TestFieldChecks(t *testing.T) {
	var f Fields
	f.Text("a", "", 3)
	f.Text("b", "四个汉字", 3)
	f.Text("c", "三个字", 3)
	f.MaxLen("d", "", 3)
	f.MaxLen("e", "abcd", 3)
	f.Choice("g", "", []string{"x", "y"})
	f.Choice("h", "z", []string{"x", "y"})
	f.Choice("i", "x", []string{"x", "y"})
	f.OneOf("j", "", []string{"x"})
	f.OneOf("k", "z", []string{"x", "y"})
	want := Fields{Field("a", "error.required"), Field("b", "error.too_long", 3), Field("e", "error.too_long", 3),
		Field("g", "error.required"), Field("h", "error.one_of", "x, y"), Field("k", "error.one_of", "x, y")}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("got %v\nwant %v", f, want)
	}
}

// Missing keeps a not-found lookup as a field error and passes others on.
func TestMissing(t *testing.T) {
	var f Fields
	if err := f.Missing(NotFound("x.gone"), "code", "x.code_not_found", "1"); err != nil {
		t.Errorf("not found: %v", err)
	}
	other := Internal("x", nil)
	if err := f.Missing(other, "code", "x.code_not_found"); err != other {
		t.Errorf("other: %v", err)
	}
	if err := f.Missing(nil, "code", "x.code_not_found"); err != nil {
		t.Errorf("nil: %v", err)
	}
	if !reflect.DeepEqual(f, Fields{Field("code", "x.code_not_found", "1")}) {
		t.Errorf("fields: %v", f)
	}
}
