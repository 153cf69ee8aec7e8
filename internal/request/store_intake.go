package request

import (
	"context"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// The writes of intake (Service.Create).

// insert writes a new request as Create made it and returns its id. A
// resident account that does not exist is EINVALID (resident_id).
func (s *Store) insert(ctx context.Context, n *intakeRecord) (int64, error) {
	in := n.in
	var polID, unitID, dispatchedAt, resident any
	if n.pol != nil {
		polID = n.pol.ID
	}
	if n.unit != 0 {
		unitID = n.unit
	}
	if n.dispatchedAt != nil {
		dispatchedAt = *n.dispatchedAt
	}
	if in.ResidentID != 0 {
		resident = in.ResidentID
	}
	var id int64
	err := s.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO requests (division_code, category_code, urgency, status, channel, title,
		description, address, resident_id, contact_name, phone_sealed, phone_index, anonymous, unit_id, policy_id,
		dispatch_rank, response_due, resolution_due, dispatched_at, created_at, created_by, updated_at, township_code, county_code)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $20, $22, $23) RETURNING id`,
		in.DivisionCode, n.cat.Code, in.Urgency, n.status, in.Channel, in.Title, in.Description, in.Address, resident, in.ContactName,
		n.sealed, n.index, in.Anonymous, unitID, polID, auth.TownshipStaff.Rank(), n.responseDue, n.resolutionDue,
		dispatchedAt, n.at, n.by, TownshipOf(in.DivisionCode), CountyOf(in.DivisionCode)).Scan(&id)
	if err != nil {
		if db.IsForeignKeyViolation(err) {
			return 0, errs.Invalid(errs.Field("resident_id", "request.bad_resident"))
		}
		return 0, errs.Internal("request.Store.insert: insert requests", err)
	}
	return id, nil
}

// addIntakePhoto keeps a stored blob as a photo the request was filed with.
func (s *Store) addIntakePhoto(ctx context.Context, requestID, blobID int64) error {
	if _, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_photos (request_id, blob_id) VALUES ($1, $2)
		ON CONFLICT DO NOTHING`, requestID, blobID); err != nil {
		return errs.Internal("request.Store.addIntakePhoto: insert request_photos", err)
	}
	return nil
}

// assign gives a unit a part in a request (lead or assist), or gives it
// back one it had.
func (s *Store) assign(ctx context.Context, id, unit int64, role string, now time.Time) error {
	_, err := s.DB.W(ctx).ExecContext(ctx, `INSERT INTO request_assignments (request_id, unit_id, role, assigned_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, unit_id) DO UPDATE SET role = excluded.role, assigned_at = excluded.assigned_at, ended_at = NULL`,
		id, unit, role, now)
	if err != nil {
		return errs.Internal("request.Store.assign: insert request_assignments", err)
	}
	return nil
}
