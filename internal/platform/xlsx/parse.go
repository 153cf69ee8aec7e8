package xlsx

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Cell parsers for registries' imports: each returns the value and, when
// the text is not acceptable, the translation key of the reason (the keys
// of package i18n's common errors), so that a registry can name the row and
// column. Empty text parses as the zero value with ok.

// Bool reads 是/否, yes/no, y/n, true/false, 1/0, √/×.
func Bool(s string) (v bool, reason string) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "否", "no", "n", "false", "0", "×", "x", "无":
		return false, ""
	case "是", "yes", "y", "true", "1", "√", "有":
		return true, ""
	}
	return false, "error.not_bool"
}

// BoolText writes a flag for an export in lang's words, which Bool reads back.
func BoolText(v bool, lang string) string {
	switch {
	case v && lang == "en":
		return "yes"
	case v:
		return "是"
	case lang == "en":
		return "no"
	}
	return "否"
}

// Int reads a whole number (Excel may store 12 as "12" or "12.0").
func Int(s string) (int64, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, ""
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "error.not_number"
	}
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, "error.not_integer"
	}
	return int64(f), ""
}

// Float reads a number; "1,234.5" and full-width digits are accepted.
func Float(s string) (float64, string) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, ""
	}
	s = strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		if r == '．' {
			return '.'
		}
		return r
	}, s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, "error.not_number"
	}
	return f, ""
}

// Date reads 2024-05-01, 2024/5/1, 2024年5月1日 or an Excel date serial
// (what a cell formatted as a date holds).
func Date(s string) (time.Time, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, ""
	}
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2006-1-2", "2006年1月2日", "2006.1.2"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, ""
		}
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
		if t, err := excelize.ExcelDateToTime(f, false); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), ""
		}
	}
	return time.Time{}, "xlsx.not_date"
}
