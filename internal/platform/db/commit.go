package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Group commit on SQLite. Every WithTx outside a transaction hands its fn
// to one goroutine, which runs the fns that are waiting one after another
// in one transaction (each after the first in its own savepoint), and commits them with one
// fsync. A caller learns its result only after that commit, so an answer
// of success still means the write is on disk; what is saved is the fsync
// and the pages written per transaction, which were most of the cost of a
// small write (filing a request) under load. A fn that fails is rolled back
// to its savepoint and does not touch its neighbours.

// maxBatch bounds how many transactions share one commit.
const maxBatch = 256

type job struct {
	ctx      context.Context
	fn       func(context.Context) error
	hooks    afterHooks
	err      error
	panicked any
	done     chan struct{}
}

type committer struct {
	w      *sql.DB
	c      *cachedDB
	q      chan *job
	mu     sync.RWMutex
	closed bool
	exited chan struct{}
}

// onCommitter marks the ctx a fn runs with, to catch a fn that starts a
// separate transaction of its own: it would wait for itself forever.
type onCommitter struct{}

var errClosed = errors.New("database closed")

func newCommitter(w *sql.DB, c *cachedDB) *committer {
	m := &committer{w: w, c: c, q: make(chan *job, 1024), exited: make(chan struct{})}
	go m.loop()
	return m
}

func (m *committer) run(ctx context.Context, fn func(context.Context) error) error {
	if ctx.Value(onCommitter{}) != nil {
		return errors.New("db: WithTx called without its transaction from inside a transaction; pass the transaction's ctx")
	}
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return errClosed
	}
	m.q <- j
	m.mu.RUnlock()
	// Wait even if ctx ends meanwhile: the fn may already be committed,
	// and its caller must not be told otherwise.
	<-j.done
	j.hooks.run(ctx)
	if j.panicked != nil {
		panic(j.panicked)
	}
	return j.err
}

// stop lets the transactions already handed in commit, then ends the loop.
func (m *committer) stop() {
	m.mu.Lock()
	if !m.closed {
		m.closed = true
		close(m.q)
	}
	m.mu.Unlock()
	<-m.exited
}

func (m *committer) loop() {
	defer close(m.exited)
	for j := range m.q {
		m.batch(j)
		m.c.prepareWanted(context.Background())
	}
}

// batch runs first and whatever else is waiting in one transaction.
func (m *committer) batch(first *job) {
	var ran []*job
	finish := func(err error) {
		for _, j := range ran {
			if j.err == nil && j.panicked == nil {
				j.err = err
			}
			close(j.done)
		}
	}
	tx, err := m.w.BeginTx(context.Background(), nil)
	if err != nil {
		ran = append(ran, first)
		finish(fmt.Errorf("begin: %w", err))
		return
	}
	q := &cachedTx{tx: tx, c: m.c}
	// The first fn runs without a savepoint: if it fails, the transaction
	// holds nothing else and is rolled back whole. A savepoint would make
	// SQLite keep the original of every page the fn changes, which a bulk
	// load (an import, the demo) pays for page by page.
	ran = append(ran, first)
	m.call(tx, q, first)
	if first.err != nil || first.panicked != nil {
		_ = tx.Rollback()
		finish(nil)
		return
	}
	j := first
	for {
		if len(ran) == maxBatch {
			break
		}
		var ok bool
		select {
		case j, ok = <-m.q:
		default:
		}
		if !ok {
			break
		}
		ran = append(ran, j)
		if err := m.one(tx, q, j); err != nil {
			// The transaction itself is gone (the disk is full, say):
			// nothing in it was committed, and everyone in it is told.
			_ = tx.Rollback()
			finish(fmt.Errorf("transaction lost: %w", err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		finish(fmt.Errorf("commit: %w", err))
		return
	}
	finish(nil)
}

// one runs a job in a savepoint. It returns an error only when the
// transaction can no longer be used.
func (m *committer) one(tx *sql.Tx, q *cachedTx, j *job) error {
	bg := context.Background()
	if _, err := q.ExecContext(bg, `SAVEPOINT g`); err != nil {
		return err
	}
	m.call(tx, q, j)
	if j.err != nil || j.panicked != nil {
		if _, err := q.ExecContext(bg, `ROLLBACK TO g`); err != nil {
			return err
		}
	}
	_, err := q.ExecContext(bg, `RELEASE g`)
	return err
}

// call runs a job's fn in the transaction, catching a panic for its caller.
func (m *committer) call(tx *sql.Tx, q *cachedTx, j *job) {
	ctx := context.WithValue(context.WithoutCancel(j.ctx), txKey{}, &txn{tx: tx, q: q})
	ctx = context.WithValue(context.WithValue(ctx, hooksKey{}, &j.hooks), onCommitter{}, true)
	defer func() {
		if p := recover(); p != nil {
			j.panicked = p
		}
	}()
	j.err = j.fn(ctx)
}
