package request

import (
	"context"
	"database/sql"
	"time"

	"shequ/internal/platform/errs"
)

// The deadline job's reads and writes (deadlines.go).

// due reads at most limit open requests whose resolution deadline is by
// then and that are not both warned and escalated, earliest deadline
// first.
func (s *Store) due(ctx context.Context, by time.Time, limit int) ([]dueRow, error) {
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT r.id, r.unit_id, COALESCE(u.kind, ''), r.division_code, r.resolution_due, r.created_at,
		r.warned_at IS NOT NULL, r.escalated_at IS NOT NULL
		FROM requests r LEFT JOIN request_units u ON u.id = r.unit_id
		WHERE r.closed_at IS NULL AND r.resolved_at IS NULL AND r.resolution_due <= $1
		  AND (r.escalated_at IS NULL OR r.warned_at IS NULL)
		ORDER BY r.resolution_due LIMIT $2`, by, limit)
	if err != nil {
		return nil, errs.Internal("request.Store.due: select requests", err)
	}
	defer rows.Close()
	var todo []dueRow
	for rows.Next() {
		var d dueRow
		var unit sql.NullInt64
		if err := rows.Scan(&d.id, &unit, &d.unitKind, &d.code, &d.due, &d.created, &d.warned, &d.escaled); err != nil {
			return nil, errs.Internal("request.Store.due: scan requests", err)
		}
		d.unit, d.hasUnit = unit.Int64, unit.Valid
		todo = append(todo, d)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Internal("request.Store.due: read requests", err)
	}
	return todo, nil
}

// markWarned marks a request warned at now; false when it was already.
func (s *Store) markWarned(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET warned_at = $1 WHERE id = $2 AND warned_at IS NULL`, now, id)
	if err != nil {
		return false, errs.Internal("request.Store.markWarned: update requests", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// markEscalated marks a request escalated (and warned, if it was not) at
// now; false when it was escalated already.
func (s *Store) markEscalated(ctx context.Context, id int64, now time.Time) (bool, error) {
	res, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET escalated_at = $1, warned_at = COALESCE(warned_at, $1) WHERE id = $2 AND escalated_at IS NULL`, now, id)
	if err != nil {
		return false, errs.Internal("request.Store.markEscalated: update requests", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
