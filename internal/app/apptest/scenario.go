package apptest

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

// Scenario is one API call and what must come back: a row of a route ×
// role × area matrix. Rows run as subtests named by Name, so
// `go test -run 'TestX/name'` runs one, and a failing row fails alone.
type Scenario struct {
	Name   string
	Method string
	Path   string
	Body   any       // sent as JSON when not nil
	Role   auth.Role // empty: no credentials
	Area   string
	// Pending runs the row as a browser session of Role in Area that has
	// this step still to take (PendingTOTP, PendingPassword) instead of
	// with a bearer token.
	Pending string

	Status      int
	Contains    []string
	NotContains []string
	// Location is the redirect the answer must carry, when set.
	Location string

	// Setup, when set, runs on the row's Env before the call: the state
	// this row needs that the others do not (an earlier call made, a
	// setting changed).
	Setup func(t testing.TB, e *Env)
	// Check, when set, runs after the answer passed the checks above: what
	// the call must have changed, read from the services.
	Check func(t testing.TB, e *Env, res *Response)
}

// Test runs the row on e (a view of e for t: see For) and reports to t.
func (s Scenario) Test(t testing.TB, e *Env) {
	t.Helper()
	e = e.For(t)
	if s.Setup != nil {
		s.Setup(t, e)
	}
	var res *Response
	if s.Pending != "" {
		res = e.PendingSession(s.Role, s.Area, s.Pending).Send(s.Method, s.Path, s.Body)
	} else {
		tok := ""
		if s.Role != "" {
			tok = e.Token(s.Role, s.Area)
		}
		res = e.API(s.Method, s.Path, tok, s.Body)
	}
	if res.StatusCode != s.Status {
		t.Errorf("%s %s as %s@%s: status %d, want %d: %.300s", s.Method, s.Path, s.Role, s.Area, res.StatusCode, s.Status, res.Body)
		return
	}
	if s.Location != "" && res.Header.Get("Location") != s.Location {
		t.Errorf("%s %s: sent to %q, want %q", s.Method, s.Path, res.Header.Get("Location"), s.Location)
	}
	for _, c := range s.Contains {
		if !strings.Contains(res.Body, c) {
			t.Errorf("%s %s: body lacks %q: %.2000s", s.Method, s.Path, c, res.Body)
		}
	}
	for _, c := range s.NotContains {
		if strings.Contains(res.Body, c) {
			t.Errorf("%s %s: body has forbidden %q: %.2000s", s.Method, s.Path, c, res.Body)
		}
	}
	if s.Check != nil && !t.Failed() {
		s.Check(t, e, res)
	}
}

// RunScenarios runs rows one after another on e, each as a subtest. The
// rows share e's database: for rows that change nothing (refusals, reads),
// or whose changes no later row reads. Rows that change what others read
// go through RunIsolated.
func RunScenarios(t *testing.T, e *Env, rows []Scenario) {
	t.Helper()
	for _, s := range rows {
		t.Run(s.Name, func(t *testing.T) { s.Test(t, e) })
	}
}

// RunIsolated runs the rows build returns, each as a subtest, on copies of
// the state build made: build runs once, on a new Env (the fixture
// loaded), making what the rows share (accounts, requests, units). A row
// that changes something (a Setup, or a call other than GET that must
// succeed) runs, in parallel with the others, on a copy of its own of that
// database, so its change reaches no other row. The other rows (reads and
// refusals, which must change nothing a row reads) run one after another
// on one more copy: starting an application costs more than a call, and a
// matrix is mostly refusals. The accounts and tokens of every row are made
// in build's database first, so that no row pays for a password hash.
func RunIsolated(t *testing.T, build func(t *testing.T, e *Env) []Scenario) {
	t.Helper()
	base := dbtest.Config(t)
	e := start(t, base, nil)
	if _, err := e.App.Divisions.ImportCSV(e.Ctx, strings.NewReader(Fixture), nil); err != nil {
		t.Fatal(err)
	}
	rows := build(t, e)
	for _, s := range rows {
		if s.Role != "" && s.Pending == "" {
			e.Token(s.Role, s.Area)
		}
	}
	// The copies are of a closed database: everything build wrote is in
	// the SQLite file (the log checkpointed) or on the server.
	if err := dbtest.Checkpoint(context.Background(), e.App.DB); err != nil {
		t.Fatal(err)
	}
	tokens := e.tokens
	if err := e.close(); err != nil {
		t.Fatal(err)
	}
	// The parallel rows run after this function returns, while other
	// tests start theirs: an application kept open until they end (the
	// reads') would be one of dozens in memory at once (1.1 GB of heap
	// in internal/app's tests before).
	var reads *Env
	for _, s := range rows {
		if s.Setup == nil && (s.Method == http.MethodGet || s.Status >= 400) {
			if reads == nil {
				reads = startCopy(t, base, tokens)
			}
			t.Run(s.Name, func(t *testing.T) { s.Test(t, reads) })
			continue
		}
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			s.Test(t, startCopy(t, base, tokens))
		})
	}
	if reads != nil {
		if err := reads.close(); err != nil {
			t.Error(err)
		}
	}
}

// startCopy starts an application on a copy of the (closed) database of
// cfg, with the tokens made there.
func startCopy(t *testing.T, cfg db.Config, tokens map[string]string) *Env {
	t.Helper()
	e := start(t, dbtest.Clone(t, cfg), nil)
	maps.Copy(e.tokens, tokens)
	return e
}

// After returns a Setup that first makes the calls of rows, in order (their
// own Setups first), checking their answers: for a row that reads or
// repeats what those calls did.
func After(rows ...Scenario) func(testing.TB, *Env) {
	return func(t testing.TB, e *Env) {
		t.Helper()
		for _, r := range rows {
			r.Test(t, e)
		}
	}
}

// Needs sets the Setup of the row of rows named name to After the rows
// named before (which must come earlier in rows, with any Setup they
// have): a matrix written in order says so for the rows that depend on
// that order. A name it does not find is a mistake in the test: it panics.
func Needs(rows []Scenario, name string, before ...string) {
	find := func(n string) int {
		for i := range rows {
			if rows[i].Name == n {
				return i
			}
		}
		panic("apptest.Needs: no row named " + n)
	}
	var deps []Scenario
	for _, b := range before {
		deps = append(deps, rows[find(b)])
	}
	i := find(name)
	if rows[i].Setup != nil {
		panic("apptest.Needs: row " + name + " has a Setup already")
	}
	rows[i].Setup = After(deps...)
}
