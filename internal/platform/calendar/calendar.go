// Package calendar counts working days in China: weekends are rest days,
// except the make-up working days (调休) of the State Council's notices;
// holidays are rest days. The notices for 2025 and 2026 ship in
// shequ/data (calendar/cn-holidays.csv); a city adds or corrects days in
// the calendar_days table, which overrides the shipped file.
package calendar

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"shequ/data"
	"shequ/internal/platform/db"
)

// Kinds of listed days.
const (
	Holiday = "holiday"
	Workday = "workday"
)

// China is the time zone days are counted in.
var China = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600) // China has kept UTC+8 without summer time since 1992
	}
	return l
}()

// Calendar knows the listed days; unlisted weekdays are working days and
// unlisted Saturdays and Sundays rest days. It is safe for concurrent use.
type Calendar struct {
	mu   sync.RWMutex
	days map[string]string // YYYY-MM-DD → kind
	base map[string]string
}

// Shipped returns the calendar of the shipped file alone.
func Shipped() (*Calendar, error) {
	f, err := data.FS.Open("calendar/cn-holidays.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base, err := Parse(f)
	if err != nil {
		return nil, err
	}
	c := &Calendar{base: base, days: map[string]string{}}
	for k, v := range base {
		c.days[k] = v
	}
	return c, nil
}

// Parse reads a calendar file: a header line, then date,type,name.
func Parse(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if line == 1 || t == "" {
			continue
		}
		parts := strings.Split(t, ",")
		if len(parts) < 2 {
			return nil, fmt.Errorf("calendar line %d: want date,type,name", line)
		}
		if _, err := time.Parse(time.DateOnly, parts[0]); err != nil {
			return nil, fmt.Errorf("calendar line %d: %w", line, err)
		}
		if parts[1] != Holiday && parts[1] != Workday {
			return nil, fmt.Errorf("calendar line %d: type %q", line, parts[1])
		}
		out[parts[0]] = parts[1]
	}
	return out, sc.Err()
}

// Load returns the shipped calendar with the database's additions.
func Load(ctx context.Context, d *db.DB) (*Calendar, error) {
	c, err := Shipped()
	if err != nil {
		return nil, err
	}
	return c, c.Reload(ctx, d)
}

// Reload re-reads the database's additions over the shipped file.
func (c *Calendar) Reload(ctx context.Context, d *db.DB) error {
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT day, kind FROM calendar_days`)
	if err != nil {
		return err
	}
	defer rows.Close()
	days := map[string]string{}
	for k, v := range c.base {
		days[k] = v
	}
	for rows.Next() {
		var day, kind string
		if err := rows.Scan(&day, &kind); err != nil {
			return err
		}
		days[day] = kind
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.days = days
	c.mu.Unlock()
	return nil
}

// Set lists a day in the database (kind Holiday or Workday) in ctx's
// transaction, and in c once it committed.
func (c *Calendar) Set(ctx context.Context, d *db.DB, day time.Time, kind, name, by string) error {
	if kind != Holiday && kind != Workday {
		return fmt.Errorf("calendar: kind %q", kind)
	}
	k := day.In(China).Format(time.DateOnly)
	if _, err := d.W(ctx).ExecContext(ctx, `DELETE FROM calendar_days WHERE day = $1`, k); err != nil {
		return err
	}
	if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name, created_at, created_by)
		VALUES ($1, $2, $3, $4, $5)`, k, kind, name, time.Now().UTC(), by); err != nil {
		return err
	}
	db.AfterTx(ctx, func(context.Context) {
		c.mu.Lock()
		c.days[k] = kind
		c.mu.Unlock()
	})
	return nil
}

// IsWorkday reports whether the day of t (in China) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	t = t.In(China)
	c.mu.RLock()
	kind, ok := c.days[t.Format(time.DateOnly)]
	c.mu.RUnlock()
	if ok {
		return kind == Workday
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkdays returns the same clock time n working days after t (n ≥ 0).
// A start on a rest day counts from the next working day's start, so a
// request filed on a holiday gets n full working days.
func (c *Calendar) AddWorkdays(t time.Time, n int) time.Time {
	l := t.In(China)
	if !c.IsWorkday(l) {
		l = time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, China)
		for !c.IsWorkday(l) {
			l = l.AddDate(0, 0, 1)
		}
	}
	for n > 0 {
		l = l.AddDate(0, 0, 1)
		if c.IsWorkday(l) {
			n--
		}
	}
	return l.UTC()
}

// Workdays counts the working days whose start lies in (from, to].
func (c *Calendar) Workdays(from, to time.Time) int {
	f := from.In(China)
	day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, China).AddDate(0, 0, 1)
	n := 0
	for !day.After(to.In(China)) {
		if c.IsWorkday(day) {
			n++
		}
		day = day.AddDate(0, 0, 1)
	}
	return n
}
