package certificate

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

const reqCols = `q.id, q.volunteer_id, COALESCE(v.name, ''), q.org_id, COALESCE(o.name, ''), q.division_code, q.period_from, q.period_to,
	q.note, q.status, q.number, q.reason, q.requested_at, q.decided_at, q.decided_by`

const reqFrom = ` FROM certificate_requests q LEFT JOIN volunteers v ON v.id = q.volunteer_id LEFT JOIN volunteer_orgs o ON o.id = q.org_id`

func scanRequest(sc interface{ Scan(...any) error }) (*CertificateRequest, error) {
	var r CertificateRequest
	var decided sql.NullTime
	if err := sc.Scan(&r.ID, &r.VolunteerID, &r.VolunteerName, &r.OrganizationID, &r.OrganizationName, &r.DivisionCode, &r.From, &r.To,
		&r.Note, &r.Status, &r.Number, &r.Reason, &r.RequestedAt, &decided, &r.DecidedBy); err != nil {
		return nil, err
	}
	r.RequestedAt = r.RequestedAt.UTC()
	if decided.Valid {
		t := decided.Time.UTC()
		r.DecidedAt = &t
	}
	return &r, nil
}

// pendingRequests counts the pending requests of r's volunteer to r's
// organisation for r's period.
func (st *Store) pendingRequests(ctx context.Context, r *CertificateRequest) (int, error) {
	var n int
	if err := st.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM certificate_requests WHERE volunteer_id = $1 AND org_id = $2
		AND period_from = $3 AND period_to = $4 AND status = $5`, r.VolunteerID, r.OrganizationID, r.From, r.To, RequestPending).Scan(&n); err != nil {
		return 0, errs.Internal("certificate.Store.pendingRequests: select certificate_requests", err)
	}
	return n, nil
}

// insertRequest stores a new request and sets its ID. ECONFLICT when the
// same request is pending already (asked twice at once).
func (st *Store) insertRequest(ctx context.Context, r *CertificateRequest) error {
	if err := st.DB.W(ctx).QueryRowContext(ctx, `INSERT INTO certificate_requests (volunteer_id, org_id, division_code, period_from,
		period_to, note, status, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		r.VolunteerID, r.OrganizationID, r.DivisionCode, r.From, r.To, r.Note, r.Status, r.RequestedAt).Scan(&r.ID); err != nil {
		if db.IsUniqueViolation(err) {
			return errs.Conflict("certificate.request_pending_conflict")
		}
		return errs.Internal("certificate.Store.insertRequest: insert certificate_requests", err)
	}
	return nil
}

// requests lists a page of requests newest first: a volunteer's own
// (volunteerID set), or those made to organisations in [lo, hi].
func (st *Store) requests(ctx context.Context, volunteerID int64, lo, hi string, f RequestFilter) ([]CertificateRequest, bool, error) {
	var conds []string
	var args []any
	if volunteerID != 0 {
		args = append(args, volunteerID)
		conds = append(conds, "q.volunteer_id = $1")
	} else {
		args = append(args, lo, hi)
		conds = append(conds, "q.division_code BETWEEN $1 AND $2")
	}
	if f.Status != "" {
		args = append(args, f.Status)
		conds = append(conds, "q.status = $"+strconv.Itoa(len(args)))
	}
	args = append(args, f.PerPage+1, (f.Page-1)*f.PerPage)
	rows, err := st.DB.Q(ctx).QueryContext(ctx, `SELECT `+reqCols+reqFrom+` WHERE `+strings.Join(conds, " AND ")+
		` ORDER BY q.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, false, errs.Internal("certificate.Store.requests: select", err)
	}
	out, more, err := db.Page(rows, f.PerPage, scanRequest)
	if err != nil {
		return nil, false, errs.Internal("certificate.Store.requests: select", err)
	}
	return out, more, nil
}

// decideRequest records the decision on a pending request. ECONFLICT when
// it is no longer pending.
func (st *Store) decideRequest(ctx context.Context, id int64, status, number, reason string, at time.Time, by string) error {
	res, err := st.DB.W(ctx).ExecContext(ctx, `UPDATE certificate_requests SET status = $1, number = $2, reason = $3,
		decided_at = $4, decided_by = $5 WHERE id = $6 AND status = $7`, status, number, reason, at, by, id, RequestPending)
	if err != nil {
		return errs.Internal("certificate.Store.decideRequest: update certificate_requests", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errs.Conflict("certificate.request_decided")
	}
	return nil
}

// request reads a request, whatever the caller's area (the caller checks
// it). ENOTFOUND when there is none.
func (st *Store) request(ctx context.Context, id int64) (*CertificateRequest, error) {
	r, err := scanRequest(st.DB.Q(ctx).QueryRowContext(ctx, `SELECT `+reqCols+reqFrom+` WHERE q.id = $1`, id))
	if err != nil {
		return nil, db.RowErr(err, "certificate.Store.request: select", "certificate.request_not_found", id)
	}
	return r, nil
}
