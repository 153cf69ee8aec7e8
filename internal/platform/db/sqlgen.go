package db

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// The helpers here build the parts of a statement that differ between the
// engines, so that a slice's store writes its SQL once.

// Placeholders is n numbered placeholders from start, comma-separated:
// Placeholders(3, 2) is "$2,$3,$4". Both engines take "$n".
func Placeholders(n, start int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('$')
		sb.WriteString(strconv.Itoa(start + i))
	}
	return sb.String()
}

// Params is n placeholders, comma-separated, for a statement whose every
// parameter they are (numbered from 1): "?" on SQLite, whose driver binds
// anonymous parameters much faster than "$n" names in long lists, and
// "$1,…,$n" on PostgreSQL. A statement uses one style only.
func (d *DB) Params(n int) string {
	if d.Dialect != SQLite {
		return Placeholders(n, 1)
	}
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ValueRows is the VALUES list of a multi-row INSERT whose every parameter
// it holds: rows groups of cols placeholders, each group ending in fixed
// (",'import'", or ""), in the style of Params: "(?,?),(?,?)" on SQLite,
// "($1,$2),($3,$4)" on PostgreSQL.
func (d *DB) ValueRows(rows, cols int, fixed string) string {
	var sb strings.Builder
	k := 0
	for r := range rows {
		if r > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for i := range cols {
			if i > 0 {
				sb.WriteByte(',')
			}
			k++
			if d.Dialect == SQLite {
				sb.WriteByte('?')
			} else {
				sb.WriteByte('$')
				sb.WriteString(strconv.Itoa(k))
			}
		}
		sb.WriteString(fixed)
		sb.WriteByte(')')
	}
	return sb.String()
}

// Bool is the literal of v in SQL text: TRUE or FALSE on PostgreSQL, 1 or
// 0 on SQLite (whose booleans are integers).
func (d *DB) Bool(v bool) string {
	switch {
	case d.Dialect == Postgres && v:
		return "TRUE"
	case d.Dialect == Postgres:
		return "FALSE"
	case v:
		return "1"
	}
	return "0"
}

// SingleRowInserts reports whether a bulk load into a table with unique
// indexes is faster one row per statement, inside a transaction. On SQLite
// it is: a statement that writes several rows of such a table may have to
// undo its own rows, so SQLite copies every page it changes to a statement
// journal first; a single-row statement needs none. On PostgreSQL
// multi-row statements save round trips.
func (d *DB) SingleRowInserts() bool { return d.Dialect == SQLite }

// InsertBatch is the most rows InsertRows puts in one multi-row statement.
const InsertBatch = 500

// InsertRows inserts rows (each of cols values) with the statement head +
// VALUES list + tail (head "INSERT INTO t (a, b) VALUES ", tail " ON
// CONFLICT … DO NOTHING", or ""), in ctx's transaction if there is one and
// each statement on its own otherwise, and returns how many rows the
// database reports written. Inside a transaction on SQLite it runs one
// prepared single-row statement per row (see SingleRowInserts; its driver
// also binds many parameters slowly); otherwise multi-row statements of up
// to InsertBatch rows.
func (d *DB) InsertRows(ctx context.Context, head string, cols int, tail string, rows [][]any) (int64, error) {
	var n int64
	if len(rows) == 0 {
		return 0, nil
	}
	for i, r := range rows {
		if len(r) != cols {
			return 0, fmt.Errorf("db.InsertRows: row %d has %d values, not %d", i, len(r), cols)
		}
	}
	if InTx(ctx) && d.SingleRowInserts() {
		st, err := d.Prepare(ctx, head+"("+Placeholders(cols, 1)+")"+tail)
		if err != nil {
			return 0, fmt.Errorf("db.InsertRows: prepare: %w", err)
		}
		defer st.Close()
		for _, r := range rows {
			res, err := st.ExecContext(ctx, r...)
			if err != nil {
				return 0, fmt.Errorf("db.InsertRows: insert: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return n, nil
	}
	q := d.W(ctx)
	for i := 0; i < len(rows); i += InsertBatch {
		part := rows[i:min(i+InsertBatch, len(rows))]
		var sb strings.Builder
		sb.WriteString(head)
		args := make([]any, 0, len(part)*cols)
		for j, r := range part {
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			sb.WriteString(Placeholders(cols, len(args)+1))
			sb.WriteByte(')')
			args = append(args, r...)
		}
		sb.WriteString(tail)
		res, err := q.ExecContext(ctx, sb.String(), args...)
		if err != nil {
			return 0, fmt.Errorf("db.InsertRows: insert: %w", err)
		}
		k, _ := res.RowsAffected()
		n += k
	}
	return n, nil
}

// GrowCache gives a bulk load's transaction on SQLite a larger page cache
// (256 MiB): it touches pages of several random-keyed indexes, which would
// otherwise spill to disk before the commit. The returned func puts the
// old size back. Nothing on PostgreSQL, and nothing if the size cannot be
// read or set (it only makes the load slower).
func (d *DB) GrowCache(ctx context.Context) (restore func()) {
	if d.Dialect != SQLite {
		return func() {}
	}
	var old int64
	q := d.Q(ctx)
	if err := q.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&old); err != nil {
		return func() {}
	}
	if _, err := q.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return func() {}
	}
	return func() { _, _ = q.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, old)) }
}

// Describe says where the data lives, for start-up logs.
func (d *DB) Describe() string {
	if d.Dialect == Postgres {
		return "PostgreSQL"
	}
	return "SQLite " + d.Path
}
