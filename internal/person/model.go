// Package person is the people registry (人员信息库): the residents that the
// community looks after, the special groups they belong to (elderly people
// with special difficulties, left-behind children, children in difficulty,
// people with disabilities, the priority employment group), each membership
// with a start, an end and a recorded basis. ID numbers, phones and
// addresses are personal data: sealed at rest, found by exact value through
// their blind index, masked on every list and export, and shown unmasked
// only to a role with the reveal permission, with a typed reason, audited.
// Birth date and sex come from the ID number and are kept plain, so that
// ages and group counts need no decryption.
package person

import (
	"slices"
	"sort"
	"strings"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/lookup"
	"shequ/internal/platform/patch"
)

// Groups a person may belong to.
const (
	GroupElderly       = "elderly_special"     // 特殊困难老年人
	GroupLeftBehind    = "left_behind_child"   // 留守儿童
	GroupChildDiff     = "child_in_difficulty" // 困境儿童
	GroupDisability    = "disability"          // 残疾人
	GroupPriorityEmpl  = "priority_employment" // 就业重点群体
	DateLayout         = "2006-01-02"
	maxName, maxText   = 50, 500
	maxBasis, maxGroup = 200, 10
)

// Groups lists every group, in display order.
var Groups = []string{GroupElderly, GroupLeftBehind, GroupChildDiff, GroupDisability, GroupPriorityEmpl}

// ElderlyKinds are the sub-kinds of the elderly group; a membership names
// at least one.
var ElderlyKinds = []string{"living_alone", "empty_nest", "disabled", "aged_80_plus", "subsistence", "extreme_poverty", "lost_only_child"}

// DisabilityCategories and DisabilityGrades describe a disability (the
// categories and grades of the disability certificate, 残疾人证).
var (
	DisabilityCategories = []string{"visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"}
	DisabilityGrades     = []string{"1", "2", "3", "4"}
)

// Sexes derived from the ID number.
const (
	Male   = "male"
	Female = "female"
)

// Person is a person as a caller sees it: ID number, phones and address
// masked.
type Person struct {
	ID            int64        `json:"id"`
	CommunityCode string       `json:"community_code"`
	CommunityName string       `json:"community_name"`
	Name          string       `json:"name"`
	IDNumber      string       `json:"id_number" doc:"masked: only the last 2 characters show"`
	Sex           string       `json:"sex" doc:"male or female, from the ID number"`
	Age           int          `json:"age" doc:"from the ID number's birth date, which shows only with the unmasked number (reveal)"`
	Phone         string       `json:"phone" doc:"masked"`
	Address       string       `json:"address" doc:"masked"`
	Household     string       `json:"household" doc:"household members: relation and name"`
	ContactName   string       `json:"contact_name"`
	ContactPhone  string       `json:"contact_phone" doc:"masked"`
	Groups        []Membership `json:"groups"`
	Version       int          `json:"version"`
	UpdatedAt     time.Time    `json:"updated_at"`
	UpdatedBy     string       `json:"updated_by"`
}

// Membership is a person's time in a group.
type Membership struct {
	Group    string   `json:"group" enum:"elderly_special,left_behind_child,child_in_difficulty,disability,priority_employment"`
	Kinds    []string `json:"kinds,omitempty" doc:"elderly group only: living_alone, empty_nest, disabled, aged_80_plus, subsistence, extreme_poverty, lost_only_child"`
	Category string   `json:"category,omitempty" doc:"disability only: visual, hearing, speech, physical, intellectual, mental, multiple"`
	Grade    string   `json:"grade,omitempty" doc:"disability only: 1 to 4"`
	Start    string   `json:"start" doc:"YYYY-MM-DD"`
	End      string   `json:"end,omitempty" doc:"YYYY-MM-DD; empty while the membership lasts"`
	Basis    string   `json:"basis" doc:"why the person is in the group (a certificate, a decision, a visit)"`
	Current  bool     `json:"current" readOnly:"true" doc:"in the group today"`
}

// CurrentOn reports whether the membership holds on a day.
func (m *Membership) CurrentOn(day string) bool {
	return m.Start <= day && (m.End == "" || m.End >= day)
}

// PersonPatch is a change to a person, or a new person: nil fields stay as they
// are (for a new person, the required ones must be given). Groups, when
// given, replaces the person's memberships as a whole.
type PersonPatch struct {
	CommunityCode *string       `json:"community_code,omitempty"`
	Name          *string       `json:"name,omitempty"`
	IDNumber      *string       `json:"id_number,omitempty" doc:"18-character resident ID number (GB 11643)"`
	Phone         *string       `json:"phone,omitempty" doc:"a mobile (11 digits) or landline number"`
	Address       *string       `json:"address,omitempty"`
	Household     *string       `json:"household,omitempty"`
	ContactName   *string       `json:"contact_name,omitempty"`
	ContactPhone  *string       `json:"contact_phone,omitempty"`
	Groups        *[]Membership `json:"groups,omitempty"`
	// Version, when given, must match the stored one (optimistic locking).
	Version *int `json:"version,omitempty"`
}

// Patch is the name other slices' code knew PersonPatch by first.
type Patch = PersonPatch

// RevealedPerson is a person's personal data unmasked. The birth date is
// here, not in Person: next to the community's code and the masked number
// it would give most of the number back.
type RevealedPerson struct {
	ID           int64  `json:"id"`
	IDNumber     string `json:"id_number"`
	BirthDate    string `json:"birth_date" doc:"from the ID number"`
	Phone        string `json:"phone"`
	Address      string `json:"address"`
	ContactPhone string `json:"contact_phone"`
}

// Member is one person of a group, for other slices (visits).
type Member struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	CommunityCode string `json:"community_code"`
}

// record is a person as stored, personal data in plaintext while the
// service works on it.
type record struct {
	ID            int64
	CommunityCode string
	Name          string
	IDNumber      string
	Phone         string
	Address       string
	Household     string
	ContactName   string
	ContactPhone  string
	Groups        []Membership
	Version       int
	// Derived from the ID number by validate.
	BirthDate string
	Sex       string
}

// apply returns r with the patch applied, texts trimmed.
func (p *PersonPatch) apply(r record) record {
	patch.Text(&r.CommunityCode, p.CommunityCode)
	patch.Text(&r.Name, p.Name)
	patch.Text(&r.IDNumber, p.IDNumber)
	patch.Text(&r.Phone, p.Phone)
	patch.Text(&r.Address, p.Address)
	patch.Text(&r.Household, p.Household)
	patch.Text(&r.ContactName, p.ContactName)
	patch.Text(&r.ContactPhone, p.ContactPhone)
	if p.Groups != nil {
		r.Groups = slices.Clone(*p.Groups)
	}
	r.normalize()
	return r
}

// normalize trims and orders what a record holds.
func (r *record) normalize() {
	r.IDNumber = strings.ToUpper(r.IDNumber)
	r.Phone, r.ContactPhone = NormalizePhone(r.Phone), NormalizePhone(r.ContactPhone)
	for i := range r.Groups {
		g := &r.Groups[i]
		g.Group, g.Start, g.End = strings.TrimSpace(g.Group), strings.TrimSpace(g.Start), strings.TrimSpace(g.End)
		g.Basis, g.Category, g.Grade = strings.TrimSpace(g.Basis), strings.TrimSpace(g.Category), strings.TrimSpace(g.Grade)
		var ks []string
		for _, k := range g.Kinds {
			if k = strings.TrimSpace(k); k != "" && !slices.Contains(ks, k) {
				ks = append(ks, k)
			}
		}
		sort.Slice(ks, func(a, b int) bool { return slices.Index(ElderlyKinds, ks[a]) < slices.Index(ElderlyKinds, ks[b]) })
		g.Kinds = ks
		g.Current = false
	}
	sort.SliceStable(r.Groups, func(a, b int) bool {
		ga, gb := r.Groups[a], r.Groups[b]
		if ga.Group != gb.Group {
			return slices.Index(Groups, ga.Group) < slices.Index(Groups, gb.Group)
		}
		return ga.Start < gb.Start
	})
}

// phoneSpaces drops the spaces of a phone number; built once, as a
// Replacer builds its tables on first use (an import calls this twice a row).
var phoneSpaces = strings.NewReplacer(" ", "", "\u3000", "")

// NormalizePhone drops spaces and a +86 prefix.
func NormalizePhone(s string) string {
	s = phoneSpaces.Replace(strings.TrimSpace(s))
	return strings.TrimPrefix(s, "+86")
}

// ValidPhone accepts a mainland mobile or a landline with its area code.
func ValidPhone(s string) bool {
	if idcard.ValidMobile(s) {
		return true
	}
	d := strings.Replace(s, "-", "", 1)
	if len(d) < 10 || len(d) > 12 || d[0] != '0' {
		return false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ValidDate reports whether s is a YYYY-MM-DD date.
func ValidDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// plainText reports a free-text field that holds an ID number or a mobile
// number: those belong in the sealed fields, never in plain text.
func plainText(s string) bool {
	ids, mobiles := idcard.FindInText([]byte(s))
	return len(ids) > 0 || len(mobiles) > 0
}

// validate checks a record and derives its birth date and sex; the
// community's existence and area are the service's to check. today bounds
// birth dates.
func (r *record) validate(now time.Time) errs.Fields {
	var f errs.Fields
	if r.CommunityCode == "" {
		f.Add("community_code", "error.required")
	}
	f.Text("name", r.Name, maxName)
	if r.IDNumber == "" {
		f.Add("id_number", "error.required")
	} else if info, reason := idcard.Parse(r.IDNumber, now); reason != "" {
		f.Add("id_number", reason)
	} else {
		r.IDNumber = info.Number
		r.BirthDate = info.Birth.Format(DateLayout)
		r.Sex = Male
		if info.Female {
			r.Sex = Female
		}
	}
	if r.Phone != "" && !ValidPhone(r.Phone) {
		f.Add("phone", "person.phone_invalid")
	}
	if r.ContactPhone != "" && !ValidPhone(r.ContactPhone) {
		f.Add("contact_phone", "person.phone_invalid")
	}
	f.MaxLen("address", r.Address, maxText)
	for _, t := range []struct {
		field, v string
		max      int
	}{{"household", r.Household, maxText}, {"contact_name", r.ContactName, maxName}, {"name", r.Name, maxName}} {
		if len([]rune(t.v)) > t.max {
			if t.field != "name" {
				f.Add(t.field, "error.too_long", t.max)
			}
		} else if plainText(t.v) {
			f.Add(t.field, "person.no_numbers")
		}
	}
	if r.ContactPhone != "" && r.ContactName == "" {
		f.Add("contact_name", "error.required")
	}
	if len(r.Groups) > maxGroup {
		f.Add("groups", "error.too_long", maxGroup)
	}
	for i := range r.Groups {
		validateMembership(&r.Groups[i], &f)
	}
	// The same group twice must not overlap in time.
	for i := range r.Groups {
		for j := i + 1; j < len(r.Groups); j++ {
			a, b := &r.Groups[i], &r.Groups[j]
			if a.Group == b.Group && overlap(a, b) {
				f.Add("group", "person.group_overlap")
			}
		}
	}
	return f
}

func validateMembership(g *Membership, f *errs.Fields) {
	if !slices.Contains(Groups, g.Group) {
		f.Add("group", "error.one_of", strings.Join(Groups, ", "))
		return
	}
	if g.Group == GroupElderly {
		if len(g.Kinds) == 0 {
			f.Add("kinds", "error.required")
		}
		for _, k := range g.Kinds {
			if !slices.Contains(ElderlyKinds, k) {
				f.Add("kinds", "error.one_of", strings.Join(ElderlyKinds, ", "))
				break
			}
		}
	} else if len(g.Kinds) > 0 {
		f.Add("kinds", "person.kinds_elderly_only")
	}
	if g.Group == GroupDisability {
		if !slices.Contains(DisabilityCategories, g.Category) {
			f.Add("category", "error.one_of", strings.Join(DisabilityCategories, ", "))
		}
		if !slices.Contains(DisabilityGrades, g.Grade) {
			f.Add("grade", "error.one_of", strings.Join(DisabilityGrades, ", "))
		}
	} else if g.Category != "" || g.Grade != "" {
		f.Add("category", "person.category_disability_only")
	}
	switch {
	case g.Start == "":
		f.Add("start", "error.required")
	case !ValidDate(g.Start):
		f.Add("start", "person.date_invalid")
	}
	if g.End != "" {
		if !ValidDate(g.End) {
			f.Add("end", "person.date_invalid")
		} else if g.End < g.Start {
			f.Add("end", "person.end_before_start")
		}
	}
	switch {
	case g.Basis == "":
		f.Add("basis", "error.required")
	case len([]rune(g.Basis)) > maxBasis:
		f.Add("basis", "error.too_long", maxBasis)
	case plainText(g.Basis):
		f.Add("basis", "person.no_numbers")
	}
}

func overlap(a, b *Membership) bool {
	aEnd, bEnd := a.End, b.End
	if aEnd == "" {
		aEnd = "9999-12-31"
	}
	if bEnd == "" {
		bEnd = "9999-12-31"
	}
	return a.Start <= bEnd && b.Start <= aEnd
}

// ageOn is the age in whole years on a day, from a YYYY-MM-DD birth date.
func ageOn(birth, day string) int {
	if len(birth) != 10 || len(day) != 10 {
		return 0
	}
	by, dy := atoi(birth[:4]), atoi(day[:4])
	a := dy - by
	if day[5:] < birth[5:] {
		a--
	}
	return a
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Filter selects people for a list or an export. A search by a sealed
// field (ID number, phone, address) takes the whole value and a reason, is
// limited per account and audited (platform/lookup); those fields never
// go into an audit record in the clear (json "-"), only their blind index.
type Filter struct {
	Q         string // part of a name
	Community string // a division code: people in communities at or under it
	Group     string // current members of a group
	IDNumber  string `json:"-"` // exact and whole, by blind index
	Phone     string `json:"-"` // exact and whole, by blind index
	Address   string `json:"-"` // exact (as registered, spaces at the ends aside), by blind index
	Reason    string `json:"-"` // why the sealed fields are searched; in the search's audit record
	Page      int
	PerPage   int
}

// terms are the sealed fields the filter searches by, checked and
// normalised by check.
func (f *Filter) terms() []lookup.Term {
	var out []lookup.Term
	for _, t := range []lookup.Term{{Field: "id_number", Value: f.IDNumber}, {Field: "phone", Value: f.Phone}, {Field: "address", Value: f.Address}} {
		if t.Value != "" {
			out = append(out, t)
		}
	}
	return out
}
