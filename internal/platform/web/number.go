package web

import (
	"math"
	"strconv"
)

// Decimal shows v with at most prec decimals, trailing zeros dropped, and
// its digits grouped in threes: 2299396.8249 → "2,299,396.82".
func Decimal(v float64, prec int) string {
	p := math.Pow10(prec)
	r := math.Round(v*p) / p
	if r == 0 {
		r = 0 // no "-0"
	}
	return groupDigits(strconv.FormatFloat(r, 'f', -1, 64))
}
