package audit

import (
	"context"
	"fmt"
)

// OutsideArea is the reason recorded when a caller asks for a record that
// exists but lies outside its area (it is answered ENOTFOUND, so that
// existence does not leak, and the refusal is audited).
const OutsideArea = "outside area"

// Refused records that the caller was refused action on the object
// objectType/id (an int64 id or a string key) for reason, in a transaction
// of its own (WriteAlone), so that the record stands when the caller's
// transaction rolls back. A failed write is logged by WriteAlone, not
// returned: the caller answers with its own refusal either way.
func (l *Log) Refused(ctx context.Context, action, objectType string, id any, reason string) {
	_ = l.WriteAlone(ctx, Entry{Action: action, ObjectType: objectType, ObjectID: fmt.Sprint(id),
		Result: Denied, Detail: map[string]string{"reason": reason}})
}
