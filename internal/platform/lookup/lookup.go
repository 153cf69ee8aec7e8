// Package lookup guards exact searches by sealed personal data: a list
// filtered by an ID number, a phone or an address found through its blind
// index. Such a search tells whether somebody with that number is
// registered, so left open it is an oracle: 8,345 calls of
// /api/v1/persons?phone=174XXXX3088 found a masked phone in 12 seconds. A
// search therefore takes whole values only (the slice checks them with
// WholeIDNumber and its phone rule; a partial value is EINVALID naming the
// field), needs a reason, is limited per account in the database (so that
// every node counts it) and is audited with its reason and the blind index
// of what was searched, never the value.
package lookup

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/ratelimit"
)

// PerWindow searches are allowed per account in Window (a burst of
// PerWindow, one back every Window/PerWindow): enough for a worker at a
// counter, far too few to walk the 10,000 numbers behind a masked phone.
const (
	PerWindow = 30
	Window    = 10 * time.Minute
	maxReason = 200
)

// Guard checks and records exact searches. It is safe for concurrent use.
type Guard struct {
	Limit *ratelimit.Limiter
	Audit *audit.Log
	Keys  *pii.Ring
}

// New makes a guard with the shared limit over the database's buckets.
func New(d *db.DB, a *audit.Log, keys *pii.Ring) *Guard {
	return &Guard{Limit: ratelimit.New(d, PerWindow, Window), Audit: a, Keys: keys}
}

// Term is one sealed field searched for: its name (id_number, phone,
// address) and its value as the slice indexes it.
type Term struct{ Field, Value string }

// WholeIDNumber normalises an ID number given for a search and reports
// whether it is a whole, valid one (a part of one is not).
func WholeIDNumber(s string, now time.Time) (string, bool) {
	info, reason := idcard.Parse(s, now)
	if reason != "" {
		return strings.ToUpper(strings.TrimSpace(s)), false
	}
	return info.Number, true
}

// CheckReason trims a search's reason and checks it: 2 to 200 characters,
// with no ID or mobile number in it (the audit log keeps it in the clear).
func CheckReason(reason string) (string, *errs.FieldError) {
	reason = strings.TrimSpace(reason)
	var f errs.FieldError
	switch ids, mobiles := idcard.FindInText([]byte(reason)); {
	case len([]rune(reason)) < 2:
		f = errs.Field("reason", "lookup.reason_required")
	case len([]rune(reason)) > maxReason:
		f = errs.Field("reason", "error.too_long", maxReason)
	case len(ids) > 0 || len(mobiles) > 0:
		f = errs.Field("reason", "lookup.reason_numbers")
	default:
		return reason, nil
	}
	return reason, &f
}

var errTooMany = errors.New("lookup: too many searches")

// Allow lets the caller in ctx run a search by terms, or refuses it. It
// checks the reason (EINVALID), takes one of the account's searches
// (ETOOMANY when none is left, the refusal audited) and writes the audit
// record: action (e.g. "person.search") on objectType, with the reason and
// each term's field and blind index. The system principal (CLI, jobs) is
// not limited. Terms must already be whole and valid.
func (g *Guard) Allow(ctx context.Context, action, objectType string, terms []Term, reason string) error {
	p := auth.From(ctx)
	if p == nil {
		return errs.E(errs.EUNAUTHORIZED, "error.unauthorized")
	}
	reason, bad := CheckReason(reason)
	if bad != nil {
		return errs.Invalid(*bad)
	}
	fields := map[string]string{}
	names := make([]string, 0, len(terms))
	for _, t := range terms {
		fields[t.Field] = "blind:" + g.Keys.Index(t.Value)
		names = append(names, t.Field)
	}
	sort.Strings(names)
	detail := map[string]any{"reason": reason, "fields": fields}
	err := g.Limit.DB.WithTx(ctx, func(ctx context.Context) error {
		if p.Role != auth.System {
			ok, err := g.Limit.Take(ctx, key(p))
			if err != nil {
				return err
			}
			if !ok {
				return errTooMany
			}
		}
		return g.Audit.Write(ctx, audit.Entry{Action: action, ObjectType: objectType, ObjectID: strings.Join(names, ","), Detail: detail})
	})
	if errors.Is(err, errTooMany) {
		detail["refused"] = "rate limit"
		_ = g.Audit.WriteAlone(ctx, audit.Entry{Action: action, ObjectType: objectType, ObjectID: strings.Join(names, ","),
			Result: audit.Denied, Detail: detail})
		return errs.E(errs.ETOOMANY, "lookup.too_many", int(Window/time.Minute), PerWindow)
	}
	return err
}

// key is the bucket of an account: one for all its exact searches in
// every slice, so that spreading them over slices gains nothing.
func key(p *auth.Principal) string {
	if p.UserID != 0 {
		return "sealed_search:user:" + strconv.FormatInt(p.UserID, 10)
	}
	return "sealed_search:name:" + p.Name
}
