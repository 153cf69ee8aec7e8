package certificate

import (
	"crypto/rand"
	"strings"
)

// A certificate number is 16 characters of Crockford's base32 in groups of
// four (7K3M-Q9XD-2HFA-W8RT): 80 random bits, so that numbers cannot be
// guessed from one another, and an alphabet without I, L, O and U, so that
// a number read off paper can be typed back. Typing is forgiving: case,
// spaces and dashes do not matter, O reads as 0 and I or L as 1.
const (
	alphabet    = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	numberChars = 16
)

// NewNumber draws a fresh certificate number.
func NewNumber() string {
	var b [numberChars]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(alphabet[c&31])
	}
	return sb.String()
}

// NormalizeNumber returns the canonical form of a typed number, or "" when
// it cannot be one.
func NormalizeNumber(s string) string {
	if len(s) > 40 {
		return ""
	}
	var raw []byte
	for _, r := range strings.ToUpper(s) {
		switch {
		case r == '-' || r == ' ' || r == '\u3000':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 'Z' || strings.IndexRune(alphabet, r) < 0 {
			return ""
		}
		raw = append(raw, byte(r))
	}
	if len(raw) != numberChars {
		return ""
	}
	var sb strings.Builder
	for i, c := range raw {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(c)
	}
	return sb.String()
}
