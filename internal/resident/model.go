// Package resident is the front door for residents: they sign themselves
// up with a mobile number and a one-time SMS code, choose their community
// with the division picker, sign in with a code instead of a password, and
// recover their account the same way; workers of the community confirm
// that they live there (认证居民), which later votes rely on.
//
// The account itself is an auth user of role resident at the community;
// this slice keeps beside it the sealed mobile number (with a blind index:
// one account per number), the optional sealed ID number and the
// verification state. Codes are kept only as keyed hashes.
package resident

import (
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// Verification states.
const (
	Unverified = "unverified"
	Verified   = "verified"
	Refused    = "refused"
)

// Statuses lists the states, in queue order.
var Statuses = []string{Unverified, Verified, Refused}

// Purposes of a one-time code.
const (
	PurposeSignUp  = "signup"
	PurposeSignIn  = "signin"
	PurposeRecover = "recover"
)

// Purposes lists them.
var Purposes = []string{PurposeSignUp, PurposeSignIn, PurposeRecover}

// Code rules: 6 digits, 5 minutes, 5 tries.
const (
	CodeDigits   = 6
	CodeValidFor = 5 * time.Minute
	CodeTries    = 5
)

// Limits on sending codes: per number and per client address, over an
// hour, shared by every node (platform/ratelimit).
const (
	CodesPerPhone  = 5
	CodesPerClient = 30
	CodeWindow     = time.Hour
)

// VerifyRoles see the queue of their area's sign-ups and decide them.
var VerifyRoles = []auth.Role{auth.CommunityWorker, auth.TownshipStaff}

// Resident is a self-registered resident as a worker (and the resident)
// sees them: numbers masked.
type Resident struct {
	UserID        int64      `json:"id"`
	Name          string     `json:"name" doc:"the account's login name"`
	DisplayName   string     `json:"display_name"`
	CommunityCode string     `json:"community_code"`
	CommunityPath string     `json:"community_path"`
	Phone         string     `json:"phone" doc:"masked"`
	IDNumber      string     `json:"id_number,omitempty" doc:"masked; empty when none was given"`
	Status        string     `json:"status" enum:"unverified,verified,refused"`
	Reason        string     `json:"reason,omitempty" doc:"why residence was not confirmed"`
	DecidedBy     string     `json:"decided_by,omitempty"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	// SMS is the resident's own choice to get their messages by SMS too,
	// at the number they signed up with; set on their own record only.
	SMS *bool `json:"sms,omitempty" doc:"the caller's own record only: messages also by SMS to the number signed up with"`
}

// SignUp is what a resident gives to sign up.
type SignUp struct {
	Phone       string `json:"phone" doc:"11-digit mainland mobile number" maxLength:"20"`
	Code        string `json:"sms_code" doc:"the 6-digit code sent to it (purpose signup)" maxLength:"10"`
	DisplayName string `json:"display_name" doc:"how the resident is called" maxLength:"100"`
	Community   string `json:"community" doc:"12-digit code of the village or community (see /api/v1/divisions/search)" maxLength:"12"`
	IDNumber    string `json:"id_number,omitempty" doc:"optional: the 18-character resident ID number (GB 11643)" maxLength:"30"`
	Password    string `json:"password,omitempty" doc:"optional: a password for signing in without a code" maxLength:"200"`
}

// NormalPhone strips what people type around a mobile number (spaces,
// dashes, +86); "" when the rest is not one.
func NormalPhone(s string) string {
	s = strings.NewReplacer(" ", "", "-", "", "\u00a0", "").Replace(strings.TrimSpace(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "+86"), "0086")
	if !idcard.ValidMobile(s) {
		return ""
	}
	return s
}

// validate checks the fields a resident typed, all at once, and returns
// them cleaned. The community is checked by the service (it reads the
// tree).
func (in SignUp) validate(now time.Time) (SignUp, errs.Fields) {
	var f errs.Fields
	out := in
	if out.Phone = NormalPhone(in.Phone); out.Phone == "" {
		f.Add("phone", "resident.phone_format")
	}
	out.Code = strings.TrimSpace(in.Code)
	if len(out.Code) != CodeDigits || strings.Trim(out.Code, "0123456789") != "" {
		f.Add("sms_code", "resident.code_format")
	}
	out.DisplayName = strings.TrimSpace(in.DisplayName)
	switch n := utf8.RuneCountInString(out.DisplayName); {
	case n == 0:
		f.Add("display_name", "error.required")
	case n > 32:
		f.Add("display_name", "error.too_long", 32)
	}
	out.Community = strings.TrimSpace(in.Community)
	if out.Community == "" {
		f.Add("community", "division.pick_a_community")
	}
	out.IDNumber = strings.ToUpper(strings.TrimSpace(in.IDNumber))
	if out.IDNumber != "" {
		if _, reason := idcard.Parse(out.IDNumber, now); reason != "" {
			f.Add("id_number", reason)
		}
	}
	if in.Password != "" {
		if err := auth.ValidatePassword("password", in.Password, out.DisplayName); err != nil {
			f = append(f, errs.As(err).Fields...)
		}
	}
	return out, f
}
