package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"shequ/internal/platform/errs"
)

// argon2id parameters: OWASP's 19 MiB, 2 passes, 1 lane.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b.EncodeToString(salt), b.EncodeToString(key)), nil
}

// dummyHash is checked against when the account does not exist, so that the
// answer takes as long either way.
var dummyHash, _ = HashPassword("shequ-no-such-account")

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	if encoded == "" {
		encoded = dummyHash
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b := base64.RawStdEncoding
	salt, err1 := b.DecodeString(parts[4])
	want, err2 := b.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// ValidatePassword applies the password policy: at least 10 characters,
// with at least three of lower case, upper case, digits and symbols.
func ValidatePassword(field, pw string) error {
	var f errs.Fields
	classes := 0
	var lo, up, di, sy bool
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lo = true
		case unicode.IsUpper(r):
			up = true
		case unicode.IsDigit(r):
			di = true
		default:
			sy = true
		}
	}
	for _, b := range []bool{lo, up, di, sy} {
		if b {
			classes++
		}
	}
	if len([]rune(pw)) < 10 || classes < 3 {
		f.Add(field, "auth.password_policy")
	} else if len(pw) > 256 {
		f.Add(field, "error.too_long", 256)
	}
	return f.Err()
}

// RandomToken returns n random bytes, base64url encoded.
func RandomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how session ids and API tokens are stored: SHA-256, hex.
// They are 256-bit random values, so a fast hash is enough.
func HashToken(tok string) string {
	s := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(s[:])
}

// GeneratePassword makes a random password that passes the policy.
func GeneratePassword() string {
	const (
		lower  = "abcdefghijkmnopqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
	)
	all := lower + upper + digits
	b := make([]byte, 14)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		switch i {
		case 0:
			out[i] = upper[int(c)%len(upper)]
		case 1:
			out[i] = digits[int(c)%len(digits)]
		case 2:
			out[i] = lower[int(c)%len(lower)]
		default:
			out[i] = all[int(c)%len(all)]
		}
	}
	return string(out) + "-"
}
