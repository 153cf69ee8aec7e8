// Package dbtest gives each test a fresh, migrated database: a SQLite file
// in the test's temporary folder, or, when SHEQU_TEST_POSTGRES holds a
// PostgreSQL URL, a new schema there that is dropped after the test.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"shequ/internal/platform/db"
)

// PostgresURL is the server tests use, if any.
func PostgresURL() string { return os.Getenv("SHEQU_TEST_POSTGRES") }

// Config returns a database config for a fresh database, and registers its cleanup.
func Config(t testing.TB) db.Config {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		return db.Config{DataDir: t.TempDir()}
	}
	base = noSyncCommit(base)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return db.Config{DataDir: t.TempDir(), URL: u.String()}
}

// noSyncCommit sets synchronous_commit=off on the test connections (the
// startup "options" parameter, which pgx and libpq's pg_dump both take): a commit then
// does not wait for its WAL flush. It halves the time to migrate a test
// schema, and loses nothing a test can see: only a crash of the server
// itself could drop the last commits, and then the test has failed anyway.
// Production connections keep the server's default.
func noSyncCommit(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	if q.Get("options") == "" {
		q.Set("options", "--synchronous_commit=off") // no space: URL encoders differ on it
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a fresh migrated database, closed after the test.
func Open(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), Config(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}
