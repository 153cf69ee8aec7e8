// Package certificate issues volunteer service certificates (志愿服务证明)
// under 《志愿服务记录与证明出具办法（试行）》: the organisation that
// recorded a volunteer's hours certifies them, free of charge, as a PDF with
// its seal and a QR code to a public verification page; it may revoke a
// certificate with a reason. The volunteer registry is another slice: this
// one reads it through the small Registry interface, wired in internal/app.
package certificate

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shequ/internal/platform/calendar"
)

// DateLayout is how dates travel: YYYY-MM-DD, China time.
const DateLayout = "2006-01-02"

// Registry is what this slice needs from the volunteer registry.
type Registry interface {
	// Volunteer returns a volunteer the caller may see (ENOTFOUND otherwise).
	Volunteer(ctx context.Context, id int64) (*Volunteer, error)
	// Me returns the calling resident's own registration (ENOTFOUND when
	// they have none).
	Me(ctx context.Context) (*Volunteer, error)
	// Organization returns a volunteer organisation (ENOTFOUND otherwise).
	Organization(ctx context.Context, id int64) (*Organization, error)
	// Organizations lists (a bounded number of) the organisations in the
	// caller's area, for forms.
	Organizations(ctx context.Context) ([]Organization, error)
	// Records returns the volunteer's service records dated from..to
	// inclusive (YYYY-MM-DD, China time), oldest first.
	Records(ctx context.Context, volunteerID int64, from, to string) ([]Record, error)
}

// Volunteer is the person a certificate is for.
type Volunteer struct {
	ID       int64
	Name     string
	IDNumber string // plaintext or already masked; only its mask is kept
	UserID   int64  // the resident's account, 0 when none
}

// Organization is whoever recorded the hours and so issues the certificate.
type Organization struct {
	ID   int64
	Name string
	// DivisionCode is the 12-digit code the organisation hangs on: the
	// area whose staff act for it.
	DivisionCode string
}

// Record is one service record: a day's service with one organisation.
type Record struct {
	Date           string // YYYY-MM-DD
	HoursCenti     int64  // hundredths of an hour
	Content        string
	OrganizationID int64
}

// Item is one line of a certificate: a record as it was when certified.
type Item struct {
	Date    string  `json:"date"`
	Hours   float64 `json:"hours"`
	Content string  `json:"content"`
	centi   int64
}

// Certificate is an issued certificate. It is free of charge: there is no
// fee anywhere in it.
type Certificate struct {
	ID               int64      `json:"-"`
	Number           string     `json:"number"`
	VolunteerID      int64      `json:"volunteer_id"`
	VolunteerName    string     `json:"volunteer_name"`
	IDNumber         string     `json:"id_number" doc:"masked"`
	OrganizationID   int64      `json:"organization_id"`
	OrganizationName string     `json:"organization_name"`
	DivisionCode     string     `json:"division_code"`
	From             string     `json:"from"`
	To               string     `json:"to"`
	Hours            float64    `json:"hours"`
	Items            []Item     `json:"items"`
	IssuedAt         time.Time  `json:"issued_at"`
	IssuedBy         string     `json:"issued_by"`
	RevokedAt        *time.Time `json:"revoked_at,omitempty"`
	RevokedBy        string     `json:"revoked_by,omitempty"`
	RevokeReason     string     `json:"revoke_reason,omitempty"`
	SealID           int64      `json:"-"`
	centi            int64
}

// Revoked reports whether the certificate was withdrawn.
func (c *Certificate) Revoked() bool { return c.RevokedAt != nil }

// IssuedOn is the issue date in China.
func (c *Certificate) IssuedOn() string { return shanghai(c.IssuedAt).Format(DateLayout) }

// Verification is what the public page shows of a certificate, and nothing
// else: whether it is genuine, for whom (masked), the hours, the period,
// the issuer and the dates.
type Verification struct {
	Number           string  `json:"number"`
	Status           string  `json:"status" enum:"valid,revoked"`
	VolunteerName    string  `json:"volunteer_name" doc:"masked"`
	IDNumber         string  `json:"id_number" doc:"masked"`
	Hours            float64 `json:"hours"`
	From             string  `json:"from"`
	To               string  `json:"to"`
	OrganizationName string  `json:"organization_name"`
	IssuedOn         string  `json:"issued_on"`
	RevokedOn        string  `json:"revoked_on,omitempty"`
	// Title is set for a certificate of another kind that shares the
	// numbering and this page (a community's 证明, package burden): its
	// name; the holder is then in VolunteerName and the issuer in
	// OrganizationName, and there are no hours.
	Title   string `json:"title,omitempty" doc:"another kind of certificate: its name (the hours and period are then empty)"`
	Purpose string `json:"purpose,omitempty" doc:"another kind of certificate: what it was issued for"`
}

// Verifier checks the numbers of another kind of certificate that shares
// this slice's numbering and public verification page; it answers
// ENOTFOUND for a number it does not know.
type Verifier interface {
	VerifyNumber(ctx context.Context, number string) (*Verification, error)
}

// Statuses of a verification.
const (
	Valid   = "valid"
	Revoked = "revoked"
)

// Verify is the public view of c.
func (c *Certificate) Verify() *Verification {
	v := &Verification{Number: c.Number, Status: Valid, VolunteerName: MaskName(c.VolunteerName), IDNumber: c.IDNumber,
		Hours: c.Hours, From: c.From, To: c.To, OrganizationName: c.OrganizationName, IssuedOn: c.IssuedOn()}
	if c.RevokedAt != nil {
		v.Status = Revoked
		v.RevokedOn = shanghai(*c.RevokedAt).Format(DateLayout)
	}
	return v
}

// MaskName keeps the first and last character of a name: 张*明, 李*, 欧**锋.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// hours turns hundredths of an hour into hours.
func hours(centi int64) float64 { return float64(centi) / 100 }

// FormatHours shows hours without trailing zeros: 3, 2.5, 1.25.
func FormatHours(h float64) string {
	s := fmt.Sprintf("%.2f", h)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

func shanghai(t time.Time) time.Time { return t.In(calendar.China) }

// HoursText shows the hours for pages.
func (c *Certificate) HoursText() string { return FormatHours(c.Hours) }

// RevokedOn is the revocation date in China, or "".
func (c *Certificate) RevokedOn() string {
	if c.RevokedAt == nil {
		return ""
	}
	return shanghai(*c.RevokedAt).Format(DateLayout)
}

// HoursText shows the hours for pages.
func (it Item) HoursText() string { return FormatHours(it.Hours) }

// HoursText shows the hours for pages.
func (v *Verification) HoursText() string { return FormatHours(v.Hours) }
