// Package auditlog is the auditor's side of the audit log (三权分立): search,
// Excel export and chain verification, for the auditor role and nobody else.
package auditlog

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/calendar"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/i18n"
)

// Query is a search as typed: the web form's and the API's parameters.
type Query struct {
	Actor      string `json:"actor,omitempty"`
	Action     string `json:"action,omitempty"`
	ObjectType string `json:"object_type,omitempty"`
	ObjectID   string `json:"object_id,omitempty"`
	Result     string `json:"result,omitempty"`
	From       string `json:"from,omitempty"`
	To         string `json:"to,omitempty"`
	Page       int    `json:"-"`
	PerPage    int    `json:"-"`
}

// Field limits; longer values cannot match anything that is stored.
const (
	maxActor      = 64
	maxAction     = 100
	maxObjectType = 50
	maxObjectID   = 200
)

// Filter checks q and turns it into the log's filter. Dates (2006-01-02)
// are days in Asia/Shanghai; "to" includes its whole day. RFC 3339 times
// are taken as they are, "to" exclusive. Errors: EINVALID naming each bad
// field.
func (q Query) Filter() (audit.Filter, error) {
	var f errs.Fields
	trim := func(s string) string { return strings.TrimSpace(s) }
	out := audit.Filter{Actor: trim(q.Actor), Action: trim(q.Action), ObjectType: trim(q.ObjectType),
		ObjectID: trim(q.ObjectID), Result: trim(q.Result), Page: q.Page, PerPage: q.PerPage}
	long := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			f.Add(field, "error.too_long", max)
		}
	}
	long("actor", out.Actor, maxActor)
	long("action", out.Action, maxAction)
	long("object_type", out.ObjectType, maxObjectType)
	long("object_id", out.ObjectID, maxObjectID)
	if out.ObjectID != "" && out.ObjectType == "" {
		// The index is on (object_type, object_id); an id alone is ambiguous too.
		f.Add("object_type", "auditlog.object_type_needed")
	}
	if out.Result != "" && !slices.Contains(audit.Results, out.Result) {
		f.Add("result", "error.one_of", strings.Join(audit.Results, ", "))
	}
	var ok bool
	if out.From, ok = parseTime(q.From, false); !ok {
		f.Add("from", "auditlog.bad_time")
	}
	if out.To, ok = parseTime(q.To, true); !ok {
		f.Add("to", "auditlog.bad_time")
	}
	if !out.From.IsZero() && !out.To.IsZero() && !out.To.After(out.From) {
		f.Add("to", "auditlog.to_before_from")
	}
	out.Page, out.PerPage = db.Paging(out.Page, out.PerPage)
	return out, f.Err()
}

// parseTime reads a day in Asia/Shanghai or an RFC 3339 time; end moves a
// day to the start of the next one, so that "to" includes it.
func parseTime(s string, end bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true
	}
	if d, err := time.ParseInLocation("2006-01-02", s, calendar.China); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d.UTC(), true
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), true
	}
	return time.Time{}, false
}

// Row is a record as the auditor's screen shows it.
type Row struct {
	audit.Record
	Local       string // time in Asia/Shanghai
	RoleLabel   string
	ActionLabel string // the action's name in the reader's language
	ResultLabel string
	Detail      Detail
}

// Detail is a record's detail JSON made readable: the fields a change
// touched with their values before and after, other keys as pairs, or the
// text itself when it is not a JSON object.
type Detail struct {
	Changes []Change
	Pairs   []Pair
	Raw     string
}

// Change is one field of a before/after detail.
type Change struct {
	Field, Before, After string
	Changed              bool
}

// Pair is one key of a detail object.
type Pair struct{ Key, Value string }

// Empty reports whether there is nothing to show.
func (d Detail) Empty() bool { return len(d.Changes) == 0 && len(d.Pairs) == 0 && d.Raw == "" }

const localLayout = "2006-01-02 15:04:05"

// rowOf prepares a record for the screen in lang.
func rowOf(lang string, r audit.Record) Row {
	return Row{Record: r, Local: r.At.In(calendar.China).Format(localLayout), RoleLabel: roleLabel(lang, r.Role),
		ActionLabel: actionLabel(lang, r.Action), ResultLabel: resultLabel(lang, r.Result), Detail: parseDetail(r.Detail)}
}

func roleLabel(lang, role string) string {
	if _, ok := i18n.Lookup("role." + role); ok {
		return i18n.T(lang, "role."+role)
	}
	if role == "anonymous" {
		return i18n.T(lang, "auditlog.anonymous")
	}
	return role
}

func resultLabel(lang, result string) string {
	if slices.Contains(audit.Results, result) {
		return i18n.T(lang, "auditlog.result."+result)
	}
	return result
}

func parseDetail(s string) Detail {
	if strings.TrimSpace(s) == "" {
		return Detail{}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return Detail{Raw: s}
	}
	var d Detail
	var before, after map[string]json.RawMessage
	if json.Unmarshal(m["before"], &before) == nil && json.Unmarshal(m["after"], &after) == nil && before != nil && after != nil {
		keys := map[string]bool{}
		for k := range before {
			keys[k] = true
		}
		for k := range after {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			b, a := text(before[k]), text(after[k])
			d.Changes = append(d.Changes, Change{Field: k, Before: b, After: a, Changed: b != a})
		}
		delete(m, "before")
		delete(m, "after")
	}
	ks := map[string]bool{}
	for k := range m {
		ks[k] = true
	}
	for _, k := range sortedKeys(ks) {
		d.Pairs = append(d.Pairs, Pair{Key: k, Value: text(m[k])})
	}
	return d
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// text shows a JSON value: strings without quotes, others compact.
func text(v json.RawMessage) string {
	if len(v) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}

// actionKey is the message key of an audit action's name.
func actionKey(action string) string { return "auditlog.act." + action }

// actionLabel names an action in lang, or gives it as written when it has
// no name (an action of an older version).
func actionLabel(lang, action string) string {
	if _, ok := i18n.Lookup(actionKey(action)); ok {
		return i18n.T(lang, actionKey(action))
	}
	return action
}
