package request

import (
	"context"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// The home page's work queues: each is a count and the first few rows of
// one condition on requests, walked along requests_queue (status,
// division_code, resolution_due), requests_unit (unit_id, status, id) or
// requests_resident (resident_id, id).

// queueCond is a work queue's condition on requests r, with its arguments
// as $1…$n, and the order of its first items.
type queueCond struct {
	where string
	args  []any
	order string
}

// Open statuses not yet replied to: the ones a deadline presses on.
const unrepliedStatuses = `('submitted', 'dispatched', 'accepted', 'returned')`

func unitQueue(unitID int64, extra string, args ...any) queueCond {
	return queueCond{where: "r.unit_id = $1 AND " + extra, args: append([]any{unitID}, args...), order: "r.resolution_due, r.id"}
}

func areaQueue(lo, hi, extra string, args ...any) queueCond {
	return queueCond{where: "r.division_code BETWEEN $1 AND $2 AND " + extra, args: append([]any{lo, hi}, args...), order: "r.resolution_due, r.id"}
}

// queue counts the requests of a condition and reads the first n.
func (s *Store) queue(ctx context.Context, c queueCond, lang string, n int) (int, []Request, error) {
	var count int
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM requests r WHERE `+c.where, c.args...).Scan(&count); err != nil {
		return 0, nil, errs.Internal("request.Store.queue: count requests", err)
	}
	if count == 0 || n == 0 {
		return count, nil, nil
	}
	// The first n ids from the index alone, then their rows: sorting the
	// rows themselves would read every match from the table.
	args := append(append([]any(nil), c.args...), n)
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.id FROM requests r WHERE `+c.where+` ORDER BY `+c.order+` LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return 0, nil, errs.Internal("request.Store.queue: select ids", err)
	}
	var ids []any
	var marks []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, nil, errs.Internal("request.Store.queue: scan id", err)
		}
		ids = append(ids, id)
		marks = append(marks, "$"+itoa(len(ids)))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, errs.Internal("request.Store.queue: ids", err)
	}
	if len(ids) == 0 {
		return count, nil, nil
	}
	rows, err = s.DB.Q(ctx).QueryContext(ctx, `SELECT `+reqCols+reqFrom+` WHERE r.id IN (`+strings.Join(marks, ", ")+`)`, ids...)
	if err != nil {
		return 0, nil, errs.Internal("request.Store.queue: select requests", err)
	}
	defer rows.Close()
	byID := map[int64]Request{}
	for rows.Next() {
		r, err := scanRequest(rows, lang)
		if err != nil {
			return 0, nil, errs.Internal("request.Store.queue: scan", err)
		}
		byID[r.ID] = *r
	}
	if err := rows.Err(); err != nil {
		return 0, nil, errs.Internal("request.Store.queue: rows", err)
	}
	out := make([]Request, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id.(int64)]; ok {
			out = append(out, r)
		}
	}
	return count, out, nil
}

// The conditions of the queues.

func toSignFor(unitID int64) queueCond { return unitQueue(unitID, "r.status = 'dispatched'") }
func toHandle(unitID int64) queueCond  { return unitQueue(unitID, "r.status = 'accepted'") }
func unitDueSoon(unitID int64, now time.Time) queueCond {
	return unitQueue(unitID, "r.status IN ('dispatched', 'accepted') AND r.resolution_due >= $2 AND r.resolution_due < $3", now, now.Add(24*time.Hour))
}
func unitOverdue(unitID int64, now time.Time) queueCond {
	return unitQueue(unitID, "r.status IN ('dispatched', 'accepted') AND r.resolution_due < $2", now)
}
func toDispatch(lo, hi string) queueCond {
	return areaQueue(lo, hi, "r.status IN ('submitted', 'returned')")
}
func toCallBack(lo, hi string) queueCond {
	c := areaQueue(lo, hi, "r.status = 'replied'")
	c.order = "r.id"
	return c
}
func areaOverdue(lo, hi string, now time.Time) queueCond {
	return areaQueue(lo, hi, "r.status IN "+unrepliedStatuses+" AND r.resolution_due < $3", now)
}
func residentRequests(userID int64) queueCond {
	return queueCond{where: "r.resident_id = $1", args: []any{userID}, order: "r.id DESC"}
}
