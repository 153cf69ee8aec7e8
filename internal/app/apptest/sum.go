package apptest

import (
	"strings"

	"shequ/internal/division"
)

// SumUnder adds up the counts of m, by division code, at or under the
// division code: what a measure of that division should be.
func SumUnder(m map[string]int64, code string) int64 {
	prefix := division.Code(code).Prefix()
	var s int64
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			s += v
		}
	}
	return s
}
