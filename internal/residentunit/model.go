// Package residentunit keeps the registry of resident units (驻区单位): the
// units in a community, their joint-building agreements (共建协议: dates,
// content, a scanned copy) and the resources they open to residents
// (venues, parking, services) with their hours. The three lists (package
// project) read the open resources through project.Registries, adapted in
// internal/app; nothing is copied.
package residentunit

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
)

// Kinds of unit: a government office, an enterprise, a public institution
// (事业单位), a school, a hospital, another.
var Kinds = []string{"government", "enterprise", "public_institution", "school", "hospital", "other"}

// ResourceKinds are the kinds of resource a unit opens.
var ResourceKinds = []string{"venue", "parking", "funds", "services", "other"}

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

const maxName, maxText = 100, 2000

// ResidentUnit is one resident unit.
type ResidentUnit struct {
	ID           int64     `json:"id"`
	DivisionCode string    `json:"division_code"`
	DivisionName string    `json:"division_name"`
	Name         string    `json:"name"`
	Kind         string    `json:"kind" doc:"government, enterprise, public_institution, school, hospital or other"`
	Address      string    `json:"address"`
	Contact      string    `json:"contact,omitempty"`
	Resources    int       `json:"resources" doc:"resources open now"`
	Agreements   int       `json:"agreements"`
	CreatedAt    time.Time `json:"created_at"`
	CreatedBy    string    `json:"created_by"`
}

// ResidentUnitInput is a new unit.
type ResidentUnitInput struct {
	DivisionCode string `json:"division_code" doc:"the community (or township) the unit is in"`
	Name         string `json:"name" maxLength:"100"`
	Kind         string `json:"kind"`
	Address      string `json:"address,omitempty" maxLength:"200"`
	Contact      string `json:"contact,omitempty" maxLength:"50"`
}

func trim(ps ...*string) {
	for _, p := range ps {
		*p = strings.TrimSpace(*p)
	}
}

func text(f *errs.Fields, field, v string, max int, required bool) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "error.too_long", max)
	}
}

func oneOf(f *errs.Fields, field, v string, set []string, required bool) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case v != "" && !slices.Contains(set, v):
		f.Add(field, "error.one_of", strings.Join(set, ", "))
	}
}

func (in *ResidentUnitInput) validate() errs.Fields {
	trim(&in.DivisionCode, &in.Name, &in.Kind, &in.Address, &in.Contact)
	var f errs.Fields
	if !division.ValidCode(in.DivisionCode) {
		f.Add("division_code", "residentunit.code_format")
	}
	text(&f, "name", in.Name, maxName, true)
	oneOf(&f, "kind", in.Kind, Kinds, true)
	text(&f, "address", in.Address, 200, false)
	text(&f, "contact", in.Contact, 50, false)
	return f
}

// UnitAgreement is a joint-building agreement (共建协议) with a unit.
type UnitAgreement struct {
	ID        int64     `json:"id"`
	UnitID    int64     `json:"unit_id"`
	Title     string    `json:"title"`
	Content   string    `json:"content"`
	SignedOn  string    `json:"signed_on"`
	StartsOn  string    `json:"starts_on"`
	EndsOn    string    `json:"ends_on" doc:"empty: open-ended"`
	Current   bool      `json:"current" doc:"in force today"`
	HasCopy   bool      `json:"has_copy" doc:"a scanned copy is kept"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	copyBlob  *int64
}

// UnitAgreementInput is a new agreement.
type UnitAgreementInput struct {
	Title    string `json:"title" maxLength:"100"`
	Content  string `json:"content,omitempty" maxLength:"2000"`
	SignedOn string `json:"signed_on" doc:"YYYY-MM-DD"`
	StartsOn string `json:"starts_on" doc:"YYYY-MM-DD"`
	EndsOn   string `json:"ends_on,omitempty" doc:"YYYY-MM-DD; empty: open-ended"`
}

func date(f *errs.Fields, field, v string, required bool) {
	if v == "" {
		if required {
			f.Add(field, "error.required")
		}
		return
	}
	if _, err := time.Parse(DateLayout, v); err != nil {
		f.Add(field, "residentunit.date_invalid")
	}
}

func (in *UnitAgreementInput) validate() errs.Fields {
	trim(&in.Title, &in.Content, &in.SignedOn, &in.StartsOn, &in.EndsOn)
	var f errs.Fields
	text(&f, "title", in.Title, maxName, true)
	text(&f, "content", in.Content, maxText, false)
	date(&f, "signed_on", in.SignedOn, true)
	date(&f, "starts_on", in.StartsOn, true)
	date(&f, "ends_on", in.EndsOn, false)
	if len(f) == 0 && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		f.Add("ends_on", "residentunit.ends_before_start")
	}
	return f
}

// UnitResource is a resource a unit opens to residents.
type UnitResource struct {
	ID           int64  `json:"id"`
	UnitID       int64  `json:"unit_id"`
	Unit         string `json:"unit"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Name         string `json:"name"`
	Kind         string `json:"kind" doc:"venue, parking, funds, services or other"`
	Serves       string `json:"serves" doc:"the kind of need it suits (the three lists' need kinds); empty: any"`
	Hours        string `json:"hours" doc:"when it is open, e.g. 周六、周日 9:00-17:00"`
	Capacity     int64  `json:"capacity" doc:"people or places; fen for funds"`
	Details      string `json:"details"`
	Contact      string `json:"contact,omitempty"`
	Active       bool   `json:"active"`
}

// UnitResourceInput is a resource a unit opens.
type UnitResourceInput struct {
	Name     string `json:"name" maxLength:"100"`
	Kind     string `json:"kind"`
	Serves   string `json:"serves,omitempty"`
	Hours    string `json:"hours,omitempty" maxLength:"100"`
	Capacity int64  `json:"capacity,omitempty"`
	Details  string `json:"details,omitempty" maxLength:"2000"`
	Contact  string `json:"contact,omitempty" maxLength:"50"`
}

func (in *UnitResourceInput) validate(serves []string) errs.Fields {
	trim(&in.Name, &in.Kind, &in.Serves, &in.Hours, &in.Details, &in.Contact)
	var f errs.Fields
	text(&f, "name", in.Name, maxName, true)
	oneOf(&f, "kind", in.Kind, ResourceKinds, true)
	if serves != nil {
		oneOf(&f, "serves", in.Serves, serves, false)
	}
	text(&f, "open_hours", in.Hours, 100, false)
	text(&f, "details", in.Details, maxText, false)
	text(&f, "contact", in.Contact, 50, false)
	if in.Capacity < 0 {
		f.Add("capacity", "error.negative")
	}
	return f
}

// Filter selects units.
type Filter struct {
	Q        string
	Division string
	Kind     string
	Page     int
	PerPage  int
}

func (f *Filter) check() error {
	trim(&f.Q, &f.Division, &f.Kind)
	var bad errs.Fields
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "residentunit.code_format")
	}
	oneOf(&bad, "kind", f.Kind, Kinds, false)
	text(&bad, "q", f.Q, 50, false)
	return bad.Err()
}
