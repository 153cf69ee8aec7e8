package db

// The database's clock, for times that several nodes compare (job leases,
// claims): one clock for every node, so a node whose own clock runs ahead
// cannot take a lease early or hold one too long.
//
// On SQLite the expression is text in the shape our TIMESTAMP columns hold
// (`_time_format=sqlite`: "2006-01-02 15:04:05.999+00:00", UTC), so it
// compares with them as text and, stored in one, scans into time.Time; on
// PostgreSQL it is now(), a timestamptz.

const sqliteNow = `strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'`

// Now is the SQL expression of the database's current time.
func (d *DB) Now() string {
	if d.Dialect == Postgres {
		return `now()`
	}
	return sqliteNow + `)`
}

// NowPlus is the SQL expression of the database's current time moved by the
// number of milliseconds in the placeholder p (such as "$2"), which may be
// negative.
func (d *DB) NowPlus(p string) string {
	if d.Dialect == Postgres {
		return `(now() + ` + p + `::bigint * interval '1 millisecond')`
	}
	return sqliteNow + `, (` + p + ` / 1000.0) || ' seconds')`
}
