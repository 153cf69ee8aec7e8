package app

import (
	"context"
	"io"

	"shequ/internal/burden"
	"shequ/internal/certificate"
	"shequ/internal/platform/calendar"
	"shequ/internal/request"
)

// burdenUnits is the request catalogue as burden.Units: departments are
// its handling units.
type burdenUnits struct{ s *request.Service }

func unitOf(u *request.Unit) burden.Unit {
	return burden.Unit{ID: u.ID, Name: u.Name, DivisionCode: u.DivisionCode}
}

func (b burdenUnits) MyUnit(ctx context.Context) (*burden.Unit, error) {
	u, err := b.s.MyUnit(ctx)
	if err != nil || u == nil {
		return nil, err
	}
	x := unitOf(u)
	return &x, nil
}

func (b burdenUnits) Units(ctx context.Context, code string) ([]burden.Unit, error) {
	us, err := b.s.Units(ctx, code)
	if err != nil {
		return nil, err
	}
	out := make([]burden.Unit, 0, len(us))
	for k := range us {
		if us[k].Active {
			out = append(out, unitOf(&us[k]))
		}
	}
	return out, nil
}

// certificatePrinter lends the burden slice the certificates' numbering,
// PDF font stack, QR code and verification address: one implementation.
type certificatePrinter struct{}

func (certificatePrinter) NewNumber() string               { return certificate.NewNumber() }
func (certificatePrinter) NormalizeNumber(s string) string { return certificate.NormalizeNumber(s) }
func (certificatePrinter) VerifyURL(base, number string) string {
	return certificate.VerifyURL(base, number)
}

func (certificatePrinter) PDF(w io.Writer, d *burden.BurdenDocument, verifyURL string) error {
	return certificate.DocumentPDF(w, &certificate.Document{Title: d.Title, Number: d.Number, Paragraphs: d.Paragraphs, Basis: d.Basis,
		Issuer: d.Issuer, IssuedAt: d.IssuedAt, RevokedAt: d.RevokedAt}, verifyURL)
}

// proofVerifier puts the communities' proofs on the certificates' public
// verification page: the holder's name masked, nothing else personal.
type proofVerifier struct{ s *burden.Service }

func (v proofVerifier) VerifyNumber(ctx context.Context, number string) (*certificate.Verification, error) {
	p, err := v.s.VerifyNumber(ctx, number)
	if err != nil {
		return nil, err
	}
	out := &certificate.Verification{Number: p.Number, Status: certificate.Valid, VolunteerName: certificate.MaskName(p.HolderName),
		OrganizationName: p.CommunityName, Title: p.ItemName, Purpose: p.Purpose}
	if p.DecidedAt != nil {
		out.IssuedOn = p.DecidedAt.In(calendar.China).Format(certificate.DateLayout)
	}
	if p.RevokedAt != nil {
		out.Status, out.RevokedOn = certificate.Revoked, p.RevokedAt.In(calendar.China).Format(certificate.DateLayout)
	}
	return out, nil
}
