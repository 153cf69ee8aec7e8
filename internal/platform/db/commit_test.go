package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
)

// Many writers at once, some failing after they wrote and some panicking:
// exactly the ones told "committed" are in the table, on either engine (on
// SQLite they share commits; on PostgreSQL each has its own).
func TestWithTxManyWritersKeepExactlyTheCommitted(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.W(ctx).ExecContext(ctx, `CREATE TABLE gc_probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	const n = 600
	var mu sync.Mutex
	committed := map[int]bool{}
	var wg sync.WaitGroup
	for i := 1; i <= n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil && i%7 != 0 {
					t.Errorf("writer %d: unexpected panic %v", i, p)
				}
			}()
			err := d.WithTx(ctx, func(ctx context.Context) error {
				if _, err := d.W(ctx).ExecContext(ctx, `INSERT INTO gc_probe (id, note) VALUES ($1, $2)`, i, fmt.Sprint("w", i)); err != nil {
					return err
				}
				switch {
				case i%7 == 0:
					panic("writer gives up")
				case i%5 == 0:
					return errors.New("refused after writing")
				case i%11 == 0:
					// A duplicate key: the statement fails, the writer's
					// earlier insert must go too.
					_, err := d.W(ctx).ExecContext(ctx, `INSERT INTO gc_probe (id, note) VALUES ($1, 'dup')`, i)
					return err
				}
				return nil
			})
			if err == nil {
				mu.Lock()
				committed[i] = true
				mu.Unlock()
			} else if i%5 != 0 && i%11 != 0 {
				t.Errorf("writer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	rows, err := d.Q(ctx).QueryContext(ctx, `SELECT id FROM gc_probe`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	stored := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored[id] = true
	}
	if len(stored) != len(committed) {
		t.Errorf("%d rows stored, %d writers told committed", len(stored), len(committed))
	}
	for id := range committed {
		if !stored[id] {
			t.Errorf("writer %d was told committed but its row is missing", id)
		}
	}
	for id := range stored {
		if !committed[id] {
			t.Errorf("row %d is stored but its writer was refused", id)
		}
	}
	want := 0
	for i := 1; i <= n; i++ {
		if i%7 != 0 && i%5 != 0 && i%11 != 0 {
			want++
		}
	}
	if len(committed) != want {
		t.Errorf("%d committed, want %d", len(committed), want)
	}
}

// A fn that starts a transaction of its own, without its ctx, is told so
// instead of waiting for itself.
func TestWithTxSeparateTransactionInsideIsRefused(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	if d.Dialect != db.SQLite {
		t.Skip("PostgreSQL runs separate transactions side by side")
	}
	ctx := context.Background()
	err := d.WithTx(ctx, func(ctx context.Context) error {
		return d.WithTx(db.WithoutTx(ctx), func(context.Context) error { return nil })
	})
	if err == nil || !strings.Contains(err.Error(), "without its transaction") {
		t.Fatalf("got %v", err)
	}
}

// AfterTx runs after the commit, outside the transaction, for every
// writer that shared it.
func TestAfterTxRunsOutsideTheTransaction(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	ran := false
	err := d.WithTx(ctx, func(ctx context.Context) error {
		db.AfterTx(ctx, func(ctx context.Context) {
			ran = !db.InTx(ctx)
		})
		return errors.New("rolled back")
	})
	if err == nil || !ran {
		t.Fatalf("err %v, hook ran outside: %v", err, ran)
	}
}

// A single statement outside any transaction, new to the statement cache,
// waits for the writer while a transaction that also meets new statements
// holds it: both finish (the cache must not hold its lock while waiting
// for a connection).
func TestAutocommitBesideATransactionWithNewStatements(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	if _, err := d.W(ctx).ExecContext(ctx, `CREATE TABLE gc_side (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 2)
	inTx := make(chan struct{})
	go func() {
		done <- d.WithTx(ctx, func(ctx context.Context) error {
			close(inTx)
			// Give the autocommit below time to ask for the writer.
			time.Sleep(200 * time.Millisecond)
			for i := 0; i < 3; i++ {
				if _, err := d.W(ctx).ExecContext(ctx, fmt.Sprintf(`INSERT INTO gc_side (id, note) VALUES ($1, 'tx %d')`, i), 10+i); err != nil {
					return err
				}
			}
			return nil
		})
	}()
	<-inTx
	go func() {
		_, err := d.W(ctx).ExecContext(ctx, `INSERT INTO gc_side (id, note) VALUES ($1, 'autocommit')`, 1)
		done <- err
	}()
	for i := 0; i < 2; i++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the autocommit and the transaction wait for each other")
		}
	}
	var n int
	if err := d.Q(ctx).QueryRowContext(ctx, `SELECT COUNT(*) FROM gc_side`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("%d rows, %v", n, err)
	}
}
