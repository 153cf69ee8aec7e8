// Package deliberation is 协商议事: topics (议题) raised by verified
// residents or workers and reviewed in their community, meetings with their
// electorate, quorum and majority rules kept as data, signed-in attendance,
// open and secret votes (online, and paper tallies with a witness),
// decisions published (公示) for a period with residents' objections, and
// the roster of people who chair and facilitate meetings (协商能人).
package deliberation

import (
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// Topic states.
const (
	Proposed = "proposed"
	Admitted = "admitted"
	Merged   = "merged"
	Declined = "declined"
)

// Where a topic came from.
var SourceKinds = []string{"need", "request_cluster", "visit_followup", "resident", "worker"}

// Meeting kinds: 村(居)民会议, 村(居)民代表会议, 议事协商会, 听证会.
var MeetingKinds = []string{"assembly", "representatives", "consultation", "hearing"}

// Modes of a meeting.
var Modes = []string{"offline", "online", "both"}

// Bases of an electorate: adults of the community, households, elected
// representatives, residents' group representatives, invited participants.
var Bases = []string{"adults", "households", "representatives", "group_representatives", "invited"}

// Meeting states.
const (
	Planned = "planned"
	Closed  = "closed"
)

// Vote states and choices.
const (
	Open    = "open"
	Yes     = "yes"
	No      = "no"
	Abstain = "abstain"
)

// DefaultShownDays is how long a decision is published (公示) by default.
const DefaultShownDays = 7

// Roles. Staff of a community or above review topics and run meetings
// (community_worker stands for the community's Party organisation); grid
// workers may raise topics and record attendance; city staff keep the rules.
var (
	ReadRoles   = auth.AreaStaff()
	StaffRoles  = auth.OfficeStaff()
	RaiseRoles  = append([]auth.Role{auth.Resident}, auth.AreaStaff()...)
	RuleRoles   = []auth.Role{auth.CityStaff}
	ResidentOps = []auth.Role{auth.Resident}
)

// Topic is a 议题.
type Topic struct {
	ID           int64      `json:"id"`
	DivisionCode string     `json:"division_code"`
	DivisionName string     `json:"division_name"`
	Title        string     `json:"title"`
	Body         string     `json:"body"`
	SourceKind   string     `json:"source_kind"`
	SourceRef    string     `json:"source_ref,omitempty"`
	ProposerID   int64      `json:"-"`
	ProposerName string     `json:"proposer_name"`
	Status       string     `json:"status"`
	Plan         string     `json:"plan,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	MergedInto   int64      `json:"merged_into,omitempty"`
	ReviewedBy   string     `json:"reviewed_by,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	Version      int        `json:"version"`
	CreatedAt    time.Time  `json:"created_at"`
}

// TopicInput raises a topic.
type TopicInput struct {
	DivisionCode string `json:"division_code,omitempty" doc:"the community (a resident's own community when empty)"`
	Title        string `json:"title" maxLength:"100"`
	Body         string `json:"body" maxLength:"4000"`
	SourceKind   string `json:"source_kind,omitempty" doc:"need, request_cluster, visit_followup, resident or worker; by the proposer's role when empty"`
	SourceRef    string `json:"source_ref,omitempty" maxLength:"100" doc:"the id or text of the record the topic comes from"`
}

// Review admits, merges or declines a topic.
type Review struct {
	Decision  string `json:"decision" enum:"admit,merge,decline"`
	Plan      string `json:"plan,omitempty" maxLength:"2000" doc:"admit: how it will be deliberated"`
	MergeInto int64  `json:"merge_into,omitempty" doc:"merge: the topic it joins"`
	Reason    string `json:"reason,omitempty" maxLength:"500" doc:"decline (and merge): the reason the proposer sees"`
	Version   int    `json:"version,omitempty" doc:"the version read; 0 to skip the check"`
}

// TopicFilter lists topics.
type TopicFilter struct {
	Division string
	Status   string
	Q        string
	Page     int
	PerPage  int
}

// Rule is a quorum and majority rule of a meeting kind in a community kind
// on an electorate's basis: quorum when present/electorate compares with
// QuorumNum/QuorumDen (strictly more when QuorumStrict, else at least);
// passed when yes/present compares with the majority fraction likewise.
type Rule struct {
	MeetingKind    string `json:"meeting_kind"`
	CommunityKind  string `json:"community_kind"`
	Basis          string `json:"basis"`
	QuorumNum      int64  `json:"quorum_num"`
	QuorumDen      int64  `json:"quorum_den"`
	QuorumStrict   bool   `json:"quorum_strict"`
	MajorityNum    int64  `json:"majority_num"`
	MajorityDen    int64  `json:"majority_den"`
	MajorityStrict bool   `json:"majority_strict"`
	Source         string `json:"source"`
	Version        int    `json:"version"`
}

// reaches reports whether part/whole reaches num/den, in exact integer
// arithmetic: part*den > whole*num when strict, >= otherwise.
func reaches(part, whole, num, den int64, strict bool) bool {
	if strict {
		return part*den > whole*num
	}
	return part*den >= whole*num
}

// Quorate reports whether present people make a quorum of electorate.
func (r Rule) Quorate(present, electorate int64) bool {
	return reaches(present, electorate, r.QuorumNum, r.QuorumDen, r.QuorumStrict)
}

// Passes reports whether yes votes carry a motion among present people.
func (r Rule) Passes(yes, present int64) bool {
	return present > 0 && reaches(yes, present, r.MajorityNum, r.MajorityDen, r.MajorityStrict)
}

// Needed is the least number present for a quorum of electorate.
func (r Rule) Needed(electorate int64) int64 {
	n := electorate * r.QuorumNum / r.QuorumDen
	for n > 0 && r.Quorate(n-1, electorate) {
		n--
	}
	for !r.Quorate(n, electorate) {
		n++
	}
	return n
}

func (r *Rule) validate() errs.Fields {
	var bad errs.Fields
	if r.QuorumDen <= 0 || r.QuorumNum < 0 || r.QuorumNum > r.QuorumDen {
		bad.Add("quorum_num", "deliberation.fraction")
	}
	if r.MajorityDen <= 0 || r.MajorityNum < 0 || r.MajorityNum > r.MajorityDen {
		bad.Add("majority_num", "deliberation.fraction")
	}
	if tooLong(r.Source, 200) {
		bad.Add("source", "error.too_long", 200)
	}
	return bad
}

// RulePatch changes a rule; nil fields stay.
type RulePatch struct {
	QuorumNum      *int64  `json:"quorum_num,omitempty"`
	QuorumDen      *int64  `json:"quorum_den,omitempty"`
	QuorumStrict   *bool   `json:"quorum_strict,omitempty"`
	MajorityNum    *int64  `json:"majority_num,omitempty"`
	MajorityDen    *int64  `json:"majority_den,omitempty"`
	MajorityStrict *bool   `json:"majority_strict,omitempty"`
	Source         *string `json:"source,omitempty"`
	Reason         string  `json:"reason" maxLength:"500" doc:"why the rule changes (audited)"`
	Version        int     `json:"version,omitempty"`
}

// Meeting is a meeting on a topic.
type Meeting struct {
	ID             int64     `json:"id"`
	TopicID        int64     `json:"topic_id"`
	DivisionCode   string    `json:"division_code"`
	Kind           string    `json:"kind"`
	Mode           string    `json:"mode"`
	Title          string    `json:"title"`
	Place          string    `json:"place,omitempty"`
	StartsAt       time.Time `json:"starts_at"`
	Chair          string    `json:"chair,omitempty"`
	Facilitator    string    `json:"facilitator,omitempty"`
	CommunityKind  string    `json:"community_kind"`
	Basis          string    `json:"basis"`
	Electorate     int64     `json:"electorate"`
	ElectorateNote string    `json:"electorate_note,omitempty"`
	Status         string    `json:"status"`
	Minutes        string    `json:"minutes,omitempty"`
	Version        int       `json:"version"`
	CreatedBy      string    `json:"created_by"`
	Present        int64     `json:"present"`
	Rule           *Rule     `json:"rule,omitempty"`
	Needed         int64     `json:"needed" doc:"the least number present for a quorum"`
	Quorate        bool      `json:"quorate"`
}

// MeetingInput plans a meeting.
type MeetingInput struct {
	TopicID     int64     `json:"topic_id"`
	Kind        string    `json:"kind" enum:"assembly,representatives,consultation,hearing"`
	Mode        string    `json:"mode" enum:"offline,online,both"`
	Title       string    `json:"title" maxLength:"100"`
	Place       string    `json:"place,omitempty" maxLength:"200"`
	StartsAt    time.Time `json:"starts_at"`
	Chair       string    `json:"chair,omitempty" maxLength:"50"`
	Facilitator string    `json:"facilitator,omitempty" maxLength:"50"`
	Basis       string    `json:"basis,omitempty" doc:"adults, households, representatives, group_representatives or invited; the kind's first when empty"`
	Electorate  *int64    `json:"electorate,omitempty" doc:"prefilled from the registry when left out"`
	Reason      string    `json:"reason,omitempty" maxLength:"500" doc:"why the electorate differs from the registry's figure"`
}

// ElectorateChange changes a meeting's electorate, with a reason.
type ElectorateChange struct {
	Basis      string `json:"basis,omitempty"`
	Electorate int64  `json:"electorate" minimum:"0"`
	Reason     string `json:"reason" maxLength:"500"`
	Version    int    `json:"version,omitempty"`
}

// Attendee is one person signed in.
type Attendee struct {
	UserID   int64     `json:"user_id,omitempty"`
	Name     string    `json:"name"`
	SignedBy string    `json:"signed_by"`
	At       time.Time `json:"at"`
}

// Vote is a motion put to the meeting.
type Vote struct {
	ID        int64      `json:"id"`
	MeetingID int64      `json:"meeting_id"`
	Motion    string     `json:"motion"`
	Secret    bool       `json:"secret"`
	Status    string     `json:"status"`
	OpenedBy  string     `json:"opened_by"`
	CreatedAt time.Time  `json:"created_at"`
	ClosedAt  *time.Time `json:"closed_at,omitempty"`
}

// Result is a vote's count with the quorum check.
type Result struct {
	Vote       Vote    `json:"vote"`
	Yes        int64   `json:"yes"`
	No         int64   `json:"no"`
	Abstain    int64   `json:"abstain"`
	Cast       int64   `json:"cast"`
	Present    int64   `json:"present"`
	Electorate int64   `json:"electorate"`
	Needed     int64   `json:"needed"`
	Quorate    bool    `json:"quorate"`
	Passed     bool    `json:"passed"`
	Rule       Rule    `json:"rule"`
	Tallies    []Tally `json:"tallies"`
	Ballots    []Named `json:"ballots,omitempty" doc:"an open ballot's named choices"`
}

// Named is a named choice of an open ballot.
type Named struct {
	Person string `json:"person"`
	Choice string `json:"choice"`
}

// Tally is a paper tally entered by a worker with a witness.
type Tally struct {
	ID         int64     `json:"id"`
	Yes        int64     `json:"yes" minimum:"0"`
	No         int64     `json:"no" minimum:"0"`
	Abstain    int64     `json:"abstain" minimum:"0"`
	RecordedBy string    `json:"recorded_by"`
	Witness    string    `json:"witness"`
	At         time.Time `json:"at"`
}

// Resolution is a meeting's decision (决议), published (公示) for a period.
type Resolution struct {
	ID           int64     `json:"id"`
	MeetingID    int64     `json:"meeting_id"`
	VoteID       int64     `json:"vote_id,omitempty"`
	DivisionCode string    `json:"division_code"`
	DivisionName string    `json:"division_name"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	ShownFrom    string    `json:"shown_from"`
	ShownUntil   string    `json:"shown_until"`
	ProjectID    int64     `json:"project_id,omitempty"`
	CreatedBy    string    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
	Objections   int64     `json:"objections"`
	Shown        bool      `json:"shown" doc:"within its publication period today"`
}

// DecisionInput publishes a decision.
type DecisionInput struct {
	VoteID int64  `json:"vote_id,omitempty" doc:"the vote that carried it (must have passed)"`
	Title  string `json:"title" maxLength:"100"`
	Body   string `json:"body" maxLength:"8000"`
	Days   int    `json:"days,omitempty" minimum:"0" maximum:"90" doc:"days published; 7 when 0"`
}

// Objection is a resident's objection to a published decision.
type Objection struct {
	ID         int64      `json:"id"`
	DecisionID int64      `json:"decision_id"`
	Body       string     `json:"body"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
}

// RosterEntry is one of the 协商能人: a person who chaired or facilitated meetings.
type RosterEntry struct {
	Name         string `json:"name"`
	DivisionCode string `json:"division_code"`
	DivisionName string `json:"division_name"`
	Chaired      int64  `json:"chaired"`
	Facilitated  int64  `json:"facilitated"`
	Last         string `json:"last" doc:"the date of the latest meeting"`
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

func oneOf(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// need adds a field error when a trimmed text is empty or too long.
func need(bad *errs.Fields, field, v string, max int) {
	switch {
	case strings.TrimSpace(v) == "":
		bad.Add(field, "error.required")
	case tooLong(v, max):
		bad.Add(field, "error.too_long", max)
	}
}
