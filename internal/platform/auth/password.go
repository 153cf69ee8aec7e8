package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/trustelem/zxcvbn"
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

// argonRuns counts the argon2 derivations CheckPassword ran, so a test can
// show that every refusal costs one (the timing would tell them apart
// otherwise) without timing anything.
var argonRuns atomic.Int64

// NoPassword is the stored hash of an account that has no password (a
// resident who signs in with codes until they choose one): it matches no
// password, after the same work as a real check.
const NoPassword = "!none"

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	argonRuns.Add(1)
	none := encoded == NoPassword
	if encoded == "" || none {
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
	return subtle.ConstantTimeCompare(got, want) == 1 && !none
}

// minGuessScore is the zxcvbn score a password must reach: 3 means it
// takes at least 10^8 guesses against zxcvbn's model, whose frequency
// lists hold the most common leaked passwords (xato's list), English words,
// names and keyboard patterns, so "Password123" (a common password with
// digits after it) scores 1.
const minGuessScore = 3

// guessRunes bounds the part of a password that zxcvbn estimates.
const guessRunes = 64

// ValidatePassword applies the password policy: at least 10 characters,
// with at least three of lower case, upper case, digits and symbols, and
// not a common or easily guessed one (zxcvbn's estimate, counting the
// account's own name and display name in userInputs as guessable).
func ValidatePassword(field, pw string, userInputs ...string) error {
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
	} else if Guessable(pw, userInputs...) {
		f.Add(field, "auth.password_common")
	}
	return f.Err()
}

// Guessable reports whether zxcvbn finds a password easy to guess: a
// common or breached password, a dictionary word or name with a few digits
// or symbols, a keyboard run, or the account's own name (userInputs).
//
// Only the first guessRunes characters are estimated: zxcvbn's matching
// grows faster than linearly with the length (a 256-character password took
// 0.7 s), and a password is never easier to guess than its prefix, so this
// only errs on the side of refusing.
func Guessable(pw string, userInputs ...string) bool {
	if r := []rune(pw); len(r) > guessRunes {
		pw = string(r[:guessRunes])
	}
	var in []string
	for _, s := range userInputs {
		if s = strings.TrimSpace(s); s != "" {
			in = append(in, strings.ToLower(s))
		}
	}
	return zxcvbn.PasswordStrength(pw, in).Score < minGuessScore
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
