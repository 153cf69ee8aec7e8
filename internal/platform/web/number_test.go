package web

import "testing"

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		v    float64
		prec int
		want string
	}{
		{2299396.8249, 2, "2,299,396.82"}, {1000, 2, "1,000"}, {999.5, 0, "1,000"}, {-1234.5, 2, "-1,234.5"},
		{-0.001, 2, "0"}, {80, 2, "80"}, {0.125, 2, "0.13"}, {123456789012, 2, "123,456,789,012"},
	} {
		if got := Decimal(c.v, c.prec); got != c.want {
			t.Errorf("Decimal(%v, %d) = %q, want %q", c.v, c.prec, got, c.want)
		}
	}
}
