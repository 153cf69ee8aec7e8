package apptest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"

	"golang.org/x/crypto/argon2"
)

// PasswordHash is Password's stored hash for the accounts the helpers make
// (User, PendingSession, VerifiedResident): argon2id in auth.HashPassword's
// format, at a test's cost (64 KiB, one pass) instead of the production
// 19 MiB and two passes. auth.CheckPassword reads the cost from the hash, so
// signing in runs the same code; it only costs less. Thousands of sign-ins
// a suite makes each derived a 19 MiB key before, and with the garbage they
// left that was a third of the scenario package's CPU. Tests of the
// password itself (policy, change, reset, the production cost) make their
// hashes through the app.
var PasswordHash = sync.OnceValue(func() string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	const memory, passes, lanes = 64, 1, 1
	key := argon2.IDKey([]byte(Password), salt, passes, memory, lanes, 32)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, memory, passes, lanes, b.EncodeToString(salt), b.EncodeToString(key))
})
