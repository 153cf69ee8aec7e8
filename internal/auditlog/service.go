package auditlog

import (
	"context"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Roles that may read the audit log: the auditor alone, apart from every
// admin role (三权分立).
var Roles = []auth.Role{auth.Auditor}

// DefaultExportMax caps one export; the file says so when it is cut.
const DefaultExportMax = 100_000

// Service is the auditor's use of the log.
type Service struct {
	Log       *audit.Log
	ExportMax int
	Now       func() time.Time
}

// New makes the service.
func New(l *audit.Log) *Service {
	return &Service{Log: l, ExportMax: DefaultExportMax, Now: time.Now}
}

// require lets auditors through; a signed-in account of another role is
// refused and the refusal itself recorded, as reading the log is the one
// thing an admin must not do unseen. Errors: EUNAUTHORIZED, EFORBIDDEN.
func (s *Service) require(ctx context.Context, action string) error {
	_, err := auth.Require(ctx, Roles...)
	if errs.Code(err) == errs.EFORBIDDEN {
		_ = s.Log.WriteAlone(ctx, audit.Entry{Action: action, ObjectType: "audit_log", ObjectID: "*", Result: audit.Denied,
			Detail: map[string]string{"reason": "role"}})
	}
	return err
}

// Search returns one page of records, newest first. Errors: EUNAUTHORIZED,
// EFORBIDDEN, EINVALID.
func (s *Service) Search(ctx context.Context, q Query) ([]audit.Record, audit.Filter, bool, error) {
	if err := s.require(ctx, "audit.read"); err != nil {
		return nil, audit.Filter{}, false, err
	}
	f, err := q.Filter()
	if err != nil {
		return nil, f, false, err
	}
	items, more, err := s.Log.Search(ctx, f)
	return items, f, more, err
}

// Outcome is what a verification found. The check always covers the
// whole chain (a break anywhere is a break of everyone's log); an auditor
// of part of the city is told how many records are in their area, and a
// break outside it only as a break, without the record.
type Outcome struct {
	Records int64
	InReach int64 // records in the auditor's area (all of them for the city)
	Scoped  bool  // the auditor reads only part of the log
	Broken  *audit.Broken
	// BrokenElsewhere: the chain is broken at a record outside the
	// auditor's area (Broken is then nil).
	BrokenElsewhere bool
	At              time.Time
}

// Verify checks the whole hash chain and records that it did, with what it
// found. Errors: EUNAUTHORIZED, EFORBIDDEN, EINTERNAL.
func (s *Service) Verify(ctx context.Context) (*Outcome, error) {
	if err := s.require(ctx, "audit.verify"); err != nil {
		return nil, err
	}
	rc, err := audit.ReachOf(ctx)
	if err != nil {
		return nil, err
	}
	n, in, broken, err := s.Log.VerifyReach(ctx, rc)
	if err != nil {
		return nil, errs.Internal("auditlog.verify", err)
	}
	out := &Outcome{Records: n, InReach: in, Scoped: in < n, Broken: broken, At: s.Now()}
	e := audit.Entry{Action: "audit.verify", ObjectType: "audit_log", ObjectID: "*", Detail: map[string]any{"records": n, "in_area": in}}
	if broken != nil {
		e.Result = audit.Failed
		e.Detail = map[string]any{"records": n, "in_area": in, "broken_id": broken.ID, "reason": broken.Reason}
		if !rc.Contains(broken.Area) {
			out.Broken, out.BrokenElsewhere, out.Scoped = nil, true, true
		}
	}
	if err := s.Log.Write(ctx, e); err != nil {
		return nil, errs.Internal("auditlog.verify", err)
	}
	return out, nil
}
