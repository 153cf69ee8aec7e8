// Package audit keeps the append-only, hash-chained audit log: each record
// carries the hash of the one before, so an edit or a deletion breaks the
// chain at a place that `shequ audit verify` names.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/errs"
)

// Results.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "failed"
)

// chainLock is the advisory lock id that orders writers of the chain.
const chainLock = 0x5348455155 // "SHEQU"

// Entry is what a caller says about an action; who, when and where come from ctx.
type Entry struct {
	Action     string // e.g. division.profile.update, auth.login
	ObjectType string
	ObjectID   string
	Result     string // ok, denied, failed
	Detail     any    // marshalled to JSON: before/after values, reasons
}

// Record is one stored link of the chain.
type Record struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    *int64    `json:"actor_id,omitempty"`
	ActorName  string    `json:"actor"`
	Role       string    `json:"role"`
	Area       string    `json:"area"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Result     string    `json:"result"`
	ClientAddr string    `json:"client_addr"`
	Detail     string    `json:"detail"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// Log writes and reads the audit log.
type Log struct {
	DB  *db.DB
	Now func() time.Time
}

// New makes a Log.
func New(d *db.DB) *Log { return &Log{DB: d, Now: time.Now} }

// genesis is the previous hash of the first record.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// Hash computes a record's hash from its fields and the previous hash.
func (r *Record) ComputeHash() string {
	actor := ""
	if r.ActorID != nil {
		actor = strconv.FormatInt(*r.ActorID, 10)
	}
	fields := []string{
		r.PrevHash, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339Nano), actor, r.ActorName,
		r.Role, r.Area, r.Action, r.ObjectType, r.ObjectID, r.Result, r.ClientAddr, r.Detail,
	}
	h := sha256.New()
	for _, f := range fields {
		// Length-prefixed, so that no two field lists hash alike.
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Write appends an entry in ctx's transaction, or in a transaction of its own.
func (l *Log) Write(ctx context.Context, e Entry) error {
	return l.DB.WithTx(ctx, func(ctx context.Context) error { return l.append(ctx, e) })
}

// WriteAlone appends an entry in a transaction of its own, so that it
// stands even when the caller's transaction rolls back: for refusals and
// failures. Inside a transaction it is written when that one ends.
func (l *Log) WriteAlone(ctx context.Context, e Entry) error {
	var err error
	db.AfterTx(ctx, func(ctx context.Context) {
		err = l.DB.WithTx(db.WithoutTx(ctx), func(ctx context.Context) error { return l.append(ctx, e) })
		if err != nil {
			slog.ErrorContext(ctx, "audit write failed", "action", e.Action, "err", err)
		}
	})
	return err
}

func (l *Log) append(ctx context.Context, e Entry) error {
	if err := l.DB.LockChain(ctx, chainLock); err != nil {
		return fmt.Errorf("audit lock: %w", err)
	}
	q := l.DB.Q(ctx)
	r := Record{
		At:         l.Now().UTC().Truncate(time.Microsecond),
		Action:     e.Action,
		ObjectType: e.ObjectType,
		ObjectID:   e.ObjectID,
		Result:     e.Result,
	}
	if r.Result == "" {
		r.Result = OK
	}
	if p := auth.From(ctx); p != nil {
		if p.UserID != 0 {
			id := p.UserID
			r.ActorID = &id
		}
		r.ActorName, r.Role, r.Area, r.ClientAddr = p.Name, string(p.Role), p.Area.Code, p.Client
	} else {
		r.ActorName, r.Role = "anonymous", "anonymous"
	}
	if e.Detail != nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return err
		}
		r.Detail = string(b)
	}
	var lastID int64
	err := q.QueryRowContext(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&lastID, &r.PrevHash)
	if errors.Is(err, sql.ErrNoRows) {
		r.PrevHash = genesis
	} else if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	// The id is chosen here, under the lock, so it is part of the hash.
	r.ID = lastID + 1
	r.Hash = r.ComputeHash()
	_, err = q.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_id, actor_name, role, area, action, object_type,
		object_id, result, client_addr, detail, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`,
		r.ID, r.At, r.ActorID, r.ActorName, r.Role, r.Area, r.Action, r.ObjectType, r.ObjectID, r.Result,
		r.ClientAddr, r.Detail, r.PrevHash, r.Hash)
	if err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO audit_head (one, last_id, hash) VALUES (1, $1, $2)
		ON CONFLICT (one) DO UPDATE SET last_id = excluded.last_id, hash = excluded.hash`, r.ID, r.Hash)
	if err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// Broken describes the first place where the chain does not hold.
type Broken struct {
	ID     int64  // the first record that fails (for a deletion, the first missing one)
	Reason string // in English, for the operator's terminal
	Key    string // translation key of the reason, for the auditor's screen
	Args   []any  // arguments of Key
	Area   string // area of the record that fails; "" when none can be placed
}

func (b *Broken) Error() string { return fmt.Sprintf("audit record %d: %s", b.ID, b.Reason) }

// Verify walks the whole chain in id order and returns how many records it
// checked and the first break, if any.
func (l *Log) Verify(ctx context.Context) (int64, *Broken, error) {
	n, _, b, err := l.VerifyReach(ctx, Reach{All: true})
	return n, b, err
}

// VerifyReach walks the whole chain as Verify does (a break anywhere is a
// break), and also counts the records within rc. The break's Area says
// where it lies: the area of the record that fails, or "" when no record
// can be placed (deleted or cut-off records, a missing head).
func (l *Log) VerifyReach(ctx context.Context, rc Reach) (n, inReach int64, broken *Broken, err error) {
	return l.verify(ctx, rc)
}

func (l *Log) verify(ctx context.Context, rc Reach) (int64, int64, *Broken, error) {
	rows, err := l.DB.Q(ctx).QueryContext(ctx, `SELECT `+columns+` FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, 0, nil, err
	}
	defer rows.Close()
	prev := genesis
	var n, in, prevID int64
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return n, in, nil, err
		}
		n++
		if rc.Contains(r.Area) {
			in++
		}
		switch {
		case r.ID != prevID+1:
			return n, in, &Broken{ID: prevID + 1, Key: "audit.broken.deleted", Args: []any{prevID + 1, r.ID - 1, r.ID},
				Reason: fmt.Sprintf("deleted: records %d to %d are missing before record %d", prevID+1, r.ID-1, r.ID)}, nil
		case r.PrevHash != prev:
			return n, in, &Broken{ID: r.ID, Key: "audit.broken.link", Args: []any{r.ID}, Area: r.Area,
				Reason: "its link to the record before does not match (a record before it was edited or deleted)"}, nil
		case r.ComputeHash() != r.Hash:
			return n, in, &Broken{ID: r.ID, Key: "audit.broken.edited", Args: []any{r.ID}, Area: r.Area,
				Reason: "edited: its content does not match its hash"}, nil
		}
		prev, prevID = r.Hash, r.ID
	}
	if err := rows.Err(); err != nil {
		return n, in, nil, err
	}
	var headID int64
	var headHash string
	err = l.DB.Q(ctx).QueryRowContext(ctx, `SELECT last_id, hash FROM audit_head WHERE one = 1`).Scan(&headID, &headHash)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if n > 0 {
			return n, in, &Broken{ID: prevID, Key: "audit.broken.head_missing", Args: []any{prevID},
				Reason: "the chain head is missing"}, nil
		}
	case err != nil:
		return n, in, nil, err
	case headID != prevID || headHash != prev:
		return n, in, &Broken{ID: prevID + 1, Key: "audit.broken.truncated", Args: []any{prevID, headID},
			Reason: fmt.Sprintf("records cut off the end: the chain ends at record %d but its head says %d", prevID, headID)}, nil
	}
	return n, in, nil, nil
}

const columns = `id, at, actor_id, actor_name, role, area, action, object_type, object_id, result, client_addr, detail, prev_hash, hash`

func scan(rows *sql.Rows) (*Record, error) {
	var r Record
	var actor sql.NullInt64
	if err := rows.Scan(&r.ID, &r.At, &actor, &r.ActorName, &r.Role, &r.Area, &r.Action, &r.ObjectType,
		&r.ObjectID, &r.Result, &r.ClientAddr, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
		return nil, err
	}
	if actor.Valid {
		r.ActorID = &actor.Int64
	}
	return &r, nil
}

// Filter selects records for the auditor.
type Filter struct {
	Actor      string // account name
	Action     string // prefix
	ObjectType string
	ObjectID   string
	Result     string    // ok, denied, failed
	From, To   time.Time // To is exclusive
	Page       int       // from 1
	PerPage    int

	reach Reach // set by Search and Each from the caller, never by the caller
}

// Results lists the results a record may have.
var Results = []string{OK, Denied, Failed}

// query builds the SELECT of f, newest first, without LIMIT.
func (f Filter) query(dialect db.Dialect) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if cond, vs := f.reach.cond(); cond != "" {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(args)), 1)
		}
		where = append(where, cond)
	}
	if f.Actor != "" {
		add("actor_name = ?", f.Actor)
	}
	if f.Action != "" {
		// A range rather than LIKE, so that the index on action serves it
		// and "_" or "%" in the prefix mean themselves. The range needs
		// code-point order: SQLite's default; PostgreSQL is told so, as a
		// database created with a natural-language collation would
		// otherwise sort punctuation its own way.
		col := "action"
		if dialect == db.Postgres {
			col = `action COLLATE "C"`
		}
		add(col+" >= ?", f.Action)
		add(col+" < ?", f.Action+"\U0010FFFF")
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.Result != "" {
		add("result = ?", f.Result)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UTC())
	}
	q := `SELECT ` + columns + ` FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return q + " ORDER BY id DESC", args
}

// Search lists records newest first, one page, within the caller's reach
// (ReachOf). Only auditors (and the system) may. Errors: EUNAUTHORIZED,
// EFORBIDDEN.
func (l *Log) Search(ctx context.Context, f Filter) ([]Record, bool, error) {
	var err error
	if f.reach, err = ReachOf(ctx); err != nil {
		return nil, false, err
	}
	if f.PerPage <= 0 || f.PerPage > 1000 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	q, args := f.query(l.DB.Dialect)
	q += fmt.Sprintf(" LIMIT %d OFFSET %d", f.PerPage+1, (f.Page-1)*f.PerPage)
	var out []Record
	err = l.each(ctx, q, args, func(r *Record) error {
		out = append(out, *r)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	out, more := db.More(out, f.PerPage)
	return out, more, nil
}

// Each calls fn with the records f selects, newest first, ignoring f's
// paging, at most max of them, within the caller's reach (ReachOf); cut
// says that more were selected. Only auditors (and the system) may.
// Errors: EUNAUTHORIZED, EFORBIDDEN, and fn's.
func (l *Log) Each(ctx context.Context, f Filter, max int, fn func(*Record) error) (n int, cut bool, err error) {
	if f.reach, err = ReachOf(ctx); err != nil {
		return 0, false, err
	}
	q, args := f.query(l.DB.Dialect)
	q += fmt.Sprintf(" LIMIT %d", max+1)
	err = l.each(ctx, q, args, func(r *Record) error {
		if n == max {
			cut = true
			return nil
		}
		n++
		return fn(r)
	})
	return n, cut, err
}

func (l *Log) each(ctx context.Context, q string, args []any, fn func(*Record) error) error {
	rows, err := l.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return errs.Internal("audit.Log.each: QueryContext", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return errs.Internal("audit.Log.each: scan", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return errs.Internal("audit.Log.each: Err", err)
	}
	return nil
}
