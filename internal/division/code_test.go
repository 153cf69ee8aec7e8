package division

import "testing"

func TestCode(t *testing.T) {
	for _, c := range []struct {
		code                     Code
		level                    int
		township, county, prefix string
		lo, hi                   string
	}{
		{"131102003214", Community, "131102003000", "131102000000", "131102003214", "131102003214", "131102003214"},
		{"131102003000", Township, "131102003000", "131102000000", "131102003", "131102003000", "131102003999"},
		{"131102000000", County, "131102000000", "131102000000", "131102", "131102000000", "131102999999"},
		{"131100000000", City, "131100000000", "131100000000", "1311", "131100000000", "131199999999"},
		{"130000000000", Province, "130000000000", "130000000000", "13", "130000000000", "139999999999"},
	} {
		lo, hi := c.code.Range()
		if c.code.Level() != c.level || c.code.Township() != c.township || c.code.County() != c.county ||
			c.code.Prefix() != c.prefix || lo != c.lo || hi != c.hi {
			t.Errorf("%s: level %d township %s county %s prefix %s range %s-%s", c.code, c.code.Level(),
				c.code.Township(), c.code.County(), c.code.Prefix(), lo, hi)
		}
		if LevelFromCode(string(c.code)) != c.level {
			t.Errorf("%s: LevelFromCode %d", c.code, LevelFromCode(string(c.code)))
		}
	}
}
