package calendar

import (
	"strings"
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, China)
	if err != nil {
		panic(err)
	}
	return t
}

// The 2026 Spring Festival: 15–23 February are holidays (a Sunday to a
// Monday), Saturday 14 February and Saturday 28 February are make-up
// working days.
func TestSpringFestival2026(t *testing.T) {
	c, err := Shipped()
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]bool{
		"2026-02-13 10:00": true,  // Friday
		"2026-02-14 10:00": true,  // Saturday, make-up working day
		"2026-02-15 10:00": false, // holiday (Sunday)
		"2026-02-16 10:00": false, // holiday (Monday)
		"2026-02-23 10:00": false, // last holiday (Monday)
		"2026-02-24 10:00": true,  // back to work
		"2026-02-28 10:00": true,  // Saturday, make-up working day
		"2026-03-01 10:00": false, // plain Sunday
		"2026-03-07 10:00": false, // plain Saturday
	} {
		if got := c.IsWorkday(at(day)); got != want {
			t.Errorf("IsWorkday(%s) = %v, want %v", day, got, want)
		}
	}
	cases := []struct {
		from string
		n    int
		want string
	}{
		// Friday before the break + 1 working day: the make-up Saturday.
		{"2026-02-13 09:30", 1, "2026-02-14 09:30"},
		// From the make-up Saturday, 7 working days skip the whole break:
		// 24, 25, 26, 27, 28 (make-up Sat), 2 Mar, 3 Mar.
		{"2026-02-14 16:00", 7, "2026-03-03 16:00"},
		// Filed on a holiday: counted from the first working day's start.
		{"2026-02-17 11:00", 1, "2026-02-25 00:00"},
		{"2026-02-17 11:00", 0, "2026-02-24 00:00"},
		// 15 working days from 2 February: 3–6 (4), 9–13 (9), 14 Sat (10),
		// 24–28 (15).
		{"2026-02-02 08:00", 15, "2026-02-28 08:00"},
		// A plain week: Monday + 5 = next Monday.
		{"2026-03-09 10:00", 5, "2026-03-16 10:00"},
	}
	for _, tc := range cases {
		got := c.AddWorkdays(at(tc.from), tc.n).In(China).Format("2006-01-02 15:04")
		if got != tc.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if n := c.Workdays(at("2026-02-13 10:00"), at("2026-02-27 10:00")); n != 5 {
		t.Errorf("Workdays across the break = %d, want 5 (14, 24, 25, 26, 27)", n)
	}
}

func TestParseRejectsBadLines(t *testing.T) {
	for _, in := range []string{
		"date,type,name\n2026-13-01,holiday,x\n",
		"date,type,name\n2026-01-01,vacation,x\n",
		"date,type,name\n2026-01-01\n",
	} {
		if _, err := Parse(strings.NewReader(in)); err == nil {
			t.Errorf("Parse(%q) accepted a bad line", in)
		}
	}
}
