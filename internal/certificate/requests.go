package certificate

import (
	"context"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// A volunteer asks the organisation that recorded their hours for a
// certificate (Order 67: certificates are issued on the volunteer's
// request); the organisation's staff issue it or refuse with a reason.
// Asking opens to those staff what the certificate would show anyway: the
// volunteer's name and masked ID number and their records with that
// organisation, even when the volunteer lives outside their area.

// Request statuses.
const (
	RequestPending = "pending"
	RequestIssued  = "issued"
	RequestRefused = "refused"
)

// RequestStatuses are the statuses in the order lists show them.
var RequestStatuses = []string{RequestPending, RequestIssued, RequestRefused}

const maxNote = 200

// RequestedOn is the day of the request in China.
func (r *CertificateRequest) RequestedOn() string { return shanghai(r.RequestedAt).Format(DateLayout) }

// CertificateRequest is a volunteer's request for a certificate.
type CertificateRequest struct {
	ID               int64      `json:"id"`
	VolunteerID      int64      `json:"volunteer_id"`
	VolunteerName    string     `json:"volunteer_name"`
	OrganizationID   int64      `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	DivisionCode     string     `json:"division_code" doc:"where the organisation hangs: the area whose staff decide"`
	From             string     `json:"from"`
	To               string     `json:"to"`
	Note             string     `json:"note"`
	Status           string     `json:"status" enum:"pending,issued,refused"`
	Number           string     `json:"number,omitempty" doc:"the certificate issued on the request"`
	Reason           string     `json:"refuse_reason,omitempty" doc:"why it was refused"`
	RequestedAt      time.Time  `json:"requested_at"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
}

// AskInput is a volunteer's request.
type AskInput struct {
	OrgID int64  `json:"org_id" doc:"the organisation that recorded the hours"`
	From  string `json:"from" doc:"first day of the period, YYYY-MM-DD"`
	To    string `json:"to" doc:"last day of the period, YYYY-MM-DD; not after today"`
	Note  string `json:"note,omitempty" maxLength:"400" doc:"what the certificate is for, for the organisation's staff"`
}

// Decision issues the certificate a request asks for, or refuses it with
// a reason.
type Decision struct {
	Issue  bool   `json:"issue"`
	Reason string `json:"refuse_reason,omitempty" maxLength:"400" doc:"required when refusing; the volunteer sees it"`
}

// Ask files the calling volunteer's request. The organisation must have
// recorded hours of theirs in the period. Errors: EINVALID, ECONFLICT (the
// same request is pending), ENOTFOUND (not a registered volunteer),
// EFORBIDDEN.
func (s *Service) Ask(ctx context.Context, in AskInput) (*CertificateRequest, error) {
	if _, err := auth.Require(ctx, auth.Resident); err != nil {
		return nil, err
	}
	v, err := s.Registry.Me(ctx)
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	check := IssueInput{VolunteerID: v.ID, OrgID: in.OrgID, From: in.From, To: in.To}
	var bad errs.Fields
	if err := check.check(s.today()); err != nil {
		bad = append(bad, errs.As(err).Fields...)
	}
	if in.OrgID == 0 {
		bad.Add("org_id", "error.required")
	}
	if utf8.RuneCountInString(in.Note) > maxNote {
		bad.Add("note", "error.too_long", maxNote)
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	org, err := s.Registry.Organization(ctx, in.OrgID)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil, errs.Invalid(errs.Field("org_id", "certificate.org_not_found", in.OrgID))
	}
	if err != nil {
		return nil, err
	}
	recs, err := s.Registry.Records(ctx, v.ID, in.From, in.To)
	if err != nil {
		return nil, err
	}
	if _, err := s.build(&auth.Principal{}, v, org, recs, check); err != nil {
		return nil, err
	}
	r := &CertificateRequest{VolunteerID: v.ID, VolunteerName: v.Name, OrganizationID: org.ID, OrganizationName: org.Name,
		DivisionCode: org.DivisionCode, From: in.From, To: in.To, Note: in.Note, Status: RequestPending, RequestedAt: s.now()}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		n, err := s.Store.pendingRequests(ctx, r)
		if err != nil {
			return err
		}
		if n > 0 {
			return errs.Conflict("certificate.request_pending_conflict")
		}
		if err := s.Store.insertRequest(ctx, r); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "certificate.request", ObjectType: "certificate_request", ObjectID: itoa(r.ID),
			Result: audit.OK, Detail: map[string]string{"org_id": itoa(r.OrganizationID), "from": r.From, "to": r.To}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// RequestFilter selects requests for a list.
type RequestFilter struct {
	Status  string // empty: all
	Page    int
	PerPage int
}

// Requests lists requests newest first: a volunteer's own, or, for staff
// who issue, those made to the organisations of their area. Errors:
// EINVALID (status), EFORBIDDEN.
func (s *Service) Requests(ctx context.Context, f RequestFilter) ([]CertificateRequest, bool, error) {
	p, err := auth.Require(ctx, append([]auth.Role{auth.Resident}, IssueRoles...)...)
	if err != nil {
		return nil, false, err
	}
	if f.Status != "" && !oneOf(f.Status, RequestStatuses) {
		return nil, false, errs.Invalid(errs.Field("status", "error.one_of", strings.Join(RequestStatuses, ", ")))
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	var volunteerID int64
	lo, hi := "", ""
	if p.Role == auth.Resident {
		v, err := s.Registry.Me(ctx)
		if errs.Code(err) == errs.ENOTFOUND {
			return []CertificateRequest{}, false, nil
		}
		if err != nil {
			return nil, false, err
		}
		volunteerID = v.ID
	} else if lo, hi, err = auth.Scope(ctx); err != nil {
		return nil, false, err
	}
	return s.Store.requests(ctx, volunteerID, lo, hi, f)
}

// Decide issues or refuses a pending request made to an organisation of
// the caller's area. Issuing certifies the organisation's records of the
// volunteer in the period as Issue does, in one transaction with the
// request's decision. Errors: EINVALID (no reason; no records or seal),
// ENOTFOUND (also outside the area; audited), ECONFLICT (already decided),
// EFORBIDDEN.
func (s *Service) Decide(ctx context.Context, id int64, d Decision) (*CertificateRequest, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	r, err := s.request(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.org(ctx, r.OrganizationID, "certificate.decide"); err != nil {
		return nil, err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	switch {
	case !d.Issue && d.Reason == "":
		return nil, errs.Invalid(errs.Field("refuse_reason", "error.required"))
	case utf8.RuneCountInString(d.Reason) > maxReason:
		return nil, errs.Invalid(errs.Field("refuse_reason", "error.too_long", maxReason))
	}
	if r.Status != RequestPending {
		return nil, errs.Conflict("certificate.request_decided")
	}
	// The volunteer asked: their name, masked ID number and records with
	// this organisation are read whatever the caller's area.
	sys := auth.With(ctx, &auth.Principal{Role: auth.System, Name: p.Name})
	v, err := s.Registry.Volunteer(sys, r.VolunteerID)
	if err != nil {
		return nil, err
	}
	var c *Certificate
	if d.Issue {
		org, err := s.Registry.Organization(sys, r.OrganizationID)
		if err != nil {
			return nil, err
		}
		recs, err := s.Registry.Records(sys, r.VolunteerID, r.From, r.To)
		if err != nil {
			return nil, err
		}
		if c, err = s.build(p, v, org, recs, IssueInput{VolunteerID: v.ID, OrgID: org.ID, From: r.From, To: r.To}); err != nil {
			return nil, err
		}
	}
	at := s.now()
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		status, number, reason := RequestRefused, "", d.Reason
		if c != nil {
			if err := s.save(ctx, c); err != nil {
				return err
			}
			status, number, reason = RequestIssued, c.Number, ""
		}
		if err := s.Store.decideRequest(ctx, r.ID, status, number, reason, at, p.Name); err != nil {
			return err
		}
		r.Status, r.Number, r.Reason, r.DecidedAt, r.DecidedBy = status, number, reason, &at, p.Name
		if err := s.Audit.Write(ctx, audit.Entry{Action: "certificate.decide", ObjectType: "certificate_request", ObjectID: itoa(r.ID),
			Result: audit.OK, Detail: map[string]string{"status": status, "number": number, "reason": reason}}); err != nil {
			return err
		}
		// The volunteer learns the decision in their inbox.
		if s.Notify == nil || v.UserID == 0 {
			return nil
		}
		if c != nil {
			return s.Notify.NotifyUser(ctx, v.UserID, "certificate.note.issued", []string{number}, "certificate_request", r.ID, "/certificates/mine")
		}
		return s.Notify.NotifyUser(ctx, v.UserID, "certificate.note.refused", []string{reason}, "certificate_request", r.ID, "/certificates/mine")
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// request reads a request made to an organisation of the caller's area;
// one outside it answers ENOTFOUND, audited.
func (s *Service) request(ctx context.Context, id int64) (*CertificateRequest, error) {
	r, err := s.Store.request(ctx, id)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	if r.DivisionCode < lo || r.DivisionCode > hi {
		s.Audit.Refused(ctx, "certificate.decide", "certificate_request", id, audit.OutsideArea)
		return nil, errs.NotFound("certificate.request_not_found", id)
	}
	return r, nil
}

// Mine returns a certificate issued to the calling volunteer, with its
// items. Errors: ENOTFOUND (also another's), EFORBIDDEN.
func (s *Service) Mine(ctx context.Context, number string) (*Certificate, error) {
	if _, err := auth.Require(ctx, auth.Resident); err != nil {
		return nil, err
	}
	v, err := s.Registry.Me(ctx)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.byNumber(ctx, NormalizeNumber(number))
	if err != nil || c.VolunteerID != v.ID {
		return nil, errs.NotFound("certificate.not_found", number)
	}
	if err := s.Store.items(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// MyPDF writes a certificate issued to the calling volunteer as a PDF.
// Errors as Mine.
func (s *Service) MyPDF(ctx context.Context, number, baseURL string, w io.Writer) (*Certificate, error) {
	c, err := s.Mine(ctx, number)
	if err != nil {
		return nil, err
	}
	return c, s.writePDF(ctx, c, baseURL, w)
}

func oneOf(s string, list []string) bool {
	for _, v := range list {
		if s == v {
			return true
		}
	}
	return false
}
