// Package db opens the embedded SQLite file or a PostgreSQL database behind
// one API: transactions carried in ctx, dialect differences kept here, and the
// migrations runner.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names an engine.
type Dialect string

// Engines.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Querier is what both *sql.DB and *sql.Tx offer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is the database. On SQLite, writes go through one connection (SQLite
// has one writer anyway, and this avoids SQLITE_BUSY between our own
// connections) and reads through a pool; on PostgreSQL both are one pool.
type DB struct {
	Dialect Dialect
	write   *sql.DB
	read    *sql.DB
	// Where the SQLite file is; empty on PostgreSQL.
	Path string
	// On SQLite: statements prepared once per connection and reused (pgx
	// keeps its own cache on PostgreSQL), and the group committer that
	// runs every write transaction.
	wq, rq  Querier
	commits *committer
}

// Config says which database to open.
type Config struct {
	DataDir string // SQLite file lives at DataDir/shequ.db
	URL     string // postgres://… ; empty means SQLite
}

// Open opens (and creates, for SQLite) the database. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if strings.HasPrefix(cfg.URL, "postgres://") || strings.HasPrefix(cfg.URL, "postgresql://") {
		return openPostgres(ctx, cfg.URL)
	}
	if cfg.URL != "" && !strings.HasPrefix(cfg.URL, "sqlite:") {
		return nil, fmt.Errorf("database URL %q: want postgres://… or empty for SQLite", cfg.URL)
	}
	path := strings.TrimPrefix(cfg.URL, "sqlite:")
	if path == "" {
		if cfg.DataDir == "" {
			cfg.DataDir = "."
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		path = filepath.Join(cfg.DataDir, "shequ.db")
	}
	return openSQLite(ctx, path)
}

func sqliteDSN(path string, readOnly bool) string {
	q := []string{
		"_pragma=busy_timeout(10000)",
		"_pragma=foreign_keys(1)",
		"_pragma=journal_mode(WAL)",
		// FULL: a committed transaction survives a power cut, not only a crash.
		"_pragma=synchronous(FULL)",
		"_time_format=sqlite",
	}
	if readOnly {
		q = append(q, "_pragma=query_only(1)")
	} else {
		// Statement and savepoint journals in memory: every transaction
		// runs in a savepoint of a group commit, and a multi-row insert
		// into a table with foreign keys keeps one; on disk they cost a
		// write() per page.
		q = append(q, "_txlock=immediate", "_pragma=temp_store(2)")
	}
	// The path is part of a URI: '?' would start the parameters and '#' a
	// fragment, so a folder named "x#01" (a repeated subtest's temporary
	// folder) opened another file.
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + esc + "?" + strings.Join(q, "&")
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	d := &DB{Dialect: SQLite, write: w, read: r, Path: path}
	d.wq = newCachedDB(w)
	d.rq = newCachedDB(r)
	d.commits = newCommitter(w, d.wq.(*cachedDB))
	return d, nil
}

func openPostgres(ctx context.Context, url string) (*DB, error) {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(20)
	p.SetMaxIdleConns(10)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return &DB{Dialect: Postgres, write: p, read: p, wq: p, rq: p}, nil
}

// Close closes the pools, once the transactions already handed to the
// group committer have committed.
func (d *DB) Close() error {
	if d.commits != nil {
		d.commits.stop()
	}
	for _, q := range []Querier{d.wq, d.rq} {
		if c, ok := q.(*cachedDB); ok {
			c.close()
		}
	}
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.read.PingContext(ctx) }

// Writer is the writing pool, for the migrations runner and backups.
func (d *DB) Writer() *sql.DB { return d.write }

type txKey struct{}

// txn is the write transaction a ctx carries.
type txn struct {
	tx *sql.Tx
	q  Querier
}

func txOf(ctx context.Context) *txn {
	t, _ := ctx.Value(txKey{}).(*txn)
	return t
}

// Q returns the transaction in ctx, or the read pool.
func (d *DB) Q(ctx context.Context) Querier {
	if t := txOf(ctx); t != nil {
		return t.q
	}
	return d.rq
}

// Prepare prepares q in the transaction ctx carries, for a bulk load that
// runs one statement many times in one transaction; it is closed when the
// transaction ends, or by the caller.
func (d *DB) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	t := txOf(ctx)
	if t == nil {
		return nil, errors.New("db.Prepare outside a transaction")
	}
	return t.tx.PrepareContext(ctx, q)
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool { return txOf(ctx) != nil }

// WithoutTx returns ctx without its transaction, for writes that must stand
// even when the caller's transaction rolls back (the audit of a refusal).
func WithoutTx(ctx context.Context) context.Context {
	return context.WithValue(ctx, txKey{}, (*txn)(nil))
}

// WithTx runs fn in one write transaction carried in ctx; a nested call
// joins the outer transaction. fn's error rolls everything fn wrote back.
// When WithTx returns nil, fn's writes are committed and durable.
//
// On SQLite, fn runs on the group committer's goroutine inside a savepoint
// of a transaction it may share with other callers' fns; one commit (one
// fsync) then makes them all durable. fn's statements run without ctx's
// cancellation, so a caller that goes away cannot abort its neighbours.
func (d *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if InTx(ctx) {
		return fn(ctx)
	}
	if d.commits != nil {
		return d.commits.run(ctx, fn)
	}
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	hooks := &afterHooks{}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
		// The writer is free again: run what had to wait for it.
		hooks.run(ctx)
	}()
	tctx := context.WithValue(context.WithValue(ctx, txKey{}, &txn{tx: tx, q: tx}), hooksKey{}, hooks)
	if err = fn(tctx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

type hooksKey struct{}

type afterHooks struct{ fns []func(context.Context) }

func (h *afterHooks) run(ctx context.Context) {
	for _, f := range h.fns {
		f(ctx)
	}
}

// AfterTx runs fn once the transaction in ctx has ended, committed or not,
// with a ctx that has no transaction; without a transaction it runs fn now.
// It is how a write that must stand even if the transaction rolls back (the
// audit of a refusal) avoids waiting for the one writer that the
// transaction holds.
func AfterTx(ctx context.Context, fn func(ctx context.Context)) {
	if h, ok := ctx.Value(hooksKey{}).(*afterHooks); ok && InTx(ctx) {
		h.fns = append(h.fns, fn)
		return
	}
	fn(ctx)
}

// LockChain serialises writers of one append-only chain (the audit log)
// inside the current transaction. SQLite already has one writer; PostgreSQL
// takes a transaction-scoped advisory lock, so several nodes stay in order.
func (d *DB) LockChain(ctx context.Context, id int64) error {
	if d.Dialect != Postgres {
		return nil
	}
	_, err := d.Q(ctx).ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, id)
	return err
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// Contains is the LIKE pattern that matches text containing s: its %, _
// and \ escaped, for use with ESCAPE '\' on both engines.
func Contains(s string) string {
	return "%" + likeEscaper.Replace(s) + "%"
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// IsForeignKeyViolation reports whether err is a foreign-key violation
// (SQLite's message or PostgreSQL's SQLSTATE 23503).
func IsForeignKeyViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "FOREIGN KEY constraint failed") || strings.Contains(s, "SQLSTATE 23503")
}

// ILike returns the case-insensitive LIKE operator of the dialect.
func (d *DB) ILike() string {
	if d.Dialect == Postgres {
		return "ILIKE"
	}
	return "LIKE"
}

// Backup writes a consistent copy of a SQLite database to path while it
// stays online (VACUUM INTO). The file must not exist.
func (d *DB) Backup(ctx context.Context, path string) error {
	if d.Dialect != SQLite {
		return errors.New("backup: use pg_dump on PostgreSQL")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	if _, err := d.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return os.Chmod(path, 0o600)
}

// W returns the transaction in ctx, or the write pool for a single
// autocommitted statement.
func (d *DB) W(ctx context.Context) Querier {
	if t := txOf(ctx); t != nil {
		return t.q
	}
	return d.wq
}

// ForUpdate is the row-locking suffix of a SELECT inside a transaction:
// FOR UPDATE on PostgreSQL; nothing on SQLite, whose one writer already
// excludes others.
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// IsNoRows reports whether err is sql.ErrNoRows.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Page reads the rows of a list query that asked for perPage+1 rows: the
// first perPage, scanned, and whether there were more. It closes rows.
func Page[T any](rows *sql.Rows, perPage int, scan func(interface{ Scan(...any) error }) (*T, error)) ([]T, bool, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, *v)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	if len(out) > perPage {
		return out[:perPage], true, nil
	}
	return out, false, nil
}
