// Package idcard checks mainland resident ID numbers (公民身份号码, GB
// 11643-1999): 18 characters, a 6-digit address code, a birth date, a
// sequence whose last digit gives the sex, and an ISO 7064 MOD 11-2 check
// character. It also recognises mainland mobile numbers, so that tests can
// scan stored data for either.
package idcard

import (
	"regexp"
	"strings"
	"time"
)

// Info is what an ID number says about its holder.
type Info struct {
	Number string    // normalised: upper-case X
	Birth  time.Time // UTC midnight
	Female bool
	Region string // the 6-digit address code
}

var weights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const checkChars = "10X98765432"

// CheckChar computes the check character of the first 17 digits.
func CheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * weights[i]
	}
	return checkChars[sum%11]
}

var shape = regexp.MustCompile(`^[0-9]{17}[0-9X]$`)

// Reasons a number is refused; each is also a translation key.
const (
	ErrShape    = "idcard.shape"    // not 18 characters of digits (last may be X)
	ErrBirth    = "idcard.birth"    // the birth date is not a real date, or is in the future
	ErrChecksum = "idcard.checksum" // the check character does not match
)

// Parse validates an ID number; on failure it returns one of the Err keys.
// now bounds the birth date.
func Parse(s string, now time.Time) (Info, string) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if !shape.MatchString(n) {
		return Info{}, ErrShape
	}
	birth, err := time.Parse("20060102", n[6:14])
	if err != nil || birth.After(now) || birth.Year() < 1880 {
		return Info{}, ErrBirth
	}
	if CheckChar(n[:17]) != n[17] {
		return Info{}, ErrChecksum
	}
	return Info{Number: n, Birth: birth.UTC(), Female: (n[16]-'0')%2 == 0, Region: n[:6]}, ""
}

// Valid reports whether s is a valid ID number.
func Valid(s string) bool {
	_, e := Parse(s, time.Now())
	return e == ""
}

// Age is the holder's age in whole years on a date.
func (i Info) Age(on time.Time) int {
	y := on.Year() - i.Birth.Year()
	if on.Month() < i.Birth.Month() || (on.Month() == i.Birth.Month() && on.Day() < i.Birth.Day()) {
		y--
	}
	return y
}

var (
	idLike     = regexp.MustCompile(`[0-9]{17}[0-9Xx]`)
	mobileLike = regexp.MustCompile(`1[3-9][0-9]{9}`)
	mobileOnly = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
)

// ValidMobile reports whether s is an 11-digit mainland mobile number.
func ValidMobile(s string) bool { return mobileOnly.MatchString(strings.TrimSpace(s)) }

// FindInText returns the valid ID numbers and the mobile numbers that occur
// in b: a test scans a database file or a backup with it and expects none.
// Mobile numbers are found only where no digit touches them on either side.
func FindInText(b []byte) (ids, mobiles []string) {
	for _, m := range idLike.FindAll(b, -1) {
		if Valid(string(m)) {
			ids = append(ids, string(m))
		}
	}
	for _, loc := range mobileLike.FindAllIndex(b, -1) {
		if loc[0] > 0 && isDigit(b[loc[0]-1]) || loc[1] < len(b) && isDigit(b[loc[1]]) {
			continue
		}
		mobiles = append(mobiles, string(b[loc[0]:loc[1]]))
	}
	return ids, mobiles
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
