// Package requesttest writes requests straight into the tables the request
// slice keeps, for tests whose figures must be known by hand (the 三率,
// the proactive alerts), and signs in as an account of a role and area.
package requesttest

import (
	"context"
	"testing"
	"time"

	"shequ/internal/app/apptest"
	"shequ/internal/platform/auth"
)

// As is the context of the fixture account of a role in an area, with the
// area at its level.
func As(t testing.TB, e *apptest.Env, role auth.Role, area string) context.Context {
	t.Helper()
	acc, err := e.App.Users.ByName(e.Ctx, e.User(role, area))
	if err != nil {
		t.Fatal(err)
	}
	lvl := map[int]int{4: 2, 6: 3, 9: 4, 12: 5}
	n := 12
	for n > 0 && acc.AreaCode[n-1] == '0' {
		n--
	}
	for _, k := range []int{4, 6, 9, 12} {
		if n <= k {
			n = k
			break
		}
	}
	return auth.With(context.Background(), &auth.Principal{UserID: acc.ID, Name: acc.Name, Role: acc.Role, Area: auth.AreaOf(acc.AreaCode, lvl[n])})
}

// Fixture inserts rows straight into the tables the core keeps, so that
// the figures are known by hand; Cat is the category of the requests Add
// writes.
type Fixture struct {
	T   testing.TB
	E   *apptest.Env
	Cat string
}

// NewFixture adds the category cat ("测试类"+cat).
func NewFixture(t testing.TB, e *apptest.Env, cat string) *Fixture {
	f := &Fixture{T: t, E: e, Cat: cat}
	f.Exec(`INSERT INTO request_categories (code, name_zh, name_en, urgency, sort) VALUES ($1, $2, $3, 'general', 0)`, cat, "测试类"+cat, "Test "+cat)
	return f
}

// Exec runs a statement; the test fails on an error.
func (f *Fixture) Exec(q string, args ...any) {
	f.T.Helper()
	if _, err := f.E.App.DB.W(f.E.Ctx).ExecContext(f.E.Ctx, q, args...); err != nil {
		f.T.Fatalf("%s: %v", q, err)
	}
}

// Unit adds a handling unit (a department) in a division.
func (f *Fixture) Unit(name, code string) int64 {
	f.T.Helper()
	f.Exec(`INSERT INTO request_units (name, kind, division_code, active, created_at) VALUES ($1, 'department', $2, $3, $4)`, name, code, true, time.Now().UTC())
	var id int64
	if err := f.E.App.DB.Q(f.E.Ctx).QueryRowContext(f.E.Ctx, `SELECT id FROM request_units WHERE name = $1`, name).Scan(&id); err != nil {
		f.T.Fatal(err)
	}
	return id
}

// Req is one request: created at, deadlines after it, and what happened.
type Req struct {
	Code          string
	Created       time.Time
	RespondAfter  time.Duration // 0: not responded
	ResolveAfter  time.Duration // 0: not resolved
	ResolutionDue time.Duration // 0: 7 days
	Satisfaction  string
	Unit, First   int64
	Excluded      bool
}

func orNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func idOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Add writes requests of the fixture's category, then rebuilds the 三率
// summary they bypassed.
func (f *Fixture) Add(rs ...Req) {
	f.T.Helper()
	for _, r := range rs {
		var responded, resolved time.Time
		if r.RespondAfter > 0 {
			responded = r.Created.Add(r.RespondAfter)
		}
		if r.ResolveAfter > 0 {
			resolved = r.Created.Add(r.ResolveAfter)
		}
		due := r.ResolutionDue
		if due == 0 {
			due = 7 * 24 * time.Hour
		}
		f.Exec(`INSERT INTO requests (division_code, category_code, urgency, status, channel, title, description, unit_id, first_unit_id,
				response_due, resolution_due, responded_at, resolved_at, excluded, satisfaction, created_at, created_by, updated_at)
			VALUES ($1, $2, 'general', 'accepted', 'web', 't', 'd', $3, $4, $5, $6, $7, $8, $9, $10, $11, 'test', $11)`,
			r.Code, f.Cat, idOrNil(r.Unit), idOrNil(r.First), r.Created.Add(24*time.Hour), r.Created.Add(due), orNil(responded), orNil(resolved),
			r.Excluded, r.Satisfaction, r.Created)
	}
	f.Rebuild()
}

// Rebuild recounts the 三率 summary: the rows bypassed the service, which
// keeps it.
func (f *Fixture) Rebuild() {
	f.T.Helper()
	if err := f.E.App.RequestStats.RebuildSummary(f.E.Ctx); err != nil {
		f.T.Fatal(err)
	}
}
