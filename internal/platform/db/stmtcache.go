package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCachedStmts bounds the statement cache of a pool. Our statements are
// constants or built from a few filters, so a few hundred cover the
// application; a query built past the bound runs unprepared, as before.
const maxCachedStmts = 1000

// cachedDB is a SQLite pool whose statements are prepared once per
// connection and kept: SQLite otherwise parses and plans every statement on
// every call, which was a quarter of the CPU of filing a request.
type cachedDB struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
	// Statements first met inside a transaction: the transaction holds the
	// writer's one connection, so they are prepared after it commits.
	wanted map[string]bool
}

func newCachedDB(db *sql.DB) *cachedDB {
	return &cachedDB{db: db, m: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// cacheable: data statements and savepoints only; PRAGMA, DDL and VACUUM
// run as given.
func cacheable(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n(")
	if len(q) < 6 {
		return false
	}
	switch strings.ToUpper(q[:6]) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "SAVEPO", "RELEAS", "ROLLBA":
		return true
	}
	return strings.HasPrefix(strings.ToUpper(q[:5]), "WITH ")
}

// cached returns q's prepared statement if there is one; otherwise it
// notes q to be prepared by prepareWanted.
func (c *cachedDB) cached(q string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[q]
	c.mu.RUnlock()
	if ok || !cacheable(q) {
		return st
	}
	c.mu.Lock()
	if c.m != nil && len(c.m)+len(c.wanted) < maxCachedStmts {
		c.wanted[q] = true
	}
	c.mu.Unlock()
	return nil
}

// prepareWanted prepares the statements noted by cached; the committer
// calls it between transactions, when the writer's connection is free.
func (c *cachedDB) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	qs := make([]string, 0, len(c.wanted))
	for q := range c.wanted {
		qs = append(qs, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range qs {
		c.prepare(ctx, q)
	}
}

// stmt returns the pool's prepared statement for q, preparing it if need
// be, or nil when q is not cached (not a data statement, the cache is
// full, or it does not prepare; the caller then runs q directly and gets
// the driver's own error). It takes a connection of the pool to prepare,
// so it is not for use inside a transaction.
func (c *cachedDB) stmt(ctx context.Context, q string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[q]
	c.mu.RUnlock()
	if ok || !cacheable(q) {
		return st
	}
	return c.prepare(ctx, q)
}

// prepare prepares q and keeps it. The lock is never held while waiting
// for a connection: on the writer, the connection may be in a transaction
// whose statements need the lock to look up theirs.
func (c *cachedDB) prepare(ctx context.Context, q string) *sql.Stmt {
	c.mu.RLock()
	full := c.m == nil || len(c.m) >= maxCachedStmts
	c.mu.RUnlock()
	if full {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[q]; ok {
		_ = st.Close()
		return old
	}
	if c.m == nil || len(c.m) >= maxCachedStmts {
		_ = st.Close()
		return nil
	}
	c.m[q] = st
	return st
}

func (c *cachedDB) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m = nil
}

func (c *cachedDB) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, q, args...)
}

// QueryContext: a connection with open rows is not lent to anyone else, so
// a pool statement can serve many readers at once.
func (c *cachedDB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, q, args...)
}

func (c *cachedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st := c.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, q, args...)
}

// cachedTx runs a transaction's statements through the writer's cache.
// Inside one transaction every statement shares the one connection, so a
// multi-row query is not taken from the cache: the same query run again
// while its rows are still being read (a loop over a tree, say) would reset
// the statement under them. Exec and QueryRow finish before the next call.
//
// A statement the pool has not prepared yet (it cannot while the
// transaction holds the writer's one connection) is prepared in the
// transaction and kept until it ends, so a long transaction that runs one
// statement many times (a bulk load) parses it once.
type cachedTx struct {
	tx    *sql.Tx
	c     *cachedDB
	local map[string]*sql.Stmt
}

// maxTxStmts bounds the statements a transaction keeps for itself.
const maxTxStmts = 256

// stmt is the statement to run q with in the transaction, or nil to run it
// directly; done closes a statement taken from the pool's cache.
func (t *cachedTx) stmt(ctx context.Context, q string) (st *sql.Stmt, done func()) {
	if ps := t.c.cached(q); ps != nil {
		ts := t.tx.StmtContext(ctx, ps)
		return ts, func() { _ = ts.Close() }
	}
	if st, ok := t.local[q]; ok {
		return st, func() {}
	}
	if !cacheable(q) || len(t.local) >= maxTxStmts {
		return nil, nil
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, nil // run directly: the driver reports the error
	}
	if t.local == nil {
		t.local = map[string]*sql.Stmt{}
	}
	t.local[q] = st
	return st, func() {}
}

func (t *cachedTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st, done := t.stmt(ctx, q); st != nil {
		defer done()
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *cachedTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *cachedTx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if st, done := t.stmt(ctx, q); st != nil {
		// Closing the transaction's handle leaves the statement prepared
		// for the next call; the row already holds what it needs.
		defer done()
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, q, args...)
}
