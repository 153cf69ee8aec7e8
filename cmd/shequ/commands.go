package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"shequ/internal/app"
	"shequ/internal/demo"
	"shequ/internal/person"
	"shequ/internal/platform/audit"
	"shequ/internal/platform/auth"
	"shequ/internal/platform/db"
	"shequ/internal/platform/pii"
	"shequ/internal/platform/web"
)

// servePprof serves net/http/pprof on a loopback address only: profiles
// show request data in stack arguments and must never face the network.
func servePprof(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// serveMetrics serves the Prometheus metrics, and nothing else, on a
// listener of their own until ctx ends: they describe the service's load
// and routes and are for the monitoring network, not the public one.
func serveMetrics(ctx context.Context, addr string, h http.Handler) (net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, MaxHeaderBytes: 64 << 10}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	return ln.Addr(), nil
}

func appVersion() string { return app.Version }

// open opens the app with its configuration: the flags, and the
// environment read here, the one place that reads it.
func open(ctx context.Context, c common, isDemo bool) (*app.App, error) {
	return app.Open(ctx, app.Config{DataDir: c.data, DBURL: c.db, Demo: isDemo,
		TrustProxy:      os.Getenv("SHEQU_TRUST_PROXY") == "1",
		TrustedProxies:  os.Getenv("SHEQU_TRUSTED_PROXIES"),
		PublicURL:       os.Getenv("SHEQU_PUBLIC_URL"),
		AuditAnchorFile: os.Getenv("SHEQU_AUDIT_ANCHOR_FILE"),
		KeyFile:         os.Getenv(pii.KeyFileEnv),
		SMS:             c.sms})
}

// smsFlags are the SMS gateway's settings (serve and demo): flags, with
// the environment as their defaults; the secret only from the environment,
// so it does not show in the process list. Without --sms-url messages go to
// the in-memory box and the log.
func smsFlags(fs *flag.FlagSet, c *common) {
	fs.StringVar(&c.sms.URL, "sms-url", os.Getenv("SHEQU_SMS_URL"), "SMS gateway URL (SHEQU_SMS_URL); empty: messages go to the log only")
	fs.StringVar(&c.sms.AccessKey, "sms-access-key", os.Getenv("SHEQU_SMS_ACCESS_KEY"), "SMS gateway access key id (SHEQU_SMS_ACCESS_KEY)")
	fs.StringVar(&c.sms.SignName, "sms-sign-name", os.Getenv("SHEQU_SMS_SIGN_NAME"), "the approved SMS signature (SHEQU_SMS_SIGN_NAME)")
	fs.StringVar(&c.sms.Templates, "sms-templates", os.Getenv("SHEQU_SMS_TEMPLATES"), "template codes at the gateway, e.g. signup_code=SMS_1001 (SHEQU_SMS_TEMPLATES)")
	c.sms.Secret = os.Getenv("SHEQU_SMS_SECRET")
}

func cmdServe(ctx context.Context, args []string, stdout io.Writer, isDemo bool) error {
	var c common
	name := "serve"
	defData := ""
	if isDemo {
		name = "demo"
		defData = "./shequ-demo"
	}
	fs := flags(name, &c)
	if isDemo && os.Getenv("SHEQU_DATA") == "" {
		fs.Lookup("data").DefValue = defData
		_ = fs.Set("data", defData)
	}
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	var tls web.TLS
	fs.StringVar(&tls.CertFile, "tls-cert", "", "TLS certificate (PEM) to serve HTTPS")
	fs.StringVar(&tls.KeyFile, "tls-key", "", "TLS private key (PEM)")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler on this loopback address (127.0.0.1:6060), for diagnosis")
	smsFlags(fs, &c)
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics (GET /metrics) on this address of the monitoring network, e.g. 127.0.0.1:9090; off when empty")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *pprofAddr != "" {
		if err := servePprof(*pprofAddr); err != nil {
			return usageError("shequ " + name + ": --pprof: " + err.Error())
		}
	}
	if (tls.CertFile == "") != (tls.KeyFile == "") {
		return usageError("shequ " + name + ": give both --tls-cert and --tls-key, or neither")
	}
	start := time.Now()
	a, err := open(ctx, c, isDemo)
	if err != nil {
		return err
	}
	defer a.Close()
	if *metricsAddr != "" {
		if _, err := serveMetrics(ctx, *metricsAddr, a.Web.MetricsHandler()); err != nil {
			return fmt.Errorf("shequ %s: --metrics-addr: %w", name, err)
		}
	}
	var accounts []demo.Account
	if isDemo {
		b := &demo.Builder{DB: a.DB, Divisions: a.Divisions, Users: a.Users, Audit: a.Audit, Indicators: a.Indicators, Emergencies: a.Emergencies, Ledger: a.Ledger,
			Projects: a.Projects, ResidentUnits: a.ResidentUnits, DataDir: c.data, Out: stdout, Progress: isTerminal(stdout)}
		accounts, _, err = b.Ensure(ctx)
		if err != nil {
			return err
		}
	}
	return a.ServeTLS(ctx, *addr, tls, func(ln net.Addr) {
		url := "http://" + ln.String()
		if tls.CertFile != "" {
			url = "https://" + ln.String()
		}
		if isDemo {
			demo.Print(stdout, url, accounts)
		}
		fmt.Fprintf(stdout, "shequ %s serving %s on %s (ready in %s); Ctrl-C stops\n", app.Version, url, a.Describe(), time.Since(start).Round(time.Millisecond))
	})
}

func cmdMigrate(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := flags("migrate", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := db.Open(ctx, db.Config{DataDir: c.data, URL: c.db})
	if err != nil {
		return err
	}
	defer d.Close()
	n, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "applied %d migrations; the schema is up to date\n", n)
	return nil
}

// cmdImport loads a file as the system: divisions (CSV), or people (the
// registry's workbook template: all or nothing, every bad row named), for
// a first load too large to upload. On SQLite an import holds the one
// writer until it ends (about 48 s at a million people).
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	kinds := map[string]string{"divisions": "FILE.csv", "persons": "FILE.xlsx"}
	if len(args) == 0 || kinds[args[0]] == "" {
		return usageError("shequ import: what to import? (divisions, persons)")
	}
	kind := args[0]
	var c common
	fs := flags("import "+kind, &c)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("shequ import " + kind + ": give one " + kinds[kind])
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	sys := app.SystemContext(ctx)
	if kind == "persons" {
		start := time.Now()
		n, err := person.NewService(a.DB, a.Audit, a.Keys).Import(sys, bufio.NewReader(f))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d people imported in %s\n", n, time.Since(start).Round(100*time.Millisecond))
		return nil
	}
	tty := isTerminal(stderr)
	res, err := a.Divisions.ImportCSV(sys, bufio.NewReader(f), func(done, total int) {
		if tty {
			fmt.Fprintf(stderr, "\r%d/%d rows", done, total)
		}
	})
	if tty {
		fmt.Fprintln(stderr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d rows: %d new, %d changed, %d unchanged\n", res.Rows, res.Inserted, res.Updated, res.Rows-res.Inserted-res.Updated)
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError("no password on standard input")
	}
	return pw, nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) (err error) {
	if len(args) == 0 {
		return usageError("shequ user: add, disable, enable, unlock, reset-totp or reset-password?")
	}
	sub := args[0]
	var c common
	fs := flags("user "+sub, &c)
	name := fs.String("name", "", "account name")
	role := fs.String("role", "", "role: "+roleList())
	area := fs.String("area", "", "12-digit division code of the account's area")
	display := fs.String("display-name", "", "the person's name")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if sub != "add" && *name == "" && fs.NArg() == 1 {
		*name = fs.Arg(0)
	}
	if *name == "" {
		return usageError("shequ user " + sub + ": which account? (--name N)")
	}
	// Usage is checked before the database is opened (and perhaps created).
	switch sub {
	case "add", "disable", "enable", "unlock", "reset-totp", "reset-password":
	default:
		return usageError("shequ user: unknown subcommand " + sub)
	}
	if sub == "add" && !*pwStdin {
		return usageError("shequ user add: give the password on standard input with --password-stdin")
	}
	a, err := open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	sctx := app.SystemContext(ctx)
	// Messages are printed once the transaction has committed, never for a
	// change that a failed commit undid.
	var msg string
	defer func() {
		if err == nil {
			fmt.Fprint(stdout, msg)
		}
	}()
	switch sub {
	case "add":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		return a.DB.WithTx(sctx, func(ctx context.Context) error {
			if _, err := a.Users.Create(ctx, auth.UserInput{Name: *name, DisplayName: *display, Role: auth.Role(*role), AreaCode: *area,
				Password: pw, MustChangePassword: true}); err != nil {
				return err
			}
			if err := a.Audit.Write(ctx, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: *name,
				Detail: map[string]string{"role": *role, "area": *area, "by": "cli"}}); err != nil {
				return err
			}
			msg = fmt.Sprintf("created %s (%s, area %s); the password must be changed at first sign-in\n", *name, *role, *area)
			return nil
		})
	case "unlock", "reset-totp":
		// The way back in for the last admin, locked out or without their phone.
		return a.DB.WithTx(sctx, func(ctx context.Context) error {
			var err error
			if sub == "unlock" {
				_, err = a.Users.Unlock(ctx, *name)
			} else {
				_, err = a.Users.ResetTOTP(ctx, *name)
			}
			if err != nil {
				return err
			}
			if err := a.Audit.Write(ctx, audit.Entry{Action: "user." + strings.ReplaceAll(sub, "-", "_"), ObjectType: "user", ObjectID: *name,
				Detail: map[string]string{"by": "cli"}}); err != nil {
				return err
			}
			msg = fmt.Sprintf("%s: done for %s\n", sub, *name)
			return nil
		})
	case "disable", "enable":
		return a.DB.WithTx(sctx, func(ctx context.Context) error {
			if _, err := a.Users.SetDisabled(ctx, *name, sub == "disable"); err != nil {
				return err
			}
			if err := a.Audit.Write(ctx, audit.Entry{Action: "user." + sub, ObjectType: "user", ObjectID: *name}); err != nil {
				return err
			}
			msg = fmt.Sprintf("%sd %s\n", sub, *name)
			return nil
		})
	case "reset-password":
		pw := ""
		if *pwStdin {
			if pw, err = readPassword(stdin); err != nil {
				return err
			}
		} else {
			pw = auth.GeneratePassword()
		}
		return a.DB.WithTx(sctx, func(ctx context.Context) error {
			if _, err := a.Users.ResetPassword(ctx, *name, pw); err != nil {
				return err
			}
			if err := a.Audit.Write(ctx, audit.Entry{Action: "user.reset_password", ObjectType: "user", ObjectID: *name}); err != nil {
				return err
			}
			if *pwStdin {
				msg = fmt.Sprintf("password of %s reset; it must be changed at next sign-in\n", *name)
			} else {
				msg = fmt.Sprintf("password of %s reset to: %s\nit must be changed at next sign-in\n", *name, pw)
			}
			msg += "its sessions have ended and its API tokens are revoked\n"
			return nil
		})
	}
	return usageError("shequ user: unknown subcommand " + sub)
}

func roleList() string {
	var s []string
	for _, r := range auth.Roles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func cmdToken(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "list" {
		return cmdTokenList(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "revoke" {
		return cmdTokenRevoke(ctx, args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "create" {
		return usageError("shequ token: create, list or revoke?")
	}
	var c common
	fs := flags("token create", &c)
	user := fs.String("user", "", "account name")
	expires := fs.Duration("expires", 720*time.Hour, "lifetime of the token")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *user == "" {
		return usageError("shequ token create: which account? (--user N)")
	}
	if *expires <= 0 || *expires > 366*24*time.Hour {
		return usageError("shequ token create: --expires must be between 1s and 8784h (a year)")
	}
	a, err := open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	var tok string
	err = a.DB.WithTx(app.SystemContext(ctx), func(ctx context.Context) error {
		u, err := a.Users.ByName(ctx, *user)
		if err != nil {
			return err
		}
		if u.Disabled {
			return fmt.Errorf("account %s is disabled", *user)
		}
		t, exp, err := a.Sessions.CreateToken(ctx, u.ID, *expires)
		if err != nil {
			return err
		}
		tok = t
		return a.Audit.Write(ctx, audit.Entry{Action: "token.create", ObjectType: "user", ObjectID: *user,
			Detail: map[string]string{"expires": exp.Format(time.RFC3339)}})
	})
	if err != nil {
		return err
	}
	// Printed only once committed: a token shown must be one that works.
	fmt.Fprintln(stdout, tok)
	return nil
}

// cmdTokenList prints the API tokens, of one account or all: never a
// secret (only hashes are stored). Audited, as a look at who holds access.
func cmdTokenList(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := flags("token list", &c)
	user := fs.String("user", "", "only the tokens of this account")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("shequ token list: unexpected " + fs.Arg(0))
	}
	a, err := open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	var toks []auth.Token
	err = a.DB.WithTx(app.SystemContext(ctx), func(ctx context.Context) error {
		if *user != "" {
			if _, err := a.Users.ByName(ctx, *user); err != nil {
				return err
			}
		}
		var err error
		if toks, err = a.Sessions.ListTokens(ctx, *user); err != nil {
			return err
		}
		return a.Audit.Write(ctx, audit.Entry{Action: "token.list", ObjectType: "api_token", ObjectID: *user,
			Detail: map[string]any{"by": "cli", "count": len(toks)}})
	})
	if err != nil {
		return err
	}
	const layout = "2006-01-02 15:04"
	fmt.Fprintf(stdout, "%-6s %-20s %-16s %-16s %-16s %s\n", "ID", "USER", "CREATED", "EXPIRES", "LAST USED", "STATE")
	now := time.Now()
	for _, t := range toks {
		last, state := "-", "live"
		if t.LastUsedAt != nil {
			last = t.LastUsedAt.Format(layout)
		}
		switch {
		case t.Revoked:
			state = "revoked"
		case now.After(t.ExpiresAt):
			state = "expired"
		}
		fmt.Fprintf(stdout, "%-6d %-20s %-16s %-16s %-16s %s\n", t.ID, t.User, t.CreatedAt.Format(layout), t.ExpiresAt.Format(layout), last, state)
	}
	return nil
}

// cmdTokenRevoke revokes an API token by the id token list shows; audited.
func cmdTokenRevoke(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := flags("token revoke", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("shequ token revoke: which token? (its ID from shequ token list)")
	}
	id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || id <= 0 {
		return usageError("shequ token revoke: " + fs.Arg(0) + " is not a token ID")
	}
	a, err := open(ctx, c, false)
	if err != nil {
		return err
	}
	defer a.Close()
	var t *auth.Token
	err = a.DB.WithTx(app.SystemContext(ctx), func(ctx context.Context) error {
		var err error
		if t, err = a.Sessions.RevokeToken(ctx, id); err != nil {
			return err
		}
		return a.Audit.Write(ctx, audit.Entry{Action: "token.revoke", ObjectType: "api_token", ObjectID: strconv.FormatInt(id, 10),
			Detail: map[string]string{"user": t.User, "by": "cli"}})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "revoked token %d of %s\n", t.ID, t.User)
	return nil
}

func cmdBackup(ctx context.Context, args []string, stdout io.Writer) error {
	var c common
	fs := flags("backup", &c)
	out := fs.String("out", "", "file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("shequ backup: where to? (--out FILE)")
	}
	d, err := db.Open(ctx, db.Config{DataDir: c.data, URL: c.db})
	if err != nil {
		return err
	}
	defer d.Close()
	if d.Dialect == db.Postgres {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			return fmt.Errorf("on PostgreSQL, back up with pg_dump: pg_dump --format=custom --file=%s \"$SHEQU_DB\" (pg_dump is not installed here)", *out)
		}
		// pg_dump would overwrite silently; a backup never replaces a file.
		if _, err := os.Stat(*out); err == nil {
			return fmt.Errorf("backup: %s exists; choose a new file", *out)
		}
		dumpArgs, env, err := pgDumpArgs(c.db, *out)
		if err != nil {
			return err
		}
		cmd := exec.CommandContext(ctx, "pg_dump", dumpArgs...)
		cmd.Env = append(os.Environ(), env...)
		cmd.Stdout, cmd.Stderr = stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("pg_dump: %w", err)
		}
		fmt.Fprintf(stdout, "wrote %s with pg_dump (restore with pg_restore)\n", *out)
		return nil
	}
	if err := d.Backup(ctx, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: a consistent copy of the database\n", *out)
	return nil
}

// pgDumpArgs turns the database URL into pg_dump's arguments. libpq does
// not take pgx's search_path parameter, so it becomes --schema (the tables
// live in its first schema); the password goes in the environment rather
// than on a command line that every local user can read.
func pgDumpArgs(dbURL, out string) (args, env []string, err error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, nil, fmt.Errorf("database URL: %w", err)
	}
	args = []string{"--format=custom", "--file=" + out}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		args = append(args, "--schema="+strings.TrimSpace(strings.Split(sp, ",")[0]))
		q.Del("search_path")
		u.RawQuery = q.Encode()
	}
	if pw, ok := u.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
		u.User = url.User(u.User.Username())
	}
	return append(args, u.String()), env, nil
}

func cmdAudit(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError("shequ audit: verify?")
	}
	var c common
	fs := flags("audit verify", &c)
	anchorFile := fs.String("anchors", "", "file of anchors kept outside the database (lines \"[time] id hash\", as SHEQU_AUDIT_ANCHOR_FILE gets them)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	var anchors []audit.Anchor
	if *anchorFile != "" {
		f, err := os.Open(*anchorFile)
		if err != nil {
			return err
		}
		anchors, err = audit.ReadAnchors(f)
		f.Close()
		if err != nil {
			return err
		}
	}
	d, err := db.Open(ctx, db.Config{DataDir: c.data, URL: c.db})
	if err != nil {
		return err
	}
	defer d.Close()
	l := audit.New(d)
	n, broken, err := l.Verify(ctx)
	if err == nil && broken == nil {
		broken, err = l.CheckAnchors(ctx, anchors)
	}
	if err != nil {
		return err
	}
	if broken != nil {
		return fmt.Errorf("audit log BROKEN after checking %d records: record %d: %s", n, broken.ID, broken.Reason)
	}
	fmt.Fprintf(stdout, "audit log intact: %d records, hash chain verified\n", n)
	if len(anchors) > 0 {
		fmt.Fprintf(stdout, "anchors: the chain passes through all %d\n", len(anchors))
	}
	// The newest link, to keep somewhere the database's administrators
	// cannot change: a later chain that does not pass through it was rewritten.
	if head, ok, err := l.Head(ctx); err == nil && ok {
		fmt.Fprintf(stdout, "head: record %d, hash %s\n", head.ID, head.Hash)
	}
	return nil
}
