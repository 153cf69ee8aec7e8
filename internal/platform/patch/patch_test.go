package patch

import "testing"

func TestPatch(t *testing.T) {
	name, n := "old", 3
	Text(&name, nil)
	Value(&n, nil)
	if name != "old" || n != 3 {
		t.Fatalf("nil changed the values: %q %d", name, n)
	}
	v, m := "  new \t", 0
	Text(&name, &v)
	Value(&n, &m)
	if name != "new" || n != 0 {
		t.Fatalf("given: %q %d", name, n)
	}
}
