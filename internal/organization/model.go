// Package organization is the registry of social organisations (社会组织):
// registered or filed organisations at any division (a county-level
// incubation base sits at its county), their type, full-time staff and
// status. Deregistration closes a record; nothing is deleted. The slice
// keeps the measures of the plan's social organisation indicators in the
// transaction of every change.
package organization

import (
	"slices"
	"strings"
	"time"

	"shequ/internal/division"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/patch"
)

// Registrations: registered with civil affairs (登记) or filed with the
// township or community (备案).
var Registrations = []string{"registered", "filed"}

// Types of organisation.
var Types = []string{"life_service", "charity", "mutual_help", "rural_technical_service", "culture_sport", "elderly_service",
	"disabled_persons_association", "other"}

// DisabledAssociation is the type that the disabled persons' association
// coverage counts.
const DisabledAssociation = "disabled_persons_association"

// Statuses.
const (
	Active       = "active"
	Deregistered = "deregistered"
)

// Statuses lists them.
var Statuses = []string{Active, Deregistered}

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Organization is one social organisation.
type Organization struct {
	ID                 int64     `json:"id"`
	DivisionCode       string    `json:"division_code"`
	DivisionName       string    `json:"division_name"`
	Name               string    `json:"name"`
	Registration       string    `json:"registration" doc:"registered or filed"`
	RegistrationNumber string    `json:"registration_number"`
	Type               string    `json:"type"`
	FullTimeStaff      int64     `json:"full_time_staff"`
	IncubationBase     bool      `json:"incubation_base"`
	Status             string    `json:"status" doc:"active or deregistered"`
	DeregisteredOn     string    `json:"deregistered_on" doc:"YYYY-MM-DD; empty while active"`
	Version            int       `json:"version"`
	UpdatedAt          time.Time `json:"updated_at"`
	UpdatedBy          string    `json:"updated_by"`
}

// OrganizationPatch is a change to an organisation, or a new one: nil fields stay as
// they are. Setting status to deregistered (with deregistered_on, today by
// default) closes it; setting it back to active reopens it.
type OrganizationPatch struct {
	DivisionCode       *string `json:"division_code,omitempty"`
	Name               *string `json:"name,omitempty"`
	Registration       *string `json:"registration,omitempty" doc:"registered or filed"`
	RegistrationNumber *string `json:"registration_number,omitempty"`
	Type               *string `json:"type,omitempty" doc:"life_service, charity, mutual_help, rural_technical_service, culture_sport, elderly_service, disabled_persons_association or other"`
	FullTimeStaff      *int64  `json:"full_time_staff,omitempty"`
	IncubationBase     *bool   `json:"incubation_base,omitempty"`
	Status             *string `json:"status,omitempty" doc:"active or deregistered"`
	DeregisteredOn     *string `json:"deregistered_on,omitempty" doc:"YYYY-MM-DD"`
	// Version, when given, must match the stored one (optimistic locking).
	Version *int `json:"version,omitempty"`
}

// apply returns o with the patch applied, texts trimmed.
func (p *OrganizationPatch) apply(o Organization, today string) Organization {
	patch.Text(&o.DivisionCode, p.DivisionCode)
	patch.Text(&o.Name, p.Name)
	patch.Text(&o.Registration, p.Registration)
	patch.Text(&o.RegistrationNumber, p.RegistrationNumber)
	patch.Text(&o.Type, p.Type)
	patch.Text(&o.Status, p.Status)
	patch.Text(&o.DeregisteredOn, p.DeregisteredOn)
	patch.Value(&o.FullTimeStaff, p.FullTimeStaff)
	patch.Value(&o.IncubationBase, p.IncubationBase)
	if o.Status == "" {
		o.Status = Active
	}
	switch o.Status {
	case Active:
		o.DeregisteredOn = ""
	case Deregistered:
		if o.DeregisteredOn == "" {
			o.DeregisteredOn = today
		}
	}
	return o
}

const maxName = 100

// validate checks an organisation; the division's existence and area are
// the service's to check.
func (o *Organization) validate(today string) errs.Fields {
	var f errs.Fields
	if o.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	f.Text("name", o.Name, maxName)
	f.Choice("registration", o.Registration, Registrations)
	f.Text("registration_number", o.RegistrationNumber, 50)
	f.Choice("type", o.Type, Types)
	switch {
	case o.FullTimeStaff < 0:
		f.Add("full_time_staff", "error.negative")
	case o.FullTimeStaff > 100000:
		f.Add("full_time_staff", "organization.staff_too_many")
	}
	if !slices.Contains(Statuses, o.Status) {
		f.Add("status", "error.one_of", strings.Join(Statuses, ", "))
	}
	if o.DeregisteredOn != "" {
		if _, err := time.Parse(DateLayout, o.DeregisteredOn); err != nil {
			f.Add("deregistered_on", "organization.date_invalid")
		} else if o.DeregisteredOn > today {
			f.Add("deregistered_on", "organization.date_future")
		}
	}
	return f
}

// Filter selects organisations for a list or an export.
type Filter struct {
	Q        string // part of a name or registration number
	Division string // at or under this division
	Type     string
	Status   string
	Page     int
	PerPage  int
}

func (f *Filter) check() error {
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	bad.MaxLen("q", f.Q, 50)
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "organization.code_format")
	}
	bad.OneOf("type", f.Type, Types)
	bad.OneOf("status", f.Status, Statuses)
	return bad.Err()
}
