package audit_test

import (
	"reflect"
	"testing"

	"shequ/internal/platform/audit"
)

// Changes keeps the fields whose text changed, with both texts; a field
// only after has (a new one) counts with an empty before.
func TestChanges(t *testing.T) {
	t.Parallel()
	b, a := audit.Changes(map[string]string{"name": "甲", "kind": "x", "gone": "1"}, map[string]string{"name": "乙", "kind": "x", "new": "2"})
	if !reflect.DeepEqual(b, map[string]string{"name": "甲", "new": ""}) || !reflect.DeepEqual(a, map[string]string{"name": "乙", "new": "2"}) {
		t.Errorf("Changes: %v → %v", b, a)
	}
	b, a = audit.Changes(map[string]string{"name": "甲"}, map[string]string{"name": "甲"})
	if b == nil || a == nil || len(b)+len(a) != 0 {
		t.Errorf("no change: %v → %v", b, a)
	}
}
