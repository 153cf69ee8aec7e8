package main

import (
	"context"
	"errors"
	"testing"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/errs"
)

// TestUserUnlockAndResetTOTP: the way back in for an admin who is locked
// out or lost the phone, from the server's shell.
func TestUserUnlockAndResetTOTP(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	c.ok(password+"\n", []string{"user", "add"}, "--name", "carol", "--role", "admin", "--area", township, "--password-stdin")
	a := c.open()
	ctx := context.Background()
	for i := 0; i < auth.MaxFailedLogins; i++ {
		_, _ = a.Users.Authenticate(ctx, "carol", "wrong")
	}
	if _, err := a.Users.Authenticate(ctx, "carol", password); errs.Code(err) != errs.EUNAUTHORIZED || !errors.Is(err, auth.ErrLockedHere) {
		t.Fatalf("not locked: %v", err)
	}
	if out := c.ok("", []string{"user", "unlock"}, "carol"); out != "unlock: done for carol\n" {
		t.Fatalf("unlock: %q", out)
	}
	if _, err := a.Users.Authenticate(ctx, "carol", password); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	u, _ := a.Users.ByName(auth.With(ctx, auth.SystemPrincipal), "carol")
	if err := a.Users.SetTOTP(ctx, u.ID, "v1:sealed", true); err != nil {
		t.Fatal(err)
	}
	c.ok("", []string{"user", "reset-totp"}, "carol")
	if u, _ := a.Users.ByName(auth.With(ctx, auth.SystemPrincipal), "carol"); u.TOTPEnabled {
		t.Error("TOTP still on after reset-totp")
	}
	if _, err := c.run("", []string{"user", "reset-totp"}, "nobody"); err == nil {
		t.Error("reset-totp of an unknown account succeeded")
	}
	for _, action := range []string{"user.unlock", "user.reset_totp"} {
		var n int
		if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND object_id = 'carol' AND actor_name = 'system'`, action).Scan(&n); err != nil || n != 1 {
			t.Errorf("%s audited %d times (%v)", action, n, err)
		}
	}
}
