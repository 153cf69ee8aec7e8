package division

import (
	"strings"

	"shequ/internal/platform/auth"
)

// Code is a 12-digit statistical division code. Codes nest by prefix
// (province 2 digits, city 4, county 6, township 9, community 12, the rest
// zeros), so a code's level, its ancestors and the range of codes under it
// are read from its digits. Records, JSON and the database keep codes as
// plain strings; convert where one is needed: division.Code(s).Township().
type Code string

// Level is the level the code's trailing zeros say (Province … Community).
func (c Code) Level() int {
	s := string(c)
	switch {
	case strings.HasSuffix(s, "0000000000"):
		return Province
	case strings.HasSuffix(s, "00000000"):
		return City
	case strings.HasSuffix(s, "000000"):
		return County
	case strings.HasSuffix(s, "000"):
		return Township
	}
	return Community
}

// At is the code of the division at level that c lies in (c itself at or
// above its own level): its first PrefixLen[level] digits, then zeros.
func (c Code) At(level int) string {
	n := PrefixLen[level]
	return string(c[:n]) + strings.Repeat("0", 12-n)
}

// Township is the township a township or community code lies in.
func (c Code) Township() string { return c.At(Township) }

// County is the county a county, township or community code lies in.
func (c Code) County() string { return c.At(County) }

// Prefix is the code's significant digits: those its level keeps.
func (c Code) Prefix() string { return string(c[:PrefixLen[c.Level()]]) }

// Range is the inclusive range of codes at or under c: code BETWEEN lo AND hi.
func (c Code) Range() (lo, hi string) { return auth.AreaOf(string(c), c.Level()).Range() }
