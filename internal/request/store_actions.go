package request

import (
	"context"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/errs"
)

// The writes of the actions (actions.go), each in the action's
// transaction.

// update sets columns of a request (column → value), in column order.
func (s *Store) update(ctx context.Context, id int64, set map[string]any) error {
	cols := make([]string, 0, len(set))
	args := make([]any, 0, len(set)+1)
	for _, k := range sortedKeys(set) {
		args = append(args, set[k])
		cols = append(cols, k+" = $"+strconv.Itoa(len(args)))
	}
	args = append(args, id)
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE requests SET `+strings.Join(cols, ", ")+` WHERE id = $`+strconv.Itoa(len(args)), args...); err != nil {
		return errs.Internal("request.Store.update: update requests", err)
	}
	return nil
}

// addExtension records a unit's pending request for more working days.
func (s *Store) addExtension(ctx context.Context, requestID, unitID int64, days int, reason string, at time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_extensions (request_id, unit_id, days, reason, status, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, requestID, unitID, days, reason, Pending, at); err != nil {
		return errs.Internal("request.Store.addExtension: insert request_extensions", err)
	}
	return nil
}

// decideExtension records the decision on an extension.
func (s *Store) decideExtension(ctx context.Context, id int64, status, by, decision string, at time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE request_extensions SET status = $1, decided_by = $2, decided_at = $3, decision = $4
		WHERE id = $5`, status, by, at, decision, id); err != nil {
		return errs.Internal("request.Store.decideExtension: update request_extensions", err)
	}
	return nil
}

// endAssignment ends a unit's part in a request.
func (s *Store) endAssignment(ctx context.Context, requestID, unitID int64, at time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE request_assignments SET ended_at = $1 WHERE request_id = $2 AND unit_id = $3`,
		at, requestID, unitID); err != nil {
		return errs.Internal("request.Store.endAssignment: update request_assignments", err)
	}
	return nil
}

// addCallback records a callback or a rating (c.Kind) by an account
// (actorID nil: the system).
func (s *Store) addCallback(ctx context.Context, requestID int64, actorID *int64, c Callback) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_callbacks (request_id, kind, contacted, solved, satisfaction, comment,
		actor_id, actor_name, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, requestID, c.Kind, c.Contacted,
		c.Solved, c.Satisfaction, c.Comment, actorID, c.ActorName, c.At); err != nil {
		return errs.Internal("request.Store.addCallback: insert request_callbacks", err)
	}
	return nil
}

// addAppeal records a unit's pending appeal to exclude a request from
// scoring.
func (s *Store) addAppeal(ctx context.Context, requestID, unitID int64, reason, note string, at time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_appeals (request_id, unit_id, reason, note, status, requested_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, requestID, unitID, reason, note, Pending, at); err != nil {
		return errs.Internal("request.Store.addAppeal: insert request_appeals", err)
	}
	return nil
}

// decideAppeal records the decision on an appeal.
func (s *Store) decideAppeal(ctx context.Context, id int64, status, by, decision string, at time.Time) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `UPDATE request_appeals SET status = $1, decided_by = $2, decided_at = $3, decision = $4
		WHERE id = $5`, status, by, at, decision, id); err != nil {
		return errs.Internal("request.Store.decideAppeal: update request_appeals", err)
	}
	return nil
}
