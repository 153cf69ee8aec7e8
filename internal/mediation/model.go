// Package mediation is people's mediation (人民调解) and the legal services
// kept beside it at a community: mediation committees and their mediators
// (a worker of the community's roster or a named volunteer, with a term);
// cases with their parties (names, phones and ID numbers sealed), the
// mediators, a dated log of steps, the outcome (an agreement, 调解协议, with
// its terms, signing date and a scanned copy; or a failure with its
// referral), the callback (回访) and the closure by staff other than those
// who mediated it; legal advisers (法律顾问) and the log of their services;
// legal-literate villagers (法律明白人) and their training. A resident
// request in a dispute category can be opened as a case, which keeps the
// request's number. Figures per area count cases, agreements, agreements
// kept, communities with an adviser and legal-literate villagers.
package mediation

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"shequ/internal/division"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Kinds of dispute.
var Kinds = []string{"neighbours", "family", "land", "property", "labour", "damages", "other"}

// Case statuses: open while it is mediated; agreed or failed with the
// outcome; closed after review (an agreement after its callback).
const (
	Open   = "open"
	Agreed = "agreed"
	Failed = "failed"
	Closed = "closed"
)

// Statuses lists them.
var Statuses = []string{Open, Agreed, Failed, Closed}

// StepKinds are the kinds of a case's logged steps.
var StepKinds = []string{"session", "visit", "call", "other"}

// Referrals of a failed mediation.
var Referrals = []string{"court", "arbitration", "other"}

// ServiceKinds of a legal adviser's service.
var ServiceKinds = []string{"consultation", "lecture", "document_review", "mediation_support"}

// Limits of texts.
const (
	maxName    = 50
	maxText    = 2000
	maxCourse  = 100
	maxPeople  = 100000
	maxHours   = 200
	maxParties = 20
)

// Committee is a community's people's mediation committee.
type Committee struct {
	ID            int64      `json:"id"`
	CommunityCode string     `json:"community_code"`
	CommunityName string     `json:"community_name"`
	Name          string     `json:"name"`
	EstablishedOn string     `json:"established_on" doc:"YYYY-MM-DD"`
	Chair         string     `json:"chair"`
	Mediators     []Mediator `json:"mediators,omitempty"`
}

// Mediator is a member of a committee: a worker of the community's roster
// (worker_id) or a named volunteer.
type Mediator struct {
	ID            int64  `json:"id"`
	CommitteeID   int64  `json:"committee_id"`
	CommunityCode string `json:"community_code"`
	Name          string `json:"name"`
	WorkerID      *int64 `json:"worker_id,omitempty" doc:"the community worker this mediator is; absent for a volunteer"`
	TermFrom      string `json:"term_from" doc:"YYYY-MM-DD"`
	TermTo        string `json:"term_to" doc:"YYYY-MM-DD"`
}

// CommitteeInput adds a committee.
type CommitteeInput struct {
	CommunityCode string `json:"community_code"`
	Name          string `json:"name" maxLength:"100"`
	EstablishedOn string `json:"established_on" doc:"YYYY-MM-DD"`
	Chair         string `json:"chair" maxLength:"50"`
}

// MediatorInput adds a mediator: worker_id picks a worker of the
// community's roster (the name is the worker's), otherwise name is a
// volunteer's.
type MediatorInput struct {
	WorkerID int64  `json:"worker_id,omitempty" doc:"a worker in the committee's community"`
	Name     string `json:"name,omitempty" maxLength:"50" doc:"a volunteer's name, when worker_id is not given"`
	TermFrom string `json:"term_from" doc:"YYYY-MM-DD"`
	TermTo   string `json:"term_to" doc:"YYYY-MM-DD"`
}

// Party is a party to a case as a reader sees it: masked.
type CaseParty struct {
	ID       int64  `json:"id"`
	Name     string `json:"name" doc:"masked"`
	Phone    string `json:"phone" doc:"masked"`
	IDNumber string `json:"id_number" doc:"masked"`
}

// PartyInput is a party's personal data; it is sealed when stored.
type CasePartyInput struct {
	Name     string `json:"name" maxLength:"50"`
	Phone    string `json:"phone,omitempty" doc:"a mobile number"`
	IDNumber string `json:"id_number,omitempty" doc:"an 18-character resident ID number"`
}

// RevealedParty is a party's personal data unmasked.
type RevealedParty struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"`
}

// Step is a dated entry of a case's log.
type CaseStep struct {
	ID        int64  `json:"id"`
	On        string `json:"on" doc:"YYYY-MM-DD"`
	Kind      string `json:"kind" doc:"session, visit, call or other"`
	Note      string `json:"note"`
	CreatedBy string `json:"created_by"`
}

// StepInput logs a step.
type CaseStepInput struct {
	On   string `json:"on" doc:"YYYY-MM-DD"`
	Kind string `json:"kind" doc:"session, visit, call or other"`
	Note string `json:"note" maxLength:"2000"`
}

// Case is a mediation case.
type MediationCase struct {
	ID                int64       `json:"id"`
	CommunityCode     string      `json:"community_code"`
	CommunityName     string      `json:"community_name"`
	Kind              string      `json:"kind"`
	Summary           string      `json:"summary"`
	RequestID         *int64      `json:"request_id,omitempty" doc:"the resident request the case was opened from"`
	RequestNumber     string      `json:"request_number,omitempty"`
	Status            string      `json:"status" doc:"open, agreed, failed or closed"`
	AgreementTerms    string      `json:"agreement_terms,omitempty"`
	AgreementSignedOn string      `json:"agreement_signed_on,omitempty"`
	AgreementCopy     bool        `json:"agreement_copy" doc:"a scanned copy of the agreement is kept"`
	AgreementBy       string      `json:"agreement_by,omitempty"`
	Referral          string      `json:"referral,omitempty" doc:"court, arbitration or other, when mediation failed"`
	FailureNote       string      `json:"failure_note,omitempty"`
	CallbackOn        string      `json:"callback_on,omitempty"`
	CallbackKept      string      `json:"callback_kept,omitempty" doc:"yes or no once followed up"`
	CallbackNote      string      `json:"callback_note,omitempty"`
	ClosedOn          string      `json:"closed_on,omitempty"`
	ClosedBy          string      `json:"closed_by,omitempty"`
	Version           int         `json:"version"`
	CreatedAt         time.Time   `json:"created_at"`
	CreatedBy         string      `json:"created_by"`
	Parties           []CaseParty `json:"parties,omitempty" doc:"with one case, not in lists"`
	Mediators         []Mediator  `json:"mediators,omitempty"`
	Steps             []CaseStep  `json:"steps,omitempty"`

	agreementBlob *int64
}

// CaseInput opens a case.
type MediationCaseInput struct {
	CommunityCode string           `json:"community_code"`
	Kind          string           `json:"kind" doc:"neighbours, family, land, property, labour, damages or other"`
	Summary       string           `json:"summary" maxLength:"2000"`
	Parties       []CasePartyInput `json:"parties" maxItems:"20"`
	MediatorIDs   []int64          `json:"mediator_ids,omitempty" maxItems:"10" doc:"mediators of the case's community"`
}

// AgreementInput records an agreement (调解协议).
type AgreementInput struct {
	Terms    string `json:"terms" maxLength:"2000"`
	SignedOn string `json:"signed_on" doc:"YYYY-MM-DD"`
	Version  int    `json:"version,omitempty" doc:"when given, must match the case's (409 otherwise)"`
}

// FailureInput records a failed mediation and its referral.
type FailureInput struct {
	Referral string `json:"referral" doc:"court, arbitration or other"`
	Note     string `json:"note" maxLength:"2000"`
	Version  int    `json:"version,omitempty" doc:"when given, must match the case's (409 otherwise)"`
}

// CallbackInput records the callback (回访) of an agreement.
type CallbackInput struct {
	On      string `json:"on" doc:"YYYY-MM-DD, after the agreement was signed"`
	Kept    bool   `json:"kept"`
	Note    string `json:"note,omitempty" maxLength:"2000"`
	Version int    `json:"version,omitempty" doc:"when given, must match the case's (409 otherwise)"`
}

// Adviser is a community's legal adviser (法律顾问).
type Adviser struct {
	ID            int64  `json:"id"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	Name          string `json:"name"`
	Firm          string `json:"firm"`
	Phone         string `json:"phone" doc:"masked"`
	TermFrom      string `json:"term_from"`
	TermTo        string `json:"term_to"`
}

// AdviserInput adds an adviser.
type AdviserInput struct {
	CommunityCode string `json:"community_code"`
	Name          string `json:"name" maxLength:"50"`
	Firm          string `json:"firm" maxLength:"100"`
	Phone         string `json:"phone" doc:"a mobile or landline number"`
	TermFrom      string `json:"term_from"`
	TermTo        string `json:"term_to"`
}

// Service is an entry of an adviser's log.
type AdviserService struct {
	ID            int64  `json:"id"`
	AdviserID     int64  `json:"adviser_id"`
	AdviserName   string `json:"adviser_name"`
	CommunityCode string `json:"community_code"`
	CommunityName string `json:"community_name"`
	On            string `json:"on"`
	Kind          string `json:"kind" doc:"consultation, lecture, document_review or mediation_support"`
	People        int64  `json:"people" doc:"people served"`
	Note          string `json:"note"`
}

// ServiceInput logs an adviser's service.
type ServiceInput struct {
	On     string `json:"on"`
	Kind   string `json:"kind" doc:"consultation, lecture, document_review or mediation_support"`
	People int64  `json:"people"`
	Note   string `json:"note,omitempty" maxLength:"2000"`
}

// Literate is a legal-literate villager (法律明白人) with the training.
type Literate struct {
	ID            int64              `json:"id"`
	CommunityCode string             `json:"community_code"`
	CommunityName string             `json:"community_name"`
	Name          string             `json:"name"`
	Hours         int64              `json:"hours" doc:"hours of training in all"`
	Trainings     []LiterateTraining `json:"trainings,omitempty"`
}

// LiterateInput adds a legal-literate villager.
type LiterateInput struct {
	CommunityCode string `json:"community_code"`
	Name          string `json:"name" maxLength:"50"`
}

// Training is a training record of a legal-literate villager.
type LiterateTraining struct {
	ID     int64  `json:"id"`
	On     string `json:"on"`
	Course string `json:"course"`
	Hours  int64  `json:"hours"`
}

// TrainingInput records a training.
type LiterateTrainingInput struct {
	On     string `json:"on"`
	Course string `json:"course" maxLength:"100"`
	Hours  int64  `json:"hours"`
}

// Figures are the counts of an area.
type MediationFigures struct {
	Code               string `json:"code"`
	Name               string `json:"name"`
	Cases              int64  `json:"cases"`
	Agreements         int64  `json:"agreements"`
	AgreementsKept     int64  `json:"agreements_kept" doc:"agreements found kept at the callback"`
	CommunitiesAdvised int64  `json:"communities_with_adviser" doc:"communities with a legal adviser in term today"`
	LegalLiterates     int64  `json:"legal_literates"`
	DrillDown          bool   `json:"drill_down" doc:"the area has areas under it"`
}

// CaseFilter selects cases.
type CaseFilter struct {
	Division string
	Status   string
	Kind     string
	Q        string // part of the summary, or a request number
	// IDNumber finds the cases of a party by the blind index of a whole
	// ID number; Reason says why (platform/lookup: limited and audited).
	IDNumber string `json:"-"`
	Reason   string `json:"-"`
	Page     int
	PerPage  int
}

func (f *CaseFilter) check() error {
	var bad errs.Fields
	f.Q = strings.TrimSpace(f.Q)
	bad.MaxLen("q", f.Q, 50)
	if f.Division != "" && !division.ValidCode(f.Division) {
		bad.Add("division", "mediation.code_format")
	}
	bad.OneOf("status", f.Status, Statuses)
	bad.OneOf("kind", f.Kind, Kinds)
	return bad.Err()
}

// query checks a list's search text.
func query(q string) (string, error) {
	q = strings.TrimSpace(q)
	if len([]rune(q)) > 50 {
		return "", errs.Invalid(errs.Field("q", "error.too_long", 50))
	}
	return q, nil
}

// date checks a required date no later than today.
func date(bad *errs.Fields, field, v, today string) {
	switch {
	case v == "":
		bad.Add(field, "error.required")
	case !validDate(v):
		bad.Add(field, "mediation.date_invalid")
	case today != "" && v > today:
		bad.Add(field, "mediation.date_future")
	}
}

func validDate(v string) bool {
	_, err := time.Parse(DateLayout, v)
	return err == nil
}

// text checks a required text's length.
func text(bad *errs.Fields, field, v string, max int) {
	switch {
	case v == "":
		bad.Add(field, "error.required")
	case len([]rune(v)) > max:
		bad.Add(field, "error.too_long", max)
	}
}

func oneOf(bad *errs.Fields, field, v string, set []string) {
	switch {
	case v == "":
		bad.Add(field, "error.required")
	case !slices.Contains(set, v):
		bad.Add(field, "error.one_of", strings.Join(set, ", "))
	}
}

// term checks a term's dates.
func term(bad *errs.Fields, from, to string) {
	date(bad, "term_from", from, "")
	date(bad, "term_to", to, "")
	if validDate(from) && validDate(to) && to < from {
		bad.Add("term_to", "mediation.term_order")
	}
}

func (in *CommitteeInput) check(today string) errs.Fields {
	in.Name, in.Chair, in.EstablishedOn = strings.TrimSpace(in.Name), strings.TrimSpace(in.Chair), strings.TrimSpace(in.EstablishedOn)
	var bad errs.Fields
	text(&bad, "name", in.Name, 100)
	text(&bad, "chair", in.Chair, maxName)
	date(&bad, "established_on", in.EstablishedOn, today)
	return bad
}

func (in *CasePartyInput) check(i int) errs.Fields {
	in.Name, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone)
	in.IDNumber = strings.ToUpper(strings.TrimSpace(in.IDNumber))
	var bad errs.Fields
	text(&bad, "name", in.Name, maxName)
	if in.Phone != "" && !idcard.ValidMobile(in.Phone) {
		bad.Add("phone", "mediation.phone_invalid")
	}
	if in.IDNumber != "" && !idcard.Valid(in.IDNumber) {
		bad.Add("id_number", "mediation.id_number_invalid")
	}
	for j := range bad {
		bad[j].Row = i + 1
	}
	return bad
}

func (in *MediationCaseInput) check() errs.Fields {
	in.Summary, in.Kind = strings.TrimSpace(in.Summary), strings.TrimSpace(in.Kind)
	var bad errs.Fields
	if in.CommunityCode == "" {
		bad.Add("community_code", "error.required")
	}
	oneOf(&bad, "kind", in.Kind, Kinds)
	text(&bad, "summary", in.Summary, maxText)
	if len(in.Parties) > maxParties {
		bad.Add("parties", "mediation.too_many_parties", maxParties)
	}
	for i := range in.Parties {
		bad = append(bad, in.Parties[i].check(i)...)
	}
	return bad
}

// phoneRE is a mobile or landline number (0318-1234567, 13812345678).
var phoneRE = regexp.MustCompile(`^(1\d{10}|0\d{2,3}-?\d{7,8})$`)
