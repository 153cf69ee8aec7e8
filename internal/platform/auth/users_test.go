package auth_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/pii"
)

const pw = "Test-Passw0rd-1"

func setup(t *testing.T) (*auth.Users, context.Context, *time.Time) {
	t.Helper()
	d := dbtest.Open(t)
	ctx := auth.With(context.Background(), auth.SystemPrincipal)
	for _, row := range [][]any{
		{"131100000000", "衡水市", 2, nil},
		{"131102000000", "桃城区", 3, "131100000000"},
		{"131103000000", "冀州区", 3, "131100000000"},
	} {
		if _, err := d.Writer().Exec(`INSERT INTO divisions (code, name, level, parent_code) VALUES ($1,$2,$3,$4)`, row...); err != nil {
			t.Fatal(err)
		}
	}
	u := auth.NewUsers(d, auth.NewSessions(d))
	ring, err := pii.New(make([]byte, pii.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	u.Secrets = ring
	now := time.Now().UTC()
	u.Now = func() time.Time { return now }
	if _, err := u.Create(ctx, auth.UserInput{Name: "officer", Role: auth.CountyStaff, AreaCode: "131102000000", Password: pw}); err != nil {
		t.Fatal(err)
	}
	return u, ctx, &now
}

func TestSuccessClearsFailures(t *testing.T) {
	t.Parallel()
	u, ctx, _ := setup(t)
	for round := 0; round < 2; round++ {
		for i := 0; i < auth.MaxFailedLogins-1; i++ {
			if _, err := u.Authenticate(ctx, "officer", "wrong"); errs.Code(err) != errs.EUNAUTHORIZED {
				t.Fatalf("round %d, failure %d: %v", round, i, err)
			}
		}
		if _, err := u.Authenticate(ctx, "officer", pw); err != nil {
			t.Fatalf("round %d: right password after %d failures: %v", round, auth.MaxFailedLogins-1, err)
		}
	}
	for i := 0; i < auth.MaxFailedLogins; i++ {
		_, err := u.Authenticate(ctx, "officer", "wrong")
		if i == auth.MaxFailedLogins-1 && (errs.Code(err) != errs.EUNAUTHORIZED || !errors.Is(err, auth.ErrLockedNow)) {
			t.Fatalf("fifth failure: %v, want EUNAUTHORIZED wrapping ErrLockedNow", err)
		}
	}
	if _, err := u.Authenticate(ctx, "officer", pw); errs.Code(err) != errs.EUNAUTHORIZED || !errors.Is(err, auth.ErrLockedHere) {
		t.Errorf("while locked: %v, want EUNAUTHORIZED wrapping ErrLockedHere", err)
	}
	x, err := u.Unlock(ctx, "officer")
	if err != nil || u.Locked(x) {
		t.Fatalf("unlock: %v", err)
	}
	if _, err := u.Authenticate(ctx, "officer", pw); err != nil {
		t.Errorf("after unlock: %v", err)
	}
}

func TestTOTPFailuresAndReplay(t *testing.T) {
	t.Parallel()
	u, ctx, now := setup(t)
	key, err := auth.NewTOTPKey("shequ", "officer")
	if err != nil {
		t.Fatal(err)
	}
	x, _ := u.ByName(ctx, "officer")
	uctx := auth.With(context.Background(), &auth.Principal{UserID: x.ID, Name: "officer", Role: auth.CountyStaff, Area: auth.AreaOf("131102000000", 3)})
	if err := u.EnableTOTP(uctx, key.Secret(), "12345"); errs.Code(err) != errs.EINVALID {
		t.Fatalf("malformed code: %v", err)
	}
	c0, _ := totp.GenerateCode(key.Secret(), *now)
	if err := u.EnableTOTP(uctx, key.Secret(), c0); err != nil {
		t.Fatal(err)
	}
	if err := u.VerifyTOTP(ctx, x.ID, c0); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Errorf("the enrolment code replayed: %v", err)
	}
	c1, _ := totp.GenerateCode(key.Secret(), now.Add(30*time.Second))
	if err := u.VerifyTOTP(ctx, x.ID, c1); err != nil {
		t.Fatalf("next code: %v", err)
	}
	if err := u.VerifyTOTP(ctx, x.ID, c1); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Errorf("a code used twice: %v", err)
	}
	c2, _ := totp.GenerateCode(key.Secret(), now.Add(2*time.Minute))
	if err := u.VerifyTOTP(ctx, x.ID, c2); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Errorf("a code four steps ahead: %v", err)
	}
	// A right password does not clear wrong codes when TOTP is on: signing
	// in again must not give an attacker five more guesses.
	if _, err := u.Authenticate(ctx, "officer", pw); err != nil {
		t.Fatal(err)
	}
	var err3 error
	for i := 0; i < 3; i++ {
		err3 = u.VerifyTOTP(ctx, x.ID, "000000")
	}
	if errs.Code(err3) != errs.ELOCKED {
		t.Errorf("fifth wrong code in all: %v, want ELOCKED", err3)
	}
	*now = now.Add(auth.LockoutFor + time.Minute)
	c3, _ := totp.GenerateCode(key.Secret(), *now)
	if err := u.VerifyTOTP(ctx, x.ID, c3); err != nil {
		t.Errorf("after the lock: %v", err)
	}
}

func TestMayManage(t *testing.T) {
	county := &auth.Principal{Role: auth.CountyStaff, Area: auth.AreaOf("131102000000", 3)}
	admin := &auth.Principal{Role: auth.Admin, Area: auth.AreaOf("131100000000", 2)}
	for _, tc := range []struct {
		p    *auth.Principal
		r    auth.Role
		area string
		want bool
	}{
		{admin, auth.Auditor, "131100000000", true},
		{admin, auth.Admin, "131103000000", true},
		{county, auth.TownshipStaff, "131102001000", true},
		{county, auth.HandlingUnit, "131102000000", true},
		{county, auth.Resident, "131102001045", true},
		{county, auth.CountyStaff, "131102000000", false},
		{county, auth.CityStaff, "131102000000", false},
		{county, auth.Auditor, "131102000000", false},
		{county, auth.TownshipStaff, "131103100000", false},
		{nil, auth.Resident, "131102001045", false},
	} {
		if got := auth.MayManage(tc.p, tc.r, tc.area); got != tc.want {
			t.Errorf("MayManage(%v, %s, %s) = %v", tc.p, tc.r, tc.area, got)
		}
	}
}

// TestCommonPasswordsRefused: passwords that meet the character classes
// but are common, leaked or built from the account's name are refused
// wherever a password is set; a long random one is checked quickly.
func TestCommonPasswordsRefused(t *testing.T) {
	t.Parallel()
	u, ctx, _ := setup(t)
	for _, p := range []string{"Password123", "P@ssw0rd2024", "Qwerty123456", "Iloveyou123"} {
		err := auth.ValidatePassword("password", p)
		if e := errs.As(err); errs.Code(err) != errs.EINVALID || len(e.Fields) != 1 || e.Fields[0].Key != "auth.password_common" {
			t.Errorf("%s: %v, want auth.password_common", p, err)
		}
	}
	if err := auth.ValidatePassword("password", "Liuzhiqiang-1"); err != nil {
		t.Fatalf("a fair password: %v", err)
	}
	if err := auth.ValidatePassword("password", "Liuzhiqiang-1", "liuzhiqiang"); errs.Code(err) != errs.EINVALID {
		t.Errorf("the account's own name as the password: %v", err)
	}
	if _, err := u.Create(ctx, auth.UserInput{Name: "clerk", Role: auth.CountyStaff, AreaCode: "131102000000", Password: "Password123"}); errs.Code(err) != errs.EINVALID {
		t.Errorf("create with Password123: %v", err)
	}
	if _, err := u.ResetPassword(ctx, "officer", "Password123"); errs.Code(err) != errs.EINVALID {
		t.Errorf("reset to Password123: %v", err)
	}
	x, _ := u.ByName(ctx, "officer")
	uctx := auth.With(context.Background(), &auth.Principal{UserID: x.ID, Name: "officer", Role: auth.CountyStaff, Area: auth.AreaOf("131102000000", 3)})
	if err := u.ChangePassword(uctx, pw, "Password123"); errs.Code(err) != errs.EINVALID {
		t.Errorf("change to Password123: %v", err)
	}
	for i := 0; i < 20; i++ {
		if g := auth.GeneratePassword(); auth.Guessable(g) {
			t.Errorf("a generated password is guessable: %s", g)
		}
	}
	// zxcvbn's time grows faster than the length: only the first runes
	// are estimated (BenchmarkValidateLongPassword), so a weak start
	// is refused whatever strong tail follows it.
	weakStart := strings.Repeat("password", auth.GuessRunes/8)
	if err := auth.ValidatePassword("password", weakStart+"-X7#qv9!Lm2@zR4$wT8%kB3"); errs.Code(err) != errs.EINVALID {
		t.Errorf("a weak start of %d runes with a strong tail: %v", auth.GuessRunes, err)
	}
	if err := auth.ValidatePassword("password", strings.Repeat("Ab1-", 64)); err == nil {
		t.Error("a password of one short run repeated to 256 characters was accepted")
	}
}

func BenchmarkValidateLongPassword(b *testing.B) {
	long := strings.Repeat("Ab1-", 64)
	for b.Loop() {
		_ = auth.ValidatePassword("password", long)
	}
}

// from is ctx with the principal of a sign-in attempt from client.
func from(client string) context.Context {
	return auth.With(context.Background(), &auth.Principal{Name: "officer", Role: "anonymous", Client: client})
}

// TestLockoutPerAddressAndThrottle: five wrong passwords lock the account
// from the attacker's address only; failures from many addresses turn on
// a throttle that spares the addresses the account signs in from; an
// unlock clears both.
func TestLockoutPerAddressAndThrottle(t *testing.T) {
	t.Parallel()
	u, ctx, now := setup(t)
	attacker, office := from("203.0.113.9"), from("198.51.100.7")
	if _, err := u.Authenticate(office, "officer", pw); err != nil {
		t.Fatalf("first sign-in from the office: %v", err)
	}
	for i := 1; i <= auth.MaxFailedLogins; i++ {
		_, err := u.Authenticate(attacker, "officer", "Wrong-Passw0rd-1")
		if errs.Code(err) != errs.EUNAUTHORIZED || errs.As(err).Key != "auth.bad_credentials" || errors.Is(err, auth.ErrLockedNow) != (i == auth.MaxFailedLogins) {
			t.Fatalf("attacker's failure %d: %v", i, err)
		}
	}
	if _, err := u.Authenticate(attacker, "officer", pw); !errors.Is(err, auth.ErrLockedHere) || errs.As(err).Key != "auth.bad_credentials" {
		t.Fatalf("the right password from the locked address: %v", err)
	}
	if _, err := u.Authenticate(office, "officer", pw); err != nil {
		t.Fatalf("the office while the attacker's address is locked: %v", err)
	}
	if _, err := u.Authenticate(from("192.0.2.1"), "officer", pw); err != nil {
		t.Fatalf("a new address while the attacker's is locked: %v", err)
	}

	// Failures from many addresses (fewer than five each) turn the
	// throttle on: 6 so far (the attempt refused for the lock counts), 14 more.
	for i := 0; i < auth.ThrottleAfter-auth.MaxFailedLogins-1; i++ {
		if _, err := u.Authenticate(from("192.0.2."+string(rune('a'+i/3))), "officer", "Wrong-Passw0rd-2"); errs.Code(err) != errs.EUNAUTHORIZED || errors.Is(err, auth.ErrLockedNow) {
			t.Fatalf("spread failure %d: %v", i, err)
		}
	}
	if _, err := u.Authenticate(from("192.0.2.200"), "officer", pw); err != nil {
		t.Fatalf("the throttle's one check of the minute: %v", err)
	}
	if _, err := u.Authenticate(from("192.0.2.201"), "officer", pw); !errors.Is(err, auth.ErrThrottled) || errs.As(err).Key != "auth.bad_credentials" {
		t.Fatalf("a second new address within the minute: %v, want throttled", err)
	}
	if _, err := u.Authenticate(office, "officer", pw); err != nil {
		t.Fatalf("the office under the throttle: %v", err)
	}
	if locked, err := u.LockedNames(ctx); err != nil || !locked["officer"] {
		t.Errorf("locked names: %v %v", locked, err)
	}
	*now = now.Add(auth.ThrottleEvery)
	if _, err := u.Authenticate(from("192.0.2.201"), "officer", pw); err != nil {
		t.Fatalf("a new address a minute later: %v", err)
	}

	if _, err := u.Unlock(ctx, "officer"); err != nil {
		t.Fatal(err)
	}
	if locked, _ := u.LockedNames(ctx); locked["officer"] {
		t.Error("still locked after the unlock")
	}
	if _, err := u.Authenticate(attacker, "officer", pw); err != nil {
		t.Fatalf("the attacker's address after the unlock: %v", err)
	}
	if _, err := u.Authenticate(from("192.0.2.202"), "officer", pw); err != nil {
		t.Fatalf("a new address after the unlock: %v", err)
	}

	// A lock ends by itself after FailureWindow.
	for i := 0; i < auth.MaxFailedLogins; i++ {
		_, _ = u.Authenticate(attacker, "officer", "Wrong-Passw0rd-3")
	}
	*now = now.Add(auth.FailureWindow - time.Minute)
	if _, err := u.Authenticate(attacker, "officer", pw); !errors.Is(err, auth.ErrLockedHere) {
		t.Fatalf("29 minutes into the lock: %v", err)
	}
	*now = now.Add(2 * time.Minute)
	if _, err := u.Authenticate(attacker, "officer", pw); err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	// The spread failures' rows are older than the window: purged; the
	// rows of the addresses that signed in, and the recent ones, stay.
	if n, err := u.PurgeSignInFailures(ctx); err != nil || n != 5 {
		t.Errorf("purge: %d %v, want the 5 spread addresses' rows", n, err)
	}
}

// TestRefusalsAlike: an unknown account, a locked one, a disabled one and
// a wrong password get the same error and take about as long (an argon2
// run each).
func TestRefusalsAlike(t *testing.T) {
	// Not parallel: it counts argon2 runs in a package-wide counter.
	u, ctx, _ := setup(t)
	if _, err := u.Create(ctx, auth.UserInput{Name: "locked", Role: auth.CountyStaff, AreaCode: "131102000000", Password: pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Create(ctx, auth.UserInput{Name: "gone", Role: auth.CountyStaff, AreaCode: "131102000000", Password: pw}); err != nil {
		t.Fatal(err)
	}
	if _, err := u.SetDisabled(ctx, "gone", true); err != nil {
		t.Fatal(err)
	}
	c := from("203.0.113.9")
	for i := 0; i < auth.MaxFailedLogins; i++ {
		_, _ = u.Authenticate(c, "locked", "Wrong-Passw0rd-1")
	}
	cases := []struct{ name, pw string }{{"officer", "Wrong-Passw0rd-1"}, {"nobody", pw}, {"locked", pw}, {"gone", pw}}
	for _, k := range cases {
		before := auth.ArgonRuns()
		_, err := u.Authenticate(c, k.name, k.pw)
		e := errs.As(err)
		if e.Code != errs.EUNAUTHORIZED || e.Key != "auth.bad_credentials" || len(e.Args) != 0 || errs.Status(err) != 401 {
			t.Errorf("%s: %v (%s %s %v), want the one refusal", k.name, err, e.Code, e.Key, e.Args)
		}
		// One argon2 run each, as for a wrong password, so the time taken
		// does not tell them apart either.
		if n := auth.ArgonRuns() - before; n != 1 {
			t.Errorf("%s: %d argon2 runs, want 1 as for a wrong password", k.name, n)
		}
	}
}

func TestRoleSets(t *testing.T) {
	for _, r := range auth.Roles {
		if slices.Contains(auth.AreaStaff(), r) != r.Staff() {
			t.Errorf("%s: in AreaStaff %v, Staff %v", r, slices.Contains(auth.AreaStaff(), r), r.Staff())
		}
		if slices.Contains(auth.OfficeStaff(), r) != (r.Staff() && r != auth.GridWorker) {
			t.Errorf("%s: in OfficeStaff %v", r, slices.Contains(auth.OfficeStaff(), r))
		}
	}
	a := auth.OfficeStaff()
	a[0] = auth.Admin
	if auth.OfficeStaff()[0] != auth.CommunityWorker {
		t.Error("a caller's copy changed the set")
	}
}
