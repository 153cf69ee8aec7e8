// Package dbtest gives each test a fresh, migrated database: a SQLite file
// in the test's temporary folder, or, when SHEQU_TEST_POSTGRES holds a
// PostgreSQL URL, a new schema there that is dropped after the test.
//
// Neither is migrated per test. The migrations run once into a template
// named by a hash of the migration files, kept where every test binary on
// the machine finds it: a SQLite file in the system's temporary folder, a
// schema on the PostgreSQL server. Each test then gets a copy: the file
// copied, or the template's dump (taken once per test binary with
// pg_dump) replayed into the test's own schema in one round trip. A
// change to any migration changes the hash, so a stale template is never
// used; two binaries that build the same template at once do not meet
// (SQLite: each writes its own file and renames it into place; PostgreSQL:
// an advisory lock of the template's own).
package dbtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"shequ/internal/platform/db"
	"shequ/migrations"
)

// PostgresURL is the server tests use, if any.
func PostgresURL() string { return os.Getenv("SHEQU_TEST_POSTGRES") }

// format changes when the way templates are built changes, so that a
// template left by an older dbtest is not reused.
const format = "dbtest-1"

// Config returns a database config for a fresh migrated database, and
// registers its cleanup.
func Config(t testing.TB) db.Config {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		dir := t.TempDir()
		tmpl, err := sqliteTemplate()
		if err != nil {
			t.Fatalf("dbtest: SQLite template: %v", err)
		}
		if err := copyFile(tmpl, filepath.Join(dir, "shequ.db")); err != nil {
			t.Fatalf("dbtest: copy the template: %v", err)
		}
		return db.Config{DataDir: dir}
	}
	base = noSyncCommit(base)
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatalf("dbtest: PostgreSQL template: %v", err)
	}
	return db.Config{DataDir: t.TempDir(), URL: withSearchPath(t, base, claim(t, base, tmpl.schema))}
}

// Empty returns a database config for an empty, unmigrated database, and
// registers its cleanup: for the tests of migrating itself, and for a test
// that changes the schema (a copy of the template may not be changed: its
// slot is used again).
func Empty(t testing.TB) db.Config {
	t.Helper()
	base := PostgresURL()
	if base == "" {
		return db.Config{DataDir: t.TempDir()}
	}
	base = noSyncCommit(base)
	schema := "t_" + randomHex(6)
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
	return db.Config{DataDir: t.TempDir(), URL: withSearchPath(t, base, schema)}
}

func withSearchPath(t testing.TB, base, schema string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Clone returns a config for a copy of the database from (a config Config
// or Clone returned), which must be closed, and registers the copy's
// cleanup. The copy's data folder holds a copy of from's files too (the
// PII key, uploads). A test builds the state many subtests start from
// once, then gives each subtest its own copy.
func Clone(t testing.TB, from db.Config) db.Config {
	t.Helper()
	dir := t.TempDir()
	if err := copyDir(from.DataDir, dir); err != nil {
		t.Fatalf("dbtest: copy the data folder: %v", err)
	}
	if from.URL == "" {
		return db.Config{DataDir: dir}
	}
	src, err := url.Parse(from.URL)
	if err != nil {
		t.Fatal(err)
	}
	base := noSyncCommit(PostgresURL())
	return db.Config{DataDir: dir, URL: withSearchPath(t, base, claim(t, base, src.Query().Get("search_path")))}
}

// Checkpoint folds a SQLite database's write-ahead log into its file, so
// that the file alone holds every committed change; a no-op on PostgreSQL.
func Checkpoint(ctx context.Context, d *db.DB) error {
	if d.Dialect != db.SQLite {
		return nil
	}
	_, err := d.Writer().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
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
	// A no-op on a copy of the template; it fails if the copy is not
	// at the migrations' latest version.
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// migrationsHash names the migrations of an engine: their file names and
// contents.
func migrationsHash(dialect db.Dialect) (string, error) {
	h := sha256.New()
	h.Write([]byte(format))
	err := fs.WalkDir(migrations.FS, string(dialect), func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// templateDir is where SQLite templates are kept: the system's temporary
// folder as the binary started (a test may point TMPDIR at its own folder,
// which goes when it ends).
var templateDir = filepath.Join(os.TempDir(), "shequ-dbtest")

var sqliteTmpl sync.Mutex

// sqliteTemplate returns the path of the migrated template file, making it
// when it is not there (once per machine and migrations, unless removed).
func sqliteTemplate() (string, error) {
	sqliteTmpl.Lock()
	defer sqliteTmpl.Unlock()
	return makeSQLiteTemplate()
}

func makeSQLiteTemplate() (string, error) {
	hash, err := migrationsHash(db.SQLite)
	if err != nil {
		return "", err
	}
	dir := templateDir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "sqlite-"+hash+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	// Migrate in a folder of our own, then move the file into place: a
	// binary that looks meanwhile sees no file or the whole of it.
	work, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(work)
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: work})
	if err != nil {
		return "", err
	}
	if _, err := d.Migrate(ctx); err != nil {
		d.Close()
		return "", err
	}
	if err := Checkpoint(ctx, d); err != nil {
		d.Close()
		return "", err
	}
	if err := d.Close(); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(work, "shequ.db-wal")); err == nil {
		return "", errors.New("the write-ahead log outlived the checkpoint")
	}
	if err := os.Rename(filepath.Join(work, "shequ.db"), path); err != nil {
		return "", err
	}
	// Templates of earlier migrations are of no further use.
	old, _ := filepath.Glob(filepath.Join(dir, "sqlite-*.db"))
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	return path, nil
}

// templateToken stands for the schema's name in the template's dump.
const templateToken = "shequ_dbtest_template_schema"

// On PostgreSQL the template is a schema migrated once per migrations
// hash. A test gets a slot: a schema of the same shape kept on the server
// and used again, shequ_pool_<hash>_<n>, held by a session advisory lock
// for the test's life (released when the test ends, or when its binary
// dies). Taking a slot empties it (DELETE, children first; TRUNCATE for
// the tables with triggers of their own, since audit_log refuses DELETE:
// a TRUNCATE of every table makes new files for each and costs several
// times more) and copies the rows of the source (the template, or the schema Clone copies) into it, parents
// before the tables that refer to them, in one transaction. A slot is made
// once, from the template's pg_dump. Copying a few hundred rows costs a
// fraction of making a hundred tables and their indexes: that DDL is what
// made a fresh schema per test slow (2 s each on the shared machine).
type pgTemplate struct {
	schema    string // the migrated template
	hash      string
	ddl       string   // its pg_dump, its name written templateToken
	tables    []string // parents before the tables that refer to them
	guarded   []string // tables with triggers of their own (audit_log refuses DELETE)
	sequences []string
	shape     string // shapeQuery's answer for it
}

// shapeQuery sums up a schema's shape: its relations (tables, indexes,
// sequences, views), their columns (name, type, NOT NULL, whether it has
// a default), constraints (name, kind, columns, the table referred to),
// triggers (name, enabled, kind) and functions (name, source). A test may
// change its slot's shape (the audit tests drop the append-only triggers
// to tamper with the log): taking a slot whose shape is not the
// template's makes it again. Every part is a sum of hashes of names and
// numbers, never of objects' own OIDs, so that a slot and the template
// compare; deparsing each constraint and default (pg_get_constraintdef)
// cost half of a claim, and no test changes an expression in place.
const shapeQuery = `WITH c AS MATERIALIZED (
	SELECT c.oid, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1)
SELECT concat_ws(' ',
	(SELECT count(*) FROM c),
	(SELECT sum(hashtext(c.relname || '.' || a.attname || ' ' || a.atttypid::text || ' ' || a.atttypmod::text || ' ' || a.attnotnull::text || ' ' || a.atthasdef::text)::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) a),
	(SELECT sum(hashtext(c.relname || '.' || k.conname || ' ' || k.contype::text || ' ' || k.conkey::text || ' ' || COALESCE(k.confkey::text, '') || ' ' || COALESCE(f.relname, ''))::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_constraint k WHERE k.conrelid = c.oid) k LEFT JOIN pg_class f ON f.oid = k.confrelid),
	(SELECT sum(hashtext(c.relname || '.' || t.tgname || ' ' || t.tgenabled::text || ' ' || t.tgtype::text)::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) t),
	(SELECT sum(hashtext(p.proname || ' ' || md5(p.prosrc))::bigint)
	   FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1))`

var pgTmpl struct {
	once sync.Once
	t    *pgTemplate
	err  error
}

// postgresTemplate returns the template, made (or found) once per test
// binary.
func postgresTemplate(base string) (*pgTemplate, error) {
	pgTmpl.once.Do(func() {
		pgTmpl.t, pgTmpl.err = makePostgresTemplate(base)
	})
	return pgTmpl.t, pgTmpl.err
}

func makePostgresTemplate(base string) (*pgTemplate, error) {
	hash, err := migrationsHash(db.Postgres)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	// Each role its own template and slots: another role's are not ours
	// to read or fill.
	var user string
	if err := conn.QueryRowContext(ctx, `SELECT current_user`).Scan(&user); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(hash + " " + user))
	hash = hex.EncodeToString(sum[:])[:16]
	tmpl := &pgTemplate{schema: "shequ_tmpl_" + hash, hash: hash}
	// Binaries that start together build the template once: the others
	// wait on this lock, then find it.
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1, 0)`, lockKey(hash)); err != nil {
		return nil, err
	}
	defer conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, 0)`, lockKey(hash)) //nolint:errcheck
	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)`, tmpl.schema).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		// Migrate under a name of its own and rename when done, so that a
		// binary stopped half way leaves no half-migrated template.
		work := "shequ_tmplwork_" + randomHex(6)
		if _, err := conn.ExecContext(ctx, `CREATE SCHEMA `+work); err != nil {
			return nil, err
		}
		u, err := url.Parse(base)
		if err != nil {
			return nil, err
		}
		q := u.Query()
		q.Set("search_path", work)
		u.RawQuery = q.Encode()
		d, err := db.Open(ctx, db.Config{URL: u.String()})
		if err == nil {
			_, err = d.Migrate(ctx)
			d.Close()
		}
		if err == nil {
			_, err = conn.ExecContext(ctx, `ALTER SCHEMA `+work+` RENAME TO `+tmpl.schema)
		}
		if err != nil {
			_, _ = conn.ExecContext(ctx, `DROP SCHEMA `+work+` CASCADE`)
			return nil, err
		}
	}
	dump, err := pgDump(base, tmpl.schema)
	if err != nil {
		return nil, err
	}
	tmpl.ddl = strings.ReplaceAll(dump, tmpl.schema, templateToken)
	tables, err := names(ctx, conn, `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, tmpl.schema)
	if err != nil {
		return nil, err
	}
	refs, err := names(ctx, conn, `SELECT c.relname || ' ' || p.relname FROM pg_constraint f
		JOIN pg_class c ON c.oid = f.conrelid JOIN pg_class p ON p.oid = f.confrelid
		JOIN pg_namespace n ON n.oid = f.connamespace
		WHERE f.contype = 'f' AND n.nspname = $1 AND c.oid <> p.oid`, tmpl.schema)
	if err != nil {
		return nil, err
	}
	if tmpl.tables, err = parentsFirst(tables, refs); err != nil {
		return nil, err
	}
	if tmpl.guarded, err = names(ctx, conn, `SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`, tmpl.schema); err != nil {
		return nil, err
	}
	if err := conn.QueryRowContext(ctx, shapeQuery, tmpl.schema).Scan(&tmpl.shape); err != nil {
		return nil, err
	}
	if tmpl.sequences, err = names(ctx, conn, `SELECT sequencename FROM pg_sequences WHERE schemaname = $1 ORDER BY 1`, tmpl.schema); err != nil {
		return nil, err
	}
	return tmpl, nil
}

// parentsFirst orders tables so that each comes after the tables it refers
// to; refs are "child parent" pairs.
func parentsFirst(tables, refs []string) ([]string, error) {
	parents := map[string][]string{}
	for _, r := range refs {
		c, p, _ := strings.Cut(r, " ")
		parents[c] = append(parents[c], p)
	}
	var out []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(tb string) error {
		switch state[tb] {
		case 1:
			return fmt.Errorf("foreign keys in a cycle through %s", tb)
		case 2:
			return nil
		}
		state[tb] = 1
		for _, p := range parents[tb] {
			if err := visit(p); err != nil {
				return err
			}
		}
		state[tb] = 2
		out = append(out, tb)
		return nil
	}
	for _, tb := range tables {
		if err := visit(tb); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func names(ctx context.Context, conn *sql.Conn, q, schema string) ([]string, error) {
	rows, err := conn.QueryContext(ctx, q, schema)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// lockKey is the first key of the template's advisory locks (the second is
// 0 for building it, n+1 for slot n).
func lockKey(hash string) int32 {
	b, _ := hex.DecodeString(hash[:8])
	return int32(binary.BigEndian.Uint32(b))
}

// claim takes a free slot for the test, fills it with a copy of the rows
// of schema src, and returns its name.
func claim(t testing.TB, base, src string) string {
	t.Helper()
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatalf("dbtest: PostgreSQL template: %v", err)
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	admin.SetMaxOpenConns(1)
	conn, err := admin.Conn(ctx)
	if err != nil {
		admin.Close()
		t.Fatal(err)
	}
	// Closing the pool ends the session, which releases the lock; the
	// slot keeps its rows until the next test takes it.
	t.Cleanup(func() {
		conn.Close()
		admin.Close()
	})
	slot := ""
	for n := 1; n <= 10000 && slot == ""; n++ {
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockKey(tmpl.hash), int32(n)).Scan(&got); err != nil {
			t.Fatalf("dbtest: take a slot: %v", err)
		}
		if got {
			slot = fmt.Sprintf("shequ_pool_%s_%d", tmpl.hash, n)
		}
	}
	if slot == "" {
		t.Fatal("dbtest: no free slot")
	}
	var shape string
	if err := conn.QueryRowContext(ctx, shapeQuery, slot).Scan(&shape); err != nil {
		t.Fatal(err)
	}
	exists := shape == tmpl.shape
	if !exists {
		if _, err := conn.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+slot+` CASCADE`); err != nil {
			t.Fatalf("dbtest: drop slot %s, whose shape changed: %v", slot, err)
		}
		// One statement string, sent with the simple protocol (no
		// arguments): the schema, its tables and rows, in one transaction.
		if _, err := conn.ExecContext(ctx, "BEGIN;\n"+strings.ReplaceAll(tmpl.ddl, templateToken, slot)+"\nCOMMIT;"); err != nil {
			t.Fatalf("dbtest: make slot %s: %v", slot, err)
		}
		if src == tmpl.schema {
			return slot
		}
	}
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	if len(tmpl.guarded) > 0 {
		b.WriteString("TRUNCATE ")
		for i, tb := range tmpl.guarded {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s.%q", slot, tb)
		}
		b.WriteString(" CASCADE;\n")
	}
	for i := len(tmpl.tables) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "DELETE FROM %s.%q;\n", slot, tmpl.tables[i])
	}
	for _, tb := range tmpl.tables {
		fmt.Fprintf(&b, "INSERT INTO %s.%q SELECT * FROM %s.%q;\n", slot, tb, src, tb)
	}
	for _, sq := range tmpl.sequences {
		fmt.Fprintf(&b, "SELECT setval('%s.%q', last_value, is_called) FROM %s.%q;\n", slot, sq, src, sq)
	}
	b.WriteString("COMMIT;")
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		t.Fatalf("dbtest: fill slot %s from %s: %v", slot, src, err)
	}
	return slot
}

// pgDump returns the SQL that recreates schema and its rows (as INSERTs,
// which a plain Exec can run), without psql's meta-commands.
func pgDump(base, schema string) (string, error) {
	var out, stderr bytes.Buffer
	cmd := exec.Command("pg_dump", "--dbname="+base, "--schema="+schema, "--inserts", "--no-owner", "--no-privileges", "--no-comments")
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pg_dump: %w: %s", err, stderr.String())
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(out.String(), "\n") {
		if strings.HasPrefix(line, `\`) { // \restrict, \unrestrict
			continue
		}
		b.WriteString(line)
	}
	return b.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}

// copyDir copies the files under from into to (which exists), leaving out
// SQLite's shared-memory index, which the next opener rebuilds.
func copyDir(from, to string) error {
	return filepath.WalkDir(from, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(to, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(target, 0o700)
		case strings.HasSuffix(path, "-shm"):
			return nil
		}
		return copyFile(path, target)
	})
}
