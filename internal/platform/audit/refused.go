package audit

import (
	"context"
	"fmt"

	"shequ/internal/platform/errs"
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

// RefusedOutside passes on err, the answer of reading objectType/id inside
// the caller's area, after recording the refusal of action (Refused, for
// OutsideArea) when err is ENOTFOUND and exists says the record is there
// all the same. A service's read goes through it:
//
//	r, err := s.Store.get(ctx, id)
//	return r, s.Audit.RefusedOutside(ctx, err, action, "worker", id, s.Store.exists)
func (l *Log) RefusedOutside(ctx context.Context, err error, action, objectType string, id int64, exists func(context.Context, int64) bool) error {
	if errs.Code(err) == errs.ENOTFOUND && exists(ctx, id) {
		l.Refused(ctx, action, objectType, id, OutsideArea)
	}
	return err
}
