// Package property is property management (物业): the property companies
// (企业, a registry of their own: one company serves many compounds), the
// residential compounds (小区) of a community with their company and
// contract dates or self-management, owners' committees (业主委员会) per
// compound and property management committees (物业管理委员会) at a
// township or community, with members, terms and joint meetings (联席会议)
// and their resolutions. Residents rate their compound's property service
// through the rating slice (kind "property", the compound as subject), and
// file property requests that the request slice routes to the company's
// handling unit. Each company gets a yearly score across its compounds
// (score.go), which a county ranks.
package property

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/patch"
)

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Managements of a compound: by a property company, or by its owners
// themselves (自治管理).
const (
	ByCompany = "company"
	SelfRun   = "self"
)

// Managements lists them.
var Managements = []string{ByCompany, SelfRun}

// Committee kinds.
const (
	Owners     = "owners"     // 业主委员会, one compound
	Management = "management" // 物业管理委员会, a township or community
)

// Kinds lists the committee kinds.
var Kinds = []string{Owners, Management}

// Member roles.
var Roles = []string{"chair", "vice_chair", "member", "secretary"}

const (
	maxName    = 100
	maxAddress = 200
	maxText    = 2000
)

// PropertyCompany is a property company.
type PropertyCompany struct {
	ID           int64  `json:"id"`
	DivisionCode string `json:"division_code" doc:"where it is registered (a county, township or community)"`
	DivisionName string `json:"division_name"`
	Name         string `json:"name"`
	CreditCode   string `json:"credit_code" doc:"18-character unified social credit code (GB 32100-2015)"`
	// Contact and Phone are sealed at rest; masked unless the reader may
	// edit the company.
	Contact   string    `json:"contact"`
	Phone     string    `json:"phone"`
	UnitID    int64     `json:"unit_id,omitempty" doc:"the handling unit (request catalogue) property requests of its compounds go to; 0: none"`
	UnitName  string    `json:"unit_name,omitempty"`
	Compounds int64     `json:"compounds" doc:"compounds it serves"`
	Version   int       `json:"version"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

// PropertyCompanyPatch is a new company or a change to one; nil fields stay.
type PropertyCompanyPatch struct {
	DivisionCode *string `json:"division_code,omitempty"`
	Name         *string `json:"name,omitempty"`
	CreditCode   *string `json:"credit_code,omitempty"`
	Contact      *string `json:"contact,omitempty"`
	Phone        *string `json:"phone,omitempty" doc:"a mobile or landline number"`
	UnitID       *int64  `json:"unit_id,omitempty" doc:"a handling unit's id; 0 unlinks"`
	Version      *int    `json:"version,omitempty"`
}

func (p *PropertyCompanyPatch) apply(c PropertyCompany) PropertyCompany {
	patch.Text(&c.DivisionCode, p.DivisionCode)
	patch.Text(&c.Name, p.Name)
	patch.Text(&c.CreditCode, p.CreditCode)
	patch.Text(&c.Contact, p.Contact)
	patch.Text(&c.Phone, p.Phone)
	patch.Value(&c.UnitID, p.UnitID)
	c.CreditCode = strings.ToUpper(c.CreditCode)
	return c
}

func (c *PropertyCompany) validate() errs.Fields {
	var f errs.Fields
	if c.DivisionCode == "" {
		f.Add("division_code", "error.required")
	}
	text(&f, "name", c.Name, true, maxName)
	switch {
	case c.CreditCode == "":
		f.Add("credit_code", "error.required")
	case !ValidCreditCode(c.CreditCode):
		f.Add("credit_code", "property.credit_code_invalid")
	}
	text(&f, "contact", c.Contact, true, 50)
	switch {
	case c.Phone == "":
		f.Add("phone", "error.required")
	case !validPhone(c.Phone):
		f.Add("phone", "property.phone_invalid")
	}
	if c.UnitID < 0 {
		f.Add("unit_id", "property.unit_not_found")
	}
	return f
}

// validPhone accepts a mobile number or a landline (digits with an
// optional area code and dash, 7 to 13 digits).
func validPhone(s string) bool {
	if idcard.ValidMobile(s) {
		return true
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' && i > 0:
		default:
			return false
		}
	}
	return digits >= 7 && digits <= 13
}

// creditChars are the characters of a unified social credit code, each
// worth its position (GB 32100-2015: no I, O, Z, S, V).
const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// ValidCreditCode checks an 18-character unified social credit code and
// its check character.
func ValidCreditCode(code string) bool {
	if len(code) != 18 {
		return false
	}
	check, ok := CreditCheck(code[:17])
	return ok && code[17] == check
}

// CreditCheck is the check character of the first 17 characters of a
// unified social credit code (GB 32100-2015); false when one of them is
// not a code character.
func CreditCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	return creditChars[(31-sum%31)%31], true
}

// PropertyCompound is a residential compound (小区).
type PropertyCompound struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	Name          string    `json:"name"`
	Address       string    `json:"address"`
	Households    int64     `json:"households"`
	Buildings     int64     `json:"buildings"`
	Management    string    `json:"management" doc:"company or self"`
	CompanyID     int64     `json:"company_id,omitempty"`
	CompanyName   string    `json:"company_name,omitempty"`
	ContractStart string    `json:"contract_start" doc:"YYYY-MM-DD; with a company"`
	ContractEnd   string    `json:"contract_end" doc:"YYYY-MM-DD; with a company"`
	Version       int       `json:"version"`
	UpdatedAt     time.Time `json:"updated_at"`
	UpdatedBy     string    `json:"updated_by"`
}

// ContractEnded reports whether a company's contract has run out by today.
func (c *PropertyCompound) ContractEnded(today string) bool {
	return c.Management == ByCompany && c.ContractEnd != "" && c.ContractEnd < today
}

// PropertyCompoundPatch is a new compound or a change to one; nil fields stay.
// Self-management clears the company and its contract dates.
type PropertyCompoundPatch struct {
	CommunityCode *string `json:"community_code,omitempty"`
	Name          *string `json:"name,omitempty"`
	Address       *string `json:"address,omitempty"`
	Households    *int64  `json:"households,omitempty"`
	Buildings     *int64  `json:"buildings,omitempty"`
	Management    *string `json:"management,omitempty" doc:"company or self"`
	CompanyID     *int64  `json:"company_id,omitempty"`
	ContractStart *string `json:"contract_start,omitempty"`
	ContractEnd   *string `json:"contract_end,omitempty"`
	Version       *int    `json:"version,omitempty"`
}

func (p *PropertyCompoundPatch) apply(c PropertyCompound) PropertyCompound {
	patch.Text(&c.CommunityCode, p.CommunityCode)
	patch.Text(&c.Name, p.Name)
	patch.Text(&c.Address, p.Address)
	patch.Value(&c.Households, p.Households)
	patch.Value(&c.Buildings, p.Buildings)
	patch.Text(&c.Management, p.Management)
	patch.Value(&c.CompanyID, p.CompanyID)
	patch.Text(&c.ContractStart, p.ContractStart)
	patch.Text(&c.ContractEnd, p.ContractEnd)
	if c.Management == SelfRun {
		c.CompanyID, c.CompanyName, c.ContractStart, c.ContractEnd = 0, "", "", ""
	}
	return c
}

func (c *PropertyCompound) validate() errs.Fields {
	var f errs.Fields
	if c.CommunityCode == "" {
		f.Add("community_code", "error.required")
	} else if !division.ValidCode(c.CommunityCode) || division.LevelFromCode(c.CommunityCode) != division.Community {
		f.Add("community_code", "property.community_format")
	}
	text(&f, "name", c.Name, true, maxName)
	text(&f, "address", c.Address, false, maxAddress)
	count(&f, "households", c.Households, 100000)
	count(&f, "buildings", c.Buildings, 5000)
	switch {
	case c.Management == "":
		f.Add("management", "error.required")
	case !slices.Contains(Managements, c.Management):
		f.Add("management", "error.one_of", strings.Join(Managements, ", "))
	case c.Management == ByCompany:
		if c.CompanyID <= 0 {
			f.Add("company_id", "property.company_required")
		}
		okStart := date(&f, "contract_start", c.ContractStart, true)
		okEnd := date(&f, "contract_end", c.ContractEnd, true)
		if okStart && okEnd && c.ContractEnd < c.ContractStart {
			f.Add("contract_end", "property.end_before_start")
		}
	}
	return f
}

// PropertyCommittee is an owners' committee of a compound or a property
// management committee of a township or community, for one term.
type PropertyCommittee struct {
	ID           int64            `json:"id"`
	Kind         string           `json:"kind" doc:"owners or management"`
	DivisionCode string           `json:"division_code"`
	DivisionName string           `json:"division_name"`
	CompoundID   int64            `json:"compound_id,omitempty" doc:"owners' committees"`
	CompoundName string           `json:"compound_name,omitempty"`
	Name         string           `json:"name"`
	TermStart    string           `json:"term_start"`
	TermEnd      string           `json:"term_end"`
	TermEnded    bool             `json:"term_ended" doc:"the term is over: a new election (换届) is due"`
	Members      []PropertyMember `json:"members"`
}

// PropertyCommitteeInput is a new committee: an owners' committee names its
// compound, a management committee its township or community.
type PropertyCommitteeInput struct {
	Kind         string `json:"kind" enum:"owners,management"`
	CompoundID   int64  `json:"compound_id,omitempty"`
	DivisionCode string `json:"division_code,omitempty" doc:"management committees: a township or community"`
	Name         string `json:"name" maxLength:"100"`
	TermStart    string `json:"term_start" doc:"YYYY-MM-DD"`
	TermEnd      string `json:"term_end" doc:"YYYY-MM-DD"`
}

func (in *PropertyCommitteeInput) check() errs.Fields {
	var f errs.Fields
	in.Kind, in.Name, in.DivisionCode = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Name), strings.TrimSpace(in.DivisionCode)
	in.TermStart, in.TermEnd = strings.TrimSpace(in.TermStart), strings.TrimSpace(in.TermEnd)
	switch in.Kind {
	case Owners:
		if in.CompoundID <= 0 {
			f.Add("compound_id", "error.required")
		}
	case Management:
		lvl := 0
		if division.ValidCode(in.DivisionCode) {
			lvl = division.LevelFromCode(in.DivisionCode)
		}
		if lvl != division.Township && lvl != division.Community {
			f.Add("division_code", "property.management_level")
		}
	default:
		f.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	text(&f, "name", in.Name, true, maxName)
	okStart := date(&f, "term_start", in.TermStart, true)
	okEnd := date(&f, "term_end", in.TermEnd, true)
	if okStart && okEnd && in.TermEnd <= in.TermStart {
		f.Add("term_end", "property.end_before_start")
	}
	return f
}

// PropertyMember is a committee member.
type PropertyMember struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Role string `json:"role" doc:"chair, vice_chair, member or secretary"`
}

// PropertyMemberInput is a new member.
type PropertyMemberInput struct {
	Name string `json:"name" maxLength:"50"`
	Role string `json:"role" enum:"chair,vice_chair,member,secretary"`
}

func (in *PropertyMemberInput) check() errs.Fields {
	var f errs.Fields
	in.Name, in.Role = strings.TrimSpace(in.Name), strings.TrimSpace(in.Role)
	text(&f, "name", in.Name, true, 50)
	if !slices.Contains(Roles, in.Role) {
		f.Add("role", "error.one_of", strings.Join(Roles, ", "))
	}
	return f
}

// PropertyMeeting is a joint meeting (联席会议) of a management committee.
type PropertyMeeting struct {
	ID            int64  `json:"id"`
	CommitteeID   int64  `json:"committee_id"`
	CommitteeName string `json:"committee_name"`
	DivisionCode  string `json:"division_code"`
	HeldOn        string `json:"meeting_date"`
	Topic         string `json:"topic"`
	Attendees     string `json:"attendees"`
	Resolutions   string `json:"resolutions"`
	CreatedBy     string `json:"created_by"`
}

// PropertyMeetingInput is the record of a joint meeting.
type PropertyMeetingInput struct {
	HeldOn      string `json:"meeting_date" doc:"YYYY-MM-DD, not in the future"`
	Topic       string `json:"topic" maxLength:"100"`
	Attendees   string `json:"attendees,omitempty" maxLength:"2000" doc:"who attended: members, the companies, departments"`
	Resolutions string `json:"resolutions" maxLength:"2000"`
}

func (in *PropertyMeetingInput) check(today string) errs.Fields {
	var f errs.Fields
	in.HeldOn, in.Topic = strings.TrimSpace(in.HeldOn), strings.TrimSpace(in.Topic)
	in.Attendees, in.Resolutions = strings.TrimSpace(in.Attendees), strings.TrimSpace(in.Resolutions)
	if date(&f, "meeting_date", in.HeldOn, true) && in.HeldOn > today {
		f.Add("meeting_date", "property.date_future")
	}
	text(&f, "topic", in.Topic, true, maxName)
	text(&f, "attendees", in.Attendees, false, maxText)
	text(&f, "resolutions", in.Resolutions, true, maxText)
	return f
}

// Filter selects companies, compounds or committees.
type Filter struct {
	Q          string // part of a name (or an exact credit code)
	Division   string // at or under this division
	Kind       string // committees: owners or management
	CompoundID int64  // committees: of this compound
	Page       int
	PerPage    int
}

func (f *Filter) check() error {
	var bad errs.Fields
	f.Q, f.Division = strings.TrimSpace(f.Q), strings.TrimSpace(f.Division)
	if utf8.RuneCountInString(f.Q) > 50 {
		bad.Add("q", "error.too_long", 50)
	}
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "property.code_format")
	}
	if f.Kind != "" && !slices.Contains(Kinds, f.Kind) {
		bad.Add("kind", "error.one_of", strings.Join(Kinds, ", "))
	}
	return bad.Err()
}

func text(f *errs.Fields, field, v string, required bool, max int) {
	switch {
	case v == "" && required:
		f.Add(field, "error.required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "error.too_long", max)
	}
}

func count(f *errs.Fields, field string, v, max int64) {
	switch {
	case v < 0:
		f.Add(field, "error.negative")
	case v > max:
		f.Add(field, "property.too_many", max)
	}
}

// date checks a YYYY-MM-DD date; it reports whether it is one.
func date(f *errs.Fields, field, v string, required bool) bool {
	if v == "" {
		if required {
			f.Add(field, "error.required")
		}
		return false
	}
	if _, err := time.Parse(DateLayout, v); err != nil {
		f.Add(field, "property.date_invalid")
		return false
	}
	return true
}
