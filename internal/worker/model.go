// Package worker is the registry of community workers (社区工作者): who
// works in which village or community, in which post and since when, their
// flags (certified social worker, disaster information officer) and their
// training records. Phones and ID numbers are personal data: sealed at
// rest, masked on every screen and export. The slice keeps the measures of
// the plan's worker indicators in the transaction of every change.
package worker

import (
	"regexp"
	"slices"
	"strings"
	"time"

	"shequ/internal/platform/errs"
	"shequ/internal/platform/patch"
)

// Posts a worker may hold.
const (
	PartySecretary    = "party_secretary"
	CommitteeDirector = "committee_director"
)

// Posts lists every post, in display order.
var Posts = []string{PartySecretary, CommitteeDirector, "committee_member", "full_time_worker", "social_worker", "grid_worker"}

// IsLeader reports whether a post counts for the yearly rotation training
// (party secretaries and committee directors).
func IsLeader(post string) bool { return post == PartySecretary || post == CommitteeDirector }

// Levels of a training.
var Levels = []string{"provincial", "city", "district"}

// Statuses a list can filter by.
var Statuses = []string{"in_post", "left", "future"}

// DateLayout is how dates are written in storage, the API and forms.
const DateLayout = "2006-01-02"

// Worker is one community worker as a caller sees it: the phone and the ID
// number masked.
type Worker struct {
	ID                    int64      `json:"id"`
	CommunityCode         string     `json:"community_code"`
	CommunityName         string     `json:"community_name"`
	Name                  string     `json:"name"`
	Phone                 string     `json:"phone" doc:"masked: first 3 and last 4 characters"`
	IDNumber              string     `json:"id_number" doc:"masked: first 3 and last 4 characters; empty when not given"`
	Post                  string     `json:"post"`
	InPostFrom            string     `json:"in_post_from"`
	InPostTo              string     `json:"in_post_to" doc:"empty while in post"`
	CertifiedSocialWorker bool       `json:"certified_social_worker"`
	DisasterOfficer       bool       `json:"disaster_officer"`
	InPost                bool       `json:"in_post" doc:"in post today"`
	Version               int        `json:"version"`
	UpdatedAt             time.Time  `json:"updated_at"`
	UpdatedBy             string     `json:"updated_by"`
	Trainings             []Training `json:"trainings,omitempty"`
}

// Training is one training record of a worker.
type Training struct {
	ID       int64   `json:"id"`
	WorkerID int64   `json:"worker_id"`
	Course   string  `json:"course"`
	Hours    float64 `json:"hours"`
	Date     string  `json:"date"`
	Level    string  `json:"level"`
}

// WorkerPatch is a change to a worker, or a new worker: nil fields stay as they
// are (for a new worker, the required ones must be given). An empty
// in_post_to puts the worker back in post; an empty id_number removes it.
type WorkerPatch struct {
	CommunityCode         *string `json:"community_code,omitempty"`
	Name                  *string `json:"name,omitempty"`
	Phone                 *string `json:"phone,omitempty" doc:"a mobile (11 digits) or landline number"`
	IDNumber              *string `json:"id_number,omitempty" doc:"18-character resident ID number (GB 11643)"`
	Post                  *string `json:"post,omitempty"`
	InPostFrom            *string `json:"in_post_from,omitempty" doc:"YYYY-MM-DD"`
	InPostTo              *string `json:"in_post_to,omitempty" doc:"YYYY-MM-DD; setting it closes the worker's time in post"`
	CertifiedSocialWorker *bool   `json:"certified_social_worker,omitempty"`
	DisasterOfficer       *bool   `json:"disaster_officer,omitempty"`
	// Version, when given, must match the stored one (optimistic locking).
	Version *int `json:"version,omitempty"`
}

// record is a worker as stored, with the personal data in plaintext while
// the service works on it.
type record struct {
	ID                    int64
	CommunityCode         string
	Name                  string
	Phone                 string
	IDNumber              string
	Post                  string
	InPostFrom            string
	InPostTo              string
	CertifiedSocialWorker bool
	DisasterOfficer       bool
	Version               int
}

// apply returns r with the patch applied, texts trimmed.
func (p *WorkerPatch) apply(r record) record {
	patch.Text(&r.CommunityCode, p.CommunityCode)
	patch.Text(&r.Name, p.Name)
	patch.Text(&r.Phone, p.Phone)
	patch.Text(&r.IDNumber, p.IDNumber)
	patch.Text(&r.Post, p.Post)
	patch.Text(&r.InPostFrom, p.InPostFrom)
	patch.Text(&r.InPostTo, p.InPostTo)
	patch.Value(&r.CertifiedSocialWorker, p.CertifiedSocialWorker)
	patch.Value(&r.DisasterOfficer, p.DisasterOfficer)
	r.Phone = NormalizePhone(r.Phone)
	r.IDNumber = strings.ToUpper(r.IDNumber)
	return r
}

const maxName = 50

var (
	mobileRE   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
	idRE       = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)
)

// NormalizePhone drops spaces and a +86 prefix.
func NormalizePhone(s string) string {
	s = strings.NewReplacer(" ", "", "\u3000", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "+86")
	return s
}

// ValidPhone accepts a mainland mobile or landline number.
func ValidPhone(s string) bool { return mobileRE.MatchString(s) || landlineRE.MatchString(s) }

// ValidIDNumber checks an 18-character resident ID number: its form, its
// date of birth and its GB 11643 check character.
func ValidIDNumber(s string) bool {
	if !idRE.MatchString(s) {
		return false
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	return "10X98765432"[sum%11] == s[17]
}

// ValidDate reports whether s is a YYYY-MM-DD date.
func ValidDate(s string) bool {
	_, err := time.Parse(DateLayout, s)
	return err == nil
}

// validate checks a worker; the community's existence and area are the
// service's to check.
func (r *record) validate() errs.Fields {
	var f errs.Fields
	if r.CommunityCode == "" {
		f.Add("community_code", "error.required")
	}
	f.Text("name", r.Name, maxName)
	switch {
	case r.Phone == "":
		f.Add("phone", "error.required")
	case !ValidPhone(r.Phone):
		f.Add("phone", "worker.phone_invalid")
	}
	if r.IDNumber != "" && !ValidIDNumber(r.IDNumber) {
		f.Add("id_number", "worker.id_number_invalid")
	}
	f.Choice("post", r.Post, Posts)
	switch {
	case r.InPostFrom == "":
		f.Add("in_post_from", "error.required")
	case !ValidDate(r.InPostFrom):
		f.Add("in_post_from", "worker.date_invalid")
	}
	if r.InPostTo != "" {
		if !ValidDate(r.InPostTo) {
			f.Add("in_post_to", "worker.date_invalid")
		} else if ValidDate(r.InPostFrom) && r.InPostTo < r.InPostFrom {
			f.Add("in_post_to", "worker.to_before_from")
		}
	}
	return f
}

// inPostOn reports whether a worker is in post on a day (YYYY-MM-DD).
func inPostOn(from, to, day string) bool { return from <= day && (to == "" || to >= day) }

// inPostInYear reports whether a worker is in post at any time in a year.
func inPostInYear(from, to string, year string) bool {
	return from <= year+"-12-31" && (to == "" || to >= year+"-01-01")
}

// TrainingInput is a new training record.
type TrainingInput struct {
	Course string  `json:"course"`
	Hours  float64 `json:"hours"`
	Date   string  `json:"date" doc:"YYYY-MM-DD"`
	Level  string  `json:"level" doc:"provincial, city or district"`
}

func (t *TrainingInput) validate(today string) errs.Fields {
	var f errs.Fields
	t.Course = strings.TrimSpace(t.Course)
	t.Date = strings.TrimSpace(t.Date)
	switch {
	case t.Course == "":
		f.Add("course", "error.required")
	case len([]rune(t.Course)) > 100:
		f.Add("course", "error.too_long", 100)
	}
	if t.Hours <= 0 || t.Hours > 1000 {
		f.Add("hours", "worker.hours_range")
	}
	switch {
	case t.Date == "":
		f.Add("date", "error.required")
	case !ValidDate(t.Date):
		f.Add("date", "worker.date_invalid")
	case t.Date > today:
		f.Add("date", "worker.date_future")
	}
	if !slices.Contains(Levels, t.Level) {
		f.Add("level", "error.one_of", strings.Join(Levels, ", "))
	}
	return f
}

// Filter selects workers for a list or an export.
type Filter struct {
	Q        string // part of a name
	Division string // a division code: workers in communities at or under it
	Post     string
	Status   string // in_post, left, future; empty for all
	Phone    string `json:"-"` // exact and whole, found by blind index
	IDNumber string `json:"-"` // exact and whole, found by blind index
	Reason   string `json:"-"` // why Phone or IDNumber is searched; audited (platform/lookup)
	Page     int
	PerPage  int
}
