// Package rotcode makes short codes that rotate every window (30 seconds
// by default), shown on an organiser's screen and typed back by people who
// are there: the HMAC of a subject and a window number, in an alphabet
// without 0/O or 1/I. A code is accepted in its window and the next; older
// ones are recognised as expired (rather than forged) for a clear message.
package rotcode

import (
	"crypto/hmac"
	"crypto/sha256"
	"strconv"
	"strings"
	"time"
)

// Alphabet has no 0/O or 1/I, so a code read off a screen types back.
const Alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// Len is the length of a code (40 bits).
const Len = 8

// DefaultWindow is how long a code lives on the screen.
const DefaultWindow = 30 * time.Second

// maxAge is how many windows back a code is still recognised as expired.
const maxAge = 240

// Codes makes and checks the codes of one purpose, keyed.
type Codes struct {
	Key    []byte
	Window time.Duration // DefaultWindow when zero
}

func (c Codes) window() int64 {
	if c.Window <= 0 {
		return int64(DefaultWindow / time.Second)
	}
	return int64(c.Window / time.Second)
}

// WindowOf is the number of the window t falls in.
func (c Codes) WindowOf(t time.Time) int64 { return t.Unix() / c.window() }

// Ends is when window w ends (the screen shows the next code).
func (c Codes) Ends(w int64) time.Time { return time.Unix((w+1)*c.window(), 0).UTC() }

// At is the code of a subject in window w.
func (c Codes) At(subject string, w int64) string {
	m := hmac.New(sha256.New, c.Key)
	m.Write([]byte(subject + "|" + strconv.FormatInt(w, 10)))
	sum := m.Sum(nil)
	var b strings.Builder
	v := uint64(sum[0])<<32 | uint64(sum[1])<<24 | uint64(sum[2])<<16 | uint64(sum[3])<<8 | uint64(sum[4])
	for i := 0; i < Len; i++ {
		b.WriteByte(Alphabet[v>>(35-5*i)&31])
	}
	return b.String()
}

// Normalize upper-cases a typed code and drops spaces and dashes.
func Normalize(code string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\u3000", "").Replace(strings.TrimSpace(code)))
}

// Result is what Verify found.
type Result int

const (
	// Forged: not a code of this subject in any recent window.
	Forged Result = iota
	// Expired: a code of this subject, but of an older window.
	Expired
	// Valid: the code of the current or the previous window.
	Valid
)

// Verify finds the window of a typed code at time now.
func (c Codes) Verify(subject, code string, now time.Time) (int64, Result) {
	code = Normalize(code)
	cur := c.WindowOf(now)
	for w := cur; w >= cur-maxAge; w-- {
		if hmac.Equal([]byte(code), []byte(c.At(subject, w))) {
			if w >= cur-1 {
				return w, Valid
			}
			return 0, Expired
		}
	}
	return 0, Forged
}
