package certificate

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

// Who may do what in this slice.
var (
	// ReadRoles may list and read the certificates issued in their area.
	ReadRoles = auth.AreaStaff()
	// IssueRoles act for the organisations in their area: they issue and
	// revoke certificates and upload seals. Order 67 lets village and
	// residents' committees issue, so community workers may.
	IssueRoles = auth.OfficeStaff()
)

// Limits.
const (
	maxReason = 200
	maxYears  = 10
)

// Service holds the rules of certificates.
type Service struct {
	DB       *db.DB
	Store    *Store
	Audit    *audit.Log
	Registry Registry
	// Notify tells a volunteer with an account of the decision on their
	// request (nil: nobody is told).
	Notify Notifier
	// Others verify the numbers of other kinds of certificate on the same
	// public page (the numbers are drawn from one space: NewNumber).
	Others []Verifier
	Now    func() time.Time
}

// Notifier puts a message in an account's inbox, in the writer's
// transaction: a message key of this slice's catalogue with its arguments,
// and the object it is about with the page that shows it (package notify,
// adapted in internal/app).
type Notifier interface {
	NotifyUser(ctx context.Context, userID int64, key string, args []string, object string, id int64, link string) error
}

// NewService makes the service over the volunteer registry r.
func NewService(d *db.DB, a *audit.Log, r Registry) *Service {
	return &Service{DB: d, Store: &Store{DB: d}, Audit: a, Registry: r, Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

func (s *Service) today() string { return shanghai(s.Now()).Format(DateLayout) }

// IssueInput asks for a certificate of a volunteer's service with one
// organisation over a period.
type IssueInput struct {
	VolunteerID int64  `json:"volunteer_id"`
	OrgID       int64  `json:"org_id,omitempty" doc:"the organisation that recorded the hours and issues the certificate; may be left out when only one organisation of the caller's area recorded hours of the volunteer in the period"`
	From        string `json:"from" doc:"first day of the period, YYYY-MM-DD"`
	To          string `json:"to" doc:"last day of the period, YYYY-MM-DD; not after today"`
}

func (in *IssueInput) check(today string) error {
	var bad errs.Fields
	if in.VolunteerID <= 0 {
		bad.Add("volunteer_id", "error.required")
	}
	if in.OrgID < 0 {
		bad.Add("org_id", "error.required")
	}
	from, ferr := time.Parse(DateLayout, in.From)
	if ferr != nil {
		bad.Add("from", "certificate.date_format")
	}
	to, terr := time.Parse(DateLayout, in.To)
	if terr != nil {
		bad.Add("to", "certificate.date_format")
	}
	if ferr == nil && terr == nil {
		switch {
		case to.Before(from):
			bad.Add("to", "certificate.to_before_from")
		case in.To > today:
			bad.Add("to", "certificate.future")
		case from.AddDate(maxYears, 0, 0).Before(to):
			bad.Add("from", "certificate.period_too_long", maxYears)
		}
	}
	return bad.Err()
}

// Issue certifies the volunteer's records with the organisation in the
// period, in one transaction with its audit record. The organisation must
// lie in the caller's area and have a seal; the volunteer must be visible
// to the caller and have records with it in the period. Errors: EINVALID,
// ENOTFOUND (organisation or volunteer; a refusal outside the area is
// audited), EFORBIDDEN.
func (s *Service) Issue(ctx context.Context, in IssueInput) (*Certificate, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	if err := in.check(s.today()); err != nil {
		return nil, err
	}
	v, err := s.Registry.Volunteer(ctx, in.VolunteerID)
	if err != nil {
		return nil, err
	}
	recs, err := s.Registry.Records(ctx, in.VolunteerID, in.From, in.To)
	if err != nil {
		return nil, err
	}
	if in.OrgID == 0 {
		if in.OrgID, err = s.soleOrg(ctx, recs, in); err != nil {
			return nil, err
		}
	}
	org, err := s.org(ctx, in.OrgID, "certificate.issue")
	if err != nil {
		return nil, err
	}
	c, err := s.build(p, v, org, recs, in)
	if err != nil {
		return nil, err
	}
	if err := s.DB.WithTx(ctx, func(ctx context.Context) error { return s.save(ctx, c) }); err != nil {
		return nil, err
	}
	return c, nil
}

// build makes the certificate of the organisation's records of the
// volunteer in the period. Errors: EINVALID (no such records).
func (s *Service) build(p *auth.Principal, v *Volunteer, org *Organization, recs []Record, in IssueInput) (*Certificate, error) {
	c := &Certificate{VolunteerID: v.ID, VolunteerName: v.Name, IDNumber: maskID(v.IDNumber),
		OrganizationID: org.ID, OrganizationName: org.Name, DivisionCode: org.DivisionCode,
		From: in.From, To: in.To, Items: []Item{}, IssuedAt: s.now(), IssuedBy: p.Name}
	for _, r := range recs {
		if r.OrganizationID != org.ID || r.Date < in.From || r.Date > in.To || r.HoursCenti <= 0 {
			continue
		}
		c.Items = append(c.Items, Item{Date: r.Date, Hours: hours(r.HoursCenti), Content: r.Content, centi: r.HoursCenti})
		c.centi += r.HoursCenti
	}
	if len(c.Items) == 0 {
		return nil, errs.Invalid(errs.Field("to", "certificate.no_records"))
	}
	c.Hours = hours(c.centi)
	return c, nil
}

// save stores a built certificate with the organisation's current seal
// and its audit record, in ctx's transaction. Errors: EINVALID (no seal).
func (s *Service) save(ctx context.Context, c *Certificate) error {
	seal, err := s.Store.currentSeal(ctx, c.OrganizationID)
	if errs.Code(err) == errs.ENOTFOUND {
		return errs.Invalid(errs.Field("org_id", "certificate.no_seal"))
	}
	if err != nil {
		return err
	}
	c.SealID = seal.ID
	// 80 random bits do not collide in practice; the unique index makes
	// sure, and a clash draws again.
	for try := 0; ; try++ {
		c.Number = NewNumber()
		err = s.Store.insert(ctx, c)
		if err == nil || !db.IsUniqueViolation(err) || try == 3 {
			break
		}
	}
	if err != nil {
		return errs.As(err)
	}
	return s.Audit.Write(ctx, audit.Entry{Action: "certificate.issue", ObjectType: "certificate", ObjectID: c.Number,
		Result: audit.OK, Detail: map[string]string{"volunteer_id": itoa(c.VolunteerID), "org_id": itoa(c.OrganizationID),
			"from": c.From, "to": c.To, "hours": FormatHours(c.Hours)}})
}

// soleOrg is the one organisation of the caller's area that recorded the
// volunteer's hours in the period, when no organisation was named.
// Errors: EINVALID (none, or several: the caller must choose).
func (s *Service) soleOrg(ctx context.Context, recs []Record, in IssueInput) (int64, error) {
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return 0, err
	}
	var ids []int64
	var names []string
	for _, r := range recs {
		if r.Date < in.From || r.Date > in.To || r.HoursCenti <= 0 || slices.Contains(ids, r.OrganizationID) {
			continue
		}
		o, err := s.Registry.Organization(ctx, r.OrganizationID)
		if err != nil {
			return 0, err
		}
		if o.DivisionCode >= lo && o.DivisionCode <= hi {
			ids, names = append(ids, o.ID), append(names, o.Name)
		}
	}
	switch len(ids) {
	case 0:
		return 0, errs.Invalid(errs.Field("to", "certificate.no_records"))
	case 1:
		return ids[0], nil
	}
	return 0, errs.Invalid(errs.Field("org_id", "certificate.org_ambiguous", strings.Join(names, "、")))
}

// org reads an organisation that must lie in the caller's area; one
// outside it answers ENOTFOUND, audited.
func (s *Service) org(ctx context.Context, id int64, action string) (*Organization, error) {
	org, err := s.Registry.Organization(ctx, id)
	if err != nil {
		return nil, err
	}
	lo, hi, err := auth.Scope(ctx)
	if err != nil {
		return nil, err
	}
	if org.DivisionCode < lo || org.DivisionCode > hi {
		s.Audit.Refused(ctx, action, "volunteer_org", id, audit.OutsideArea)
		return nil, errs.NotFound("certificate.org_not_found", id)
	}
	return org, nil
}

// maskID keeps only the mask of an ID number, whichever form it came in
// (a mask masks again to the same shape).
func maskID(id string) string { return pii.MaskIDNumber(id) }

// Get returns a certificate issued in the caller's area, with its items.
// Errors: ENOTFOUND (also outside the area; audited), EFORBIDDEN.
func (s *Service) Get(ctx context.Context, number string) (*Certificate, error) {
	c, err := s.get(ctx, number, "certificate.read", ReadRoles)
	if err != nil {
		return nil, err
	}
	if err := s.Store.items(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// get reads a certificate issued in the caller's area for one of roles;
// one outside the area answers ENOTFOUND and the refusal is audited.
func (s *Service) get(ctx context.Context, number, action string, roles []auth.Role) (*Certificate, error) {
	if _, err := auth.Require(ctx, roles...); err != nil {
		return nil, err
	}
	n := NormalizeNumber(number)
	if n == "" {
		return nil, errs.NotFound("certificate.not_found", number)
	}
	c, err := s.Store.inArea(ctx, n, false)
	if errs.Code(err) == errs.ENOTFOUND {
		if _, e := s.Store.byNumber(ctx, n); e == nil {
			s.Audit.Refused(ctx, action, "certificate", n, audit.OutsideArea)
		}
	}
	return c, err
}

// List returns one page of the certificates issued in the caller's area.
// Errors: EFORBIDDEN.
func (s *Service) List(ctx context.Context, f Filter) ([]Certificate, bool, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, false, err
	}
	f.Page, f.PerPage = db.Paging(f.Page, f.PerPage)
	return s.Store.list(ctx, f)
}

// PDF writes a certificate issued in the caller's area as a PDF whose QR
// code points at baseURL/verify/<number>. Errors as Get.
func (s *Service) PDF(ctx context.Context, number, baseURL string, w io.Writer) (*Certificate, error) {
	c, err := s.Get(ctx, number)
	if err != nil {
		return nil, err
	}
	return c, s.writePDF(ctx, c, baseURL, w)
}

// writePDF writes a certificate read with its items as a PDF with its seal.
func (s *Service) writePDF(ctx context.Context, c *Certificate, baseURL string, w io.Writer) error {
	seal, err := s.Store.seal(ctx, c.SealID)
	if err != nil {
		return err
	}
	return PDF(w, c, seal.Image, VerifyURL(baseURL, c.Number))
}

// VerifyURL is the public verification page of a number.
func VerifyURL(baseURL, number string) string {
	return strings.TrimSuffix(baseURL, "/") + "/verify/" + number
}

// Revoke withdraws a certificate issued in the caller's area, with a
// reason, audited. Errors: EINVALID (no reason, too long), ENOTFOUND,
// ECONFLICT (already revoked), EFORBIDDEN.
func (s *Service) Revoke(ctx context.Context, number, reason string) (*Certificate, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	// The area check (and the audit of a refusal) comes before the
	// transaction: on SQLite a refusal's own write must not wait on it.
	if _, err := s.get(ctx, number, "certificate.revoke", IssueRoles); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, errs.Invalid(errs.Field("revoke_reason", "error.required"))
	case utf8.RuneCountInString(reason) > maxReason:
		return nil, errs.Invalid(errs.Field("revoke_reason", "error.too_long", maxReason))
	}
	var c *Certificate
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if c, err = s.Store.inArea(ctx, NormalizeNumber(number), true); err != nil {
			return err
		}
		if c.Revoked() {
			return errs.Conflict("certificate.already_revoked", shanghai(*c.RevokedAt).Format(DateLayout))
		}
		at := s.now()
		if err := s.Store.revoke(ctx, c.ID, at, p.Name, reason); err != nil {
			return err
		}
		c.RevokedAt, c.RevokedBy, c.RevokeReason = &at, p.Name, reason
		return s.Audit.Write(ctx, audit.Entry{Action: "certificate.revoke", ObjectType: "certificate", ObjectID: c.Number,
			Result: audit.OK, Detail: map[string]string{"reason": reason}})
	})
	if err != nil {
		return nil, err
	}
	if err := s.Store.items(ctx, c); err != nil {
		return nil, err
	}
	return c, nil
}

// Verify is the public check of a number: no principal needed. An unknown
// or malformed number answers ENOTFOUND with the same message either way.
func (s *Service) Verify(ctx context.Context, number string) (*Verification, error) {
	n := NormalizeNumber(number)
	if n == "" {
		return nil, errs.NotFound("certificate.unknown")
	}
	c, err := s.Store.byNumber(ctx, n)
	if errs.Code(err) == errs.ENOTFOUND {
		for _, o := range s.Others {
			v, err := o.VerifyNumber(ctx, n)
			if errs.Code(err) == errs.ENOTFOUND {
				continue
			}
			return v, err
		}
		return nil, errs.NotFound("certificate.unknown")
	}
	if err != nil {
		return nil, err
	}
	return c.Verify(), nil
}

// SetSeal stores a new seal image for an organisation in the caller's
// area (checked and redrawn by NormalizeSeal); later certificates carry
// it, earlier ones keep theirs. Errors: EINVALID, ENOTFOUND, EFORBIDDEN.
func (s *Service) SetSeal(ctx context.Context, orgID int64, image []byte) (*Seal, error) {
	p, err := auth.Require(ctx, IssueRoles...)
	if err != nil {
		return nil, err
	}
	png, err := NormalizeSeal(image)
	if err != nil {
		return nil, err
	}
	org, err := s.org(ctx, orgID, "certificate.seal")
	if err != nil {
		return nil, err
	}
	seal := &Seal{OrgID: org.ID, DivisionCode: org.DivisionCode, Image: png, UploadedAt: s.now(), UploadedBy: p.Name}
	err = s.DB.WithTx(ctx, func(ctx context.Context) error {
		if err := s.Store.insertSeal(ctx, seal); err != nil {
			return err
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "certificate.seal", ObjectType: "volunteer_org", ObjectID: itoa(org.ID),
			Result: audit.OK, Detail: map[string]string{"sha256": seal.SHA256}})
	})
	if err != nil {
		return nil, err
	}
	return seal, nil
}

// CurrentSeal returns an organisation's seal. Errors: ENOTFOUND (no seal
// yet, or the organisation outside the caller's area), EFORBIDDEN.
func (s *Service) CurrentSeal(ctx context.Context, orgID int64) (*Seal, error) {
	if _, err := auth.Require(ctx, ReadRoles...); err != nil {
		return nil, err
	}
	if _, err := s.org(ctx, orgID, "certificate.seal_read"); err != nil {
		return nil, err
	}
	return s.Store.currentSeal(ctx, orgID)
}

// LoadSeals gives each organisation the same seal image (checked and
// redrawn by NormalizeSeal), in one transaction with one audit record: for
// the demo, so that its first certificate can be issued. Errors: EINVALID,
// EFORBIDDEN (system only).
func (s *Service) LoadSeals(ctx context.Context, orgs []Organization, image []byte) error {
	p, err := auth.Require(ctx)
	if err != nil {
		return err
	}
	png, err := NormalizeSeal(image)
	if err != nil {
		return err
	}
	now := s.now()
	return s.DB.WithTx(ctx, func(ctx context.Context) error {
		for _, o := range orgs {
			if err := s.Store.insertSeal(ctx, &Seal{OrgID: o.ID, DivisionCode: o.DivisionCode, Image: png, UploadedAt: now, UploadedBy: p.Name}); err != nil {
				return err
			}
		}
		return s.Audit.Write(ctx, audit.Entry{Action: "certificate.seal_load", ObjectType: "volunteer_org", ObjectID: "*",
			Result: audit.OK, Detail: map[string]int{"organisations": len(orgs)}})
	})
}
