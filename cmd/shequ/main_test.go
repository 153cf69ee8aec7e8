package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"shequ/internal/app"
	"shequ/internal/person"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/db/dbtest"
	"shequ/internal/platform/errs"
	"shequ/internal/platform/idcard"
)

// cli runs commands against one fresh database: SQLite in a data folder,
// or a PostgreSQL schema (through --db) when SHEQU_TEST_POSTGRES is set.
type cli struct {
	t   *testing.T
	cfg db.Config
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	// Say errors in English, whatever the machine's locale.
	t.Setenv("SHEQU_LANG", "en")
	t.Setenv("SHEQU_DB", "")
	t.Setenv("SHEQU_DATA", "")
	return &cli{t: t, cfg: dbtest.Config(t)}
}

// run runs `shequ words... --data D --db U rest...` and returns its output
// and error, the error said as main would say it.
func (c *cli) run(stdin string, words []string, rest ...string) (string, error) {
	c.t.Helper()
	args := append(append([]string{}, words...), "--data", c.cfg.DataDir, "--db", c.cfg.URL)
	args = append(args, rest...)
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	if err != nil {
		err = errors.New(describe(err))
	}
	return out.String(), err
}

func (c *cli) ok(stdin string, words []string, rest ...string) string {
	c.t.Helper()
	out, err := c.run(stdin, words, rest...)
	if err != nil {
		c.t.Fatalf("shequ %s: %v", strings.Join(words, " "), err)
	}
	return out
}

// open opens the application on the same database, as a server would.
func (c *cli) open() *app.App {
	c.t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: c.cfg.DataDir, DBURL: c.cfg.URL})
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { a.Close() })
	return a
}

func count(t *testing.T, a *app.App, table string) int {
	t.Helper()
	var n int
	if err := a.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	township = "131102001000"
	goodCSV  = `code,name,level,kind,parent_code
131100000000,衡水市,city,,
131102000000,桃城区,county,,131100000000
131102001000,河西街道,township,subdistrict,131102000000
131102001045,游园社区居民委员会,community,urban,131102001000
131102001201,西关村委会,community,rural,131102001000
`
	password = "Cli-Passw0rd-one"
)

func (c *cli) importGood() {
	c.t.Helper()
	c.ok("", []string{"import", "divisions"}, writeFile(c.t, "good.csv", goodCSV))
}

func TestMigrate(t *testing.T) {
	c := newCLI(t)
	c.cfg = dbtest.Empty(t) // from nothing, not a copy of the migrated template
	out := c.ok("", []string{"migrate"})
	if !strings.Contains(out, "the schema is up to date") || strings.HasPrefix(out, "applied 0 ") {
		t.Fatalf("first migrate: %q", out)
	}
	if out := c.ok("", []string{"migrate"}); !strings.HasPrefix(out, "applied 0 migrations") {
		t.Fatalf("second migrate should apply nothing: %q", out)
	}
}

func TestImportDivisions(t *testing.T) {
	c := newCLI(t)
	good := writeFile(t, "good.csv", goodCSV)
	if out := c.ok("", []string{"import", "divisions"}, good); out != "5 rows: 5 new, 0 changed, 0 unchanged\n" {
		t.Fatalf("first import: %q", out)
	}
	if out := c.ok("", []string{"import", "divisions"}, good); out != "5 rows: 0 new, 0 changed, 5 unchanged\n" {
		t.Fatalf("second import should change nothing: %q", out)
	}
	a := c.open()
	if n := count(t, a, "divisions"); n != 5 {
		t.Fatalf("%d divisions, want 5", n)
	}
	audits := count(t, a, "audit_log")

	// Every bad line is named, and nothing is written.
	bad := writeFile(t, "bad.csv", `code,name,level,kind,parent_code
131102002000,河东街道,township,subdistrict,131102000000
13110200201X,坏代码,community,urban,131102002000
131102002018,桥东社区,township,urban,131102002000
131102002000,河东街道又一次,township,subdistrict,131102000000
131102002201,集贤街村,community,hamlet,131102002000
131102002300,不知何级,village,,131102002000
`)
	_, err := c.run("", []string{"import", "divisions"}, bad)
	if err == nil {
		t.Fatal("a bad file was accepted")
	}
	for _, want := range []string{
		"Row 3, division code: must be a 12-digit division code",
		"Row 4, level:",
		"Row 5, division code:",
		"Row 6, kind: must be one of: rural, urban, other",
		"Row 7, level: must be one of",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "Row 2,") {
		t.Errorf("the good line 2 was blamed:\n%v", err)
	}
	// A parent that is neither in the file nor in the database.
	orphan := writeFile(t, "orphan.csv", "code,name,level,kind,parent_code\n131102002000,河东街道,township,subdistrict,131102000000\n131109001000,无主街道,township,town,131109000000\n")
	_, err = c.run("", []string{"import", "divisions"}, orphan)
	if err == nil || !strings.Contains(err.Error(), "Row 3, parent code:") || !strings.Contains(err.Error(), "131109000000") {
		t.Fatalf("missing parent: %v", err)
	}
	if n := count(t, a, "divisions"); n != 5 {
		t.Fatalf("a rejected file changed the tree: %d divisions", n)
	}
	if n := count(t, a, "audit_log"); n != audits {
		t.Fatalf("a rejected file was recorded as an import: %d audit records, want %d", n, audits)
	}
	if _, err := c.run("", []string{"import", "divisions"}, filepath.Join(t.TempDir(), "none.csv")); err == nil {
		t.Error("a missing file was accepted")
	}
}

func TestUsers(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	out := c.ok(password+"\n", []string{"user", "add"}, "--name", "alice", "--role", "township_staff", "--area", township, "--password-stdin")
	if !strings.Contains(out, "created alice") {
		t.Fatalf("user add: %q", out)
	}
	a := c.open()
	ctx := context.Background()
	acc, err := a.Users.Authenticate(ctx, "alice", password)
	if err != nil {
		t.Fatalf("sign-in after user add: %v", err)
	}
	if acc.Role != auth.TownshipStaff || acc.AreaCode != township || !acc.MustChangePassword {
		t.Fatalf("account %+v", acc)
	}

	// Bad input is refused with the field named, and creates nothing.
	_, err = c.run("short\n", []string{"user", "add"}, "--name", "bob", "--role", "township_staff", "--area", township, "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "password:") {
		t.Fatalf("weak password: %v", err)
	}
	_, err = c.run(password+"\n", []string{"user", "add"}, "--name", "bob", "--role", "mayor", "--area", "131199999999", "--password-stdin")
	if err == nil || !strings.Contains(err.Error(), "role:") || !strings.Contains(err.Error(), "area:") {
		t.Fatalf("bad role and area: %v", err)
	}
	if _, err := c.run(password+"\n", []string{"user", "add"}, "--name", "alice", "--role", "township_staff", "--area", township, "--password-stdin"); err == nil {
		t.Fatal("a second alice was created")
	}
	if _, err := c.run("", []string{"user", "add"}, "--name", "bob", "--role", "township_staff", "--area", township); err == nil {
		t.Fatal("user add without --password-stdin went ahead")
	}
	if _, err := a.Users.Authenticate(ctx, "bob", password); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Fatalf("bob exists after refused adds: %v", err)
	}

	if out := c.ok("", []string{"user", "disable"}, "alice"); out != "disabled alice\n" {
		t.Fatalf("disable: %q", out)
	}
	if _, err := a.Users.Authenticate(ctx, "alice", password); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Fatalf("a disabled account signed in: %v", err)
	}
	if _, err := c.run("", []string{"token", "create"}, "--user", "alice"); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("token for a disabled account: %v", err)
	}
	c.ok("", []string{"user", "enable"}, "alice")
	if _, err := a.Users.Authenticate(ctx, "alice", password); err != nil {
		t.Fatalf("enabled account: %v", err)
	}

	const newPassword = "Cli-Passw0rd-two"
	c.ok(newPassword+"\n", []string{"user", "reset-password"}, "--password-stdin", "alice")
	if _, err := a.Users.Authenticate(ctx, "alice", password); errs.Code(err) != errs.EUNAUTHORIZED {
		t.Fatalf("the old password still works: %v", err)
	}
	if _, err := a.Users.Authenticate(ctx, "alice", newPassword); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	// Without --password-stdin a password is made and printed once.
	out = c.ok("", []string{"user", "reset-password"}, "alice")
	const prefix = "password of alice reset to: "
	if !strings.HasPrefix(out, prefix) {
		t.Fatalf("reset-password: %q", out)
	}
	generated := strings.TrimSpace(strings.SplitN(strings.TrimPrefix(out, prefix), "\n", 2)[0])
	if _, err := a.Users.Authenticate(ctx, "alice", generated); err != nil {
		t.Fatalf("the generated password %q: %v", generated, err)
	}
	if _, err := c.run("", []string{"user", "disable"}, "nobody"); err == nil {
		t.Fatal("disabling an unknown account succeeded")
	}
	if _, err := c.run("", []string{"user", "rename"}, "alice"); err == nil {
		t.Fatal("an unknown subcommand succeeded")
	}
	// Each change is in the audit log, done by the system.
	for _, action := range []string{"user.create", "user.disable", "user.enable", "user.reset_password"} {
		var n int
		if err := a.DB.Q(ctx).QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND object_id = 'alice' AND actor_name = 'system'`, action).Scan(&n); err != nil || n == 0 {
			t.Errorf("no audit record of %s (%v)", action, err)
		}
	}
}

func TestTokenCreate(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	c.ok(password+"\n", []string{"user", "add"}, "--name", "alice", "--role", "township_staff", "--area", township, "--password-stdin")
	tok := strings.TrimSpace(c.ok("", []string{"token", "create"}, "--user", "alice", "--expires", "1h"))
	if tok == "" || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token %q", tok)
	}
	a := c.open()
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	get := func(tok string) int { return bearerStatus(t, srv.URL+"/api/v1/divisions/"+township, tok) }
	if st := get(tok); st != http.StatusOK {
		t.Fatalf("the API refused the new token: %d", st)
	}
	if st := get(tok + "x"); st != http.StatusUnauthorized {
		t.Fatalf("a wrong token: %d", st)
	}
	for _, args := range [][]string{{"--user", "nobody"}, {"--user", "alice", "--expires", "0s"}, {}} {
		if _, err := c.run("", []string{"token", "create"}, args...); err == nil {
			t.Errorf("token create %v succeeded", args)
		}
	}
}

func TestBackup(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	if c.cfg.URL != "" {
		backupPostgres(t, c)
		return
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	if got := c.ok("", []string{"backup"}, "--out", out); !strings.Contains(got, "wrote "+out) {
		t.Fatalf("backup: %q", got)
	}
	b, err := db.Open(context.Background(), db.Config{URL: "sqlite:" + out})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var n int
	if err := b.Q(context.Background()).QueryRowContext(context.Background(), `SELECT count(*) FROM divisions`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("the copy has %d divisions (%v), want 5", n, err)
	}
	st, _ := os.Stat(out)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("the copy is readable by others: %v", st.Mode())
	}
	before, _ := os.ReadFile(out)
	if _, err := c.run("", []string{"backup"}, "--out", out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	after, _ := os.ReadFile(out)
	if !bytes.Equal(before, after) {
		t.Fatal("the refused backup changed the existing file")
	}
	if _, err := c.run("", []string{"backup"}); err == nil {
		t.Fatal("backup without --out succeeded")
	}
}

// backupPostgres: pg_dump writes the test's own schema, and a second
// backup to the same file is refused.
func backupPostgres(t *testing.T, c *cli) {
	if _, err := exec.LookPath("pg_restore"); err != nil {
		t.Skip("pg_dump and pg_restore are not installed")
	}
	out := filepath.Join(t.TempDir(), "copy.dump")
	if got := c.ok("", []string{"backup"}, "--out", out); !strings.Contains(got, "wrote "+out) {
		t.Fatalf("backup: %q", got)
	}
	list, err := exec.Command("pg_restore", "--list", out).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore --list: %v: %s", err, list)
	}
	u, _ := url.Parse(c.cfg.URL)
	schema := u.Query().Get("search_path")
	if !strings.Contains(string(list), "TABLE DATA "+schema+" divisions") || !strings.Contains(string(list), "TABLE DATA "+schema+" audit_log") {
		t.Fatalf("the dump lacks the schema's tables:\n%s", list)
	}
	before, _ := os.ReadFile(out)
	if _, err := c.run("", []string{"backup"}, "--out", out); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Fatal("the refused backup changed the existing file")
	}
}

func TestPgDumpArgs(t *testing.T) {
	args, env, err := pgDumpArgs("postgres://shequ:s3cret@db.example:5432/shequ?sslmode=require&search_path=city,public", "/b/x.dump")
	if err != nil {
		t.Fatal(err)
	}
	want := "--format=custom --file=/b/x.dump --schema=city postgres://shequ@db.example:5432/shequ?sslmode=require"
	if got := strings.Join(args, " "); got != want {
		t.Errorf("args %q, want %q", got, want)
	}
	if len(env) != 1 || env[0] != "PGPASSWORD=s3cret" {
		t.Errorf("env %v", env)
	}
}

func TestAuditVerify(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	c.ok(password+"\n", []string{"user", "add"}, "--name", "alice", "--role", "township_staff", "--area", township, "--password-stdin")
	c.ok("", []string{"user", "disable"}, "alice")
	out := c.ok("", []string{"audit", "verify"})
	if !strings.HasPrefix(out, "audit log intact: 3 records") || !strings.Contains(out, "head: record 3, hash ") {
		t.Fatalf("verify: %q", out)
	}
	// The printed head is an anchor a later check can be held to.
	anchors := filepath.Join(t.TempDir(), "anchors")
	head := out[strings.Index(out, "head: "):]
	if err := os.WriteFile(anchors, []byte(head), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := c.ok("", []string{"audit", "verify"}, "--anchors", anchors); !strings.Contains(out, "anchors: the chain passes through all 1") {
		t.Fatalf("verify with the anchor: %q", out)
	}
	a := c.open()
	on := ""
	if a.DB.Dialect == db.Postgres {
		on = " ON audit_log"
	}
	for _, q := range []string{"DROP TRIGGER audit_log_no_update" + on, `UPDATE audit_log SET detail = '{"role":"admin"}' WHERE id = 2`} {
		if _, err := a.DB.Writer().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.run("", []string{"audit", "verify"})
	if err == nil || !strings.Contains(err.Error(), "BROKEN") || !strings.Contains(err.Error(), "record 2: edited") {
		t.Fatalf("tampered log: %v", err)
	}
	// Rewritten from record 2 on, every link recomputed: the chain verifies
	// alone, not against the anchor.
	recs, _, err := a.Audit.Search(auth.With(context.Background(), auth.SystemPrincipal), audit.Filter{PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(recs, func(x, y audit.Record) int { return int(x.ID - y.ID) })
	prev := recs[0].Hash
	for _, r := range recs[1:] {
		r.PrevHash = prev
		r.Hash = r.ComputeHash()
		if _, err := a.DB.Writer().Exec(`UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3`, r.PrevHash, r.Hash, r.ID); err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
	if _, err := a.DB.Writer().Exec(`UPDATE audit_head SET hash = $1 WHERE one = 1`, prev); err != nil {
		t.Fatal(err)
	}
	c.ok("", []string{"audit", "verify"})
	if _, err := c.run("", []string{"audit", "verify"}, "--anchors", anchors); err == nil || !strings.Contains(err.Error(), "rewritten: record 3") {
		t.Fatalf("the rewritten chain against the anchor: %v", err)
	}
}

func TestVersionHelpAndUsage(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, nil, &out, &out); err != nil || out.String() != "shequ "+app.Version+"\n" {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	out.Reset()
	if err := run(context.Background(), []string{"help"}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "Usage:") {
		t.Fatalf("help: %q %v", out.String(), err)
	}
	for _, args := range [][]string{{"frobnicate"}, {}, {"import"}, {"import", "people"}, {"audit"}, {"token"}, {"user"}, {"migrate", "--nosuchflag"}} {
		err := run(context.Background(), args, nil, &out, &out)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), "Usage:") {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
	}
	if err := run(context.Background(), []string{"frobnicate"}, nil, &out, &out); !strings.Contains(err.Error(), "unknown command frobnicate") {
		t.Errorf("unknown command not named: %v", err)
	}
	// A command that is wrong as typed opens (and creates) no database.
	dir := filepath.Join(t.TempDir(), "data")
	for _, args := range [][]string{
		{"user", "rename", "--data", dir, "alice"},
		{"user", "add", "--data", dir, "--name", "bob", "--role", "resident", "--area", township},
		{"user", "disable", "--data", dir},
		{"token", "create", "--data", dir, "--expires", "9999h", "--user", "bob"},
		{"backup", "--data", dir},
	} {
		err := run(context.Background(), args, strings.NewReader(""), &out, &out)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: want a usage error, got %v", args, err)
		}
		if _, err := os.Stat(dir); err == nil {
			t.Fatalf("%v created the data folder", args)
		}
	}
}

func TestImportPersons(t *testing.T) {
	c := newCLI(t)
	c.importGood()
	book := func(rows ...[]any) string {
		t.Helper()
		x := excelize.NewFile()
		defer x.Close()
		x.SetSheetName("Sheet1", person.Sheet.SheetZh)
		header := []any{}
		for _, h := range person.Sheet.Headers("zh-CN") {
			header = append(header, h)
		}
		x.SetSheetRow(person.Sheet.SheetZh, "A1", &header)
		for i, r := range rows {
			x.SetSheetRow(person.Sheet.SheetZh, fmt.Sprintf("A%d", i+2), &r)
		}
		path := filepath.Join(t.TempDir(), "people.xlsx")
		if err := x.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	id := func(first17 string) string { return first17 + string(idcard.CheckChar(first17)) }
	wrong := id("11010119400307447")
	wrong = wrong[:17] + map[bool]string{true: "1", false: "2"}[wrong[17] != '1']
	bad := book([]any{"131102001045", "张建国", id("11010119400307447")}, []any{"131102001045", "李秀英", wrong})
	if _, err := c.run("", []string{"import", "persons"}, bad); err == nil || !strings.Contains(describe(err), "Row 3, ID number") {
		t.Fatalf("a bad check digit: %v", describe(err))
	}
	good := book([]any{"131102001045", "张建国", id("11010119400307447"), "13800138000"}, []any{"131102001201", "李秀英", id("13110219550101002")})
	if out := c.ok("", []string{"import", "persons"}, good); !strings.HasPrefix(out, "2 people imported") {
		t.Fatalf("import: %q", out)
	}
	if _, err := c.run("", []string{"import", "persons"}, good); err == nil || !strings.Contains(describe(err), "already registered") {
		t.Fatalf("the same people again: %v", describe(err))
	}
}

// TestFlagsAfterArguments: every command reads its flags before, between
// or after its positional arguments (one parser for all); "--" ends them.
func TestFlagsAfterArguments(t *testing.T) {
	var c common
	fs := flags("x", &c)
	b := fs.Bool("b", false, "")
	n := fs.String("name", "", "")
	if err := parse(fs, []string{"FILE", "--data", "D", "-b", "other", "--name=N", "--", "--not-a-flag", "-b"}); err != nil {
		t.Fatal(err)
	}
	if c.data != "D" || !*b || *n != "N" || !slices.Equal(fs.Args(), []string{"FILE", "other", "--not-a-flag", "-b"}) {
		t.Errorf("data %q b %v name %q args %q", c.data, *b, *n, fs.Args())
	}
	if err := parse(flags("x", &c), []string{"FILE", "--nope"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown flag after an argument: %v", err)
	}

	// As the README writes them.
	cl := newCLI(t)
	good := writeFile(t, "good.csv", goodCSV)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"import", "divisions", good, "--data", cl.cfg.DataDir, "--db", cl.cfg.URL}, strings.NewReader(""), &out, io.Discard); err != nil {
		t.Fatalf("import divisions FILE --data DIR: %v", describe(err))
	}
	if out.String() != "5 rows: 5 new, 0 changed, 0 unchanged\n" {
		t.Fatalf("import: %q", out.String())
	}
	if err := run(context.Background(), []string{"user", "add", "--name", "ops", "--role", "admin", "--area", "131100000000", "--data", cl.cfg.DataDir, "--db", cl.cfg.URL,
		"--password-stdin"}, strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("user add: %v", describe(err))
	}
	if err := run(context.Background(), []string{"user", "disable", "ops", "--data", cl.cfg.DataDir, "--db", cl.cfg.URL}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
		t.Fatalf("user disable N --data DIR: %v", describe(err))
	}
	var disabled bool
	a := cl.open()
	if err := a.DB.Q(context.Background()).QueryRowContext(context.Background(), `SELECT disabled FROM users WHERE name = 'ops'`).Scan(&disabled); err != nil || !disabled {
		t.Errorf("the account is not disabled: %v %v", disabled, err)
	}
}

// bearerStatus is the status of a GET of url with the API token tok.
func bearerStatus(t *testing.T, url, tok string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestKeyFile: SHEQU_KEY_FILE reaches the application through cmd, the
// one place that reads the environment: a key file that is not there is
// refused, not made up, and with one in place no key is made in the data
// folder.
func TestKeyFile(t *testing.T) {
	c := newCLI(t)
	path := filepath.Join(t.TempDir(), "shared.key")
	t.Setenv("SHEQU_KEY_FILE", path)
	if _, err := c.run("", []string{"token", "list"}); err == nil || !strings.Contains(err.Error(), "shared.key") {
		t.Fatalf("a missing key file: %v", err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("a key was made up at SHEQU_KEY_FILE")
	}
	if err := os.WriteFile(path, []byte(strings.Repeat("0b", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c.ok("", []string{"token", "list"})
	if _, err := os.Stat(filepath.Join(c.cfg.DataDir, "shequ.key")); err == nil {
		t.Error("a key was made in the data folder although SHEQU_KEY_FILE names one")
	}
}
