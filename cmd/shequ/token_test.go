package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestTokenListAndRevoke: an operator sees every API token without its
// secret and revokes one by its id; both are audited; an admin's password
// reset revokes all of an account's tokens.
func TestTokenListAndRevoke(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	c.ok(password+"\n", []string{"user", "add"}, "--name", "alice", "--role", "township_staff", "--area", township, "--password-stdin")
	c.ok(password+"\n", []string{"user", "add"}, "--name", "bob", "--role", "township_staff", "--area", township, "--password-stdin")
	t1 := strings.TrimSpace(c.ok("", []string{"token", "create"}, "--user", "alice"))
	t2 := strings.TrimSpace(c.ok("", []string{"token", "create"}, "--user", "alice"))
	t3 := strings.TrimSpace(c.ok("", []string{"token", "create"}, "--user", "bob"))
	a := c.open()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	get := func(tok string) int { return bearerStatus(t, srv.URL+"/api/v1/divisions/"+township, tok) }
	if get(t1) != http.StatusOK {
		t.Fatal("token 1 refused")
	}

	out := c.ok("", []string{"token", "list"})
	for _, tok := range []string{t1, t2, t3} {
		if strings.Contains(out, tok) || strings.Contains(out, strings.TrimPrefix(tok, "shq_")) {
			t.Fatalf("token list shows a secret:\n%s", out)
		}
	}
	row := regexp.MustCompile(`(?m)^(\d+)\s+(\S+)\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+(\S+(?: \S+)?)\s+(\S+)$`)
	rows := row.FindAllStringSubmatch(out, -1)
	if len(rows) != 3 || rows[0][2] != "alice" || rows[2][2] != "bob" || rows[0][4] != "live" {
		t.Fatalf("token list:\n%s", out)
	}
	if rows[0][3] == "-" || rows[1][3] != "-" {
		t.Errorf("last use: token 1 was used, token 2 not:\n%s", out)
	}
	if out := c.ok("", []string{"token", "list"}, "--user", "bob"); strings.Contains(out, "alice") || !strings.Contains(out, "bob") {
		t.Errorf("token list --user bob:\n%s", out)
	}
	if _, err := c.run("", []string{"token", "list"}, "--user", "nobody"); err == nil {
		t.Error("token list of an unknown account succeeded")
	}

	id1 := rows[0][1]
	if out := c.ok("", []string{"token", "revoke"}, id1); out != "revoked token "+id1+" of alice\n" {
		t.Errorf("revoke: %q", out)
	}
	if st := get(t1); st != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", st)
	}
	if get(t2) != http.StatusOK || get(t3) != http.StatusOK {
		t.Error("revoking one token stopped another")
	}
	if out := c.ok("", []string{"token", "list"}, "--user", "alice"); !strings.Contains(out, "revoked") {
		t.Errorf("the list does not show the revoked token:\n%s", out)
	}
	for _, args := range [][]string{{"999999"}, {"x"}, {}} {
		if _, err := c.run("", []string{"token", "revoke"}, args...); err == nil {
			t.Errorf("token revoke %v succeeded", args)
		}
	}

	// An admin's reset of the password revokes the account's other tokens.
	out = c.ok("", []string{"user", "reset-password"}, "alice")
	if !strings.Contains(out, "API tokens are revoked") {
		t.Errorf("reset-password: %q", out)
	}
	if st := get(t2); st != http.StatusUnauthorized {
		t.Errorf("a token of alice after the reset: %d", st)
	}
	if get(t3) != http.StatusOK {
		t.Error("the reset of alice revoked bob's token")
	}

	ctx := context.Background()
	for action, want := range map[string]int{"token.list": 3, "token.revoke": 1} {
		var n int
		if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND actor_name = 'system' AND result = 'ok'`, action).Scan(&n); err != nil || n != want {
			t.Errorf("%s audited %d times, want %d (%v)", action, n, want, err)
		}
	}
}
