// Package dbtest gives each test a fresh, migrated database: a SQLite file
// in the test's temporary folder, or, when SHEQU_TEST_POSTGRES holds a
// PostgreSQL URL, a schema there that is the test's alone until it ends.
//
// Neither is migrated per test. The migrations run once into a template
// named by a hash of the migration files, kept where every test binary on
// the machine finds it: a SQLite file in the system's temporary folder, a
// schema on the PostgreSQL server. Each test then gets a copy: the file
// copied, or a slot (a schema made once from the template's pg_dump and
// used again by test after test) refilled with the template's rows. A
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
// of the binary's admin session for the test's life (released when the
// test ends, or when its binary dies). Taking a slot empties its tables
// that have rows (DELETE, children first; TRUNCATE for the tables with
// triggers of their own, since audit_log refuses DELETE: a TRUNCATE of
// every table makes new files for each and costs several times more) and
// copies the rows of the source (the template, or the schema Clone
// copies) into it, parents before the tables that refer to them, in one
// transaction. A slot is made once, from the template's pg_dump. Copying
// a few hundred rows costs a fraction of making a hundred tables and
// their indexes: that DDL is what made a fresh schema per test slow (2 s
// each on the shared machine).
type pgTemplate struct {
	schema    string // the migrated template
	hash      string
	ddl       string   // its pg_dump, its name written templateToken
	tables    []string // parents before the tables that refer to them
	guarded   []string // tables with triggers of their own (audit_log refuses DELETE)
	sequences []string
	relations []string // every relation's name
	functions []string
	shape     string // shapeQuery's answer for it
}

// shapeQuery sums up a schema's shape: its relations (tables, indexes,
// sequences, views), their columns (name, type, NOT NULL, whether it has
// a default), constraints (name, kind, columns, the table referred to),
// triggers (name, enabled, kind; the foreign keys' own triggers counted)
// and indexes, and its functions (name, source). A test may change its
// slot's shape (the audit tests drop the append-only triggers to tamper
// with the log): taking a slot whose shape is not the template's makes it
// again.
//
// It is asked at every claim, so it is made cheap. The relations and
// functions are found by name ($2, $3: the template's), through the
// catalogs' name indexes: a scan of pg_class for a schema's rows reads
// every slot's (tens of thousands of rows). What a test adds is counted
// through the catalogs' indexes too: a table, sequence or function by its
// dependency on the schema, an index of a template table by pg_index, a
// foreign key to one by its triggers on the table referred to. Every part is a sum
// of hashes of names and numbers, never of objects' own OIDs, so that a
// slot and the template compare; no test changes an expression in place.
const shapeQuery = `WITH n AS MATERIALIZED (SELECT oid FROM pg_namespace WHERE nspname = $1),
c AS MATERIALIZED (
	SELECT c.oid, c.relname FROM unnest($2::text[]) r(name)
	JOIN pg_class c ON c.relname = r.name AND c.relnamespace = (SELECT oid FROM n))
SELECT concat_ws(' ',
	(SELECT count(*) FROM c),
	(SELECT sum(hashtext(c.relname || '.' || a.attname || ' ' || a.atttypid::text || ' ' || a.atttypmod::text || ' ' || a.attnotnull::text || ' ' || a.atthasdef::text)::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) a),
	(SELECT sum(hashtext(c.relname || '.' || k.conname || ' ' || k.contype::text || ' ' || k.conkey::text || ' ' || COALESCE(k.confkey::text, '') || ' ' || COALESCE(f.relname, ''))::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_constraint k WHERE k.conrelid = c.oid) k LEFT JOIN pg_class f ON f.oid = k.confrelid),
	(SELECT sum(hashtext(c.relname || '.' || CASE WHEN t.tgisinternal THEN 'internal' ELSE t.tgname END || ' ' || t.tgenabled::text || ' ' || t.tgtype::text)::bigint)
	   FROM c CROSS JOIN LATERAL (SELECT * FROM pg_trigger t WHERE t.tgrelid = c.oid) t),
	(SELECT count(*) FROM c CROSS JOIN LATERAL (SELECT FROM pg_index i WHERE i.indrelid = c.oid) i),
	(SELECT count(*) FROM pg_depend d WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = (SELECT oid FROM n)),
	(SELECT sum(hashtext(p.proname || ' ' || md5(p.prosrc))::bigint)
	   FROM pg_proc p WHERE p.proname = ANY ($3::text[]) AND p.pronamespace = (SELECT oid FROM n)))`

// shapeOf answers shapeQuery for schema.
func (t *pgTemplate) shapeOf(ctx context.Context, conn *sql.Conn, schema string) (string, error) {
	var shape string
	err := conn.QueryRowContext(ctx, shapeQuery, schema, t.relations, t.functions).Scan(&shape)
	return shape, err
}

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
	if tmpl.relations, err = names(ctx, conn, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 ORDER BY 1`, tmpl.schema); err != nil {
		return nil, err
	}
	if tmpl.functions, err = names(ctx, conn, `SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1`, tmpl.schema); err != nil {
		return nil, err
	}
	if tmpl.shape, err = tmpl.shapeOf(ctx, conn, tmpl.schema); err != nil {
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

// admin is the test binary's own session on the server, which takes,
// fills and gives back every slot its tests use, one at a time. A new
// session per claim spent most of the claim loading the catalog entries
// of the slot's tables and indexes (a fill opens several hundred): the
// same session finds them cached when it fills the same slots again,
// which is what a binary's tests do.
var admin struct {
	mu   sync.Mutex
	pool *sql.DB
	conn *sql.Conn
	held map[int32]bool // the slots whose advisory locks the session holds
}

// adminConn returns the binary's admin session; admin.mu is held.
func adminConn(ctx context.Context, base string) (*sql.Conn, error) {
	if admin.conn != nil {
		return admin.conn, nil
	}
	pool, err := sql.Open("pgx", base)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(1)
	conn, err := pool.Conn(ctx)
	if err != nil {
		pool.Close()
		return nil, err
	}
	admin.pool, admin.conn, admin.held = pool, conn, map[int32]bool{}
	return conn, nil
}

// claim takes a free slot for the test, fills it with a copy of the rows
// of schema src, and returns its name. The slot is the test's until it
// ends, held by a session advisory lock of the binary's admin session:
// another binary cannot take it, and when this one dies, its locks go
// with its session.
func claim(t testing.TB, base, src string) string {
	t.Helper()
	tmpl, err := postgresTemplate(base)
	if err != nil {
		t.Fatalf("dbtest: PostgreSQL template: %v", err)
	}
	ctx := context.Background()
	admin.mu.Lock()
	defer admin.mu.Unlock()
	conn, err := adminConn(ctx, base)
	if err != nil {
		t.Fatalf("dbtest: connect: %v", err)
	}
	var n int32
	for try := int32(1); try <= 10000 && n == 0; try++ {
		if admin.held[try] {
			continue // the session's own: a second lock would succeed
		}
		var got bool
		if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, $2)`, lockKey(tmpl.hash), try).Scan(&got); err != nil {
			t.Fatalf("dbtest: take a slot: %v", err)
		}
		if got {
			n = try
		}
	}
	if n == 0 {
		t.Fatal("dbtest: no free slot")
	}
	admin.held[n] = true
	// The slot keeps its rows until the next test takes it.
	t.Cleanup(func() {
		admin.mu.Lock()
		defer admin.mu.Unlock()
		delete(admin.held, n)
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1, $2)`, lockKey(tmpl.hash), n); err != nil {
			t.Errorf("dbtest: give back slot %d: %v", n, err)
		}
	})
	slot := fmt.Sprintf("shequ_pool_%s_%d", tmpl.hash, n)
	shape, err := tmpl.shapeOf(ctx, conn, slot)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	if shape != tmpl.shape {
		// One statement string, sent with the simple protocol (no
		// arguments): the schema, its tables and rows, in one transaction.
		fmt.Fprintf(&b, "DROP SCHEMA IF EXISTS %s CASCADE;\n", slot)
		b.WriteString(strings.ReplaceAll(tmpl.ddl, templateToken, slot))
		b.WriteString("\n")
	}
	if shape == tmpl.shape || src != tmpl.schema {
		b.WriteString(fillSQL(tmpl, slot, src))
	}
	b.WriteString("COMMIT;")
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		t.Fatalf("dbtest: fill slot %s from %s: %v", slot, src, err)
	}
	return slot
}

// fillSQL empties slot and copies the rows of src into it. Most tables
// are empty in both, so it looks first: a table is emptied only when it
// has rows (children first: an empty table refers to nothing), and filled
// only when src has rows (parents first). The tables with triggers of
// their own are truncated (audit_log refuses DELETE). Sequences take
// src's values.
func fillSQL(tmpl *pgTemplate, slot, src string) string {
	children := make([]string, len(tmpl.tables))
	for i, tb := range tmpl.tables {
		children[len(tmpl.tables)-1-i] = tb
	}
	return fmt.Sprintf(`DO $fill$ DECLARE
	slot text := %s; src text := %s; t text; present boolean;
BEGIN
	FOREACH t IN ARRAY %s LOOP
		EXECUTE format('SELECT EXISTS (SELECT FROM %%I.%%I)', slot, t) INTO present;
		IF present AND t = ANY (%s) THEN
			EXECUTE format('TRUNCATE %%I.%%I CASCADE', slot, t);
		ELSIF present THEN
			EXECUTE format('DELETE FROM %%I.%%I', slot, t);
		END IF;
	END LOOP;
	FOREACH t IN ARRAY %s LOOP
		EXECUTE format('SELECT EXISTS (SELECT FROM %%I.%%I)', src, t) INTO present;
		IF present THEN
			EXECUTE format('INSERT INTO %%I.%%I SELECT * FROM %%I.%%I', slot, t, src, t);
		END IF;
	END LOOP;
	FOREACH t IN ARRAY %s LOOP
		EXECUTE format('SELECT setval(%%L, last_value, is_called) FROM %%I.%%I', format('%%I.%%I', slot, t), src, t);
	END LOOP;
END $fill$;
`, quoteLiteral(slot), quoteLiteral(src), textArray(children), textArray(tmpl.guarded), textArray(tmpl.tables), textArray(tmpl.sequences))
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func textArray(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteLiteral(n)
	}
	return "ARRAY[" + strings.Join(q, ", ") + "]::text[]"
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
